import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Crashes, detection, partitions, gray failures, MTTF/MTTR availability, the ledger and the SPOF audit.
final class FailureTests: XCTestCase {
    /// Two app replicas behind a round-robin balancer with health checks (every 1 s, 200 ms timeout);
    /// requests arrive every 10 ms and take 30 ms; app-1 crashes at t = 20.25 s for 10 s.
    private func crashConfig(duration: Double = 60) -> ModelConfig {
        var config = ModelConfig(
            name: "crash", seed: 5, duration: SimDuration(seconds: duration),
            workloads: [WorkloadConfig(name: "w", arrival: .interarrival(.constant(0.01)), route: ["lb", "app"])],
            components: [
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(
                    policy: .roundRobin, targets: "app",
                    healthCheck: HealthCheck(interval: SimDuration(seconds: 1), timeout: SimDuration(seconds: 0.2))))),
                ComponentConfig(name: "app", replicas: 2, kind: .server(ServerConfig(workers: 4, service: .constant(0.03)))),
            ])
        config.failures = [FailureEvent(at: SimDuration(seconds: 20.25), action: .crash("app-1"), duration: SimDuration(seconds: 10))]
        return config
    }

    /// Requests inside app-1 at the crash are lost — exactly as many as an independent count of
    /// the requests app-1 held just before it; requests sent to it before the balancer's probe
    /// detects the crash (next probe at 21 s, timing out at 21.2 s) fail as target-down; after
    /// the restart and the next successful probe, traffic returns.
    func testCrashUnderLoadDetectionAndRecovery() {
        let config = crashConfig()
        let model = Model(config: config)
        model.begin()
        model.sim.run(until: SimTime(ns: 20_250_000_000 - 1))
        let app1 = model.instances(of: "app")[0]
        let heldAtCrash = model.requests.liveIds.filter { id in
            model.requests.records[Int(id)].frames.contains { $0.node == app1 }
        }.count
        XCTAssertGreaterThan(heldAtCrash, 0)
        model.sim.run(until: SimTime(ns: config.duration.ns))
        let r = Runner.collect(model).result
        let w = r.workloads[0]
        let failed = Dictionary(uniqueKeysWithValues: w.failedBy.map { ($0.reason, $0.count) })
        XCTAssertEqual(failed["lost-in-crash"], heldAtCrash)
        // Detection window [20.25, 21.2): 95 arrivals, every other one to app-1.
        XCTAssertEqual(Double(failed["target-down"] ?? 0), 47.5, accuracy: 1)
        let lb = r.components.first { $0.name == "lb" }!
        XCTAssertEqual(lb.extra.first { $0.name == "sent_to_down_replicas" }?.value, Double(failed["target-down"] ?? 0))
        XCTAssertEqual(lb.extra.first { $0.name == "failures_detected" }?.value, 1)
        // app-1 is believed down from 21.2 s until the first probe after its restart at 30.25 s (31 s):
        // it gets half of the traffic for 60 − 9.8 s of the run, so (60 − 9.8)/60 × 1/2 = 41.8% of it.
        XCTAssertEqual(lb.targetShares[0].share, (60 - 9.8) / 60 * 0.5, accuracy: 0.002)
    }

    /// Without health checks the balancer never learns: half the traffic fails for the whole outage.
    func testWithoutHealthChecksTheBalancerKeepsSending() {
        var config = crashConfig()
        config.components[0] = ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "app")))
        let w = Runner.runOnce(config).result.workloads[0]
        let targetDown = w.failedBy.first { $0.reason == "target-down" }!.count
        XCTAssertEqual(Double(targetDown), 500, accuracy: 1)   // 10 s × 100/s ÷ 2
    }

    /// Every request ends in exactly one state, whatever happens: the ledger check
    /// (``Invariants/requestLedgers(_:)``, with in-flight requests counted from the live records,
    /// not derived from the other counts) runs after every run and a violation stops the process;
    /// here under crashes, partitions, a slow replica, a latency spike, timeouts and retries, over 30 seeds.
    func testLedgerHoldsUnderChaos() {
        var config = crashConfig(duration: 40)
        config.workloads[0].timeout = SimDuration(seconds: 0.1)
        config.workloads[0].retry = RetryPolicy(maxRetries: 2, backoff: SimDuration(seconds: 0.05))
        config.workloads[0].arrival = .poisson(ratePerSecond: 150)
        config.failures += [
            FailureEvent(at: SimDuration(seconds: 5), action: .slow("app-2", factor: 8), duration: SimDuration(seconds: 5)),
            FailureEvent(at: SimDuration(seconds: 12), action: .partition([["lb"], ["app-2"]]), duration: SimDuration(seconds: 3)),
            FailureEvent(at: SimDuration(seconds: 33), action: .latencySpike("app", extra: .exponential(mean: 0.05)), duration: SimDuration(seconds: 4)),
            FailureEvent(at: SimDuration(seconds: 35), action: .crash("lb"), duration: SimDuration(seconds: 1)),
        ]
        config.randomFailures = [RandomFailure(target: "app", mttf: .exponential(mean: 4), mttr: .exponential(mean: 1))]
        for seed in 0..<30 {
            let r = Runner.runOnce(config, seed: UInt64(seed)).result
            let w = r.workloads[0]
            XCTAssertGreaterThan(w.failed, 0)
            XCTAssertEqual(Invariants.requestLedgers(r), [], "seed \(seed)")
            XCTAssertGreaterThanOrEqual(w.inFlight, 0)
        }
    }

    /// A partition between two route hops fails the requests that need to cross it.
    func testPartitionFailsCrossingRequests() {
        var config = poissonConfig("partition", rate: 50, duration: 30, warmup: 0, route: ["a", "b"],
                                   components: [server("a", workers: 4, .constant(0.001)), server("b", workers: 4, .constant(0.001))])
        config.failures = [FailureEvent(at: SimDuration(seconds: 10), action: .partition([["a"], ["b"]]), duration: SimDuration(seconds: 10))]
        let w = Runner.runOnce(config).result.workloads[0]
        let partitioned = Double(w.failedBy.first { $0.reason == "partitioned" }?.count ?? 0)
        // Poisson(50/s × 10 s): mean 500, sd 22.4.
        XCTAssertEqual(partitioned, 500, accuracy: 4 * 22.4)
        XCTAssertEqual(w.failedBy.map(\.reason), ["partitioned"])
    }

    /// A gray failure multiplies service times; a latency spike adds to every hop to and from a component.
    func testSlowAndLatencySpike() {
        var config = poissonConfig("gray", rate: 1, duration: 200, warmup: 0, route: ["a", "b"],
                                   components: [server("a", workers: 8, .constant(0.002)), server("b", workers: 8, .constant(0.003))])
        config.workloads[0].arrival = .interarrival(.constant(1))
        config.failures = [
            FailureEvent(at: .zero, action: .slow("a", factor: 10)),
            FailureEvent(at: .zero, action: .latencySpike("b", extra: .constant(0.05))),
        ]
        let w = Runner.runOnce(config).result.workloads[0]
        // 10 × 2 ms at a, 3 ms at b, and 50 ms on the hop a → b and on the reply b → a.
        XCTAssertEqual(w.latency.mean, 0.020 + 0.003 + 0.1, accuracy: 1e-9)
    }

    /// A zone outage takes down every component in the zone at once.
    func testZoneOutage() {
        var config = poissonConfig("zone", rate: 100, duration: 30, warmup: 0, route: ["a", "b"],
                                   components: [server("a", workers: 4, .constant(0.001)), server("b", workers: 4, .constant(0.001))])
        config.components[1].zone = "us-east-1a"
        config.failures = [FailureEvent(at: SimDuration(seconds: 10), action: .zoneOutage("us-east-1a"), duration: SimDuration(seconds: 10))]
        let w = Runner.runOnce(config).result.workloads[0]
        XCTAssertEqual(Double(w.failed), 1000, accuracy: 4 * 31.6)
        XCTAssertEqual(w.availabilitySeries.count, 50)
    }

    /// Random failures: one server up for exponential(90 s), down for exponential(10 s). By PASTA the
    /// fraction of requests that find it up is the time-availability MTTF/(MTTF + MTTR) = 0.9.
    /// Two replicas behind a balancer with fast health checks fail only together: 1 − 0.1² = 0.99.
    func testAvailabilityMatchesMTTFandMTTR() {
        let failure = (mttf: Distribution.exponential(mean: 90), mttr: Distribution.exponential(mean: 10))
        var single = poissonConfig("single", rate: 10, duration: 20_000, warmup: 0, route: ["app"],
                                   components: [server("app", workers: 4, .constant(0.001))])
        single.randomFailures = [RandomFailure(target: "app", mttf: failure.mttf, mttr: failure.mttr)]
        XCTAssertEqual(AvailabilityModel.predicted(single)![0], 0.9, accuracy: 1e-12)
        let one = Replicated(single, replications: 12)
        assertWithin(one.interval { $0.workloads[0].availability }, 0.9, "single replica availability")

        var pair = ModelConfig(
            name: "pair", seed: 11, duration: SimDuration(seconds: 20_000),
            workloads: [WorkloadConfig(name: "jobs", arrival: .poisson(ratePerSecond: 10), route: ["lb", "app"])],
            components: [
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(
                    policy: .roundRobin, targets: "app",
                    healthCheck: HealthCheck(interval: SimDuration(seconds: 0.05), timeout: SimDuration(seconds: 0.01))))),
                ComponentConfig(name: "app", replicas: 2, kind: .server(ServerConfig(workers: 4, service: .constant(0.001)))),
            ])
        pair.randomFailures = [RandomFailure(target: "app", mttf: failure.mttf, mttr: failure.mttr)]
        XCTAssertEqual(AvailabilityModel.predicted(pair)![0], 0.99, accuracy: 1e-12)
        let two = Replicated(pair, replications: 12)
        assertWithin(two.interval { $0.workloads[0].availability }, 0.99, "replicated pair availability", power: 0.005)
    }
}

