import SDEngine
import SDMetrics
import SDConfig

/// `kind: database`: shards, each a primary with asynchronous read replicas, every node a
/// queueing station behind a connection pool (``DatabaseStation``).
///
/// **Routing.** A request's key (the shard key) picks its shard (``ShardMap``); under `directory`
/// sharding it first waits `directory-lookup` (a pure delay). A write goes to the shard's primary;
/// a read goes to the shard's replicas in turn (round-robin per shard), or to the primary when
/// the shard has none. The database answers the request when its query is done; a query turned
/// away by a full pool fails the request (reason `rejected`). Moving between the database's own
/// nodes costs no network time: the network hop is the one into the database.
///
/// **Replication.** A write commits when its query ends on the primary (``DataVersions/commit(_:)``)
/// and is shipped at once to each replica of its shard, where it becomes visible after its own
/// draw of `replication-lag`. Writes apply independently — a newer write that arrives first is not
/// held back by an older one still in flight, and the older one then changes nothing.
/// A read served by a replica observes the replica's state when its query starts executing:
/// - it is a **stale read** when the replica has not yet applied the latest version the primary
///   has committed for its key;
/// - it is a **read-your-writes violation** when the version it returns is older than a write of
///   the same key by the same workload that had been acknowledged to its client (the write's
///   response reached the client) before the read arrived at the database.
/// Reads on a primary are never stale. Scatter-gather parts read no single key and are not checked.
/// Replica state is kept only for keys with replication in flight, so memory does not grow with time.
///
/// **Scatter-gather.** A request whose type is in `scatter-types` sends one read query to every
/// shard at once and is answered when the last one is done (failed if any part was turned away).
///
/// **Hot shards and splitting.** Each shard's share of the queries is reported; a shard whose share
/// exceeds `hot-threshold` times the mean share (1 / shards) is flagged hot. With `split-hot`, at
/// `split-at` the range shard that has received the most queries since the start splits in two:
/// the keys from the split key on move to a new shard with its own primary and replicas, at once
/// and without copying traffic. The split key halves the queries the range has received, as
/// measured on 64 equal sub-ranges (the middle key when it has received none).
///
/// **Crashes and failover.** A crash of the database (`crash: db`, or `db.primary`) kills every
/// shard's primary; `db.shard-2.primary` kills one. The queries the primary held (waiting for a
/// connection or a worker, in service, or waiting for synchronous replicas) are lost
/// (`lost-in-crash`); writes to the shard then fail (`target-down`) while reads go on at its
/// replicas (a shard without replicas refuses its reads too). Replicas never crash on their own.
/// - Without `failover`, the primary stays down until it restarts, then carries on as primary;
///   it loses nothing (its storage is durable) and replication in flight still arrives.
/// - With `failover` (and replicas), the replication in flight from the dead primary never arrives:
///   each replica keeps what it had applied at the crash. After `detection` + `promotion` the most
///   up-to-date replica (the fewest versions shipped but not applied, summed over keys; the first
///   on a tie) becomes the primary. Writes the old primary had committed but the promoted replica
///   had not applied are rolled back (``DataVersions/rollBack(_:to:)``: a later read returns the
///   older version); under `async` replication they had been acknowledged to their clients, so they
///   are **lost writes** (counted per key as the versions after the replica's newest: a write
///   overtaken by a newer write of its key that the replica had applied is not lost). The other replicas resynchronise with the new primary during the
///   promotion and replicate from it afterwards. The old primary, when restarted, rejoins its shard
///   as a replica, in sync with the new primary. A restart before the promotion completes cancels
///   the failover: the old primary carries on, and its replicas receive what they had missed after
///   a fresh replication lag.
/// - Under `sync` replication a write keeps its connection after its query until every replica of
///   its shard has applied it (the slowest replica's lag), and only then answers, so a failover
///   loses no acknowledged write; a write waiting for its replicas when the primary crashes was
///   never acknowledged and is lost in the crash. Its version is rolled back like any other.
/// After a failover the station rows keep their names (`db.replica-1` may now be the primary);
/// their `kind` shows the role at the end of the run. The database node itself never goes down,
/// so a load balancer in front of several database instances keeps sending to one whose primary
/// is dead (its writes fail as `target-down`).
///
/// **Storage.** Every committed write adds its size to its shard (an append-only store: a rewrite
/// of a key adds its bytes again). `initial-bytes` is spread over the shards by their share of the
/// key space. A split moves the written bytes of the moved sub-ranges exactly and the initial bytes
/// in proportion to the keys moved. Storage counts the whole run, warm-up included.
public final class Database: Node {
    /// The configuration.
    public let config: DatabaseConfig
    /// Where keys live; its ranges change when a range splits.
    public private(set) var shardMap: ShardMap
    /// Shard slots: the initial shards, plus one held in reserve for a split.
    public let shardSlots: Int
    /// Shards in use: slots 0..<activeShards.
    public internal(set) var activeShards: Int
    /// The shard that split (nil before a split, or if none could).
    public private(set) var splitShard: Int?
    /// The first key moved to the new shard by the split.
    public private(set) var splitKey: UInt64?

