import SDEngine
import SDAnalysis
import SDConfig
import SDModels
@testable import SDScenario
import XCTest

/// Property tests over option combinations (issues 8 and 9): every valid combination of a kind's
/// options, written as a scenario file and run under light load, completes nearly every request,
/// fails none, loses nothing, and balances its ledgers. One mechanism, ``Combinations``, serves
/// every kind: it writes each case as YAML, loads it (so the loader sees every combination too),
/// runs it and checks the result.
final class OptionCombinationTests: XCTestCase {
    /// One case: a name for messages, and the scenario text.
    struct Case { var name: String; var yaml: String }

    /// The cross product of option lists, each option a (label, value) pair.
    static func product(_ axes: [[(String, String)]]) -> [[(String, String)]] {
        axes.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.map { prefix + [$0] } } }
    }

    /// A scenario of `duration` with `workloads` and `components` (YAML blocks, indented by 2 and 2).
    static func scenario(_ name: String, duration: String = "40s", workloads: String, components: String,
                         extra: String = "") -> String {
        """
        name: \(name)
        seed: 3
        duration: \(duration)
        warmup: 2s
        network:
          latency: constant(1ms)
        workload:
        \(workloads)
        components:
        \(components)
        \(extra)
        """
    }

    /// Loads and runs every case; fails with the case's name and the reason for each that does
    /// not complete its requests, fails some, or breaks a ledger. Returns how many were valid.
    @discardableResult
    func check(_ cases: [Case], invalidBecause: (String) -> Bool = { _ in false }, file: StaticString = #filePath,
               line: UInt = #line) -> Int {
        var valid = 0
        for c in cases {
            let config: ModelConfig
            do {
                config = try ScenarioLoader.load(text: c.yaml, file: c.name + ".yaml")
            } catch {
                let messages = error.diagnostics.map(\.message)
                if !messages.allSatisfy(invalidBecause) {
                    XCTFail("\(c.name): refused: \(messages)\n\(c.yaml)", file: file, line: line)
                }
                continue
            }
            valid += 1
            let result = Runner.run(config)
            for problem in Combinations.problems(result) {
                XCTFail("\(c.name): \(problem)", file: file, line: line)
            }
        }
        return valid
    }

    // MARK: Servers (issue 8)

    /// mode × atomic × calls (none, one, several) × machine placement (none, shared, split) ×
    /// client timeout and retry × queue-limit × workers.
    func testEveryServerCombinationCompletesUnderLightLoad() {
        let axes: [[(String, String)]] = [
            [("tandem", "tandem"), ("tpr", "thread-per-request")],
            [("plain", "false"), ("atomic", "true")],
            [("no-calls", ""), ("one-call", "[orders]"), ("three-calls", "[orders, stock, pay]")],
            [("no-machine", "none"), ("shared", "shared"), ("split", "split")],
            [("no-timeout", ""), ("timeout", "    timeout: 5s\n"),
             ("retry", "    timeout: 5s\n    retry: {max: 2, backoff: 100ms}\n")],
            [("unlimited", ""), ("limit-50", "50")],
            [("1-worker", "1"), ("4-workers", "4")],
        ]
        var cases: [Case] = []
        for combo in Self.product(axes) {
            let v = combo.map(\.1)
            let (mode, atomic, calls, placement, client, limit, workers) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6])
            var front = "  api:\n    kind: server\n    mode: \(mode)\n    workers: \(workers)\n    service: exponential(5ms)\n"
            if !calls.isEmpty { front += "    calls: \(calls)\n    atomic: \(atomic)\n" } else if atomic == "true" { front += "    atomic: true\n" }
            if !limit.isEmpty { front += "    queue-limit: \(limit)\n" }
            var callees = ""
            for name in ["orders", "stock", "pay"] {
                callees += "  \(name):\n    kind: server\n    workers: 4\n    service: exponential(3ms)\n"
                switch placement {
                case "shared": callees += "    machine: box\n"
                case "split": callees += "    machine: back\n"
                default: break
                }
            }
            var machines = ""
            switch placement {
            case "shared": front += "    machine: box\n"; machines = "machines:\n  box: {cores: 16}\n"
            case "split": front += "    machine: web\n"; machines = "machines:\n  web: {cores: 8}\n  back: {cores: 8}\n"
            default: break
            }
            let workload = "  - name: checkout\n    arrival: poisson(10/s)\n    route: [api]\n" + client
            cases.append(Case(name: combo.map(\.0).joined(separator: "/"),
                              yaml: Self.scenario("server", workloads: workload, components: front + callees, extra: machines)))
        }
        let valid = check(cases, invalidBecause: { $0.contains("atomic") })
        // 432 combinations; 'atomic' without 'calls' (72 of them) may be refused, nothing else.
        XCTAssertGreaterThanOrEqual(valid, 432 - 72)
    }

    /// The stall of issue 8: thread-per-request with an atomic pair of calls leaked its worker
    /// (the 2PC count overwrote the frame's worker mark); 1,183 arrived and 4 completed.
    func testThreadPerRequestAtomicCallsDoNotLeakWorkers() {
        for workers in [1, 4] {
            let yaml = Self.scenario("stall", duration: "60s", workloads: "  - name: checkout\n    arrival: poisson(20/s)\n    route: [orders-api]\n", components: """
                  orders-api:
                    kind: server
                    mode: thread-per-request
                    workers: \(workers)
                    service: exponential(5ms)
                    calls: [orders, stock]
                    atomic: true
                  orders: {kind: server, workers: 4, service: exponential(3ms)}
                  stock: {kind: server, workers: 4, service: exponential(3ms)}
                """)
            check([Case(name: "stall-\(workers)", yaml: yaml)])
        }
    }

    // MARK: Machines, processes and placement (issue 15)

    /// scheduling (fifo, processor sharing, round robin) × processes (1, 2) × threads (1, 4) ×
    /// process lock (none, held per segment, with a switch interval) × placement of two replicas (together on one machine, spread one per machine) ×
    /// calls (none; one call with CPU after it and a per-call cost). Every case completes under light
    /// load and balances its ledgers, the machines' CPU ledger included.
    func testEveryMachineProcessAndPlacementCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            [("fifo", "scheduling: fifo"), ("ps", "scheduling: processor-sharing"),
             ("rr", "scheduling: round-robin, quantum: 2ms")],
            [("1-process", "1"), ("2-processes", "2")],
            [("1-thread", "1"), ("4-threads", "4")],
            [("no-lock", "false"), ("lock", "true"), ("lock-switching", "true\n    switch-interval: 1ms")],
            [("together", "together"), ("spread", "spread")],
            [("no-calls", ""), ("calls", "    calls: [db]\n    after-calls: [exponential(0.5ms)]\n    call-cost: constant(0.1ms)\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  lb:\n    kind: load-balancer\n    targets: app\n"
                + "  app:\n    kind: server\n    replicas: 2\n    machine: box\n    placement: \(v[4])\n"
                + "    processes: \(v[1])\n    threads: \(v[2])\n    process-lock: \(v[3])\n    service: exponential(2ms)\n\(v[5])"
                + "  db:\n    kind: server\n    workers: 4\n    service: exponential(1ms)\n    machine: box\n    placement: together\n"
            let workload = "  - name: w\n    arrival: poisson(40/s)\n    route: [lb, app]\n"
            cases.append(Case(name: "machine/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario(
                "machine", workloads: workload, components: components, extra: "machines:\n  box: {cores: 2, \(v[0])}\n")))
        }
        XCTAssertEqual(check(cases), 144)
    }

    // MARK: Every other kind (issue 9)

    func testEveryLoadBalancerCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            LoadBalancerPolicy.allCases.map { ($0.rawValue, $0.rawValue) },
            [("no-check", ""), ("health-check", "    health-check: {interval: 1s, timeout: 200ms}\n")],
            [("1-replica", "1"), ("3-replicas", "3")],
            [("no-keys", ""), ("keys", "    keys: uniform(1000)\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  lb:\n    kind: load-balancer\n    policy: \(v[0])\n    targets: app\n\(v[1])"
                + "  app:\n    kind: server\n    replicas: \(v[2])\n    workers: 4\n    service: exponential(5ms)\n"
            let workload = "  - name: w\n    arrival: poisson(20/s)\n    route: [lb, app]\n" + v[3]
            cases.append(Case(name: combo.map(\.0).joined(separator: "/"),
                              yaml: Self.scenario("lb", workloads: workload, components: components)))
        }
        check(cases, invalidBecause: { $0.contains("keys") })
    }

    func testEveryCacheCombinationCompletes() {
        var cases: [Case] = []
        let writes = "    keys: uniform(500)\n    mix:\n      - {type: read, share: 0.8}\n      - {type: write, share: 0.2, write: true}\n"
        // A cache with a fixed hit ratio, with and without writes.
        for (label, mix) in [("reads", "    keys: uniform(500)\n"), ("writes", writes)] {
            let components = "  cache:\n    kind: cache\n    hit-ratio: 0.6\n    workers: 4\n    service: constant(0.2ms)\n    on-miss: db\n"
                + "  db:\n    kind: server\n    workers: 8\n    service: exponential(5ms)\n"
            cases.append(Case(name: "hit-ratio/\(label)", yaml: Self.scenario("cache", workloads:
                "  - name: w\n    arrival: poisson(50/s)\n    route: [cache]\n" + mix, components: components)))
        }
        for combo in Self.product([
            CachePolicy.allCases.map { ($0.rawValue, $0.rawValue) },
            [("no-ttl", ""), ("ttl", "    ttl: 5s\n")],
            CacheWritePolicy.allCases.map { ($0.rawValue, "    write-policy: \($0.rawValue)\n") },
            [("no-flush-delay", ""), ("flush-delay", "    flush-delay: 1s\n")],
            [("items", "100"), ("bytes", "100KB")],
            [("reads", "    keys: uniform(500)\n"), ("writes", writes + "    size: constant(1KB)\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  cache:\n    kind: cache\n    capacity: \(v[4])\n    policy: \(v[0])\n\(v[1])\(v[2])\(v[3])"
                + "    workers: 4\n    service: constant(0.2ms)\n    on-miss: db\n"
                + "  db:\n    kind: server\n    workers: 8\n    service: exponential(5ms)\n"
            let workload = "  - name: w\n    arrival: poisson(50/s)\n    route: [cache]\n" + v[5] + (v[4] == "100KB" && v[5].contains("size") == false ? "    size: constant(1KB)\n" : "")
            cases.append(Case(name: combo.map(\.0).joined(separator: "/"),
                              yaml: Self.scenario("cache", workloads: workload, components: components)))
        }
        check(cases, invalidBecause: { $0.contains("flush-delay") || $0.contains("size") || $0.contains("without 'ttl'") })
    }

    func testEveryDatabaseCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            [("1-shard", "1"), ("3-shards", "3")],
            [("hash", "hash"), ("range", "range")],
            [("no-replicas", "0"), ("2-replicas", "2")],
            [("async", "async"), ("sync", "sync")],
            [("no-scatter", ""), ("scatter", "    scatter-types: [search]\n")],
        ]) {
            let v = combo.map(\.1)
            var db = "  db:\n    kind: database\n    shards: \(v[0])\n    workers: 4\n    read-service: exponential(1ms)\n"
                + "    write-service: exponential(2ms)\n    read-replicas: \(v[2])\n"
            if v[0] != "1" { db += "    sharding: \(v[1])\n" }
            if v[2] != "0" { db += "    replication: \(v[3])\n    replication-lag: exponential(20ms)\n" }
            db += v[4]
            let workload = "  - name: w\n    arrival: poisson(40/s)\n    route: [db]\n    keys: uniform(10000)\n    mix:\n"
                + "      - {type: read, share: 0.7}\n      - {type: write, share: 0.2, write: true}\n      - {type: search, share: 0.1}\n"
            cases.append(Case(name: combo.map(\.0).joined(separator: "/"),
                              yaml: Self.scenario("db", workloads: workload, components: db)))
        }
        check(cases)
    }

    func testEveryQueueAndPolledTableCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            [("1-consumer", "1"), ("3-consumers", "3")],
            [("visibility-30s", "30s"), ("visibility-2s", "2s")],
            [("no-dlq", ""), ("dlq", "    max-receives: 3\n    dead-letter: true\n")],
            [("no-calls", ""), ("calls", "    calls: [mailer]\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  api:\n    kind: server\n    workers: 4\n    service: exponential(2ms)\n"
                + "  q:\n    kind: queue\n    workers: 4\n    service: constant(1ms)\n    consumers: \(v[0])\n"
                + "    process: exponential(20ms)\n    visibility-timeout: \(v[1])\n\(v[2])\(v[3])"
                + "  mailer:\n    kind: server\n    workers: 4\n    service: exponential(10ms)\n"
            cases.append(Case(name: "queue/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario("queue", workloads:
                "  - name: w\n    arrival: poisson(20/s)\n    route: [api, q]\n", components: components)))
        }
        for combo in Self.product([
            [("1-poller", "1"), ("3-pollers", "3")],
            [("poll-100ms", "100ms"), ("poll-1s", "1s")],
            [("batch-1", "1"), ("batch-20", "20")],
            [("no-calls", ""), ("calls", "    calls: [mailer]\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  t:\n    kind: polled-table\n    workers: 4\n    service: exponential(2ms)\n    pollers: \(v[0])\n"
                + "    poll-interval: \(v[1])\n    poll-service: exponential(5ms)\n    batch: \(v[2])\n    process: exponential(10ms)\n\(v[3])"
                + "  mailer:\n    kind: server\n    workers: 4\n    service: exponential(10ms)\n"
            cases.append(Case(name: "table/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario("table", workloads:
                "  - name: w\n    arrival: poisson(5/s)\n    route: [t]\n", components: components)))
        }
        check(cases)
    }

    /// The kinds added in the second session: a CDN (fixed ratio or keys, warm or cold, each
    /// policy, reads or writes through) and a quorum key-value store (every R, W for N = 3).
    func testEveryCDNAndKeyValueStoreCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            [("hit-ratio", "    hit-ratio: 0.8\n"), ("keyed-lru", "    capacity: 200\n    policy: lru\n"),
             ("keyed-lfu-warm", "    capacity: 200\n    policy: lfu\n    warm: true\n"),
             ("keyed-ttl", "    capacity: 200\n    policy: fifo\n    ttl: 2s\n")],
            [("reads", ""), ("writes", "    mix:\n      - {type: get, share: 0.7}\n      - {type: put, share: 0.3, write: true}\n")],
            [("unlimited", ""), ("queue-limit", "    workers: 4\n    queue-limit: 100\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  cdn:\n    kind: cdn\n    service: constant(1ms)\n    origin: s3\n\(v[0])\(v[2])"
                + "  s3:\n    kind: object-store\n    connections: 50\n    first-byte: constant(20ms)\n    bandwidth: 100MB/s\n"
            cases.append(Case(name: "cdn/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario("cdn", workloads:
                "  - name: w\n    arrival: poisson(10/s)\n    route: [cdn]\n    keys: zipf(1000, 0.9)\n    size: constant(100KB)\n" + v[1],
                components: components)))
        }
        for combo in Self.product([
            [("r1", "1"), ("r2", "2"), ("r3", "3")],
            [("w1", "1"), ("w2", "2"), ("w3", "3")],
            [("lag-1ms", "    replication-lag: constant(1ms)\n"), ("lag-50ms", "    replication-lag: exponential(50ms)\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  kv:\n    kind: kv-store\n    replication-factor: 3\n    read-quorum: \(v[0])\n    write-quorum: \(v[1])\n"
                + "    nodes: 4\n    workers: 8\n    service: constant(0.2ms)\n    replica-service: exponential(1ms)\n\(v[2])"
            cases.append(Case(name: "kv/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario("kv", workloads:
                "  - name: w\n    arrival: poisson(20/s)\n    route: [kv]\n    keys: uniform(1000)\n"
                + "    mix:\n      - {type: get, share: 0.7}\n      - {type: put, share: 0.3, write: true}\n",
                components: components)))
        }
        check(cases)
    }

    func testEveryObjectStoreRouterAndFeedCombinationCompletes() {
        var cases: [Case] = []
        for combo in Self.product([
            [("1-connection", "1"), ("50-connections", "50")],
            [("no-prefix-limit", ""), ("prefix-limit", "    prefix-rate-limit: 1000/s\n    prefixes: 4\n")],
            [("rf-1", "1"), ("rf-3", "3")],
            [("reads", ""), ("writes", "    mix:\n      - {type: get, share: 0.7}\n      - {type: put, share: 0.3, write: true}\n")],
        ]) {
            let v = combo.map(\.1)
            let components = "  s3:\n    kind: object-store\n    connections: \(v[0])\n    first-byte: constant(20ms)\n"
                + "    bandwidth: 100MB/s\n    replication-factor: \(v[2])\n\(v[1])"
            cases.append(Case(name: "object-store/" + combo.map(\.0).joined(separator: "/"), yaml: Self.scenario("s3", workloads:
                "  - name: w\n    arrival: poisson(5/s)\n    route: [s3]\n    keys: uniform(1000)\n    size: constant(100KB)\n" + v[3],
                components: components)))
        }
        for kind in ["gateway", "bus"] {
            for fallback in ["", "    default: other\n"] {
                let components = "  r:\n    kind: \(kind)\n    workers: 4\n    service: constant(0.5ms)\n"
                    + "    routes: {browse: browse, search: search}\n\(fallback)"
                    + "  browse: {kind: server, workers: 4, service: exponential(5ms)}\n"
                    + "  search: {kind: server, workers: 4, service: exponential(5ms)}\n"
                    + "  other: {kind: server, workers: 4, service: exponential(5ms)}\n"
                let types = fallback.isEmpty ? "" : "      - {type: misc, share: 0.2}\n"
                cases.append(Case(name: "\(kind)/\(fallback.isEmpty ? "routes" : "default")", yaml: Self.scenario(kind, workloads:
                    "  - name: w\n    arrival: poisson(20/s)\n    route: [r]\n    mix:\n      - {type: browse, share: 0.5}\n"
                    + "      - {type: search, share: 0.3}\n" + types, components: components)))
            }
        }
        for strategy in FeedStrategy.allCases {
            let population = """
                population:
                  users: 2k
                  daily-active: 100%
                  daily-cycle: 1
                  activities:
                    - type: post
                      per-user: 200/day
                      route: [feed]
                      write: true
                    - type: read
                      per-user: 400/day
                      route: [feed]
                  followers: power-law(2.3)
                  celebrities: 2
                  celebrity-followers: [500, 1k]
                """
            let yaml = """
                name: feed
                seed: 3
                duration: 40s
                warmup: 2s
                \(population)
                components:
                  feed: {kind: feed-service, workers: 16, service: exponential(1ms), strategy: \(strategy.rawValue), celebrity-threshold: 100}
                """
            cases.append(Case(name: "feed/\(strategy.rawValue)", yaml: yaml))
        }
        check(cases, invalidBecause: { $0.contains("celebrity-threshold") })
    }
}

/// The checks every combination must pass under light load.
enum Combinations {
    /// Why `result` is not a clean light-load run (empty when it is).
    static func problems(_ r: RunResult) -> [String] {
        var out: [String] = []
        for w in r.workloads {
            if w.arrived == 0 { out.append("workload '\(w.name)': nothing arrived") }
            if w.failed > 0 { out.append("workload '\(w.name)': \(w.failed) of \(w.arrived) failed (\(w.failedBy.map { "\($0.reason) \($0.count)" }.joined(separator: ", ")))") }
            // Nearly every arrival completes: only those that arrived in the last moments may be in flight.
            let missing = w.arrived - w.completed - w.failed
            if missing > max(5, w.arrived / 50) {
                out.append("workload '\(w.name)': \(w.arrived) arrived, \(w.completed) completed, \(missing) still in flight at the end")
            }
        }
        // A machine's CPU ledger: the work submitted in the window is the work its cores did (in
        // core-seconds per second), whatever the scheduling, up to what was in progress at the edges.
        for m in r.machines {
            let done = m.utilization * Double(m.cores)
            if abs(m.demand - done) > 0.01 + 0.03 * done {
                out.append("machine '\(m.name)': \(m.demand) core-seconds/s submitted, \(done) done")
            }
        }
        for c in r.components where !c.isGroup {
            if c.rejected > 0 { out.append("component '\(c.name)': rejected \(c.rejected)") }
            let extra = Dictionary(c.extra.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            // A queue's message ledger: every message enqueued is acknowledged, dead-lettered,
            // waiting or being processed; under light load none is dead-lettered and few wait.
            if let enqueued = extra["enqueued"], let acked = extra["acknowledged"] {
                let dead = extra["dead_lettered"] ?? 0, waiting = extra["depth_at_end"] ?? 0, inFlight = extra["in_flight_at_end"] ?? 0
                if enqueued != acked + dead + waiting + inFlight {
                    out.append("queue '\(c.name)': \(enqueued) enqueued but \(acked) acknowledged + \(dead) dead-lettered + \(waiting) waiting + \(inFlight) in flight")
                }
                if dead > 0 { out.append("queue '\(c.name)': \(dead) messages dead-lettered under light load") }
                if waiting + inFlight > max(10, enqueued / 50) { out.append("queue '\(c.name)': \(waiting + inFlight) messages left at the end") }
            }
            if let inserted = extra["inserted"], let processed = extra["processed"] {
                if (extra["failed_rows"] ?? 0) > 0 { out.append("table '\(c.name)': failed rows") }
                if inserted - processed > max(20, inserted / 20) { out.append("table '\(c.name)': \(inserted) inserted, only \(processed) processed") }
            }
        }
        return out
    }
}
