import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Processes, threads and a process lock; CPU in segments around calls and a per-call cost.
final class ProcessTests: XCTestCase {
    /// Three requests arrive together (one from each of three workloads, every second) at `app`:
    /// CPU 1 ms, a call to `db` (10 ms, never a queue), CPU 1 ms after it.
    private func run(_ app: ServerConfig) -> RunResult {
        let config = ModelConfig(
            name: "process-lock", seed: 1, duration: SimDuration(seconds: 3.5),
            workloads: ["a", "b", "c"].map { WorkloadConfig(name: $0, arrival: .interarrival(.constant(1)), route: ["app"]) },
            components: [
                ComponentConfig(name: "app", kind: .server(app)),
                ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 100, service: .constant(0.010)))),
            ])
        return Runner.runOnce(config).result
    }

    private func latencies(_ r: RunResult) -> [Double] { r.workloads.map { ($0.latency.max * 1e6).rounded() / 1e3 } }

    /// With a process lock, 3 threads are one server for CPU and three for waiting. The exact
    /// schedule (ms): a computes 0–1, calls 1–11, computes 11–12; b waits for the lock, computes
    /// 1–2, calls 2–12, computes 12–13; c computes 2–3, calls 3–13, computes 13–14. Without the
    /// lock all three end at 12; with one thread each waits for the whole of the one before (12, 24, 36).
    func testProcessLockSerialisesComputingNotWaiting() {
        func app(threads: Int, lock: Bool) -> ServerConfig {
            .processes(1, threads: threads, lock: lock, service: .constant(0.001), calls: ["db"], afterCalls: [.constant(0.001)])
        }
        let locked = run(app(threads: 3, lock: true))
        XCTAssertEqual(latencies(locked), [12, 13, 14])
        let lockWait = locked.components.first { $0.name == "app" }!.extra.first { $0.name == "lock_wait_mean" }!.value
        // Six acquisitions a round: 0, 1 and 2 ms before the calls; none after, as each call returns
        // at the moment the lock is released by the one before.
        XCTAssertEqual(lockWait, (0 + 1 + 2 + 0 + 0 + 0) / 6 / 1e3, accuracy: 1e-9)
        XCTAssertEqual(latencies(run(app(threads: 3, lock: false))), [12, 12, 12])
        XCTAssertEqual(latencies(run(app(threads: 1, lock: true))), [12, 24, 36])
    }

    /// A switch interval of 1 ms: two requests of 3 ms of CPU arrive together at one process of
    /// two threads. The exact schedule (ms): a 0–1, b 1–2, a 2–3, b 3–4, a 4–5 (done), b 5–6
    /// (done). Without the interval a keeps the lock for its 3 ms: 3 and 6. Alone, a request is
    /// never interrupted: 3 ms.
    func testSwitchIntervalHandsTheLockToAWaitingThread() {
        func run(_ interval: Double?, workloads: [String] = ["a", "b"]) -> [Double] {
            var app = ServerConfig.processes(1, threads: 2, lock: true, service: .constant(0.003))
            app.switchInterval = interval.map { SimDuration(seconds: $0) }
            let config = ModelConfig(
                name: "switch", seed: 1, duration: SimDuration(seconds: 3.5),
                workloads: workloads.map { WorkloadConfig(name: $0, arrival: .interarrival(.constant(1)), route: ["app"]) },
                components: [ComponentConfig(name: "app", kind: .server(app))])
            return latencies(Runner.runOnce(config).result)
        }
        XCTAssertEqual(run(0.001), [5, 6])
        XCTAssertEqual(run(nil), [3, 6])
        XCTAssertEqual(run(0.001, workloads: ["a"]), [3])
        XCTAssertEqual(run(0.0025), [5.5, 6], "a 0–2.5, b 2.5–5 (b has 0.5 left), a 5–5.5, b 5.5–6")
    }

    /// Two single-threaded processes with a lock each take two of the three at once: a and b
    /// end at 12 ms; c waits for a thread until 12, then takes 12 ms more.
    func testProcessesEachHaveTheirOwnLock() {
        let app = ServerConfig.processes(2, threads: 1, lock: true, service: .constant(0.001), calls: ["db"],
                                         afterCalls: [.constant(0.001)])
        XCTAssertEqual(latencies(run(app)), [12, 12, 24])
    }

    /// CPU before, between and after two calls, and a client cost per call, one request alone:
    /// 1 + 10 + (0.5 + 2) + 10 + (0.5 + 3) = 27 ms.
    func testSegmentsAroundCallsAndCallCost() {
        let config = ModelConfig(
            name: "segments", seed: 1, duration: SimDuration(seconds: 3.5),
            workloads: [WorkloadConfig(name: "a", arrival: .interarrival(.constant(1)), route: ["app"])],
            components: [
                ComponentConfig(name: "app", kind: .server(.processes(1, threads: 4, lock: false, service: .constant(0.001),
                                                                       calls: ["db", "db"], afterCalls: [.constant(0.002), .constant(0.003)],
                                                                       callCost: .constant(0.0005)))),
                ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 100, service: .constant(0.010)))),
            ])
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].latency.max, 0.027, accuracy: 1e-9)
        XCTAssertEqual(r.workloads[0].latency.mean, 0.027, accuracy: 1e-9)
    }

    /// On a machine, the CPU after a call competes for its cores like any other: two processes'
    /// after-call CPU on one FIFO core. One request alone still takes 1 + 10 + 1 = 12 ms.
    func testSegmentsRunOnTheMachine() {
        var config = ModelConfig(
            name: "segments-on-machine", seed: 1, duration: SimDuration(seconds: 3.5),
            workloads: [WorkloadConfig(name: "a", arrival: .interarrival(.constant(1)), route: ["app"])],
            components: [
                ComponentConfig(name: "app", kind: .server(.processes(2, threads: 2, lock: true, service: .constant(0.001),
                                                                       calls: ["db"], afterCalls: [.constant(0.001)])),
                                machine: "box"),
                ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 100, service: .constant(0.010)))),
            ])
        config.machines = [MachineConfig(name: "box", cores: 1, scheduling: .processorSharing)]
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].latency.mean, 0.012, accuracy: 1e-9)
        XCTAssertEqual(r.machines[0].demand, 0.002 * 3 / 3.5, accuracy: 1e-9, "2 ms of CPU per request, 3 requests in 3.5 s")
    }
}

