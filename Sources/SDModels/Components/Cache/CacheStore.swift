import SDEngine
import SDConfig

/// Why a lookup missed: the classic classification of misses.
public enum CacheMissCause: Int, Sendable, CaseIterable {
    /// The cache has never held the key (a compulsory miss).
    case cold = 0
    /// The key was evicted to make room earlier, or was not admitted (LFU).
    case capacity
    /// The key's entry outlived its TTL.
    case expired
    /// A write deleted the entry (cache-aside).
    case invalidated

    /// The name of its counter in reports: `misses_cold`, `misses_capacity`, ….
    public var counterName: String {
        switch self {
        case .cold: return "misses_cold"
        case .capacity: return "misses_capacity"
        case .expired: return "misses_expired"
        case .invalidated: return "misses_invalidated"
        }
    }
}

/// Why an entry left a cache.
public enum CacheRemovalCause: Sendable, Equatable {
    /// Removed to make room for another entry, or refused on arrival (LFU admission, or larger
    /// than the whole capacity).
    case evicted
    /// Removed because its TTL had run out.
    case expired
    /// Deleted by a write.
    case invalidated
}

/// An entry that left the cache, as its owner needs to know of it (a dirty one must be written back).
public struct CacheRemoval: Sendable, Equatable {
    /// The key.
    public var key: UInt64
    /// The version of the data it held.
    public var version: UInt32
    /// Its weight in bytes (1 per entry for a cache limited in items).
    public var size: Double
    /// Whether it held a write not yet written to the backing store.
    public var dirty: Bool
    /// Why it left.
    public var cause: CacheRemovalCause

    /// A removal record.
    public init(key: UInt64, version: UInt32, size: Double, dirty: Bool, cause: CacheRemovalCause) {
        self.key = key; self.version = version; self.size = size; self.dirty = dirty; self.cause = cause
    }
}

/// The contents of a keyed cache: which keys it holds, their data versions and sizes, and the
/// bookkeeping of its replacement policy. It knows nothing of requests or time beyond the `now`
/// it is given, so it can be tested on its own.
///
/// Data structures and costs per operation (C entries, K distinct keys seen):
/// - a `[UInt64: KeyState]` dictionary from key to slot, used for lookups only (never iterated, so
///   hash order cannot reach any output); absent keys keep why they left, to classify misses;
/// - entries in the slots of a ``SlotPool``;
/// - LRU and FIFO: an ``IntrusiveList`` through the slots, O(1) per operation;
/// - random: a dense array of the occupied slots (swap-remove), O(1) per operation;
/// - LFU: a binary min-heap of slots ordered by (frequency, last access), O(log C) per operation;
///   frequencies count every request for a key since the run began, also while the key was not
///   cached ("perfect LFU"), and live in the dictionary while the key is absent;
/// - TTL: a second ``IntrusiveList``, in order of storing; the TTL is the same for every entry, so
///   its oldest entry expires first, and a full cache drops expired entries before evicting by
///   policy, in O(1). Entries expire lazily: when looked up, or when room is needed.
///
/// - Redis policies (`redis-*`, `volatile-*`; CacheStore+Redis.swift): the dense array of occupied
///   slots of `random`, sampled a few at a time into a 16-entry eviction pool, O(samples) per eviction.
///
/// Memory: O(C) for the entries, plus O(K) dictionary entries (8 bytes of value each).
public final class CacheStore {
    /// The result of a lookup.
    public enum Lookup: Sendable, Equatable {
        /// The key is cached, with data at `version`.
        case hit(version: UInt32)
        /// The key is not cached (or its entry had expired), for this reason.
        case miss(CacheMissCause)
    }

    /// The result of storing a value.
    public struct Stored: Sendable, Equatable {
        /// Whether the key is in the cache now.
        public var admitted: Bool
        /// The slot holding it (when admitted).
        public var slot: Int32
        /// The entry went from clean to dirty: the owner may schedule its flush, naming `slot` and `flushEpoch`.
        public var becameDirty: Bool
        /// The slot's flush epoch, which a later ``flushDue(slot:epoch:)`` must present.
        public var flushEpoch: UInt32
    }

    /// One cached entry.
    struct Entry {
        var key: UInt64 = 0
        /// LFU: the store's access tick of the last request for the key (ties go to the oldest).
        /// Redis LRU: the LRU clock at the last access; Redis LFU: the minute of the last access.
        var tick: UInt64 = 0
        var expiresAt: Int64 = .max
        var size: Double = 0
        var version: UInt32 = 0
        /// LFU: requests for the key so far; Redis LFU: the logarithmic counter (0–255).
        var count: UInt32 = 0
        /// Incremented whenever the entry becomes dirty; never reset, even when the slot is reused.
        var flushEpoch: UInt32 = 0
        /// Its place on the LRU or FIFO list.
        var order = ListLinks()
        /// Its place on the list in order of storing (with a TTL).
        var expiry = ListLinks()
        /// Random and Redis policies: index in `members`; LFU: index in `heap`.
        var position: Int32 = -1
        var dirty = false
        var live = false
    }

