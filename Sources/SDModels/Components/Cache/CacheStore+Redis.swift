import SDEngine
import SDConfig

/// Redis's eviction algorithms (`maxmemory-policy`), as Redis 7 implements them in `evict.c`, on
/// the entries of a ``CacheStore``. The point is to reproduce Redis's hit ratio, not only its
/// intent, so the approximations are Redis's own:
///
/// - **Store, then evict.** Redis adds a key and evicts before the next command while memory is
///   over `maxmemory`; the key just stored is a candidate like any other.
/// - **Sampling and the eviction pool** (LRU, LFU, volatile-ttl). Each eviction samples
///   `samples` distinct cached keys and offers each to a pool of 16 candidates kept in ascending
///   order of score (idle time, 255 − counter, or nearness of expiry); a key enters if the pool
///   has room or it beats the pool's worst. The victim is the pool's best entry that still
///   exists. Pool scores are never refreshed, so a key accessed after it entered the pool keeps
///   its old score, and a deleted key stays as a "ghost" until it is reached. Redis samples a
///   run of neighbouring hash-table buckets from a random start, which is random with respect to
///   access history; here the sample is drawn uniformly without replacement, and offered to the
///   pool in the order of a walk over buckets from a random one: by a hash of the keys, rotated
///   by a random start.
/// - **The LRU clock.** An entry records the clock at its last access; idle time is counted in
///   whole ticks of `lruClockResolution` (Redis: 1 s). Within one tick every key looks equally
///   idle: when the cache turns over many times per tick, LRU degrades towards random eviction.
/// - **LFU counters.** An 8-bit logarithmic counter per key, 5 for a new key; an access first
///   decays it (−1 per `lfu-decay-time` minutes since the last access, in whole minutes of the
///   clock) and then increments it with probability 1/((c − 5)·`lfu-log-factor` + 1) when c > 5
///   (always when c ≤ 5), saturating at 255. An evicted key's counter is forgotten.
/// - **Random**: a key drawn uniformly from those cached (Redis picks a random bucket, then a
///   random key of its chain: uniform up to chain lengths).
///
/// Not modelled: the 24-bit wrap of the LRU clock (194 days at 1 s) and of the 16-bit minute
/// clock (45 days); the clock's refresh by `serverCron` (10 times a second), which makes Redis's
/// clock lag by up to 100 ms; databases other than 0.
extension CacheStore {
    /// One candidate of the eviction pool.
    struct PoolEntry {
        var key: UInt64 = 0
        /// Higher is a better victim.
        var score: UInt64 = 0
        var used = false
    }

    /// Redis's `EVPOOL_SIZE`.
    static let poolSize = 16
    /// Redis's `LFU_INIT_VAL`: the counter of a new key.
    static let lfuInitialValue: UInt32 = 5

    /// The LRU clock at `now`: whole ticks since time 0.
    @inline(__always)
    func lruClock(_ now: Int64) -> UInt64 { UInt64(max(now, 0) / redis.lruClockResolution.ns) }

    /// Whole minutes since time 0 (Redis's `LFUGetTimeInMinutes`).
    @inline(__always)
    func minutes(_ now: Int64) -> UInt64 { UInt64(max(now, 0) / 60_000_000_000) }

    /// A new entry: the clock now (LRU), or counter 5 stamped with this minute (LFU).
    func redisStart(_ s: Int32, now: Int64) {
        let e = entries + Int(s)
        if policy.usesLRUClock { e.pointee.tick = lruClock(now) }
        if policy.usesLFUCounter {
            e.pointee.tick = minutes(now)
            e.pointee.count = CacheStore.lfuInitialValue
        }
    }

    /// An access (a hit, or a store to a cached key): the clock now (LRU), or decay then a
    /// logarithmic increment (LFU). Random and volatile-ttl keep nothing.
    func redisTouch(_ s: Int32, now: Int64) {
        let e = entries + Int(s)
        if policy.usesLRUClock { e.pointee.tick = lruClock(now) }
        if policy.usesLFUCounter {
            e.pointee.count = logIncrement(decayedCounter(s, now: now))
            e.pointee.tick = minutes(now)
        }
    }

    /// The counter of slot `s` after decay (Redis's `LFUDecrAndReturn`); changes nothing.
    func decayedCounter(_ s: Int32, now: Int64) -> UInt32 {
        let e = entries + Int(s)
        let counter = e.pointee.count
        guard redis.lfuDecayMinutes > 0 else { return counter }
        let elapsed = minutes(now) &- e.pointee.tick
        let periods = elapsed / UInt64(redis.lfuDecayMinutes)
        return periods >= UInt64(counter) ? 0 : counter - UInt32(periods)
    }

