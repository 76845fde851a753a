import Foundation
import SDEngine
import SDMetrics
@testable import SDModels
import SDConfig
import SDAnalysis
import XCTest

/// The relational data model's joins and multi-row transactions inside a shard, against M/G/1.
final class DatabaseQueriesTests: XCTestCase {
    /// One primary with one worker, Poisson traffic of one request type.
    static func config(rate: Double, type: String, queries: RelationalQueries) -> ModelConfig {
        ModelConfig(
            name: "joins", seed: 8, duration: SimDuration(seconds: 60), warmup: SimDuration(seconds: 5),
            workloads: [WorkloadConfig(name: "app", arrival: .poisson(ratePerSecond: rate),
                                       mix: [RequestClass(type: type, share: 1, route: ["db"])], keys: .uniform(n: 1000))],
            components: [ComponentConfig(name: "db", kind: .database(DatabaseConfig(
                workers: 1, service: .exponential(mean: 0.002), queries: queries)))])
    }

    /// A read joining 2 tables: its service is exponential(2ms) + 2 × exponential(1ms), so
    /// E[S] = 4 ms and E[S²] = Var + E[S]² = (4 + 1 + 1) + 16 = 22 ms²; at 150/s (ρ = 0.6) the
    /// database is M/G/1 with the Pollaczek–Khinchine wait.
    func testJoinsAddTheirCostInsideTheShard() {
        let lambda = 150.0
        let c = Self.config(rate: lambda, type: "feed",
                            queries: RelationalQueries(joins: ["feed": 2], joinCost: .exponential(mean: 0.001)))
        let runs = Replicated(c, replications: 10)
        let mean = 0.004, second = 22e-6
        let theory = mean + QueueingTheory.mg1Wait(lambda: lambda, serviceMean: mean, serviceSecondMoment: second)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/G/1 response of a 2-table join")
        assertWithin(runs.interval { runs.component("db.primary", $0).utilization }, lambda * mean, "utilization", power: 0.03)
        let row = OfferedLoad.rows(c).first { $0.name == "db.primary" }!
        XCTAssertEqual(row.offeredLoad, lambda * mean, accuracy: 1e-9)
    }

    /// A transaction writing 3 rows: three exponential(2ms) draws on one worker (Erlang-3, mean
    /// 6 ms, E[S²] = 3·4 + 36 = 48 ms²); at 100/s (ρ = 0.6), M/G/1 again.
    func testMultiRowTransactionsTakeOneWriteServicePerRow() {
        let lambda = 100.0
        let c = Self.config(rate: lambda, type: "post", queries: RelationalQueries(transactionRows: ["post": 3]))
        let runs = Replicated(c, replications: 10)
        let mean = 0.006, second = 48e-6
        let theory = mean + QueueingTheory.mg1Wait(lambda: lambda, serviceMean: mean, serviceSecondMoment: second)
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/G/1 response of a 3-row transaction")
    }
}
