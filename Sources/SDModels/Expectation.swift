/// One assertion about a run's results (`expect:` in a scenario), such as
/// `db.utilization > 0.95` or `cache.hit_ratio between 0.7 and 0.9`.
///
/// The subject is a workload, a component (an instance such as `app-2`, a group row such as
/// `app`, or a database's own node such as `db.primary`) or a machine (a type such as `big`, whose
/// instances are summed, or an instance such as `small-3`). The metric is one of the figures
/// reports show for that subject (see ``Expectations``). Values are in base units: seconds,
/// bytes, fractions (99.9% is 0.999), plain counts.
public struct Expectation: Sendable, Equatable {
    /// How an expectation compares the measured value with its bound(s).
    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="
        /// `between A and B`: A ≤ value ≤ B.
        case between
    }

    /// How the bound was written; measured values are shown the same way.
    public enum Unit: String, Sendable, Equatable {
        /// A plain number (`0.95`).
        case number
        /// A percentage (`99.9%`).
        case percent
        /// A duration (`200ms`).
        case duration
        /// A size (`5MB`).
        case size
        /// A count with a suffix (`10k`).
        case count
    }

    /// The expectation as written in the scenario (spaces trimmed).
    public var text: String
    /// The workload, component or machine it is about.
    public var subject: String
    /// The figure compared (`utilization`, `p99`, `failed_by.timed-out`, `keys_moved_on_add`, …).
    public var metric: String
    /// The comparison.
    public var comparison: Comparison
    /// The bound (the lower bound for `between`), in base units.
    public var value: Double
    /// The upper bound of `between` (nil otherwise).
    public var upper: Double?
    /// How the bound was written.
    public var unit: Unit

    /// An expectation.
    public init(text: String, subject: String, metric: String, comparison: Comparison, value: Double,
                upper: Double? = nil, unit: Unit = .number) {
        self.text = text; self.subject = subject; self.metric = metric; self.comparison = comparison
        self.value = value; self.upper = upper; self.unit = unit
    }

    /// Whether `x` satisfies the comparison. NaN satisfies nothing (not even `!=`).
    public func holds(for x: Double) -> Bool {
        guard !x.isNaN else { return false }
        switch comparison {
        case .less: return x < value
        case .lessOrEqual: return x <= value
        case .greater: return x > value
        case .greaterOrEqual: return x >= value
        case .equal: return x == value
        case .notEqual: return x != value
        case .between: return x >= value && x <= (upper ?? value)
        }
    }
}

/// What one expectation found after a run.
public struct ExpectationOutcome: Sendable, Equatable {
    /// The expectation checked.
    public var expectation: Expectation
    /// The measured value (nil when the subject or metric does not exist in the results).
    public var value: Double?
    /// Whether the expectation holds. An expectation whose value cannot be measured fails.
    public var passed: Bool
    /// Why there is no value, for a failed expectation without one.
    public var problem: String?

    /// An outcome.
    public init(expectation: Expectation, value: Double?, passed: Bool, problem: String? = nil) {
        self.expectation = expectation; self.value = value; self.passed = passed; self.problem = problem
    }
}