    /// What the dictionary remembers of a key: its slot (≥ 0) while cached, else −1 − the
    /// ``CacheMissCause`` of its absence; and its LFU frequency while it is not cached.
    struct KeyState {
        var slot: Int32
        var count: UInt32
    }

    /// The replacement policy.
    public let policy: CachePolicy
    /// The capacity.
    public let capacity: CacheCapacity
    /// Time to live in nanoseconds, or nil.
    public let ttlNs: Int64?

    /// Bytes each entry weighs beyond its value (a capacity in bytes only).
    public let entryOverhead: Double
    /// The parameters of the Redis policies.
    public let redis: RedisEvictionConfig

    private let limit: Double
    private let bytes: Bool
    let stream: RandomStream?
    private var slots = SlotPool<Entry>()
    /// The entries, indexed by slot; valid until a store makes a new slot.
    var entries: UnsafeMutablePointer<Entry> { slots.base }
    /// Slots ever made (live or free).
    private var allocated: Int { slots.count }
    var index: [UInt64: KeyState] = [:]
    /// LRU: most recently used at the head; FIFO: newest at the head. The victim is the tail.
    private var order = IntrusiveList(through: \Entry.order)
    /// With a TTL: entries in order of storing, the next to expire at the tail.
    private var expiry = IntrusiveList(through: \Entry.expiry)
    var members: [Int32] = []
    /// Redis's eviction pool: the best candidates seen so far, in ascending order of score.
    var pool = [PoolEntry](repeating: PoolEntry(), count: CacheStore.poolSize)
    private var heap: [Int32] = []
    private var tick: UInt64 = 0

    /// Entries cached now.
    public private(set) var count = 0
    /// Bytes cached now (the sum of entry sizes; equal to `count` for a cache limited in items).
    public private(set) var usedBytes: Double = 0
    /// Entries holding a write not yet written back.
    public private(set) var dirtyCount = 0
    /// The entries removed by the last ``lookup(_:now:)``, ``store(_:version:size:now:dirty:access:)``
    /// or ``invalidate(_:)``, in the order they left. Valid until the next of those calls.
    public private(set) var removals: [CacheRemoval] = []

    /// An empty cache. `stream` is required for the `random` and Redis policies (their victims,
    /// samples and counters are drawn from it). `entryOverhead` is added to every entry's weight
    /// when the capacity is in bytes.
    public init(capacity: CacheCapacity, policy: CachePolicy, ttl: SimDuration? = nil, stream: RandomStream? = nil,
                entryOverhead: Double = 0, redis: RedisEvictionConfig = RedisEvictionConfig()) {
        self.policy = policy
        self.capacity = capacity
        self.ttlNs = ttl?.ns
        precondition(entryOverhead >= 0, "an entry overhead is not negative")
        precondition(redis.samples >= 1 && redis.lruClockResolution.ns > 0 && redis.lfuLogFactor >= 0
                     && redis.lfuDecayMinutes >= 0, "invalid Redis eviction parameters")
        self.entryOverhead = entryOverhead
        self.redis = redis
        switch capacity {
        case .items(let n): precondition(n >= 1, "a cache holds at least one item"); limit = Double(n); bytes = false
        case .bytes(let b): precondition(b > 0, "a cache holds more than 0 bytes"); limit = b; bytes = true
        }
        precondition(!policy.isRandomized || stream != nil, "the \(policy.rawValue) policy needs a random stream")
        self.stream = stream
    }

    /// Whether storing one more entry of `size` bytes (or one more item) would evict another.
    public func isFull(forEntryOf size: Double) -> Bool {
        bytes ? usedBytes + max(size, 1) > limit : Double(count + 1) > limit
    }

    // MARK: Operations

