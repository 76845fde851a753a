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
    /// Storage nodes the keys are spread over (for throughput per node).
    public var nodes: Int
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
                queueLimit: Int? = nil) {
        self.replicationFactor = replicationFactor; self.readQuorum = readQuorum; self.writeQuorum = writeQuorum
        self.nodes = nodes ?? replicationFactor; self.workers = workers; self.service = service
        self.replicaService = replicaService; self.replicationLag = replicationLag; self.queueLimit = queueLimit
    }

    /// Whether every read quorum meets every write quorum (R + W > N): reads are never stale.
    public var strong: Bool { readQuorum + writeQuorum > replicationFactor }
}
