import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// `warm: true`: a keyed cache starts in its steady state.
final class WarmCacheTests: XCTestCase {
    /// 100k requests in the first second, no warm-up, Zipf(100k, 1) keys, an LRU cache of 1,000
    /// entries with no `on-miss`. Warm, its hit ratio from the first request matches Che's
    /// approximation (within the 99.9% interval of 10 replications, and the interval within 1%).
    /// Cold, its first 1,000 requests are far below it: it spends them filling up.
    func testWarmLRUMatchesCheFromTheFirstSecond() {
        let zipf = ZipfSampler(n: 100_000, exponent: 1)
        let p = (1...UInt64(100_000)).map { zipf.probability(of: $0) }
        let theory = CacheTheory.cheLRUHitRatio(probabilities: p, capacity: 1_000)
        func config(warm: Bool, rate: Double = 100_000) -> ModelConfig {
            var keyed = KeyedCacheConfig(capacity: .items(1_000), policy: .lru)
            keyed.warm = warm
            return ModelConfig(
                name: "warm", seed: 5, duration: SimDuration(seconds: 1),
                workloads: [WorkloadConfig(name: "reads", arrival: .poisson(ratePerSecond: rate), route: ["cache"],
                                           keys: .zipf(n: 100_000, exponent: 1))],
                components: [ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: keyed, service: .constant(0))))])
        }
        let warm = Replicated(config(warm: true))
        let ci = warm.interval { warm.component("cache", $0).hitRatio! }
        print("warm LRU, first second: \(ci.mean) [\(ci.low), \(ci.high)], Che \(theory)")
        assertWithin(ci, theory, "warm LRU hit ratio in the first second against Che", power: 0.01)
        let cold = Replicated(config(warm: false, rate: 1_000), replications: 3)
        let coldMean = cold.values { cold.component("cache", $0).hitRatio! }.reduce(0, +) / 3
        XCTAssertLessThan(coldMean, theory - 0.1, "a cold cache spends its first requests filling")
    }

    /// A warm cache behind traffic of a population is filled with its users' keys, and a bytes
    /// capacity holds as many entries of the traffic's size as fit.
    func testWarmFillRespectsCapacityInBytes() {
        var keyed = KeyedCacheConfig(capacity: .bytes(1e6), policy: .lru)
        keyed.warm = true
        let config = ModelConfig(
            name: "warm-bytes", seed: 5, duration: SimDuration(seconds: 0.001),
            workloads: [WorkloadConfig(name: "reads", arrival: .poisson(ratePerSecond: 1), route: ["cache"],
                                       size: .constant(10_000), keys: .uniform(n: 1_000_000))],
            components: [ComponentConfig(name: "cache", kind: .cache(CacheConfig(keyed: keyed, service: .constant(0))))])
        let model = Model(config: config)
        model.begin()
        let cache = model.nodes.compactMap { $0 as? KeyedCache }[0]
        XCTAssertEqual(cache.store.count, 100)
        XCTAssertEqual(cache.store.usedBytes, 1e6)
    }
}