/// Queues under random crashes, injected from the scenario's `failures`.
final class QueueFailureTests: XCTestCase {
    /// Consumers that crash at random (the queue component crashes every ~5 s for ~0.5 s, losing
    /// its consumers' work in progress) and a database their calls need that crashes too: across
    /// 100 seeds no message is lost — each is acknowledged, dead-lettered or still in the queue —
    /// and duplicates are delivered and counted.
    func testRandomConsumerCrashesLoseNoMessage() {
        var config = poissonConfig("crashing-consumers", rate: 40, duration: 60, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 6, process: .exponential(mean: 0.05), calls: ["db"],
                                      visibilityTimeout: SimDuration(seconds: 0.5), maxReceives: 5)),
            server("db", workers: 4, .exponential(mean: 0.02)),
        ])
        config.randomFailures = [
            RandomFailure(target: "jobs", mttf: .exponential(mean: 5), mttr: .exponential(mean: 0.5)),
            RandomFailure(target: "db", mttf: .exponential(mean: 7), mttr: .exponential(mean: 0.3)),
        ]
        var redelivered = 0.0
        for seed in 1...100 as ClosedRange<UInt64> {
            let model = Model(config: config, seed: seed)
            model.begin()
            model.sim.run(until: SimTime(ns: config.duration.ns))
            assertNoMessageLost(model, "seed \(seed)")
            let r = Runner.collect(model).result   // also checks the request ledger
            let jobs = model.nodes.first { $0.name == "jobs" } as! MessageQueue
            XCTAssertEqual(jobs.ledger().enqueued + (r.workloads[0].failedBy.first { $0.reason == "target-down" }?.count ?? 0)
                           + (r.workloads[0].failedBy.first { $0.reason == "lost-in-crash" }?.count ?? 0) + r.workloads[0].inFlight,
                           r.workloads[0].arrived, "seed \(seed): every producer request was enqueued, refused or lost before enqueueing")
            redelivered += extra(r.components[0], "redelivered")
        }
        XCTAssertGreaterThan(redelivered, 0, "crashes must cause redeliveries (duplicates)")
    }
}

