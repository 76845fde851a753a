import Dispatch
import SDEngine
import SDConfig
import SDMetrics
import SDModels

/// One figure a comparison, sweep or sizing reports for a system, measured once per replication.
public struct Figure: Sendable, Equatable {
    /// What the figure is about.
    public enum Kind: String, Sendable, Equatable {
        /// A workload's latency, throughput, availability, losses.
        case workload
        /// A component group (a tier): its utilization, and the headline figures of its kind
        /// (``SystemFigures/headlineFigures(_:)``).
        case tier
        /// A machine type: its instances' mean utilization and their cost.
        case machine
        /// The whole system: cost per hour and per million requests.
        case system
    }

    /// How the figure's values are written.
    public enum Unit: String, Sendable, Equatable {
        case seconds, fraction, perSecond, count, money
    }

    /// What it is about.
    public var kind: Kind
    /// The workload, component or machine type (empty for the whole system).
    public var subject: String
    /// `throughput`, `mean`, `p50`, `p99`, `p999`, `availability`, `lost`, `utilization`,
    /// `cost_per_hour`, `cost_per_million`.
    public var metric: String
    /// How values are written.
    public var unit: Unit
    /// Whether larger is better (throughput, availability), for reports that say which way a difference goes.
    public var higherIsBetter: Bool { metric == "throughput" || metric == "availability" }

    /// A figure.
    public init(kind: Kind, subject: String, metric: String, unit: Unit) {
        self.kind = kind; self.subject = subject; self.metric = metric; self.unit = unit
    }

    /// `SUBJECT.METRIC` (machines: `machine SUBJECT.METRIC`; the system: `METRIC`): unique in a system.
    public var key: String {
        switch kind {
        case .system: return metric
        case .machine: return "machine " + subject + "." + metric
        default: return subject + "." + metric
        }
    }
}

/// The figures of one run.
public enum SystemFigures {
    /// Workload metrics, in report order.
    public static let workloadMetrics = ["throughput", "mean", "p50", "p99", "p999", "availability", "lost"]
    /// System metrics, in report order.
    public static let systemMetrics = ["cost_per_hour", "cost_per_million"]

    /// The figures of a component, besides its utilization, that a comparison or sweep shows
    /// for its kind: what the kind is for (a dispatcher's detection delay and duplicate work).
    static func headlineFigures(_ kind: ComponentKind) -> [(metric: String, unit: Figure.Unit)] {
        switch kind {
        case .dispatcher:
            return [("detection_delay_mean", .seconds), ("latency_reassign_extra", .seconds), ("reassigned", .count),
                    ("duplicates", .count), ("false_suspicions", .count), ("heartbeats_per_second", .perSecond)]
        default: return []
        }
    }

    /// Every figure of `r` (one replication of `config`) with its value, in a fixed order:
    /// workloads, then tiers, then machine types, then cost. A value that means nothing (the
    /// latency of a workload with no completed request) is NaN.
    public static func measure(_ r: RunResult, config: ModelConfig) -> [(figure: Figure, value: Double)] {
        var out: [(Figure, Double)] = []
        let window = r.measuredSeconds
        var totalThroughput = 0.0
        for w in r.workloads {
            let done = w.latency.count > 0
            let throughput = Double(w.completed) / window
            totalThroughput += throughput
            func add(_ metric: String, _ unit: Figure.Unit, _ v: Double) {
                out.append((Figure(kind: .workload, subject: w.name, metric: metric, unit: unit), v))
            }
            add("throughput", .perSecond, throughput)
            add("mean", .seconds, done ? w.latency.mean : .nan)
            add("p50", .seconds, done ? w.latency.p50 : .nan)
            add("p99", .seconds, done ? w.latency.p99 : .nan)
            add("p999", .seconds, done ? w.latency.p999 : .nan)
            let settled = w.completed + w.failed
            add("availability", .fraction, settled > 0 ? Double(w.completed) / Double(settled) : .nan)
            add("lost", .count, Double(w.failed))
        }
        for c in config.components {
            // Kinds without workers (load balancers) have no utilization to show.
            guard let row = r.components.first(where: { $0.name == c.name }), row.workers > 0 else { continue }
            out.append((Figure(kind: .tier, subject: c.name, metric: "utilization", unit: .fraction), row.utilization))
            for (metric, unit) in headlineFigures(c.kind) {
                if let v = row.extra.first(where: { $0.name == metric })?.value {
                    out.append((Figure(kind: .tier, subject: c.name, metric: metric, unit: unit), v))
                }
            }
        }
        var types: [String] = []
        for m in r.machines where !types.contains(m.type) { types.append(m.type) }
        for t in types {
            let rows = r.machines.filter { $0.type == t }
            out.append((Figure(kind: .machine, subject: t, metric: "utilization", unit: .fraction),
                        rows.reduce(0) { $0 + $1.utilization } / Double(rows.count)))
        }
        if !r.machines.isEmpty {
            // Rounded to a billionth of a dollar, so that ten machines at 0.10/h cost exactly what one at 1.00/h does.
            let cost = (r.costPerHour * 1e9).rounded() / 1e9
            out.append((Figure(kind: .system, subject: "", metric: "cost_per_hour", unit: .money), cost))
            out.append((Figure(kind: .system, subject: "", metric: "cost_per_million", unit: .money),
                        totalThroughput > 0 ? cost / (totalThroughput * 3600) * 1e6 : .nan))
        }
        return out
    }
}

