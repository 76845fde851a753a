import SDEngine
import SDMetrics
import SDConfig

/// `kind: kv-store` (or `kind: database` with `data-model: key-value`): a Dynamo-style key-value
/// store with N replicas per key on a ring of storage nodes, and quorums R and W.
///
/// **Placement.** The `nodes` storage nodes sit on a consistent-hashing ring; a key's N replicas
/// are the first N distinct nodes clockwise from the key (its preference list). Every storage node
/// is a queueing station (``KVStorageNode``): `node-workers` workers and a FIFO line, each replica
/// operation taking a draw of `replica-service`. So a node's throughput is limited, and a popular
/// key's N nodes are busier than the rest.
///
/// **A request** first takes one `service` time at a coordinator (this station). It then sends
/// one replica operation to each of the N nodes of its key, in a random order (so that replicas
/// answering at the same instant answer in random order), as Dynamo's coordinator does; every
/// node does the work, even after the quorum is met. A write is acknowledged, and committed
/// (``DataVersions``), when the W-th replica has answered; a read answers when the R-th has, with
/// the newest version among the R. A write type with `fan-out: k` writes k denormalized tables:
/// k rows, each placed on its own N nodes and each waiting for its own W; it commits and answers
/// when the last of the k quorums is met. A read reads one denormalized row (in the first table,
/// the one laid out for reads).
///
/// **Versions.** The W replicas of a write's quorum have the new version at the commit; each of
/// the other N − W has it once it has processed the operation and `replication-lag` has passed
/// since the commit, whichever is later. A replica answering a read gives the newest committed
/// version if it has it, else the one before. A read is **stale** when the version it returns is
/// older than the newest one committed when it was sent to its replicas (a write committed while
/// the read is on its way may or may not be seen; that is not stale). So with R + W > N every
/// read's R replicas include one of the last write's W, and no read is stale. With R + W ≤ N a read is stale when all R
/// replicas it heard from are among the N − W still lagging: for replica times of zero and a
/// constant lag d, with writes to a key arriving as a Poisson process of rate λ, a read is stale
/// with probability (1 − e^{−λd}) · C(N − W, R) ÷ C(N, R). Reads and writes of key 0 (no `keys:`)
/// are not versioned.
public final class KVStore: Station {
    /// The configuration.
    public let config: KVStoreConfig
    private let replicaStream: RandomStream
    private var storage: [KVStorageNode] = []
    private let ring: HashRing
    /// Tables written by a write of each request type (by index in the model's request types).
    private let tablesOfType: [Int]
    private var preference: [Int] = []
    private var order: [Int] = []

    /// The last committed write of each key (in the table reads read): its version, and from when
    /// each replica has it (ns), unless it has not yet processed it (`pending`, a bit per replica).
    private struct LastWrite {
        var version: UInt32
        var hasAt: [Int64]
        var pending: Int32
    }
    private var lastWrite: [UInt64: LastWrite] = [:]

    /// One row's replica operations: a read, or the write of one table.
    private struct Op {
        var request: Int32
        /// The coordinator's life when it started: an op from before a crash answers nothing.
        var epoch: UInt32
        /// Index in `parents` (a fanned-out write), or -1.
        var parent: Int32
        var key: UInt64
        var isWrite: Bool
        /// The row of the table reads read (table 0): its versions are kept.
        var readTable: Bool
        var quorum: Int32
        var answers: Int32 = 0
        var outstanding: Int32
        /// Replicas (by index in the preference list) that answered before the quorum was met.
        var members: Int32 = 0
        /// Replicas that have answered.
        var done: Int32 = 0
        var reached = false
        /// A write: committed (or given up); its version, for the replicas still to answer.
        var settled = false
        var version: UInt32 = 0
        /// A read: the newest version among the answers so far, plus one (0: none).
        var seen: UInt32 = 0
        /// A read: the newest version committed when it was sent to its replicas.
        var floor: UInt32 = 0
    }
    /// A fanned-out write: its tables still short of their quorum, and its table-0 op.
    private struct Parent {
        var remaining: Int32
        var readOp: Int32 = -1
    }
    /// One replica operation at a storage node.
    private struct Job {
        var op: Int32
        var replica: Int32
        var node: Int32
        var arrivedAt: Int64
    }
    private var ops = SlotPool<Op>()
    private var parents = SlotPool<Parent>()
    private var jobs = SlotPool<Job>()

    private var reads = 0, writes = 0, staleReads = 0, tableWrites = 0

    /// Its own events (numbered from ``Station/firstSubclassEvent``).
    enum Event: Int32, CaseIterable {
        case replicaDone = 16
    }

