import SDEngine

/// How a sharded database maps a request's key (the shard key) to a shard.
public enum ShardingScheme: String, Sendable, Equatable, CaseIterable {
    /// Contiguous key ranges: equal widths of the key space, or the boundaries in
    /// ``DatabaseConfig/ranges``. Neighbouring keys share a shard, so a skewed key popularity
    /// (Zipf: low keys are popular) makes the first range hot. The only scheme that can split.
    case range
    /// mix(key) mod N (``ModNHashing``): an even spread whatever the popularity of neighbouring keys.
    case hash
    /// A lookup table from key to shard held by a directory service: placed like `hash`, but every
    /// request first pays ``DatabaseConfig/directoryLookup`` to ask the directory where its key lives.
    case directory
    /// By the region of the user (``ModelConfig/regions``), then by key within the region, in a
    /// tree whose hot leaves split (``DatabaseConfig/regionSharding``).
    case region
}

/// How a primary replicates its writes to the read replicas of its shard.
public enum ReplicationMode: String, Sendable, CaseIterable {
    /// A write is acknowledged as soon as it commits on the primary; the replicas apply it later
    /// (after `replication-lag`). A failover loses the acknowledged writes the promoted replica
    /// had not yet applied.
    case async
    /// A write is acknowledged only when every replica of its shard has applied it: its latency
    /// includes the slowest replica's lag, and a failover loses no acknowledged write.
    case sync
}

/// Automatic failover: when a shard's primary crashes, a cluster manager notices after
/// `detection` and promotes a replica, which takes `promotion`; writes to the shard fail meanwhile.
public struct FailoverConfig: Sendable, Equatable {
    /// Time for the cluster manager to notice that the primary is gone (a heartbeat timeout).
    public var detection: SimDuration
    /// Time to promote the chosen replica once the loss is noticed.
    public var promotion: SimDuration

    /// `failover: true`: 10 s to detect, 5 s to promote.
    public static let standard = FailoverConfig(detection: SimDuration(seconds: 10), promotion: SimDuration(seconds: 5))

    /// A failover policy.
    public init(detection: SimDuration, promotion: SimDuration) { self.detection = detection; self.promotion = promotion }

    /// Detection plus promotion: how long writes fail after a crash of the primary.
    public var outage: SimDuration { SimDuration(ns: detection.ns + promotion.ns) }
}

/// `kind: database`: a primary with asynchronous (or synchronous) read replicas and optional failover, a connection pool per node,
/// optional sharding with hot-shard detection and one split of the hottest range, scatter-gather
/// queries and storage accounting. See ``Database`` for how it runs.
public struct DatabaseConfig: Sendable, Equatable {
    /// Parallel query executors per node (primary or replica), ≥ 1.
    public var workers: Int
    /// Service time of a read query, in seconds.
    public var readService: Distribution
    /// Service time of a write query, in seconds.
    public var writeService: Distribution
    /// Size of the connection pool to each node: queries admitted at once (waiting for a worker
    /// or in service). nil: as many as `workers`, so the node is a plain workers + FIFO station.
    public var connections: Int?
    /// Queries that may wait for a connection at each node; nil is unlimited, 0 turns away any
    /// query that finds the pool full (with `connections == workers`, the Erlang B loss system).
    public var queueLimit: Int?
    /// Read replicas per shard (0: reads go to the primary).
    public var readReplicas: Int
    /// The delay, per write and per replica, between the commit on the primary and the moment the
    /// write becomes visible on that replica, in seconds. nil: none (visible right after the commit).
    public var replicationLag: Distribution?
    /// Number of shards at the start (≥ 1); each has its own primary and replicas.
    public var shards: Int
    /// How keys map to shards.
    public var sharding: ShardingScheme
    /// For `range` sharding: the first key of every shard after the first, ascending (shards − 1
    /// values). nil: equal widths of the key space 1…N, N being the largest key space of the workloads.
    public var ranges: [UInt64]?
    /// For `directory` sharding: the time to look a key up in the directory, in seconds. The
    /// directory is modelled as a pure delay (it never queues).
    public var directoryLookup: Distribution?
    /// A shard is flagged hot when its share of queries exceeds this multiple of the mean share.
    public var hotThreshold: Double
    /// For `range` sharding: when the hottest range splits in two, creating a new shard (nil: never).
    public var splitAt: SimDuration?
    /// Request types served by every shard in parallel (scatter-gather); the request completes
    /// when the slowest shard has answered.
    public var scatterTypes: [String]
    /// Data stored before the run, in bytes, in total over all shards (each shard holds a share
    /// proportional to its share of the key space).
    public var initialBytes: Double
    /// How writes reach the replicas (default asynchronous).
    public var replication: ReplicationMode
    /// Automatic promotion of a replica when a primary crashes; nil: a crashed primary stays down
    /// until it restarts (writes to its shard fail for the whole outage).
    public var failover: FailoverConfig?
    /// Joins and multi-row transactions inside a shard (the relational data model's query costs).
    public var queries: RelationalQueries
    /// `sharding: region`: sub-shards per region, sub-sharding and splits (nil otherwise).
    public var regionSharding: RegionShardingConfig?
    /// Request types that join across shards (`cross-shard-joins:`): scatter-gather to some or all shards plus a merge.
    public var crossShardJoins: [JoinSpec] = []

    /// A database; `readService` and `writeService` default to `service`.
    public init(workers: Int = 1, service: Distribution, readService: Distribution? = nil, writeService: Distribution? = nil,
                connections: Int? = nil, queueLimit: Int? = nil, readReplicas: Int = 0, replicationLag: Distribution? = nil,
                shards: Int = 1, sharding: ShardingScheme = .hash, ranges: [UInt64]? = nil,
                directoryLookup: Distribution? = nil, hotThreshold: Double = 2, splitAt: SimDuration? = nil,
                scatterTypes: [String] = [], initialBytes: Double = 0,
                replication: ReplicationMode = .async, failover: FailoverConfig? = nil,
                queries: RelationalQueries = RelationalQueries()) {
        self.workers = workers
        self.readService = readService ?? service
        self.writeService = writeService ?? service
        self.connections = connections; self.queueLimit = queueLimit
        self.readReplicas = readReplicas; self.replicationLag = replicationLag
        self.shards = shards; self.sharding = sharding; self.ranges = ranges; self.directoryLookup = directoryLookup
        self.hotThreshold = hotThreshold; self.splitAt = splitAt
        self.scatterTypes = scatterTypes; self.initialBytes = initialBytes
        self.replication = replication; self.failover = failover
        self.queries = queries
    }
}
