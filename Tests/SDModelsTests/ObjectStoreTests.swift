import SDEngine
import SDMetrics
@testable import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// The object store: transfer times, per-prefix throttling and bytes stored.
final class ObjectStoreTests: XCTestCase {
    func store(_ config: ObjectStoreConfig) -> ComponentConfig { ComponentConfig(name: "store", kind: .objectStore(config)) }

    func uploads(rate: Double = 1, size: Distribution, keys: KeyDistribution? = nil, duration: Double,
                 components: [ComponentConfig]) -> ModelConfig {
        ModelConfig(name: "uploads", seed: 3, duration: SimDuration(seconds: duration),
                    workloads: [WorkloadConfig(name: "up", arrival: .poisson(ratePerSecond: rate), route: ["store"],
                                               type: "upload", size: size, keys: keys)],
                    components: components)
    }

    /// A 5 MB upload at 50 MB/s after a constant 20 ms to the first byte takes 0.02 + 5/50 = 0.12 s.
    func testUploadTakesFirstBytePlusSizeOverBandwidth() {
        var config = uploads(size: .constant(5e6), duration: 10.5,
                             components: [store(ObjectStoreConfig(connections: 4, firstByte: .constant(0.020), bandwidth: 50e6))])
        config.workloads[0].arrival = .interarrival(.constant(1))
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].completed, 10)
        XCTAssertEqual(r.workloads[0].latency.max, 0.12, accuracy: 1e-9)
        XCTAssertEqual(r.workloads[0].latency.mean, 0.12, accuracy: 1e-9)
        XCTAssertEqual(extra(r.components[0], "transfer_time_mean"), 0.12, accuracy: 1e-9)
        XCTAssertEqual(extra(r.components[0], "uploads"), 10)
        XCTAssertEqual(extra(r.components[0], "bytes_uploaded"), 5e7)
    }

    /// Connections are a pool: with one connection, uploads of 0.12 s arriving every 0.1 s queue
    /// up (the nth waits (n − 1) × 0.02 s).
    func testTransfersBeyondConnectionsWait() {
        var config = uploads(size: .constant(5e6), duration: 1.05,
                             components: [store(ObjectStoreConfig(connections: 1, firstByte: .constant(0.020), bandwidth: 50e6))])
        config.workloads[0].arrival = .interarrival(.constant(0.1))
        let r = Runner.runOnce(config).result
        // Arrivals at 0.1 … 1.0; the nth finishes at 0.1 + 0.12n; done by 1.05: n ≤ 7.
        XCTAssertEqual(r.workloads[0].completed, 7)
        XCTAssertEqual(r.workloads[0].latency.max, 0.12 + 6 * 0.02, accuracy: 1e-9)
    }

    /// Poisson requests at λ = 200/s on each of 4 prefixes (800/s over uniform keys 1…1000, 250 per
    /// prefix) against a limit of r = 100/s per prefix. The bucket admits r(1 − f) per second, f
    /// being the time it spends full. With a one-token bucket, after each admission the next comes
    /// 1/r later plus an exponential wait for an arrival, so the throttled fraction is exactly
    /// λ/(λ + r) = 2/3. With 50 tokens the bucket is all but never full (reaching 50 from its usual
    /// level of about 1 against a downward drift of λ − r has probability of order e^{−1.59·49}),
    /// so the fraction is 1 − r/λ = 1/2.
    func testPrefixRateLimitThrottlesTheRightFraction() {
        for (burst, theory) in [(1.0, 2.0 / 3), (50.0, 0.5)] {
            let config = uploads(rate: 800, size: .constant(1000), keys: .uniform(n: 1000), duration: 1_010, components: [
                store(ObjectStoreConfig(connections: 1000, firstByte: .constant(0.01), bandwidth: 1e9, prefixRateLimit: 100,
                                        prefixes: 4, prefixBurst: burst)),
            ])
            var warm = config
            warm.warmup = SimDuration(seconds: 10)
            let runs = Replicated(warm)
            assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) }, theory,
                         "throttled fraction with burst \(burst)", power: 0.01)
            for r in runs.results {
                XCTAssertEqual(r.workloads[0].failedBy.map(\.reason), ["rejected"])
                XCTAssertEqual(Double(r.workloads[0].failed), extra(r.components[0], "throttled"))
                XCTAssertEqual(r.components[0].rejected, r.workloads[0].failed)
            }
        }
    }

    /// Below the limit nothing is throttled once the bucket holds a second's worth (the default).
    func testNoThrottlingWellBelowTheLimit() {
        let config = uploads(rate: 100, size: .constant(1000), duration: 100, components: [
            store(ObjectStoreConfig(connections: 100, firstByte: .constant(0.01), bandwidth: 1e9, prefixRateLimit: 3500)),
        ])
        let r = Runner.runOnce(config).result
        XCTAssertEqual(extra(r.components[0], "throttled"), 0)
        XCTAssertEqual(r.workloads[0].failed, 0)
    }

    /// Bytes stored = R × (initial bytes + Σ upload sizes), exactly: lognormal sizes, one
    /// connection (so transfers finish in arrival order and the sums are added in the same order),
    /// every upload finished by the end. Downloads store nothing.
    func testBytesStoredIsReplicationTimesSumOfUploads() {
        var config = uploads(size: .lognormal(mean: 5e6, cv: 1), duration: 500.9, components: [
            store(ObjectStoreConfig(connections: 1, firstByte: .constant(0.02), bandwidth: 100e6, replicationFactor: 3,
                                    initialBytes: 1e12)),
        ])
        config.workloads[0].arrival = .interarrival(.constant(1))
        let r = Runner.runOnce(config).result
        let w = r.workloads[0]
        XCTAssertEqual(w.arrived, 500)
        XCTAssertEqual(w.completed, 500)
        XCTAssertEqual(extra(r.components[0], "bytes_stored"), 3 * (1e12 + w.bytes))
        XCTAssertEqual(extra(r.components[0], "bytes_uploaded"), w.bytes)

        config.workloads[0].mix[0].type = "read"
        config.workloads[0].mix[0].isWrite = false
        let reads = Runner.runOnce(config).result
        XCTAssertEqual(extra(reads.components[0], "bytes_stored"), 3e12)
        XCTAssertEqual(extra(reads.components[0], "downloads"), 500)
        XCTAssertEqual(extra(reads.components[0], "bytes_downloaded"), reads.workloads[0].bytes)
    }

    /// The token bucket itself: full at the start, one token per 1/rate, never above its size.
    func testTokenBucket() {
        var b = TokenBucket(rate: 10, capacity: 2)
        XCTAssertTrue(b.take(at: SimTime(ns: 0)))
        XCTAssertTrue(b.take(at: SimTime(ns: 0)))
        XCTAssertFalse(b.take(at: SimTime(ns: 0)))
        XCTAssertTrue(b.take(at: SimTime(ns: 100_000_000)))
        XCTAssertTrue(b.take(at: SimTime(ns: 10_000_000_000)))
        XCTAssertTrue(b.take(at: SimTime(ns: 10_000_000_000)))
        XCTAssertFalse(b.take(at: SimTime(ns: 10_000_000_000)), "the bucket holds at most its size")
    }
}