    /// Looks `key` up at time `now` (ns). A hit refreshes the entry for LRU and LFU; an expired
    /// entry is removed (see ``removals``). Every lookup counts as a request for LFU.
    public func lookup(_ key: UInt64, now: Int64) -> Lookup {
        removals.removeAll(keepingCapacity: true)
        tick &+= 1
        let lfu = policy == .lfu
        guard let state = index[key] else {
            if lfu { index[key] = KeyState(slot: CacheStore.absent(.cold), count: 1) }
            return .miss(.cold)
        }
        if state.slot < 0 {
            if lfu { index[key] = KeyState(slot: state.slot, count: state.count &+ 1) }
            return .miss(CacheStore.cause(state.slot))
        }
        let s = state.slot
        let e = entries + Int(s)
        if e.pointee.expiresAt <= now {
            remove(s, cause: .expired)
            if lfu { index[key]!.count &+= 1 }
            return .miss(.expired)
        }
        switch policy {
        case .lru: unlink(s); pushFront(s)
        case .lfu:
            e.pointee.count &+= 1
            e.pointee.tick = tick
            siftDown(Int(e.pointee.position))
        case .fifo, .random: break
        default: redisTouch(s, now: now)
        }
        return .hit(version: e.pointee.version)
    }

    /// Stores `version` of `key` at time `now`: inserts it (making room by policy) or updates the
    /// cached entry. Data older than the cached version is ignored, so a slow fill cannot undo a
    /// newer write. A store resets the entry's TTL. `dirty` marks a write not yet written back
    /// (a dirty entry stays dirty until flushed). `access` counts the store as a request for the
    /// key (a write); a fill after a miss is not one, its lookup was.
    ///
    /// Entries pushed out are in ``removals``. An entry larger than the whole capacity is not
    /// cached, nor is an LFU newcomer less frequent than every cached entry; if such a refused
    /// value is dirty it appears in ``removals`` as evicted, so that its owner writes it back.
    @discardableResult
    public func store(_ key: UInt64, version: UInt32, size: Double, now: Int64, dirty: Bool, access: Bool) -> Stored {
        removals.removeAll(keepingCapacity: true)
        if access { tick &+= 1 }
        let weight = bytes ? max(size, 1) + entryOverhead : 1
        let expires = ttlNs.map { now &+ $0 } ?? .max
        let state = index[key]
        if let state, state.slot >= 0 {
            let s = state.slot
            let e = entries + Int(s)
            if access && policy == .lfu {
                e.pointee.count &+= 1
                e.pointee.tick = tick
                siftDown(Int(e.pointee.position))
            }
            // Redis: a SET looks the key up for writing, which counts as an access.
            if policy.isRedis { redisTouch(s, now: now) }
            if version < e.pointee.version {
                return Stored(admitted: true, slot: s, becameDirty: false, flushEpoch: e.pointee.flushEpoch)
            }
            e.pointee.version = version
            let becameDirty = dirty && !e.pointee.dirty
            if becameDirty {
                e.pointee.dirty = true
                e.pointee.flushEpoch &+= 1
                dirtyCount += 1
            }
            if ttlNs != nil {
                e.pointee.expiresAt = expires
                unlinkExpiry(s)
                pushFrontExpiry(s)
            }
            if policy == .lru { unlink(s); pushFront(s) }
            if weight != e.pointee.size {
                usedBytes += weight - e.pointee.size
                e.pointee.size = weight
                if usedBytes > limit { return refit(s, now: now) }
            }
            return Stored(admitted: true, slot: s, becameDirty: becameDirty, flushEpoch: e.pointee.flushEpoch)
        }
        let frequency = policy == .lfu ? (state?.count ?? 0) &+ (access ? 1 : 0) : 0
        /// Not admitted: the next miss of the key is a capacity miss; a dirty value goes back to its owner.
        func refuse() -> Stored {
            if dirty { removals.append(CacheRemoval(key: key, version: version, size: weight, dirty: true, cause: .evicted)) }
            index[key] = KeyState(slot: CacheStore.absent(.capacity), count: frequency)
            return Stored(admitted: false, slot: -1, becameDirty: false, flushEpoch: 0)
        }
        guard weight <= limit else { return refuse() }
        while !policy.isRedis && count > 0 && (bytes ? usedBytes + weight > limit : Double(count + 1) > limit) {
            if ttlNs != nil, expiry.tail >= 0, entries[Int(expiry.tail)].expiresAt <= now {
                remove(expiry.tail, cause: .expired)
                continue
            }
            let victim: Int32
            switch policy {
            case .lru, .fifo: victim = order.tail
            case .random: victim = members[stream!.index(below: members.count)]
            case .lfu:
                victim = heap[0]
                // The newcomer is the most recent, so it wins ties and loses only on frequency.
                if frequency < entries[Int(victim)].count { return refuse() }
            default: preconditionFailure("Redis policies evict after storing")
            }
            remove(victim, cause: .evicted)
        }
        let s = takeSlot()
        let e = entries + Int(s)
        e.pointee.key = key
        e.pointee.version = version
        e.pointee.size = weight
        e.pointee.expiresAt = expires
        e.pointee.count = frequency
        e.pointee.tick = tick
        e.pointee.dirty = dirty
        e.pointee.live = true
        if dirty {
            e.pointee.flushEpoch &+= 1
            dirtyCount += 1
        }
        count += 1
        usedBytes += weight
        index[key] = KeyState(slot: s, count: 0)
        link(s)
        if policy.isRedis {
            redisStart(s, now: now)
            // Redis stores first and evicts before the next command: the newcomer may be the victim.
            while bytes ? usedBytes > limit : Double(count) > limit {
                if ttlNs != nil, expiry.tail >= 0, entries[Int(expiry.tail)].expiresAt <= now {
                    remove(expiry.tail, cause: .expired)
                    continue
                }
                // volatile-* with no key holding a TTL: nothing may go, so the write is refused (Redis: OOM).
                let victim = policy.isVolatile && ttlNs == nil ? s : redisVictim(now: now)
                remove(victim, cause: .evicted)
            }
            guard index[key]?.slot == s else { return Stored(admitted: false, slot: -1, becameDirty: false, flushEpoch: 0) }
        }
        return Stored(admitted: true, slot: s, becameDirty: dirty, flushEpoch: e.pointee.flushEpoch)
    }

