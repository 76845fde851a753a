import SDEngine
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// `sdsim spof`: a baseline first, each workload on its own, redundant load balancers.
final class SpofAuditTests: XCTestCase {
    /// One design: a balancer (single, or a redundant pair), two health-checked app replicas.
    private func design(_ suffix: String, rate: Double, lbReplicas: Int = 1, redundancy: LoadBalancerRedundancy? = nil,
                        service: Double = 0.010) -> (WorkloadConfig, [ComponentConfig]) {
        let lb = LoadBalancerConfig(policy: .roundRobin, targets: "app" + suffix,
                                    healthCheck: HealthCheck(interval: SimDuration(seconds: 0.5), timeout: SimDuration(seconds: 0.1)),
                                    redundancy: redundancy ?? .virtualIP(detection: SimDuration(seconds: 1)))
        let w = WorkloadConfig(name: "users" + suffix, arrival: .poisson(ratePerSecond: rate), route: ["lb" + suffix, "app" + suffix])
        return (w, [
            ComponentConfig(name: "lb" + suffix, replicas: lbReplicas, kind: .loadBalancer(lb)),
            ComponentConfig(name: "app" + suffix, replicas: 3,
                            kind: .server(ServerConfig(workers: 4, service: .exponential(mean: service)))),
        ])
    }

    private func config(_ parts: [(WorkloadConfig, [ComponentConfig])], slo: Double = 0.95) -> ModelConfig {
        var c = ModelConfig(name: "spof", seed: 5, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 2),
                            workloads: parts.map(\.0), components: parts.flatMap(\.1))
        c.slo = ServiceLevelObjective(availability: slo)
        return c
    }

    /// A single balancer is a SPOF (every request of its outage fails); a pair with a virtual IP
    /// loses only the requests of the detection time (1 s of the 20 s outage: 5%, so 95% survive;
    /// the SLO of 90% holds).
    func testRedundantBalancerPairIsNotASinglePointOfFailure() {
        let single = SpofAudit.run(config([design("", rate: 200)], slo: 0.9))
        XCTAssertFalse(single.stopped)
        let lb = single.rows.first { $0.target == "lb" }!
        XCTAssertFalse(lb.meetsSLO)
        XCTAssertEqual(lb.worstAvailability, 0, accuracy: 0.001)
        XCTAssertTrue(lb.fix?.contains("replicas: 2") ?? false, "\(lb)")

        let pair = SpofAudit.run(config([design("", rate: 200, lbReplicas: 2)], slo: 0.9))
        let row = pair.rows.first { $0.target == "lb" }!
        XCTAssertEqual(row.crashed, "lb-1")
        XCTAssertTrue(row.meetsSLO, "\(row)")
        // What arrives during the 1 s detection is lost: about 1/20 of the outage's requests.
        XCTAssertEqual(row.worstAvailability, 1 - 1.0 / 20, accuracy: 0.015)
        XCTAssertEqual(pair.singlePointsOfFailure, [])
    }

    /// DNS round robin with client retries: an attempt that reaches the dead balancer is refused and
    /// retried at the next address, so nothing is lost; without retries half the outage's requests fail.
    func testDNSRoundRobinNeedsClientRetries() {
        var (w, parts) = design("", rate: 200, lbReplicas: 2, redundancy: .dns)
        let without = SpofAudit.run(config([(w, parts)], slo: 0.9)).rows.first { $0.target == "lb" }!
        XCTAssertEqual(without.worstAvailability, 0.5, accuracy: 0.03)
        XCTAssertFalse(without.meetsSLO)
        w.retry = RetryPolicy(maxRetries: 2, backoff: SimDuration(seconds: 0.01))
        parts[0].kind = parts[0].kind
        let with = SpofAudit.run(config([(w, parts)], slo: 0.9)).rows.first { $0.target == "lb" }!
        XCTAssertTrue(with.meetsSLO, "\(with)")
        XCTAssertEqual(with.worstAvailability, 1, accuracy: 0.001)
    }

    /// Two independent designs in one scenario: each workload is reported on its own, and its
    /// numbers are exactly those of auditing its design alone (streams are derived from names, so
    /// the other design changes no draw).
    func testTwoWorkloadsAreReportedSeparatelyAndMatchEachDesignAlone() {
        let a = design("-a", rate: 150), b = design("-b", rate: 300, service: 0.008)
        let both = SpofAudit.run(config([a, b]))
        let aloneA = SpofAudit.run(config([a]))
        let aloneB = SpofAudit.run(config([b]))
        for (alone, suffix) in [(aloneA, "-a"), (aloneB, "-b")] {
            for row in alone.rows {
                let joint = both.rows.first { $0.target == row.target }!
                XCTAssertEqual(joint.workloads.count, 2)
                let mine = joint.workloads.first { $0.workload == "users" + suffix }!
                XCTAssertEqual(mine, row.workloads[0], "\(row.target)")
                // The other design's workload does not notice this outage.
                let other = joint.workloads.first { $0.workload != "users" + suffix }!
                XCTAssertEqual(other.availability, 1, "\(row.target)")
                XCTAssertEqual(joint.meetsSLO, row.meetsSLO, row.target)
            }
            XCTAssertEqual(both.baseline.workloads.first { $0.workload == "users" + suffix }, alone.baseline.workloads[0])
        }
        XCTAssertEqual(both.singlePointsOfFailure, ["lb-a", "lb-b"])
    }

    /// An overloaded system (ρ = 200/s × 10 ms ÷ 1 = 2 on one unreplicated server) misses its
    /// SLO before anything fails: the audit stops after the baseline and blames no component.
    func testBaselineCheckStopsOnAnOverloadedSystem() {
        var c = poissonConfig("overloaded", rate: 200, duration: 30, warmup: 1, route: ["s"], components: [
            ComponentConfig(name: "s", kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 0.010), queueLimit: 10))),
        ])
        c.slo = ServiceLevelObjective(availability: 0.99)
        let audit = SpofAudit.run(c)
        XCTAssertTrue(audit.stopped)
        XCTAssertFalse(audit.baseline.meetsSLO)
        XCTAssertTrue(audit.rows.isEmpty)
        XCTAssertTrue(audit.baseline.bottleneckAdvice?.contains("s is the bottleneck") ?? false, "\(audit.baseline)")
    }

    /// The scenario's own failures are left out, and the audit says how many.
    func testScenarioFailuresAreLeftOut() {
        var c = config([design("", rate: 100)])
        c.failures = [FailureEvent(at: SimDuration(seconds: 1), action: .crash("app"), duration: SimDuration(seconds: 59))]
        let audit = SpofAudit.run(c)
        XCTAssertEqual(audit.failuresRemoved, 1)
        XCTAssertTrue(audit.baseline.meetsSLO)
    }
}
