import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// Tables of a run as CSV (RFC 4180: a header row, fields quoted when they hold a comma, a quote
/// or a line break, lines end in `\n`). Numbers are written
/// as in the JSON report (shortest round-tripping form, empty for non-finite or missing values),
/// so a figure read from a CSV file equals the one in the JSON document.
public enum CSVReport {
    /// One field, quoted when needed.
    public static func field(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for ch in s { if ch == "\"" { out += "\"\"" } else { out.append(ch) } }
        return out + "\""
    }

    /// A number as in the JSON report; empty when missing or not finite.
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        return JSONValue.number(x)
    }

    /// Rows joined into a document: each row's fields quoted as needed.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Column names of ``workloads(_:)``.
    public static let workloadColumns = ["workload", "arrived", "completed", "failed", "in_flight", "availability",
                                         "latency_count", "latency_mean", "latency_ci_low", "latency_ci_high", "p50",
                                         "p90", "p99", "p999", "max", "out_of_range", "retries", "late_replies", "bytes"]

    /// One row per workload.
    public static func workloads(_ r: RunResult) -> String {
        table(workloadColumns, r.workloads.map { w in
            let l = w.latency
            return [w.name, "\(w.arrived)", "\(w.completed)", "\(w.failed)", "\(w.inFlight)", number(w.availability),
                    "\(l.count)", number(l.mean), number(l.meanCI95.low), number(l.meanCI95.high), number(l.p50),
                    number(l.p90), number(l.p99), number(l.p999), number(l.max), "\(l.outOfRange)", "\(w.retries)",
                    "\(w.lateReplies)", number(w.bytes)]
        })
    }

    /// Column names of ``components(_:)``.
    public static let componentColumns = ["component", "kind", "group", "is_group", "workers", "utilization", "throughput",
                                          "queue_length_mean", "wait_mean", "response_mean", "hit_ratio", "arrived",
                                          "completed", "rejected"]

    /// One row per component instance and group row, in report order.
    public static func components(_ r: RunResult) -> String {
        table(componentColumns, r.components.map { c in
            [c.name, c.kind, c.group ?? "", c.isGroup ? "1" : "0", "\(c.workers)", number(c.utilization),
             number(c.throughput), number(c.queueLengthMean), number(c.waitMean), number(c.responseMean),
             number(c.hitRatio), "\(c.arrived)", "\(c.completed)", "\(c.rejected)"]
        })
    }

    /// Every series in long form: subject kind, subject, series, time (seconds, the slice's start), value.
    public static func series(_ r: RunResult) -> String {
        var rows: [[String]] = []
        for (kind, subject, s) in ResultsStore.series(of: r) {
            for (i, v) in s.values.enumerated() {
                rows.append([kind, subject, s.name, number(s.start + Double(i) * s.interval), number(v)])
            }
        }
        return table(["subject_kind", "subject", "series", "time", "value"], rows)
    }

    /// Figures beyond the fixed columns (failure reasons, shares, per-kind figures).
    public static func figures(_ r: RunResult) -> String {
        table(["subject_kind", "subject", "name", "value"],
              ResultsStore.figures(of: r).map { [$0.0, $0.1, $0.2, number($0.3)] })
    }

    /// The workload table, a blank line, the component table: what `sdsim run --format csv` prints.
    public static func render(_ r: RunResult) -> String {
        workloads(r) + "\n" + components(r)
    }
}