    var stations: [DatabaseStation] = []
    private var primaryOf: [Int] = []
    private var replicasOf: [[Int]] = []
    private var nextReplica: [Int] = []
    /// Per request type: the index in ``fanoutPlans`` of its scatter-gather or join, -1 for none.
    private let fanoutOf: [Int]
    /// Scatter-gather types (every shard, no merge) and joins across shards (`cross-shard-joins:`).
    let fanoutPlans: [JoinSpec]
    /// Which shards a join of k < all shards touches.
    let joinStream: RandomStream
    /// `sharding: region`: the tree of regions and sub-shards, and what it measures.
    var regions: RegionState?
    /// Measured joins.
    var joinStats = JoinFigures()
    /// Joins and multi-row transactions by request type (Database+Queries.swift).
    let queryCosts: QueryCosts
    private let lookupStream: RandomStream
    let warmupNs: Int64
    private let splitPlanned: Bool
    private var splitAttempted = false

    /// A query at one station; a scatter-gather request has one per shard.
    private struct Job {
        /// Whether the slot is in use.
        var live = true
        /// Its station crashed while it was in service: the pending event only frees the slot.
        var dead = false
        /// Where the query is.
        var phase: JobPhase = .queued
        var request: Int32
        var station: Int32
        /// Index in `fanouts`, or -1 for a single query.
        var fanout: Int32
        /// Arrival at the station, ns.
        var arrivedAt: Int64
        var isWrite: Bool
        /// The newest version of the key acknowledged to the request's workload when it arrived.
        var acknowledged: UInt32
    }
    private struct Fanout {
        var request: Int32
        var remaining: Int32
        var failed: Bool
        /// Why the first failed part failed.
        var reason: FailureReason = .rejected
        /// A part was lost in a crash: the request has been written off and is released at the end.
        var lost = false
        /// Its plan in ``fanoutPlans``, and the parts sent.
        var plan: Int32 = -1
        var parts: Int32 = 0
    }
    private struct Apply {
        var station: Int32
        var key: UInt64
        var version: UInt32
        /// The station's ``DatabaseStation/generation`` when the write was shipped.
        var generation: UInt32
    }
    /// Where a query is: waiting (for a connection or a worker), in service, or done on the
    /// primary and waiting for its replicas (synchronous replication).
    enum JobPhase { case queued, serving, awaitingReplicas }
    private var jobs = SlotPool<Job>()
    private var fanouts = SlotPool<Fanout>()
    private var applies = SlotPool<Apply>()

    // Measured window.
    private var arrived = 0, completed = 0, rejected = 0
    private var responses = Tally()
    private var writes = 0, readsOnPrimaries = 0, readsOnReplicas = 0
    private var checkedReads = 0, staleReads = 0, rywViolations = 0
    private var scatterRequests = 0
    private var routed: [Int]
    // Whole run, for the split.
    private var routedBeforeSplit: [Int], routedAfterSplit: [Int]
    private static let buckets = 64
    private var bucketLoad: [[Int]], bucketBytes: [[Double]]
    // Storage, whole run.
    var initialBytesOf: [Double], writtenBytesOf: [Double]
    /// Bytes committed during the measured window.
    private var writtenInWindow: Double = 0
    // Crashes and failover: per shard slot, the failover scheduled (its generation) and the
    // crashed former primaries waiting to rejoin as replicas.
    private var failoverGeneration: [UInt32]
    private var retired: [[Int]]
    // Whole run.
    private var primaryCrashes = 0, failoversDone = 0, lostWritesCount = 0, rolledBackCount = 0
    // Measured window.
    private var lostInCrash = 0, refusedPrimaryDown = 0

    /// A database's own events.
    enum Event: Int32, CaseIterable {
        case queryDone = 2, replicaApplied, lookupDone, splitNow, replicasApplied, promoteNow, regionSplitCheck, mergeDone
    }