/// Measuring and checking expectations against a ``RunResult``.
public enum Expectations {
    /// Metrics of a workload: counts, availability (a fraction), latency figures (seconds).
    /// `failed_by.REASON` and `arrived_by_type.TYPE` are accepted as well (0 when none).
    public static let workloadMetrics = ["arrived", "completed", "failed", "in_flight", "retries", "late_replies", "bytes",
                                         "availability", "mean", "p50", "p90", "p99", "p999", "max"]
    /// Metrics every component row has (`hit_ratio` only caches, `keys_moved_on_add` only hash load
    /// balancers); further names come from each kind's extras (``knownExtras``).
    public static let componentMetrics = ["utilization", "throughput", "queue_length_mean", "wait_mean", "response_mean",
                                          "hit_ratio", "arrived", "completed", "rejected", "workers", "keys_moved_on_add"]
    /// Metrics of a machine type (instances summed; utilization is their mean) or instance.
    public static let machineMetrics = ["cost_per_hour", "utilization", "cores", "speed", "instances"]
    /// Metrics whose values are durations in seconds.
    public static let timeMetrics: Set<String> = ["mean", "p50", "p90", "p99", "p999", "max", "wait_mean", "response_mean",
                                                  "lock_hold_mean", "transfer_time_mean", "delivery_delay_mean",
                                                  "delivery_delay_p99", "oldest_age_max", "oldest_age_at_end",
                                                  "enqueue_wait_mean"]
    /// Per-kind figures the components report today (`extra`), for "did you mean" suggestions at
    /// load time. A name not listed here is still looked up after the run.
    public static let knownExtras = [
        // caches
        "hits", "misses_cold", "misses_capacity", "misses_expired", "misses_invalidated", "evictions", "expirations", "stale_reads",
        "stale_fills", "invalidations", "writes", "flushes", "dirty_evictions", "dirty_at_end", "items_at_end",
        // databases
        "reads_on_primaries", "reads_on_replicas", "stale_read_fraction", "read_your_writes_violations", "scatter_requests",
        "hot_shards", "split_shard", "split_key", "stored_bytes", "stored_bytes_all_copies",
        // load balancers, routers, servers
        "sent_to_down_replicas", "failures_detected", "unrouted", "mediated_replies", "transactions_2pc",
        "transactions_local", "transactions_aborted", "lock_hold_mean",
        // queues, polled tables, object stores
        "enqueued", "delivered", "acknowledged", "redelivered", "failed_attempts", "stale_acks", "dead_lettered",
        "depth_mean", "depth_p99", "depth_max", "depth_at_end", "in_flight_mean", "in_flight_at_end", "oldest_age_max",
        "oldest_age_at_end", "delivery_delay_mean", "delivery_delay_p99", "enqueue_utilization", "enqueue_wait_mean",
        "inserted", "processed", "failed_rows", "polls", "polls_per_second", "empty_poll_fraction", "poll_utilization",
        "rows_waiting_mean", "rows_waiting_max", "rows_waiting_at_end", "poller_utilization", "throttled", "transfer_time_mean", "uploads",
        "downloads", "bytes_uploaded", "bytes_downloaded", "bytes_stored", "objects_stored",
    ]

    /// Prefixes of metric names that take a name after a dot (`failed_by.timed-out`).
    public static let namedMetricPrefixes = ["failed_by", "arrived_by_type"]

    /// Splits `SUBJECT.METRIC` into its parts: at `.failed_by.` or `.arrived_by_type.` when
    /// present, else at the last dot (subjects such as `db.shard-1.primary` contain dots; metrics
    /// do not). Nil when there is no dot with text on both sides.
    public static func split(_ path: String) -> (subject: String, metric: String)? {
        for prefix in namedMetricPrefixes {
            if let r = path.range(of: "." + prefix + ".") {
                let subject = String(path[..<r.lowerBound])
                let metric = String(path[path.index(after: r.lowerBound)...])
                return subject.isEmpty ? nil : (subject, metric)
            }
        }
        guard let dot = path.lastIndex(of: ".") else { return nil }
        let subject = String(path[..<dot]), metric = String(path[path.index(after: dot)...])
        return subject.isEmpty || metric.isEmpty ? nil : (subject, metric)
    }

