import Foundation
import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// `kind: dispatcher`: heartbeats, detection delay, reassignment and duplicate work against the
/// arithmetic of the heartbeat grid.
final class DispatcherTests: XCTestCase {
    /// One dispatcher `d` with `workers` workers running constant 5 s tasks, fed at `rate` tasks/s,
    /// heartbeats every `h` seconds, declared dead after `k` missed; 10 s of warm-up.
    static func config(workers: Int = 10, h: Double = 10, k: Int = 3, rate: Double = 1, seconds: Double = 1_000,
                       task: Distribution = .constant(5), queueLimit: Int? = nil, maxAttempts: Int? = nil,
                       failures: [FailureEvent] = [], seed: UInt64 = 1) -> ModelConfig {
        var c = ModelConfig(
            name: "dispatcher", seed: seed, duration: SimDuration(seconds: seconds), warmup: SimDuration(seconds: 10),
            workloads: [WorkloadConfig(name: "jobs", arrival: .poisson(ratePerSecond: rate), mix: [RequestClass(type: "task", share: 1, route: ["d"])])],
            components: [ComponentConfig(name: "d", kind: .dispatcher(DispatcherConfig(
                workers: workers, task: task, heartbeat: SimDuration(seconds: h), missed: k, maxAttempts: maxAttempts,
                queueLimit: queueLimit)))])
        c.failures = failures
        return c
    }

    /// Worker i (1-based) crashes (or pauses) at 100 s + (i − 1) × `spacing` for `length` seconds.
    static func oneEach(_ workers: Int, length: Double, spacing: Double = 50, pause: Bool = false) -> [FailureEvent] {
        (1...workers).map { i in
            let target = "d.worker-\(i)"
            return FailureEvent(at: SimDuration(seconds: 100 + Double(i - 1) * spacing), action: pause ? .pause(target) : .crash(target),
                                duration: SimDuration(seconds: length))
        }
    }

    static func extra(_ r: RunResult, _ name: String) -> Double {
        r.components.first { $0.name == "d" }!.extra.first { $0.name == name }!.value
    }

    /// Runs `config` with seeds 1…n (each seed draws new heartbeat phases).
    static func runs(_ config: ModelConfig, _ n: Int, firstSeed: Int = 1) -> [RunResult] {
        (firstSeed..<firstSeed + n).map { s in
            var c = config
            c.seed = UInt64(s)
            return Runner.runOnce(c).result
        }
    }

    /// A crash at a time independent of the heartbeat phase is found after a delay uniform on
    /// ((k − 1)h, kh]: the last heartbeat g before the crash c is uniform on (c − h, c], and the
    /// worker is declared dead at g + kh. So every delay lies in that interval, and over n crashes
    /// the mean is (k − ½)h within z·(h/√12)/√n (the uniform's standard deviation is h/√12).
    func testDetectionDelayIsUniformOverTheLastInterval() {
        for (i, (h, k)) in [(10.0, 3), (1.0, 1), (30.0, 2)].enumerated() {
            // Each worker crashes once, for longer than the timeout kh.
            let results = Self.runs(Self.config(h: h, k: k, failures: Self.oneEach(10, length: Double(k) * h + 5, spacing: 80)), 30,
                                    firstSeed: 100 * i + 1)
            var sum = 0.0, n = 0.0
            for r in results {
                let detections = Self.extra(r, "detections")
                XCTAssertEqual(detections, 10, "one detection per crash")
                XCTAssertEqual(Self.extra(r, "false_suspicions"), 0)
                XCTAssertGreaterThan(Self.extra(r, "detection_delay_min"), Double(k - 1) * h)
                XCTAssertLessThanOrEqual(Self.extra(r, "detection_delay_max"), Double(k) * h)
                sum += Self.extra(r, "detection_delay_mean") * detections
                n += detections
            }
            let theory = (Double(k) - 0.5) * h
            let half = StudentT.quantile(level: checkLevel, df: 1_000_000) * h / 12.0.squareRoot() / n.squareRoot()
            print("h=\(h) k=\(k): detection delay mean \(sum / n) over \(Int(n)) crashes, theory \(theory) ± \(half)")
            XCTAssertEqual(sum / n, theory, accuracy: half, "h=\(h) k=\(k)")
        }
    }

    /// Every worker sends one heartbeat per interval: over a window that is a whole number of
    /// intervals, exactly workers/h heartbeats per second, and the task messages beside them.
    func testHeartbeatRateIsWorkersOverTheInterval() {
        for (workers, h) in [(8, 2.0), (10, 10.0), (3, 1.0)] {
            let r = Runner.runOnce(Self.config(workers: workers, h: h, seconds: 410)).result
            XCTAssertEqual(Self.extra(r, "heartbeats_per_second"), Double(workers) / h, "\(workers) workers, h = \(h)")
            XCTAssertEqual(Self.extra(r, "detections"), 0)
        }
    }

    /// With crashes only nothing is done twice: a crashed worker's run is gone, so a reassigned
    /// task completes once. Tasks are reassigned, none is lost, every one completes.
    func testCrashesAloneNeverDuplicate() {
        var c = Self.config(h: 5, rate: 1.5, task: .exponential(mean: 5))
        c.randomFailures = (1...10).map { RandomFailure(target: "d.worker-\($0)", mttf: .exponential(mean: 120), mttr: .exponential(mean: 30)) }
        for r in Self.runs(c, 3) {
            XCTAssertGreaterThan(Self.extra(r, "reassigned"), 10)
            XCTAssertEqual(Self.extra(r, "duplicates"), 0)
            XCTAssertEqual(Self.extra(r, "lost"), 0)
            XCTAssertEqual(Self.extra(r, "false_suspicions"), 0)
            XCTAssertGreaterThan(Self.extra(r, "latency_reassign_extra"), 0)
        }
    }

