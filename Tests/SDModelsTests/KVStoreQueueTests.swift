import Foundation
import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// A kv-store's storage nodes are queueing stations: checked against M/M/1, M/M/c, the
/// utilization law, and, at light load, the quorum's order statistics with fan-out.
final class KVStoreQueueTests: XCTestCase {
    /// One workload of `rate` over `keys` uniform keys into a kv-store with a coordinator that
    /// never queues (1000 workers, no service time).
    static func config(rate: Double, readShare: Double = 1, writeShare: Double = 0, keys: Int = 1000,
                       store: KVStoreConfig, duration: Double = 60) -> ModelConfig {
        var mix: [RequestClass] = []
        if readShare > 0 { mix.append(RequestClass(type: "read", share: readShare, route: ["kv"])) }
        if writeShare > 0 { mix.append(RequestClass(type: "post", share: writeShare, route: ["kv"])) }
        return ModelConfig(
            name: "kv-queues", seed: 5, duration: SimDuration(seconds: duration), warmup: SimDuration(seconds: 5),
            workloads: [WorkloadConfig(name: "app", arrival: .poisson(ratePerSecond: rate), mix: mix, keys: .uniform(n: UInt64(keys)))],
            components: [ComponentConfig(name: "kv", kind: .kvStore(store))])
    }

    static func store(n: Int, r: Int = 1, w: Int = 1, nodes: Int, nodeWorkers: Int, replica: Distribution,
                      fanOut: [String: Int] = [:]) -> KVStoreConfig {
        KVStoreConfig(replicationFactor: n, readQuorum: r, writeQuorum: w, nodes: nodes, workers: 1000, service: .constant(0),
                      replicaService: replica, replicationLag: .constant(0), nodeWorkers: nodeWorkers, fanOut: fanOut)
    }

    static func extra(_ r: RunResult, _ name: String) -> Double {
        r.components.first { $0.name == "kv" }!.extra.first { $0.name == name }!.value
    }

    /// N = 1 on one node with one worker: the node is M/M/1 (every request is one replica
    /// operation), so the workload's mean latency is 1/(μ − λ) and the node's utilization λ/μ.
    func testOneNodeIsMM1() {
        let lambda = 700.0, s = 0.001
        let c = Self.config(rate: lambda, store: Self.store(n: 1, nodes: 1, nodeWorkers: 1, replica: .exponential(mean: s)))
        let runs = Replicated(c, replications: 10)
        let theory = QueueingTheory.mmcResponse(lambda: lambda, mu: 1 / s, servers: 1)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/M/1 response at ρ = 0.7")
        assertWithin(runs.interval { runs.component("kv.node-1", $0).responseMean }, theory, "node's own response")
        assertWithin(runs.interval { runs.component("kv.node-1", $0).utilization }, lambda * s, "node utilization", power: 0.02)
    }

    /// N = 3 on 3 nodes with 2 workers each, reads with R = 1: every node receives every request,
    /// so each is M/M/2 (Erlang C), whatever the quorum.
    func testEveryReplicaNodeIsMMc() {
        let lambda = 1_500.0, s = 0.001
        let c = Self.config(rate: lambda, store: Self.store(n: 3, nodes: 3, nodeWorkers: 2, replica: .exponential(mean: s)))
        let runs = Replicated(c, replications: 10)
        let theory = QueueingTheory.mmcResponse(lambda: lambda, mu: 1 / s, servers: 2)
        for node in 1...3 {
            assertWithin(runs.interval { runs.component("kv.node-\(node)", $0).responseMean }, theory, "M/M/2 node \(node) response")
            assertWithin(runs.interval { runs.component("kv.node-\(node)", $0).utilization }, lambda * s / 2, "node \(node) utilization",
                         power: 0.02)
        }
    }

