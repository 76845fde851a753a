import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Replicas placed together on one machine or spread one per machine.
final class PlacementTests: XCTestCase {
    /// Two replicas behind a random balancer (so each sees Poisson arrivals), each with more threads than it needs, on
    /// single-core processor-sharing machines; exponential service S = 0.1 s, λ = 6/s.
    private func config(_ placement: ReplicaPlacement) -> ModelConfig {
        var config = poissonConfig("placement", rate: 6, duration: 4_100, warmup: 100, route: ["lb", "app"], components: [
            ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .random, targets: "app"))),
            ComponentConfig(name: "app", replicas: 2, kind: .server(ServerConfig(workers: 10_000, service: .exponential(mean: 0.1))),
                            machine: "box", placement: placement),
        ])
        config.machines = [MachineConfig(name: "box", cores: 1, scheduling: .processorSharing)]
        return config
    }

    /// Together, both replicas share one core: by BCMP a processor-sharing station visited by
    /// both, fed at λ = 6/s, ρ = 0.6: the response is S/(1 − ρ) = 0.25 s, and the one machine is
    /// 60% busy. Spread, each replica has its own core fed at λ/2: S/(1 − 0.3) = 0.143 s.
    func testTogetherReplicasShareOneMachinesCores() {
        let together = Replicated(config(.together))
        XCTAssertEqual(together.results[0].machines.map(\.name), ["box"])
        XCTAssertEqual(together.results[0].machines[0].components, ["app-1", "app-2"])
        assertWithin(together.interval { $0.workloads[0].latency.mean }, 0.1 / (1 - 0.6), "co-located replicas")
        assertWithin(together.interval { $0.machines[0].utilization }, 0.6, "shared machine utilization", power: 0.02)

        let spread = Replicated(config(.spread))
        XCTAssertEqual(spread.results[0].machines.map(\.name), ["box-1", "box-2"])
        assertWithin(spread.interval { $0.workloads[0].latency.mean }, 0.1 / (1 - 0.3), "spread replicas")
    }
}
