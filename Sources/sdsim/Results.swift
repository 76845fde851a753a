import ArgumentParser
import Foundation
import SDModels
import SDReports

/// `sdsim results …`: find, show, compare and export recorded runs.
struct Results: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, compare and export the runs stored in the results database.",
        discussion: """
            Every 'sdsim run' and 'sdsim spof' is recorded in an SQLite database (default \
            results/sdsim.db) with the time it was made, its --label, the sdsim version and commit, \
            the command line and the scenario text. These commands read it; RUN is the id that \
            'results list' prints. The tables are documented in docs/reference/results-database.md.

            Examples:
              sdsim results list
              sdsim results list --scenario three-tier --label baseline
              sdsim results show 3
              sdsim results diff 3 5
              sdsim results export 3 --csv out/run-3
            """,
        subcommands: [ResultsList.self, ResultsShow.self, ResultsDiffCommand.self, ResultsExport.self])
}

/// The database option of the `results` subcommands.
struct DatabaseOption: ParsableArguments {
    @Option(help: "SQLite results database to read.")
    var db: String = "results/sdsim.db"

    /// Opens the database for reading; a missing file is an error (never created here).
    func open() throws -> ResultsStore {
        guard FileManager.default.fileExists(atPath: db) else {
            Console.standardError.error("results database '\(db)' does not exist (runs are stored there by 'sdsim run')")
            throw ExitCode(2)
        }
        do { return try ResultsStore(path: db) } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// Loads run `id`, or reports that there is none (exit 2).
    func load(_ store: ResultsStore, _ id: Int64) throws -> StoredRun {
        let run: StoredRun?
        do { run = try store.load(id) } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
        guard let run else {
            Console.standardError.error("no run \(id) in '\(db)' (see 'sdsim results list')")
            throw ExitCode(2)
        }
        return run
    }
}

struct ResultsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "One line per recorded run: id, when, command, scenario, seed, label.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Only runs of this scenario (its name or its file).")
    var scenario: String?

    @Option(help: "Only runs with this label.")
    var label: String?

    @Option(help: "Output format: text or json (csv: one row per run).")
    var format: OutputFormat = .text

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let runs: [StoredRunInfo]
        do { runs = try store.list(scenario: scenario, label: label) } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
        let columns = ["id", "created_at", "command", "scenario", "scenario_file", "seed", "replications", "label",
                       "sdsim_version", "sdsim_commit", "command_line", "settings"]
        func cells(_ r: StoredRunInfo) -> [String] {
            [String(r.id), r.metadata.createdAt ?? "", r.metadata.command, r.scenario, r.scenarioFile, String(r.seed),
             String(r.replications), r.metadata.label ?? "", r.metadata.version ?? "", r.metadata.commit ?? "",
             r.metadata.commandLine ?? "", r.settings]
        }
        switch format {
        case .csv:
            try Console.standardOutput.writeReport(CSVReport.table(columns, runs.map(cells)))
        case .json:
            try Console.standardOutput.writeReport(JSONValue.array(runs.map { r in
                .object(zip(columns, cells(r)).map { k, v in
                    (k, k == "id" || k == "replications" ? JSONValue.integer(Int(v) ?? 0)
                        : k == "seed" ? .uint(r.seed) : v.isEmpty ? .null : .string(v))
                })
            }).rendered(indent: 2) + "\n")
        case .text:
            guard !runs.isEmpty else {
                try Console.standardOutput.writeReport("No runs\(scenario.map { " of '\($0)'" } ?? "")\(label.map { " labelled '\($0)'" } ?? "") in \(database.db).\n")
                return
            }
            // SETTINGS (a sweep point's values, a compared system's name) only when some record has them.
            let settings = runs.contains { !$0.settings.isEmpty }
            var lines = [["RUN", "WHEN (UTC)", "COMMAND", "SCENARIO", "SEED", "REPL", "LABEL"] + (settings ? ["SETTINGS"] : [])]
            for r in runs {
                lines.append([String(r.id), r.metadata.createdAt.map { $0.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "") } ?? "-",
                              r.metadata.command, r.scenario, String(r.seed), String(r.replications), r.metadata.label ?? ""]
                             + (settings ? [r.settings] : []))
            }
            try Console.standardOutput.writeReport(alignedColumns(lines))
        }
    }
}