/// Cache flushes: a cold cache and the herd of misses that follows.
final class CacheFlushTests: XCTestCase {
    /// A full LRU cache of 1k entries under Zipf reads is flushed at t = 30 s: all 1,000 entries
    /// go, the misses that follow are counted as invalidated, and the database sees a burst.
    func testFlushEmptiesTheCacheAndTheHerdHitsTheDatabase() {
        var config = ModelConfig(
            name: "flush", seed: 3, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 10),
            workloads: [WorkloadConfig(name: "reads", arrival: .poisson(ratePerSecond: 2000), route: ["cache"],
                                       keys: .zipf(n: 100_000, exponent: 1.0))],
            components: [
                ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: KeyedCacheConfig(capacity: .items(1000)),
                                                                        workers: 8, service: .constant(0.0002), onMiss: "db"))),
                server("db", workers: 32, .exponential(mean: 0.005)),
            ])
        config.failures = [FailureEvent(at: SimDuration(seconds: 30), action: .flush("cache"))]
        let r = Runner.runOnce(config).result
        let cache = r.components.first { $0.name == "cache" }!
        XCTAssertEqual(cache.extra.first { $0.name == "entries_flushed" }?.value, 1000)
        XCTAssertGreaterThan(cache.extra.first { $0.name == "misses_invalidated" }?.value ?? 0, 100)
    }
}
