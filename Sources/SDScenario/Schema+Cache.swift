import SDEngine
import SDConfig
import Yams

/// The keys of `kind: cache`. A cache is either simple (`hit-ratio`: a fixed fraction of lookups
/// hit) or keyed (`capacity`: it holds the requests' keys, with `policy`, `ttl`, `write-policy`
/// and `flush-delay`); exactly one of `hit-ratio` and `capacity` is required.
extension Schema {
    static let hitRatio = FieldSpec<ComponentDraft>(
        "hit-ratio", help: "Simple cache: each lookup hits with this probability, independently; requests need no keys. Not with `capacity`.",
        shape: .fraction) { d, n, v in
        d.hitRatio = v.fraction(n, key: "hit-ratio")
    }
    /// `capacity: 10k` holds 10,000 entries; `capacity: 64MB` holds 64 MB of values, each entry
    /// weighing the size of the request that stored it. A count takes the suffixes k and M; `B`
    /// is bytes here (write `1000M` for a billion entries).
    static let capacity = FieldSpec<ComponentDraft>(
        "capacity", example: "capacity: 10k",
        help: "Keyed cache: how much it holds, a count of entries (`10k`) or a size (`64MB`, each entry weighing its request's size). "
            + "Requests need `keys`. Not with `hit-ratio`.",
        shape: .form("a count of entries or a size", example: "10k", pattern: SchemaPatterns.countOrSize)) { d, n, v in
        d.capacity = v.cacheCapacity(n, key: "capacity")
        d.capacityGiven = true
    }
    static let cachePolicy = FieldSpec<ComponentDraft>(
        "policy", help: "What a full keyed cache evicts: the least recently used entry; the least frequently used (counting every request "
            + "for the key since the start, ties to the least recently used); the first inserted; a random entry. The `redis-*` "
            + "policies are Redis's `allkeys-lru`, `allkeys-lfu` and `allkeys-random` as Redis implements them (sampled keys, "
            + "a coarse LRU clock, logarithmic counters that are forgotten on eviction); `volatile-*` evict only keys with a TTL "
            + "(they need `ttl`). See docs/explanation/redis-vs-textbook-caches.md.",
        shape: .choice(CachePolicy.allCases.map(\.rawValue)), default: "lru") { d, n, v in
        let options = CachePolicy.allCases.map { (name: $0.rawValue, value: $0) }
        if let p = v.choice(n, key: "policy", noun: "cache policy", plural: "cache policies", options: options,
                            place: " in component '\(d.name)'") {
            d.cachePolicy = p
        }
    }
    static let ttl = FieldSpec<ComponentDraft>(
        "ttl", help: "Keyed cache: how long an entry stays valid after it was stored. Hits do not extend it.",
        shape: .duration(positive: true), default: "until evicted") { d, n, v in
        d.ttl = v.duration(n, key: "ttl", positive: true)
    }
    static let writePolicy = FieldSpec<ComponentDraft>(
        "write-policy",
        help: "Writes to a keyed cache: `cache-aside` sends the write to `on-miss` and deletes the entry when it has been applied; "
            + "`write-through` sends it and stores the new value when applied; `write-back` stores the value as dirty and answers at once, "
            + "writing it to `on-miss` later.",
        shape: .choice(CacheWritePolicy.allCases.map(\.rawValue)), default: "cache-aside") { d, n, v in
        let options = CacheWritePolicy.allCases.map { (name: $0.rawValue, value: $0) }
        d.writePolicy = v.choice(n, key: "write-policy", noun: "write policy", plural: "write policies", options: options,
                                 place: " in component '\(d.name)'")
    }
    static let flushDelay = FieldSpec<ComponentDraft>(
        "flush-delay", help: "`write-policy: write-back` only: how long after an entry becomes dirty it is written to `on-miss`.",
        shape: .duration(positive: false), default: "none (flush only when the entry leaves)") { d, n, v in
        d.flushDelay = v.duration(n, key: "flush-delay", positive: false)
    }

    static let warm = FieldSpec<ComponentDraft>(
        "warm", help: "Keyed cache: start full, in the state a long-running cache is in. Before the run, keys drawn from "
            + "the key distribution of the traffic that reaches the cache go through its policy until it has been full "
            + "for as many draws again as filling it took (for LRU the contents are then exactly those of its steady state), "
            + "so the hit ratio is the steady one from the first second.",
        shape: .flag, default: "false (start empty)") { d, n, v in if let b = v.bool(n, key: "warm") { d.warm = b } }

    static let cacheFill = FieldSpec<ComponentDraft>(
        "fill",
        help: "Keyed cache: the cost of storing what a read miss brought back from `on-miss` (the SET of cache-aside), paid "
            + "at the cache: the request waits for a worker again and takes this long before it is answered.",
        shape: .distribution(.duration), default: "free") { d, n, v in
        d.cacheFill = v.distribution(n, key: "fill", of: .duration)
    }

    /// Keys that only a keyed cache understands.
    static let keyedCacheKeys = ["policy", "ttl", "write-policy", "flush-delay", "entry-overhead", "samples",
                                 "lru-clock-resolution", "lfu-log-factor", "lfu-decay-time", "warm", "fill"]

