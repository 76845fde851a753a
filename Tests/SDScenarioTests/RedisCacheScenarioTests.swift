import Foundation
import SDEngine
import SDModels
import SDScenario
import XCTest
import SDConfig
import SDAnalysis

/// The Redis keys of a keyed cache: what they load to, their defaults, and every misuse reported.
final class RedisCacheScenarioTests: XCTestCase {
    func scenario(_ cacheKeys: String) -> String {
        """
        name: redis
        duration: 1m
        workload:
          - name: w
            arrival: poisson(1/s)
            keys: zipf(1k, 1.0)
            size: constant(1KB)
            route: [cache]
        components:
          cache:
            kind: cache
            service: constant(1ms)
        \(cacheKeys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    func keyed(_ cacheKeys: String) throws -> KeyedCacheConfig {
        let config: ModelConfig
        do {
            config = try ScenarioLoader.load(text: scenario(cacheKeys), file: "test.yaml")
        } catch {
            XCTFail(error.rendered())
            throw error
        }
        guard case .cache(let c)? = config.components.first?.kind, let k = c.keyed else {
            XCTFail("not a keyed cache")
            throw CocoaError(.featureUnsupported)
        }
        return k
    }

    func errors(_ cacheKeys: String) -> String {
        do {
            _ = try ScenarioLoader.load(text: scenario(cacheKeys), file: "test.yaml")
            return ""
        } catch {
            return error.rendered()
        }
    }

    func testRedisKeysLoad() throws {
        let lru = try keyed("policy: redis-lru\ncapacity: 10k\nsamples: 10\nlru-clock-resolution: 100ms")
        XCTAssertEqual(lru.policy, .redisLRU)
        XCTAssertEqual(lru.redis, RedisEvictionConfig(samples: 10, lruClockResolution: SimDuration(ns: 100_000_000)))
        let lfu = try keyed("policy: volatile-lfu\nmaxmemory: 64MB\nttl: 1h\nlfu-log-factor: 1\nlfu-decay-time: 0")
        XCTAssertEqual(lfu.policy, .volatileLFU)
        XCTAssertEqual(lfu.capacity, .bytes(64e6))
        XCTAssertEqual(lfu.entryOverhead, 88, "maxmemory weighs Redis's per-entry overhead by default")
        XCTAssertEqual(lfu.redis.lfuLogFactor, 1)
        XCTAssertEqual(lfu.redis.lfuDecayMinutes, 0)
        let bytes = try keyed("policy: redis-random\ncapacity: 64MB\nentry-overhead: 50B")
        XCTAssertEqual(bytes.entryOverhead, 50)
        let defaults = try keyed("policy: redis-lfu\ncapacity: 10k")
        XCTAssertEqual(defaults.redis, RedisEvictionConfig())
        XCTAssertEqual(defaults.entryOverhead, 0)
    }

    func testMisusesAreReported() {
        let cases: [(String, String)] = [
            ("policy: lru\ncapacity: 10k\nsamples: 5", "'samples' applies only to the policies redis-lru, redis-lfu, volatile-lru, volatile-lfu and volatile-ttl"),
            ("policy: redis-lfu\ncapacity: 10k\nlru-clock-resolution: 1s", "'lru-clock-resolution' applies only to the policies redis-lru and volatile-lru"),
            ("policy: redis-lru\ncapacity: 10k\nlfu-decay-time: 1", "'lfu-decay-time' applies only to the policies redis-lfu and volatile-lfu"),
            ("policy: redis-random\ncapacity: 10k\nsamples: 5", "not to 'redis-random'"),
            ("capacity: 10k\nmaxmemory: 1GB", "'maxmemory' and 'capacity' cannot be used together"),
            ("hit-ratio: 0.5\nmaxmemory: 1GB", "'hit-ratio' and 'maxmemory' cannot be used together"),
            ("capacity: 10k\nentry-overhead: 50B", "'entry-overhead' applies only to a capacity in bytes"),
            ("policy: volatile-lru\ncapacity: 10k", "add a 'ttl' or use 'redis-lru'"),
            ("policy: volatile-ttl\ncapacity: 10k", "add a 'ttl' or use 'redis-lru'"),
            ("policy: redis-lru\ncapacity: 10k\nsamples: 0", "'samples' must be at least 1"),
            ("policy: redis-lfu\ncapacity: 10k\nlfu-log-factor: -1", "'lfu-log-factor' must be 0 or more"),
            ("policy: redis-lru\ncapacity: 10k\nlru-clock-resolution: 0s", "'lru-clock-resolution' must be greater than 0"),
            ("policy: redis-lur\ncapacity: 10k", "redis-lru"),
        ]
        for (keys, message) in cases {
            let rendered = errors(keys)
            XCTAssertTrue(rendered.contains(message), "for\n\(keys)\nexpected '\(message)' in:\n\(rendered)")
        }
    }
}
