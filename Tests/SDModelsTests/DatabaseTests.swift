import SDEngine
import SDMetrics
@testable import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// `kind: database` against theory (connection pools as loss systems, replication lag as the
/// chance of a stale read, scatter-gather as the maximum of its parts) and exact bookkeeping
/// (routing, shares, storage, splitting, determinism).
final class DatabaseTests: XCTestCase {
    // MARK: Helpers

    func database(_ config: DatabaseConfig, name: String = "db") -> ComponentConfig {
        ComponentConfig(name: name, kind: .database(config))
    }

    /// One workload of reads (share `1 − writeShare`) and writes of `size` bytes, keyed by `keys`.
    func keyedConfig(_ name: String, rate: Double, writeShare: Double, keys: KeyDistribution, duration: Double,
                     warmup: Double, db: DatabaseConfig, size: Distribution? = nil, seed: UInt64 = 17) -> ModelConfig {
        var mix = [RequestClass(type: "read", share: 1 - writeShare, route: ["db"])]
        if writeShare > 0 { mix.append(RequestClass(type: "write", share: writeShare, route: ["db"], size: size)) }
        if writeShare >= 1 { mix.removeFirst() }
        return ModelConfig(name: name, seed: seed, duration: SimDuration(seconds: duration), warmup: SimDuration(seconds: warmup),
                           workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: rate), mix: mix, keys: keys)],
                           components: [database(db)])
    }

    func row(_ r: RunResult, _ name: String) -> ComponentResult {
        guard let c = r.components.first(where: { $0.name == name }) else {
            XCTFail("no row \(name) in \(r.components.map(\.name))")
            return r.components[0]
        }
        return c
    }

    func extra(_ c: ComponentResult, _ name: String) -> Double {
        guard let e = c.extra.first(where: { $0.name == name }) else {
            XCTFail("no extra \(name) in \(c.extra.map(\.name))")
            return .nan
        }
        return e.value
    }

    // MARK: Connection pools

    /// A full pool with no queue is a loss system. With `connections: c` (= workers), `queue-limit: 0`
    /// and Poisson arrivals, the fraction turned away is Erlang B(c, λ·E[S]), whatever the service
    /// distribution (M/G/c/c is insensitive): B(5, 4) = 0.19907.
    func testFullConnectionPoolIsErlangB() {
        let b = QueueingTheory.erlangB(servers: 5, offeredLoad: 4)
        for service in [Distribution.exponential(mean: 1), .constant(1)] {
            let config = poissonConfig("pool-erlang-b", rate: 4, duration: 20_500, warmup: 500, route: ["db"], components: [
                database(DatabaseConfig(workers: 5, service: service, connections: 5, queueLimit: 0)),
            ])
            let runs = Replicated(config)
            assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) }, b,
                         "Erlang B blocking of a full pool with \(service)")
            assertWithin(runs.interval { runs.component("db.primary", $0).utilization }, 4 * (1 - b) / 5, "pool utilization")
            for r in runs.results { XCTAssertEqual(r.workloads[0].failedBy.map(\.reason), ["rejected"]) }
            assertLittlesLaw(runs, window: 20_000)
        }
    }

    /// More connections than workers: 4 connections to 2 workers with no pool queue is M/M/2/4
    /// (2 servers, room for 4): blocking p(4) from the birth–death chain. A pool queue of 3 behind
    /// 2 connections on 2 workers is M/M/2/5.
    func testConnectionsBeyondWorkersAndPoolQueue() {
        let lambda = 2.0, mu = 1.2
        for (connections, queueLimit, capacity) in [(4, 0, 4), (2, 3, 5)] {
            let config = poissonConfig("pool-mmck", rate: lambda, duration: 20_500, warmup: 500, route: ["db"], components: [
                database(DatabaseConfig(workers: 2, service: .exponential(mean: 1 / mu), connections: connections,
                                        queueLimit: queueLimit)),
            ])
            let runs = Replicated(config)
            let what = "M/M/2/\(capacity) (connections \(connections), queue-limit \(queueLimit))"
            assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) },
                         QueueingTheory.mmckBlocking(lambda: lambda, mu: mu, servers: 2, capacity: capacity), "\(what) blocking")
            assertWithin(runs.interval { $0.workloads[0].latency.mean },
                         QueueingTheory.mmckResponse(lambda: lambda, mu: mu, servers: 2, capacity: capacity), "\(what) response")
            assertLittlesLaw(runs, window: 20_000)
        }
    }

    // MARK: Replication

    /// The stale-read fraction against the replication lag.
    ///
    /// Keys are uniform over K = 100 and writes arrive at W = 50/s, so each key is written by a
    /// Poisson process of rate w = W/K = 0.5/s (thinning). The primary has many workers (M/G/∞),
    /// whose departures — the commits — are again Poisson. A read arriving at a random time t finds
    /// that the last commit of its key happened A ago, A ~ Exp(w) (looking back from t); the read is
    /// stale iff that commit has not reached its replica yet, i.e. iff A < L, its own lag (earlier
    /// commits do not matter: a newer write hides older ones once applied). So
    ///   P(stale) = E[P(A < L)] = E[1 − e^{−wL}],
    /// which for a constant lag L is 1 − e^{−wL} = 1 − e^{−0.5} = 0.3935, and for an exponential
    /// lag of mean m is 1 − 1/(1 + wm) = wm/(1 + wm) = 1/3 with m = 1 s.
    /// Replica reads start on arrival (64 workers, no queueing), so they sample a random time.
    func testStaleReadFractionMatchesReplicationLag() {
        let w = 50.0 / 100
        for (lag, theory) in [(Distribution.constant(1), 1 - exp(-w * 1)), (.exponential(mean: 1), w * 1 / (1 + w * 1))] {
            let db = DatabaseConfig(workers: 64, service: .constant(0.001), readReplicas: 2, replicationLag: lag)
            let config = keyedConfig("stale", rate: 500, writeShare: 0.1, keys: .uniform(n: 100), duration: 1_020,
                                     warmup: 20, db: db)
            let runs = Replicated(config)
            assertWithin(runs.interval { self.extra(self.row($0, "db"), "stale_read_fraction") }, theory,
                         "stale-read fraction with lag \(lag)")
            for r in runs.results {
                let db = row(r, "db")
                XCTAssertLessThanOrEqual(extra(db, "read_your_writes_violations"), extra(db, "stale_reads"),
                                         "a read-your-writes violation is a stale read")
                XCTAssertGreaterThan(extra(db, "read_your_writes_violations"), 0)
            }
        }
    }

    /// Without lag, replicas are never stale; and read-your-writes is per workload: reads by a
    /// workload that never writes are stale but break no read-your-writes promise.
    func testReadYourWritesIsPerWorkload() {
        let noLag = DatabaseConfig(workers: 8, service: .constant(0.001), readReplicas: 2, replicationLag: .constant(0))
        let r0 = Runner.runOnce(keyedConfig("no-lag", rate: 500, writeShare: 0.2, keys: .uniform(n: 50), duration: 100,
                                            warmup: 1, db: noLag)).result
        XCTAssertEqual(extra(row(r0, "db"), "stale_reads"), 0)
        XCTAssertEqual(extra(row(r0, "db"), "read_your_writes_violations"), 0)
        XCTAssertGreaterThan(extra(row(r0, "db"), "reads_on_replicas"), 10_000)

        let lagged = DatabaseConfig(workers: 8, service: .constant(0.001), readReplicas: 2, replicationLag: .exponential(mean: 0.5))
        let config = ModelConfig(
            name: "ryw", seed: 4, duration: SimDuration(seconds: 200), warmup: SimDuration(seconds: 5),
            workloads: [
                WorkloadConfig(name: "writers", arrival: .poisson(ratePerSecond: 50), route: ["db"], type: "write",
                               keys: .uniform(n: 50)),
                WorkloadConfig(name: "readers", arrival: .poisson(ratePerSecond: 500), route: ["db"], type: "read",
                               keys: .uniform(n: 50)),
            ],
            components: [database(lagged)])
        let r = Runner.runOnce(config).result
        XCTAssertGreaterThan(extra(row(r, "db"), "stale_reads"), 1_000)
        XCTAssertEqual(extra(row(r, "db"), "read_your_writes_violations"), 0)
    }

    /// Replica state is kept only for keys with replication in flight: with every write to a new
    /// key, the keys written grow with time but the entries replicas keep stay near
    /// (write rate × mean lag × replicas).
    func testReplicaStateDoesNotGrowWithTime() {
        let db = DatabaseConfig(workers: 16, service: .constant(0.001), readReplicas: 2, replicationLag: .exponential(mean: 0.2))
        let config = keyedConfig("memory", rate: 200, writeShare: 0.5, keys: .uniform(n: 1_000_000_000), duration: 500,
                                 warmup: 0, db: db)
        let model = Model(config: config)
        model.run()
        let node = model.groups[0][0] as! Database
        XCTAssertGreaterThan(model.data.keysWritten, 40_000)
        // Expected about 100/s × 0.2 s × 2 = 40 entries.
        XCTAssertLessThan(node.pendingReplicationEntries, 400)
    }

    // MARK: Routing

    /// Writes go to the primary only, reads to the replicas only (round-robin: counts within one of
    /// each other); without replicas reads go to the primary.
    func testWritesGoToPrimaryAndReadsToReplicas() {
        let db = DatabaseConfig(workers: 8, service: .exponential(mean: 0.002), readReplicas: 3,
                                replicationLag: .exponential(mean: 0.05))
        let r = Runner.runOnce(keyedConfig("routing", rate: 1_000, writeShare: 0.2, keys: .zipf(n: 1_000, exponent: 1),
                                           duration: 60, warmup: 0, db: db)).result
        let types = Dictionary(uniqueKeysWithValues: r.workloads[0].arrivedByType.map { ($0.type, $0.count) })
        let d = row(r, "db")
        XCTAssertEqual(Int(extra(d, "writes")), types["write"])
        XCTAssertEqual(Int(extra(d, "reads_on_replicas")), types["read"])
        XCTAssertEqual(extra(d, "reads_on_primaries"), 0)
        XCTAssertEqual(row(r, "db.primary").arrived, types["write"])
        let replicas = (1...3).map { row(r, "db.replica-\($0)").arrived }
        XCTAssertEqual(replicas.reduce(0, +), types["read"])
        XCTAssertLessThanOrEqual(replicas.max()! - replicas.min()!, 1)

        let alone = DatabaseConfig(workers: 8, service: .exponential(mean: 0.002))
        let r2 = Runner.runOnce(keyedConfig("no-replicas", rate: 1_000, writeShare: 0.2, keys: .uniform(n: 100), duration: 20,
                                            warmup: 0, db: alone)).result
        let t2 = Dictionary(uniqueKeysWithValues: r2.workloads[0].arrivedByType.map { ($0.type, $0.count) })
        XCTAssertEqual(Int(extra(row(r2, "db"), "reads_on_primaries")), t2["read"])
        XCTAssertEqual(row(r2, "db.primary").arrived, t2["read"]! + t2["write"]!)
        XCTAssertFalse(row(r2, "db").extra.contains { $0.name == "stale_reads" })
    }

    /// The shard map: equal-width ranges partition 1…K into contiguous ranges, explicit boundaries
    /// are the first keys of the later shards, hash is mix(key) mod n, and a split moves exactly
    /// the keys from the split key to the end of the range.
    func testShardMapsRouteEveryKeyToOneShard() {
        var range = ShardMap(scheme: .range, shards: 4, keySpace: 1_000)
        XCTAssertEqual(range.starts, [1, 251, 501, 751])
        var counts = [Int](repeating: 0, count: 5)
        var previous = 0
        for key in UInt64(1)...1_000 {
            let s = range.shard(of: key)
            XCTAssertGreaterThanOrEqual(s, previous, "ranges are contiguous")
            previous = s
            let r = range.range(of: s)!
            XCTAssertTrue(r.lo <= key && key <= r.hi)
            counts[s] += 1
        }
        XCTAssertEqual(counts, [250, 250, 250, 250, 0])
        XCTAssertEqual(range.shard(of: 0), 0, "requests without a key go to the first range")
        XCTAssertEqual(range.shard(of: 5_000), 3, "keys above K go to the last range")
        range.split(0, at: 101, newShard: 4)
        for key in UInt64(1)...1_000 {
            let expected = key < 101 ? 0 : key <= 250 ? 4 : Int((key - 1) / 250)
            XCTAssertEqual(range.shard(of: key), expected, "key \(key) after the split")
        }
        XCTAssertEqual(range.width(of: 0) + range.width(of: 4), 250)

        let explicit = ShardMap(scheme: .range, shards: 3, keySpace: 100, ranges: [10, 50])
        XCTAssertEqual((1...100).map { explicit.shard(of: UInt64($0)) },
                       Array(repeating: 0, count: 9) + Array(repeating: 1, count: 40) + Array(repeating: 2, count: 51))
        XCTAssertEqual(explicit.keyShares(shardSlots: 3), [0.09, 0.40, 0.51])

        let hash = ShardMap(scheme: .hash, shards: 7, keySpace: 1_000)
        for key in UInt64(0)...1_000 { XCTAssertEqual(hash.shard(of: key), ModNHashing.owner(of: key, targets: 7)) }

        // Sub-range buckets agree with their first keys, also for widths that do not divide evenly.
        for (lo, hi) in [(UInt64(1), UInt64(250)), (7, 8), (1, 1_000_003), (5, 40)] {
            for b in 1..<64 {
                let first = ShardMap.firstKey(ofBucket: b, lo: lo, hi: hi, buckets: 64)
                if first <= hi { XCTAssertGreaterThanOrEqual(ShardMap.bucket(of: first, lo: lo, hi: hi, buckets: 64), b) }
                if first - 1 >= lo { XCTAssertLessThan(ShardMap.bucket(of: first - 1, lo: lo, hi: hi, buckets: 64), b) }
            }
        }
    }

    /// Hash sharding under uniform keys: each shard's share of queries is its share of the keys
    /// (≈ 1/N), within a binomial interval; every query reaches exactly one shard; none is hot.
    func testHashShardSharesAreEven() {
        let n = 4, keys: UInt64 = 1_000_000
        let db = DatabaseConfig(workers: 4, service: .exponential(mean: 0.001), shards: n, sharding: .hash)
        let r = Runner.runOnce(keyedConfig("hash", rate: 2_000, writeShare: 0.3, keys: .uniform(n: keys), duration: 30,
                                           warmup: 0, db: db)).result
        var owned = [Int](repeating: 0, count: n)
        for key in 1...keys { owned[ModNHashing.owner(of: key, targets: n)] += 1 }
        let d = row(r, "db")
        let queries = extra(d, "writes") + extra(d, "reads_on_primaries")
        XCTAssertEqual(Int(queries), r.workloads[0].arrived, "one query per request")
        XCTAssertEqual((1...n).reduce(0) { $0 + row(r, "db.shard-\($1).primary").arrived }, r.workloads[0].arrived)
        for s in 0..<n {
            let p = Double(owned[s]) / Double(keys)
            let sd = (p * (1 - p) / queries).squareRoot()
            XCTAssertEqual(extra(d, "shard_\(s + 1)_share"), p, accuracy: 4.5 * sd, "shard \(s + 1) share")
            XCTAssertEqual(extra(d, "shard_\(s + 1)_hot"), 0)
        }
        XCTAssertEqual(extra(d, "hot_shards"), 0)
    }

    /// Range sharding under Zipf(10⁴, 1) keys: the first of 4 equal ranges holds keys 1…2500 and so
    /// gets P(K ≤ 2500) ≈ 0.86 of the queries, above twice the mean share (0.5): flagged hot; the
    /// others are not. Its utilization is the highest.
    func testRangeShardingUnderZipfFlagsTheFirstShardHot() {
        let zipf = ZipfSampler(n: 10_000, exponent: 1)
        let db = DatabaseConfig(workers: 4, service: .exponential(mean: 0.001), shards: 4, sharding: .range)
        let r = Runner.runOnce(keyedConfig("range", rate: 1_000, writeShare: 0.2, keys: .zipf(n: 10_000, exponent: 1),
                                           duration: 60, warmup: 0, db: db)).result
        let d = row(r, "db")
        let queries = Double(r.workloads[0].arrived)
        var previous = 0.0
        for s in 0..<4 {
            let p = zipf.cumulativeProbability(through: UInt64(2_500 * (s + 1))) - previous
            previous += p
            XCTAssertEqual(extra(d, "shard_\(s + 1)_share"), p, accuracy: 4.5 * (p * (1 - p) / queries).squareRoot(),
                           "shard \(s + 1) share")
            XCTAssertEqual(extra(d, "shard_\(s + 1)_hot"), s == 0 ? 1 : 0)
        }
        XCTAssertGreaterThan(zipf.cumulativeProbability(through: 2_500), 0.5)
        XCTAssertEqual(extra(d, "hot_shards"), 1)
        let utils = (1...4).map { extra(d, "shard_\($0)_utilization") }
        XCTAssertEqual(utils.firstIndex(of: utils.max()!), 0)
    }

    /// Splitting the hottest range: at `split-at` the first range (the hot one under Zipf) gives
    /// the keys from the split key on to a new fifth shard. Before the split the fifth shard has no
    /// queries; after, it has some and the first shard's share falls. Shares add up to 1 in both
    /// periods, and routing follows the new map.
    func testSplittingTheHotRange() {
        let db = DatabaseConfig(workers: 4, service: .exponential(mean: 0.001), readReplicas: 1,
                                replicationLag: .constant(0.01), shards: 4, sharding: .range,
                                splitAt: SimDuration(seconds: 30), initialBytes: 4e9)
        let config = keyedConfig("split", rate: 1_000, writeShare: 0.2, keys: .zipf(n: 10_000, exponent: 1), duration: 60,
                                 warmup: 0, db: db, size: .constant(100))
        let model = Model(config: config)
        model.run()
        let node = model.groups[0][0] as! Database
        let r = Runner.collect(model).result
        let d = row(r, "db")
        XCTAssertEqual(extra(d, "split_shard"), 1)
        let key = UInt64(extra(d, "split_key"))
        XCTAssertTrue(key > 1 && key <= 2_500)
        XCTAssertEqual(node.shard(of: key - 1), 0)
        XCTAssertEqual(node.shard(of: key), 4)
        XCTAssertEqual(node.shard(of: 2_500), 4)
        XCTAssertEqual(node.shard(of: 2_501), 1)
        XCTAssertEqual(extra(d, "shard_5_share_before_split"), 0)
        XCTAssertGreaterThan(extra(d, "shard_5_share_after_split"), 0.05)
        XCTAssertLessThan(extra(d, "shard_1_share_after_split"), extra(d, "shard_1_share_before_split") - 0.05)
        for period in ["before", "after"] {
            XCTAssertEqual((1...5).reduce(0.0) { $0 + extra(d, "shard_\($1)_share_\(period)_split") }, 1, accuracy: 1e-12)
        }
        // The split moves bytes between shards but keeps their sum.
        let written = 100 * Double(row(r, "db.shard-1.primary").completed + (2...5).reduce(0) { $0 + row(r, "db.shard-\($1).primary").completed })
        XCTAssertEqual(extra(d, "stored_bytes"), 4e9 + written, accuracy: 1e-3)
        XCTAssertEqual((1...5).reduce(0.0) { $0 + extra(d, "shard_\($1)_bytes") }, extra(d, "stored_bytes"), accuracy: 1e-3)
        XCTAssertEqual(extra(d, "stored_bytes_all_copies"), 2 * extra(d, "stored_bytes"))
    }

    // MARK: Scatter-gather

    /// Scatter-gather with constant service and one request at a time: every part takes exactly
    /// S = 10 ms in parallel, so the request takes max = S (plus a constant 2 ms directory lookup
    /// with `directory` sharding); every shard serves every request once.
    func testScatterGatherWithConstantServiceTakesTheSlowestPart() {
        for sharding in [ShardingScheme.hash, .range, .directory] {
            let db = DatabaseConfig(workers: 1, service: .constant(0.010), shards: 4, sharding: sharding,
                                    directoryLookup: sharding == .directory ? .constant(0.002) : nil, scatterTypes: ["search"])
            var config = poissonConfig("scatter", rate: 1, duration: 100.5, warmup: 0, route: ["db"], components: [database(db)])
            config.workloads[0].mix[0].type = "search"
            config.workloads[0].arrival = .interarrival(.constant(1))
            config.workloads[0].keys = .uniform(n: 1_000)
            let r = Runner.runOnce(config).result
            let expected = sharding == .directory ? 0.012 : 0.010
            XCTAssertEqual(r.workloads[0].completed, 100)
            XCTAssertEqual(r.workloads[0].latency.mean, expected, accuracy: 1e-9)
            XCTAssertEqual(r.workloads[0].latency.max, expected, accuracy: 1e-9)
            XCTAssertEqual(extra(row(r, "db"), "scatter_requests"), 100)
            for s in 1...4 { XCTAssertEqual(row(r, "db.shard-\(s).primary").completed, 100) }
        }
    }

    /// With exponential service (rate μ) and no queueing, a scatter-gather request over N shards
    /// waits for the maximum of N independent Exp(μ) times: E[max] = H_N/μ (the expected time for
    /// the last of N exponential clocks: 1/(Nμ) for the first, then 1/((N−1)μ), …, 1/μ).
    func testScatterGatherLatencyIsTheMaximumOfItsParts() {
        let mu = 100.0
        for n in [2, 4, 8] {
            let db = DatabaseConfig(workers: 1, service: .exponential(mean: 1 / mu), shards: n, scatterTypes: ["search"])
            var config = poissonConfig("scatter-exp", rate: 1, duration: 5_000.5, warmup: 0, route: ["db"], components: [database(db)])
            config.workloads[0].mix[0].type = "search"
            config.workloads[0].arrival = .interarrival(.constant(1))
            config.workloads[0].keys = .uniform(n: 1_000)
            let harmonic = (1...n).reduce(0.0) { $0 + 1 / Double($1) }
            let runs = Replicated(config)
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, harmonic / mu, "E[max of \(n) Exp(μ)] = H_\(n)/μ")
            assertWithin(runs.interval { runs.component("db", $0).responseMean }, harmonic / mu, "database response, \(n) shards")
        }
    }

    /// A scatter-gather request fails when any part is turned away, and only once all parts are back.
    func testScatterGatherFailsWhenAPartIsRejected() {
        // Shard pools with no queue; two requests at once: the second finds every pool busy.
        let db = DatabaseConfig(workers: 1, service: .constant(0.5), queueLimit: 0, shards: 3, scatterTypes: ["search"])
        var config = poissonConfig("scatter-reject", rate: 1, duration: 10.9, warmup: 0, route: ["db"], components: [database(db)])
        config.workloads[0].mix[0].type = "search"
        config.workloads[0].arrival = .interarrival(.constant(0.25))
        config.workloads[0].keys = .uniform(n: 10)
        let r = Runner.runOnce(config).result
        // Requests at 0.25, 0.75, …, 10.75 (22) are served, the last still in service at the end;
        // those at 0.5, 1.0, …, 10.5 (21) find every pool busy.
        XCTAssertEqual(r.workloads[0].arrived, 43)
        XCTAssertEqual(r.workloads[0].completed, 21)
        XCTAssertEqual(r.workloads[0].failed, 21)
        XCTAssertEqual(row(r, "db").rejected, 21)
        XCTAssertEqual(row(r, "db.shard-1.primary").rejected, 21)
        XCTAssertEqual(r.workloads[0].latency.max, 0.5, accuracy: 1e-9)
    }

    // MARK: Storage and determinism

    /// Storage adds up exactly: each shard holds its share of `initial-bytes` (equal ranges of
    /// 1…1000, so a quarter each) plus the size of every write it committed; reads add nothing.
    func testStorageAddsUpExactly() {
        let db = DatabaseConfig(workers: 2, service: .exponential(mean: 0.001), readReplicas: 2,
                                replicationLag: .constant(0.001), shards: 4, sharding: .range, initialBytes: 4_000_000)
        let r = Runner.runOnce(keyedConfig("storage", rate: 200, writeShare: 0.5, keys: .uniform(n: 1_000), duration: 50,
                                           warmup: 0, db: db, size: .constant(1_000))).result
        let d = row(r, "db")
        var total = 0.0
        for s in 1...4 {
            let writes = row(r, "db.shard-\(s).primary").completed
            XCTAssertGreaterThan(writes, 0)
            XCTAssertEqual(extra(d, "shard_\(s)_bytes"), 1_000_000 + 1_000 * Double(writes))
            total += extra(d, "shard_\(s)_bytes")
        }
        XCTAssertEqual(extra(d, "stored_bytes"), total)
        XCTAssertEqual(extra(d, "stored_bytes_all_copies"), 3 * total)
    }

    /// The same seed gives the same results, in every figure; another seed does not.
    func testDeterminism() {
        let db = DatabaseConfig(workers: 2, service: .exponential(mean: 0.002), writeService: .exponential(mean: 0.004),
                                connections: 3, queueLimit: 5, readReplicas: 2, replicationLag: .exponential(mean: 0.05),
                                shards: 3, sharding: .range, splitAt: SimDuration(seconds: 10), scatterTypes: ["search"],
                                initialBytes: 1e12)
        var config = keyedConfig("determinism", rate: 3_000, writeShare: 0.2, keys: .zipf(n: 5_000, exponent: 0.9), duration: 20,
                                 warmup: 2, db: db, size: .exponential(mean: 500))
        config.workloads[0].mix.append(RequestClass(type: "search", share: 0.05, route: ["db"]))
        let a = Runner.runOnce(config).result, b = Runner.runOnce(config).result
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(extra(row(a, "db"), "stale_reads"), 0)
        XCTAssertGreaterThan(row(a, "db").rejected, 0)
        XCTAssertNotEqual(a, Runner.runOnce(config, seed: 99).result)
    }
}
