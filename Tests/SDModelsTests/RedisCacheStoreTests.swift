import SDEngine
import SDMetrics
@testable import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Redis's eviction policies (`redis-*`, `volatile-*`): hand-worked sequences, an independent
/// implementation of the LFU counter rules, and the LRU clock against exact LRU and random eviction.
final class RedisCacheStoreTests: XCTestCase {
    func fill(_ s: CacheStore, _ key: UInt64, at now: Int64 = 0, size: Double = 1) {
        s.store(key, version: 0, size: size, now: now, dirty: false, access: false)
    }

    func store(_ policy: CachePolicy, _ capacity: CacheCapacity, ttl: SimDuration? = nil, overhead: Double = 0,
               _ redis: RedisEvictionConfig = RedisEvictionConfig()) -> CacheStore {
        CacheStore(capacity: capacity, policy: policy, ttl: ttl, stream: RandomStream(seed: 3, name: "redis-test"),
                   entryOverhead: overhead, redis: redis)
    }

    /// With a clock finer than the gaps between accesses and a sample that covers the whole
    /// cache, redis-lru evicts exactly the least recently used key.
    func testLRUWithFineClockAndFullSampleEvictsLeastRecent() {
        let s = store(.redisLRU, .items(3), RedisEvictionConfig(samples: 10, lruClockResolution: SimDuration(ns: 1)))
        fill(s, 1, at: 1); fill(s, 2, at: 2); fill(s, 3, at: 3)
        XCTAssertEqual(s.lookup(1, now: 4), .hit(version: 0))
        fill(s, 4, at: 5)
        XCTAssertEqual(s.removals.map(\.key), [2])
        XCTAssertEqual(s.lookup(2, now: 6), .miss(.capacity))
        XCTAssertEqual(s.count, 3)
    }

