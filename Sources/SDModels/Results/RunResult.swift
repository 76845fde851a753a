import SDEngine
import SDConfig
import SDMetrics

/// Latency statistics of one workload, in seconds, over the measured part of the run.
public struct LatencySummary: Sendable, Equatable {
    /// Completed requests measured.
    public var count: Int
    /// Mean end-to-end latency.
    public var mean: Double
    /// 95% confidence interval of the mean (batch means within a run, or across replications).
    public var meanCI95: ConfidenceInterval
    /// Percentiles from an HdrHistogram (3 significant digits).
    public var p50: Double, p90: Double, p99: Double, p999: Double
    /// Largest latency observed.
    public var max: Double
    /// Latencies beyond the histogram's range: counted here, not dropped silently.
    public var outOfRange: Int

    /// A summary.
    public init(count: Int, mean: Double, meanCI95: ConfidenceInterval, p50: Double, p90: Double,
                p99: Double, p999: Double, max: Double, outOfRange: Int) {
        self.count = count; self.mean = mean; self.meanCI95 = meanCI95; self.p50 = p50; self.p90 = p90
        self.p99 = p99; self.p999 = p999; self.max = max; self.outOfRange = outOfRange
    }
}

/// What happened to one workload's requests that arrived after the warm-up.
public struct WorkloadResult: Sendable, Equatable {
    public static func == (a: WorkloadResult, b: WorkloadResult) -> Bool {
        a.name == b.name && a.arrived == b.arrived && a.completed == b.completed && a.failed == b.failed
            && a.latency == b.latency && a.failedBy.map(\.reason) == b.failedBy.map(\.reason)
            && a.failedBy.map(\.count) == b.failedBy.map(\.count) && a.retries == b.retries
            && a.lateReplies == b.lateReplies && a.arrivedByType.map(\.type) == b.arrivedByType.map(\.type)
            && a.arrivedByType.map(\.count) == b.arrivedByType.map(\.count) && a.bytes == b.bytes
            && a.arrivedByRegion.map(\.region) == b.arrivedByRegion.map(\.region)
            && a.arrivedByRegion.map(\.count) == b.arrivedByRegion.map(\.count)
            && a.slices.map(\.completed) == b.slices.map(\.completed) && a.slices.map(\.failed) == b.slices.map(\.failed)
            && a.focus == b.focus && a.availabilityTheory == b.availabilityTheory
            && a.sliceSeconds == b.sliceSeconds && a.series.count == b.series.count
            && zip(a.series, b.series).allSatisfy { $0.name == $1.name && $0.values.elementsEqual($1.values) { $0 == $1 || ($0.isNaN && $1.isNaN) } }
    }

    /// Workload name.
    public var name: String
    /// Requests that arrived after the warm-up.
    public var arrived: Int
    /// Of those, requests whose response reached the client before the end.
    public var completed: Int
    /// Of those, requests that failed, for any reason (see ``failedBy``).
    public var failed: Int
    /// Latency of the completed requests.
    public var latency: LatencySummary
    /// Failed requests by reason (`rejected`, `timed-out`, …), only reasons that occurred, in a fixed order.
    public var failedBy: [(reason: String, count: Int)] = []
    /// Retries sent (attempts after the first).
    public var retries: Int = 0
    /// Replies that arrived after the client had given up on their attempt.
    public var lateReplies: Int = 0
    /// Arrivals by request type, in the order of the scenario's request types (types with none left out).
    public var arrivedByType: [(type: String, count: Int)] = []
    /// Arrivals by region (`regions:`), in the order of the scenario's regions (empty without regions).
    public var arrivedByRegion: [(region: String, count: Int)] = []
    /// Bytes carried by the measured requests (0 when the workload declares no sizes).
    public var bytes: Double = 0
    /// Completed and failed requests per slice of the measured window (by arrival time), in time order.
    public var slices: [(completed: Int, failed: Int)] = []
    /// Latencies of the completed requests per slice (by arrival time, like ``slices``), summed
    /// over replications; nil when not measured.
    public var sliceLatency: SliceHistogram?
    /// Length of a slice in seconds (the last slice may be shorter: it ends with the run).
    public var sliceSeconds: Double = 0
    /// Time of the first slice's start, in seconds (the end of the warm-up).
    public var sliceStart: Double = 0
    /// The steady-state availability the scenario's MTTF/MTTR figures imply (nil without random failures).
    public var availabilityTheory: Double?
    /// What happened to the requests that arrived in the focus window (`sdsim spof`'s outage), if any.
    public var focus: FocusResult?
    /// Requests in flight (measured ones: arrived, not yet completed or failed), sampled over the
    /// measured window; the stability check fits its trend. Combined replications keep the first's.
    public var backlog: Series?

    /// Fraction of finished requests that succeeded: completed / (completed + failed); 1 with none.
    public var availability: Double { completed + failed == 0 ? 1 : Double(completed) / Double(completed + failed) }

