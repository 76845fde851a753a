import SDConfig
import SDMetrics
import SDModels

/// How an SLO term fares at one point.
public enum SLOVerdict: String, Sendable, Equatable {
    /// The far end of the interval meets the target.
    case holds
    /// The estimate meets it, but the interval reaches past the target.
    case holdsLikely = "holds (not significant)"
    /// The estimate misses it, but the interval reaches back within the target.
    case failsLikely = "fails (not significant)"
    /// The whole interval misses the target (or there is no value at all).
    case fails

    /// Whether the estimate meets the target.
    public var estimateHolds: Bool { self == .holds || self == .holdsLikely }
}

/// One varied path in a sweep, with its values.
public struct SweepAxis: Sendable, Equatable {
    /// The path (`workload.reads.arrival`).
    public var path: String
    /// The values as written into the scenario.
    public var values: [String]
    /// The number each value stands for (its first number: 900 for `poisson(900/s)`), nil when it has none.
    public var coordinates: [Double?]

    /// For a range, the text around its number (`poisson(` and `/s)`), to write any value of it.
    public var prefix: String?, suffix: String?

    /// An axis.
    public init(path: String, values: [String], coordinates: [Double?], prefix: String? = nil, suffix: String? = nil) {
        self.path = path; self.values = values; self.coordinates = coordinates; self.prefix = prefix; self.suffix = suffix
    }
}

/// A sweep's results: each point's figures with intervals, the SLO at each point and, for a
/// one-dimensional load sweep, the knee and the highest load meeting the SLO.
public struct SweepResult: Sendable {
    /// The axes; the points are their grid, the first axis outermost.
    public var axes: [SweepAxis]
    /// For each point, the index of its value on each axis.
    public var points: [[Int]]
    /// Replications per point, and the seed (the same seeds at every point: common random numbers).
    public var replications: Int
    public var seed: UInt64
    /// The figures, in report order.
    public var figures: [Figure]
    /// `estimates[p][f]`: figure f at point p (nil when the point lacks it).
    public var estimates: [[MeanEstimate?]]
    /// The SLO checked at each point (nil: none given).
    public var slo: SLOTarget?
    /// `verdicts[p]`: for each term and workload in order, its verdict at point p.
    public var verdicts: [[(term: Int, workload: String, verdict: SLOVerdict)]] = []
    /// The knee of a one-dimensional load sweep.
    public var knee: Knee?
    /// The highest value of a one-dimensional sweep meeting the SLO.
    public var sloLimit: SLOLimit?
    /// Each point's replications combined (as `sdsim run --replications` does), for storing.
    public var combined: [RunResult]

    /// Whether every SLO term's estimate holds at point `p`.
    public func meetsSLO(_ p: Int) -> Bool? {
        slo == nil ? nil : verdicts[p].allSatisfy { $0.verdict.estimateHolds }
    }

    /// The knee: where Kleinrock's power, throughput ÷ mean latency, peaks.
    public struct Knee: Sendable, Equatable {
        /// The value of the swept number at the peak: the vertex of the parabola through the best
        /// point and its two neighbours, or the best point itself at the sweep's edge.
        public var value: Double
        /// The point with the highest power.
        public var point: Int
        /// Whether the peak is at the first or last point (the knee may lie beyond the sweep).
        public var atEdge: Bool
        /// The power at each point (NaN where nothing completed).
        public var power: [Double]
    }

    /// The highest swept value meeting the SLO, by linear interpolation between the last point
    /// that meets it and the first that does not, with a band from the same interpolation on
    /// the ends of each point's 95% interval.
    public struct SLOLimit: Sendable, Equatable {
        /// Estimate, and its band (nil where the crossing lies outside the sweep).
        public var estimate: Double?, low: Double?, high: Double?
        /// Whether every point meets the SLO (the limit lies beyond the sweep).
        public var meetsEverywhere: Bool
        /// Whether no point meets it (the limit lies below the sweep).
        public var meetsNowhere: Bool
    }

    /// The definition of the knee, as reports state it.
    public static let kneeDefinition = "the load at which Kleinrock's power (throughput ÷ mean latency) peaks; "
        + "past it, each extra request/s costs more latency than it adds throughput. For an M/M/1 queue theory puts it at ρ = 1/2."

    /// Builds the result of running `configs` (one per point, in grid order).
    public static func make(axes: [SweepAxis], points: [[Int]], configs: [ModelConfig], outcomes: [[Runner.Outcome]],
                            seed: UInt64, slo: SLOTarget?, loadSweep: Bool) -> SweepResult {
        let (figures, values) = Experiment.tabulate(outcomes, configs: configs)
        let estimates = configs.indices.map { p in figures.indices.map { f in values[f][p].map { MeanEstimate($0) } } }
        var r = SweepResult(axes: axes, points: points, replications: outcomes.first?.count ?? 0, seed: seed, figures: figures,
                            estimates: estimates, slo: slo,
                            combined: outcomes.map { Experiment.combined($0, seed: seed) })
        let workloads = configs.first?.workloads.map(\.name) ?? []
        if let slo {
            r.verdicts = configs.indices.map { p in
                var out: [(Int, String, SLOVerdict)] = []
                for (t, term) in slo.terms.enumerated() {
                    for w in workloads {
                        let f = figures.firstIndex { $0.kind == .workload && $0.subject == w && $0.metric == term.metric }
                        let e = f.flatMap { estimates[p][$0] } ?? MeanEstimate(mean: .nan, low: .nan, high: .nan, count: 0)
                        out.append((t, w, term.verdict(e)))
                    }
                }
                return out
            }
        }
        // The knee and the SLO limit need one numeric axis.
        guard axes.count == 1, let xs = Optional(axes[0].coordinates.compactMap { $0 }), xs.count == axes[0].values.count,
              xs.count >= 2, zip(xs, xs.dropFirst()).allSatisfy({ $0 < $1 }) else { return r }
        if loadSweep { r.knee = knee(xs: xs, figures: figures, estimates: estimates) }
        if let slo, !workloads.isEmpty { r.sloLimit = limit(xs: xs, slo: slo, workloads: workloads, figures: figures, estimates: estimates) }
        return r
    }

