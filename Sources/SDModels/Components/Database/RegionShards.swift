import SDEngine
import SDConfig

/// Where keys live under `sharding: region`: a tree per region whose leaves are shard slots.
///
/// A request goes to its region (the region it carries; a request without one, such as a queue
/// consumer's own call, to the region whose block holds its key), then to one of the region's
/// initial sub-shards — mix(key) mod k under `hash`, the k equal-width parts of the region's key
/// block under `range` (keys outside the block clamp to the nearest part) — and then down the
/// splits made since: a `range` split sends keys at or above its split key to the new half, a
/// `hash` split at depth d sends keys whose bit d of a second hash is 1.
///
/// Slots are numbered in order of creation: the initial sub-shards region by region, then the
/// new halves in the order the splits happened. A split keeps the lower half on its slot.
public struct RegionShardTree: Sendable {
    /// A node of the tree: a leaf (a slot) or a split.
    struct TreeNode: Sendable {
        /// The shard slot of a leaf; -1 for a split.
        var slot: Int
        /// Splits above it, since its region's initial sub-shard.
        var depth: Int
        /// `range`: the keys of the node (hi < lo when empty).
        var lo: UInt64, hi: UInt64
        /// A split: the first key of the upper half (`range`), and the two children.
        var splitKey: UInt64 = 0
        var low = -1, high = -1
    }

    /// The configuration.
    public let config: RegionShardingConfig
    /// Each region's block of keys.
    public let blocks: [(lo: UInt64, hi: UInt64)]
    private var nodes: [TreeNode] = []
    /// For each region, the tree nodes of its initial sub-shards.
    private var roots: [[Int]] = []
    /// For each slot in use, its leaf node.
    private var leafOf: [Int] = []
    /// For each slot in use, its region.
    public private(set) var regionOf: [Int] = []

    /// The tree of `config` over keys 1…`keySpace` with `regions`.
    public init(config: RegionShardingConfig, regions: [RegionConfig], keySpace: UInt64) {
        precondition(config.shardsPerRegion.count == regions.count && config.shardsPerRegion.allSatisfy { $0 >= 1 })
        self.config = config
        blocks = RegionConfig.blocks(regions, keySpace: keySpace)
        for (r, k) in config.shardsPerRegion.enumerated() {
            let b = blocks[r]
            var mine: [Int] = []
            for i in 0..<k {
                var lo = b.lo, hi = b.hi
                if config.subSharding == .range && b.hi >= b.lo {
                    lo = ShardMap.firstKey(ofBucket: i, lo: b.lo, hi: b.hi, buckets: k)
                    hi = i + 1 < k ? ShardMap.firstKey(ofBucket: i + 1, lo: b.lo, hi: b.hi, buckets: k) &- 1 : b.hi
                }
                mine.append(addLeaf(region: r, depth: 0, lo: lo, hi: hi))
            }
            roots.append(mine)
        }
    }

    /// Leaves (shard slots) in use.
    public var leaves: Int { leafOf.count }

    private mutating func addLeaf(region: Int, depth: Int, lo: UInt64, hi: UInt64) -> Int {
        nodes.append(TreeNode(slot: leafOf.count, depth: depth, lo: lo, hi: hi))
        leafOf.append(nodes.count - 1)
        regionOf.append(region)
        return nodes.count - 1
    }

    /// The region (0-based) of a request carrying `region` (1-based, 0 for none) and `key`.
    public func region(of region: UInt8, key: UInt64) -> Int {
        if region > 0 { return Int(region) - 1 }
        var r = 0
        while r + 1 < blocks.count && key > blocks[r].hi { r += 1 }
        return r
    }

    /// The second hash whose bits pick the half of a `hash` split.
    @inline(__always)
    static func splitHash(_ key: UInt64) -> UInt64 { RandomStream.splitMix64(key ^ 0x5851_f42d_4c95_7f2d) }

    /// The shard slot serving `key` of region `region` (0-based).
    public func slot(region: Int, key: UInt64) -> Int {
        let mine = roots[region]
        let k = mine.count
        var n: Int
        if k == 1 {
            n = mine[0]
        } else if config.subSharding == .hash {
            n = mine[ModNHashing.owner(of: key, targets: k)]
        } else {
            let b = blocks[region]
            n = mine[ShardMap.bucket(of: key, lo: b.lo, hi: b.hi, buckets: k)]
        }
        while nodes[n].slot < 0 {
            let node = nodes[n]
            let upper = config.subSharding == .hash ? (RegionShardTree.splitHash(key) >> UInt64(node.depth)) & 1 == 1 : key >= node.splitKey
            n = upper ? node.high : node.low
        }
        return nodes[n].slot
    }

