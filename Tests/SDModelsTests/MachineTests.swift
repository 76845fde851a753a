import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Machines: shared cores, speed, local calls, cost, and two-phase commit across machines.
final class MachineTests: XCTestCase {
    private func placed(_ c: ComponentConfig, on machine: String?) -> ComponentConfig {
        var c = c
        c.machine = machine
        return c
    }

    /// Two components on one single-core machine share its CPU. With 100 threads each (never the
    /// limit), the core is a FIFO server visited twice per request with the same exponential
    /// demand (mean 0.1 s ÷ speed), so by BCMP it is an M/M/1 fed at 2λ: each visit takes
    /// 1/(μ·speed − 2λ). With λ = 2/s: speed 1 → 2/(10 − 4) = 0.333 s; speed 2 → 2/(20 − 4) = 0.125 s.
    func testComponentsShareTheMachinesCores() {
        for speed in [1.0, 2.0] {
            var config = poissonConfig("shared-cpu", rate: 2, duration: 20_200, warmup: 200, route: ["a", "b"], components: [
                placed(server("a", workers: 100, .exponential(mean: 0.1)), on: "box"),
                placed(server("b", workers: 100, .exponential(mean: 0.1)), on: "box"),
            ])
            config.machines = [MachineConfig(name: "box", cores: 1, speed: speed, costPerHour: 0.5)]
            let runs = Replicated(config)
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, 2 / (10 * speed - 4), "shared core, speed \(speed)")
            assertWithin(runs.interval { $0.machines[0].utilization }, 2 * 2 * 0.1 / speed, "core utilization")
            XCTAssertEqual(runs.results[0].machines.map(\.components), [["a", "b"]])
            XCTAssertEqual(runs.results[0].costPerHour, 0.5)
        }
    }

    /// Replica i of every group on the same machine type shares machine instance i.
    func testReplicasGetTheirOwnMachines() {
        var config = ModelConfig(
            name: "placement", seed: 1, duration: SimDuration(seconds: 10),
            workloads: [WorkloadConfig(name: "w", arrival: .poisson(ratePerSecond: 10), route: ["lb", "app"])],
            components: [
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "app"))),
                ComponentConfig(name: "app", replicas: 3, kind: .server(ServerConfig(workers: 4, service: .constant(0.01))), machine: "web"),
                ComponentConfig(name: "sidecar", replicas: 3, kind: .server(ServerConfig(service: .constant(0.001))), machine: "web"),
            ])
        config.machines = [MachineConfig(name: "web", cores: 2, costPerHour: 0.1)]
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.machines.map(\.name), ["web-1", "web-2", "web-3"])
        XCTAssertEqual(r.machines.map(\.components), [["app-1", "sidecar-1"], ["app-2", "sidecar-2"], ["app-3", "sidecar-3"]])
        XCTAssertEqual(r.costPerHour, 0.3, accuracy: 1e-12)
    }

    /// Calls between components on one machine are local (here free); across machines they pay
    /// the network latency L each way. One request at a time, constant times (app a = 1 ms,
    /// participants p = 2 ms, L = 0.5 ms):
    /// - local atomic calls: client↔app 2L + a + 2p = 6 ms;
    /// - two-phase commit across machines: 2L + a + 4(2L + p) = 1 + 1 + 4·3 = 14 ms, and each
    ///   participant holds its lock from the end of its prepare to the end of its commit: 4L + 2p = 6 ms.
    func testTwoPhaseCommitAcrossMachines() {
        func run(spread: Bool) -> RunResult {
            var config = ModelConfig(
                name: "2pc", seed: 1, duration: SimDuration(seconds: 100),
                network: NetworkConfig(latency: .constant(0.0005)),
                workloads: [WorkloadConfig(name: "orders", arrival: .interarrival(.constant(1)), route: ["app"])],
                components: [
                    ComponentConfig(name: "app", kind: .server(ServerConfig(service: .constant(0.001), calls: ["db1", "db2"], atomic: true)),
                                    machine: "m1"),
                    ComponentConfig(name: "db1", kind: .server(ServerConfig(service: .constant(0.002))), machine: spread ? "m2" : "m1"),
                    ComponentConfig(name: "db2", kind: .server(ServerConfig(service: .constant(0.002))), machine: spread ? "m3" : "m1"),
                ])
            config.machines = ["m1", "m2", "m3"].map { MachineConfig(name: $0, cores: 4) }
            return Runner.runOnce(config).result
        }
        let local = run(spread: false), distributed = run(spread: true)
        XCTAssertEqual(local.workloads[0].latency.max, 0.006, accuracy: 1e-9)
        XCTAssertEqual(distributed.workloads[0].latency.max, 0.014, accuracy: 1e-9)
        XCTAssertEqual(distributed.workloads[0].latency.mean, 0.014, accuracy: 1e-9)
        let app = distributed.components.first { $0.name == "app" }!
        XCTAssertEqual(app.extra.first { $0.name == "transactions_2pc" }?.value, Double(distributed.workloads[0].completed))
        let db1 = distributed.components.first { $0.name == "db1" }!
        XCTAssertEqual(db1.extra.first { $0.name == "lock_hold_mean" }!.value, 0.006, accuracy: 1e-9)
        let localApp = local.components.first { $0.name == "app" }!
        XCTAssertEqual(localApp.extra.first { $0.name == "transactions_local" }?.value, Double(local.workloads[0].completed))
    }

    /// A failed prepare aborts: the participant that prepared is released, and the request fails.
    func testFailedPrepareAbortsAndReleasesLocks() {
        var config = ModelConfig(
            name: "abort", seed: 1, duration: SimDuration(seconds: 200),
            workloads: [WorkloadConfig(name: "orders", arrival: .poisson(ratePerSecond: 20), route: ["app"])],
            components: [
                ComponentConfig(name: "app", kind: .server(ServerConfig(workers: 50, service: .constant(0.001), calls: ["db1", "db2"],
                                                                         atomic: true)), machine: "m1"),
                ComponentConfig(name: "db1", kind: .server(ServerConfig(workers: 4, service: .exponential(mean: 0.01))), machine: "m2"),
                ComponentConfig(name: "db2", kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 0.05), queueLimit: 0)),
                                machine: "m3"),
            ])
        config.machines = ["m1", "m2", "m3"].map { MachineConfig(name: $0, cores: 8) }
        let r = Runner.runOnce(config).result
        let app = r.components.first { $0.name == "app" }!
        let aborted = app.extra.first { $0.name == "transactions_aborted" }!.value
        XCTAssertGreaterThan(aborted, 0)
        XCTAssertEqual(Double(r.workloads[0].failed), aborted, accuracy: 2)
        // db1's locks are all released: its utilization stays well below saturation.
        XCTAssertLessThan(r.components.first { $0.name == "db1" }!.utilization, 0.9)
    }
}
