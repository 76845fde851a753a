import SDAnalysis
import SDConfig
import SDEngine
import SDMetrics
import SDModels
import XCTest

/// The invariant checks themselves: they pass on real runs and can fail.
final class InvariantTests: XCTestCase {
    /// A ledger that does not add up is reported, with the figures; in flight is its own count.
    func testRequestLedgerCanFail() {
        var r = Runner.runOnce(poissonConfig("ledger", rate: 50, duration: 20, warmup: 1, route: ["s"],
                                             components: [server("s", .exponential(mean: 0.01))])).result
        XCTAssertEqual(Invariants.requestLedgers(r), [])
        r.workloads[0].inFlight += 1
        let broken = Invariants.requestLedgers(r)
        XCTAssertEqual(broken.count, 1)
        XCTAssertTrue(broken[0].problem.contains("in flight"), broken[0].problem)
        XCTAssertTrue(Invariants.report(broken, scenario: "ledger", seed: 7).contains("--seed 7"))
    }

    /// Little's law at an M/M/1 (λ = 50/s, μ = 100/s: L_q = ρ²/(1−ρ) = 0.5, W_q = L_q/λ = 10 ms)
    /// holds within the check's tolerance, and a row whose queue was not sampled fails it.
    func testLittlesLawHoldsAndCanFail() {
        var r = Runner.runOnce(poissonConfig("little", rate: 50, duration: 2_000, warmup: 10, route: ["s"],
                                             components: [server("s", .exponential(mean: 0.01))])).result
        XCTAssertEqual(Invariants.littlesLaw(r), [])
        r.components[0].queueLengthMean *= 1.5
        XCTAssertEqual(Invariants.littlesLaw(r).count, 1)
    }
}