    /// Availability per slice of the run (nil for slices where nothing finished).
    public var availabilitySeries: [Double?] {
        slices.map { $0.completed + $0.failed == 0 ? nil : Double($0.completed) / Double($0.completed + $0.failed) }
    }

    /// Figures per slice (by arrival time, like ``slices``), filled by the runner: `throughput`
    /// (completed requests per second, per replication), `latency_mean`, `latency_p50` and
    /// `latency_p99` (seconds, within 6.25%; NaN where nothing completed).
    public var series: [Series] = []

    /// Fills ``series`` from ``slices`` and ``sliceLatency``; `end` is the end of the run in seconds.
    public mutating func fillSeries(replications: Int, end: Double) {
        guard let h = sliceLatency else { return }
        let throughput = slices.indices.map { i -> Double in
            let from = sliceStart + Double(i) * sliceSeconds
            let length = i == slices.count - 1 ? end - from : sliceSeconds
            return length > 0 ? Double(slices[i].completed) / length / Double(max(replications, 1)) : .nan
        }
        func make(_ name: String, _ values: [Double]) -> Series {
            Series(name: name, start: sliceStart, interval: sliceSeconds, values: values)
        }
        series = [
            make("throughput", throughput),
            make("latency_mean", slices.indices.map { h.mean($0) ?? .nan }),
            make("latency_p50", slices.indices.map { h.percentile(50, slice: $0) ?? .nan }),
            make("latency_p99", slices.indices.map { h.percentile(99, slice: $0) ?? .nan }),
        ]
    }

    /// Requests still in flight when the run ended, counted from the live request records (not
    /// derived from the other counts, so that the ledger `arrived = completed + failed + inFlight`
    /// is a check that can fail; see `Invariants` in SDAnalysis).
    public var inFlight: Int

    /// A workload result; `inFlight` defaults to what the other counts leave over.
    public init(name: String, arrived: Int, completed: Int, failed: Int, latency: LatencySummary, inFlight: Int? = nil) {
        self.name = name; self.arrived = arrived; self.completed = completed; self.failed = failed; self.latency = latency
        self.inFlight = inFlight ?? arrived - completed - failed
    }
}

/// The requests of one workload that arrived inside a window of interest.
public struct FocusResult: Sendable, Equatable {
    /// Requests that arrived in the window.
    public var arrived: Int
    /// Of those, completed.
    public var completed: Int
    /// Of those, failed.
    public var failed: Int
    /// 99th-percentile latency of the completed ones, in seconds.
    public var p99: Double

    /// A focus result.
    public init(arrived: Int, completed: Int, failed: Int, p99: Double) {
        self.arrived = arrived; self.completed = completed; self.failed = failed; self.p99 = p99
    }

    /// completed / (completed + failed); 1 with none finished.
    public var availability: Double { completed + failed == 0 ? 1 : Double(completed) / Double(completed + failed) }
}

/// Statistics of one component instance or of a replicated group, over the measured window.
public struct ComponentResult: Sendable, Equatable {
    public static func == (a: ComponentResult, b: ComponentResult) -> Bool {
        a.name == b.name && a.kind == b.kind && a.group == b.group && a.isGroup == b.isGroup && a.workers == b.workers
            && a.utilization == b.utilization && a.throughput == b.throughput && a.queueLengthMean == b.queueLengthMean
            && a.waitMean == b.waitMean && a.responseMean == b.responseMean && a.hitRatio == b.hitRatio
            && a.arrived == b.arrived && a.completed == b.completed && a.rejected == b.rejected
            && a.targetShares.map(\.name) == b.targetShares.map(\.name) && a.targetShares.map(\.share) == b.targetShares.map(\.share)
            && a.keysMovedOnAdd == b.keysMovedOnAdd && a.extra.map(\.name) == b.extra.map(\.name)
            && a.extra.map(\.value) == b.extra.map(\.value) && a.series == b.series
    }

    /// Instance name (`app-2`) or group name (`app`).
    public var name: String
    /// `server`, `load-balancer`, `cache` or `database`; a database's own nodes are `primary` and `replica`.
    public var kind: String
    /// For an instance of a replicated group, the group's name.
    public var group: String?
    /// True for the row that sums up a replicated group.
    public var isGroup: Bool
    /// Workers per instance (0 for components without workers).
    public var workers: Int
    /// Mean fraction of workers busy (for a group: the mean over replicas).
    public var utilization: Double
    /// Requests completed per second.
    public var throughput: Double
    /// Time-average number of requests waiting (not in service).
    public var queueLengthMean: Double
    /// Mean time from arrival to start of service, in seconds.
    public var waitMean: Double
    /// Mean time from arrival to end of service, in seconds.
    public var responseMean: Double
    /// Fraction of lookups that hit (caches only).
    public var hitRatio: Double?
    /// Requests that arrived in the window.
    public var arrived: Int
    /// Requests that finished service in the window.
    public var completed: Int
    /// Arrivals turned away by a full waiting room.
    public var rejected: Int
    /// For a load balancer: each replica's share of the requests sent, in replica order.
    public var targetShares: [(name: String, share: Double)] = []
    /// For a hash-based load balancer: the fraction of keys that move to another replica when one
    /// replica is added (n → n+1), measured on a sample of 100,000 keys.
    public var keysMovedOnAdd: Double?
    /// Further per-kind figures (evictions, stale reads, …), in a fixed order, for reports.
    public var extra: [(name: String, value: Double)] = []
    /// Quantities sampled over time (a queue's depth), in a fixed order. Combined replications keep
    /// the first replication's series; group rows have none.
    public var series: [Series] = []

