import XCTest
final class PlaceholderSDEngineTests: XCTestCase { func testNothing() {} }
