import SDEngine
import Glibc

/// A cache: a station that answers some requests itself and sends the rest (misses) to `onMiss`.
///
/// In its simple form (``CacheMode/hitRatio(_:)``) a fixed fraction of lookups hit, drawn at
/// random; a keyed cache (``CacheMode/keyed(_:)``) holds real keys and decides by looking the
/// request's key up in its contents.
public struct CacheConfig: Sendable, Equatable {
    /// How hits are decided.
    public var mode: CacheMode
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Time to look up (and answer) one request, in seconds; paid by hits and misses alike.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited.
    public var queueLimit: Int?
    /// The group that serves misses (and, for a keyed cache, receives writes and flushes); nil
    /// means a miss costs nothing more.
    public var onMiss: String?

    /// A cache in its simple form: a fraction `hitRatio` of lookups hit.
    public init(hitRatio: Double, workers: Int = 1, service: Distribution, queueLimit: Int? = nil, onMiss: String? = nil) {
        self.init(mode: .hitRatio(hitRatio), workers: workers, service: service, queueLimit: queueLimit, onMiss: onMiss)
    }

    /// A keyed cache with the given contents policy.
    public init(keyed: KeyedCacheConfig, workers: Int = 1, service: Distribution, queueLimit: Int? = nil,
                onMiss: String? = nil) {
        self.init(mode: .keyed(keyed), workers: workers, service: service, queueLimit: queueLimit, onMiss: onMiss)
    }

    /// A cache in either mode.
    public init(mode: CacheMode, workers: Int = 1, service: Distribution, queueLimit: Int? = nil, onMiss: String? = nil) {
        self.mode = mode; self.workers = workers; self.service = service
        self.queueLimit = queueLimit; self.onMiss = onMiss
    }

    /// The probability of a hit in the simple form; nil for a keyed cache.
    public var hitRatio: Double? {
        if case .hitRatio(let p) = mode { return p }
        return nil
    }

    /// The contents policy of a keyed cache; nil in the simple form.
    public var keyed: KeyedCacheConfig? {
        if case .keyed(let k) = mode { return k }
        return nil
    }
}

/// How a cache decides whether a lookup hits.
public enum CacheMode: Sendable, Equatable {
    /// Each lookup hits with this probability, independently (`hit-ratio:`); requests need no keys.
    case hitRatio(Double)
    /// The cache holds keys and looks each request's key up (`capacity:`).
    case keyed(KeyedCacheConfig)
}

/// What a keyed cache evicts when it is full.
public enum CachePolicy: String, Sendable, Equatable, CaseIterable {
    /// The least recently used entry (a hit moves an entry to the front).
    case lru
    /// The least frequently used entry, counting every request for the key since the run began,
    /// also while it was not cached ("perfect LFU"); ties go to the least recently used.
    case lfu
    /// The entry inserted first (hits do not reorder).
    case fifo
    /// An entry chosen uniformly at random.
    case random
}

/// What a keyed cache does with a write request.
public enum CacheWritePolicy: String, Sendable, Equatable, CaseIterable {
    /// The write goes to `on-miss` (the database); when it has been applied there, the cached
    /// entry is deleted, so that the next read fetches the new value.
    case cacheAside = "cache-aside"
    /// The write goes to `on-miss`; when it has been applied there, the cache stores the new value.
    case writeThrough = "write-through"
    /// The cache stores the new value and answers at once; the value reaches `on-miss` later, after
    /// `flush-delay` or when the entry leaves the cache.
    case writeBack = "write-back"
}

/// How much a keyed cache holds.
public enum CacheCapacity: Sendable, Equatable {
    /// At most this many entries (≥ 1).
    case items(Int)
    /// At most this many bytes of values (> 0); an entry weighs the size of the request that stored it.
    case bytes(Double)
}

/// The contents policy of a keyed cache.
public struct KeyedCacheConfig: Sendable, Equatable {
    /// How much it holds.
    public var capacity: CacheCapacity
    /// What it evicts when full.
    public var policy: CachePolicy
    /// How long an entry stays valid after it was stored (nil: until evicted). Hits do not extend it.
    public var ttl: SimDuration?
    /// What it does with writes.
    public var writePolicy: CacheWritePolicy
    /// For `write-back`: how long after an entry becomes dirty it is written to `on-miss` (nil:
    /// only when it leaves the cache).
    public var flushDelay: SimDuration?

    /// A keyed cache policy.
    public init(capacity: CacheCapacity, policy: CachePolicy = .lru, ttl: SimDuration? = nil,
                writePolicy: CacheWritePolicy = .cacheAside, flushDelay: SimDuration? = nil) {
        self.capacity = capacity; self.policy = policy; self.ttl = ttl
        self.writePolicy = writePolicy; self.flushDelay = flushDelay
    }
}
