import XCTest
final class PlaceholderSDReportsTests: XCTestCase { func testNothing() {} }