    /// Within one tick of a coarse clock every key looks equally idle; the newcomer itself may
    /// then be the victim, as in Redis, which stores first and evicts before the next command.
    func testNewcomerCanBeEvicted() {
        let s = store(.redisRandom, .items(1))
        fill(s, 1)
        let stored = s.store(2, version: 0, size: 1, now: 0, dirty: true, access: true)
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s.removals.count, 1)
        if !stored.admitted {
            XCTAssertEqual(s.removals.first?.key, 2)
            XCTAssertEqual(s.removals.first?.dirty, true, "a refused dirty value goes back to its owner")
            XCTAssertTrue(s.contains(1))
        } else {
            XCTAssertEqual(s.removals.first?.key, 1)
        }
        // Over many trials both keys go about equally often.
        var newcomerEvicted = 0
        let t = store(.redisRandom, .items(1))
        for k in stride(from: UInt64(2), through: 2001, by: 1) {
            fill(t, k)
            if t.removals.first?.key == k { newcomerEvicted += 1 }
        }
        XCTAssertEqual(Double(newcomerEvicted) / 2000, 0.5, accuracy: 0.05)
    }

    /// volatile-ttl evicts the sampled key that expires soonest; a TTL store resets it.
    func testVolatileTTLEvictsSoonestExpiry() {
        let s = store(.volatileTTL, .items(3), ttl: SimDuration(ns: 1_000_000_000), RedisEvictionConfig(samples: 10))
        fill(s, 1, at: 0); fill(s, 2, at: 2_000_000); fill(s, 3, at: 4_000_000)
        fill(s, 1, at: 5_000_000)          // re-stored: now expires last
        fill(s, 4, at: 6_000_000)
        XCTAssertEqual(s.removals.map(\.key), [2])
    }

    /// volatile-* with no TTL: no key may be evicted, so a full cache refuses new keys (Redis
    /// answers OOM) and keeps what it has.
    func testVolatileWithoutTTLRefusesWhenFull() {
        let s = store(.volatileLRU, .items(2))
        fill(s, 1); fill(s, 2)
        let stored = s.store(3, version: 0, size: 1, now: 0, dirty: false, access: false)
        XCTAssertFalse(stored.admitted)
        XCTAssertTrue(s.contains(1) && s.contains(2) && !s.contains(3))
        XCTAssertEqual(s.lookup(3, now: 0), .miss(.capacity))
    }

    /// A capacity in bytes weighs each entry's value plus the overhead: 1000 B with 100 B of
    /// overhead per entry holds four 150 B values, not six.
    func testEntryOverheadCountsAgainstMaxmemory() {
        let s = store(.redisLRU, .bytes(1000), overhead: 100)
        for k: UInt64 in 1...6 { fill(s, k, at: Int64(k) * 2_000_000_000, size: 150) }
        XCTAssertEqual(s.count, 4)
        XCTAssertEqual(s.usedBytes, 1000)
        let plain = CacheStore(capacity: .bytes(1000), policy: .lru)
        for k: UInt64 in 1...6 { plain.store(k, version: 0, size: 150, now: 0, dirty: false, access: false) }
        XCTAssertEqual(plain.count, 6, "textbook caches count no overhead")
    }

    /// The pool keeps the 16 best candidates in ascending order and refuses one no better than its worst.
    func testEvictionPoolOrderAndCapacity() {
        let s = store(.redisLRU, .items(100))
        for (k, score) in [(1, 5), (2, 3), (3, 9), (4, 3)] as [(UInt64, UInt64)] { s.offerToPool(key: k, score: score) }
        XCTAssertEqual(s.pool.filter(\.used).map(\.key), [4, 2, 1, 3], "ties: the newer candidate goes left")
        for k: UInt64 in 10..<22 { s.offerToPool(key: k, score: 100 + k) }
        XCTAssertTrue(s.pool.allSatisfy(\.used))
        s.offerToPool(key: 50, score: 3)    // no better than the worst: refused
        XCTAssertFalse(s.pool.contains { $0.key == 50 })
        s.offerToPool(key: 51, score: 4)    // better: the worst (4, score 3, newest of the 3s) is dropped
        XCTAssertEqual(s.pool.map(\.key).prefix(3), [2, 51, 1])
        XCTAssertEqual(s.pool.map(\.score), s.pool.map(\.score).sorted())
    }

    // MARK: LFU counters against an independent implementation

    /// Redis LFU written from Redis's documented rules, independently of ``CacheStore``: a dictionary
    /// of counters and a pool kept as a sorted list. It draws from its random stream at the same
    /// points as Redis (one draw per increment of an unsaturated counter, one for the starting
    /// bucket of each sample); the sample is the whole cache, offered in bucket order.
    struct ReferenceLFU {
        let capacity: Int, logFactor: Double, decayMinutes: UInt64
        let stream: RandomStream
        var counters: [UInt64: (counter: UInt32, minute: UInt64)] = [:]
        var pool: [(key: UInt64, score: UInt64, seq: Int)] = []
        var seq = 0

        func decayed(_ key: UInt64, _ minute: UInt64) -> UInt32 {
            let (c, last) = counters[key]!
            guard decayMinutes > 0 else { return c }
            let periods = (minute - last) / decayMinutes
            return periods >= UInt64(c) ? 0 : c - UInt32(periods)
        }

        mutating func access(_ key: UInt64, minute: UInt64) -> Bool {
            guard counters[key] != nil else { return false }
            var c = decayed(key, minute)
            if c < 255 {
                let p = 1 / (Double(max(Int(c) - 5, 0)) * logFactor + 1)
                if stream.uniform() < p { c += 1 }
            }
            counters[key] = (c, minute)
            return true
        }

        mutating func add(_ key: UInt64, minute: UInt64) -> [UInt64] {
            counters[key] = (5, minute)
            var evicted: [UInt64] = []
            while counters.count > capacity {
                victim: while true {
                    // A walk over the hash table from a random bucket: hashes rotated by a random start.
                    let start = UInt64(stream.uniform() * 4_294_967_296) << 32
                    let sample = counters.keys.sorted { RandomStream.splitMix64($0) &- start < RandomStream.splitMix64($1) &- start }
                    for k in sample {
                        let score = 255 - UInt64(decayed(k, minute))
                        if pool.count == 16 && score <= pool.map(\.score).min()! { continue }
                        seq += 1
                        pool.append((k, score, seq))
                        pool.sort { $0.score < $1.score || ($0.score == $1.score && $0.seq > $1.seq) }
                        if pool.count > 16 { pool.removeFirst() }
                    }
                    while let best = pool.popLast() {
                        if counters[best.key] != nil {
                            counters[best.key] = nil
                            evicted.append(best.key)
                            break victim
                        }
                    }
                }
            }
            return evicted
        }
    }

    func checkLFUAgainstReference(decayMinutes: Int, spacingNs: Int64, file: StaticString = #filePath, line: UInt = #line) {
        let capacity = 8, logFactor = 2.0
        let config = RedisEvictionConfig(samples: capacity + 1, lfuLogFactor: logFactor, lfuDecayMinutes: decayMinutes)
        let s = CacheStore(capacity: .items(capacity), policy: .redisLFU, stream: RandomStream(seed: 9, name: "lfu"),
                           redis: config)
        var reference = ReferenceLFU(capacity: capacity, logFactor: logFactor, decayMinutes: UInt64(decayMinutes),
                                     stream: RandomStream(seed: 9, name: "lfu"))
        let keys = RandomStream(seed: 1, name: "trace"), zipf = ZipfSampler(n: 40, exponent: 0.9)
        var hits = 0
        for i in 0..<5_000 {
            let key = zipf.sample(keys), now = Int64(i) * spacingNs, minute = UInt64(now / 60_000_000_000)
            let hit = s.lookup(key, now: now) == .hit(version: 0)
            XCTAssertEqual(hit, reference.access(key, minute: minute), "request \(i), key \(key)", file: file, line: line)
            if hit { hits += 1; continue }
            fill(s, key, at: now)
            XCTAssertEqual(s.removals.map(\.key), reference.add(key, minute: minute), "request \(i)", file: file, line: line)
        }
        for (key, state) in reference.counters {
            let slot = s.index[key]!.slot
            XCTAssertEqual(s.entries[Int(slot)].count, state.counter, "counter of key \(key)", file: file, line: line)
        }
        XCTAssertGreaterThan(hits, 1_000, file: file, line: line)
        XCTAssertTrue(reference.counters.values.contains { $0.counter > 8 }, "counters must grow", file: file, line: line)
    }

    func testLFUCountersMatchIndependentImplementationWithoutDecay() {
        checkLFUAgainstReference(decayMinutes: 0, spacingNs: 1_000_000)
    }

    /// The same with decay: 5000 requests 0.1 s apart span 8 minutes, with a decay time of 1.
    func testLFUCountersMatchIndependentImplementationWithDecay() {
        checkLFUAgainstReference(decayMinutes: 1, spacingNs: 100_000_000)
    }

    // MARK: The LRU clock against exact LRU and random eviction

    static let keyCount: UInt64 = 100_000

    func readsConfig(_ policy: CachePolicy, capacity: Int, rate: Double, warmup: Int, requests: Int,
                     redis: RedisEvictionConfig = RedisEvictionConfig()) -> ModelConfig {
        let keyed = KeyedCacheConfig(capacity: .items(capacity), policy: policy, redis: redis)
        return ModelConfig(
            name: "cache-\(policy)", seed: 21,
            duration: SimDuration(seconds: Double(warmup + requests) / rate), warmup: SimDuration(seconds: Double(warmup) / rate),
            workloads: [WorkloadConfig(name: "reads", arrival: .poisson(ratePerSecond: rate), route: ["cache"],
                                       keys: .zipf(n: RedisCacheStoreTests.keyCount, exponent: 1))],
            components: [ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: keyed, service: .constant(0))))])
    }

    func hitRatios(_ config: ModelConfig) -> [Double] {
        let runs = Replicated(config)
        return runs.values { runs.component("cache", $0).hitRatio! }
    }

    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    /// A clock of 1 µs at 1000 requests/s tells every access apart: redis-lru is then LRU
    /// approximated only by sampling (5 keys through the pool of 16), and agrees with exact LRU
    /// (C = 1000 of 100k Zipf(1) keys) within the interval of 10 replications of each.
    func testFineClockAgreesWithExactLRU() {
        let fine = RedisEvictionConfig(lruClockResolution: SimDuration(ns: 1_000))
        let redis = hitRatios(readsConfig(.redisLRU, capacity: 1_000, rate: 1_000, warmup: 50_000, requests: 100_000, redis: fine))
        let exact = hitRatios(readsConfig(.lru, capacity: 1_000, rate: 1_000, warmup: 50_000, requests: 100_000))
        print("redis-lru with a 1 µs clock: \(mean(redis)); exact LRU: \(mean(exact))")
        assertAgree(redis, exact, "redis-lru with a fine clock against exact LRU")
    }

    /// With Redis's 1 s clock at 100k requests/s, the cache (C = 1000) turns over about fifty
    /// times per tick: keys touched in the current tick all look equally idle, and redis-lru
    /// evicts almost at random. It agrees with random eviction within the interval, and is
    /// clearly below exact LRU; at 1000 requests/s (half a turnover per tick) it is near LRU.
    func testCoarseClockAtHighRateApproachesRandom() {
        let coarse = RedisEvictionConfig()
        let fast = hitRatios(readsConfig(.redisLRU, capacity: 1_000, rate: 100_000, warmup: 50_000, requests: 100_000, redis: coarse))
        let random = hitRatios(readsConfig(.redisRandom, capacity: 1_000, rate: 100_000, warmup: 50_000, requests: 100_000))
        let exact = hitRatios(readsConfig(.lru, capacity: 1_000, rate: 100_000, warmup: 50_000, requests: 100_000))
        let slow = hitRatios(readsConfig(.redisLRU, capacity: 1_000, rate: 1_000, warmup: 50_000, requests: 100_000, redis: coarse))
        print("redis-lru 1 s clock at 100k/s: \(mean(fast)); redis-random: \(mean(random)); exact LRU: \(mean(exact)); redis-lru at 1k/s: \(mean(slow))")
        assertAgree(fast, random, "redis-lru with a coarse clock at a high rate against random eviction")
        XCTAssertLessThan(mean(fast) + 0.02, mean(exact), "a coarse clock must cost hit ratio against exact LRU")
        XCTAssertGreaterThan(mean(slow), mean(fast) + 0.02, "at a low rate the same clock must do better")
    }
}
