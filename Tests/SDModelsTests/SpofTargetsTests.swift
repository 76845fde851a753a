import SDEngine
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// `sdsim spof` beyond components: machine instances and zones are targets of their own, and the
/// reasons and fixes come from the numbers (remaining replicas' utilization, health-check interval).
final class SpofTargetsTests: XCTestCase {
    private func balancer(_ targets: String, interval: Double = 0.5) -> ComponentConfig {
        ComponentConfig(name: "lb", replicas: 2, kind: .loadBalancer(LoadBalancerConfig(
            policy: .roundRobin, targets: targets,
            healthCheck: HealthCheck(interval: SimDuration(seconds: interval), timeout: SimDuration(seconds: 0.1)),
            redundancy: .virtualIP(detection: SimDuration(seconds: 1)))))
    }

    private func config(rate: Double, route: [String], _ components: [ComponentConfig], slo: ServiceLevelObjective) -> ModelConfig {
        var c = ModelConfig(name: "targets", seed: 5, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 2),
                            workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: rate), route: route)],
                            components: components)
        c.slo = slo
        return c
    }

    /// app's two replicas are spread over machines web-1 and web-2; store runs on machine dbhost,
    /// in zone z1. The audit takes down web-1 (app-1 with it: one of two replicas, the balancer's
    /// health check notices) and survives; dbhost and zone z1 take store, which runs nowhere else.
    /// web-2 hosts the same groups as web-1, so it is not audited again.
    func testMachinesAndZonesAreTargets() {
        var app = ComponentConfig(name: "app", replicas: 2, kind: .server(ServerConfig(workers: 4, service: .exponential(mean: 0.010))),
                                  machine: "web")
        app.placement = .spread
        var store = ComponentConfig(name: "store", kind: .server(ServerConfig(workers: 4, service: .exponential(mean: 0.002))),
                                    machine: "dbhost")
        store.zone = "z1"
        var c = config(rate: 100, route: ["lb", "app", "store"], [balancer("app"), app, store],
                       slo: ServiceLevelObjective(availability: 0.9))
        c.machines = [MachineConfig(name: "web", cores: 4), MachineConfig(name: "dbhost", cores: 4)]
        let audit = SpofAudit.run(c)
        XCTAssertFalse(audit.stopped)
        XCTAssertEqual(audit.rows.map(\.target), ["lb", "app", "store", "web-1", "dbhost", "z1"])
        XCTAssertEqual(audit.rows.map(\.targetKind), ["component", "component", "component", "machine", "machine", "zone"])
        func row(_ t: String) -> SpofRow { audit.rows.first { $0.target == t }! }
        XCTAssertEqual(row("web-1").crashed, "app-1")
        XCTAssertTrue(row("web-1").meetsSLO, "\(row("web-1"))")
        XCTAssertFalse(row("dbhost").meetsSLO)
        XCTAssertEqual(row("dbhost").workloads[0].availability, 0, accuracy: 0.001)
        XCTAssertTrue(row("dbhost").reason.contains("hosts store, which runs nowhere else"), row("dbhost").reason)
        XCTAssertEqual(row("dbhost").fix, "run store on more than one machine (replicas: 2 or more)")
        XCTAssertEqual(row("z1").crashed, "zone z1")
        XCTAssertFalse(row("z1").meetsSLO)
        XCTAssertTrue(row("z1").fix?.contains("deploy store in a second zone") ?? false, "\(row("z1"))")
        XCTAssertEqual(audit.singlePointsOfFailure, ["store", "dbhost", "z1"])
    }

    /// Two replicas at ρ = 140/s × 10 ms ÷ 2 = 0.7 each: losing one leaves the other at 1.4, and
    /// the p99 target breaks. The reason states the remaining replica's load from the baseline's
    /// measured utilization, and the fix names a count that brings it back under 70%.
    func testRemainingReplicasTooBusyAsksForMore() {
        let app = ComponentConfig(name: "app", replicas: 2, kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 0.010))))
        let audit = SpofAudit.run(config(rate: 140, route: ["lb", "app"], [balancer("app"), app],
                                         slo: ServiceLevelObjective(availability: 0.9, p99: 0.5)))
        XCTAssertFalse(audit.stopped, "\(audit.baseline)")
        let row = audit.rows.first { $0.target == "app" }!
        XCTAssertFalse(row.meetsSLO)
        XCTAssertTrue(row.reason.contains("the 1 remaining replicas run at 1"), row.reason)
        let u = audit.baseline.utilization.first { $0.name == "app" }!.value
        XCTAssertEqual(u, 0.7, accuracy: 0.03)
        // ceil(0.7 × 2 ÷ 0.7) + 1 = 3 replicas, of which 2 carry the load at 70%.
        XCTAssertTrue(row.fix?.hasPrefix("run 3 replicas of app so that 2 carry the load") ?? false, "\(row)")
    }

    /// Three replicas at 8% each, but the balancer checks health every 6 s: app-1's probes fall at
    /// 18 s and 24 s, so after the crash at 20 s a third of the traffic goes to the dead replica
    /// for 4.1 s (to the probe at 24 s and its 0.1 s timeout), about 137 of the outage's 2,000
    /// requests, far more than 0.1%. The fix is the interval, not more replicas.
    func testSlowHealthCheckIsNamedWithItsInterval() {
        let app = ComponentConfig(name: "app", replicas: 3, kind: .server(ServerConfig(workers: 4, service: .exponential(mean: 0.010))))
        let audit = SpofAudit.run(config(rate: 100, route: ["lb", "app"], [balancer("app", interval: 6), app],
                                         slo: ServiceLevelObjective(availability: 0.999)))
        let row = audit.rows.first { $0.target == "app" }!
        XCTAssertFalse(row.meetsSLO)
        // Lost: about 100/s ÷ 3 × 4.1 s = 137 of 2,000 (a Poisson count: ± 12 is one standard deviation).
        XCTAssertEqual(Double(row.lost), 100.0 / 3 * 4.1, accuracy: 5 * (100.0 / 3 * 4.1).squareRoot() + 10)
        XCTAssertTrue(row.reason.contains("a health check every 6 s (timeout 0.1 s) leaves up to 6.1 s of failures"), row.reason)
        XCTAssertEqual(row.fix, "shorten the health-check interval of lb (now 6 s), or give the workloads a 'retry:' policy")
    }
}
