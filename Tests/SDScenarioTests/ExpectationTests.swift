import SDEngine
import SDModels
@testable import SDScenario
import SDMetrics
import XCTest
import SDConfig
import SDAnalysis

/// The `expect:` grammar (``ExpectationParser``), its load-time checks, and evaluation against a
/// ``RunResult`` (``Expectations``).
final class ExpectationTests: XCTestCase {
    func parse(_ text: String) throws -> Expectation {
        switch ExpectationParser.parse(text) {
        case .success(let p): return p.expectation
        case .failure(let e): XCTFail("\(text): \(e.message)"); throw e
        }
    }

    func parseError(_ text: String) -> UnitError? {
        if case .failure(let e) = ExpectationParser.parse(text) { return e }
        return nil
    }

    func testOperatorsUnitsAndSubjects() throws {
        let a = try parse("db.utilization > 0.95")
        XCTAssertEqual(a, Expectation(text: "db.utilization > 0.95", subject: "db", metric: "utilization", comparison: .greater, value: 0.95))
        let b = try parse("feed-read.p99 < 200ms")
        XCTAssertEqual(b.comparison, .less)
        XCTAssertEqual(b.value, 0.2, accuracy: 1e-12)
        XCTAssertEqual(b.unit, .duration)
        let c = try parse("feed-read.availability >= 99.9%")
        XCTAssertEqual(c.value, 0.999, accuracy: 1e-12)
        XCTAssertEqual(c.unit, .percent)
        let d = try parse("cache.hit_ratio between 0.7 and 0.9")
        XCTAssertEqual(d.comparison, .between)
        XCTAssertEqual(d.value, 0.7)
        XCTAssertEqual(d.upper, 0.9)
        XCTAssertEqual(try parse("app.rejected == 0").comparison, .equal)
        XCTAssertEqual(try parse("app.rejected != 0").comparison, .notEqual)
        XCTAssertEqual(try parse("app.rejected <= 10k").value, 10_000)
        XCTAssertEqual(try parse("app.rejected <= 10k").unit, .count)
        XCTAssertEqual(try parse("store.bytes_stored >= 5MB").value, 5e6)
        XCTAssertEqual(try parse("db.utilization>0.5").comparison, .greater)
        let e = try parse("db.shard-1.primary.utilization < 0.5")
        XCTAssertEqual(e.subject, "db.shard-1.primary")
        XCTAssertEqual(e.metric, "utilization")
        let f = try parse("reads.failed_by.timed-out == 0")
        XCTAssertEqual(f.subject, "reads")
        XCTAssertEqual(f.metric, "failed_by.timed-out")
    }

    func testParseErrorsPointAtTheProblem() {
        XCTAssertEqual(parseError("db.utilization => 0.5")?.message, "unknown comparison '=>'; did you mean '>='?")
        XCTAssertEqual(parseError("db.utilization => 0.5")?.offset, 15)
        XCTAssertEqual(parseError("db.utilization = 0.5")?.message, "unknown comparison '='; did you mean '=='?")
        XCTAssertEqual(parseError("db.utilization betwen 0.1 and 0.2")?.message, "unknown comparison 'betwen'; did you mean 'between'?")
        XCTAssertTrue(parseError("db.utilization")?.message.hasPrefix("missing comparison after 'db.utilization'") ?? false)
        XCTAssertTrue(parseError("utilization > 0.5")?.message.contains("must be SUBJECT.METRIC") ?? false)
        let bad = parseError("db.utilization < lots")
        XCTAssertTrue(bad?.message.hasPrefix("invalid value 'lots'") ?? false)
        XCTAssertEqual(bad?.offset, 17)
        XCTAssertEqual(parseError("db.utilization between 0.9 and 0.1")?.message,
                       "the upper bound of 'between' must not be below the lower bound")
        XCTAssertEqual(parseError("db.utilization between 0.9")?.message, "'between' needs two values: 'between LOW and HIGH'")
    }

    func testHolds() {
        let e = Expectation(text: "", subject: "a", metric: "b", comparison: .between, value: 1, upper: 2)
        XCTAssertTrue(e.holds(for: 1))
        XCTAssertTrue(e.holds(for: 2))
        XCTAssertFalse(e.holds(for: 2.0001))
        XCTAssertFalse(e.holds(for: .nan))
        var ne = e
        ne.comparison = .notEqual
        XCTAssertTrue(ne.holds(for: 3))
        XCTAssertFalse(ne.holds(for: 1))
    }

