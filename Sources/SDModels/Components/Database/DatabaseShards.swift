import SDEngine
import SDConfig

/// Where a database's keys live: which shard serves each key, and how a range splits.
///
/// - `range`: the key space 1…K is cut into contiguous ranges, ordered by their first key. The
///   last range also takes every key above K, and keys below 1 (requests without keys carry key 0)
///   belong to the first range.
/// - `hash` and `directory`: key → mix(key) mod n (``ModNHashing``), fixed for the whole run.
public struct ShardMap: Sendable, Equatable {
    /// The scheme.
    public let scheme: ShardingScheme
    /// K, the largest key any workload draws (1 when no workload has keys).
    public let keySpace: UInt64
    /// Shards placed at the start (hash and directory never change it).
    public let initialShards: Int
    /// `range` only: the first key of each range, ascending (equal starts make empty ranges).
    public private(set) var starts: [UInt64]
    /// `range` only: the shard serving each range, parallel to `starts`.
    public private(set) var owners: [Int]

    /// The map of `shards` shards; `ranges` as in ``DatabaseConfig/ranges``.
    public init(scheme: ShardingScheme, shards: Int, keySpace: UInt64, ranges: [UInt64]? = nil) {
        precondition(shards >= 1 && keySpace >= 1)
        self.scheme = scheme
        self.keySpace = keySpace
        self.initialShards = shards
        if scheme == .range {
            if let ranges {
                precondition(ranges.count == shards - 1, "a range map needs shards - 1 boundaries")
                starts = [1] + ranges
            } else {
                // Equal widths: range i starts at 1 + ⌊i·K/n⌋.
                starts = (0..<shards).map { i in
                    let product = UInt64(i).multipliedFullWidth(by: keySpace)
                    return 1 + UInt64(shards).dividingFullWidth(product).quotient
                }
            }
            owners = Array(0..<shards)
        } else {
            starts = []
            owners = []
        }
    }

    /// The shard that serves `key`.
    public func shard(of key: UInt64) -> Int {
        switch scheme {
        case .hash, .directory, .region: return ModNHashing.owner(of: key, targets: initialShards)
        case .range: return owners[position(of: key)]
        }
    }

    /// `range` only: the index in `starts` of the range holding `key` (the last start ≤ key).
    func position(of key: UInt64) -> Int {
        var low = 0, high = starts.count   // first start > key
        while low < high {
            let mid = (low + high) >> 1
            if starts[mid] <= key { low = mid + 1 } else { high = mid }
        }
        return max(low - 1, 0)
    }

    /// `range` only: the keys of `shard` as lo…hi (hi < lo for an empty range), nil if it holds none.
    public func range(of shard: Int) -> (lo: UInt64, hi: UInt64)? {
        guard let p = owners.firstIndex(of: shard) else { return nil }
        let lo = starts[p]
        let hi = p + 1 < starts.count ? starts[p + 1] &- 1 : max(keySpace, lo)
        return (lo, hi)
    }

    /// The number of keys in 1…K (and, for the last range, above) that `shard` serves: its width.
    public func width(of shard: Int) -> UInt64 {
        guard let r = range(of: shard), r.hi >= r.lo else { return 0 }
        return r.hi - r.lo + 1
    }

    /// Each placed shard's fraction of the key space: range widths over their sum, or 1/n.
    public func keyShares(shardSlots: Int) -> [Double] {
        var out = [Double](repeating: 0, count: shardSlots)
        if scheme == .range {
            let total = owners.reduce(0.0) { $0 + Double(width(of: $1)) }
            for s in owners { out[s] = total > 0 ? Double(width(of: s)) / total : 1 / Double(owners.count) }
        } else {
            for s in 0..<initialShards { out[s] = 1 / Double(initialShards) }
        }
        return out
    }

    /// `range` only: gives the keys `key`…hi of the range of `shard` to the new shard `newShard`.
    /// `key` must lie strictly inside the range (lo < key ≤ hi).
    public mutating func split(_ shard: Int, at key: UInt64, newShard: Int) {
        precondition(scheme == .range)
        guard let p = owners.firstIndex(of: shard), let r = range(of: shard) else { preconditionFailure("no range for shard") }
        precondition(r.lo < key && key <= r.hi, "a split key must lie strictly inside the range")
        starts.insert(key, at: p + 1)
        owners.insert(newShard, at: p + 1)
    }

    /// The sub-range bucket of `key` within lo…hi when the range is cut into `buckets` equal parts:
    /// ⌊(key − lo)·buckets / width⌋, keys outside clamped to the ends.
    public static func bucket(of key: UInt64, lo: UInt64, hi: UInt64, buckets: Int) -> Int {
        guard hi >= lo, key > lo else { return 0 }
        if key > hi { return buckets - 1 }
        let width = hi - lo + 1
        let product = (key - lo).multipliedFullWidth(by: UInt64(buckets))
        return Int(width.dividingFullWidth(product).quotient)
    }

    /// The first key of bucket `b` of lo…hi cut into `buckets` parts: lo + ⌈b·width / buckets⌉,
    /// the smallest key whose ``bucket(of:lo:hi:buckets:)`` is ≥ b.
    public static func firstKey(ofBucket b: Int, lo: UInt64, hi: UInt64, buckets: Int) -> UInt64 {
        let width = hi - lo + 1
        let product = UInt64(b).multipliedFullWidth(by: width)
        let (q, r) = UInt64(buckets).dividingFullWidth(product)
        return lo + q + (r > 0 ? 1 : 0)
    }
}