    /// How many splits lie above slot `slot`.
    public func depth(of slot: Int) -> Int { nodes[leafOf[slot]].depth }

    /// `range`: the keys of slot `slot` (hi < lo when empty).
    public func range(of slot: Int) -> (lo: UInt64, hi: UInt64) { (nodes[leafOf[slot]].lo, nodes[leafOf[slot]].hi) }

    /// Whether slot `slot` may split again.
    public func canSplit(_ slot: Int) -> Bool {
        guard depth(of: slot) < config.splitLevels else { return false }
        if config.subSharding == .range { let r = range(of: slot); return r.hi > r.lo }
        return true
    }

    /// The sub-range bucket (of ``buckets``) of `key` in slot `slot`, which a split divides at a
    /// bucket boundary: under `range` its position in the slot's keys; under `hash` the next
    /// bits of the second hash, whose lowest bit is the half the key would go to.
    public func bucket(of key: UInt64, inSlot slot: Int) -> Int {
        let node = nodes[leafOf[slot]]
        if config.subSharding == .hash { return Int((RegionShardTree.splitHash(key) >> UInt64(node.depth)) & UInt64(RegionShardTree.buckets - 1)) }
        return ShardMap.bucket(of: key, lo: node.lo, hi: node.hi, buckets: RegionShardTree.buckets)
    }

    /// Buckets per slot for measuring where a split should cut.
    public static let buckets = 64

    /// Splits slot `slot` given the queries each of its buckets received; the upper half becomes a
    /// new slot, returned with the buckets that moved to it. `range` cuts at the bucket boundary
    /// that best halves `load` (the middle key when it is all zero); `hash` at the next hash bit.
    public mutating func split(_ slot: Int, load: [Int]) -> (newSlot: Int, moved: [Bool]) {
        precondition(canSplit(slot))
        let n = leafOf[slot]
        let node = nodes[n]
        var moved = [Bool](repeating: false, count: RegionShardTree.buckets)
        var lowRange = (node.lo, node.hi), highRange = (node.lo, node.hi), splitKey: UInt64 = 0
        if config.subSharding == .hash {
            for b in moved.indices { moved[b] = b & 1 == 1 }
        } else {
            let total = load.reduce(0, +)
            let width = node.hi - node.lo + 1
            splitKey = node.lo + width / 2
            var best: (b: Int, imbalance: Int)?
            var left = 0
            for b in 1..<RegionShardTree.buckets where total > 0 {
                left += load[b - 1]
                let first = ShardMap.firstKey(ofBucket: b, lo: node.lo, hi: node.hi, buckets: RegionShardTree.buckets)
                guard first > node.lo && first <= node.hi else { continue }
                let imbalance = abs(2 * left - total)
                if best == nil || imbalance < best!.imbalance { best = (b, imbalance) }
            }
            if let best { splitKey = ShardMap.firstKey(ofBucket: best.b, lo: node.lo, hi: node.hi, buckets: RegionShardTree.buckets) }
            for b in moved.indices {
                moved[b] = ShardMap.firstKey(ofBucket: b, lo: node.lo, hi: node.hi, buckets: RegionShardTree.buckets) >= splitKey
            }
            lowRange = (node.lo, splitKey - 1)
            highRange = (splitKey, node.hi)
        }
        let region = regionOf[slot]
        // The lower half keeps the slot: a new leaf node for it, the old node becomes the split.
        nodes.append(TreeNode(slot: slot, depth: node.depth + 1, lo: lowRange.0, hi: lowRange.1))
        leafOf[slot] = nodes.count - 1
        let low = nodes.count - 1
        let high = addLeaf(region: region, depth: node.depth + 1, lo: highRange.0, hi: highRange.1)
        nodes[n].slot = -1
        nodes[n].splitKey = splitKey
        nodes[n].low = low
        nodes[n].high = high
        return (nodes[high].slot, moved)
    }
}
