import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Confidence level of each theory check. Each test file makes a few dozen checks in all, so a
/// per-check level of 99.9% keeps the whole suite's chance of a false alarm near 3% (Bonferroni),
/// where 95% per check would fail somewhere in most runs even with a perfect simulator.
let checkLevel = 0.999

/// Replications of one configuration, with per-replication statistics for intervals.
struct Replicated {
    let results: [RunResult]

    init(_ config: ModelConfig, replications: Int = 10) {
        results = Runner.replicate(config, replications: replications, jobs: 2).map(\.result)
    }

    /// Values of `f` across replications.
    func values(_ f: (RunResult) -> Double) -> [Double] { results.map(f) }

    /// The `checkLevel` confidence interval of the mean of `f` across replications.
    func interval(_ f: (RunResult) -> Double) -> (mean: Double, low: Double, high: Double) {
        StudentT.interval(values(f), level: checkLevel)
    }

    func component(_ name: String, _ r: RunResult) -> ComponentResult {
        r.components.first { $0.name == name }!
    }
}

/// Asserts that `theory` lies inside the interval, printing both so a failure explains itself,
/// and that the interval is narrow enough (half-width at most `power` × theory) for the check to
/// be able to fail: a run too short to tell a 5% error from noise proves nothing.
func assertWithin(_ ci: (mean: Double, low: Double, high: Double), _ theory: Double, _ what: String,
                  power: Double = 0.05, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssert(ci.low <= theory && theory <= ci.high,
              "\(what): theory \(theory) outside the \(checkLevel * 100)% interval [\(ci.low), \(ci.high)] (mean \(ci.mean))",
              file: file, line: line)
    XCTAssert((ci.high - ci.low) / 2 <= power * abs(theory),
              "\(what): interval [\(ci.low), \(ci.high)] too wide to test theory \(theory) to \(power * 100)%",
              file: file, line: line)
}

/// Asserts that two estimates of the same quantity agree: the difference of their means is within
/// `t · sqrt(se₁² + se₂²)`, with standard errors taken across replications.
func assertAgree(_ a: [Double], _ b: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    var ta = Tally(), tb = Tally()
    a.forEach { ta.add($0) }
    b.forEach { tb.add($0) }
    let se = (ta.variance / Double(ta.count) + tb.variance / Double(tb.count)).squareRoot()
    let t = StudentT.quantile(level: checkLevel, df: min(ta.count, tb.count) - 1)
    XCTAssert(abs(ta.mean - tb.mean) <= t * se + 1e-12,
              "\(what): \(ta.mean) and \(tb.mean) differ by more than \(t * se)", file: file, line: line)
}

/// A single-workload configuration with Poisson arrivals through `route`.
func poissonConfig(_ name: String, rate: Double, duration: Double, warmup: Double, route: [String],
                   components: [ComponentConfig]) -> ModelConfig {
    ModelConfig(name: name, seed: 11, duration: SimDuration(seconds: duration), warmup: SimDuration(seconds: warmup),
                workloads: [WorkloadConfig(name: "jobs", arrival: .poisson(ratePerSecond: rate), route: route)],
                components: components)
}

func server(_ name: String, workers: Int = 1, _ service: Distribution, queueLimit: Int? = nil) -> ComponentConfig {
    ComponentConfig(name: name, kind: .server(ServerConfig(workers: workers, service: service, queueLimit: queueLimit)))
}

/// Checks Little's law at every station of every replication: the time-average number in queue
/// equals arrival rate × mean wait, and the number in system equals arrival rate × mean response.
func assertLittlesLaw(_ runs: Replicated, window: Double, file: StaticString = #filePath, line: UInt = #line) {
    let stations = runs.results[0].components.filter { $0.workers > 0 && !$0.isGroup }.map(\.name)
    XCTAssertFalse(stations.isEmpty)
    for name in stations {
        let rows = runs.results.map { runs.component(name, $0) }
        let lambda = rows.map { Double($0.arrived) / window }
        assertAgree(rows.map(\.queueLengthMean), zip(rows, lambda).map { $1 * $0.waitMean },
                    "Little's law L_q = λ·W_q at \(name)", file: file, line: line)
        assertAgree(rows.map { $0.queueLengthMean + $0.utilization * Double($0.workers) },
                    zip(rows, lambda).map { $1 * $0.responseMean },
                    "Little's law L = λ·W at \(name)", file: file, line: line)
    }
}