    /// A database. Its key space is the largest of the workloads' (`keys:`).
    public init(name: String, group: String, model: Model, config: DatabaseConfig) {
        precondition(config.shards >= 1 && config.workers >= 1 && config.readReplicas >= 0)
        self.config = config
        let keySpace = max(model.config.workloads.compactMap { $0.keys?.keyCount }.max() ?? 1, 1)
        let tree = config.regionSharding.map { RegionShardTree(config: $0, regions: model.config.regions, keySpace: keySpace) }
        shardMap = ShardMap(scheme: config.sharding, shards: tree?.leaves ?? config.shards, keySpace: keySpace, ranges: config.ranges)
        splitPlanned = config.splitAt != nil && config.sharding == .range
        shardSlots = tree.map { $0.config.maxShards } ?? config.shards + (splitPlanned ? 1 : 0)
        activeShards = tree?.leaves ?? config.shards
        let plans = config.scatterTypes.map { JoinSpec(type: $0) } + config.crossShardJoins
        fanoutPlans = plans
        fanoutOf = model.config.requestTypes.map { t in plans.firstIndex { $0.type == t } ?? -1 }
        joinStream = model.stream(for: name + "#join")
        queryCosts = QueryCosts(config.queries, types: model.config.requestTypes)
        lookupStream = model.stream(for: name + "#directory")
        warmupNs = model.warmupEnd.ns
        routed = [Int](repeating: 0, count: shardSlots)
        routedBeforeSplit = routed
        routedAfterSplit = routed
        bucketLoad = Array(repeating: [Int](repeating: 0, count: splitPlanned ? Database.buckets : 0), count: shardSlots)
        bucketBytes = Array(repeating: [Double](repeating: 0, count: splitPlanned ? Database.buckets : 0), count: shardSlots)
        let slots = shardSlots
        let keyShares = tree.map { RegionState.initialShares($0, regions: model.config.regions, slots: slots) }
            ?? shardMap.keyShares(shardSlots: slots)
        initialBytesOf = keyShares.map { $0 * config.initialBytes }
        writtenBytesOf = [Double](repeating: 0, count: shardSlots)
        failoverGeneration = [UInt32](repeating: 0, count: shardSlots)
        retired = Array(repeating: [], count: shardSlots)
        super.init(name: name, group: group, model: model)
        let connections = config.connections ?? config.workers
        for s in 0..<shardSlots {
            let prefix = shardSlots == 1 ? name : "\(name).shard-\(s + 1)"
            primaryOf.append(stations.count)
            stations.append(DatabaseStation(name: prefix + ".primary", role: .primary, shard: s, workers: config.workers,
                                            connections: connections, queueLimit: config.queueLimit, model: model))
            var replicas: [Int] = []
            for r in 0..<config.readReplicas {
                replicas.append(stations.count)
                stations.append(DatabaseStation(name: prefix + ".replica-\(r + 1)", role: .replica, shard: s,
                                                workers: config.workers, connections: connections,
                                                queueLimit: config.queueLimit, model: model))
            }
            replicasOf.append(replicas)
            nextReplica.append(0)
        }
        regions = tree.map { RegionState(tree: $0, slots: shardSlots, model: model) }
    }

    public override func wire() {
        if splitPlanned, let at = config.splitAt { sim.schedule(at: SimTime(ns: at.ns), to: id, kind: Database.Event.splitNow.rawValue) }
        scheduleRegionSplitCheck()
    }

    /// The shard serving `key` now.
    public func shard(of key: UInt64) -> Int { shardMap.shard(of: key) }

    /// Keys with replication in flight, summed over replicas: the only per-key state replicas keep.
    public var pendingReplicationEntries: Int { stations.reduce(0) { $0 + $1.pending.count } }

    /// Acknowledged writes lost by failovers so far (whole run): see ``Database``.
    public var lostWrites: Int { lostWritesCount }

    /// Failovers completed so far (whole run).
    public var failovers: Int { failoversDone }

    /// The report name of the station now serving as the primary of shard slot `shard`.
    public func primaryName(ofShard shard: Int) -> String { stations[primaryOf[shard]].name }

    /// Whether the primary of shard slot `shard` is down.
    public func primaryIsDown(shard: Int) -> Bool { stations[primaryOf[shard]].down }

    /// Bytes stored on each shard slot now.
    public var storedBytes: [Double] { zip(initialBytesOf, writtenBytesOf).map { $0 + $1 } }

    // MARK: Requests

    public override func receive(_ request: Int32) {
        if sim.now.ns >= warmupNs { arrived += 1 }
        let r = requests.records + Int(request)
        // The read-your-writes reference: what this workload had been told was written before now.
        let acknowledged = model.data.acknowledgedVersion(of: r.pointee.key, workload: r.pointee.workload)
        model.setAux(request, Int32(bitPattern: acknowledged))
        if config.sharding == .directory, let lookup = config.directoryLookup {
            sim.schedule(after: lookup.sampleDuration(lookupStream), to: id, kind: Database.Event.lookupDone.rawValue, arg: Int64(request))
        } else {
            dispatch(request)
        }
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        switch kind {
        case Database.Event.queryDone.rawValue: queryDone(Int32(truncatingIfNeeded: arg))
        case Database.Event.replicaApplied.rawValue:
            let slot = Int32(truncatingIfNeeded: arg)
            let a = applies[slot]
            applies.give(slot)
            let st = stations[Int(a.station)]
            if a.generation == st.generation { st.apply(a.key, version: a.version) }
        case Database.Event.lookupDone.rawValue: dispatch(Int32(truncatingIfNeeded: arg))
        case Database.Event.splitNow.rawValue: splitHottestRange()
        case Database.Event.replicasApplied.rawValue: replicasApplied(Int32(truncatingIfNeeded: arg))
        case Database.Event.promoteNow.rawValue: promote(shard: Int(arg >> 32), generation: UInt32(truncatingIfNeeded: arg))
        case Database.Event.regionSplitCheck.rawValue: splitHotLeaves()
        case Database.Event.mergeDone.rawValue: answer(Int32(truncatingIfNeeded: arg), failed: false, reason: .none)
        default: preconditionFailure("unknown database event \(kind)")
        }
    }

