import SDConfig
import SDMetrics
import SDModels

/// What an expectation comparing systems found: both sides' means (over the replications).
public struct SystemExpectationOutcome: Sendable, Equatable {
    public var expectation: SystemExpectation
    /// The left side's value, and the right side's (a figure's mean, or the bound).
    public var left: Double?, right: Double?
    /// Whether it holds; a side that cannot be measured fails it.
    public var passed: Bool
    /// Why a side has no value.
    public var problem: String?
    /// How the left side's figure is written.
    public var unit: Figure.Unit?
}

/// Two or more systems run with common random numbers and compared figure by figure.
public struct Comparison: Sendable {
    /// System names, in the order given.
    public var systems: [String]
    /// The system the others are compared with.
    public var baseline: Int
    /// Replications per system, and the seed they derive from.
    public var replications: Int
    public var seed: UInt64
    /// Confidence level of every interval.
    public var level: Double
    /// The figures, in report order.
    public var figures: [Figure]
    /// `estimates[f][s]`: figure f of system s, mean over replications with its interval (nil
    /// when the system lacks the figure).
    public var estimates: [[MeanEstimate?]]
    /// `differences[f][s]`: system s minus the baseline, paired replication by replication
    /// (nil for the baseline and where either lacks the figure).
    public var differences: [[MeanEstimate?]]
    /// The same differences with Welch's unpaired interval, for showing what pairing gains.
    public var unpairedDifferences: [[MeanEstimate?]]
    /// The expectations comparing systems, checked.
    public var expectations: [SystemExpectationOutcome] = []
    /// Each system's replications, for reports that need more than the figures.
    public var results: [[Runner.Outcome]]
    /// Each system's bottleneck analysis (``BottleneckAnalysis``) of its replications combined
    /// (never pooled with another system's); nil when the system's arrival rate is unknown.
    public var bottlenecks: [BottleneckReport?] = []
    /// Each system's steady-state verdict (``StabilityCheck``) of its replications combined; nil
    /// for a system that did not run.
    public var stability: [StabilityVerdict?] = []
    /// Each system's replications combined (pooled percentiles, means over replications), as
    /// `sdsim run --replications` combines them; nil for a system that did not run.
    public var combined: [RunResult?] = []

    /// Whether system `s` ran without a steady state (its latencies describe a transient).
    public func unsteady(_ s: Int) -> Bool { s < stability.count && stability[s].map { !$0.steady } ?? false }

    /// Whether `differences[f][s]` is statistically significant (its interval excludes zero).
    /// A difference involving a withheld figure (``withheld(_:_:)``) never is.
    public func isSignificant(_ f: Int, _ s: Int) -> Bool {
        !withheld(f, s) && !withheld(f, baseline) && (differences[f][s]?.excludesZero ?? false)
    }

    /// Whether figure `f` of system `s` is withheld: a workload's latency (mean, percentiles) in a
    /// system without a steady state describes a transient that grows with the run's length, so
    /// no number (nor interval, nor difference) is claimed for it.
    public func withheld(_ f: Int, _ s: Int) -> Bool {
        figures[f].kind == .workload && figures[f].unit == .seconds && unsteady(s)
    }

    /// Whether every expectation holds.
    public var expectationsHold: Bool { expectations.allSatisfy(\.passed) }

    /// Compares systems named `names` from their replications (`results[s][r]`, replication r of
    /// every system run with the same seed).
    public static func make(names: [String], configs: [ModelConfig], results: [[Runner.Outcome]], baseline: Int, seed: UInt64,
                            level: Double = 0.95, expectations: [SystemExpectation] = []) -> Comparison {
        precondition(names.count == results.count && baseline >= 0 && baseline < names.count)
        let (figures, values) = Experiment.tabulate(results, configs: configs)
        let estimates = values.map { row in row.map { $0.map { MeanEstimate($0, level: level) } } }
        func diff(_ f: ([Double], [Double], Double) -> MeanEstimate) -> [[MeanEstimate?]] {
            values.map { row in
                row.indices.map { s in
                    guard s != baseline, let a = row[baseline], let b = row[s] else { return nil }
                    return f(a, b, level)
                }
            }
        }
        var c = Comparison(systems: names, baseline: baseline, replications: results.first?.count ?? 0, seed: seed,
                           level: level, figures: figures, estimates: estimates,
                           differences: diff(PairedDifference.paired), unpairedDifferences: diff(PairedDifference.unpaired),
                           results: results)
        c.expectations = expectations.map { c.check($0) }
        c.combined = results.map { $0.isEmpty ? nil : Runner.combine($0, seed: seed) }
        c.bottlenecks = zip(configs, c.combined).map { config, run in run.flatMap { BottleneckAnalysis.analyze(config, $0) } }
        c.stability = configs.indices.map { s in
            c.combined[s].map { StabilityCheck.verdict(configs[s], $0, rows: c.bottlenecks[s]?.rows ?? []) }
        }
        return c
    }

    /// The mean of a figure reference, or why there is none.
    public func value(of ref: SystemFigureRef) -> Result<Double, Expectations.MeasureError> {
        figure(of: ref).map(\.value)
    }

    /// The figure a reference names and its mean, or why there is none.
    public func figure(of ref: SystemFigureRef) -> Result<(figure: Figure, value: Double), Expectations.MeasureError> {
        guard let s = systems.firstIndex(of: ref.system) else {
            return .failure(Expectations.MeasureError("no system '\(ref.system)' (systems: \(systems.joined(separator: ", ")))"))
        }
        let metric = ref.metric == "cost" ? "cost_per_hour" : ref.metric
        let candidates: [Int]
        if let subject = ref.subject {
            candidates = figures.indices.filter { figures[$0].subject == subject && figures[$0].metric == metric }
        } else {
            candidates = figures.indices.filter {
                figures[$0].metric == metric && (figures[$0].kind == .system || figures[$0].kind == .workload)
            }
        }
        let present = candidates.filter { estimates[$0][s] != nil }
        guard let f = present.first else {
            return .failure(Expectations.MeasureError("'\(ref.text)' is not measured in system '\(ref.system)'"))
        }
        if ref.subject == nil && present.count > 1 {
            let names = present.map { figures[$0].subject }
            return .failure(Expectations.MeasureError("'\(ref.text)' is ambiguous: name the workload (\(names.joined(separator: ", ")))"))
        }
        let mean = estimates[f][s]!.mean
        guard !mean.isNaN else { return .failure(Expectations.MeasureError("'\(ref.text)' has no value (nothing to measure)")) }
        return .success((figures[f], mean))
    }

    func check(_ e: SystemExpectation) -> SystemExpectationOutcome {
        var problem: String?
        var left: Double?, right: Double?
        var unit: Figure.Unit?
        switch figure(of: e.left) {
        case .success(let v): left = v.value; unit = v.figure.unit
        case .failure(let m): problem = m.message
        }
        switch e.right {
        case .value(let v): right = v
        case .figure(let ref):
            switch value(of: ref) {
            case .success(let v): right = v
            case .failure(let m): problem = problem ?? m.message
            }
        }
        var passed = false
        if let left, let right {
            passed = Expectation(text: e.text, subject: "", metric: "", comparison: e.comparison, value: right).holds(for: left)
        }
        return SystemExpectationOutcome(expectation: e, left: left, right: right, passed: passed, problem: problem, unit: unit)
    }
}
