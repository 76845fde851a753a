import SDEngine

/// How keys are spread over the sub-shards of one region under `sharding: region`.
public enum SubSharding: String, Sendable, Equatable, CaseIterable {
    /// mix(key) mod k over the region's k sub-shards; a split halves a sub-shard by one more bit
    /// of a second hash, so each half takes about half its keys.
    case hash
    /// Equal-width contiguous ranges of the region's block of keys; a split cuts a sub-shard's range
    /// where the queries it received since the last check divide in two halves.
    case range
}

/// `sharding: region`: shards by where the user lives, then by key within the region, in a tree.
///
/// Level 0 is the region (``ModelConfig/regions``); each region starts with
/// ``shardsPerRegion``[r] sub-shards (hash or range, ``subSharding``). Every ``splitEvery`` of
/// simulated time the database looks at the queries each leaf received since the last look: a
/// leaf whose share exceeds `hot-threshold` × the mean share (1 / leaves) splits in two, unless it
/// has already split ``splitLevels`` times along its lineage. So a region's hot sub-shard can split,
/// and its hot half split again, down to ``splitLevels`` levels below the region's own sub-shards.
public struct RegionShardingConfig: Sendable, Equatable {
    /// Sub-shards of each region at the start (≥ 1), indexed like ``ModelConfig/regions``.
    public var shardsPerRegion: [Int]
    /// How a region's keys map to its sub-shards.
    public var subSharding: SubSharding
    /// How many times a sub-shard may split along its lineage (0: never).
    public var splitLevels: Int
    /// How often hot leaves are looked for (nil: never; required with ``splitLevels`` > 0).
    public var splitEvery: SimDuration?

    /// A region sharding.
    public init(shardsPerRegion: [Int], subSharding: SubSharding = .hash, splitLevels: Int = 0, splitEvery: SimDuration? = nil) {
        self.shardsPerRegion = shardsPerRegion; self.subSharding = subSharding
        self.splitLevels = splitLevels; self.splitEvery = splitEvery
    }

    /// Shards at the start: the sum over regions.
    public var initialShards: Int { shardsPerRegion.reduce(0, +) }

    /// The most leaves the tree can reach: every initial sub-shard split `splitLevels` times.
    public var maxShards: Int { initialShards << splitLevels }
}

/// A request type that joins rows held on several shards (`cross-shard-joins:` of a database): it fans out to
/// ``shards`` shards (nil: every shard in use), waits for the slowest, then the coordinator merges
/// the answers, which takes one draw of ``mergePerShard`` per shard merged (a pure delay).
public struct JoinSpec: Sendable, Equatable {
    /// The request type (a read).
    public var type: String
    /// Shards touched, chosen uniformly among those in use (nil or more than there are: all).
    public var shards: Int?
    /// Merge time per shard answer, in seconds (nil: no merge, a plain scatter-gather).
    public var mergePerShard: Distribution?

    /// A join.
    public init(type: String, shards: Int? = nil, mergePerShard: Distribution? = nil) {
        self.type = type; self.shards = shards; self.mergePerShard = mergePerShard
    }
}
