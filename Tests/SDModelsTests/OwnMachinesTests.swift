import Foundation
import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// A store placed on a machine type runs each node on its own instance: one machine row per
/// node, the node's utilization, the machine's speed, and a cost that counts every node.
final class OwnMachinesTests: XCTestCase {
    static func config(_ kind: ComponentKind, machine: MachineConfig, rate: Double, type: String = "read") -> ModelConfig {
        var c = ModelConfig(
            name: "own-machines", seed: 3, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 5),
            workloads: [WorkloadConfig(name: "app", arrival: .poisson(ratePerSecond: rate),
                                       mix: [RequestClass(type: type, share: 1, route: ["store"])], keys: .uniform(n: 1000))],
            components: [ComponentConfig(name: "store", kind: kind, machine: machine.name)])
        c.machines = [machine]
        return c
    }

    /// A primary alone on a one-core machine twice as fast: exponential(2ms) queries take 1 ms,
    /// so at 500/s it is M/M/1 at ρ = 0.5 (response 2 ms), and its machine row is 50% busy.
    func testDatabaseNodeRunsOnItsOwnFasterMachine() {
        let box = MachineConfig(name: "box", cores: 1, speed: 2, costPerHour: 0.5)
        let c = Self.config(.database(DatabaseConfig(workers: 1, service: .exponential(mean: 0.002))), machine: box, rate: 500)
        let runs = Replicated(c, replications: 10)
        assertWithin(runs.interval { runs.component("store.primary", $0).responseMean },
                     QueueingTheory.mmcResponse(lambda: 500, mu: 1000, servers: 1), "M/M/1 on a machine of speed 2")
        for r in runs.results {
            XCTAssertEqual(r.machines.map(\.name), ["store.primary"])
            XCTAssertEqual(r.machines[0].utilization, runs.component("store.primary", r).utilization, accuracy: 1e-12)
            XCTAssertEqual(r.costPerHour, 0.5, accuracy: 1e-12)
        }
    }

    /// A primary with two read replicas is three machines; a key-value store with six storage
    /// nodes is six, whatever its quorums.
    func testCostCountsEveryNode() {
        let box = MachineConfig(name: "box", cores: 4, costPerHour: 0.25)
        let db = DatabaseConfig(workers: 4, service: .exponential(mean: 0.001), readReplicas: 2, replicationLag: .constant(0.01))
        let sql = Runner.runOnce(Self.config(.database(db), machine: box, rate: 200)).result
        XCTAssertEqual(sql.machines.map(\.name), ["store.primary", "store.replica-1", "store.replica-2"])
        XCTAssertEqual(sql.costPerHour, 0.75, accuracy: 1e-12)
        let kv = KVStoreConfig(replicationFactor: 3, readQuorum: 2, writeQuorum: 2, nodes: 6, workers: 8, service: .constant(0.0001),
                               replicaService: .exponential(mean: 0.001), replicationLag: .constant(0.01), nodeWorkers: 4)
        let nosql = Runner.runOnce(Self.config(.kvStore(kv), machine: box, rate: 200)).result
        XCTAssertEqual(nosql.machines.map(\.name), (1...6).map { "store.node-\($0)" })
        XCTAssertEqual(nosql.costPerHour, 1.5, accuracy: 1e-12)
        for m in nosql.machines {
            XCTAssertEqual(m.utilization, nosql.components.first { $0.name == m.name }!.utilization, accuracy: 1e-12)
        }
    }
}
