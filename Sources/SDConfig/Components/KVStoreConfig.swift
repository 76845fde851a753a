import SDEngine

/// `kind: kv-store`: a key-value / wide-column store in the manner of Dynamo or Cassandra: every
/// key is kept on `replicationFactor` (N) replicas; a write waits for `writeQuorum` (W) of them, a
/// read for `readQuorum` (R). With R + W > N every read quorum meets the last write's quorum, so no
/// read is stale; with R + W ≤ N a read can miss the replicas that have the last write.
public struct KVStoreConfig: Sendable, Equatable {
    /// Copies of every key (N ≥ 1).
    public var replicationFactor: Int
    /// Replicas a read waits for (1…N).
    public var readQuorum: Int
    /// Replicas a write waits for (1…N).
    public var writeQuorum: Int
    /// Storage nodes the keys are spread over: each key's N replicas are N distinct nodes, placed
    /// by consistent hashing (a ring of the nodes; the key's replicas are the first N distinct
    /// nodes clockwise from the key).
    public var nodes: Int
    /// Workers of each storage node: replica operations it serves at once (the others wait in
    /// its FIFO line).
    public var nodeWorkers: Int
    /// Denormalized tables each write request type writes (k writes per logical write, each to
    /// its own N replicas with quorum W); a write type not listed writes one table.
    public var fanOut: [String: Int]
    /// Coordinator workers.
    public var workers: Int
    /// Coordinator time per request, in seconds.
    public var service: Distribution
    /// Time one replica takes to answer (the quorum waits for the R-th or W-th fastest of N).
    public var replicaService: Distribution
    /// Delay after the commit until a replica outside the write quorum has the write.
    public var replicationLag: Distribution
    /// Places in the coordinator's waiting room; nil is unlimited.
    public var queueLimit: Int?

    /// A key-value store.
    public init(replicationFactor: Int = 3, readQuorum: Int = 1, writeQuorum: Int = 1, nodes: Int? = nil, workers: Int = 1,
                service: Distribution, replicaService: Distribution = .constant(0), replicationLag: Distribution,
                queueLimit: Int? = nil, nodeWorkers: Int = KVStoreConfig.defaultNodeWorkers, fanOut: [String: Int] = [:]) {
        self.replicationFactor = replicationFactor; self.readQuorum = readQuorum; self.writeQuorum = writeQuorum
        self.nodes = nodes ?? replicationFactor; self.workers = workers; self.service = service
        self.replicaService = replicaService; self.replicationLag = replicationLag; self.queueLimit = queueLimit
        self.nodeWorkers = nodeWorkers; self.fanOut = fanOut
    }

    /// Workers per storage node when the scenario does not say.
    public static let defaultNodeWorkers = 8

    /// Tables a request of `type` writes (1 unless `fanOut` lists it).
    public func tables(writtenBy type: String) -> Int { fanOut[type] ?? 1 }

    /// Whether every read quorum meets every write quorum (R + W > N): reads are never stale.
    public var strong: Bool { readQuorum + writeQuorum > replicationFactor }
}
