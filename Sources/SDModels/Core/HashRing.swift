import SDEngine
import SDConfig

/// A consistent-hashing ring: each target places `vnodes` points on a 64-bit circle, and a key
/// belongs to the first point at or clockwise after the key's hash.
///
/// Intuition: a target's points are fixed by its index alone, so adding a target only inserts
/// new points — the keys that change owner are exactly those now landing just before a new
/// point, about 1/(n+1) of them, and every one of them moves to the new target. With mod-N
/// hashing almost every key moves instead. Many virtual nodes per target even out the arcs:
/// a target's share has relative standard deviation about 1/√vnodes.
///
/// Positions are stable across processes and platforms: FNV-1a over the UTF-8 bytes of
/// `"<target>#<vnode>"`, then SplitMix64's finalizer (Swift's `Hasher` is seeded per process and
/// must never decide placement). Keys are hashed with the same finalizer (`HashRing.mix`).
public struct HashRing: Sendable, Equatable {
    /// The target indices on the ring, ascending and distinct. `shares` follows this order.
    public let targets: [Int]
    /// Virtual nodes per target.
    public let vnodes: Int
    /// Salt for the positions; 0 is the canonical ring. Rings with different seeds are
    /// independent placements of the same targets.
    public let seed: UInt64
    /// Vnode positions on the circle, ascending.
    @usableFromInline let positions: [UInt64]
    /// For each position, the index into `targets` of its owner.
    @usableFromInline let slots: [Int32]

    /// A ring over targets 0..<n.
    public init(n: Int, vnodes: Int, seed: UInt64 = 0) {
        precondition(n >= 1, "a hash ring needs at least one target")
        self.init(targets: Array(0..<n), vnodes: vnodes, seed: seed)
    }

    /// A ring over the given target indices (non-negative; order and duplicates do not matter).
    ///
    /// A target's positions depend only on its own index, `vnodes` and `seed`, so the ring over
    /// `targets + [t]` holds every position of the ring over `targets`, plus t's.
    public init(targets: [Int], vnodes: Int, seed: UInt64 = 0) {
        precondition(!targets.isEmpty, "a hash ring needs at least one target")
        precondition(vnodes >= 1, "a hash ring needs at least one virtual node per target")
        precondition(targets.allSatisfy { $0 >= 0 }, "target indices must be non-negative")
        let sorted = Array(Set(targets)).sorted()
        precondition(sorted.count <= Int(Int32.max))
        self.targets = sorted
        self.vnodes = vnodes
        self.seed = seed
        var points: [(position: UInt64, slot: Int32, vnode: Int)] = []
        points.reserveCapacity(sorted.count * vnodes)
        for (slot, target) in sorted.enumerated() {
            for v in 0..<vnodes {
                points.append((HashRing.position(target: target, vnode: v, seed: seed), Int32(slot), v))
            }
        }
        // Ties (astronomically rare) break by target then vnode, so the order is still a pure
        // function of the points and a sub-ring is the same order with points removed.
        points.sort { a, b in
            if a.position != b.position { return a.position < b.position }
            if a.slot != b.slot { return a.slot < b.slot }
            return a.vnode < b.vnode
        }
        positions = points.map(\.position)
        slots = points.map(\.slot)
    }

    /// The number of targets on the ring.
    public var targetCount: Int { targets.count }

    /// The target that owns `key`: the owner of the first vnode at or clockwise after mix(key).
    /// O(log(n·vnodes)) by binary search.
    @inlinable
    public func owner(of key: UInt64) -> Int {
        var i = HashRing.lowerBound(positions, HashRing.mix(key))
        if i == positions.count { i = 0 }
        return targets[Int(slots[i])]
    }

    /// The owner of `key` among the targets that are not `down`: walks clockwise from the key's
    /// point to the first vnode of a live target, or nil when every target is down.
    ///
    /// The answer equals `owner(of:)` on the ring built without the down targets, so a failed
    /// target's keys spread over the survivors and no other key moves.
    /// `down` is called once per vnode visited; the walk is short unless most targets are down.
    public func owner(of key: UInt64, excluding down: (Int) -> Bool) -> Int? {
        let count = positions.count
        var i = HashRing.lowerBound(positions, HashRing.mix(key))
        if i == count { i = 0 }
        for _ in 0..<count {
            let target = targets[Int(slots[i])]
            if !down(target) { return target }
            i += 1
            if i == count { i = 0 }
        }
        return nil
    }

    /// The fraction of keys 1...`sampleKeys` each target owns, in the order of `targets`.
    public func shares(sampleKeys: Int) -> [Double] {
        precondition(sampleKeys >= 1)
        var counts = [Int](repeating: 0, count: targets.count)
        for key in 1...UInt64(sampleKeys) {
            var i = HashRing.lowerBound(positions, HashRing.mix(key))
            if i == positions.count { i = 0 }
            counts[Int(slots[i])] += 1
        }
        return counts.map { Double($0) / Double(sampleKeys) }
    }