    /// Empties the cache (a flush, or a restart that lost memory): every entry is in ``removals``,
    /// and a later miss on one of these keys counts as invalidated.
    public func removeAll() {
        removals.removeAll(keepingCapacity: true)
        for s in 0..<allocated where entries[s].live { remove(Int32(s), cause: .invalidated) }
    }

    /// Deletes `key` if it is cached (the entry is in ``removals``); returns whether it was.
    @discardableResult
    public func invalidate(_ key: UInt64) -> Bool {
        removals.removeAll(keepingCapacity: true)
        guard let state = index[key], state.slot >= 0 else { return false }
        remove(state.slot, cause: .invalidated)
        return true
    }

    /// A flush timer for `slot` went off: if the entry there is still the one that became dirty
    /// at `epoch` and is still dirty, it is marked clean and returned for writing back.
    public func flushDue(slot: Int32, epoch: UInt32) -> CacheRemoval? {
        guard slot >= 0, Int(slot) < allocated else { return nil }
        let e = entries + Int(slot)
        guard e.pointee.live, e.pointee.dirty, e.pointee.flushEpoch == epoch else { return nil }
        e.pointee.dirty = false
        dirtyCount -= 1
        return CacheRemoval(key: e.pointee.key, version: e.pointee.version, size: e.pointee.size, dirty: true, cause: .evicted)
    }

    /// A key cached now, drawn uniformly (nil when empty); it counts no request and changes nothing.
    public func randomCachedKey(_ stream: RandomStream) -> UInt64? {
        guard count > 0 else { return nil }
        for _ in 0..<64 {
            let s = stream.index(below: allocated)
            if entries[s].live { return entries[s].key }
        }
        // Mostly free slots: the next live slot after a random start (near-uniform).
        let start = stream.index(below: allocated)
        for i in 0..<allocated where entries[(start + i) % allocated].live { return entries[(start + i) % allocated].key }
        return nil
    }

    /// The version cached for `key` (expired or not), or nil; it counts no request and changes nothing.
    public func cachedVersion(of key: UInt64) -> UInt32? {
        guard let slot = index[key]?.slot, slot >= 0 else { return nil }
        return entries[Int(slot)].version
    }

    /// Whether `key` is cached (expired or not), without counting a request.
    public func contains(_ key: UInt64) -> Bool { (index[key]?.slot ?? -1) >= 0 }

    /// The cached keys from the next victim to the last (LRU, FIFO, LFU), or in slot order (random).
    /// For tests; O(C).
    public var keysInEvictionOrder: [UInt64] {
        var out: [UInt64] = []
        switch policy {
        case .lru, .fifo:
            var s = order.tail
            while s >= 0 { out.append(entries[Int(s)].key); s = entries[Int(s)].order.prev }
        case .lfu:
            for s in heap.sorted(by: less) { out.append(entries[Int(s)].key) }
        default:
            for s in 0..<allocated where entries[s].live { out.append(entries[s].key) }
        }
        return out
    }

    // MARK: Slots and removal

    private static func absent(_ cause: CacheMissCause) -> Int32 { -1 - Int32(cause.rawValue) }
    private static func cause(_ slot: Int32) -> CacheMissCause { CacheMissCause(rawValue: Int(-1 - slot)) ?? .cold }

    private func takeSlot() -> Int32 { slots.take { Entry() } }

