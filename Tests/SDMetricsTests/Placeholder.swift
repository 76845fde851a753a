import XCTest
final class PlaceholderSDMetricsTests: XCTestCase { func testNothing() {} }