    func result() -> RunResult {
        let latency = LatencySummary(count: 90, mean: 0.05, meanCI95: ConfidenceInterval(low: 0.04, high: 0.06), p50: 0.04,
                                     p90: 0.09, p99: 0.15, p999: 0.2, max: 0.3, outOfRange: 0)
        var w = WorkloadResult(name: "reads", arrived: 100, completed: 90, failed: 10, latency: latency)
        w.failedBy = [(reason: "rejected", count: 10)]
        var db = ComponentResult(name: "db", kind: "server", group: nil, isGroup: false, workers: 4, utilization: 0.97,
                                 throughput: 9, queueLengthMean: 3, waitMean: 0.01, responseMean: 0.02, hitRatio: nil,
                                 arrived: 100, completed: 90, rejected: 10)
        db.extra = [(name: "lock_hold_mean", value: 0.003)]
        var r = RunResult(scenario: "s", seed: 1, simulatedSeconds: 10, warmupSeconds: 0, events: 1, replications: 1,
                          workloads: [w], components: [db])
        r.machines = [MachineResult(name: "small-1", type: "small", cores: 2, speed: 1, memory: 0, costPerHour: 0.1,
                                    utilization: 0.5, components: ["db"]),
                      MachineResult(name: "small-2", type: "small", cores: 2, speed: 1, memory: 0, costPerHour: 0.1,
                                    utilization: 0.7, components: ["db"])]
        return r
    }

    func testMeasure() {
        let r = result()
        func value(_ s: String, _ m: String) -> Double? { try? Expectations.measure(subject: s, metric: m, in: r).get() }
        XCTAssertEqual(value("reads", "availability"), 0.9)
        XCTAssertEqual(value("reads", "p99"), 0.15)
        XCTAssertEqual(value("reads", "in_flight"), 0)
        XCTAssertEqual(value("reads", "failed_by.rejected"), 10)
        XCTAssertEqual(value("reads", "failed_by.timed-out"), 0)
        XCTAssertEqual(value("db", "utilization"), 0.97)
        XCTAssertEqual(value("db", "lock_hold_mean"), 0.003)
        XCTAssertEqual(value("small", "cost_per_hour")!, 0.2, accuracy: 1e-12)
        XCTAssertEqual(value("small", "utilization")!, 0.6, accuracy: 1e-12)
        XCTAssertEqual(value("small", "instances"), 2)
        XCTAssertEqual(value("small-2", "utilization"), 0.7)
        XCTAssertNil(value("db", "hit_ratio"))
        guard case .failure(let why) = Expectations.measure(subject: "db", metric: "hit_ratio", in: r) else { return XCTFail() }
        XCTAssertEqual(why.message, "'db' is a server, not a cache: it has no hit_ratio")
        guard case .failure(let none) = Expectations.measure(subject: "nobody", metric: "p99", in: r) else { return XCTFail() }
        XCTAssertEqual(none.message, "no workload, component or machine named 'nobody' in the results")
    }

    func testEvaluateAndCheck() throws {
        var config = ModelConfig(name: "s", seed: 1, duration: SimDuration(seconds: 10),
                                 workloads: [], components: [])
        config.lesson = "L"
        config.expectations = [try parse("db.utilization > 0.95"), try parse("reads.p99 < 100ms"), try parse("db.nope > 1")]
        let checked = Expectations.check(config, result())
        XCTAssertEqual(checked.lesson, "L")
        XCTAssertEqual(checked.expectations.map(\.passed), [true, false, false])
        XCTAssertEqual(checked.expectations[1].value, 0.15)
        XCTAssertNil(checked.expectations[2].value)
        XCTAssertTrue(checked.expectations[2].problem?.hasPrefix("component 'db' has no metric 'nope'") ?? false)
        XCTAssertFalse(checked.expectationsHold)
    }

    /// Lessons and expectations load into the configuration, in order.
    func testLoadsIntoConfig() throws {
        let config = try ScenarioLoader.load(text: """
            name: s
            duration: 10s
            lesson: >-
              Two
              lines.
            workload:
              - name: reads
                arrival: poisson(1/s)
                route: [lb, app]
            components:
              lb:
                kind: load-balancer
                targets: app
              app:
                kind: server
                replicas: 2
                service: exponential(1ms)
                machine: small
            machines:
              small:
                cores: 1
            expect:
              - app-2.utilization < 0.5
              - small-1.utilization < 0.5
              - app.some_future_figure > 1
              - reads.failed_by.timed-out == 0

            """, file: "s.yaml")
        XCTAssertEqual(config.lesson, "Two lines.")
        XCTAssertEqual(config.expectations.map(\.subject), ["app-2", "small-1", "app", "reads"])
    }
}

