import SDModels
import XCTest
@testable import SDReports
import SDConfig
import SDAnalysis

final class TextReportTests: XCTestCase {
    func testGoldenText() {
        let expected = #"""
        sdsim — three-tier   seed 7   simulated 120 s (warm-up 10 s)   1,234,567 events

        Workload    arrived  completed  failed     mean              95% CI      p50      p90      p99    p99.9      max
        feed-read   264,000    263,990       0  17.6 ms  [17.4 ms, 17.8 ms]  15.2 ms  30.1 ms  62.3 ms  99.9 ms   250 ms
        post-write   12,000     11,900      95   1.50 s    [1.25 s, 1.75 s]   850 us   250 ns   3.00 s   12.5 s  1,235 s
        Note: post-write had 3 latencies beyond the histogram's range; its percentiles do not include them.
        post-write: ledger 12,000 arrived = 11,900 completed + 95 failed + 5 in flight; availability 99.208%

        Component  kind            util  thruput/s     queue     wait  response  rejected    hit
        lb         load-balancer      -    2,400.0         -        -         -         0
        app-1      server         75.1%      600.2      0.25  2.10 ms   12.5 ms         0
        app-2      server         74.9%      599.8      0.25  2.10 ms   12.5 ms        12
        app        (2 replicas)   75.0%    1,200.0      0.25  2.10 ms   12.5 ms         0
        cache      cache          10.0%    1,200.0      0.01  1.50 us    500 us         0  80.0%
        db         server         75.3%      240.5  1,234.57  45.6 ms   78.9 ms         0
        """# + "\n"
        let actual = TextReport.render(Fixtures.threeTier())
        XCTAssertEqual(actual, expected)
        if actual != expected { print(actual) }
    }

    /// A workload with no completed request prints "none completed", never a mean of 0; its JSON
    /// latency figures are null.
    /// A component's extra times print in a unit: a sub-millisecond lock wait is not `0.000`.
    func testExtraTimesPrintInAUnitAndCountsStayPlain() {
        XCTAssertEqual(Format.extra("lock_wait_mean", 0.000_42), "420 us")
        XCTAssertEqual(Format.extra("lock_hold_mean", 0.0099), "9.90 ms")
        XCTAssertEqual(Format.extra("delivery_delay_p99", 0.721), "721 ms")
        XCTAssertEqual(Format.extra("oldest_age_max", 60.024), "60.0 s")
        XCTAssertEqual(Format.extra("transfer_time_mean", 0.13), "130 ms")
        XCTAssertEqual(Format.extra("enqueue_wait_mean", 0), "0")
        XCTAssertEqual(Format.extra("rows_waiting_mean", 1.196), "1.196")
        XCTAssertEqual(Format.extra("polls", 2399), "2,399")
        XCTAssertEqual(Format.extra("bytes_stored", 2e9), Format.bytes(2e9))
    }

    func testNoCompletionsPrintNoFigures() {
        var r = Fixtures.threeTier()
        r.workloads[1].completed = 0
        r.workloads[1].latency = Fixtures.latency(mean: 0, lo: 0, hi: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0)
        let text = TextReport.render(r)
        let line = text.split(separator: "\n").first { $0.hasPrefix("post-write") }!
        XCTAssertTrue(line.contains("none completed"), String(line))
        XCTAssertFalse(line.contains(" 0 ns"), String(line))
        let json = JSONReport.render(r)
        XCTAssertTrue(json.contains("\"mean\": null"), json)
    }

    func testNoColoursNoTrailingBlanks() {
        let text = TextReport.render(Fixtures.threeTier())
        XCTAssertFalse(text.contains("\u{1B}"))
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            XCTAssertFalse(line.hasSuffix(" "), String(line))
        }
    }

    func testHeaderWithReplicationsAndNoWarmup() {
        var r = Fixtures.threeTier()
        r.replications = 5
        r.warmupSeconds = 0
        r.simulatedSeconds = 0.5
        XCTAssertEqual(TextReport.header(r), "sdsim — three-tier   seed 7   simulated 0.5 s   1,234,567 events   5 replications")
    }

    /// The bottleneck section: one row per component and machine, the law checks, the ceiling and the advice.
    func testBottleneckSection() {
        var r = Fixtures.threeTier()
        var app = LoadRow(name: "app", kind: "server", servers: 32, visits: 1, serviceTime: 0.010, demand: 0.0003125,
                          demandMeasured: false, offeredLoad: 0.75)
        app.utilization = 0.751
        app.utilizationLaw = LawCheck(expected: 0.75, measured: 0.751)
        app.littlesLaw = LawCheck(expected: 1.0, measured: 1.5)
        let box = LoadRow(name: "box", kind: "machine", servers: 4, visits: nil, serviceTime: nil, demand: 0.0001,
                          demandMeasured: true, offeredLoad: 0.24)
        r.bottleneck = BottleneckReport(rows: [app, box], throughput: 2400, busiest: "app", bottleneck: "app",
                                        maxDemand: 0.0003125, ceiling: 3200, headroom: 1.0 / 3, advice: "Add replicas.")
        let text = TextReport.render(r)
        XCTAssertTrue(text.contains("""
            Load  kind     servers  visits  service   demand  offered   util  U=XS/c     Lq=λWq  X=V·X0
            app   server        32   1.000  10.0 ms   313 us    75.0%  75.1%      ok  off 50.0%       -
            box   machine        4       -        -  100 us*    24.0%      -       -          -       -
            * measured: utilization ÷ system throughput (the configuration does not explain it)
            Bottleneck: app (demand 313 us per request); throughput ceiling 1/D_max = 3,200.0 requests/s, now 2,400.0, headroom 33.3%
            Add replicas.
            """), text)
        r.bottleneck!.bottleneck = nil
        XCTAssertTrue(TextReport.render(r).contains("Bottleneck: none at this load (busiest: app)"))
    }

    /// A run without a steady state says so first, marks every interval, and prints the ledger line.
    func testUnsteadyRunIsMarked() {
        var r = Fixtures.threeTier()
        var v = StabilityVerdict()
        v.reasons = ["offered load at or above capacity (db ρ = 1.20)"]
        r.stability = v
        r.workloads[0].arrived += 10_000   // 10,010 in flight: more than 1%
        r.workloads[0].inFlight += 10_000
        let text = TextReport.render(r)
        XCTAssertTrue(text.contains("Warning: no steady state. Offered load at or above capacity (db ρ = 1.20)."), text)
        XCTAssertFalse(text.contains("[17.4 ms, 17.8 ms]"), text)
        XCTAssertTrue(text.contains("unreliable"), text)
        XCTAssertTrue(text.contains("feed-read: ledger 274,000 arrived"), text)
    }

    func testNoBottleneckLineWithoutWorkers() {
        var r = Fixtures.threeTier()
        r.components = [r.components[0]]
        let text = TextReport.render(r)
        XCTAssertFalse(text.contains("Bottleneck"))
        XCTAssertTrue(text.contains("lb         load-balancer     -    2,400.0"), text)
    }

    func testEmptyResultIsJustTheHeader() {
        let r = RunResult(scenario: "empty", seed: 1, simulatedSeconds: 10, warmupSeconds: 0, events: 0,
                          replications: 1, workloads: [], components: [])
        XCTAssertEqual(TextReport.render(r), "sdsim — empty   seed 1   simulated 10 s   0 events\n")
    }

    func testNoRejectedColumnWhenNothingWasRejected() {
        var r = Fixtures.threeTier()
        r.components[2].rejected = 0
        XCTAssertFalse(TextReport.render(r).contains("rejected"))
    }
}

final class FormatTests: XCTestCase {
    func testGrouped() {
        XCTAssertEqual(Format.grouped(0), "0")
        XCTAssertEqual(Format.grouped(999), "999")
        XCTAssertEqual(Format.grouped(1000), "1,000")
        XCTAssertEqual(Format.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(Format.grouped(-1_234_567), "-1,234,567")
        XCTAssertEqual(Format.grouped(Int.min), "-9,223,372,036,854,775,808")
    }

    func testFixed() {
        XCTAssertEqual(Format.fixed(2400, decimals: 1), "2,400.0")
        XCTAssertEqual(Format.fixed(0.005, decimals: 2), "0.01")
        XCTAssertEqual(Format.fixed(1.05, decimals: 0), "1")
        XCTAssertEqual(Format.fixed(-0.001, decimals: 2), "0.00")
        XCTAssertEqual(Format.fixed(-12.345, decimals: 1), "-12.3")
        XCTAssertEqual(Format.fixed(.nan, decimals: 1), "n/a")
        XCTAssertEqual(Format.fixed(1234.5, decimals: 0, grouping: false), "1235")
    }

    func testPercentAndSeconds() {
        XCTAssertEqual(Format.percent(0.7512), "75.1%")
        XCTAssertEqual(Format.percent(1), "100.0%")
        XCTAssertEqual(Format.seconds(120), "120")
        XCTAssertEqual(Format.seconds(0.25), "0.25")
        XCTAssertEqual(Format.seconds(3600), "3,600")
    }

    func testDurations() {
        let cases: [(Double, String)] = [
            (0, "0"), (1e-12, "0.00 ns"), (2.5e-7, "250 ns"), (1.5e-6, "1.50 us"), (0.0176, "17.6 ms"),
            (0.000_999_4, "999 us"), (0.000_999_6, "1.00 ms"), (0.099_96, "100 ms"), (0.009_996, "10.0 ms"),
            (0.9996, "1.00 s"), (3, "3.00 s"), (12.5, "12.5 s"), (999.4, "999 s"), (1234.5, "1,235 s"),
            (-0.0176, "-17.6 ms"), (.infinity, "n/a"),
        ]
        for (seconds, text) in cases { XCTAssertEqual(Format.duration(seconds), text, "\(seconds)") }
    }
}
