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
    public var hitRatio: Double? { mode.fixedHitRatio }

    /// The contents policy of a keyed cache; nil in the simple form.
    public var keyed: KeyedCacheConfig? { mode.keyedConfig }
}

/// How a cache decides whether a lookup hits.
public enum CacheMode: Sendable, Equatable {
    /// Each lookup hits with this probability, independently (`hit-ratio:`); requests need no keys.
    case hitRatio(Double)
    /// The cache holds keys and looks each request's key up (`capacity:`).
    case keyed(KeyedCacheConfig)
}

extension CacheMode {
    /// The probability of a hit of `hit-ratio:`; nil for a keyed cache.
    public var fixedHitRatio: Double? {
        if case .hitRatio(let p) = self { return p }
        return nil
    }

    /// The contents policy of `capacity:`; nil for a fixed ratio.
    public var keyedConfig: KeyedCacheConfig? {
        if case .keyed(let k) = self { return k }
        return nil
    }
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
    /// Redis's `allkeys-lru`: the most idle of a few sampled keys, kept in an eviction pool of 16
    /// candidates, idle time read from an LRU clock of coarse resolution (``RedisEvictionConfig``).
    case redisLRU = "redis-lru"
    /// Redis's `allkeys-lfu`: the lowest of 8-bit logarithmic access counters among sampled keys
    /// (through the same pool); a key's counter starts at 5 when it is stored and is forgotten
    /// when it leaves.
    case redisLFU = "redis-lfu"
    /// Redis's `allkeys-random`: a key drawn at random, the one just stored included.
    case redisRandom = "redis-random"
    /// Redis's `volatile-lru`: as `redis-lru`, among the keys that have a TTL.
    case volatileLRU = "volatile-lru"
    /// Redis's `volatile-lfu`: as `redis-lfu`, among the keys that have a TTL.
    case volatileLFU = "volatile-lfu"
    /// Redis's `volatile-random`: as `redis-random`, among the keys that have a TTL.
    case volatileRandom = "volatile-random"
    /// Redis's `volatile-ttl`: among sampled keys with a TTL, the one that expires soonest.
    case volatileTTL = "volatile-ttl"

    /// Whether this is one of Redis's `maxmemory-policy` algorithms.
    public var isRedis: Bool {
        switch self {
        case .lru, .lfu, .fifo, .random: return false
        default: return true
        }
    }

    /// Whether only keys with a TTL may be evicted (Redis's `volatile-*`).
    public var isVolatile: Bool {
        switch self {
        case .volatileLRU, .volatileLFU, .volatileRandom, .volatileTTL: return true
        default: return false
        }
    }

    /// Whether the policy reads Redis's LRU clock (`redis-lru`, `volatile-lru`).
    public var usesLRUClock: Bool { self == .redisLRU || self == .volatileLRU }
    /// Whether the policy keeps Redis's logarithmic access counters (`redis-lfu`, `volatile-lfu`).
    public var usesLFUCounter: Bool { self == .redisLFU || self == .volatileLFU }
    /// Whether victims are chosen from samples through the eviction pool (every Redis policy but the random ones).
    public var usesEvictionPool: Bool { isRedis && self != .redisRandom && self != .volatileRandom }
    /// Whether the policy draws random numbers (and so needs the cache's own random stream).
    public var isRandomized: Bool { self == .random || isRedis }
}

/// The parameters of Redis's eviction algorithms (`redis-*` and `volatile-*` policies), with
/// Redis's defaults. See `docs/explanation/redis-vs-textbook-caches.md`.
public struct RedisEvictionConfig: Sendable, Equatable {
    /// Keys sampled per eviction (`maxmemory-samples`, default 5).
    public var samples: Int
    /// The LRU clock's tick: idle times are counted in whole ticks (Redis: 1 s, `LRU_CLOCK_RESOLUTION`).
    public var lruClockResolution: SimDuration
    /// `lfu-log-factor` (default 10): a counter at c > 5 grows on an access with probability 1/((c − 5)·factor + 1).
    public var lfuLogFactor: Double
    /// `lfu-decay-time` in minutes (default 1; 0 never decays): a counter loses 1 for every such
    /// period without an access.
    public var lfuDecayMinutes: Int

    /// Redis's eviction parameters (defaults as in `redis.conf`).
    public init(samples: Int = 5, lruClockResolution: SimDuration = SimDuration(ns: 1_000_000_000), lfuLogFactor: Double = 10,
                lfuDecayMinutes: Int = 1) {
        self.samples = samples; self.lruClockResolution = lruClockResolution
        self.lfuLogFactor = lfuLogFactor; self.lfuDecayMinutes = lfuDecayMinutes
    }
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
    /// Whether it starts full, in its steady state (`warm: true`; see `KeyedCache.warmUp()`).
    public var warm = false
    /// Bytes each entry weighs beyond its value, for a capacity in bytes (Redis's key, dictionary
    /// entry and object headers); 0 for a textbook cache.
    public var entryOverhead: Double
    /// The parameters of the Redis policies (ignored by the textbook ones).
    public var redis: RedisEvictionConfig
    /// The cost of storing what a read miss brought back (the cache-aside SET), paid at the cache:
    /// the request queues for a worker again and takes this long before it is answered (nil: free).
    public var fill: Distribution?

    /// A keyed cache policy.
    public init(capacity: CacheCapacity, policy: CachePolicy = .lru, ttl: SimDuration? = nil,
                writePolicy: CacheWritePolicy = .cacheAside, flushDelay: SimDuration? = nil,
                entryOverhead: Double = 0, redis: RedisEvictionConfig = RedisEvictionConfig()) {
        self.capacity = capacity; self.policy = policy; self.ttl = ttl
        self.writePolicy = writePolicy; self.flushDelay = flushDelay
        self.entryOverhead = entryOverhead; self.redis = redis
    }
}