    /// Redis's `LFULogIncr`: one random draw unless the counter is saturated.
    func logIncrement(_ counter: UInt32) -> UInt32 {
        guard counter < 255 else { return 255 }
        let r = stream!.uniform()
        let base = max(Double(counter) - Double(CacheStore.lfuInitialValue), 0)
        return r < 1 / (base * redis.lfuLogFactor + 1) ? counter + 1 : counter
    }

    /// How good a victim slot `s` is, higher first (Redis's pool "idle").
    func evictionScore(_ s: Int32, now: Int64) -> UInt64 {
        let e = entries + Int(s)
        if policy.usesLRUClock {
            let clock = lruClock(now)
            return clock >= e.pointee.tick ? clock - e.pointee.tick : 0
        }
        if policy.usesLFUCounter { return 255 - UInt64(decayedCounter(s, now: now)) }
        // volatile-ttl: the sooner it expires (in milliseconds, as Redis keeps it), the better.
        return UInt64.max - UInt64(max(e.pointee.expiresAt, 0) / 1_000_000)
    }

    /// The slot Redis would evict now. Requires at least one cached entry.
    func redisVictim(now: Int64) -> Int32 {
        precondition(!members.isEmpty, "nothing to evict")
        guard policy.usesEvictionPool else { return members[stream!.index(below: members.count)] }
        while true {
            populatePool(now: now)
            // From the best candidate down; ghosts (keys no longer cached) are dropped on the way.
            for k in stride(from: CacheStore.poolSize - 1, through: 0, by: -1) where pool[k].used {
                pool[k].used = false
                if let slot = index[pool[k].key]?.slot, slot >= 0 { return slot }
            }
        }
    }

    /// Samples up to `samples` distinct cached entries and offers each to the pool (Redis's
    /// `evictionPoolPopulate`).
    func populatePool(now: Int64) {
        let n = members.count
        let k = min(redis.samples, n)
        if k < n {
            // A partial Fisher–Yates shuffle puts a uniform sample in members[0..<k].
            for j in 0..<k {
                let i = j + stream!.index(below: n - j)
                if i != j {
                    members.swapAt(i, j)
                    entries[Int(members[i])].position = Int32(i)
                    entries[Int(members[j])].position = Int32(j)
                }
            }
        }
        // Offered in the order of a walk over hash-table buckets from a random bucket: by hash,
        // rotated by a random start. (A fixed hash order would let keys that hash low always enter
        // the pool first, and be evicted more often whatever their popularity.)
        let start = CacheStore.poolWalkStart(stream!)
        let sample = members[0..<k].sorted {
            let a = CacheStore.bucketOrder(entries[Int($0)].key, start), b = CacheStore.bucketOrder(entries[Int($1)].key, start)
            return a < b || (a == b && $0 < $1)
        }
        for s in sample { offerToPool(key: entries[Int(s)].key, score: evictionScore(s, now: now)) }
    }

    /// The random starting point of a walk over the hash table (one draw).
    static func poolWalkStart(_ stream: RandomStream) -> UInt64 { UInt64(stream.uniform() * 4_294_967_296) << 32 }

    /// A key's place in a walk over the hash table that starts at `start`.
    @inline(__always)
    static func bucketOrder(_ key: UInt64, _ start: UInt64) -> UInt64 { RandomStream.splitMix64(key) &- start }

    /// Inserts a candidate into the pool, kept in ascending order of score with the used entries
    /// first; a full pool drops its worst candidate, or refuses one no better than it.
    func offerToPool(key: UInt64, score: UInt64) {
        let size = CacheStore.poolSize
        var k = 0
        while k < size && pool[k].used && pool[k].score < score { k += 1 }
        if k == 0 && pool[size - 1].used { return }
        if k < size && !pool[k].used {
            // An empty place: the used entries are a prefix, so this is the end of them.
        } else if !pool[size - 1].used {
            // Room on the right: shift k... one place right.
            for i in stride(from: size - 1, to: k, by: -1) { pool[i] = pool[i - 1] }
        } else {
            // Full: drop the worst (index 0), shifting 1...k−1 left, and insert at k − 1.
            k -= 1
            for i in 0..<k { pool[i] = pool[i + 1] }
        }
        pool[k] = PoolEntry(key: key, score: score, used: true)
    }
}
