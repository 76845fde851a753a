import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// Links with bandwidth: a transfer takes latency + size ÷ bandwidth, queued FIFO behind the
/// transfers before it on the sender's link.
final class LinkTests: XCTestCase {
    func extra(_ c: ComponentResult, _ name: String) -> Double { c.extra.first { $0.name == name }?.value ?? .nan }

    /// One read a second (the link is idle each time): the 5 MB response crosses app's 100 MB/s
    /// link in 50 ms, plus 1 ms of latency each way: 52 ms exactly. A 1 MB upload through a
    /// 2 MB/s uplink takes 0.5 s, then 10 ms on app's link to the database, plus 4 hops of 1 ms.
    func testIdleLinkTakesLatencyPlusSizeOverBandwidth() {
        var config = ModelConfig(
            name: "idle", seed: 1, duration: SimDuration(seconds: 10.6),
            network: NetworkConfig(latency: .constant(0.001), bandwidth: 100e6, clientUplink: 2e6, egressCostPerGB: 0.09),
            workloads: [
                WorkloadConfig(name: "views", arrival: .interarrival(.constant(1)), route: ["app"], type: "view", size: .constant(5e6)),
                WorkloadConfig(name: "uploads", arrival: .interarrival(.constant(1)), route: ["app", "db"], type: "upload",
                               size: .constant(1e6)),
            ],
            components: [server("app", workers: 4, .constant(0)), server("db", workers: 4, .constant(0))])
        config.workloads[1].arrival = .interarrival(.constant(1))
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].completed, 10)
        XCTAssertEqual(r.workloads[0].latency.max, 0.052, accuracy: 1e-9)
        XCTAssertEqual(r.workloads[0].latency.mean, 0.052, accuracy: 1e-9)
        XCTAssertEqual(r.workloads[1].completed, 10)
        XCTAssertEqual(r.workloads[1].latency.max, 0.5 + 0.010 + 0.004, accuracy: 1e-9)
        let app = r.components.first { $0.name == "app" }!
        XCTAssertEqual(extra(app, "bytes_out"), 10 * 5e6 + 10 * 1e6)
        XCTAssertEqual(extra(app, "bytes_in"), 10 * 1e6)
        XCTAssertEqual(r.network?.egressBytes, 10 * 5e6)
        XCTAssertEqual(r.network?.ingressBytes, 10 * 1e6)
        XCTAssertEqual(r.network?.egressCost ?? .nan, 0.09 * 0.05, accuracy: 1e-12)
    }

    /// A loaded link is a single-server FIFO queue whose service time is size ÷ bandwidth:
    /// responses of exponential size (mean 1 MB) on a 100 MB/s link at λ = 70/s make an M/M/1
    /// queue with ρ = 0.7 (mean time 1/(μ − λ) = 33.3 ms); constant 1 MB responses make an M/D/1
    /// queue (Pollaczek–Khinchine: W = S + ρS/(2(1 − ρ)) = 21.67 ms). The server itself takes no time.
    func testLoadedLinkIsAQueue() {
        for (size, theory) in [(Distribution.exponential(mean: 1e6), 1 / (100.0 - 70)),
                               (Distribution.constant(1e6), 0.01 + 0.7 * 0.01 / (2 * 0.3))] {
            var config = poissonConfig("link", rate: 70, duration: 2_020, warmup: 20, route: ["app"],
                                       components: [server("app", workers: 1_000, .constant(0))])
            config.workloads[0].mix[0].size = size
            config.network = NetworkConfig(bandwidth: 100e6)
            let runs = Replicated(config)
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "link sojourn with sizes \(size)", power: 0.03)
            assertWithin(runs.interval { self.extra(runs.component("app", $0), "link_utilization") }, 0.7,
                         "link utilization", power: 0.02)
        }
    }

    /// Without any link key, hops cost latency only and no network figures are reported.
    func testNoLinksNoFigures() {
        var config = poissonConfig("plain", rate: 10, duration: 10, warmup: 0, route: ["app"],
                                   components: [server("app", .constant(0.001))])
        config.workloads[0].mix[0].size = .constant(1e9)
        let r = Runner.runOnce(config).result
        XCTAssertNil(r.network)
        XCTAssertTrue(r.components[0].extra.isEmpty)
        XCTAssertLessThan(r.workloads[0].latency.max, 0.1)
    }
}