    /// A pause longer than the timeout kh always spans k heartbeat instants: the worker is
    /// declared dead, its task runs again elsewhere, and when the pause ends the worker finishes
    /// it too. With every worker always busy (offered load twice the pool), each pause is one
    /// false suspicion and exactly one duplicate.
    func testPauseLongerThanTheTimeoutDuplicatesEveryTask() {
        let c = Self.config(h: 10, k: 3, rate: 4, queueLimit: 50, failures: Self.oneEach(10, length: 35, pause: true))
        for r in Self.runs(c, 5) {
            XCTAssertEqual(Self.extra(r, "detections"), 10)
            XCTAssertEqual(Self.extra(r, "false_suspicions"), 10)
            XCTAssertEqual(Self.extra(r, "duplicates"), 10)
            XCTAssertEqual(Self.extra(r, "duplicate_work_seconds"), 50, "ten duplicate runs of a 5 s task")
            XCTAssertEqual(Self.extra(r, "lost"), 0)
        }
    }

    /// A pause of length D with (k − 1)h < D < kh spans k heartbeat instants with probability
    /// (D − (k − 1)h)/h (the instants fall on a grid of phase uniform on [0, h)). With D = 25 s,
    /// h = 10 s, k = 3 that is ½: over n pauses the false suspicions are Binomial(n, ½), checked
    /// within the binomial interval. Each is a reassignment; it is a duplicate only when the copy
    /// starts before the paused worker, back at work, reports the original: in this saturated
    /// pool the copy waits for a free worker, so some reassigned copies are dropped from the line
    /// unrun. A pause of (k − 1)h or less is never noticed.
    func testPauseBetweenThresholdsIsNoticedAtTheImpliedRate() {
        let results = Self.runs(Self.config(h: 10, k: 3, rate: 4, queueLimit: 50, failures: Self.oneEach(10, length: 25, pause: true)), 40)
        let n = 400.0
        let suspicions = results.reduce(0) { $0 + Self.extra($1, "false_suspicions") }
        let duplicates = results.reduce(0) { $0 + Self.extra($1, "duplicates") }
        XCTAssertEqual(results.reduce(0) { $0 + Self.extra($1, "detections") }, suspicions)
        XCTAssertEqual(results.reduce(0) { $0 + Self.extra($1, "reassigned") }, suspicions)
        XCTAssertLessThanOrEqual(duplicates, suspicions)
        XCTAssertGreaterThan(duplicates, suspicions / 2)
        let p = 0.5
        let half = StudentT.quantile(level: checkLevel, df: 1_000_000) * (p * (1 - p) / n).squareRoot()
        print("pause 25 s, h = 10 s, k = 3: noticed per pause \(suspicions / n), theory \(p) ± \(half); duplicates \(duplicates)")
        XCTAssertEqual(suspicions / n, p, accuracy: half)
        for r in Self.runs(Self.config(h: 10, k: 3, rate: 4, queueLimit: 50, failures: Self.oneEach(10, length: 20, pause: true)), 5) {
            XCTAssertEqual(Self.extra(r, "duplicates"), 0)
            XCTAssertEqual(Self.extra(r, "detections"), 0)
        }
    }

    /// With `max-attempts: 1` the task of a worker declared dead is written off instead of
    /// reassigned: one lost task per crash of a busy worker, failed back to its client.
    func testMaxAttemptsWritesTasksOff() {
        let c = Self.config(workers: 4, h: 10, k: 3, rate: 2, queueLimit: 20, maxAttempts: 1, failures: Self.oneEach(4, length: 60))
        let r = Runner.runOnce(c).result
        XCTAssertEqual(Self.extra(r, "lost"), 4)
        XCTAssertEqual(Self.extra(r, "reassigned"), 0)
        XCTAssertEqual(r.workloads[0].failedBy.first { $0.reason == "lost-in-crash" }?.count ?? 0, 4)
    }

    /// A worker that restarts before it is declared dead (a 3 s crash, timeout 30 s) lost its task:
    /// the first heartbeat of its new incarnation gets the task reassigned at once, with no
    /// detection by timeout. With every worker busy, one reassignment per such crash.
    func testRestartBeforeTheTimeoutReassignsAtTheNextHeartbeat() {
        let c = Self.config(workers: 4, h: 10, k: 3, rate: 2, queueLimit: 20, failures: Self.oneEach(4, length: 3))
        for r in Self.runs(c, 5) {
            XCTAssertEqual(Self.extra(r, "restarts_noticed"), 4)
            XCTAssertEqual(Self.extra(r, "reassigned"), 4)
            XCTAssertEqual(Self.extra(r, "detections"), 0)
            XCTAssertEqual(Self.extra(r, "duplicates"), 0)
        }
    }

    /// Same configuration and seed, same figures.
    func testDeterministic() {
        var c = Self.config(h: 5, rate: 1.5, task: .exponential(mean: 5), failures: Self.oneEach(10, length: 12, pause: true))
        c.randomFailures = [RandomFailure(target: "d.worker-3", mttf: .exponential(mean: 100), mttr: .exponential(mean: 20))]
        XCTAssertEqual(Runner.runOnce(c).result.components, Runner.runOnce(c).result.components)
    }
}