    /// Sends the request's query (or, for scatter-gather, one query per shard) to its stations.
    private func dispatch(_ request: Int32) {
        let r = requests.records + Int(request)
        let type = Int(r.pointee.type)
        let acknowledged = UInt32(bitPattern: requests.top(request).aux)
        if type < fanoutOf.count && fanoutOf[type] >= 0 {
            let plan = fanoutOf[type]
            let targets = fanoutTargets(plan: plan)
            if sim.now.ns >= warmupNs {
                if plan < config.scatterTypes.count { scatterRequests += 1 } else { countJoin(parts: targets.count) }
            }
            let fanout = fanouts.insert(Fanout(request: request, remaining: Int32(targets.count), failed: false,
                                               plan: Int32(plan), parts: Int32(targets.count)))
            // The last part may answer at once (rejected) and recycle the request: touch nothing after.
            for s in targets { send(request, to: s, isWrite: false, fanout: fanout, acknowledged: acknowledged) }
        } else {
            send(request, to: shard(ofRequest: request), isWrite: r.pointee.isWrite, fanout: -1,
                 acknowledged: acknowledged)
        }
    }

    /// One query of `request` to shard `shard`: writes to the primary, reads to a replica in turn.
    private func send(_ request: Int32, to shard: Int, isWrite: Bool, fanout: Int32, acknowledged: UInt32) {
        let now = sim.now.ns
        let measured = now >= warmupNs
        let station: Int
        let replicas = replicasOf[shard]
        if isWrite || replicas.isEmpty {
            station = primaryOf[shard]
            if measured { if isWrite { writes += 1 } else { readsOnPrimaries += 1 } }
        } else {
            station = replicas[nextReplica[shard]]
            nextReplica[shard] = (nextReplica[shard] + 1) % replicas.count
            if measured { readsOnReplicas += 1 }
        }
        if measured { routed[shard] += 1 }
        if regions != nil { recordRegionQuery(request, shard: shard, now: now, fanout: fanout) }
        if splitAttempted { routedAfterSplit[shard] += 1 } else { routedBeforeSplit[shard] += 1 }
        if splitPlanned && !splitAttempted && fanout < 0, let b = bucket(of: requests.records[Int(request)].key, in: shard) {
            bucketLoad[shard][b] += 1
        }
        if stations[station].down {
            if measured { refusedPrimaryDown += 1 }
            return partFailed(request, fanout: fanout, reason: .targetDown)
        }
        let job = jobs.insert(Job(request: request, station: Int32(station), fanout: fanout, arrivedAt: now,
                                                 isWrite: isWrite, acknowledged: acknowledged))
        arrive(job)
    }

    /// The sub-range of `shard`'s range that `key` falls in, while a split is pending.
    private func bucket(of key: UInt64, in shard: Int) -> Int? {
        guard let r = shardMap.range(of: shard), r.hi >= r.lo else { return nil }
        return ShardMap.bucket(of: key, lo: r.lo, hi: r.hi, buckets: Database.buckets)
    }

    // MARK: Stations

    /// A query reaches its station: it takes a connection, waits for one, or is turned away.
    private func arrive(_ job: Int32) {
        let st = stations[Int(jobs[job].station)]
        let now = sim.now
        switch st.pool.arrive(job, now: now) {
        case .serve: admit(job, st, now: now)
        case .refuse: jobFinished(job, failed: true, reason: .rejected)
        case .wait: st.waitingChanged(now: now)
        }
    }

    /// The query holds a connection: it is served at once or waits for a worker.
    private func admit(_ job: Int32, _ st: DatabaseStation, now: SimTime) {
        st.pool.take(now: now)
        if st.cpu.arrive(job, now: now) == .serve { start(job, st, now: now) } else { st.waitingChanged(now: now) }
    }

