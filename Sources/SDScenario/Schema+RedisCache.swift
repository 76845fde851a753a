import SDEngine
import SDConfig
import Yams

/// The keys of a keyed cache that configure Redis's eviction (`policy: redis-lru` and the other
/// `redis-*` and `volatile-*` policies) and Redis's way of counting memory (`maxmemory`,
/// `entry-overhead`). Each applies only to the policies that read it.
extension Schema {
    /// Bytes Redis 7.0 (64-bit, jemalloc) uses per string key beyond the value, measured by
    /// `tools/validate/redis/validate.py` with short keys and 10–1000 B values (82–88 B): the
    /// dictionary entry, the key's string, the value's object header and the hash-table slot.
    static let redisEntryOverhead = 88.0

    static let maxmemory = FieldSpec<ComponentDraft>(
        "maxmemory",
        help: "Keyed cache, as Redis's `maxmemory`: how many bytes it holds, each entry weighing its request's size plus "
            + "`entry-overhead`. The same as a `capacity` in bytes, but with Redis's per-entry overhead by default. "
            + "Not with `capacity` or `hit-ratio`. Redis's `4gb` is `4GiB` here. Redis's own memory at start (about 1 MB) is not counted.",
        shape: .size) { d, n, v in
        if let bytes = v.size(n, key: "maxmemory") {
            if bytes > 0 { d.capacity = .bytes(bytes) } else { v.error("'maxmemory' must be greater than 0", at: n) }
        }
        d.capacityGiven = true
        d.maxmemoryGiven = true
    }
    static let entryOverhead = FieldSpec<ComponentDraft>(
        "entry-overhead",
        help: "Keyed cache with a capacity in bytes (`maxmemory`, or `capacity` as a size): bytes each entry weighs beyond its "
            + "value (key, dictionary entry, object headers).",
        shape: .size, default: "88B with `maxmemory` (Redis 7 strings), 0B with `capacity`") { d, n, v in
        d.entryOverhead = v.size(n, key: "entry-overhead")
    }
    static let samples = FieldSpec<ComponentDraft>(
        "samples",
        help: "Redis policies that sample (`redis-lru`, `redis-lfu`, `volatile-lru`, `volatile-lfu`, `volatile-ttl`): keys sampled "
            + "per eviction into the 16-entry eviction pool, as Redis's `maxmemory-samples`. More samples, closer to exact LRU/LFU.",
        shape: .count(1...64), default: "5") { d, n, v in
        d.samples = v.count(n, key: "samples", range: 1...64)
    }
    static let lruClockResolution = FieldSpec<ComponentDraft>(
        "lru-clock-resolution",
        help: "`redis-lru` and `volatile-lru`: the tick of Redis's LRU clock. Idle times are counted in whole ticks, so keys "
            + "touched within one tick look equally idle; when the cache turns over many times per tick, eviction is nearly random.",
        shape: .duration(positive: true), default: "1s") { d, n, v in
        d.lruClockResolution = v.duration(n, key: "lru-clock-resolution", positive: true)
    }
    static let lfuLogFactor = FieldSpec<ComponentDraft>(
        "lfu-log-factor",
        help: "`redis-lfu` and `volatile-lfu`, as Redis's `lfu-log-factor`: a key's 8-bit counter c (5 when stored) grows on an "
            + "access with probability 1/((c − 5) × factor + 1); 0 counts every access.",
        shape: .number(atLeast: 0), default: "10") { d, n, v in
        d.lfuLogFactor = v.nonNegativeNumber(n, key: "lfu-log-factor")
    }
    static let lfuDecayTime = FieldSpec<ComponentDraft>(
        "lfu-decay-time",
        help: "`redis-lfu` and `volatile-lfu`, as Redis's `lfu-decay-time`: minutes (a whole number) for a counter to lose 1 "
            + "while its key is not accessed; 0 never decays.",
        shape: .count(0...65_535), default: "1") { d, n, v in
        d.lfuDecayTime = v.count(n, key: "lfu-decay-time", range: 0...65_535)
    }

