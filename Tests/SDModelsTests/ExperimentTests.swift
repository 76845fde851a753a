import SDEngine
import SDMetrics
import SDAnalysis
import SDConfig
import SDModels
import XCTest

/// Comparisons, sweeps and sizing against what statistics and queueing theory say.
final class ExperimentTests: XCTestCase {
    /// An M/M/c station named `name` with `workers` servers, service exponential(`service` s).
    func mmc(_ name: String = "app", rate: Double, service: Double, workers: Int, duration: Double, warmup: Double) -> ModelConfig {
        poissonConfig("mmc", rate: rate, duration: duration, warmup: warmup, route: [name],
                      components: [server(name, workers: workers, .exponential(mean: service))])
    }

    func figure(_ c: Comparison, _ key: String) -> Int { c.figures.firstIndex { $0.key == key }! }

    /// Two systems that differ only in a name (so their servers draw different service times from
    /// the same distribution) are the same system: a difference marked significant is a false
    /// alarm, which a 95% interval raises in 5% of comparisons, no more and no less.
    func testIdenticalSystemsRaiseFalseAlarmsAtTheExpectedRate() {
        let a = mmc("a", rate: 50, service: 0.01, workers: 1, duration: 20, warmup: 1)
        let b = mmc("b", rate: 50, service: 0.01, workers: 1, duration: 20, warmup: 1)
        let trials = 200
        var alarms = [String: Int]()
        for t in 0..<trials {
            let seed = RandomStream.derive(seed: 99, name: "trial \(t)")
            let runs = Experiment.run([a, b], seed: seed, replications: 5, jobs: 2)
            let c = Comparison.make(names: ["a", "b"], configs: [a, b], results: runs, baseline: 0, seed: seed)
            for key in ["jobs.mean", "jobs.p50", "jobs.throughput"] where c.isSignificant(figure(c, key), 1) {
                alarms[key, default: 0] += 1
            }
        }
        // Binomial(200, 0.05): 10 expected; P(X ≤ 1) and P(X ≥ 23) are each below 0.001.
        for key in ["jobs.mean", "jobs.p50"] {
            XCTAssert((2...22).contains(alarms[key] ?? 0), "\(key): \(alarms[key] ?? 0) false alarms in \(trials) comparisons")
        }
        // Throughput is the arrivals (common to both) minus the few still in flight at the end:
        // nearly identical in every pair, so its alarms are rare, never more than the 5% rate.
        XCTAssertLessThanOrEqual(alarms["jobs.throughput"] ?? 0, 22)
        // The very same system twice: every difference is exactly zero and nothing is marked.
        let runs = Experiment.run([a, a], seed: 5, replications: 5, jobs: 2)
        let same = Comparison.make(names: ["x", "y"], configs: [a, a], results: runs, baseline: 0, seed: 5)
        for f in same.figures.indices {
            XCTAssertFalse(same.isSignificant(f, 1))
            XCTAssertEqual(same.differences[f][1]?.mean ?? 0, 0)
        }
    }

    /// Twice the servers at 90% load: the mean latency falls, significantly, by about what the
    /// M/M/1 and M/M/2 formulas say; and pairing by common random numbers gives a narrower
    /// interval for that difference than treating the same runs as independent.
    func testTwiceTheServersIsSignificantlyFasterAndPairingHelps() {
        let one = mmc(rate: 90, service: 0.01, workers: 1, duration: 300, warmup: 20)
        let two = mmc(rate: 90, service: 0.01, workers: 2, duration: 300, warmup: 20)
        let runs = Experiment.run([one, two], seed: 3, replications: 10, jobs: 2)
        let c = Comparison.make(names: ["one", "two"], configs: [one, two], results: runs, baseline: 0, seed: 3)
        let theory = QueueingTheory.mmcResponse(lambda: 90, mu: 100, servers: 2) - QueueingTheory.mmcResponse(lambda: 90, mu: 100, servers: 1)
        for key in ["jobs.mean", "jobs.p99"] {
            let f = figure(c, key)
            let d = c.differences[f][1]!
            XCTAssertTrue(c.isSignificant(f, 1), "\(key): \(d)")
            XCTAssertLessThan(d.high, 0, "\(key): more servers must be faster: \(d)")
            let unpaired = c.unpairedDifferences[f][1]!
            XCTAssertLessThan(d.halfWidth, unpaired.halfWidth, "\(key): paired \(d.halfWidth) vs unpaired \(unpaired.halfWidth)")
        }
        let mean = c.differences[figure(c, "jobs.mean")][1]!
        let wide = MeanEstimate(runs[1].indices.map { runs[1][$0].result.workloads[0].latency.mean - runs[0][$0].result.workloads[0].latency.mean },
                                level: 0.999)
        XCTAssert(wide.low <= theory && theory <= wide.high, "theory \(theory) outside the 99.9% interval \(wide) (95%: \(mean))")
    }

