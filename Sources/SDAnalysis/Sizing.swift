import SDConfig
import SDMetrics
import SDModels

/// The smallest value of an integer setting (replicas, workers, cores, shards, capacity) that
/// meets an SLO, found by search (doubling, then bisection) rather than by trying every value.
public struct SizingResult: Sendable {
    /// One value tried.
    public struct Evaluation: Sendable {
        /// The value of the setting.
        public var value: Int
        /// The figures measured there (workloads, tiers, machines, cost), with intervals.
        public var figures: [Figure]
        public var estimates: [MeanEstimate?]
        /// Each SLO term's verdict for each workload.
        public var verdicts: [(term: Int, workload: String, verdict: SLOVerdict)]
        /// The value's replications combined (as `sdsim run --replications` combines them), for storing.
        public var combined: RunResult
        /// Whether every term holds at the far end of its interval.
        public var meets: Bool { verdicts.allSatisfy { $0.verdict == .holds } }

        /// The estimate of `metric` for `subject` (or the system figure `metric`).
        public func estimate(_ metric: String, subject: String = "") -> MeanEstimate? {
            figures.firstIndex { $0.metric == metric && $0.subject == subject }.flatMap { estimates[$0] }
        }
    }

    /// The path searched (`components.app.replicas`) and its range.
    public var path: String
    public var lower: Int, upper: Int
    /// The SLO.
    public var slo: SLOTarget
    /// Replications per value, and the seed (the same seeds for every value).
    public var replications: Int
    public var seed: UInt64
    /// The values tried, in the order they were tried.
    public var evaluations: [Evaluation]
    /// The smallest value meeting the SLO with confidence; nil when even `upper` does not.
    public var answer: Int?

    /// The evaluation of `value`, if it was tried.
    public func evaluation(_ value: Int) -> Evaluation? { evaluations.first { $0.value == value } }

    /// Searches `lower...upper` for the smallest value at which every SLO term holds for every
    /// workload at the far end of its 95% interval (so with at least 97.5% one-sided confidence
    /// each), assuming more of the setting never hurts. `config(n)` is the system with the
    /// setting at n; each value runs `replications` replications with the same seeds.
    public static func search(path: String, lower: Int, upper: Int, slo: SLOTarget, replications: Int, seed: UInt64, jobs: Int,
                              config: (Int) -> ModelConfig, progress: (@Sendable (Double) -> Void)? = nil) -> SizingResult {
        precondition(lower >= 0 && upper >= lower)
        var result = SizingResult(path: path, lower: lower, upper: upper, slo: slo, replications: replications, seed: seed,
                                  evaluations: [], answer: nil)
        func evaluate(_ n: Int) -> Bool {
            if let e = result.evaluation(n) { return e.meets }
            let c = config(n)
            let outcomes = Experiment.run([c], seed: seed, replications: replications, jobs: jobs)
            let (figures, values) = Experiment.tabulate(outcomes, configs: [c])
            let estimates = values.map { $0[0].map { MeanEstimate($0) } }
            var verdicts: [(Int, String, SLOVerdict)] = []
            for (t, term) in slo.terms.enumerated() {
                for w in c.workloads.map(\.name) {
                    let f = figures.firstIndex { $0.kind == .workload && $0.subject == w && $0.metric == term.metric }
                    let e = f.flatMap { estimates[$0] } ?? MeanEstimate(mean: .nan, low: .nan, high: .nan, count: 0)
                    verdicts.append((t, w, term.verdict(e)))
                }
            }
            let ev = Evaluation(value: n, figures: figures, estimates: estimates, verdicts: verdicts,
                                combined: Experiment.combined(outcomes[0], seed: seed))
            result.evaluations.append(ev)
            // Progress: the number of values a search of this range tries is about 2 log2(range).
            let expected = max(2.0, 2 * (Double(upper - lower + 1)).squareRoot().squareRoot())
            progress?(min(0.99, Double(result.evaluations.count) / expected))
            return ev.meets
        }
        if evaluate(lower) { result.answer = lower; return result }
        // Doubling until a value meets the SLO, then bisection between the last that did not and it.
        var failing = lower
        var meeting: Int?
        while meeting == nil && failing < upper {
            let next = min(upper, max(failing + 1, failing * 2))
            if evaluate(next) { meeting = next } else { failing = next }
        }
        guard var hi = meeting else { return result }
        var lo = failing
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if evaluate(mid) { hi = mid } else { lo = mid }
        }
        result.answer = hi
        return result
    }
}
