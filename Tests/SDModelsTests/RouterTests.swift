import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// API gateways and enterprise service buses.
final class RouterTests: XCTestCase {
    private func config(bus: Bool, rate: Double, busService: Distribution, duration: Double, warmup: Double) -> ModelConfig {
        let router = RouterConfig(workers: 1, service: busService, routes: [("read", "feed"), ("write", "posts")])
        return ModelConfig(
            name: bus ? "soa" : "microservices", seed: 4, duration: SimDuration(seconds: duration),
            warmup: SimDuration(seconds: warmup),
            workloads: [WorkloadConfig(name: "app", arrival: .poisson(ratePerSecond: rate), mix: [
                RequestClass(type: "read", share: 0.75, route: ["edge"]),
                RequestClass(type: "write", share: 0.25, route: ["edge"]),
            ])],
            components: [
                ComponentConfig(name: "edge", kind: bus ? .bus(router) : .gateway(router)),
                server("feed", workers: 64, .exponential(mean: 0.02)),
                server("posts", workers: 64, .exponential(mean: 0.04)),
            ])
    }

    /// A gateway sends each type to its service: with constant times and one request at a time,
    /// reads take 1 + 20 ms... here checked by counts: every read reaches `feed`, every write `posts`.
    func testGatewayRoutesByType() {
        let r = Runner.runOnce(config(bus: false, rate: 50, busService: .constant(0.001), duration: 200, warmup: 0)).result
        let feed = r.components.first { $0.name == "feed" }!, posts = r.components.first { $0.name == "posts" }!
        let types = r.workloads[0].arrivedByType
        XCTAssertEqual(types.map(\.type), ["read", "write"])
        XCTAssertEqual(Double(feed.arrived), Double(types[0].count), accuracy: 5)   // the last few may still be in flight
        XCTAssertEqual(Double(posts.arrived), Double(types[1].count), accuracy: 5)
    }

    /// A bus handles every request twice (call and reply). With exponential bus service (mean 2 ms,
    /// μ = 500/s) and λ = 150/s, the bus is a single M/M/1 fed at 2λ = 300/s (BCMP: same rate for
    /// both passes), so each pass takes 1/(μ − 2λ) = 5 ms; services are M/M/∞-like (64 workers):
    /// E2E = 2 × 5 ms + 0.75 × 20 ms + 0.25 × 40 ms = 35 ms. A gateway at the same load is an M/M/1
    /// fed at λ: 1/(500 − 150) = 2.857 ms once, E2E = 27.857 ms.
    func testBusMediatesBothWaysAndGatewayOnce() {
        let bus = Replicated(config(bus: true, rate: 150, busService: .exponential(mean: 0.002), duration: 2_050, warmup: 50))
        assertWithin(bus.interval { $0.workloads[0].latency.mean }, 0.010 + 0.025, "bus end-to-end")
        assertWithin(bus.interval { bus.component("edge", $0).utilization }, 2 * 150 * 0.002, "bus utilization = 2λ/μ")
        let gateway = Replicated(config(bus: false, rate: 150, busService: .exponential(mean: 0.002), duration: 2_050, warmup: 50))
        assertWithin(gateway.interval { $0.workloads[0].latency.mean }, 1 / 350.0 + 0.025, "gateway end-to-end")
        assertWithin(gateway.interval { gateway.component("edge", $0).utilization }, 150 * 0.002, "gateway utilization = λ/μ")
    }

    /// A type with no route and no default is rejected at the gateway.
    func testUnroutedTypeIsRejected() {
        var c = config(bus: false, rate: 20, busService: .constant(0.001), duration: 100, warmup: 0)
        c.workloads[0].mix.append(RequestClass(type: "search", share: 0.5, route: ["edge"]))
        let r = Runner.runOnce(c).result
        let edge = r.components.first { $0.name == "edge" }!
        XCTAssertGreaterThan(edge.extra.first { $0.name == "unrouted" }!.value, 0)
        XCTAssertEqual(r.workloads[0].failedBy.map(\.reason), ["rejected"])
    }
}
