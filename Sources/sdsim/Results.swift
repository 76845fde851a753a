import ArgumentParser
import Foundation
import SDModels
import SDReports

/// `sdsim results …`: find, show, compare and export recorded runs.
struct Results: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, compare and export the runs stored in the results database.",
        discussion: """
            Every 'sdsim run' is recorded in an SQLite database (default results/sdsim.db) as a \
            run, and every 'sdsim spof', 'compare', 'sweep' and 'size' as an analysis with its \
            tables and the runs it made (a compared system, a sweep point, a value tried), each \
            with the time it was made, its --label, the sdsim version and commit, the command line \
            and the scenario text. These commands read it; ID is the id that 'results list' \
            prints (runs and analyses share one sequence of ids). The tables are documented in \
            docs/reference/results-database.md.

            Examples:
              sdsim results list
              sdsim results list --scenario three-tier --label baseline
              sdsim results list --kind compare --format csv
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

    /// Loads record `id`, a run or an analysis, or reports that there is none (exit 2).
    func load(_ store: ResultsStore, _ id: Int64) throws -> StoredRecord {
        do {
            if let run = try store.load(id) { return .run(run) }
            if let analysis = try store.loadAnalysis(id) { return .analysis(analysis) }
        } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
        Console.standardError.error("no run or analysis \(id) in '\(db)' (see 'sdsim results list')")
        throw ExitCode(2)
    }

    /// Loads run `id`, or reports that there is none or that it is an analysis (exit 2).
    func loadRun(_ store: ResultsStore, _ id: Int64) throws -> StoredRun {
        switch try load(store, id) {
        case .run(let r): return r
        case .analysis(let a):
            let runs = a.runs.map { String($0.id) }.joined(separator: ", ")
            Console.standardError.error("\(id) is a \(a.info.kind) analysis, not a run; "
                                        + (runs.isEmpty ? "it stored no runs" : "its runs are \(runs)"))
            throw ExitCode(2)
        }
    }
}

/// A record read back: a run or an analysis.
enum StoredRecord {
    case run(StoredRun)
    case analysis(StoredAnalysis)
}

/// The kinds of record `results list --kind` accepts.
enum RecordKind: String, ExpressibleByArgument, CaseIterable {
    case run, spof, compare, sweep, size
}

struct ResultsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "One line per recorded run or analysis: id, kind, when, scenario, seed, label.",
        discussion: """
            Runs ('sdsim run', and the runs an analysis made) and analyses ('spof', 'compare', \
            'sweep', 'size') in one list, oldest first. KIND is 'run' or the analysis's kind; a run \
            made by an analysis names it in column OF (for 'sdsim run': '-'), and an analysis gives \
            the number of runs it stored in RUNS. SETTINGS: what a run ran under (a compared \
            system's name, a sweep point's values, a size candidate's value).

            --format csv or json: every column (id, kind, created_at, command, scenario, \
            scenario_file, seed, replications, label, analysis_id, runs, sdsim_version, \
            sdsim_commit, command_line, settings), one row or object per record; empty or null \
            where a column does not apply.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(help: "Only records of this scenario (its name or its file).")
    var scenario: String?

    @Option(help: "Only records with this label.")
    var label: String?

    @Option(help: "Only records of this kind: run, spof, compare, sweep or size.")
    var kind: RecordKind?

    @Option(help: ArgumentHelp("Only the runs analysis ID made.", valueName: "ID"))
    var analysis: Int64?

    @Option(help: "Output format: text, csv or json (every column).")
    var format: OutputFormat = .text

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let records: [StoredRunInfo]
        do { records = try store.list(scenario: scenario, label: label, kind: kind?.rawValue, analysis: analysis) } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
        let columns = ["id", "kind", "created_at", "command", "scenario", "scenario_file", "seed", "replications", "label",
                       "analysis_id", "runs", "sdsim_version", "sdsim_commit", "command_line", "settings"]
        let integers: Set<String> = ["id", "replications", "analysis_id", "runs"]
        func cells(_ r: StoredRunInfo) -> [String] {
            [String(r.id), r.kind, r.metadata.createdAt ?? "", r.metadata.command, r.scenario, r.scenarioFile,
             r.seedKnown ? String(r.seed) : "",
             String(r.replications), r.metadata.label ?? "", r.analysisID.map { String($0) } ?? "",
             r.kind == "run" ? "" : String(r.runCount), r.metadata.version ?? "", r.metadata.commit ?? "",
             r.metadata.commandLine ?? "", r.settings]
        }
        switch format {
        case .csv:
            try Console.standardOutput.writeReport(CSVReport.table(columns, records.map(cells)))
        case .json:
            try Console.standardOutput.writeReport(JSONValue.array(records.map { r in
                .object(zip(columns, cells(r)).map { k, v in
                    (k, v.isEmpty ? JSONValue.null : integers.contains(k) ? .integer(Int(v) ?? 0)
                        : k == "seed" ? .uint(r.seed) : .string(v))
                })
            }).rendered(indent: 2) + "\n")
        case .text:
            guard !records.isEmpty else {
                var what = kind.map { $0 == .run ? "runs" : "\($0.rawValue) analyses" } ?? "runs or analyses"
                if let analysis { what = "runs of analysis \(analysis)" }
                try Console.standardOutput.writeReport("No \(what)\(scenario.map { " of '\($0)'" } ?? "")\(label.map { " labelled '\($0)'" } ?? "") in \(database.db).\n")
                return
            }
            // SETTINGS (a sweep point's values, a compared system's name) only when some record has them.
            let settings = records.contains { !$0.settings.isEmpty }
            var lines = [["ID", "KIND", "WHEN (UTC)", "SCENARIO", "SEED", "REPL", "OF", "RUNS", "LABEL"] + (settings ? ["SETTINGS"] : [])]
            for r in records {
                lines.append([String(r.id), r.kind,
                              r.metadata.createdAt.map { $0.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "") } ?? "-",
                              r.scenario, r.seedKnown ? String(r.seed) : "-", String(r.replications), r.analysisID.map { String($0) } ?? "-",
                              r.kind == "run" ? "-" : String(r.runCount), r.metadata.label ?? ""]
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
        abstract: "A recorded run or analysis: its metadata, then its report or its tables.",
        discussion: """
            A run: its metadata lines, then the report as 'sdsim run' printed it (expectations \
            show their stored values as plain numbers). --format json: the run's JSON report \
            rebuilt from the tables, with a "recorded" object of metadata; --format csv: the \
            workload and component tables.

            An analysis (spof, compare, sweep, size): its metadata and its runs (id and \
            settings, for 'results show' and 'results diff'), then each of its tables (one line \
            per row, one column per figure, as docs/reference/results-database.md lists them). \
            --format json: {"recorded", "runs", "tables": {NAME: [rows]}}; --format csv: the \
            tables in long form, one line per figure: table,row,run,subject,name,value.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run's or analysis's id (see 'sdsim results list').")
    var id: Int64

    @Option(help: "Output format: text, json or csv.")
    var format: OutputFormat = .text

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        switch try database.load(store, id) {
        case .run(let stored): try show(stored)
        case .analysis(let stored): try show(stored)
        }
    }

    private func recordedJSON(_ info: StoredRunInfo) -> JSONValue {
        let m = info.metadata
        return .object([
            ("id", .integer(Int(info.id))), ("kind", .string(info.kind)), ("command", .string(m.command)),
            ("created_at", m.createdAt.map(JSONValue.string) ?? .null), ("label", m.label.map(JSONValue.string) ?? .null),
            ("sdsim_version", m.version.map(JSONValue.string) ?? .null), ("sdsim_commit", m.commit.map(JSONValue.string) ?? .null),
            ("command_line", m.commandLine.map(JSONValue.string) ?? .null), ("scenario_file", .string(info.scenarioFile)),
            ("analysis_id", info.analysisID.map { JSONValue.integer(Int($0)) } ?? .null),
        ])
    }

    private func head(_ what: String, _ info: StoredRunInfo) -> String {
        let m = info.metadata
        var head = "\(what) \(info.id): \(m.command) of \(info.scenarioFile)"
        if let l = m.label { head += ", label '\(l)'" }
        if let a = info.analysisID { head += ", made by analysis \(a)" }
        head += "\nRecorded \(m.createdAt ?? "(unknown time)") by sdsim \(m.version ?? "(unknown version)")"
        if let c = m.commit { head += " (commit \(c.prefix(12)))" }
        if let line = m.commandLine { head += "\nCommand: \(line)" }
        return head + "\n"
    }

    private func show(_ stored: StoredRun) throws {
        switch format {
        case .json:
            guard case .object(let members) = JSONReport.value(stored.result) else { return }
            try Console.standardOutput.writeReport(JSONValue.object([("recorded", recordedJSON(stored.info))] + members).rendered(indent: 2) + "\n")
        case .csv:
            try Console.standardOutput.writeReport(CSVReport.render(stored.result))
        case .text:
            try Console.standardOutput.writeReport(head("Run", stored.info) + "\n")
            try Console.standardOutput.writeReport(TextReport.render(stored.result))
        }
    }

    private func show(_ stored: StoredAnalysis) throws {
        switch format {
        case .json:
            let runs = JSONValue.array(stored.runs.map { r in
                .object([("id", .integer(Int(r.id))), ("settings", .string(r.settings))])
            })
            let tables = JSONValue.object(stored.sections.map { section in
                (section, AnalysisReport.json(stored.rows.filter { $0.section == section }, runIDs: stored.runs.map(\.id)))
            })
            try Console.standardOutput.writeReport(JSONValue.object([
                ("recorded", recordedJSON(stored.info)), ("scenario", .string(stored.info.scenario)),
                ("seed", stored.info.seedKnown ? .uint(stored.info.seed) : .null),
                ("replications", .integer(stored.info.replications)), ("runs", runs), ("tables", tables),
            ]).rendered(indent: 2) + "\n")
        case .csv:
            try Console.standardOutput.writeReport(AnalysisReport.longCSV(stored.rows, runIDs: stored.runs.map(\.id)))
        case .text:
            var out = head("Analysis", stored.info)
            out += "Scenario \(stored.info.scenario)"
            if stored.info.seedKnown { out += ", seed \(stored.info.seed)" }
            out += ", \(stored.info.replications) replication\(stored.info.replications == 1 ? "" : "s") per run\n"
            if stored.runs.isEmpty {
                out += "No runs stored" + (stored.info.kind == "spof" ? " (each outage run measures only its window; the outcomes are below).\n" : ".\n")
            } else {
                out += "Runs (sdsim results show ID, sdsim results diff A B):\n"
                out += alignedColumns(stored.runs.map { ["  \($0.id)", $0.settings] })
            }
            for section in stored.sections {
                out += "\n" + section + "\n" + AnalysisReport.text(stored.rows.filter { $0.section == section }, runIDs: stored.runs.map(\.id))
            }
            try Console.standardOutput.writeReport(out)
        }
    }
}

struct ResultsDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Two recorded runs side by side, significant differences marked.",
        discussion: """
            For every workload and component both runs have: latency mean, p50, p99, p99.9, \
            throughput and availability; utilization, throughput and queue length; the two values \
            and the change from A to B.

            Significance is tested over the runs' replications, from each replication's own \
            figures: when both runs' replications used the same seeds (common random numbers: the \
            systems of one 'sdsim compare', or two runs with the same --seed and --replications), \
            B − A is paired replication by replication (Student t over the differences); otherwise \
            Welch's test for two independent means. A figure is marked '*' when the 95% interval of \
            B − A excludes zero; each line is its own test, so with no real difference about 1 line \
            in 20 is marked by chance. With one replication in either run significance cannot be \
            judged: the report says so and marks nothing (record runs with --replications N). A run \
            compared with itself marks nothing.

            --format json: {"a", "b", "test" (paired, welch or null), "judged", "level", "reason", \
            "lines": [{"subject", "figure", "a", "b", "difference", "difference_low", \
            "difference_high", "significant"}]}.

            Examples:
              sdsim compare scenarios/scaling-horizontal-vs-vertical.yaml   # then, with the ids 'results list' shows:
              sdsim results diff 12 13
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The first run's id (A).")
    var a: Int64

    @Argument(help: "The second run's id (B).")
    var b: Int64

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard format != .csv else { throw ValidationError("results diff prints text or json") }
    }

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        let runA = try database.loadRun(store, a), runB = try database.loadRun(store, b)
        if format == .json {
            try Console.standardOutput.writeReport(ResultsDiff.json(runA.result, runB.result, idA: a, idB: b))
            return
        }
        func describe(_ r: StoredRun) -> String {
            "run \(r.info.id): \(r.info.scenario), seed \(r.info.seed), \(r.info.replications) replication\(r.info.replications == 1 ? "" : "s")"
                + (r.info.metadata.label.map { ", label '\($0)'" } ?? "")
                + (r.info.analysisID.map { ", made by \(r.info.metadata.command) \($0)" } ?? "")
                + (r.info.settings.isEmpty ? "" : " (\(r.info.settings))")
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
        abstract: "Write a recorded run's or analysis's tables as CSV files into a folder.",
        discussion: """
            A run: run.csv (metadata: name,value), workloads.csv, components.csv, figures.csv, \
            series.csv (long form: subject_kind,subject,series,time,value), replications.csv (each \
            replication's own figures: replication,seed,subject_kind,subject,name,value), \
            expectations.csv, plus scenario.yaml (the scenario text as recorded).

            An analysis: analysis.csv (metadata: name,value), runs.csv (its runs: id,settings), one \
            file per table (TABLE.csv: subject, run, then one column per figure) and \
            scenario.yaml; export its runs one by one ('results export RUN').

            The folder is created if missing; files already there are never overwritten (exit 1).
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run's or analysis's id.")
    var id: Int64

    @Option(help: "Folder to write the CSV files into.")
    var csv: String

    func run() throws {
        let store = try database.open()
        defer { store.close() }
        var files: [(String, String)]
        let configText: String?
        switch try database.load(store, id) {
        case .run(let stored):
            let r = stored.result, m = stored.info.metadata
            files = [
                ("run.csv", CSVReport.table(["name", "value"], [
                    ["id", String(stored.info.id)], ["command", m.command], ["scenario", r.scenario],
                    ["scenario_file", stored.info.scenarioFile], ["seed", String(r.seed)],
                    ["simulated_seconds", CSVReport.number(r.simulatedSeconds)], ["warmup_seconds", CSVReport.number(r.warmupSeconds)],
                    ["events", String(r.events)], ["replications", String(r.replications)], ["created_at", m.createdAt ?? ""],
                    ["label", m.label ?? ""], ["sdsim_version", m.version ?? ""], ["sdsim_commit", m.commit ?? ""],
                    ["command_line", m.commandLine ?? ""], ["analysis_id", stored.info.analysisID.map { String($0) } ?? ""],
                    ["settings", stored.info.settings],
                ])),
                ("workloads.csv", CSVReport.workloads(r)),
                ("components.csv", CSVReport.components(r)),
                ("figures.csv", CSVReport.figures(r)),
                ("series.csv", CSVReport.series(r)),
                ("replications.csv", CSVReport.table(["replication", "seed", "subject_kind", "subject", "name", "value"],
                                                     ReplicationFigures.of(r).enumerated().flatMap { i, rep in
                    rep.figures.map { [String(i), String(rep.seed), $0.kind, $0.subject, $0.name, CSVReport.number($0.value)] }
                })),
                ("expectations.csv", CSVReport.table(["expectation", "value", "passed"], r.expectations.map {
                    [$0.expectation.text, CSVReport.number($0.value), $0.passed ? "1" : "0"]
                })),
            ]
            configText = stored.configText
        case .analysis(let stored):
            let i = stored.info, m = i.metadata
            files = [
                ("analysis.csv", CSVReport.table(["name", "value"], [
                    ["id", String(i.id)], ["kind", i.kind], ["scenario", i.scenario], ["scenario_file", i.scenarioFile],
                    ["seed", i.seedKnown ? String(i.seed) : ""], ["replications", String(i.replications)],
                    ["created_at", m.createdAt ?? ""], ["label", m.label ?? ""], ["sdsim_version", m.version ?? ""],
                    ["sdsim_commit", m.commit ?? ""], ["command_line", m.commandLine ?? ""],
                ])),
                ("runs.csv", CSVReport.table(["id", "settings"], stored.runs.map { [String($0.id), $0.settings] })),
            ]
            for section in stored.sections {
                files.append((section + ".csv", AnalysisReport.csv(stored.rows.filter { $0.section == section }, runIDs: stored.runs.map(\.id))))
            }
            configText = stored.configText
        }
        if let configText { files.append(("scenario.yaml", configText)) }
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
