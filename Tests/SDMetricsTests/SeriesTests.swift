import SDEngine
import XCTest
@testable import SDMetrics

/// The per-slice figures behind the series over time.
final class SeriesTests: XCTestCase {
    func testSliceHistogramPercentilesAreWithinOneSixteenth() {
        var h = SliceHistogram(slices: 2)
        for i in 1...1000 { h.record(SimDuration(ns: Int64(i) * 1_000_000), slice: 0) }   // 1 ms … 1 s
        XCTAssertEqual(h.count, [1000, 0])
        XCTAssertEqual(h.mean(0)!, 0.5005, accuracy: 1e-9)
        XCTAssertNil(h.mean(1))
        XCTAssertNil(h.percentile(99, slice: 1))
        for (p, exact) in [(50.0, 0.5), (99.0, 0.99), (1.0, 0.01)] {
            let x = h.percentile(p, slice: 0)!
            XCTAssertLessThanOrEqual(abs(x - exact) / exact, 1.0 / 16, "p\(p): \(x)")
        }
        var other = SliceHistogram(slices: 2)
        other.record(SimDuration(ns: 3), slice: 1)
        h.merge(other)
        XCTAssertEqual(h.count, [1000, 1])
        XCTAssertEqual(h.percentile(50, slice: 1), 3e-9)
    }

    func testBucketsCoverEveryLatency() {
        for ns: Int64 in [0, 1, 7, 8, 9, 15, 16, 1_000, 123_456_789, Int64.max] {
            let b = SliceHistogram.bucket(ns)
            XCTAssertTrue((0..<SliceHistogram.bucketsPerSlice).contains(b), "\(ns)")
            if ns >= 8 { XCTAssertLessThanOrEqual(abs(SliceHistogram.middle(b) - Double(ns)) / Double(ns), 1.0 / 16, "\(ns)") }
        }
    }

    /// Averages per slice add up to the whole-window average, and follow the value's changes.
    func testTimeAverageSlices() {
        var a = TimeAverage(start: SimTime(ns: 100))
        a.enableSlices(count: 4, length: SimDuration(ns: 100))   // slices [100,200) [200,300) [300,400) [400,end)
        a.set(2, at: SimTime(ns: 50))      // before the window: 2 from the start
        a.set(4, at: SimTime(ns: 150))     // slice 0: 2 for 50, 4 for 50 → 3
        a.set(0, at: SimTime(ns: 350))     // slices 1: 4; 2: 4 for 50, 0 for 50 → 2
        let s = a.sliceAverages(until: SimTime(ns: 450))   // slice 3: 0, and only 50 long
        XCTAssertEqual(s, [3, 4, 2, 0])
        let whole: Double = (300 + 400 + 200) / 350.0   // slice 3 adds nothing
        XCTAssertEqual(a.average(until: SimTime(ns: 450)), whole, accuracy: 1e-12)
        XCTAssertEqual(TimeAverage(start: SimTime(ns: 0)).sliceAverages(until: SimTime(ns: 10)), [])
    }
}