    /// A key-value store.
    public init(name: String, group: String, model: Model, config: KVStoreConfig) {
        precondition(config.nodes >= config.replicationFactor && config.replicationFactor <= 31)
        self.config = config
        replicaStream = model.stream(for: name + "#replicas")
        ring = HashRing(n: config.nodes, vnodes: 100)
        tablesOfType = model.config.requestTypes.map { config.tables(writtenBy: $0) }
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
        storage = (0..<config.nodes).map { KVStorageNode(name: "\(name).node-\($0 + 1)", workers: config.nodeWorkers, model: model) }
    }

    public override var kindName: String { "kv-store" }

    /// Where table `table`'s row of `key` is placed on the ring (table 0: the key itself).
    static func placement(_ key: UInt64, table: Int) -> UInt64 {
        table == 0 ? key : key ^ (UInt64(table) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// After the coordinator: one op per table written (one for a read), each to its N replicas.
    public override func serviceCompleted(_ request: Int32) {
        let r = requests.records + Int(request)
        let isWrite = r.pointee.isWrite
        let type = Int(r.pointee.type)
        let tables = isWrite && type < tablesOfType.count ? tablesOfType[type] : 1
        var parent: Int32 = -1
        if tables > 1 { parent = parents.insert(Parent(remaining: Int32(tables))) }
        for t in 0..<tables { startOp(request, key: r.pointee.key, isWrite: isWrite, table: t, parent: parent) }
    }

    private func startOp(_ request: Int32, key: UInt64, isWrite: Bool, table: Int, parent: Int32) {
        let n = config.replicationFactor
        let op = ops.insert(Op(request: request, epoch: epoch, parent: parent, key: key, isWrite: isWrite,
                               readTable: table == 0, quorum: Int32(isWrite ? config.writeQuorum : config.readQuorum),
                               outstanding: Int32(n), floor: isWrite || key == 0 ? 0 : model.data.version(of: key)))
        if parent >= 0 && table == 0 { parents[parent].readOp = op }
        if isWrite && sim.now.ns >= model.warmupEnd.ns { tableWrites += 1 }
        ring.preferenceList(of: KVStore.placement(key, table: table), count: n, into: &preference)
        // A random order of dispatch: replicas answering at the same instant answer in it.
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, replicaStream.index(below: i + 1)) }
        let now = sim.now
        for i in order {
            let node = preference[i]
            let job = jobs.insert(Job(op: op, replica: Int32(i), node: Int32(node), arrivedAt: now.ns))
            if storage[node].pool.arrive(job, now: now) == .serve { startJob(job, now: now) }
        }
    }

    private func startJob(_ job: Int32, now: SimTime) {
        let st = storage[Int(jobs[job].node)]
        st.pool.start(arrivedAt: jobs[job].arrivedAt, now: now)
        sim.schedule(after: config.replicaService.sampleDuration(st.stream), to: id, kind: KVStore.Event.replicaDone.rawValue,
                     arg: Int64(job))
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard kind == KVStore.Event.replicaDone.rawValue else { return super.handlePrivate(kind: kind, arg: arg) }
        let job = Int32(truncatingIfNeeded: arg)
        let j = jobs[job]
        jobs.give(job)
        let now = sim.now
        let st = storage[Int(j.node)]
        if let next = st.pool.finish(arrivedAt: j.arrivedAt, now: now) { startJob(next, now: now) }
        answered(j.op, replica: Int(j.replica), now: now.ns)
    }

    /// Replica `replica` of `op` has answered at `now`. Answering the request is the last thing
    /// done: the reply may travel on at once and come back into this store.
    private func answered(_ op: Int32, replica: Int, now: Int64) {
        let bit = Int32(1) << Int32(replica)
        ops[op].answers += 1
        ops[op].outstanding -= 1
        ops[op].done |= bit
        let o = ops[op]
        if !o.reached {
            ops[op].members |= bit
            if !o.isWrite && o.key != 0 { ops[op].seen = max(o.seen, version(of: o.key, atReplica: replica, now: now) &+ 1) }
            if o.answers == o.quorum {
                ops[op].reached = true
                return o.isWrite ? quorumWritten(op) : readDone(op)
            }
        } else if o.isWrite && o.settled && o.readTable && o.key != 0, var w = lastWrite[o.key], w.version == o.version {
            // A replica outside the quorum has processed the write: it has it once the lag has passed too.
            w.hasAt[replica] = max(w.hasAt[replica], now)
            w.pending &= ~bit
            lastWrite[o.key] = w
        }
        freeIfDone(op)
    }

    /// The version a replica of `key` gives at `now`: the newest committed, unless it is still
    /// without the last write (then the one before).
    private func version(of key: UInt64, atReplica replica: Int, now: Int64) -> UInt32 {
        let latest = model.data.version(of: key)
        guard let w = lastWrite[key], w.version == latest else { return latest }
        let has = w.pending & (Int32(1) << Int32(replica)) == 0 && w.hasAt[replica] <= now
        return has ? latest : latest &- 1
    }

