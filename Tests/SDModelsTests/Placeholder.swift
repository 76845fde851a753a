import XCTest
final class PlaceholderSDModelsTests: XCTestCase { func testNothing() {} }