    /// A worker takes the query. A read on a replica sees the replica's state now.
    private func start(_ job: Int32, _ st: DatabaseStation, now: SimTime) {
        jobs[job].phase = .serving
        let j = jobs[job]
        st.cpu.start(arrivedAt: j.arrivedAt, now: now)
        if !j.isWrite && st.role == .replica && j.fanout < 0 && now.ns >= warmupNs {
            let key = requests.records[Int(j.request)].key
            let seen = st.served(key, latest: model.data.version(of: key))
            checkedReads += 1
            if seen.stale { staleReads += 1 }
            if seen.version < j.acknowledged { rywViolations += 1 }
        }
        sim.schedule(after: queryService(j.request, isWrite: j.isWrite, stream: st.stream), to: id,
                     kind: Database.Event.queryDone.rawValue, arg: Int64(job))
    }

    /// A query's service ends: free its worker and connection, commit a write, answer.
    /// Under synchronous replication a write keeps its connection until its replicas have applied it.
    private func queryDone(_ job: Int32) {
        let j = jobs[job]
        if j.dead { return freeJob(job) }
        let st = stations[Int(j.station)]
        let now = sim.now
        if let next = st.cpu.finish(arrivedAt: j.arrivedAt, now: now) {
            st.waitingChanged(now: now)
            start(next, st, now: now)
        }
        if j.isWrite && config.replication == .sync {
            let wait = commit(j.request, at: st)
            if wait.ns > 0 {
                jobs[job].phase = .awaitingReplicas
                sim.schedule(after: wait, to: id, kind: Database.Event.replicasApplied.rawValue, arg: Int64(job))
                return
            }
            releaseConnection(st, now: now)
            return jobFinished(job, failed: false)
        }
        releaseConnection(st, now: now)
        if j.isWrite { commit(j.request, at: st) }
        jobFinished(job, failed: false)
    }

    /// Synchronous replication: every replica has applied the write; it answers now.
    private func replicasApplied(_ job: Int32) {
        let j = jobs[job]
        if j.dead { return freeJob(job) }
        releaseConnection(stations[Int(j.station)], now: sim.now)
        jobFinished(job, failed: false)
    }

    /// A query gives its connection back; the first query waiting for one takes it.
    private func releaseConnection(_ st: DatabaseStation, now: SimTime) {
        st.pool.free(now: now)
        if let next = st.pool.next(now: now) {
            st.waitingChanged(now: now)
            admit(next, st, now: now)
        }
    }

    /// A write commits on the primary: a new version, its bytes stored, shipped to the replicas.
    /// Returns the longest replication lag drawn (zero without replicas).
    @discardableResult
    private func commit(_ request: Int32, at primary: DatabaseStation) -> SimDuration {
        let r = requests.records + Int(request)
        let key = r.pointee.key
        let version = model.data.commit(key)
        r.pointee.version = version
        let shard = primary.shard
        writtenBytesOf[shard] += r.pointee.size
        if sim.now.ns >= warmupNs { writtenInWindow += r.pointee.size }
        if splitPlanned && !splitAttempted, let b = bucket(of: key, in: shard) { bucketBytes[shard][b] += r.pointee.size }
        if regions != nil { recordRegionBytes(key, shard: shard, bytes: r.pointee.size) }
        var longest = SimDuration.zero
        for replica in replicasOf[shard] {
            let st = stations[replica]
            st.ship(key, version: version)
            let delay = shipDelay(to: st)
            if delay.ns > longest.ns { longest = delay }
            // No lag: visible at once, so that no read can slip in between.
            guard delay.ns > 0 else { st.apply(key, version: version); continue }
            scheduleApply(key, version: version, at: replica, after: delay)
        }
        return longest
    }

    /// A draw of the replication lag to `replica`.
    private func shipDelay(to replica: DatabaseStation) -> SimDuration {
        (config.replicationLag ?? .constant(0)).sampleDuration(replica.lagStream)
    }

    private func scheduleApply(_ key: UInt64, version: UInt32, at replica: Int, after delay: SimDuration) {
        let slot = applies.insert(Apply(station: Int32(replica), key: key, version: version,
                                                          generation: stations[replica].generation))
        sim.schedule(after: delay, to: id, kind: Database.Event.replicaApplied.rawValue, arg: Int64(slot))
    }

    private func freeJob(_ job: Int32) {
        jobs[job].live = false
        jobs.give(job)
    }

    /// A query is done or turned away; the request answers when all its queries have.
    private func jobFinished(_ job: Int32, failed: Bool, reason: FailureReason = .none) {
        let j = jobs[job]
        freeJob(job)
        partFailedOrDone(j.request, fanout: j.fanout, failed: failed, reason: reason)
    }

    /// A query that never reached a station (its primary is down) fails.
    private func partFailed(_ request: Int32, fanout: Int32, reason: FailureReason) {
        partFailedOrDone(request, fanout: fanout, failed: true, reason: reason)
    }