    /// Removes the entry in slot `s`, recording it in ``removals`` and remembering why in the index.
    private func remove(_ s: Int32, cause: CacheRemovalCause) {
        let e = entries + Int(s)
        unlinkAll(s)
        removals.append(CacheRemoval(key: e.pointee.key, version: e.pointee.version, size: e.pointee.size,
                                     dirty: e.pointee.dirty, cause: cause))
        let missCause: CacheMissCause = switch cause {
        case .evicted: .capacity
        case .expired: .expired
        case .invalidated: .invalidated
        }
        index[e.pointee.key] = KeyState(slot: CacheStore.absent(missCause), count: e.pointee.count)
        if e.pointee.dirty { dirtyCount -= 1 }
        e.pointee.dirty = false
        e.pointee.live = false
        count -= 1
        usedBytes -= e.pointee.size
        if count == 0 { usedBytes = 0 }  // no rounding residue in an empty cache
        slots.give(s)
    }

    /// An updated entry grew past the capacity: take it out, make room for it, and put it back
    /// (a FIFO entry goes to the back of the line). If no room can be made, it leaves; if it is
    /// dirty it is then in ``removals``. A dirty entry that is put back gets a new flush epoch.
    private func refit(_ s: Int32, now: Int64) -> Stored {
        let e = entries + Int(s)
        let key = e.pointee.key, version = e.pointee.version, size = e.pointee.size, dirty = e.pointee.dirty
        // Detach without recording a removal: the value stays, only its room changes.
        unlinkAll(s)
        if dirty { dirtyCount -= 1 }
        e.pointee.live = false
        e.pointee.dirty = false
        count -= 1
        usedBytes -= size
        slots.give(s)
        index[key] = KeyState(slot: CacheStore.absent(.capacity), count: e.pointee.count)
        let saved = removals
        let stored = store(key, version: version, size: size, now: now, dirty: dirty, access: false)
        removals = saved + removals
        return stored
    }

    // MARK: Policy structures

    private func link(_ s: Int32) {
        switch policy {
        case .lru, .fifo: pushFront(s)
        case .lfu:
            entries[Int(s)].position = Int32(heap.count)
            heap.append(s)
            siftUp(heap.count - 1)
        default:
            entries[Int(s)].position = Int32(members.count)
            members.append(s)
        }
        if ttlNs != nil { pushFrontExpiry(s) }
    }

    private func unlinkAll(_ s: Int32) {
        switch policy {
        case .lru, .fifo: unlink(s)
        case .random, .redisLRU, .redisLFU, .redisRandom, .volatileLRU, .volatileLFU, .volatileRandom, .volatileTTL:
            let i = Int(entries[Int(s)].position)
            let last = members.removeLast()
            if last != s {
                members[i] = last
                entries[Int(last)].position = Int32(i)
            }
        case .lfu:
            let i = Int(entries[Int(s)].position)
            let last = heap.removeLast()
            if last != s {
                heap[i] = last
                entries[Int(last)].position = Int32(i)
                siftDown(i)
                siftUp(i)
            }
        }
        if ttlNs != nil { unlinkExpiry(s) }
    }

    @inline(__always) private func pushFront(_ s: Int32) { order.pushFront(s, in: entries) }
    @inline(__always) private func unlink(_ s: Int32) { order.unlink(s, in: entries) }
    @inline(__always) private func pushFrontExpiry(_ s: Int32) { expiry.pushFront(s, in: entries) }
    @inline(__always) private func unlinkExpiry(_ s: Int32) { expiry.unlink(s, in: entries) }

    /// LFU heap order: fewer requests first; among equals, the least recently requested.
    @inline(__always)
    private func less(_ a: Int32, _ b: Int32) -> Bool {
        let x = entries + Int(a), y = entries + Int(b)
        return x.pointee.count < y.pointee.count || (x.pointee.count == y.pointee.count && x.pointee.tick < y.pointee.tick)
    }

    private func siftUp(_ start: Int) {
        var i = start
        let s = heap[i]
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(s, heap[parent]) else { break }
            heap[i] = heap[parent]
            entries[Int(heap[i])].position = Int32(i)
            i = parent
        }
        heap[i] = s
        entries[Int(s)].position = Int32(i)
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        guard i < n else { return }
        let s = heap[i]
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            var child = l
            if l + 1 < n && less(heap[l + 1], heap[l]) { child = l + 1 }
            guard less(heap[child], s) else { break }
            heap[i] = heap[child]
            entries[Int(heap[i])].position = Int32(i)
            i = child
        }
        heap[i] = s
        entries[Int(s)].position = Int32(i)
    }
}