/// Runs several systems, each as independent replications, with common random numbers.
public enum Experiment {
    /// Runs each of `configs` `replications` times; replication r of every configuration uses
    /// the same seed (``Runner/replicationSeed(_:index:)`` of `seed`), so the workloads, which
    /// draw from streams named after themselves, send the same requests at the same times to
    /// every system. The runs share `jobs` threads; the result (`[config][replication]`) does
    /// not depend on `jobs`. `progress` receives the fraction of runs done.
    public static func run(_ configs: [ModelConfig], seed: UInt64, replications: Int, jobs: Int,
                           progress: (@Sendable (Double) -> Void)? = nil) -> [[Runner.Outcome]] {
        precondition(replications >= 1 && jobs >= 1)
        let total = configs.count * replications
        guard total > 0 else { return configs.map { _ in [] } }
        let slots = Slots<Runner.Outcome>(count: total)
        let workers = max(1, min(jobs, total))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: total, by: workers) {
                let c = i / replications, r = i % replications
                let outcome = Runner.runOnce(configs[c], seed: Runner.replicationSeed(seed, index: r))
                let done = slots.store(outcome, at: i)
                progress?(Double(done) / Double(total))
            }
        }
        let all = slots.values()
        return configs.indices.map { c in Array(all[(c * replications)..<((c + 1) * replications)]) }
    }

    /// One system's replications combined as `sdsim run --replications` combines them (pooled
    /// percentiles, means with intervals across replications), for storing and reporting.
    public static func combined(_ outcomes: [Runner.Outcome], seed: UInt64) -> RunResult {
        outcomes.count == 1 ? outcomes[0].result : Runner.combine(outcomes, seed: seed)
    }

    /// The figures of each system (in the order figures first appear, system by system) and,
    /// for each figure and system, its values over the replications (nil when the system lacks it).
    public static func tabulate(_ results: [[Runner.Outcome]], configs: [ModelConfig]) -> (figures: [Figure], values: [[[Double]?]]) {
        var figures: [Figure] = []
        var perSystem: [[String: [Double]]] = []
        for (s, runs) in results.enumerated() {
            var table: [String: [Double]] = [:]
            for run in runs {
                for (f, v) in SystemFigures.measure(run.result, config: configs[s]) {
                    if !figures.contains(where: { $0.key == f.key }) { figures.append(f) }
                    table[f.key, default: []].append(v)
                }
            }
            perSystem.append(table)
        }
        // Tiers and machines of all systems after all workloads, cost last: stable grouping.
        let order: [Figure.Kind] = [.workload, .tier, .machine, .system]
        figures = order.flatMap { k in figures.filter { $0.kind == k } }
        let values = figures.map { f in perSystem.map { $0[f.key] } }
        return (figures, values)
    }
}