    /// A component result.
    public init(name: String, kind: String, group: String?, isGroup: Bool, workers: Int, utilization: Double,
                throughput: Double, queueLengthMean: Double, waitMean: Double, responseMean: Double,
                hitRatio: Double?, arrived: Int, completed: Int, rejected: Int) {
        self.name = name; self.kind = kind; self.group = group; self.isGroup = isGroup; self.workers = workers
        self.utilization = utilization; self.throughput = throughput; self.queueLengthMean = queueLengthMean
        self.waitMean = waitMean; self.responseMean = responseMean; self.hitRatio = hitRatio
        self.arrived = arrived; self.completed = completed; self.rejected = rejected
    }
}

/// Everything a run (or a set of replications) measured. Rows are in declaration order, never hash order.
public struct RunResult: Sendable, Equatable {
    /// Scenario name.
    public var scenario: String
    /// The seed of the run (of the first replication).
    public var seed: UInt64
    /// Simulated seconds, warm-up included.
    public var simulatedSeconds: Double
    /// Warm-up seconds excluded from the statistics.
    public var warmupSeconds: Double
    /// Events handled (summed over replications).
    public var events: Int
    /// Number of independent replications behind the figures (1 for a single run).
    public var replications: Int
    /// Seconds of measurement behind the counts (arrivals, completions), which are summed over
    /// replications: the measured window (after the warm-up) of one run times the replications.
    /// A count divided by it is a rate per second of one run, whatever the replications.
    public var measuredSeconds: Double { max(simulatedSeconds - warmupSeconds, 1e-9) * Double(max(replications, 1)) }
    /// Per-workload results, in declaration order.
    public var workloads: [WorkloadResult]
    /// Per-component results: for each group in declaration order, its instances then (if replicated) the group row.
    public var components: [ComponentResult]
    /// Machine instances, in order of first use (empty when no component is placed on a machine).
    public var machines: [MachineResult] = []
    /// The scenario's lesson, when the report should show it (see ``Expectations/check(_:_:)``).
    public var lesson: String?
    /// Why the run stopped before its end (nil when it ran to the end): the figures are partial,
    /// covering the simulated time up to ``simulatedSeconds`` only.
    public var stoppedEarly: String?
    /// The scenario's expectations and what they found (empty: none checked).
    public var expectations: [ExpectationOutcome] = []

    /// Whether every expectation checked holds (true when there are none).
    public var expectationsHold: Bool { expectations.allSatisfy(\.passed) }
    /// The population's read-to-write figures (nil without `population:`).
    public var population: PopulationSummary?
    /// Whether the run had a steady state (nil until ``RunAnalysis/annotate(_:_:)`` has looked).
    public var stability: StabilityVerdict?
    /// Demands, the bottleneck and the throughput ceiling (nil until analysed, or when the
    /// arrival rate is unknown).
    public var bottleneck: BottleneckReport?

    /// Whether confidence intervals mean anything: false when the run has no steady state.
    public var intervalsReliable: Bool { (stability?.steady ?? true) && (stability?.scriptedChanges.isEmpty ?? true) }
    /// Bytes in and out of the data center and what egress costs (nil when no link is configured).
    public var network: NetworkSummary?
    /// How the data of each storing component (database, object store) grows, in declaration order.
    public var storage: [StorageGrowth] = []
    /// What each autoscaler saw and did (`autoscale:`), in declaration order. Combined
    /// replications keep the first replication's.
    public var autoscaling: [AutoscaleTrace] = []

    /// Each replication's own figures when this result combines replications (empty for a
    /// single run), for tests of significance between stored runs.
    public var replicationFigures: [ReplicationFigures] = []

    /// What the machines cost per hour, all together.
    public var costPerHour: Double { machines.reduce(0) { $0 + $1.costPerHour } }

    /// A run result.
    public init(scenario: String, seed: UInt64, simulatedSeconds: Double, warmupSeconds: Double, events: Int,
                replications: Int, workloads: [WorkloadResult], components: [ComponentResult]) {
        self.scenario = scenario; self.seed = seed; self.simulatedSeconds = simulatedSeconds
        self.warmupSeconds = warmupSeconds; self.events = events; self.replications = replications
        self.workloads = workloads; self.components = components
    }
}
