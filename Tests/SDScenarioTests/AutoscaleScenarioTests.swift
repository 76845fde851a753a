import Foundation
import SDEngine
import SDModels
import SDScenario
import SDConfig
import SDAnalysis
import XCTest

/// `autoscale:` (and workload `start`/`stop`, which make a load step): measured in runs.
final class AutoscaleScenarioTests: XCTestCase {
    /// 150 requests/s all along; 450/s more from 200 s to 400 s. Each replica serves 100/s
    /// (one worker, exponential 10 ms), so 3 replicas run at 50% before and after the step, and
    /// the step needs at least 6.
    static func text(rule: String, min: Int = 2, max: Int = 10, interval: String = "10s", cooldown: String = "30s") -> String {
        """
        name: autoscale
        seed: 8
        duration: 600s
        workload:
          - name: base
            arrival: poisson(150/s)
            route: [lb, app]
          - name: step
            arrival: poisson(450/s)
            start: 200s
            stop: 400s
            route: [lb, app]
        autoscale:
          - {group: app, min: \(min), max: \(max), \(rule), interval: \(interval), cooldown: \(cooldown)}
        components:
          lb:
            kind: load-balancer
            targets: app
          app:
            kind: server
            replicas: 3
            service: exponential(10ms)
        """
    }

    func load(_ text: String) throws -> ModelConfig {
        do { return try ScenarioLoader.load(text: text, file: "test.yaml") } catch {
            XCTFail(error.rendered())
            throw error
        }
    }

    func errors(_ text: String) -> String {
        do {
            _ = try ScenarioLoader.load(text: text, file: "test.yaml")
            return ""
        } catch {
            return error.rendered()
        }
    }

    /// Checks what every autoscaler must do: stay within its bounds, wait out its cool-down, scale
    /// out only once the step has begun (within one interval of it), scale back in after it ends,
    /// and settle at 3 replicas (ceil(n × 1.5/n ÷ target) = 3 for the 150/s left, whatever n).
    func checkLoadStep(_ trace: AutoscaleTrace, cooldown: Double, interval: Double, file: StaticString = #filePath, line: UInt = #line) {
        let p = trace.policy
        XCTAssertFalse(trace.actions.isEmpty, file: file, line: line)
        for a in trace.actions {
            XCTAssert((p.min...p.max).contains(a.to), "\(a) outside \(p.min)…\(p.max)", file: file, line: line)
        }
        for (a, b) in zip(trace.actions, trace.actions.dropFirst()) {
            XCTAssertGreaterThanOrEqual(b.at - a.at, cooldown - 1e-9, "\(a) then \(b) within the cool-down", file: file, line: line)
        }
        let first = trace.actions[0]
        XCTAssertGreaterThan(first.to, first.from, "the first change adds replicas", file: file, line: line)
        XCTAssert(first.at > 200 && first.at <= 200 + interval, "first change at \(first.at) s, the step begins at 200 s",
                  file: file, line: line)
        XCTAssertTrue(trace.actions.filter { $0.at <= 400 }.allSatisfy { $0.to > $0.from }, "no scale-in during the step",
                      file: file, line: line)
        XCTAssertGreaterThanOrEqual(trace.peakReplicas, 6, file: file, line: line)
        let firstIn = trace.actions.first { $0.to < $0.from }
        XCTAssertNotNil(firstIn, file: file, line: line)
        if let firstIn { XCTAssertLessThanOrEqual(firstIn.at, 400 + interval + cooldown, file: file, line: line) }
        XCTAssertEqual(trace.finalReplicas, 3, file: file, line: line)
    }

    func testTargetTrackingFollowsALoadStep() throws {
        let config = try load(Self.text(rule: "target: 0.6"))
        XCTAssertEqual(config.components[1].replicas, 10)
        XCTAssertEqual(config.components[1].activeReplicas, 3)
        XCTAssertEqual(config.workloads[1].start, SimDuration(seconds: 200))
        let r = Runner.runOnce(config).result
        let trace = try XCTUnwrap(r.autoscaling.first)
        checkLoadStep(trace, cooldown: 30, interval: 10)
        XCTAssertEqual(trace.peakReplicas, 10, "600/s at 60% needs 10")
        let group = try XCTUnwrap(r.components.first { $0.name == "app" && $0.isGroup })
        XCTAssertEqual(group.extra.first { $0.name == "scale_outs" }?.value, Double(trace.scaleOuts))
        XCTAssertEqual(group.extra.first { $0.name == "replicas_at_end" }?.value, 3)
        // Deterministic, and the report lists the changes.
        XCTAssertEqual(r, Runner.runOnce(config).result)
        XCTAssertEqual(trace.replicas.values.count, 60)
    }

    func testStepScalingFollowsALoadStep() throws {
        let config = try load(Self.text(rule: "scale-out-above: 0.8, scale-in-below: 0.3, step: 2", cooldown: "20s"))
        let trace = try XCTUnwrap(Runner.runOnce(config).result.autoscaling.first)
        checkLoadStep(trace, cooldown: 20, interval: 10)
        for a in trace.actions { XCTAssertEqual(abs(a.to - a.from), 2, "\(a)") }
    }

    /// With min = max the autoscaler only measures; over a run whose duration is a whole number of
    /// intervals its utilization readings average to exactly the stations' own utilization.
    func testUtilizationReadingsMatchTheStations() throws {
        let config = try load(Self.text(rule: "target: 0.6", min: 3, max: 3))
        let r = Runner.runOnce(config).result
        let trace = try XCTUnwrap(r.autoscaling.first)
        XCTAssertTrue(trace.actions.isEmpty)
        let readings = trace.utilization.values
        XCTAssertEqual(readings.count, 60)
        let group = try XCTUnwrap(r.components.first { $0.name == "app" && $0.isGroup })
        XCTAssertEqual(readings.reduce(0, +) / Double(readings.count), group.utilization, accuracy: 1e-9)
    }

    func testLoadStepArrivals() throws {
        let config = try load(Self.text(rule: "target: 0.6"))
        let r = Runner.runOnce(config).result
        let step = r.workloads[1].arrived
        // Poisson(450/s) over 200 s: 90,000 ± 4.4σ.
        XCTAssertEqual(Double(step), 90_000, accuracy: 4.4 * 300)
    }

    func testMistakesAreReported() {
        XCTAssertTrue(errors(Self.text(rule: "target: 0.6, scale-out-above: 0.8")).contains("cannot be used together"))
        XCTAssertTrue(errors(Self.text(rule: "step: 2")).contains("needs a rule"))
        XCTAssertTrue(errors(Self.text(rule: "scale-out-above: 0.3, scale-in-below: 0.5")).contains("must be less than"))
        XCTAssertTrue(errors(Self.text(rule: "target: 0.6", min: 4)).contains("outside the autoscaler's 4…10"))
        XCTAssertTrue(errors(Self.text(rule: "target: 0.6", min: 5, max: 4)).contains("must not be more than 'max'"))
        let stop = errors(Self.text(rule: "target: 0.6").replacingOccurrences(of: "stop: 400s", with: "stop: 100s"))
        XCTAssertTrue(stop.contains("'stop' (100s) must be after 'start' (200s)"), stop)
        let both = errors(Self.text(rule: "target: 0.6") + "\nscale:\n  - {at: 10s, group: app, replicas: 4}\n")
        XCTAssertTrue(both.contains("both 'scale' and 'autoscale'"), both)
    }
}
