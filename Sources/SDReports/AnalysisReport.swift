/// An analysis's tables as `sdsim results show` and `export` print them: one table per
/// section, one line per row, one column per figure name (in the order names first appear).
/// `runIDs[k]` is the id of the analysis's run at position k.
public enum AnalysisReport {
    /// The column names of a table: every figure name, in the order they first appear.
    public static func columns(_ rows: [AnalysisRow]) -> [String] {
        var names: [String] = []
        for r in rows { for v in r.values where !names.contains(v.name) { names.append(v.name) } }
        return names
    }

    static func value(_ row: AnalysisRow, _ name: String) -> (value: Double?, text: String?)? {
        row.values.first { $0.name == name }.map { ($0.value, $0.text) }
    }

    static func runID(_ row: AnalysisRow, _ runIDs: [Int64]) -> Int64? {
        row.run.flatMap { runIDs.indices.contains($0) ? runIDs[$0] : nil }
    }

    /// One table as aligned text: subject, run (when any row has one), then the figures, numbers
    /// with four significant digits (`-` where a row lacks a figure or it has no value).
    public static func text(_ rows: [AnalysisRow], runIDs: [Int64]) -> String {
        let names = columns(rows)
        let withRun = rows.contains { $0.run != nil }
        var t = TextTable(headers: ["subject"] + (withRun ? ["run"] : []) + names,
                          alignments: [.left] + (withRun ? [.right] : []) + names.map { name in
            rows.contains { value($0, name)?.text != nil } ? .left : .right
        })
        for r in rows {
            t.rows.append([r.subject] + (withRun ? [runID(r, runIDs).map { String($0) } ?? ""] : []) + names.map { name in
                guard let v = value(r, name) else { return "" }
                return v.text ?? v.value.map(Format.significant) ?? "-"
            })
        }
        return t.render()
    }

    /// One table as CSV: subject, run, then one column per figure, numbers in full.
    public static func csv(_ rows: [AnalysisRow], runIDs: [Int64]) -> String {
        let names = columns(rows)
        return CSVReport.table(["subject", "run"] + names, rows.map { r in
            [r.subject, runID(r, runIDs).map { String($0) } ?? ""] + names.map { name in
                value(r, name).map { $0.text ?? CSVReport.number($0.value) } ?? ""
            }
        })
    }

    /// Every table in long form, one line per figure: `table,row,run,subject,name,value`.
    public static func longCSV(_ rows: [AnalysisRow], runIDs: [Int64]) -> String {
        CSVReport.table(["table", "row", "run", "subject", "name", "value"], rows.flatMap { r in
            r.values.map { v in
                [r.section, String(r.index), runID(r, runIDs).map { String($0) } ?? "", r.subject, v.name, v.text ?? CSVReport.number(v.value)]
            }
        })
    }

    /// One table as a JSON array of objects: `subject`, `run`, then each figure.
    public static func json(_ rows: [AnalysisRow], runIDs: [Int64]) -> JSONValue {
        .array(rows.map { r in
            .object([("subject", JSONValue.string(r.subject)), ("run", runID(r, runIDs).map { JSONValue.integer(Int($0)) } ?? .null)]
                    + r.values.map { v in (v.name, v.text.map(JSONValue.string) ?? v.value.map(JSONValue.double) ?? .null) })
        })
    }
}
