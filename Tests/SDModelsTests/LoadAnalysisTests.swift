import SDEngine
import SDModels
import XCTest
import SDConfig
@testable import SDAnalysis

/// Stability (offered load, growing backlog) and the bottleneck analysis from the operational laws.
final class LoadAnalysisTests: XCTestCase {
    /// One server, exponential 10 ms, Poisson λ: ρ = λ × 10 ms.
    private func single(rate: Double, duration: Double = 300) -> ModelConfig {
        poissonConfig("rho", rate: rate, duration: duration, warmup: 10, route: ["s"], components: [
            ComponentConfig(name: "s", kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 0.010)))),
        ])
    }

    /// ρ = 120/s × 10 ms = 1.2: no steady state. The warning comes from the configuration before the
    /// run, and the backlog grows by about (λ − μ) = 20 requests a second through the window.
    func testOverloadWarnsAndMarksIntervals() {
        let config = single(rate: 120)
        let rows = OfferedLoad.rows(config)
        XCTAssertEqual(rows.first?.offeredLoad ?? 0, 1.2, accuracy: 1e-12)
        XCTAssertEqual(OfferedLoad.overloaded(rows).map(\.name), ["s"])
        XCTAssertNotNil(OfferedLoad.warning(OfferedLoad.overloaded(rows)))
        let r = Runner.run(config)
        let v = r.stability!
        XCTAssertFalse(v.steady)
        XCTAssertFalse(r.intervalsReliable)
        XCTAssertEqual(v.reasons.count, 2, "\(v.reasons)")  // offered load, and the growing backlog
        XCTAssertGreaterThan(v.inFlightFraction, 0.1)
        XCTAssertEqual(v.backlogGrowthPerSecond ?? 0, 20, accuracy: 4)
        // Expectations on such a run fail with the reason, whatever they measure.
        let lenient = Expectation(text: "jobs.mean < 1h", subject: "jobs", metric: "mean", comparison: .less, value: 3600,
                                  unit: .duration)
        let outcome = Expectations.evaluate([lenient], on: r)
        XCTAssertFalse(outcome[0].passed)
        XCTAssertTrue(outcome[0].problem?.hasPrefix("no steady state") ?? false, "\(outcome[0])")
    }

    /// Just under the 50% threshold the advice shows a tenth of a percent, rounded down, so it never
    /// reads "runs at 50% (below 50%)"; elsewhere whole percents.
    func testAdviceNeverRoundsUpToTheThreshold() {
        let row = LoadRow(name: "s", kind: "server", servers: 1, visits: 1, serviceTime: 0.01, demand: 0.01,
                          demandMeasured: false, offeredLoad: 0.4996)
        let config = single(rate: 50)
        XCTAssertTrue(BottleneckAnalysis.advice(row, [row], config, throughput: 49.96, isBottleneck: false)
            .contains("runs at 49.9% (below 50%)"))
        XCTAssertTrue(BottleneckAnalysis.advice(row, [row], config, throughput: 30, isBottleneck: false)
            .contains("runs at 30% (below 50%)"))
    }

    /// ρ = 80/s × 10 ms = 0.8: stable, nothing marked, few in flight at the end (L = ρ/(1−ρ) = 4).
    func testStableRunIsNotMarked() {
        let r = Runner.run(single(rate: 80))
        XCTAssertTrue(r.stability!.steady, "\(r.stability!.reasons)")
        XCTAssertTrue(r.intervalsReliable)
        XCTAssertLessThan(r.stability!.inFlightFraction, 0.001)
        XCTAssertEqual(r.stability!.backlogGrowthPerSecond ?? 1, 0, accuracy: 0.05)
    }

    /// The three-tier scenario (scenarios/three-tier.yaml), by hand:
    ///   λ = 2,400/s; lb (no service); app: 4 replicas × 8 workers = 32 servers, S = 10 ms, V = 1
    ///     D_app   = 1 × 0.010 / 32      = 0.3125 ms  → ρ = 2400 × 0.0003125 = 0.75
    ///   cache: 64 workers, S = 0.5 ms, V = 1
    ///     D_cache = 0.0005 / 64         = 0.0078125 ms → ρ = 0.01875
    ///   db: 16 workers, S = 25 ms, V = 1 − 0.8 = 0.2 (misses)
    ///     D_db    = 0.2 × 0.025 / 16    = 0.3125 ms → ρ = 0.75
    ///   app and db tie at D_max = 0.3125 ms; the first in declaration order (app) is named.
    ///   Ceiling 1/D_max = 3,200 requests/s; headroom 3200/2400 − 1 = 33%.
    func testThreeTierDemandsMatchHandArithmetic() {
        var config = threeTier()
        config.duration = SimDuration(seconds: 30)
        let r = Runner.run(config)
        let b = r.bottleneck!
        func row(_ n: String) -> LoadRow { b.rows.first { $0.name == n }! }
        XCTAssertEqual(row("app").demand, 0.0003125, accuracy: 1e-12)
        XCTAssertEqual(row("cache").demand, 0.0005 / 64, accuracy: 1e-12)
        XCTAssertEqual(row("db").demand, 0.0003125, accuracy: 1e-12)
        XCTAssertEqual(row("db").visits ?? 0, 0.2, accuracy: 1e-12)
        XCTAssertEqual(row("lb").demand, 0)
        XCTAssertEqual(b.bottleneck, "app")
        XCTAssertEqual(b.ceiling, 3200, accuracy: 1e-6)
        XCTAssertEqual(b.headroom, 3200 / b.throughput - 1, accuracy: 1e-9)
        // The laws hold on a stable run.
        for name in ["app", "cache", "db"] {
            XCTAssertTrue(row(name).utilizationLaw!.holds, "\(name) \(row(name).utilizationLaw!)")
            XCTAssertTrue(row(name).forcedFlowLaw!.holds, "\(name) \(row(name).forcedFlowLaw!)")
            XCTAssertTrue(row(name).littlesLaw!.holds, "\(name) \(row(name).littlesLaw!)")
        }
        XCTAssertTrue(r.stability!.steady)
    }

    /// A machine-bound system: two servers, each 8 workers, S = 10 ms, both on one 4-core machine
    /// of speed 1, λ = 150/s through both.
    ///   Per server: D = 0.010 / 8 = 1.25 ms → ρ = 150 × 0.00125 = 0.1875 (idle-looking).
    ///   Machine: CPU per request = 2 × 10 ms = 20 ms over 4 cores → D = 5 ms → ρ = 0.75.
    ///   So the machine is the bottleneck; ceiling 1/0.005 = 200 requests/s; headroom 200/150 − 1.
    func testMachineIsTheBottleneckWhenItsCoresAre() {
        var config = poissonConfig("machine-bound", rate: 150, duration: 60, warmup: 5, route: ["a", "b"], components: [
            ComponentConfig(name: "a", kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010))), machine: "box"),
            ComponentConfig(name: "b", kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010))), machine: "box"),
        ])
        config.machines = [MachineConfig(name: "box", cores: 4)]
        let r = Runner.run(config)
        let b = r.bottleneck!
        let box = b.rows.first { $0.name == "box" }!
        XCTAssertEqual(box.kind, "machine")
        XCTAssertEqual(box.demand, 0.005, accuracy: 1e-12)
        XCTAssertEqual(b.bottleneck, "box")
        XCTAssertEqual(b.ceiling, 200, accuracy: 1e-9)
        XCTAssertTrue(b.advice.contains("cores"), b.advice)
        XCTAssertEqual(box.utilization ?? 0, 0.75, accuracy: 0.05)
    }

    /// A machine's offered load counts for stability: the machine-bound system above on one core
    /// (CPU 20 ms per request at 150/s = 3 cores' worth) is overloaded although each server's own
    /// load is 0.19. The warning names the machine, before the run and in its verdict.
    func testOverloadedMachineIsWarned() {
        var config = poissonConfig("machine-over", rate: 150, duration: 20, warmup: 2, route: ["a", "b"], components: [
            ComponentConfig(name: "a", kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010))), machine: "box"),
            ComponentConfig(name: "b", kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010))), machine: "box"),
        ])
        config.machines = [MachineConfig(name: "box", cores: 1)]
        let over = OfferedLoad.overloaded(OfferedLoad.rows(config))
        XCTAssertEqual(over.map(\.name), ["box"])
        XCTAssertEqual(over.first?.load ?? 0, 3, accuracy: 1e-9)
        XCTAssertTrue(OfferedLoad.warning(over)?.contains("box") ?? false, OfferedLoad.warning(over) ?? "nil")
        let r = Runner.run(config)
        XCTAssertFalse(r.stability!.steady)
        XCTAssertEqual(r.stability!.overloaded.map(\.name), ["box"])
        XCTAssertFalse(r.intervalsReliable)
    }

    /// A database's primary as the bottleneck: 80 reads/s × 10 ms on one worker, no replica, is
    /// ρ = 0.8. 0.8 ÷ 0.7 (the target) rounds up to 2 servers, twice today's: shard it in two (or
    /// a cache, or replicas for the reads).
    func testDatabasePrimaryBottleneckAdvisesShardingOrACache() {
        let config = poissonConfig("db-bound", rate: 80, duration: 60, warmup: 5, route: ["db"], components: [
            ComponentConfig(name: "db", kind: .database(DatabaseConfig(workers: 1, service: .exponential(mean: 0.010)))),
        ])
        let b = Runner.run(config).bottleneck!
        XCTAssertEqual(b.bottleneck, "db.primary")
        XCTAssertEqual(b.ceiling, 100, accuracy: 1e-9)
        XCTAssertTrue(b.advice.contains("Shard db (1 → 2 shards)"), b.advice)
        XCTAssertTrue(b.advice.contains("put a cache in front of it"), b.advice)
    }

    /// Below the threshold there is no bottleneck: ρ = 10/s × 10 ms = 0.1.
    func testNoBottleneckAtLowLoad() {
        let r = Runner.run(single(rate: 10, duration: 60))
        XCTAssertNil(r.bottleneck!.bottleneck)
        XCTAssertEqual(r.bottleneck!.busiest, "s")
        XCTAssertEqual(r.bottleneck!.ceiling, 100, accuracy: 1e-9)
        XCTAssertTrue(r.bottleneck!.advice.hasPrefix("No bottleneck at this load"), r.bottleneck!.advice)
    }

    /// Processes with a lock, CPU around calls, replicas together on one machine (issue 15), λ = 100/s:
    ///   app: 2 replicas on one 4-core box, 2 processes × 4 threads each, lock; CPU per visit
    ///   2 ms (service) + 1 ms (after the call) + 0.5 ms (client cost of the call) = 3.5 ms over
    ///   2 × 2 = 4 locks → D = 0.875 ms. db: 1 ms over 4 workers → 0.25 ms.
    ///   box: (3.5 + 1) ms per request over 4 cores → D = 1.125 ms, so 0.45 cores busy.
    func testDemandCountsEveryCPUSegmentAndEachProcessLock() {
        var config = poissonConfig("segments", rate: 100, duration: 200, warmup: 10, route: ["lb", "app"], components: [
            ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "app"))),
            ComponentConfig(name: "app", replicas: 2, kind: .server(.processes(
                2, threads: 4, lock: true, service: .exponential(mean: 0.002), calls: ["db"], afterCalls: [.constant(0.001)],
                callCost: .constant(0.0005))), machine: "box", placement: .together),
            ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 4, service: .exponential(mean: 0.001))), machine: "box"),
        ])
        config.machines = [MachineConfig(name: "box", cores: 4, scheduling: .processorSharing)]
        let r = Runner.run(config)
        let b = r.bottleneck!
        func row(_ n: String) -> LoadRow { b.rows.first { $0.name == n }! }
        XCTAssertEqual(row("app").servers, 4)
        XCTAssertEqual(row("app").serviceTime ?? 0, 0.0035, accuracy: 1e-12)
        XCTAssertEqual(row("app").demand, 0.000875, accuracy: 1e-12)
        XCTAssertFalse(row("app").demandMeasured)
        XCTAssertNil(row("app").utilizationLaw, "threads and locks are different resources")
        XCTAssertEqual(row("db").demand, 0.00025, accuracy: 1e-12)
        XCTAssertEqual(row("box").demand, 0.001125, accuracy: 1e-12)
        // The machine's measured CPU demand (core-seconds per second) agrees: 100/s × 4.5 ms.
        XCTAssertEqual(r.machines.map(\.name), ["box"])
        XCTAssertEqual(r.machines[0].demand, 0.45, accuracy: 0.45 * 0.05)
        XCTAssertEqual(r.machines[0].utilization * 4, r.machines[0].demand, accuracy: 0.01)
    }

    /// A keyed cache's fills are visits of their own: with a measured hit ratio h, V = 1 + (1 − h)
    /// and S = (lookup + (1 − h) × fill) ÷ V; the forced-flow and utilization laws then hold.
    func testCacheFillsAreVisitsInTheLoadTable() {
        var keyed = KeyedCacheConfig(capacity: .items(2000), ttl: SimDuration(seconds: 2))
        keyed.fill = .constant(0.0004)
        var config = poissonConfig("fills", rate: 200, duration: 200, warmup: 20, route: ["cache"], components: [
            ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: keyed, service: .constant(0.0002), onMiss: "db"))),
            ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.002)))),
        ])
        config.workloads[0].keys = .uniform(n: 1000)
        let r = Runner.run(config)
        let h = r.components.first { $0.name == "cache" }!.hitRatio!
        XCTAssertGreaterThan(h, 0.1)
        XCTAssertLessThan(h, 0.9)
        let row = r.bottleneck!.rows.first { $0.name == "cache" }!
        XCTAssertEqual(row.visits ?? 0, 2 - h, accuracy: 1e-9)
        XCTAssertEqual(row.serviceTime ?? 0, (0.0002 + (1 - h) * 0.0004) / (2 - h), accuracy: 1e-12)
        XCTAssertTrue(row.forcedFlowLaw!.holds, "\(row.forcedFlowLaw!)")
        XCTAssertTrue(row.utilizationLaw!.holds, "\(row.utilizationLaw!)")
    }

    private func threeTier() -> ModelConfig {
        poissonConfig("three-tier", rate: 2400, duration: 120, warmup: 10, route: ["lb", "app", "cache"], components: [
            ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .random, targets: "app"))),
            ComponentConfig(name: "app", replicas: 4, kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010)))),
            ComponentConfig(name: "cache", kind: .cache(CacheConfig(hitRatio: 0.8, workers: 64, service: .constant(0.0005), onMiss: "db"))),
            ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 16, service: .exponential(mean: 0.025)))),
        ])
    }
}