/// A keyed cache that pays for its own fill on a miss.
final class CacheFillTests: XCTestCase {
    /// One key, a request a second, cache service 1 ms, database 10 ms, fill 2 ms. With a TTL of
    /// 0.5 s every read misses: 1 + 10 + 2 = 13 ms. Without a TTL only the first misses; the rest
    /// hit in 1 ms. Each miss is two pieces of work at the cache (the lookup and the fill).
    func testFillIsPaidAtTheCacheOnAMiss() {
        func run(ttl: Double?) -> RunResult {
            var keyed = KeyedCacheConfig(capacity: .items(10), ttl: ttl.map { SimDuration(seconds: $0) })
            keyed.fill = .constant(0.002)
            let config = ModelConfig(
                name: "fill", seed: 1, duration: SimDuration(seconds: 10.5),
                workloads: [WorkloadConfig(name: "reads", arrival: .interarrival(.constant(1)), route: ["cache"], keys: .uniform(n: 1))],
                components: [
                    ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: keyed, service: .constant(0.001), onMiss: "db"))),
                    ComponentConfig(name: "db", kind: .server(ServerConfig(service: .constant(0.010)))),
                ])
            return Runner.runOnce(config).result
        }
        let missing = run(ttl: 0.5)
        XCTAssertEqual(missing.workloads[0].latency.mean, 0.013, accuracy: 1e-9)
        let cache = missing.components.first { $0.name == "cache" }!
        XCTAssertEqual(cache.completed, 2 * missing.workloads[0].completed)
        XCTAssertEqual(cache.responseMean, (0.001 + 0.002) / 2, accuracy: 1e-9, "a lookup and a fill, each on its own")
        let hitting = run(ttl: nil)
        XCTAssertEqual(hitting.workloads[0].latency.max, 0.013, accuracy: 1e-9)
        XCTAssertEqual(hitting.workloads[0].latency.p50, 0.001, accuracy: 1e-5)
    }
}
