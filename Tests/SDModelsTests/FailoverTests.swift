import SDEngine
import SDMetrics
@testable import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Database failover: a crash of the primary loses the queries it held, writes fail until a replica
/// is promoted (detection + promotion), asynchronous replication loses the acknowledged writes the
/// promoted replica had not applied (rolled back in ``DataVersions``), synchronous replication
/// loses none but pays the replication lag on every write, and the SPOF audit tells them apart.
final class FailoverTests: XCTestCase {
    // MARK: Helpers

    static let lag = 0.1, detection = 1.0, promotion = 0.5
    /// The crash time: a write arrives every 10 ms (at multiples of 10 ms) and commits 2 ms later,
    /// so the write that arrived at 20.000 s is in service and none commits exactly at a boundary.
    static let crashAt = 20.0015

    /// Writers and readers each send one request every 10 ms to `db` (uniform over 1000 keys);
    /// reads take 1 ms, writes 2 ms, the replication lag is a constant 100 ms, there is no network
    /// latency; `db` crashes at 20.0015 s (for `crashFor`, or until the end).
    func config(replication: ReplicationMode = .async, replicas: Int = 1, failover: FailoverConfig? = standardFailover,
                crashFor: Double? = nil, duration: Double = 40, connections: Int? = nil) -> ModelConfig {
        let keys = KeyDistribution.uniform(n: 1000)
        var config = ModelConfig(
            name: "failover", seed: 3, duration: SimDuration(seconds: duration),
            workloads: [
                WorkloadConfig(name: "writers", arrival: .interarrival(.constant(0.01)),
                               mix: [RequestClass(type: "write", share: 1, route: ["db"])], keys: keys),
                WorkloadConfig(name: "readers", arrival: .interarrival(.constant(0.01)),
                               mix: [RequestClass(type: "read", share: 1, route: ["db"])], keys: keys),
            ],
            components: [ComponentConfig(name: "db", kind: .database(DatabaseConfig(
                workers: 4, service: .constant(0.001), writeService: .constant(0.002), connections: connections,
                readReplicas: replicas, replicationLag: .constant(FailoverTests.lag), replication: replication,
                failover: failover)))])
        config.failures = [FailureEvent(at: SimDuration(seconds: FailoverTests.crashAt), action: .crash("db"),
                                        duration: crashFor.map { SimDuration(seconds: $0) })]
        return config
    }

    static let standardFailover = FailoverConfig(detection: SimDuration(seconds: detection),
                                                 promotion: SimDuration(seconds: promotion))

    func database(_ model: Model) -> Database { model.nodes.compactMap { $0 as? Database }[0] }

    func extra(_ r: RunResult, _ name: String, of component: String = "db") -> Double {
        let c = r.components.first { $0.name == component }!
        guard let e = c.extra.first(where: { $0.name == name }) else {
            XCTFail("no extra \(name) in \(c.extra.map(\.name))")
            return .nan
        }
        return e.value
    }

