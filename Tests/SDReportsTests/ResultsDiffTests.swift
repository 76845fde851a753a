import XCTest
import SDModels
import SDMetrics
@testable import SDReports

/// `results diff`: which test applies, and what it marks.
final class ResultsDiffTests: XCTestCase {
    /// A one-workload result whose replications have mean latencies `means` and seeds `seeds`.
    private func result(_ means: [Double], seeds: [UInt64]) -> RunResult {
        var r = Fixtures.threeTier()
        r.replications = means.count
        r.replicationFigures = zip(means, seeds).map { m, seed in
            ReplicationFigures(seed: seed, figures: [
                .init(kind: "workload", subject: "feed-read", name: "latency_mean", value: m),
                .init(kind: "workload", subject: "feed-read", name: "availability", value: 1),
            ])
        }
        return r
    }

    private func marked(_ a: RunResult, _ b: RunResult) -> [String] {
        ResultsDiff.lines(a, b).filter(\.significant).map { "\($0.subject) \($0.figure)" }
    }

    func testARunAgainstItselfMarksNothing() {
        let r = result([0.010, 0.012, 0.011, 0.013], seeds: [1, 2, 3, 4])
        XCTAssertEqual(ResultsDiff.basis(r, r), .paired(count: 4))
        XCTAssertEqual(marked(r, r), [])
        XCTAssertTrue(ResultsDiff.text(r, r, nameA: "A", nameB: "B").contains("No significant difference at the 95% level: paired"))
    }

    func testTheSameSeedsArePairedAndACleanShiftIsMarked() {
        // B is A plus 1 ms in every replication: the replications' spread (±1.5 ms) hides it from
        // Welch's test, but pairing removes the spread both share.
        let a = result([0.010, 0.013, 0.011, 0.014], seeds: [1, 2, 3, 4])
        let b = result([0.011, 0.0141, 0.0119, 0.0151], seeds: [1, 2, 3, 4])
        XCTAssertEqual(ResultsDiff.basis(a, b), .paired(count: 4))
        XCTAssertEqual(marked(a, b), ["feed-read latency mean"])
        let other = result([0.011, 0.0141, 0.0119, 0.0151], seeds: [5, 6, 7, 8])
        XCTAssertEqual(ResultsDiff.basis(a, other), .welch(a: 4, b: 4))
        XCTAssertEqual(marked(a, other), [])
        // Availability 1 in every replication of both: no difference, nothing marked.
        XCTAssertFalse(ResultsDiff.lines(a, b).first { $0.figure == "availability" }!.significant)
    }

    func testWelchMarksAClearDifference() {
        let a = result([0.010, 0.011, 0.012, 0.010, 0.011], seeds: [1, 2, 3, 4, 5])
        let b = result([0.020, 0.021, 0.019, 0.022, 0.020], seeds: [6, 7, 8, 9, 10])
        XCTAssertEqual(marked(a, b), ["feed-read latency mean"])
        let d = ResultsDiff.lines(a, b)[0].difference!
        XCTAssertEqual(d.mean, 0.0096, accuracy: 1e-12)
        XCTAssertTrue(ResultsDiff.text(a, b, nameA: "A", nameB: "B").contains("* 1 significant difference at the 95% level: Welch's interval"))
    }

    func testOneReplicationCannotBeJudged() {
        let one = Fixtures.threeTier()
        var other = Fixtures.threeTier()
        other.workloads[0].latency.mean *= 10
        other.workloads[0].latency.meanCI95 = ConfidenceInterval(low: 0.17, high: 0.18)   // far from A's interval
        XCTAssertEqual(ResultsDiff.basis(one, other), .oneReplication(a: true, b: true))
        XCTAssertEqual(marked(one, other), [])
        let text = ResultsDiff.text(one, other, nameA: "run 1", nameB: "run 2")
        XCTAssertTrue(text.contains("Significance cannot be judged: both runs have one replication"), text)
        XCTAssertFalse(text.contains("*"), text)
        let many = result([0.010, 0.013], seeds: [1, 2])
        XCTAssertEqual(ResultsDiff.basis(many, one), .oneReplication(a: false, b: true))
        XCTAssertTrue(ResultsDiff.text(many, one, nameA: "run 1", nameB: "run 2").contains("run 2 has one replication"))
    }
}