    /// Six nodes, N = 3, reads and fanned-out writes: the nodes together do N replica operations
    /// per read and N·k per write, so their mean utilization is λ·(reads + k·writes)·N·s ÷ (nodes·c)
    /// exactly, however the ring shares the keys out; and `table_writes` is k per write.
    func testNodesShareTheReplicaWork() {
        let lambda = 1_000.0, s = 0.002, k = 3
        let store = Self.store(n: 3, w: 2, nodes: 6, nodeWorkers: 4, replica: .exponential(mean: s), fanOut: ["post": k])
        let c = Self.config(rate: lambda, readShare: 9, writeShare: 1, store: store)
        let runs = Replicated(c, replications: 10)
        let opsPerRequest = (0.9 + 0.1 * Double(k)) * 3
        let theory = lambda * opsPerRequest * s / Double(6 * 4)
        assertWithin(runs.interval { Self.extra($0, "node_utilization_mean") }, theory, "mean node utilization", power: 0.02)
        assertWithin(runs.interval { Self.extra($0, "replica_ops_per_node_per_second") }, lambda * opsPerRequest / 6,
                     "replica operations per node", power: 0.02)
        for r in runs.results { XCTAssertEqual(Self.extra(r, "table_writes"), Double(k) * Self.extra(r, "writes"), accuracy: Double(k) * 20) }
        // The load analysis sees the storage nodes as one row of the same offered load.
        let row = OfferedLoad.rows(c).first { $0.name == "kv.node" }!
        XCTAssertEqual(row.offeredLoad, theory, accuracy: 1e-9)
    }

    /// A write fanned out to k tables, each waiting for W = 2 of N = 3 exponential replicas (no
    /// waiting at the nodes), answers at the maximum of k independent 2nd-of-3 order statistics:
    /// mean ∫ (1 − F(t)^k) dt with F(t) = 3p²(1 − p) + p³, p = 1 − e^{−t/s}.
    func testFannedOutWriteWaitsForEveryTablesQuorum() {
        let s = 0.01
        func theory(_ k: Int) -> Double {
            var total = 0.0
            let dt = s / 2000
            var t = dt / 2
            while t < 40 * s {
                let p = 1 - exp(-t / s)
                let f = 3 * p * p * (1 - p) + p * p * p
                total += (1 - pow(f, Double(k))) * dt
                t += dt
            }
            return total
        }
        for k in [1, 3] {
            let store = Self.store(n: 3, w: 2, nodes: 9, nodeWorkers: 1000, replica: .exponential(mean: s), fanOut: ["post": k])
            let c = Self.config(rate: 200, readShare: 0, writeShare: 1, store: store, duration: 40)
            let runs = Replicated(c, replications: 10)
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory(k), "write to \(k) tables, W = 2 of 3", power: 0.02)
        }
    }

    /// Queues and a hot key do not break the quorum arithmetic: with replica operations waiting
    /// at busy nodes (60% utilization, Zipf keys, one write in five), R + W > N still never
    /// returns a version older than one committed before the read was sent; R = W = 1 does.
    func testOverlappingQuorumsStayFreshUnderLoad() {
        for (r, w) in [(2, 2), (1, 3), (1, 1)] {
            let store = Self.store(n: 3, r: r, w: w, nodes: 5, nodeWorkers: 2, replica: .exponential(mean: 0.001))
            var c = Self.config(rate: 2_000, readShare: 4, writeShare: 1, store: store, duration: 30)
            c.workloads[0].keys = .zipf(n: 100, exponent: 1.1)
            let result = Runner.runOnce(c).result
            XCTAssertGreaterThan(Self.extra(result, "reads"), 40_000)
            if r + w > 3 {
                XCTAssertEqual(Self.extra(result, "stale_reads"), 0, "R=\(r) W=\(w)")
            } else {
                XCTAssertGreaterThan(Self.extra(result, "stale_reads"), 100, "R=\(r) W=\(w)")
            }
        }
    }

    /// The preference list holds N distinct nodes, starting with the key's owner.
    func testPreferenceListIsDistinctAndStartsAtTheOwner() {
        let ring = HashRing(n: 6, vnodes: 100)
        var list: [Int] = []
        for key in UInt64(1)...2_000 {
            ring.preferenceList(of: key, count: 3, into: &list)
            XCTAssertEqual(list.count, 3)
            XCTAssertEqual(Set(list).count, 3)
            XCTAssertEqual(list[0], ring.owner(of: key))
        }
    }
}
