import SDEngine
import SDConfig

/// `kind: kv-store`: a Dynamo-style key-value store with N replicas per key and quorums R and W.
///
/// A request first takes one `service` time at a coordinator (a station). It then goes to all N
/// replicas of its key; each answers after a draw of `replica-service` (replicas do not queue:
/// their capacity is taken as ample; ties are broken at random). A write is acknowledged, and
/// committed (``DataVersions``), when the W-th fastest replica has it; those W have the new version
/// at once, each of the other N − W gets it `replication-lag` after the commit. A read waits for
/// the R-th fastest replica and returns the newest version among the R that answered, each
/// holding the latest write if it was in its write quorum or its lag has passed.
///
/// So with R + W > N every read's R replicas include one of the last write's W, and no read is
/// stale. With R + W ≤ N a read is stale when all R replicas it heard from are among the N − W
/// still lagging: for replica times of zero and a constant lag d, with writes to a key arriving
/// as a Poisson process of rate λ, a read is stale with probability
/// (1 − e^{−λd}) · C(N − W, R) ÷ C(N, R) (the last write came less than d before it, and its R
/// replicas all missed that write's quorum). Reads and writes of key 0 (no `keys:`) are not
/// versioned.
public final class KVStore: Station {
    /// The configuration.
    public let config: KVStoreConfig
    private let replicaStream: RandomStream
    /// The last committed write of each key: its version, and when each replica has it (ns).
    private var lastWrite: [UInt64: (version: UInt32, hasAt: [Int64])] = [:]
    private var reads = 0, writes = 0, staleReads = 0
    /// Its own events (numbered from ``Station/firstSubclassEvent``).
    enum Event: Int32, CaseIterable {
        case quorumDone = 16
    }

    /// A key-value store.
    public init(name: String, group: String, model: Model, config: KVStoreConfig) {
        self.config = config
        replicaStream = model.stream(for: name + "#replicas")
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override var kindName: String { "kv-store" }

    /// The N replicas' answer times in order of arrival, each with its replica index (ties at random).
    private func replicaOrder() -> [(ns: Int64, replica: Int)] {
        (0..<config.replicationFactor).map { i in
            (config.replicaService.sampleDuration(replicaStream).ns, i, replicaStream.uniform())
        }.sorted { ($0.0, $0.2) < ($1.0, $1.2) }.map { ($0.0, $0.1) }
    }

    /// After the coordinator: wait for the quorum's slowest member, then settle the data.
    public override func serviceCompleted(_ request: Int32) {
        let r = requests.records + Int(request)
        let order = replicaOrder()
        let quorum = r.pointee.isWrite ? config.writeQuorum : config.readQuorum
        let wait = order[quorum - 1].ns
        // The quorum's members, as a bit mask, for when the wait is over.
        let members = order.prefix(quorum).reduce(Int32(0)) { $0 | Int32(1 << $1.replica) }
        model.setAux(request, members)
        sim.schedule(after: SimDuration(ns: wait), to: id, kind: KVStore.Event.quorumDone.rawValue, arg: tagged(request))
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard kind == KVStore.Event.quorumDone.rawValue else { return super.handlePrivate(kind: kind, arg: arg) }
        guard let request = untag(arg) else { return }
        let r = requests.records + Int(request)
        let members = requests.top(request).aux
        let now = sim.now.ns
        let measured = now >= model.warmupEnd.ns
        let key = r.pointee.key
        if r.pointee.isWrite {
            if measured { writes += 1 }
            if key != 0 {
                let version = model.data.commit(key)
                let hasAt = (0..<config.replicationFactor).map { i in
                    members & Int32(1 << i) != 0 ? now : now + config.replicationLag.sampleDuration(replicaStream).ns
                }
                lastWrite[key] = (version, hasAt)
                r.pointee.version = version
                r.pointee.hasVersion = true
            }
        } else {
            if measured { reads += 1 }
            if key != 0 {
                let latest = model.data.version(of: key)
                var version = latest
                if let w = lastWrite[key], w.version == latest,
                   !(0..<config.replicationFactor).contains(where: { members & Int32(1 << $0) != 0 && w.hasAt[$0] <= now }) {
                    version = latest &- 1
                    if measured { staleReads += 1 }
                }
                r.pointee.version = version
                r.pointee.hasVersion = true
            }
        }
        model.finish(request, at: self)
    }

    /// The station's figures, with `extra` in this order: `replication_factor`, `read_quorum`,
    /// `write_quorum`, `strong` (1 when R + W > N), `reads`, `writes`, `stale_reads`,
    /// `stale_read_fraction` (of the reads), `nodes`, `replica_ops_per_node_per_second` (every
    /// request goes to N replicas, spread over `nodes`).
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        let c = config
        r.extra = [("replication_factor", Double(c.replicationFactor)), ("read_quorum", Double(c.readQuorum)),
                   ("write_quorum", Double(c.writeQuorum)), ("strong", c.strong ? 1 : 0),
                   ("reads", Double(reads)), ("writes", Double(writes)), ("stale_reads", Double(staleReads)),
                   ("stale_read_fraction", reads > 0 ? Double(staleReads) / Double(reads) : .nan), ("nodes", Double(c.nodes)),
                   ("replica_ops_per_node_per_second",
                    window.seconds > 0 ? Double((reads + writes) * c.replicationFactor) / Double(c.nodes) / window.seconds : 0)]
        return r
    }
}
