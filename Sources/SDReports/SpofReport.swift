import SDModels
import SDConfig
import SDAnalysis

/// The report of `sdsim spof`: the baseline, then one row per workload for each component,
/// machine and zone taken down for the middle third of the run.
public enum SpofReport {
    /// A table for a terminal, with the verdict, the reason and the fix.
    public static func text(_ a: SpofAuditResult) -> String {
        var targets: [String] = []
        if let x = a.slo.availability { targets.append("availability ≥ \(Format.availability(x))") }
        if let p = a.slo.p99 { targets.append("p99 ≤ \(Format.duration(p))") }
        var out = "sdsim spof — \(a.scenario)   each component, machine and zone down from "
            + "\(Format.seconds(a.window.start)) s to \(Format.seconds(a.window.end)) s (the middle third)\n"
        out += "SLO, for each workload: " + targets.joined(separator: ", ")
            + (a.sloGiven ? "" : " (no 'slo:' in the scenario; the default)") + "\n"
        out += a.failuresRemoved == 0 ? "The scenario injects no failures of its own.\n"
            : "The scenario's own failures (\(a.failuresRemoved)) are left out of every run, the baseline included.\n"
        out += "\nBaseline (nothing down), same window:\n"
        var b = TextTable(headers: ["Workload", "arrived", "availability", "p99", "failed", "SLO"],
                          alignments: [.left, .right, .right, .right, .right, .left])
        for w in a.baseline.workloads {
            b.rows.append([w.workload, Format.grouped(w.arrived), Format.availability(w.availability),
                           w.p99.isNaN ? "-" : Format.duration(w.p99), Format.grouped(w.failed), w.meetsSLO ? "met" : "MISSED"])
        }
        out += b.render()
        if a.stopped {
            out += "\nThe system misses its SLO with nothing down, so no outage can be judged; the audit stops here.\n"
            for r in a.baseline.unsteadyReasons { out += TextReport.wrap("No steady state: " + r + ".", width: 100) }
            if let advice = a.baseline.bottleneckAdvice { out += TextReport.wrap("Fix the capacity first: " + advice, width: 100) }
            return out
        }
        var t = TextTable(headers: ["Down", "crashed", "workload", "availability", "p99", "lost", "verdict"],
                          alignments: [.left, .left, .left, .right, .right, .right, .left])
        for r in a.rows {
            for (i, w) in r.workloads.enumerated() {
                t.rows.append([i == 0 ? r.target + (r.targetKind == "component" ? "" : " (\(r.targetKind))") : "",
                               i == 0 ? r.crashed : "", w.workload, Format.availability(w.availability),
                               w.p99.isNaN ? "-" : Format.duration(w.p99), Format.grouped(w.failed),
                               w.meetsSLO ? "ok" : "SPOF"])
            }
        }
        out += "\n" + t.render() + "\n"
        for r in a.rows {
            out += TextReport.wrap("\(r.target): \(r.meetsSLO ? "ok" : "SPOF") — \(r.reason)" + (r.fix.map { ". Fix: \($0)." } ?? "."),
                                   width: 100)
        }
        let spofs = a.singlePointsOfFailure
        out += "\n" + (spofs.isEmpty ? "No single point of failure.\n" : "Single points of failure: \(spofs.joined(separator: ", "))\n")
        return out
    }

    /// The same as one JSON document.
    public static func json(_ a: SpofAuditResult) -> String { value(a).rendered(indent: 2) + "\n" }

    /// The audit as a JSON value.
    public static func value(_ a: SpofAuditResult) -> JSONValue {
        func outcome(_ w: SpofWorkloadOutcome) -> JSONValue {
            .object([("arrived", .integer(w.arrived)), ("completed", .integer(w.completed)), ("failed", .integer(w.failed)),
                     ("availability", .double(w.availability)), ("p99", .double(w.p99)), ("meets_slo", .bool(w.meetsSLO))])
        }
        return .object([
            ("scenario", .string(a.scenario)),
            ("slo", .object([("availability", a.slo.availability.map { .double($0) } ?? .null),
                             ("p99", a.slo.p99.map { .double($0) } ?? .null), ("given", .bool(a.sloGiven))])),
            ("scenario_failures_removed", .integer(a.failuresRemoved)),
            ("window", .array([.double(a.window.start), .double(a.window.end)])),
            ("baseline", .object([
                ("meets_slo", .bool(a.baseline.meetsSLO)),
                ("steady_state", .bool(a.baseline.steady)),
                ("reasons", .array(a.baseline.unsteadyReasons.map { .string($0) })),
                ("workloads", .object(a.baseline.workloads.map { ($0.workload, outcome($0)) })),
            ])),
            ("stopped", .bool(a.stopped)),
            ("rows", .array(a.rows.map { r in
                .object([
                    ("target", .string(r.target)), ("target_kind", .string(r.targetKind)), ("crashed", .string(r.crashed)),
                    ("lost", .integer(r.lost)), ("spof", .bool(!r.meetsSLO)), ("reason", .string(r.reason)),
                    ("fix", r.fix.map { .string($0) } ?? .null),
                    ("workloads", .object(r.workloads.map { ($0.workload, outcome($0)) })),
                ])
            })),
            ("single_points_of_failure", .array(a.singlePointsOfFailure.map { .string($0) })),
        ])
    }
}

extension SpofReport {
    /// The audit as CSV: one row per (target, workload), the baseline first: target, target_kind,
    /// crashed, workload, arrived, completed, failed, availability, p99, meets_slo, spof, reason, fix.
    public static func csv(_ a: SpofAuditResult) -> String {
        var rows: [[String]] = []
        func add(_ target: String, _ kind: String, _ crashed: String, _ w: SpofWorkloadOutcome, spof: Bool, reason: String, fix: String) {
            rows.append([target, kind, crashed, w.workload, "\(w.arrived)", "\(w.completed)", "\(w.failed)",
                         CSVReport.number(w.availability), CSVReport.number(w.p99), w.meetsSLO ? "1" : "0", spof ? "1" : "0", reason, fix])
        }
        for w in a.baseline.workloads { add("baseline", "baseline", "", w, spof: false, reason: "", fix: "") }
        for r in a.rows { for w in r.workloads { add(r.target, r.targetKind, r.crashed, w, spof: !r.meetsSLO, reason: r.reason, fix: r.fix ?? "") } }
        return CSVReport.table(["target", "target_kind", "crashed", "workload", "arrived", "completed", "failed", "availability",
                                "p99", "meets_slo", "spof", "reason", "fix"], rows)
    }
}