    /// The Redis keys, and which policies read each.
    static let redisCacheKeys: [(key: String, applies: @Sendable (CachePolicy) -> Bool, policies: String)] = [
        ("samples", { $0.usesEvictionPool }, "redis-lru, redis-lfu, volatile-lru, volatile-lfu and volatile-ttl"),
        ("lru-clock-resolution", { $0.usesLRUClock }, "redis-lru and volatile-lru"),
        ("lfu-log-factor", { $0.usesLFUCounter }, "redis-lfu and volatile-lfu"),
        ("lfu-decay-time", { $0.usesLFUCounter }, "redis-lfu and volatile-lfu"),
    ]

    /// The Redis parameters of a draft, Redis's defaults where absent.
    static func redisEviction(_ d: ComponentDraft) -> RedisEvictionConfig {
        let defaults = RedisEvictionConfig()
        return RedisEvictionConfig(samples: d.samples ?? defaults.samples,
                                   lruClockResolution: d.lruClockResolution ?? defaults.lruClockResolution,
                                   lfuLogFactor: d.lfuLogFactor ?? defaults.lfuLogFactor,
                                   lfuDecayMinutes: d.lfuDecayTime ?? defaults.lfuDecayMinutes)
    }

    /// The entry overhead of a draft: as written, else Redis's with `maxmemory`, else none.
    static func entryOverhead(_ d: ComponentDraft, maxmemory: Bool) -> Double {
        d.entryOverhead ?? (maxmemory ? redisEntryOverhead : 0)
    }
}

extension Validator {
    /// A plain number, 0 or more.
    func nonNegativeNumber(_ node: YAMLNode, key: String) -> Double? {
        guard let text = scalarText(node, key: key, expected: "a number, 0 or more") else { return nil }
        guard case .success(let x) = Units.parseNumber(text), x.isFinite else {
            error("'\(key)' must be a number, 0 or more, found '\(text)'", at: node)
            return nil
        }
        guard x >= 0 else {
            error("'\(key)' must be 0 or more (found \(text))", at: node)
            return nil
        }
        return x
    }

    /// The checks of the Redis keys of one cache: each applies only to the policies that read
    /// it, `entry-overhead` only to a capacity in bytes, `maxmemory` not with `capacity`, and a
    /// `volatile-*` policy needs a `ttl`.
    func checkRedisCache(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        func keyNode(_ key: String) -> YAMLNode? { mapping.first { $0.key.scalar?.string == key }?.key }
        let policyGiven = keyNode("policy") != nil
        for (key, applies, policies) in Schema.redisCacheKeys where !applies(d.cachePolicy) {
            guard let node = keyNode(key), policyGiven || d.cachePolicy == .lru else { continue }
            error("'\(key)' applies only to the policies \(policies)\(place), not to '\(d.cachePolicy.rawValue)'", at: node)
        }
        if let m = keyNode("maxmemory"), let c = keyNode("capacity") {
            let later = (m.mark?.line ?? 0, m.mark?.column ?? 0) > (c.mark?.line ?? 0, c.mark?.column ?? 0) ? m : c
            error("'maxmemory' and 'capacity' cannot be used together\(place); 'maxmemory: 64MB' is a capacity in bytes with Redis's per-entry overhead",
                  at: later)
        }
        if let node = keyNode("entry-overhead"), keyNode("capacity") != nil, case .items = d.capacity {
            error("'entry-overhead' applies only to a capacity in bytes\(place); this cache counts entries", at: node)
        }
        if d.cachePolicy.isVolatile, d.ttl == nil, keyNode("ttl") == nil, let node = keyNode("policy") {
            let allKeys: CachePolicy = switch d.cachePolicy {
            case .volatileLFU: .redisLFU
            case .volatileRandom: .redisRandom
            default: .redisLRU
            }
            error("'\(d.cachePolicy.rawValue)' evicts only keys with a TTL, and without 'ttl' no key has one\(place): once full the cache would refuse every new key (Redis answers OOM); add a 'ttl' or use '\(allKeys.rawValue)'",
                  at: node)
        }
    }
}