    private func partFailedOrDone(_ request: Int32, fanout: Int32, failed: Bool, reason: FailureReason) {
        guard fanout >= 0 else { return answer(request, failed: failed, reason: reason) }
        let f = fanout
        fanouts[f].remaining -= 1
        if failed && !fanouts[f].failed {
            fanouts[f].failed = true
            fanouts[f].reason = reason
        }
        guard fanouts[f].remaining == 0 else { return }
        let done = fanouts[f]
        fanouts.give(fanout)
        // Written off by a crash: nothing answers it; the record goes now.
        if done.lost { return requests.release(request) }
        if !done.failed, done.plan >= 0, let merge = fanoutPlans[Int(done.plan)].mergePerShard {
            return startMerge(request, parts: Int(done.parts), merge: merge)
        }
        answer(request, failed: done.failed, reason: done.reason)
    }

    /// Sends the answer (or the rejection) back. Always the last thing a handler does: the reply
    /// may travel synchronously and come back into this database.
    func answer(_ request: Int32, failed: Bool, reason: FailureReason) {
        let arrivedAt = requests.top(request).arrivedAt
        if arrivedAt >= warmupNs {
            if failed { rejected += 1 } else {
                completed += 1
                responses.add(Double(sim.now.ns - arrivedAt) / 1e9)
            }
        }
        if failed { model.reject(request, at: self, reason: reason) } else { model.finish(request, at: self) }
    }

    // MARK: Crashes and failover

    public override var crashesInParts: Bool { true }

    /// `primary` (every shard's) or, with several shard slots, `shard-N.primary`.
    public override func hasPart(_ part: String) -> Bool { part == "primary" || shardOfPart(part) != nil }

    /// The shard slot of `shard-N.primary` (1-based N), or nil.
    private func shardOfPart(_ part: String) -> Int? {
        guard shardSlots > 1, part.hasPrefix("shard-"), part.hasSuffix(".primary"),
              let n = Int(part.dropFirst("shard-".count).dropLast(".primary".count)), (1...shardSlots).contains(n) else { return nil }
        return n - 1
    }

    /// The shards a crash or restart of `part` reaches.
    private func shards(of part: String?) -> [Int] {
        if let part, let s = shardOfPart(part) { return [s] }
        return Array(0..<activeShards)
    }

    public override func crashPart(_ part: String?) {
        for s in shards(of: part) { crashPrimary(of: s) }
    }

    public override func restartPart(_ part: String?) {
        for s in part == nil ? Array(0..<shardSlots) : shards(of: part) { restart(shard: s) }
    }

    /// The primary of `shard` crashes: its queries are lost, and a failover is scheduled.
    private func crashPrimary(of shard: Int) {
        let index = primaryOf[shard]
        let st = stations[index]
        guard !st.down else { return }
        st.down = true
        primaryCrashes += 1
        writeOff(station: index)
        guard let failover = config.failover, !replicasOf[shard].isEmpty else { return }
        // What the dead primary had shipped but a replica had not applied never arrives.
        for r in replicasOf[shard] { stations[r].generation &+= 1 }
        failoverGeneration[shard] &+= 1
        sim.schedule(after: failover.outage, to: id, kind: Database.Event.promoteNow.rawValue,
                     arg: Int64(shard) << 32 | Int64(failoverGeneration[shard]))
    }

    /// Every query held at station `index` is lost: its request is written off (`lost-in-crash`)
    /// and released, or, for a part of a scatter-gather, released when its last part is done.
    private func writeOff(station index: Int) {
        let st = stations[index]
        let now = sim.now
        var victims: [Int32] = []
        for i in 0..<Int32(jobs.count) where jobs[i].live && !jobs[i].dead && Int(jobs[i].station) == index { victims.append(i) }
        st.clear(now: now)
        for job in victims {
            let j = jobs[job]
            // A query in service or waiting for its replicas has an event on the way; it frees the slot.
            if j.phase == .queued { freeJob(job) } else { jobs[job].dead = true }
            if requests.top(j.request).arrivedAt >= warmupNs { lostInCrash += 1 }
            model.lose(j.request, reason: .lostInCrash)   // may allocate a retry
            if j.fanout >= 0 {
                fanouts[j.fanout].lost = true
                partFailedOrDone(j.request, fanout: j.fanout, failed: true, reason: .lostInCrash)
            } else {
                requests.release(j.request)
            }
        }
    }

    /// Detection and promotion are over: the most up-to-date replica of `shard` becomes its
    /// primary, and the writes it had not applied are rolled back.
    private func promote(shard: Int, generation: UInt32) {
        guard generation == failoverGeneration[shard], stations[primaryOf[shard]].down,
              let first = replicasOf[shard].first else { return }
        var chosen = first, behind = stations[first].behind
        for r in replicasOf[shard].dropFirst() {
            let b = stations[r].behind
            if b < behind { chosen = r; behind = b }
        }
        let promoted = stations[chosen]
        for (key, p) in promoted.pending { model.data.rollBack(key, to: p.applied) }
        rolledBackCount += behind
        // Asynchronous: every committed write had been acknowledged. Synchronous: a write is
        // acknowledged only once every replica, this one included, has applied it, so none of these was.
        if config.replication == .async { lostWritesCount += behind }
        promoted.pending = [:]
        promoted.role = .primary
        for r in replicasOf[shard] where r != chosen {
            // Resynchronised with the new primary during the promotion.
            stations[r].pending = [:]
            stations[r].generation &+= 1
        }
        retired[shard].append(primaryOf[shard])
        primaryOf[shard] = chosen
        replicasOf[shard].removeAll { $0 == chosen }
        nextReplica[shard] = 0
        failoversDone += 1
    }