    /// A load sweep of an M/M/1 queue (μ = 10/s): the highest arrival rate whose mean latency is
    /// at most W = 0.5 s is λ* = μ − 1/W = 8/s, and the knee (peak of λ/W = λ(μ − λ)) is at μ/2 = 5/s.
    func testMM1LoadSweepFindsTheSLOLimitAndTheKnee() {
        let rates = stride(from: 1.0, through: 9.0, by: 0.5).map { $0 }
        let configs = rates.map { mmc(rate: $0, service: 0.1, workers: 1, duration: 1500, warmup: 50) }
        let outcomes = Experiment.run(configs, seed: 21, replications: 10, jobs: 2)
        let axis = SweepAxis(path: "workload.jobs.arrival", values: rates.map { "poisson(\($0)/s)" }, coordinates: rates)
        let slo = SLOTarget(terms: [.init(metric: "mean", comparison: .lessOrEqual, bound: 0.5, text: "mean <= 500ms")])
        let r = SweepResult.make(axes: [axis], points: rates.indices.map { [$0] }, configs: configs, outcomes: outcomes, seed: 21,
                                 slo: slo, loadSweep: true)
        let limit = try! XCTUnwrap(r.sloLimit)
        let (low, high) = (try! XCTUnwrap(limit.low), try! XCTUnwrap(limit.high))
        XCTAssert(low <= 8 && 8 <= high, "λ* = 8 outside the band [\(low), \(high)] (estimate \(limit.estimate ?? .nan))")
        XCTAssertLessThan(high - low, 0.5, "band too wide to test anything")
        let knee = try! XCTUnwrap(r.knee)
        XCTAssertFalse(knee.atEdge)
        XCTAssertEqual(knee.value, 5, accuracy: 0.25, "knee at \(knee.value), theory 5")
        // Each point meets the SLO exactly where theory says W = 1/(μ − λ) ≤ 0.5 s, away from the limit itself.
        for (p, rate) in rates.enumerated() where abs(rate - 8) > 0.25 {
            XCTAssertEqual(r.meetsSLO(p), rate < 8, "point λ = \(rate)")
        }
    }

    /// `size` on an M/M/c queue (λ = 40/s, μ = 10/s) for a mean wait of at most 30 ms: Erlang C
    /// says c = 6 (c = 5 waits 55 ms, c = 6 waits 14 ms). The search tries a handful of values.
    func testSizingAnMMcQueueFindsTheErlangCAnswer() {
        let target = 0.03
        let theory = (1...20).first { c in Double(c) * 10 > 40 && QueueingTheory.mmcWait(lambda: 40, mu: 10, servers: c) <= target }!
        XCTAssertEqual(theory, 6)
        let slo = SLOTarget(terms: [.init(metric: "mean", comparison: .lessOrEqual, bound: 0.1 + target, text: "mean <= 130ms")])
        let r = SizingResult.search(path: "components.app.workers", lower: 1, upper: 64, slo: slo, replications: 10, seed: 4, jobs: 2,
                                    config: { self.mmc(rate: 40, service: 0.1, workers: $0, duration: 300, warmup: 20) })
        XCTAssertEqual(r.answer, theory, "tried \(r.evaluations.map(\.value))")
        XCTAssertLessThanOrEqual(r.evaluations.count, 8, "a search, not a scan: tried \(r.evaluations.map(\.value))")
        XCTAssertFalse(r.evaluation(5)?.meets ?? true)
    }
}