    /// A table's write quorum is met; the write commits when every table's is.
    private func quorumWritten(_ op: Int32) {
        let parent = ops[op].parent
        guard parent >= 0 else { return commit(op, readOp: op) }
        parents[parent].remaining -= 1
        guard parents[parent].remaining == 0 else { return freeIfDone(op) }
        let readOp = parents[parent].readOp
        parents.give(parent)
        commit(op, readOp: readOp)
    }

    /// Commits the write (``DataVersions``), records which replicas of the read table have it,
    /// and answers. `op` is the last table to meet its quorum; `readOp` the read table's row.
    private func commit(_ op: Int32, readOp: Int32) {
        let o = ops[op]
        let now = sim.now.ns
        let alive = o.epoch == epoch
        if alive && now >= model.warmupEnd.ns { writes += 1 }
        if alive && o.key != 0 {
            let version = model.data.commit(o.key)
            let q = ops[readOp]
            var w = LastWrite(version: version, hasAt: [], pending: 0)
            w.hasAt.reserveCapacity(config.replicationFactor)
            for i in 0..<config.replicationFactor {
                let bit = Int32(1) << Int32(i)
                if q.members & bit != 0 {
                    w.hasAt.append(now)
                } else {
                    w.hasAt.append(now + config.replicationLag.sampleDuration(replicaStream).ns)
                    if q.done & bit == 0 { w.pending |= bit }
                }
            }
            lastWrite[o.key] = w
            ops[readOp].version = version
            let r = requests.records + Int(o.request)
            r.pointee.version = version
            r.pointee.hasVersion = true
        }
        ops[readOp].settled = true
        freeIfDone(readOp)
        if op != readOp { freeIfDone(op) }
        if alive { model.finish(o.request, at: self) }
    }

    /// A read's quorum has answered: it returns the newest version among its R replicas.
    private func readDone(_ op: Int32) {
        let o = ops[op]
        freeIfDone(op)
        guard o.epoch == epoch else { return }
        let measured = sim.now.ns >= model.warmupEnd.ns
        if measured { reads += 1 }
        if o.key != 0 {
            let version = o.seen &- 1
            if measured && version < o.floor { staleReads += 1 }
            let r = requests.records + Int(o.request)
            r.pointee.version = version
            r.pointee.hasVersion = true
        }
        model.finish(o.request, at: self)
    }

    /// Frees an op whose replicas have all answered and whose outcome is settled.
    private func freeIfDone(_ op: Int32) {
        let o = ops[op]
        guard o.outstanding == 0, o.reached else { return }
        // The read table's row of a fanned-out write waits for the commit to record its replicas.
        if o.isWrite && o.readTable && !o.settled { return }
        ops.give(op)
    }

    /// The store's row, then one row per storage node.
    public override func results(window: SimDuration, end: SimTime) -> [ComponentResult] {
        guard let own = result(window: window, end: end) else { return [] }
        let group = name
        return [own] + storage.map { $0.result(group: group, window: window, end: end) }
    }

    /// The coordinator's figures, with `extra` in this order: `replication_factor`, `read_quorum`,
    /// `write_quorum`, `strong` (1 when R + W > N), `reads`, `writes`, `stale_reads`,
    /// `stale_read_fraction` (of the reads), `nodes`, `replica_ops_per_node_per_second` (replica
    /// operations the storage nodes completed in the window, per node), `node_utilization_mean`,
    /// `node_utilization_max` (the busiest node's); with `fan-out`, `table_writes` (rows written:
    /// k per logical write).
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        let c = config
        let utilizations = storage.map { $0.pool.utilization(until: end) }
        let completions = storage.reduce(0) { $0 + $1.pool.completions }
        r.extra = [("replication_factor", Double(c.replicationFactor)), ("read_quorum", Double(c.readQuorum)),
                   ("write_quorum", Double(c.writeQuorum)), ("strong", c.strong ? 1 : 0),
                   ("reads", Double(reads)), ("writes", Double(writes)), ("stale_reads", Double(staleReads)),
                   ("stale_read_fraction", reads > 0 ? Double(staleReads) / Double(reads) : .nan), ("nodes", Double(c.nodes)),
                   ("replica_ops_per_node_per_second",
                    window.seconds > 0 ? Double(completions) / Double(c.nodes) / window.seconds : 0),
                   ("node_utilization_mean", utilizations.reduce(0, +) / Double(utilizations.count)),
                   ("node_utilization_max", utilizations.max() ?? 0)]
        if !c.fanOut.isEmpty { r.extra.append(("table_writes", Double(tableWrites))) }
        return r
    }
}
