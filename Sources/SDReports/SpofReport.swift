import SDModels

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

extension SpofReport {
    /// The rows as stored in the results database's `analysis_rows` (one row per component group).
    public static func analysisRows(_ rows: [SpofRow]) -> [AnalysisRow] {
        rows.enumerated().map { i, r in
            AnalysisRow(index: i, subject: r.component, values: [
                ("crashed", nil, r.crashed), ("availability", r.availability, nil), ("p99", r.p99, nil),
                ("lost", Double(r.lost), nil), ("spof", r.meetsSLO ? 0 : 1, nil), ("reason", nil, r.reason),
            ])
        }
    }

    /// The rows as CSV: component, crashed, availability, p99, lost, spof, reason.
    public static func csv(_ rows: [SpofRow]) -> String {
        CSVReport.table(["component", "crashed", "availability", "p99", "lost", "spof", "reason"], rows.map { r in
            [r.component, r.crashed, CSVReport.number(r.availability), CSVReport.number(r.p99), "\(r.lost)",
             r.meetsSLO ? "0" : "1", r.reason]
        })
    }
}
