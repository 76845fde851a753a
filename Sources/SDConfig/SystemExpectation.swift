/// Values that `sdsim compare`, `sweep` and `size` read from scenarios and the command line.

/// A figure of one system in an expectation that compares systems: `vertical.p99`,
/// `horizontal.reads.p99`, `vertical.web.utilization`, `horizontal.cost`.
public struct SystemFigureRef: Sendable, Equatable {
    /// The system (variant) name.
    public var system: String
    /// The subject (workload, tier or machine type); nil for the only workload, or the system's cost.
    public var subject: String?
    /// The metric (see ``SystemExpectation/metrics``).
    public var metric: String

    /// A reference.
    public init(system: String, subject: String?, metric: String) {
        self.system = system; self.subject = subject; self.metric = metric
    }

    /// As written.
    public var text: String { ([system] + (subject.map { [$0] } ?? []) + [metric]).joined(separator: ".") }
}

/// An `expect:` line comparing two systems (`vertical.p99 < horizontal.p99`) or one system's
/// figure with a bound (`vertical.cost < 5`).
public struct SystemExpectation: Sendable, Equatable {
    /// The other side of the comparison.
    public enum Right: Sendable, Equatable {
        case figure(SystemFigureRef)
        case value(Double)
    }

    /// The line as written (spaces trimmed).
    public var text: String
    /// The left side.
    public var left: SystemFigureRef
    /// The comparison (`between` is not used here).
    public var comparison: Expectation.Comparison
    /// The right side.
    public var right: Right

    /// An expectation.
    public init(text: String, left: SystemFigureRef, comparison: Expectation.Comparison, right: Right) {
        self.text = text; self.left = left; self.comparison = comparison; self.right = right
    }
}

extension SystemExpectation {
    /// Metric names accepted in expectations that compare systems (`cost` is `cost_per_hour`).
    public static let metrics = ["throughput", "mean", "p50", "p99", "p999", "availability", "lost", "utilization", "cost",
                                 "cost_per_hour", "cost_per_million",
                                 // A data store's (StoreFigures in SDAnalysis).
                                 "nodes", "node_ops_per_second", "node_utilization_max", "stale_read_fraction"]
}

/// A service-level objective for sweeps and sizing: terms such as `p99 < 100ms` or
/// `availability >= 99.9%`, each of which every workload must meet.
public struct SLOTarget: Sendable, Equatable {
    /// One term.
    public struct Term: Sendable, Equatable {
        /// `mean`, `p50`, `p99`, `p999` (seconds) or `availability` (a fraction).
        public var metric: String
        /// `<`, `<=`, `>` or `>=`.
        public var comparison: Expectation.Comparison
        /// The bound, in base units.
        public var bound: Double
        /// As written.
        public var text: String

        /// A term.
        public init(metric: String, comparison: Expectation.Comparison, bound: Double, text: String) {
            self.metric = metric; self.comparison = comparison; self.bound = bound; self.text = text
        }

        /// Whether smaller values are the good side (latency).
        public var upperBound: Bool { comparison == .less || comparison == .lessOrEqual }

        /// Whether `x` meets the term.
        public func holds(_ x: Double) -> Bool {
            Expectation(text: text, subject: "", metric: metric, comparison: comparison, value: bound).holds(for: x)
        }
    }

    /// The terms, all of which must hold.
    public var terms: [Term]

    /// An SLO.
    public init(terms: [Term]) { self.terms = terms }

    /// Metrics a term may use.
    public static let metrics = ["mean", "p50", "p99", "p999", "availability"]

    /// As written: `p99 < 100ms, availability >= 99.9%`.
    public var text: String { terms.map(\.text).joined(separator: ", ") }

    /// The terms of a scenario's `slo:` (p99 and availability).
    public init(_ slo: ServiceLevelObjective) {
        var t: [Term] = []
        if let p99 = slo.p99 { t.append(Term(metric: "p99", comparison: .lessOrEqual, bound: p99, text: "p99 <= \(p99 * 1000)ms")) }
        if let a = slo.availability {
            t.append(Term(metric: "availability", comparison: .greaterOrEqual, bound: a, text: "availability >= \(a * 100)%"))
        }
        terms = t
    }
}

