import SDModels
import SDConfig
import SDAnalysis

/// The report of `sdsim spof`: one row per component, crashed for the middle third of the run.
public enum SpofReport {
    /// A table for a terminal, with the verdict and the reason on each row.
    public static func text(_ rows: [SpofRow], scenario: String, slo: ServiceLevelObjective, sloGiven: Bool) -> String {
        var t = TextTable(headers: ["Component", "crashed", "availability", "p99", "lost", "verdict", "why"],
                          alignments: [.left, .left, .right, .right, .right, .left, .left])
        for r in rows {
            t.rows.append([r.component, r.crashed, Format.availability(r.availability), r.p99.isNaN ? "-" : Format.duration(r.p99),
                           Format.grouped(r.lost), r.meetsSLO ? "ok" : "SPOF", r.reason])
        }
        var targets: [String] = []
        if let a = slo.availability { targets.append("availability ≥ \(Format.availability(a))") }
        if let p = slo.p99 { targets.append("p99 ≤ \(Format.duration(p))") }
        var out = "sdsim spof — \(scenario)   each component crashed for the middle third of the run\n"
        out += "SLO: " + targets.joined(separator: ", ") + (sloGiven ? "" : " (no 'slo:' in the scenario; the default)") + "\n\n"
        out += t.render()
        let spofs = rows.filter { !$0.meetsSLO }.map(\.component)
        out += "\n" + (spofs.isEmpty ? "No single point of failure.\n"
                       : "Single points of failure: \(spofs.joined(separator: ", "))\n")
        return out
    }

    /// The same as one JSON document.
    public static func json(_ rows: [SpofRow], scenario: String) -> String {
        JSONValue.object([
            ("scenario", .string(scenario)),
            ("components", .object(rows.map { r in
                (r.component, .object([
                    ("crashed", .string(r.crashed)), ("availability", .double(r.availability)), ("p99", .double(r.p99)),
                    ("lost", .integer(r.lost)), ("spof", .bool(!r.meetsSLO)), ("reason", .string(r.reason)),
                ]))
            })),
            ("single_points_of_failure", .array(rows.filter { !$0.meetsSLO }.map { .string($0.component) })),
        ]).rendered(indent: 2) + "\n"
    }
}
