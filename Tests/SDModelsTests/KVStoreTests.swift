import Foundation
import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// `kind: kv-store`: quorums and stale reads against the lag arithmetic.
final class KVStoreTests: XCTestCase {
    /// 2,000 reads/s and 100 writes/s over 100 uniform keys (so each key is written as a Poisson
    /// process of rate λ = 1/s), N = 3 replicas answering at once, a constant lag d = 0.5 s.
    static func config(r: Int, w: Int, n: Int = 3) -> ModelConfig {
        var c = ModelConfig(
            name: "kv", seed: 21, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 10),
            workloads: [WorkloadConfig(name: "app", arrival: .poisson(ratePerSecond: 2_100),
                                       mix: [RequestClass(type: "read", share: 20, route: ["kv"]),
                                             RequestClass(type: "write", share: 1, route: ["kv"])],
                                       keys: .uniform(n: 100))],
            components: [ComponentConfig(name: "kv", kind: .kvStore(KVStoreConfig(
                replicationFactor: n, readQuorum: r, writeQuorum: w, workers: 100, service: .constant(0.0001),
                replicationLag: .constant(0.5))))])
        c.description = "R=\(r) W=\(w) N=\(n)"
        return c
    }

    static func extra(_ r: RunResult, _ name: String) -> Double {
        r.components.first { $0.name == "kv" }!.extra.first { $0.name == name }!.value
    }

    /// C(n, k).
    static func choose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        return (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
    }

    /// R + W > N: not one stale read, whatever the lag.
    func testOverlappingQuorumsNeverServeAStaleRead() {
        for (r, w) in [(2, 2), (1, 3), (3, 1)] {
            let result = Runner.runOnce(Self.config(r: r, w: w)).result
            XCTAssertGreaterThan(Self.extra(result, "reads"), 90_000)
            XCTAssertEqual(Self.extra(result, "stale_reads"), 0, "R=\(r) W=\(w)")
            XCTAssertEqual(Self.extra(result, "strong"), 1)
        }
    }

    /// R + W ≤ N: stale reads at (1 − e^{−λd}) · C(N − W, R) ÷ C(N, R), within the 99.9% binomial
    /// interval of the measured fraction (about 100,000 reads).
    func testDisjointQuorumsServeStaleReadsAtTheLagRate() {
        let lagFactor = 1 - exp(-1.0 * 0.5)
        for (r, w, n) in [(1, 1, 3), (1, 2, 3), (2, 1, 3), (1, 1, 5), (2, 2, 5)] {
            let theory = lagFactor * Self.choose(n - w, r) / Self.choose(n, r)
            let result = Runner.runOnce(Self.config(r: r, w: w, n: n)).result
            let reads = Self.extra(result, "reads")
            let measured = Self.extra(result, "stale_read_fraction")
            let half = StudentT.quantile(level: checkLevel, df: 1_000_000) * (theory * (1 - theory) / reads).squareRoot()
            print("R=\(r) W=\(w) N=\(n): stale \(measured), theory \(theory) ± \(half)")
            XCTAssertEqual(measured, theory, accuracy: half, "R=\(r) W=\(w) N=\(n)")
            XCTAssertEqual(Self.extra(result, "strong"), 0)
        }
    }

    /// A write waits for the W-th fastest replica, a read for the R-th: with exponential replica
    /// times of mean 10 ms, the k-th fastest of 3 has mean 10 ms × (1/3 + … + 1/(3 − k + 1)).
    /// Storage nodes with more workers than requests in flight: no replica operation waits.
    func testQuorumWaitsForTheKthFastestReplica() {
        for k in 1...3 {
            var c = Self.config(r: k, w: k)
            c.workloads[0].mix = [RequestClass(type: "read", share: 1, route: ["kv"])]
            c.workloads[0].arrival = .poisson(ratePerSecond: 200)
            c.components[0].kind = .kvStore(KVStoreConfig(replicationFactor: 3, readQuorum: k, writeQuorum: k, workers: 1000,
                                                          service: .constant(0), replicaService: .exponential(mean: 0.01),
                                                          replicationLag: .constant(0), nodeWorkers: 1000))
            let runs = Replicated(c, replications: 10)
            let theory = 0.01 * (0..<k).reduce(0.0) { $0 + 1 / Double(3 - $1) }
            let ci = runs.interval { $0.workloads[0].latency.mean }
            assertWithin(ci, theory, "mean wait for the \(k)-th fastest of 3", power: 0.02)
        }
    }
}