    /// The busiest target's share of keys 1...`sampleKeys` times the number of targets:
    /// 1.0 is a perfect split, 2.0 means one target gets twice its fair share.
    public func loadImbalance(sampleKeys: Int) -> Double {
        (shares(sampleKeys: sampleKeys).max() ?? 0) * Double(targets.count)
    }

    /// The exact fraction of the 64-bit hash circle each target owns, in the order of `targets`:
    /// the expected share of uniformly hashed keys, with no sampling noise.
    public var arcShares: [Double] {
        var arcs = [Double](repeating: 0, count: targets.count)
        if positions.count == 1 { arcs[Int(slots[0])] = 1; return arcs }
        for i in positions.indices {
            // The arc ending at position i starts just after the previous position (wrapping).
            let previous = positions[i == 0 ? positions.count - 1 : i - 1]
            arcs[Int(slots[i])] += Double(positions[i] &- previous) * 0x1p-64
        }
        return arcs
    }

    // MARK: - Stable hashing

    /// Mixes a key onto the circle: SplitMix64's finalizer, a bijection of UInt64 that turns
    /// consecutive keys into well-spread points.
    @inlinable
    public static func mix(_ key: UInt64) -> UInt64 { RandomStream.splitMix64(key) }

    /// The position of `target`'s vnode number `vnode`: SplitMix64(FNV-1a("<target>#<vnode>") ⊕ salt),
    /// where the salt is 0 for seed 0 and SplitMix64(seed) otherwise.
    public static func position(target: Int, vnode: Int, seed: UInt64 = 0) -> UInt64 {
        var h = fnvOffset
        h = fnvDecimal(h, UInt64(target))
        h = fnvByte(h, UInt8(ascii: "#"))
        h = fnvDecimal(h, UInt64(vnode))
        return RandomStream.splitMix64(h ^ (seed == 0 ? 0 : RandomStream.splitMix64(seed)))
    }

    /// FNV-1a over a string's UTF-8 bytes (the 64-bit variant).
    public static func fnv1a(_ text: String) -> UInt64 {
        var h = fnvOffset
        for byte in text.utf8 { h = fnvByte(h, byte) }
        return h
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func fnvByte(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }

    /// Feeds the decimal digits of `value` (most significant first), as "\(value)" would spell them,
    /// without building a string.
    static func fnvDecimal(_ h: UInt64, _ value: UInt64) -> UInt64 {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var h = h
        while divisor > 0 {
            h = fnvByte(h, UInt8(ascii: "0") + UInt8((value / divisor) % 10))
            divisor /= 10
        }
        return h
    }

    /// The first index whose position is ≥ `hash` (positions.count if none).
    @inlinable
    static func lowerBound(_ positions: [UInt64], _ hash: UInt64) -> Int {
        var low = 0, high = positions.count
        while low < high {
            let mid = (low + high) >> 1
            if positions[mid] < hash { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Classical mod-N hashing: key → mix(key) mod n. Perfectly even, but changing n remaps almost
/// every key (a fraction n/(n+1) when going from n to n + 1 targets), which flushes caches.
public enum ModNHashing {
    /// The target in 0..<n that owns `key`.
    @inlinable
    public static func owner(of key: UInt64, targets n: Int) -> Int {
        precondition(n >= 1)
        return Int(HashRing.mix(key) % UInt64(n))
    }
}

/// How many keys change owner when a cluster grows: the cost of resharding (cache misses,
/// data to copy).
public enum KeyMovement {
    /// The fraction of `keys` whose owner under `before` differs from their owner under `after`
    /// (0 for an empty sequence).
    public static func fractionMoved(keys: some Sequence<UInt64>, before: (UInt64) -> Int,
                                     after: (UInt64) -> Int) -> Double {
        var total = 0, moved = 0
        for key in keys {
            total += 1
            if before(key) != after(key) { moved += 1 }
        }
        return total == 0 ? 0 : Double(moved) / Double(total)
    }

    /// The fraction of keys 1...`sampleKeys` that move when a consistent-hashing ring grows from
    /// n to n + 1 targets (expected 1/(n+1)).
    public static func consistent(n: Int, vnodes: Int, sampleKeys: Int, seed: UInt64 = 0) -> Double {
        precondition(sampleKeys >= 1)
        let before = HashRing(n: n, vnodes: vnodes, seed: seed)
        let after = HashRing(n: n + 1, vnodes: vnodes, seed: seed)
        return fractionMoved(keys: 1...UInt64(sampleKeys), before: { before.owner(of: $0) },
                             after: { after.owner(of: $0) })
    }

    /// The fraction of keys 1...`sampleKeys` that move when mod-N hashing goes from n to n + 1
    /// targets (expected n/(n+1)).
    public static func modN(n: Int, sampleKeys: Int) -> Double {
        precondition(sampleKeys >= 1)
        return fractionMoved(keys: 1...UInt64(sampleKeys), before: { ModNHashing.owner(of: $0, targets: n) },
                      after: { ModNHashing.owner(of: $0, targets: n + 1) })
    }
}