    /// `kind: cache`.
    static let cacheKind = ComponentKindSpec(
        name: "cache", article: "a cache", isLoadBalancer: false,
        fields: [kind, hitRatio, capacity, maxmemory, cachePolicy, ttl, writePolicy, flushDelay, warm, entryOverhead, samples,
                 lruClockResolution, lfuLogFactor, lfuDecayTime, cacheFill, workersField, service, queueLimitField, onMiss, replicasField],
        edges: { d in d.onMiss.map { [(key: "on-miss", ref: $0)] } ?? [] },
        build: { d in
            guard let service = d.service else { return nil }
            if let capacity = d.capacity {
                var keyed = KeyedCacheConfig(capacity: capacity, policy: d.cachePolicy, ttl: d.ttl,
                                             writePolicy: d.writePolicy ?? .cacheAside, flushDelay: d.flushDelay,
                                             entryOverhead: Schema.entryOverhead(d, maxmemory: d.maxmemoryGiven),
                                             redis: Schema.redisEviction(d))
                keyed.fill = d.cacheFill
                keyed.warm = d.warm
                return .cache(CacheConfig(keyed: keyed, workers: d.workers, service: service,
                                          queueLimit: d.queueLimit, onMiss: d.onMiss?.name))
            }
            guard let hitRatio = d.hitRatio else { return nil }
            return .cache(CacheConfig(hitRatio: hitRatio, workers: d.workers, service: service,
                                      queueLimit: d.queueLimit, onMiss: d.onMiss?.name))
        },
        check: { d, mapping, v in
            v.checkCache(d, mapping)
            v.checkRedisCache(d, mapping)
        },
        help: """
        A station like a server (workers, waiting room, service time); every request costs one service time. A cache is \
        either simple (`hit-ratio`) or keyed (`capacity`); exactly one of the two is required. A miss is sent to \
        `on-miss`; when that answer comes back the request moves on along its route. The cache's worker is not held \
        while the miss is out.
        """)
}

extension Validator {
    /// A cache's capacity: a count of entries (`10k`) or a size (`64MB`), told apart by the unit.
    func cacheCapacity(_ node: YAMLNode, key: String) -> CacheCapacity? {
        let expected = "a number of entries such as '10k' or a size such as '64MB'"
        guard let text = scalarText(node, key: key, expected: expected) else { return nil }
        guard case .success(let p) = Units.split(text), p.number != nil else {
            error("'\(key)' must be \(expected), found '\(text)'", at: node)
            return nil
        }
        if Units.sizeUnits.contains(where: { $0.name == p.unit }) {
            switch Units.parseSize(text) {
            case .failure(let e):
                error(e.message, at: node, offset: e.offset)
                return nil
            case .success(let bytes):
                guard bytes > 0 else {
                    error("'\(key)' must be greater than 0 (found '\(text)')", at: node)
                    return nil
                }
                return .bytes(bytes)
            }
        }
        guard p.unit.isEmpty || p.unit == "k" || p.unit == "M" else {
            let sizeNames = Units.sizeUnits.map(\.name)
            let hint = Units.likelyUnit(p.unit, among: sizeNames, aliases: Units.sizeAliases)
                .map { "; did you mean '\($0)'? (write \(expected))" } ?? "; write \(expected)"
            error("unknown unit '\(p.unit)' in capacity '\(text)'\(hint)", at: node, offset: p.unitOffset)
            return nil
        }
        guard case .success(let n) = Units.parseCount(text) else {
            error("'\(key)' must be a whole number of entries such as '10k', found '\(text)'", at: node, offset: p.numberOffset)
            return nil
        }
        guard n >= 1 else {
            error("'\(key)' must be at least 1 (found \(n))", at: node)
            return nil
        }
        guard n <= 1_000_000_000_000 else {
            error("'\(key)' must be at most 1000000000000 entries (found \(n))", at: node)
            return nil
        }
        return .items(n)
    }

    /// The checks that involve several keys of one cache.
    func checkCache(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        func keyNode(_ key: String) -> YAMLNode? { mapping.first { $0.key.scalar?.string == key }?.key }
        let hitRatioKey = keyNode("hit-ratio"), capacityKey = keyNode("capacity") ?? keyNode("maxmemory")
        switch (hitRatioKey, capacityKey) {
        case (let h?, let c?):
            let later = (h.mark?.line ?? 0, h.mark?.column ?? 0) > (c.mark?.line ?? 0, c.mark?.column ?? 0) ? h : c
            let name = c.scalar?.string ?? "capacity"
            error("'hit-ratio' and '\(name)' cannot be used together\(place); '\(name)' makes a cache that holds keys, 'hit-ratio' one whose hits are drawn at random",
                  at: later)
        case (nil, nil):
            // A misspelled 'capacity' or 'hit-ratio' has been reported with a suggestion already.
            let allowed = Schema.cacheKind.fields.map(\.key)
            let misspelled = mapping.contains { pair in
                guard let k = pair.key.scalar?.string, !allowed.contains(k) else { return false }
                let close = Suggestions.closest(to: k, among: allowed)
                return close == "capacity" || close == "hit-ratio"
            }
            if !misspelled {
                error("missing required key 'capacity' or 'hit-ratio'\(place); add e.g. 'capacity: 10k' for a cache that holds keys, or 'hit-ratio: 0.8'",
                      at: d.keyNode)
            }
        case (_?, nil):
            for key in Schema.keyedCacheKeys {
                guard let node = keyNode(key) else { continue }
                error("'\(key)' applies only to a cache with a 'capacity'\(place); a cache with 'hit-ratio' holds no keys",
                      at: node)
            }
        case (nil, _?):
            break
        }
        if let flush = keyNode("flush-delay"), d.writePolicy != .writeBack,
           keyNode("write-policy") == nil || d.writePolicy != nil, capacityKey != nil {
            error("'flush-delay' applies only to 'write-policy: write-back'\(place)", at: flush)
        }
    }
}
