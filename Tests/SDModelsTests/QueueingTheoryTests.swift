import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Each test runs independent replications and asserts that theory lies within their confidence
/// interval (see `checkLevel`), then that Little's law holds at every station.
final class QueueingTheoryTests: XCTestCase {
    /// M/M/1 at λ = 0.5/s, μ = 1/s: ρ = 0.5, W = 1/(μ − λ) = 2 s, Wq = ρ/(μ − λ) = 1 s, U = ρ.
    func testMM1AtHalfLoad() {
        let config = poissonConfig("mm1", rate: 0.5, duration: 161_000, warmup: 1_000, route: ["station"],
                                   components: [server("station", .exponential(mean: 1))])
        let runs = Replicated(config)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, 2.0, "M/M/1 ρ=0.5 mean response")
        assertWithin(runs.interval { runs.component("station", $0).waitMean }, 1.0, "M/M/1 ρ=0.5 mean wait")
        assertWithin(runs.interval { runs.component("station", $0).utilization }, 0.5, "M/M/1 ρ=0.5 utilization")
        assertLittlesLaw(runs, window: 160_000)
    }

    /// M/M/1 at λ = 0.9/s, μ = 1/s: ρ = 0.9, W = 1/(μ − λ) = 10 s. Responses are strongly correlated
    /// at this load, so each replication is long (relaxation time ≈ 1/(μ(1 − √ρ)²) ≈ 380 s).
    func testMM1AtHighLoad() {
        let config = poissonConfig("mm1-high", rate: 0.9, duration: 1_005_000, warmup: 5_000, route: ["station"],
                                   components: [server("station", .exponential(mean: 1))])
        let runs = Replicated(config)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, 10.0, "M/M/1 ρ=0.9 mean response")
        assertWithin(runs.interval { runs.component("station", $0).queueLengthMean }, 8.1, "M/M/1 ρ=0.9 Lq = ρ²/(1−ρ)")
        assertLittlesLaw(runs, window: 1_000_000)
    }

    /// M/M/4 at λ = 3.2/s, μ = 1/s (ρ = 0.8): Wq = C(4, 3.2)/(cμ − λ) by Erlang C, W = Wq + 1/μ.
    func testMMcAgainstErlangC() {
        let lambda = 3.2, mu = 1.0, c = 4
        let config = poissonConfig("mmc", rate: lambda, duration: 101_000, warmup: 1_000, route: ["pool"],
                                   components: [server("pool", workers: c, .exponential(mean: 1 / mu))])
        let runs = Replicated(config)
        let wq = QueueingTheory.mmcWait(lambda: lambda, mu: mu, servers: c)
        assertWithin(runs.interval { runs.component("pool", $0).waitMean }, wq, "M/M/4 Erlang C wait")
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, wq + 1 / mu, "M/M/4 response")
        assertWithin(runs.interval { runs.component("pool", $0).utilization }, lambda / (Double(c) * mu), "M/M/4 utilization")
        assertLittlesLaw(runs, window: 100_000)
    }

    /// M/D/1 at λ = 0.7/s, S = 1 s: Pollaczek–Khinchine Wq = λE[S²]/(2(1 − ρ)) = 0.7/(2·0.3) = 1.1667 s.
    func testMD1AgainstPollaczekKhinchine() {
        let config = poissonConfig("md1", rate: 0.7, duration: 41_000, warmup: 1_000, route: ["station"],
                                   components: [server("station", .constant(1))])
        let runs = Replicated(config)
        let wq = QueueingTheory.mg1Wait(lambda: 0.7, serviceMean: 1, serviceSecondMoment: 1)
        XCTAssertEqual(wq, 0.7 / 0.6, accuracy: 1e-12)
        assertWithin(runs.interval { runs.component("station", $0).waitMean }, wq, "M/D/1 wait")
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, wq + 1, "M/D/1 response")
        assertLittlesLaw(runs, window: 40_000)
    }

    /// M/G/1 with lognormal service (mean 1 s, CV 1.5) at λ = 0.5/s: E[S²] = m²(1 + CV²) = 3.25,
    /// Wq = λE[S²]/(2(1 − ρ)) = 0.5·3.25/(2·0.5) = 1.625 s.
    func testMG1LognormalAgainstPollaczekKhinchine() {
        let service = Distribution.lognormal(mean: 1, cv: 1.5)
        let config = poissonConfig("mg1", rate: 0.5, duration: 801_000, warmup: 1_000, route: ["station"],
                                   components: [server("station", service)])
        let runs = Replicated(config)
        let wq = QueueingTheory.mg1Wait(lambda: 0.5, serviceMean: service.mean!, serviceSecondMoment: service.secondMoment!)
        XCTAssertEqual(wq, 1.625, accuracy: 1e-12)
        assertWithin(runs.interval { runs.component("station", $0).waitMean }, wq, "M/G/1 lognormal wait")
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, wq + 1, "M/G/1 lognormal response")
        assertLittlesLaw(runs, window: 800_000)
    }

    /// A tandem of three M/M/1 stations at λ = 0.5/s with μ = 1, 0.8 and 1.25/s. By Jackson's theorem
    /// each behaves as an independent M/M/1: W = Σ 1/(μᵢ − λ) = 2 + 3.333 + 1.333 = 6.667 s.
    func testTandemOfThreeStations() {
        let mus = [1.0, 0.8, 1.25]
        let config = poissonConfig("tandem", rate: 0.5, duration: 41_000, warmup: 1_000, route: ["s1", "s2", "s3"],
                                   components: mus.enumerated().map { server("s\($0.offset + 1)", .exponential(mean: 1 / $0.element)) })
        let runs = Replicated(config)
        let w = mus.reduce(0) { $0 + 1 / ($1 - 0.5) }
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, w, "tandem end-to-end")
        for (i, mu) in mus.enumerated() {
            assertWithin(runs.interval { runs.component("s\(i + 1)", $0).responseMean }, 1 / (mu - 0.5), "tandem station s\(i + 1)")
        }
        assertLittlesLaw(runs, window: 40_000)
    }

    /// The three-tier scenario with zero network latency is a Jackson network:
    /// app tier = 4 × M/M/8 at λ = 600/s, μ = 100/s (ρ = 0.75), W = 11.785 ms;
    /// cache: constant 0.5 ms with 64 workers (no waiting in practice);
    /// DB = M/M/16 at λ = 0.2 · 2400 = 480/s, μ = 40/s (ρ = 0.75), W = 26.279 ms, visited by 20%.
    /// End to end: 11.785 + 0.5 + 0.2 · 26.279 = 17.54 ms.
    func testThreeTierJacksonNetwork() {
        let wApp = QueueingTheory.mmcResponse(lambda: 600, mu: 100, servers: 8)
        let wDB = QueueingTheory.mmcResponse(lambda: 480, mu: 40, servers: 16)
        let theory = wApp + 0.0005 + 0.2 * wDB
        XCTAssertEqual(wApp, 0.011785, accuracy: 1e-6)
        XCTAssertEqual(wDB, 0.026279, accuracy: 1e-6)
        XCTAssertEqual(theory, 0.01754, accuracy: 1e-5)
        let config = ModelConfig(
            name: "three-tier", seed: 7, duration: SimDuration(seconds: 70), warmup: SimDuration(seconds: 10),
            workloads: [WorkloadConfig(name: "feed-read", arrival: .poisson(ratePerSecond: 2400), route: ["lb", "app", "cache"])],
            components: [
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .random, targets: "app"))),
                ComponentConfig(name: "app", replicas: 4, kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010)))),
                ComponentConfig(name: "cache", kind: .cache(CacheConfig(hitRatio: 0.8, workers: 64, service: .constant(0.0005), onMiss: "db"))),
                ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 16, service: .exponential(mean: 0.025)))),
            ])
        let runs = Replicated(config)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "three-tier end-to-end")
        assertWithin(runs.interval { runs.component("app", $0).responseMean }, wApp, "three-tier app tier")
        assertWithin(runs.interval { runs.component("db", $0).responseMean }, wDB, "three-tier database")
        assertWithin(runs.interval { runs.component("cache", $0).hitRatio! }, 0.8, "three-tier hit ratio")
        assertWithin(runs.interval { runs.component("db", $0).throughput }, 480, "three-tier database throughput")
        assertLittlesLaw(runs, window: 60)
    }

    /// No waiting room (queue-limit 0) with c = 5 workers at offered load a = λ/μ = 4:
    /// the fraction of arrivals turned away is Erlang B(5, 4) = 0.19907 (M/M/c/c, insensitive to the service distribution).
    func testQueueLimitZeroAgainstErlangB() {
        let b = QueueingTheory.erlangB(servers: 5, offeredLoad: 4)
        XCTAssertEqual(b, 0.19907, accuracy: 1e-5)
        for service in [Distribution.exponential(mean: 1), .constant(1)] {
            let config = poissonConfig("erlang-b", rate: 4, duration: 20_500, warmup: 500, route: ["pool"],
                                       components: [server("pool", workers: 5, service, queueLimit: 0)])
            let runs = Replicated(config)
            assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) }, b,
                         "Erlang B blocking with \(service)")
            assertWithin(runs.interval { runs.component("pool", $0).utilization }, 4 * (1 - b) / 5, "M/M/5/5 utilization")
        }
    }

    /// M/M/2/5 (2 workers, 3 waiting places) at λ = 2/s, μ = 1.2/s: blocking = p(5) and the mean
    /// response of admitted requests W = L/(λ(1 − p(5))), from the birth–death stationary distribution.
    func testQueueLimitAgainstMMcK() {
        let lambda = 2.0, mu = 1.2
        let config = poissonConfig("mmck", rate: lambda, duration: 20_500, warmup: 500, route: ["pool"],
                                   components: [server("pool", workers: 2, .exponential(mean: 1 / mu), queueLimit: 3)])
        let runs = Replicated(config)
        let blocking = QueueingTheory.mmckBlocking(lambda: lambda, mu: mu, servers: 2, capacity: 5)
        assertWithin(runs.interval { Double($0.workloads[0].failed) / Double($0.workloads[0].arrived) }, blocking, "M/M/2/5 blocking")
        assertWithin(runs.interval { $0.workloads[0].latency.mean },
                     QueueingTheory.mmckResponse(lambda: lambda, mu: mu, servers: 2, capacity: 5), "M/M/2/5 response")
        assertLittlesLaw(runs, window: 20_000)
    }
}