    static func knee(xs: [Double], figures: [Figure], estimates: [[MeanEstimate?]]) -> Knee? {
        let power: [Double] = xs.indices.map { p in
            var throughput = 0.0, weighted = 0.0
            for (f, fig) in figures.enumerated() where fig.kind == .workload && fig.metric == "throughput" {
                let x = estimates[p][f]?.mean ?? .nan
                let mean = figures.firstIndex { $0.kind == .workload && $0.subject == fig.subject && $0.metric == "mean" }
                    .flatMap { estimates[p][$0]?.mean } ?? .nan
                guard x.isFinite, x > 0 else { continue }
                throughput += x
                weighted += x * mean
            }
            guard throughput > 0, weighted.isFinite, weighted > 0 else { return .nan }
            return throughput / (weighted / throughput)
        }
        guard let best = power.indices.filter({ power[$0].isFinite }).max(by: { power[$0] < power[$1] }) else { return nil }
        var value = xs[best]
        let atEdge = best == 0 || best == xs.count - 1
        if !atEdge, power[best - 1].isFinite, power[best + 1].isFinite {
            // Vertex of the parabola through the three points around the peak.
            let (x0, x1, x2) = (xs[best - 1], xs[best], xs[best + 1])
            let (y0, y1, y2) = (power[best - 1], power[best], power[best + 1])
            let d = (x0 - x1) * (x0 - x2) * (x1 - x2)
            let a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / d
            let b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / d
            if a < 0 { value = min(max(-b / (2 * a), x0), x2) }
        }
        return Knee(value: value, point: best, atEdge: atEdge, power: power)
    }

    static func limit(xs: [Double], slo: SLOTarget, workloads: [String], figures: [Figure], estimates: [[MeanEstimate?]]) -> SLOLimit {
        // For each term and workload: the crossing of the estimate, of the far end and of the
        // near end of the interval; the system's limit is the lowest over all.
        var est: Double? = .infinity, low: Double? = .infinity, high: Double? = .infinity
        var everywhere = true, nowhere = false
        func crossing(_ ys: [Double], _ term: SLOTarget.Term) -> Double?? {
            // .some(nil): fails at the first point; nil: holds everywhere.
            guard let j = ys.indices.first(where: { !ys[$0].isFinite || !term.holds(ys[$0]) }) else { return nil }
            if j == 0 { return .some(nil) }
            let (x0, x1, y0, y1) = (xs[j - 1], xs[j], ys[j - 1], ys[j])
            guard y1.isFinite, y1 != y0 else { return .some(x0) }
            return .some(x0 + (term.bound - y0) / (y1 - y0) * (x1 - x0))
        }
        func lower(_ a: Double?, _ b: Double??) -> Double? {
            guard let b else { return a }
            guard let a, let b else { return nil }
            return min(a, b)
        }
        for term in slo.terms {
            for w in workloads {
                guard let f = figures.firstIndex(where: { $0.kind == .workload && $0.subject == w && $0.metric == term.metric }) else { continue }
                let e = xs.indices.map { estimates[$0][f] ?? MeanEstimate(mean: .nan, low: .nan, high: .nan, count: 0) }
                let means = e.map(\.mean)
                let far = e.map { term.upperBound ? $0.high : $0.low }
                let near = e.map { term.upperBound ? $0.low : $0.high }
                let c = crossing(means, term)
                if c != nil { everywhere = false }
                if case .some(.none) = c { nowhere = true }
                est = lower(est, c)
                low = lower(low, crossing(far.map { $0.isFinite ? $0 : .nan }, term))
                high = lower(high, crossing(near.map { $0.isFinite ? $0 : .nan }, term))
            }
        }
        func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
        return SLOLimit(estimate: finite(est), low: finite(low), high: finite(high), meetsEverywhere: everywhere, meetsNowhere: nowhere)
    }
}

extension SLOTarget.Term {
    /// Whether the term holds at the far end of `e`'s interval (so it holds with at least
    /// the interval's one-sided confidence), at its estimate, or neither.
    public func verdict(_ e: MeanEstimate) -> SLOVerdict {
        guard e.mean.isFinite else { return .fails }
        let far = upperBound ? e.high : e.low, near = upperBound ? e.low : e.high
        if far.isFinite && holds(far) { return .holds }
        if !holds(e.mean) { return near.isFinite && !holds(near) ? .fails : .failsLikely }
        return .holdsLikely
    }
}
