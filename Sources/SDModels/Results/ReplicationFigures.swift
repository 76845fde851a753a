/// One replication's own figures, kept beside replications combined so that two stored runs can
/// be tested for a significant difference over their replications (`sdsim results diff`): the
/// spread of a figure across independent replications is what a test needs, and the combined
/// result keeps only means and pooled percentiles.
public struct ReplicationFigures: Sendable, Equatable {
    /// One figure of one replication.
    public struct Value: Sendable, Equatable {
        /// `workload` or `component`.
        public var kind: String
        /// The workload or component.
        public var subject: String
        /// Workloads: `throughput`, `latency_mean`, `p50`, `p99`, `p999`, `availability`;
        /// components: `utilization`, `throughput`, `queue_length`.
        public var name: String
        /// The value (seconds, fractions, per second); NaN where it means nothing (the latency
        /// of a workload with nothing completed, the availability of one with nothing settled).
        public var value: Double

        /// A value.
        public init(kind: String, subject: String, name: String, value: Double) {
            self.kind = kind; self.subject = subject; self.name = name; self.value = value
        }
    }

    /// The replication's seed: two runs whose replications have the same seeds used the same
    /// random numbers (common random numbers), and their figures pair replication by replication.
    public var seed: UInt64
    /// Its figures, workloads then components, in report order.
    public var figures: [Value]

    /// Figures.
    public init(seed: UInt64, figures: [Value]) { self.seed = seed; self.figures = figures }

    /// The figures of `r`, a single replication.
    public static func measure(_ r: RunResult) -> ReplicationFigures {
        var out: [Value] = []
        let window = r.measuredSeconds
        for w in r.workloads {
            let done = w.latency.count > 0
            let settled = w.completed + w.failed
            func add(_ name: String, _ v: Double) { out.append(Value(kind: "workload", subject: w.name, name: name, value: v)) }
            add("throughput", Double(w.completed) / window)
            add("latency_mean", done ? w.latency.mean : .nan)
            add("p50", done ? w.latency.p50 : .nan)
            add("p99", done ? w.latency.p99 : .nan)
            add("p999", done ? w.latency.p999 : .nan)
            add("availability", settled > 0 ? Double(w.completed) / Double(settled) : .nan)
        }
        for c in r.components {
            func add(_ name: String, _ v: Double) { out.append(Value(kind: "component", subject: c.name, name: name, value: v)) }
            add("utilization", c.utilization)
            add("throughput", c.throughput)
            add("queue_length", c.queueLengthMean)
        }
        return ReplicationFigures(seed: r.seed, figures: out)
    }

    /// The replications behind `r`: those it keeps (replications combined), else `r` itself
    /// when it is one replication; empty for combined replications that kept none.
    public static func of(_ r: RunResult) -> [ReplicationFigures] {
        if !r.replicationFigures.isEmpty { return r.replicationFigures }
        return r.replications == 1 ? [measure(r)] : []
    }
}