    /// The crashed stations of `shard` come back: a primary not yet replaced carries on as primary
    /// (cancelling the failover), a replaced one rejoins as a replica.
    private func restart(shard: Int) {
        let primary = stations[primaryOf[shard]]
        if primary.down {
            primary.down = false
            failoverGeneration[shard] &+= 1
            if config.failover != nil {
                // The replicas get what they missed, after a fresh lag (in key order, for determinism).
                for r in replicasOf[shard] {
                    let st = stations[r]
                    st.generation &+= 1
                    for key in st.pending.keys.sorted() {
                        let version = st.pending[key]!.shipped
                        let delay = shipDelay(to: st)
                        if delay.ns > 0 { scheduleApply(key, version: version, at: r, after: delay) } else { st.apply(key, version: version) }
                    }
                }
            }
        }
        for index in retired[shard] {
            let st = stations[index]
            st.down = false
            st.role = .replica
            st.pending = [:]
            st.generation &+= 1
            replicasOf[shard].append(index)
        }
        retired[shard] = []
    }

    // MARK: Splitting

    /// Splits the range of the shard that has received the most queries so far, if it holds at
    /// least two keys; the upper part moves to the reserved shard slot.
    private func splitHottestRange() {
        guard splitPlanned, !splitAttempted else { return }
        splitAttempted = true
        var hot = 0
        for s in 1..<activeShards where routedBeforeSplit[s] > routedBeforeSplit[hot] { hot = s }
        guard let r = shardMap.range(of: hot), r.hi > r.lo else { return }
        let width = r.hi - r.lo + 1
        let load = bucketLoad[hot]
        let total = load.reduce(0, +)
        var key = r.lo + width / 2
        var moveFrom: Int?
        if total > 0 {
            var best: (b: Int, imbalance: Int)?
            var left = 0
            for b in 1..<Database.buckets {
                left += load[b - 1]
                let first = ShardMap.firstKey(ofBucket: b, lo: r.lo, hi: r.hi, buckets: Database.buckets)
                guard first > r.lo && first <= r.hi else { continue }
                let imbalance = abs(2 * left - total)
                if best == nil || imbalance < best!.imbalance { best = (b, imbalance) }
            }
            if let best {
                key = ShardMap.firstKey(ofBucket: best.b, lo: r.lo, hi: r.hi, buckets: Database.buckets)
                moveFrom = best.b
            }
        }
        let newShard = activeShards
        // Bytes: written bytes of the moved sub-ranges (exact when the split is on a sub-range
        // boundary; otherwise in proportion to the keys moved), initial bytes by keys moved.
        let movedFraction = Double(r.hi - key + 1) / Double(width)
        let movedInitial = initialBytesOf[hot] * movedFraction
        let movedWritten = moveFrom.map { bucketBytes[hot][$0...].reduce(0, +) } ?? writtenBytesOf[hot] * movedFraction
        initialBytesOf[hot] -= movedInitial
        initialBytesOf[newShard] += movedInitial
        writtenBytesOf[hot] -= movedWritten
        writtenBytesOf[newShard] += movedWritten
        shardMap.split(hot, at: key, newShard: newShard)
        activeShards += 1
        splitShard = hot
        splitKey = key
    }