/// Rows aligned in columns (two spaces apart, no trailing blanks).
func alignedColumns(_ rows: [[String]]) -> String {
    let widths = (0..<(rows.first?.count ?? 0)).map { i in rows.map { $0[i].count }.max() ?? 0 }
    return rows.map { row in
        var line = row.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }.joined(separator: "\n") + "\n"
}

struct ResultsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A recorded run: its metadata, then its report rebuilt from the database.",
        discussion: """
            Text: the run's metadata lines, then the report as 'sdsim run' printed it (expectations \
            show their stored values as plain numbers). --format json: the run's JSON report \
            rebuilt from the tables, with a "recorded" object of metadata; --format csv: the \
            workload and component tables. For a spof record, its rows.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run's id (see 'sdsim results list').")
    var runID: Int64

    @Option(help: "Output format: text, json or csv.")
    var format: OutputFormat = .text

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let stored = try database.load(store, runID)
        let m = stored.info.metadata
        switch format {
        case .json:
            guard case .object(let members) = JSONReport.value(stored.result) else { return }
            let recorded: JSONValue = .object([
                ("id", .integer(Int(stored.info.id))), ("command", .string(m.command)),
                ("created_at", m.createdAt.map(JSONValue.string) ?? .null), ("label", m.label.map(JSONValue.string) ?? .null),
                ("sdsim_version", m.version.map(JSONValue.string) ?? .null), ("sdsim_commit", m.commit.map(JSONValue.string) ?? .null),
                ("command_line", m.commandLine.map(JSONValue.string) ?? .null), ("scenario_file", .string(stored.info.scenarioFile)),
            ])
            var all = [("recorded", recorded)] + members
            if !stored.analysis.isEmpty { all.append(("analysis", analysisJSON(stored.analysis))) }
            try Console.standardOutput.writeReport(JSONValue.object(all).rendered(indent: 2) + "\n")
        case .csv:
            try Console.standardOutput.writeReport(stored.analysis.isEmpty ? CSVReport.render(stored.result) : analysisCSV(stored.analysis))
        case .text:
            var head = "Run \(stored.info.id): \(m.command) of \(stored.info.scenarioFile)"
            if let l = m.label { head += ", label '\(l)'" }
            head += "\nRecorded \(m.createdAt ?? "(unknown time)") by sdsim \(m.version ?? "(unknown version)")"
            if let c = m.commit { head += " (commit \(c.prefix(12)))" }
            if let line = m.commandLine { head += "\nCommand: \(line)" }
            try Console.standardOutput.writeReport(head + "\n\n")
            try Console.standardOutput.writeReport(stored.analysis.isEmpty ? TextReport.render(stored.result) : analysisText(stored.analysis))
        }
    }
}

/// An analysis's rows as a table: one line per row, one column per figure name.
func analysisColumns(_ rows: [AnalysisRow]) -> [String] {
    var names: [String] = []
    for r in rows { for v in r.values where !names.contains(v.name) { names.append(v.name) } }
    return names
}

func analysisCell(_ row: AnalysisRow, _ name: String) -> String {
    guard let v = row.values.first(where: { $0.name == name }) else { return "" }
    return v.text ?? CSVReport.number(v.value)
}

func analysisText(_ rows: [AnalysisRow]) -> String {
    let names = analysisColumns(rows)
    return alignedColumns([["subject"] + names] + rows.map { r in [r.subject] + names.map { analysisCell(r, $0) } })
}

func analysisCSV(_ rows: [AnalysisRow]) -> String {
    let names = analysisColumns(rows)
    return CSVReport.table(["subject"] + names, rows.map { r in [r.subject] + names.map { analysisCell(r, $0) } })
}

func analysisJSON(_ rows: [AnalysisRow]) -> JSONValue {
    .array(rows.map { r in
        .object([("subject", JSONValue.string(r.subject))] + r.values.map { v in
            (v.name, v.text.map(JSONValue.string) ?? v.value.map(JSONValue.double) ?? .null)
        })
    })
}

struct ResultsDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Two recorded runs side by side, significant differences marked.",
        discussion: """
            For every workload and component both runs have: latency mean, p50, p99, p99.9, \
            throughput and availability; utilization, throughput and queue length. The mean latency \
            is marked '*' when the two runs' 95% confidence intervals do not overlap (a conservative \
            test; with --replications the intervals come from independent replications). Other \
            figures carry no interval and are never marked. A run compared with itself marks nothing.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The first run's id.")
    var a: Int64

    @Argument(help: "The second run's id.")
    var b: Int64

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard format != .csv else { throw ValidationError("results diff prints text or json") }
    }

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let runA = try database.load(store, a), runB = try database.load(store, b)
        if format == .json {
            try Console.standardOutput.writeReport(ResultsDiff.json(runA.result, runB.result, idA: a, idB: b))
            return
        }
        func describe(_ r: StoredRun) -> String {
            "run \(r.info.id): \(r.info.scenario), seed \(r.info.seed), \(r.info.replications) replication\(r.info.replications == 1 ? "" : "s")"
                + (r.info.metadata.label.map { ", label '\($0)'" } ?? "")
        }
        var out = "A = \(describe(runA))\nB = \(describe(runB))\n"
        if runA.info.scenario != runB.info.scenario { out += "Note: the runs are of different scenarios.\n" }
        out += "\n" + ResultsDiff.text(runA.result, runB.result, nameA: "run \(a)", nameB: "run \(b)")
        try Console.standardOutput.writeReport(out)
    }
}

