import SDEngine
import SDMetrics
import Foundation
import XCTest

/// A standard normal draw by Box–Muller (the engine's `normal` clamps at zero, as time must).
func standardNormal(_ s: RandomStream) -> Double {
    (-2 * log(s.uniformPositive())).squareRoot() * cos(2 * Double.pi * s.uniform())
}

final class MetricsTests: XCTestCase {
    func testTallyMeanAndVariance() {
        var t = Tally()
        for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { t.add(x) }
        XCTAssertEqual(t.mean, 5)
        XCTAssertEqual(t.variance, 32.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(t.max, 9)
    }

    /// Batch means keep between k and 2k complete batches and average them exactly.
    func testBatchMeansMergesAndKeepsBoundedBatches() {
        var b = BatchMeans(minBatches: 4)
        for i in 0..<100 { b.add(Double(i)) }
        // 100 observations: sizes double 1 → 2 → 4 → 8 → 16; 6 complete batches of 16 (96 values).
        XCTAssertEqual(b.batchMeans.count, 6)
        XCTAssertEqual(b.batchMeans[0], 7.5)
        XCTAssertEqual(b.batchMeans[5], 87.5)
        XCTAssertNotNil(b.interval())
        XCTAssertNil(BatchMeans(minBatches: 20).interval(), "too little data gives no interval")
    }

    /// The batch-means interval covers the true mean of an AR(1) series (strongly correlated,
    /// φ = 0.9, mean 0) in about 95% of 400 independent runs; the naive i.i.d. interval would not.
    func testBatchMeansCoverageOnCorrelatedSeries() {
        var covered = 0
        let runs = 400
        for seed in 0..<runs {
            let s = RandomStream(seed: UInt64(seed), name: "ar1")
            var b = BatchMeans()
            var x = 0.0
            for _ in 0..<20_000 {
                x = 0.9 * x + standardNormal(s)
                b.add(x)
            }
            if let ci = b.interval(), ci.low <= 0, 0 <= ci.high { covered += 1 }
        }
        // Coverage count is Binomial(400, 0.95): sd ≈ 4.4; accept 95% ± 4 sd.
        XCTAssertEqual(Double(covered) / Double(runs), 0.95, accuracy: 4 * 4.4 / 400)
    }

    func testTimeAverageIgnoresWarmup() {
        var a = TimeAverage(start: SimTime(ns: 10))
        a.set(5, at: SimTime(ns: 0))      // 5 during [0, 20), of which [10, 20) counts
        a.set(1, at: SimTime(ns: 20))     // 1 during [20, 30)
        XCTAssertEqual(a.average(until: SimTime(ns: 30)), (5.0 * 10 + 1 * 10) / 20)
    }

    /// Values beyond the histogram are counted, not lost.
    func testLatencyRecorderCountsOutOfRange() {
        var r = LatencyRecorder()
        r.record(SimDuration(ns: 1_000))
        r.record(SimDuration(ns: Int64(LatencyRecorder.highestTrackableNs) * 2))
        XCTAssertEqual(r.outOfRange, 1)
        XCTAssertEqual(r.tally.count, 2)
        XCTAssertEqual(r.percentile(50), 1e-6, accuracy: 1e-9)
    }

    /// Known values: t(0.975, 9) = 2.262157; Erlang B(5, 4) = 0.199067; Erlang C(2, 1) = 1/3.
    func testTheoryFormulas() {
        XCTAssertEqual(StudentT.quantile(level: 0.95, df: 9), 2.262157, accuracy: 1e-6)
        XCTAssertEqual(QueueingTheory.erlangB(servers: 5, offeredLoad: 4), 0.199067, accuracy: 1e-6)
        XCTAssertEqual(QueueingTheory.erlangC(servers: 2, offeredLoad: 1), 1.0 / 3, accuracy: 1e-12)
        // M/M/1 as M/M/c with c = 1: W = 1/(μ − λ).
        XCTAssertEqual(QueueingTheory.mmcResponse(lambda: 0.5, mu: 1, servers: 1), 2, accuracy: 1e-12)
        // M/M/1/K blocking: p(K) = (1 − ρ)ρᴷ/(1 − ρᴷ⁺¹).
        let rho = 0.8
        XCTAssertEqual(QueueingTheory.mmckBlocking(lambda: 0.8, mu: 1, servers: 1, capacity: 3),
                       (1 - rho) * pow(rho, 3) / (1 - pow(rho, 4)), accuracy: 1e-12)
    }
}