    func failures(_ r: RunResult, _ workload: String) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: r.workloads.first { $0.name == workload }!.failedBy.map { ($0.reason, $0.count) })
    }

    func at(_ seconds: Double) -> SimTime { SimTime(ns: Int64((seconds * 1e9).rounded())) }

    // MARK: Asynchronous replication

    /// Lost writes, counted independently: the writes committed in (t_crash − lag, t_crash] (from
    /// the commit counter of the data store, read at both instants while stepping the simulation);
    /// the schedule says 10 (commits at 19.902, 19.912, …, 19.992 s). After the promotion, and
    /// before any new write commits, every key is back at the version it had at t_crash − lag: the
    /// lost writes are rolled back. Writes fail (target-down) exactly for the 150 arrivals in
    /// the 1.5 s of detection + promotion; the write in service at the crash is lost in it; no
    /// read fails; after the promotion, writes succeed again although the old primary stays down.
    func testAsyncFailoverLosesTheWritesInTheLagWindow() {
        let config = self.config()
        let model = Model(config: config)
        let db = database(model)
        model.begin()
        model.sim.run(until: at(Self.crashAt - Self.lag))
        let committedBefore = model.data.commits
        let versionsBefore = (1...1000 as ClosedRange<UInt64>).map { model.data.version(of: $0) }
        model.sim.run(until: SimTime(ns: at(Self.crashAt).ns - 1))
        let expectedLost = model.data.commits - committedBefore
        XCTAssertEqual(expectedLost, 10, "the schedule: one commit every 10 ms within the 100 ms lag")
        // Detection + promotion end at 21.5015 s; the next write arrives at 21.51 s.
        model.sim.run(until: at(Self.crashAt + Self.detection + Self.promotion + 0.0005))
        XCTAssertEqual(db.failovers, 1)
        XCTAssertEqual(db.lostWrites, expectedLost)
        XCTAssertEqual(db.primaryName(ofShard: 0), "db.replica-1")
        XCTAssertEqual((1...1000 as ClosedRange<UInt64>).map { model.data.version(of: $0) }, versionsBefore,
                       "the lost writes are rolled back to the promoted replica's versions")
        model.sim.run(until: SimTime(ns: config.duration.ns))
        let r = Runner.collect(model).result   // checks the ledger
        XCTAssertEqual(extra(r, "lost_writes"), Double(expectedLost))
        XCTAssertEqual(extra(r, "rolled_back_writes"), Double(expectedLost))
        XCTAssertEqual(failures(r, "writers"), ["target-down": 150, "lost-in-crash": 1])
        XCTAssertEqual(extra(r, "refused_primary_down"), 150)
        XCTAssertEqual(extra(r, "lost_in_crash"), 1)
        XCTAssertEqual(failures(r, "readers"), [:], "reads carry on at the replica")
        let readers = r.workloads.first { $0.name == "readers" }!
        XCTAssertEqual(readers.failed, 0)
        XCTAssertLessThanOrEqual(readers.arrived - readers.completed, 1, "at most the read arriving at the end is in flight")
        // The promoted replica serves writes (and, having no replica left, reads) to the end.
        XCTAssertEqual(r.components.first { $0.name == "db.replica-1" }?.kind, "primary")
    }

    /// With 3 replicas and Poisson writes, the lost writes still equal the commits of the lag window
    /// (every replica is equally behind with a constant lag, so the first is promoted), and two
    /// replicas carry on behind the new primary.
    func testAsyncFailoverWithSeveralReplicas() {
        var config = self.config(replicas: 3)
        config.workloads[0].arrival = .poisson(ratePerSecond: 300)
        let model = Model(config: config)
        let db = database(model)
        model.begin()
        model.sim.run(until: at(Self.crashAt - Self.lag))
        let committedBefore = model.data.commits
        model.sim.run(until: SimTime(ns: at(Self.crashAt).ns - 1))
        let expectedLost = model.data.commits - committedBefore
        XCTAssertGreaterThan(expectedLost, 10)
        model.sim.run(until: SimTime(ns: config.duration.ns))
        let r = Runner.collect(model).result
        XCTAssertEqual(db.lostWrites, expectedLost)
        XCTAssertEqual(r.components.filter { $0.group == "db" || $0.name.hasPrefix("db.") }.map(\.kind),
                       ["primary", "primary", "replica", "replica"])
        XCTAssertEqual(failures(r, "readers"), [:])
        XCTAssertGreaterThan(extra(r, "reads_on_replicas"), 0)
    }

    // MARK: Synchronous replication

    /// Synchronous replication: the writes waiting for the replica when the primary dies were never
    /// acknowledged — they are lost in the crash (with the one in service: 11), rolled back, and
    /// no acknowledged write is lost.
    func testSyncFailoverLosesNoAcknowledgedWrite() {
        let r = Runner.runOnce(config(replication: .sync, connections: 64)).result
        XCTAssertEqual(extra(r, "lost_writes"), 0)
        XCTAssertEqual(extra(r, "rolled_back_writes"), 10)
        XCTAssertEqual(failures(r, "writers"), ["target-down": 150, "lost-in-crash": 11])
        XCTAssertEqual(failures(r, "readers"), [:])
    }

    /// Write latency with one replica and a constant lag L: async is the write service (2 ms),
    /// sync is exactly that plus L (connections enough that no write waits for one).
    func testSyncWriteLatencyAddsTheLag() {
        func writeLatency(_ mode: ReplicationMode) -> Double {
            var c = config(replication: mode, connections: 64)
            c.failures = []
            return Runner.runOnce(c).result.workloads[0].latency.mean
        }
        let async = writeLatency(.async), sync = writeLatency(.sync)
        XCTAssertEqual(async, 0.002, accuracy: 1e-9)
        XCTAssertEqual(sync, async + Self.lag, accuracy: 1e-9)
    }

    /// With n replicas and exponential lags of mean m, a synchronous write waits for the slowest:
    /// E[max of n exponentials] = m·H_n (H_3 = 11/6). Poisson writes at 50/s on 8 workers hardly
    /// ever queue, so the mean write latency is S + m·H_n; the tolerance is 5 standard errors of
    /// that maximum (its variance is m²·Σ1/k²).
    func testSyncWriteLatencyWithSeveralReplicasIsTheSlowestLag() {
        let m = 0.02, s = 0.001, n = 3, rate = 50.0, duration = 1_000.0
        let config = ModelConfig(
            name: "sync-max", seed: 9, duration: SimDuration(seconds: duration),
            workloads: [WorkloadConfig(name: "writers", arrival: .poisson(ratePerSecond: rate),
                                       mix: [RequestClass(type: "write", share: 1, route: ["db"])], keys: .uniform(n: 1000))],
            components: [ComponentConfig(name: "db", kind: .database(DatabaseConfig(
                workers: 8, service: .constant(s), connections: 1_000, readReplicas: n,
                replicationLag: .exponential(mean: m), replication: .sync)))])
        let w = Runner.runOnce(config).result.workloads[0]
        let harmonic = (1...n).reduce(0.0) { $0 + 1 / Double($1) }
        let sd = m * (1...n).reduce(0.0) { $0 + 1 / Double($1 * $1) }.squareRoot()
        let se = sd / Double(w.completed).squareRoot()
        XCTAssertEqual(w.latency.mean, s + m * harmonic, accuracy: 5 * se)
        XCTAssertEqual(w.failed, 0)
    }

    // MARK: Without failover, restarts, parts

    /// Without failover the primary stays down until it restarts: writes fail for the whole 10 s
    /// outage (1000 arrivals), nothing is lost by replication, reads carry on at the replica.
    func testWithoutFailoverWritesFailUntilTheRestart() {
        let r = Runner.runOnce(config(failover: nil, crashFor: 10)).result
        XCTAssertEqual(failures(r, "writers"), ["target-down": 1000, "lost-in-crash": 1])
        XCTAssertEqual(failures(r, "readers"), [:])
        XCTAssertEqual(extra(r, "failovers"), 0)
        XCTAssertEqual(extra(r, "lost_writes"), 0)
        XCTAssertEqual(extra(r, "primary_crashes"), 1)
        XCTAssertEqual(r.components.first { $0.name == "db.primary" }?.kind, "primary")
    }

    /// A restart after the promotion: the old primary rejoins as a replica and takes reads again.
    /// A restart before the promotion cancels it: the old primary carries on, nothing is lost.
    func testOldPrimaryRejoinsAsReplicaOrCancelsTheFailover() {
        let later = Runner.runOnce(config(crashFor: 5)).result
        XCTAssertEqual(later.components.first { $0.name == "db.primary" }?.kind, "replica")
        XCTAssertEqual(later.components.first { $0.name == "db.replica-1" }?.kind, "primary")
        XCTAssertGreaterThan(later.components.first { $0.name == "db.primary" }!.completed, 1000)
        XCTAssertEqual(extra(later, "failovers"), 1)

        let early = Runner.runOnce(config(crashFor: 0.5)).result
        XCTAssertEqual(extra(early, "failovers"), 0)
        XCTAssertEqual(extra(early, "lost_writes"), 0)
        XCTAssertEqual(early.components.first { $0.name == "db.primary" }?.kind, "primary")
        // Arrivals in the 0.5 s outage: 20.01 … 20.50 s.
        XCTAssertEqual(failures(early, "writers"), ["target-down": 50, "lost-in-crash": 1])
    }

    /// `db.shard-2.primary` crashes one shard's primary: only the writes of keys on shard 2 fail,
    /// and only that shard fails over.
    func testCrashOfOneShardsPrimary() {
        var c = config()
        if case .database(var db) = c.components[0].kind {
            db.shards = 2
            c.components[0].kind = .database(db)
        }
        c.failures = [FailureEvent(at: SimDuration(seconds: Self.crashAt), action: .crash("db.shard-2.primary"))]
        let model = Model(config: c)
        XCTAssertEqual(model.failureTargets(named: "db.shard-2.primary").count, 1)
        XCTAssertTrue(model.failureTargets(named: "db.shard-3.primary").isEmpty)
        model.run()
        let r = Runner.collect(model).result
        let db = database(model)
        XCTAssertFalse(db.primaryIsDown(shard: 0))
        XCTAssertEqual(db.primaryName(ofShard: 0), "db.shard-1.primary")
        XCTAssertEqual(db.primaryName(ofShard: 1), "db.shard-2.replica-1")
        let refused = failures(r, "writers")["target-down"] ?? 0
        XCTAssertGreaterThan(refused, 40)
        XCTAssertLessThan(refused, 110)   // about half of the 150
        XCTAssertEqual(extra(r, "failovers"), 1)
    }

    // MARK: The ledger under random crashes

    /// Random crashes of the database (MTTF 5 s, MTTR 2 s) on a sharded database with replicas,
    /// scatter-gather reads, timeouts and retries, async and sync, 20 seeds: the ledger
    /// (checked by `Runner.collect`) holds, replica state stays bounded, and runs are deterministic.
    func testLedgerUnderRandomDatabaseCrashes() {
        var totalLost = 0, totalFailovers = 0
        for seed in 1...20 as ClosedRange<UInt64> {
            let mode: ReplicationMode = seed % 2 == 0 ? .sync : .async
            var config = ModelConfig(
                name: "random-db-crashes", seed: seed, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 5),
                network: NetworkConfig(latency: .exponential(mean: 0.001)),
                workloads: [
                    WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: 400), mix: [
                        RequestClass(type: "read", share: 0.6, route: ["db"]),
                        RequestClass(type: "write", share: 0.35, route: ["db"]),
                        RequestClass(type: "scan", share: 0.05, route: ["db"], isWrite: false),
                    ], keys: .zipf(n: 500, exponent: 0.9), timeout: SimDuration(seconds: 0.5),
                                   retry: RetryPolicy(maxRetries: 2, backoff: SimDuration(seconds: 0.05))),
                ],
                components: [ComponentConfig(name: "db", kind: .database(DatabaseConfig(
                    workers: 4, service: .exponential(mean: 0.002), connections: 16, queueLimit: 50,
                    readReplicas: seed % 3 == 0 ? 1 : 2, replicationLag: .exponential(mean: 0.05), shards: 2,
                    scatterTypes: ["scan"], replication: mode,
                    failover: seed % 5 == 0 ? nil : FailoverConfig(detection: SimDuration(seconds: 0.5),
                                                                   promotion: SimDuration(seconds: 0.2)))))])
            config.randomFailures = [RandomFailure(target: seed % 4 == 0 ? "db.shard-1.primary" : "db",
                                                   mttf: .exponential(mean: 5), mttr: .exponential(mean: 2))]
            let model = Model(config: config)
            model.run()
            let r = Runner.collect(model).result   // the ledger
            let db = database(model)
            XCTAssertGreaterThan(extra(r, "primary_crashes"), 3, "seed \(seed)")
            XCTAssertLessThan(db.pendingReplicationEntries, 2_000, "seed \(seed)")
            if mode == .sync { XCTAssertEqual(db.lostWrites, 0, "seed \(seed)") }
            totalLost += db.lostWrites
            totalFailovers += db.failovers
            if seed <= 2 {
                let again = Runner.runOnce(config).result
                XCTAssertEqual(again.components.first { $0.name == "db" }!.extra.map(\.value),
                               r.components.first { $0.name == "db" }!.extra.map(\.value), "deterministic, seed \(seed)")
            }
        }
        XCTAssertGreaterThan(totalFailovers, 20)
        XCTAssertGreaterThan(totalLost, 0)
    }

    // MARK: SPOF audit

    /// `sdsim spof`: a database without failover is named (writes fail for the whole third of the
    /// run it is down, reads carry on); with failover and a replica, the outage lasts detection +
    /// promotion: 1.5 s of 20 s, so 7.5% of the writers' requests fail (pooled with the readers'
    /// it would look like 3.75%) and an SLO of 90% holds for each workload, 95% does not.
    func testSpofAuditNamesADatabaseWithoutFailover() {
        var without = config(failover: nil, duration: 60)
        without.failures = []
        without.slo = ServiceLevelObjective(availability: 0.95)
        let row = SpofAudit.run(without).rows[0]
        XCTAssertEqual(row.component, "db")
        XCTAssertFalse(row.meetsSLO)
        XCTAssertTrue(row.reason.hasPrefix("primary without failover: writes fail until it restarts"), row.reason)
        XCTAssertEqual(row.fix, "add 'failover:' to db")
        XCTAssertEqual(row.workloads.map(\.workload), ["writers", "readers"])
        XCTAssertEqual(row.workloads[0].availability, 0, accuracy: 0.01)
        XCTAssertEqual(row.workloads[1].availability, 1)

        var with = without
        with.components[0] = config(duration: 60).components[0]
        XCTAssertFalse(SpofAudit.run(with).rows[0].meetsSLO)
        with.slo = ServiceLevelObjective(availability: 0.9)
        let ok = SpofAudit.run(with).rows[0]
        XCTAssertTrue(ok.meetsSLO, "\(ok)")
        XCTAssertEqual(ok.workloads[0].availability, 1 - 1.5 / 20, accuracy: 0.004)
        XCTAssertTrue(ok.reason.hasPrefix("survives: a replica is promoted after 1.5 s"), ok.reason)
        XCTAssertTrue(ok.reason.contains("async replication loses"), ok.reason)
    }
}
