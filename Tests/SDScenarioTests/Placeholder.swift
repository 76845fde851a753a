import XCTest
final class PlaceholderSDScenarioTests: XCTestCase { func testNothing() {} }
