import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Servers that hold workers, downstream calls, timeouts, retries and load-balancing policies.
final class ComponentBehaviourTests: XCTestCase {
    /// Thread-per-request: an app worker is held for its own service (10 ms) plus the database's
    /// response. With the database an M/M/1 at λ = 5/s, μ = 10/s, W_db = 1/(μ − λ) = 0.2 s, so by
    /// Little's law the app's busy workers average λ·(0.01 + 0.2) = 1.05, i.e. utilization 1.05/50.
    /// In tandem mode the worker is free after its own 10 ms: utilization 5·0.01/50 = 0.001.
    func testThreadPerRequestHoldsWorkersWhileWaiting() {
        for mode in [ServerMode.threadPerRequest, .tandem] {
            let config = poissonConfig("hold", rate: 5, duration: 20_100, warmup: 100, route: ["app", "db"], components: [
                ComponentConfig(name: "app", kind: .server(ServerConfig(workers: 50, service: .exponential(mean: 0.01), mode: mode))),
                server("db", .exponential(mean: 0.1)),
            ])
            let runs = Replicated(config)
            let held = mode == .threadPerRequest ? 0.01 + 0.2 : 0.01
            assertWithin(runs.interval { runs.component("app", $0).utilization }, 5 * held / 50, "app utilization (\(mode))")
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, 0.21, "end-to-end (\(mode))")
        }
    }

    /// A slow database exhausts a thread-per-request app tier: with 4 held workers and a database
    /// that can serve only 8/s against 10/s offered, the app's workers are all busy and its small
    /// waiting room turns requests away, although the app itself needs only 10 × 1 ms = 1% of one worker.
    func testSlowDatabaseExhaustsAppPool() {
        let config = poissonConfig("exhaust", rate: 10, duration: 2_000, warmup: 100, route: ["app", "db"], components: [
            ComponentConfig(name: "app", kind: .server(ServerConfig(workers: 4, service: .constant(0.001), queueLimit: 10,
                                                                     mode: .threadPerRequest))),
            server("db", .exponential(mean: 0.125)),
        ])
        let r = Runner.runOnce(config).result
        let app = r.components.first { $0.name == "app" }!
        XCTAssertGreaterThan(app.utilization, 0.95)
        XCTAssertGreaterThan(app.rejected, 0)
        XCTAssertEqual(r.workloads[0].failedBy.first?.reason, "rejected")
    }

    /// Regression (issue 8, "stall"): a thread-per-request server whose calls form an atomic
    /// transaction used the frame's private value both to mark the worker it holds and to count
    /// the participants that prepared; the count overwrote the mark, so no worker was ever freed
    /// and the server completed 4 requests (1 with one worker) and then none. Under this light load
    /// (20/s, a few ms each) every arrival must complete and none fail.
    func testThreadPerRequestAtomicCallsReleaseTheirWorkers() {
        for workers in [1, 4] {
            var config = poissonConfig("stall", rate: 20, duration: 60, warmup: 0, route: ["orders-api"], components: [
                ComponentConfig(name: "orders-api", kind: .server(ServerConfig(
                    workers: workers, service: .exponential(mean: 0.005), mode: .threadPerRequest,
                    calls: ["orders", "stock"], atomic: true))),
                server("orders", workers: 4, .exponential(mean: 0.003)),
                server("stock", workers: 4, .exponential(mean: 0.003)),
            ])
            config.network = NetworkConfig(latency: .constant(0.001))
            let w = Runner.runOnce(config).result.workloads[0]
            XCTAssertEqual(w.failed, 0, "workers \(workers)")
            XCTAssertGreaterThan(w.arrived, 1_000)
            XCTAssertGreaterThanOrEqual(Double(w.completed), 0.99 * Double(w.arrived), "workers \(workers): \(w.completed) of \(w.arrived)")
        }
    }

    /// A server's calls are made in order after its own service: end-to-end = S_app + S_a + S_b
    /// with constant times and no queueing (one request at a time).
    func testCallsRunInSequence() {
        var config = poissonConfig("calls", rate: 1, duration: 100, warmup: 0, route: ["app"], components: [
            ComponentConfig(name: "app", kind: .server(ServerConfig(workers: 1, service: .constant(0.002), calls: ["a", "b"]))),
            server("a", .constant(0.003)),
            server("b", .constant(0.005)),
        ])
        config.workloads[0].arrival = .interarrival(.constant(1))
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].latency.mean, 0.010, accuracy: 1e-9)
        XCTAssertEqual(r.workloads[0].latency.max, 0.010, accuracy: 1e-9)
        XCTAssertEqual(r.components.first { $0.name == "b" }!.completed, r.workloads[0].completed)
    }

    /// Timeouts without reneging: an M/M/1 (λ = 0.5, μ = 1) keeps serving abandoned requests, so the
    /// sojourn time stays exponential with rate μ − λ and the fraction timed out at T = 3 s is
    /// P(T > 3) = e^{−(μ−λ)·3} = e^{−1.5} = 0.2231.
    func testTimeoutFractionMatchesSojournTail() {
        var config = poissonConfig("timeout", rate: 0.5, duration: 100_500, warmup: 500, route: ["station"],
                                   components: [server("station", .exponential(mean: 1))])
        config.workloads[0].timeout = SimDuration(seconds: 3)
        let runs = Replicated(config)
        assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) }, exp(-1.5),
                     "timed-out fraction")
        for r in runs.results {
            XCTAssertEqual(r.workloads[0].failedBy.map(\.reason), ["timed-out"])
            XCTAssertGreaterThan(r.workloads[0].lateReplies, 0, "abandoned requests are still served and answered late")
        }
    }

    /// An exact schedule: arrivals every 1 s, service 1.5 s, no waiting room, one retry after 0.2 s.
    /// Request 1 is served on [1, 2.5); request 2 (t = 2) is rejected, retried at 2.2, rejected
    /// again and fails; request 3 (t = 3) is served on [3, 4.5); and so on: every other request fails
    /// after exactly one retry.
    func testRetriesFollowExactSchedule() {
        var config = poissonConfig("retry", rate: 1, duration: 100.5, warmup: 0, route: ["station"],
                                   components: [server("station", .constant(1.5), queueLimit: 0)])
        config.workloads[0].arrival = .interarrival(.constant(1))
        config.workloads[0].retry = RetryPolicy(maxRetries: 1, backoff: SimDuration(seconds: 0.2), jitter: .none)
        let w = Runner.runOnce(config).result.workloads[0]
        XCTAssertEqual(w.arrived, 100)
        XCTAssertEqual(w.completed, 50)
        XCTAssertEqual(w.failed, 50)
        XCTAssertEqual(w.retries, 50)
        XCTAssertEqual(w.latency.max, 1.5, accuracy: 1e-9)
    }

    /// A retry that succeeds counts the whole wait. Arrivals at t = 1, 2, 3 s, service 1.2 s, no
    /// waiting room, retries every 0.5 s. Request 1 is served on [1, 2.2). Request 2 (t = 2) is turned
    /// away, retries at 2.5 and is served on [2.5, 3.7): latency 1.7 s. Request 3 (t = 3) is turned
    /// away, retries at 3.5, is turned away again and is still waiting to retry at the end (3.9 s).
    func testSuccessfulRetryLatencyIncludesBackoff() {
        var config = poissonConfig("retry-ok", rate: 1, duration: 3.9, warmup: 0, route: ["station"],
                                   components: [server("station", .constant(1.2), queueLimit: 0)])
        config.workloads[0].arrival = .interarrival(.constant(1))
        config.workloads[0].retry = RetryPolicy(maxRetries: 5, backoff: SimDuration(seconds: 0.5), multiplier: 1, jitter: .none)
        let w = Runner.runOnce(config).result.workloads[0]
        XCTAssertEqual(w.arrived, 3)
        XCTAssertEqual(w.completed, 2)
        XCTAssertEqual(w.latency.max, 1.7, accuracy: 1e-9)
        XCTAssertEqual(w.retries, 3)
        XCTAssertEqual(w.failed, 0)
        XCTAssertEqual(w.inFlight, 1)
    }

    /// Load-balancer shares: round-robin splits exactly; random, hash and consistent-hash (with
    /// uniform keys) split about evenly; each share is a binomial proportion with sd √(p(1−p)/n).
    func testLoadBalancerShares() {
        for policy in LoadBalancerPolicy.allCases {
            let config = ModelConfig(
                name: "lb", seed: 3, duration: SimDuration(seconds: 1_000),
                workloads: [WorkloadConfig(name: "w", arrival: .poisson(ratePerSecond: 40), route: ["lb", "app"],
                                           keys: .uniform(n: 1_000_000))],
                components: [
                    ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: policy, targets: "app", vnodes: 200))),
                    ComponentConfig(name: "app", replicas: 4, kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.1)))),
                ])
            let r = Runner.runOnce(config).result
            let lb = r.components.first { $0.name == "lb" }!
            XCTAssertEqual(lb.targetShares.map(\.name), ["app-1", "app-2", "app-3", "app-4"])
            let n = Double(lb.completed)
            // Consistent hashing with 200 vnodes has its own imbalance: relative sd ≈ 1/√V ≈ 7%.
            let tolerance = policy == .consistentHash ? 0.25 * 4 / 200.squareRoot() : 4 * (0.25 * 0.75 / n).squareRoot()
            for (name, share) in lb.targetShares {
                if policy == .roundRobin {
                    XCTAssertEqual(share, 0.25, accuracy: 1.0 / n, "\(policy) \(name)")
                } else {
                    XCTAssertEqual(share, 0.25, accuracy: tolerance, "\(policy) \(name)")
                }
            }
            if policy == .hash { XCTAssertEqual(lb.keysMovedOnAdd!, 0.8, accuracy: 4 * (0.16 / 100_000).squareRoot()) }
            if policy == .consistentHash { XCTAssertEqual(lb.keysMovedOnAdd!, 0.2, accuracy: 0.2 * 4 / 200.squareRoot()) }
        }
    }

    /// Least-connections and power-of-two beat random on mean response time: joining a shorter
    /// queue cuts waiting (4 replicas, each an M/M/1 at ρ = 0.8 under random assignment, where
    /// W = 1/(μ − λ/4) = 5 s with μ = 1).
    func testSmarterPoliciesBeatRandom() {
        func meanResponse(_ policy: LoadBalancerPolicy) -> [Double] {
            let config = ModelConfig(
                name: "lb", seed: 5, duration: SimDuration(seconds: 60_500), warmup: SimDuration(seconds: 500),
                workloads: [WorkloadConfig(name: "w", arrival: .poisson(ratePerSecond: 3.2), route: ["lb", "app"])],
                components: [
                    ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: policy, targets: "app"))),
                    ComponentConfig(name: "app", replicas: 4, kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 1)))),
                ])
            return Replicated(config).values { $0.workloads[0].latency.mean }
        }
        let random = meanResponse(.random)
        assertWithin(StudentT.interval(random, level: checkLevel), 5.0, "random assignment = 4 independent M/M/1")
        for policy in [LoadBalancerPolicy.leastConnections, .powerOfTwo] {
            let better = meanResponse(policy)
            let diff = zip(random, better).map { $0 - $1 }
            XCTAssertGreaterThan(StudentT.interval(diff, level: checkLevel).low, 0, "\(policy) should beat random")
        }
    }

    /// A load balancer called off-route (a server's call) relays the call and the answer.
    func testLoadBalancerAsCallTarget() {
        let config = ModelConfig(
            name: "relay", seed: 2, duration: SimDuration(seconds: 100),
            workloads: [WorkloadConfig(name: "w", arrival: .poisson(ratePerSecond: 10), route: ["front"])],
            components: [
                ComponentConfig(name: "front", kind: .server(ServerConfig(workers: 4, service: .constant(0.001), calls: ["lb"]))),
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "svc"))),
                ComponentConfig(name: "svc", replicas: 2, kind: .server(ServerConfig(workers: 4, service: .constant(0.002)))),
            ])
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].latency.mean, 0.003, accuracy: 1e-9)
        let svc = r.components.first { $0.name == "svc" }!
        XCTAssertEqual(svc.completed, r.workloads[0].completed)
    }
}
