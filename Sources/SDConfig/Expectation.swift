import Foundation
import SDEngine

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
        "stale_fills", "invalidations", "writes", "feed_updates", "flushes", "dirty_evictions", "dirty_at_end", "items_at_end",
        // databases
        "reads_on_primaries", "reads_on_replicas", "stale_read_fraction", "read_your_writes_violations", "scatter_requests",
        "hot_shards", "split_shard", "split_key", "stored_bytes", "stored_bytes_all_copies",
        // load balancers, routers, servers
        "sent_to_down_replicas", "failures_detected", "active_replicas", "keys_moved_at_scale", "unrouted", "mediated_replies", "transactions_2pc",
        "transactions_local", "transactions_aborted", "lock_hold_mean",
        // queues, polled tables, object stores
        "enqueued", "delivered", "acknowledged", "redelivered", "failed_attempts", "stale_acks", "dead_lettered",
        "depth_mean", "depth_p99", "depth_max", "depth_at_end", "in_flight_mean", "in_flight_at_end", "oldest_age_max",
        "oldest_age_at_end", "delivery_delay_mean", "delivery_delay_p99", "enqueue_utilization", "enqueue_wait_mean",
        "inserted", "processed", "failed_rows", "polls", "polls_per_second", "empty_poll_fraction", "poll_utilization",
        "rows_waiting_mean", "rows_waiting_max", "rows_waiting_at_end", "poller_utilization", "throttled", "transfer_time_mean", "uploads",
        "downloads", "bytes_uploaded", "bytes_downloaded", "bytes_stored", "objects_stored",
        // network links
        "bytes_in", "bytes_out", "link_utilization", "link_wait_mean",
        // feed services
        "posts_pushed", "posts_pulled", "feed_writes", "feed_reads", "followees_pulled", "fan_out_work_s",
        "visibility_p50", "visibility_p99", "visibility_max",
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
}