    /// The measured value of `metric` for `subject` in `r`, or why there is none. Subjects are
    /// looked up as a workload, then a component row, then a machine type or instance.
    public static func measure(subject: String, metric: String, in r: RunResult) -> Result<Double, MeasureError> {
        if let w = r.workloads.first(where: { $0.name == subject }) {
            return workloadValue(metric, w).map(Result.success)
                ?? .failure(MeasureError("workload '\(subject)' has no metric '\(metric)' (metrics: \(workloadMetrics.joined(separator: ", ")), failed_by.REASON)"))
        }
        if let c = r.components.first(where: { $0.name == subject }) {
            if let x = componentValue(metric, c) { return .success(x) }
            if metric == "hit_ratio" { return .failure(MeasureError("'\(subject)' is a \(c.kind), not a cache: it has no hit_ratio")) }
            let names = componentMetrics.filter { $0 != "hit_ratio" && $0 != "keys_moved_on_add" }
                + (c.hitRatio == nil ? [] : ["hit_ratio"]) + (c.keysMovedOnAdd == nil ? [] : ["keys_moved_on_add"])
                + c.extra.map(\.name)
            return .failure(MeasureError("component '\(subject)' has no metric '\(metric)' (metrics: \(names.joined(separator: ", ")))"))
        }
        let ofType = r.machines.filter { $0.type == subject }
        let machines = ofType.isEmpty ? r.machines.filter { $0.name == subject } : ofType
        if !machines.isEmpty {
            let n = Double(machines.count)
            switch metric {
            case "cost_per_hour": return .success(machines.reduce(0) { $0 + $1.costPerHour })
            case "utilization": return .success(machines.reduce(0) { $0 + $1.utilization } / n)
            case "cores": return .success(Double(machines.reduce(0) { $0 + $1.cores }))
            case "speed": return .success(machines[0].speed)
            case "instances": return .success(n)
            default:
                return .failure(MeasureError("machine '\(subject)' has no metric '\(metric)' (metrics: \(machineMetrics.joined(separator: ", ")))"))
            }
        }
        return .failure(MeasureError("no workload, component or machine named '\(subject)' in the results"))
    }

    /// Why a value could not be measured.
    public struct MeasureError: Error, Sendable, Equatable {
        /// The reason, in lowercase.
        public var message: String
        /// An error with `message`.
        public init(_ message: String) { self.message = message }
    }

    static func workloadValue(_ metric: String, _ w: WorkloadResult) -> Double? {
        if metric.hasPrefix("failed_by.") {
            let reason = String(metric.dropFirst("failed_by.".count))
            return Double(w.failedBy.first { $0.reason == reason }?.count ?? 0)
        }
        if metric.hasPrefix("arrived_by_type.") {
            let type = String(metric.dropFirst("arrived_by_type.".count))
            return Double(w.arrivedByType.first { $0.type == type }?.count ?? 0)
        }
        let l = w.latency
        switch metric {
        case "arrived": return Double(w.arrived)
        case "completed": return Double(w.completed)
        case "failed": return Double(w.failed)
        case "in_flight": return Double(w.inFlight)
        case "retries": return Double(w.retries)
        case "late_replies": return Double(w.lateReplies)
        case "bytes": return w.bytes
        case "availability": return w.availability
        case "mean": return l.mean
        case "p50": return l.p50
        case "p90": return l.p90
        case "p99": return l.p99
        case "p999": return l.p999
        case "max": return l.max
        default: return nil
        }
    }

    static func componentValue(_ metric: String, _ c: ComponentResult) -> Double? {
        switch metric {
        case "utilization": return c.utilization
        case "throughput": return c.throughput
        case "queue_length_mean": return c.queueLengthMean
        case "wait_mean": return c.waitMean
        case "response_mean": return c.responseMean
        case "hit_ratio": return c.hitRatio
        case "arrived": return Double(c.arrived)
        case "completed": return Double(c.completed)
        case "rejected": return Double(c.rejected)
        case "workers": return Double(c.workers)
        case "keys_moved_on_add": return c.keysMovedOnAdd
        default: return c.extra.first { $0.name == metric }?.value
        }
    }

    /// Checks every expectation against `r`, in order.
    public static func evaluate(_ expectations: [Expectation], on r: RunResult) -> [ExpectationOutcome] {
        expectations.map { e in
            switch measure(subject: e.subject, metric: e.metric, in: r) {
            case .success(let x): return ExpectationOutcome(expectation: e, value: x, passed: e.holds(for: x))
            case .failure(let why): return ExpectationOutcome(expectation: e, value: nil, passed: false, problem: why.message)
            }
        }
    }

    /// `r` with the scenario's lesson and the outcome of its expectations attached, for reports.
    public static func check(_ config: ModelConfig, _ r: RunResult) -> RunResult {
        var out = r
        out.lesson = config.lesson
        out.expectations = evaluate(config.expectations, on: r)
        return out
    }
}