struct ResultsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a recorded run's tables as CSV files into a folder.",
        discussion: """
            Writes run.csv (metadata: name,value), workloads.csv, components.csv, figures.csv, \
            series.csv (long form: subject_kind,subject,series,time,value), expectations.csv, and \
            for an analysis analysis.csv, plus scenario.yaml (the scenario text as recorded). The \
            folder is created if missing; files already there are never overwritten (exit 1).
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run's id.")
    var runID: Int64

    @Option(help: "Folder to write the CSV files into.")
    var csv: String

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let stored = try database.load(store, runID)
        let r = stored.result, m = stored.info.metadata
        var files: [(String, String)] = [
            ("run.csv", CSVReport.table(["name", "value"], [
                ["id", String(stored.info.id)], ["command", m.command], ["scenario", r.scenario],
                ["scenario_file", stored.info.scenarioFile], ["seed", String(r.seed)],
                ["simulated_seconds", CSVReport.number(r.simulatedSeconds)], ["warmup_seconds", CSVReport.number(r.warmupSeconds)],
                ["events", String(r.events)], ["replications", String(r.replications)], ["created_at", m.createdAt ?? ""],
                ["label", m.label ?? ""], ["sdsim_version", m.version ?? ""], ["sdsim_commit", m.commit ?? ""],
                ["command_line", m.commandLine ?? ""],
            ])),
            ("workloads.csv", CSVReport.workloads(r)),
            ("components.csv", CSVReport.components(r)),
            ("figures.csv", CSVReport.figures(r)),
            ("series.csv", CSVReport.series(r)),
            ("expectations.csv", CSVReport.table(["expectation", "value", "passed"], r.expectations.map {
                [$0.expectation.text, CSVReport.number($0.value), $0.passed ? "1" : "0"]
            })),
        ]
        if !stored.analysis.isEmpty { files.append(("analysis.csv", analysisCSV(stored.analysis))) }
        if let text = stored.configText { files.append(("scenario.yaml", text)) }
        try writeNewFiles(files, into: csv)
        try Console.standardOutput.writeReport("Wrote \(files.map(\.0).joined(separator: ", ")) to \(csv)\n")
    }
}

/// Writes each (name, text) into `folder` (created if missing), refusing to overwrite any file
/// that exists: nothing is written then. A failed write is an error (exit 1).
func writeNewFiles(_ files: [(String, String)], into folder: String) throws {
    let fm = FileManager.default
    let existing = files.map(\.0).filter { fm.fileExists(atPath: (folder as NSString).appendingPathComponent($0)) }
    guard existing.isEmpty else {
        Console.standardError.error("'\(folder)' already holds \(existing.joined(separator: ", ")); not overwriting")
        throw ExitCode.failure
    }
    do {
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)), options: .withoutOverwriting)
        }
    } catch {
        Console.standardError.error("cannot write to '\(folder)': \(error.localizedDescription)")
        throw ExitCode.failure
    }
}
