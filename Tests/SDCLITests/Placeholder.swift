import XCTest
final class PlaceholderSDCLITests: XCTestCase { func testNothing() {} }