    // MARK: Results

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        results(window: window, end: end).first
    }

    /// The database's row (requests in and out, its mean response, the figures below in `extra`),
    /// then one row per primary and replica.
    ///
    /// `extra`, in this order: `writes`, `reads_on_primaries`, `reads_on_replicas` (queries); with
    /// replicas `stale_reads`, `stale_read_fraction` (of the single-key reads served by replicas),
    /// `read_your_writes_violations`; with scatter types `scatter_requests`; with several shard
    /// slots, per shard `shard_N_share` (of the queries in the window), `shard_N_utilization` (busy
    /// workers over all workers of its nodes), `shard_N_hot` (1 when hot), then `hot_shards`; with a
    /// split, `split_shard` (1-based, 0 if none), `split_key`, and per shard
    /// `shard_N_share_before_split` and `shard_N_share_after_split` (whole run, warm-up included);
    /// with several shard slots `shard_N_bytes`; then `stored_bytes` and `stored_bytes_all_copies`
    /// (with every replica's copy); with failover or after a crash, `primary_crashes`, `failovers`,
    /// `lost_writes` (acknowledged writes a failover lost), `rolled_back_writes` (committed writes
    /// rolled back, acknowledged or not) — these four over the whole run — then `lost_in_crash`
    /// (queries lost at crashed primaries) and `refused_primary_down` (queries turned away while
    /// their primary was down).
    public override func results(window: SimDuration, end: SimTime) -> [ComponentResult] {
        let w = max(window.seconds, 1e-300)
        // Under region sharding, the slots no split reached have no rows.
        let used = regions == nil ? stations : stations.filter { $0.shard < activeShards }
        let rows = used.map { $0.result(group: name, window: window, end: end) }
        let busy = used.reduce(0.0) { $0 + $1.cpu.busyAverage.average(until: end) }
        let allWorkers = Double(used.count * config.workers)
        let arrivals = used.reduce(0) { $0 + $1.arrivals }
        var row = ComponentResult(
            name: name, kind: "database", group: name == group ? nil : group, isGroup: false, workers: 0,
            utilization: busy / allWorkers, throughput: Double(completed) / w,
            queueLengthMean: rows.reduce(0) { $0 + $1.queueLengthMean },
            waitMean: arrivals > 0 ? rows.reduce(0.0) { $0 + $1.waitMean * Double($1.arrived) } / Double(arrivals) : 0,
            responseMean: responses.mean, hitRatio: nil, arrived: arrived, completed: completed, rejected: rejected)
        var extra: [(String, Double)] = [
            ("writes", Double(writes)), ("reads_on_primaries", Double(readsOnPrimaries)),
            ("reads_on_replicas", Double(readsOnReplicas)),
        ]
        if config.readReplicas > 0 {
            extra += [("stale_reads", Double(staleReads)),
                      ("stale_read_fraction", checkedReads > 0 ? Double(staleReads) / Double(checkedReads) : 0),
                      ("read_your_writes_violations", Double(rywViolations))]
        }
        if !config.scatterTypes.isEmpty { extra.append(("scatter_requests", Double(scatterRequests))) }
        extra += joinFigures()
        if regions != nil {
            extra += regionFigures(end: end)
        } else if shardSlots > 1 {
            let shares = Database.shares(routed)
            let hot = hotShards(shares)
            for s in 0..<shardSlots {
                let mine = stations.filter { $0.shard == s }
                let util = mine.reduce(0.0) { $0 + $1.cpu.busyAverage.average(until: end) } / Double(mine.count * config.workers)
                extra += [("shard_\(s + 1)_share", shares[s]), ("shard_\(s + 1)_utilization", util),
                          ("shard_\(s + 1)_hot", hot[s] ? 1 : 0)]
            }
            extra.append(("hot_shards", Double(hot.filter { $0 }.count)))
        }
        if splitPlanned {
            extra += [("split_shard", Double(splitShard.map { $0 + 1 } ?? 0)), ("split_key", Double(splitKey ?? 0))]
            let before = Database.shares(routedBeforeSplit), after = Database.shares(routedAfterSplit)
            for s in 0..<shardSlots {
                extra += [("shard_\(s + 1)_share_before_split", before[s]), ("shard_\(s + 1)_share_after_split", after[s])]
            }
        }
        let stored = storedBytes
        if shardSlots > 1 { for s in 0..<(regions == nil ? shardSlots : activeShards) { extra.append(("shard_\(s + 1)_bytes", stored[s])) } }
        let total = stored.reduce(0, +)
        extra += [("stored_bytes", total), ("stored_bytes_all_copies", total * Double(1 + config.readReplicas))]
        if config.failover != nil || primaryCrashes > 0 {
            extra += [("primary_crashes", Double(primaryCrashes)), ("failovers", Double(failoversDone)),
                      ("lost_writes", Double(lostWritesCount)), ("rolled_back_writes", Double(rolledBackCount)),
                      ("lost_in_crash", Double(lostInCrash)), ("refused_primary_down", Double(refusedPrimaryDown))]
        }
        row.extra = extra
        if regions != nil { row.series = regionSeries() }
        return [row] + rows
    }

    /// Each shard's fraction of `counts` (all zero when there are none).
    static func shares(_ counts: [Int]) -> [Double] {
        let total = counts.reduce(0, +)
        return counts.map { total > 0 ? Double($0) / Double(total) : 0 }
    }

    /// Whether each shard's share exceeds `hot-threshold` times the mean share of the shards in use.
    func hotShards(_ shares: [Double]) -> [Bool] {
        let mean = 1 / Double(activeShards)
        return shares.map { $0 > config.hotThreshold * mean }
    }
}

extension Database: StoresData {
    /// Every shard's primary and read replicas hold a copy.
    public var storage: (start: Double, end: Double, window: Double, copies: Int) {
        (config.initialBytes, storedBytes.reduce(0, +), writtenInWindow, 1 + config.readReplicas)
    }
}
