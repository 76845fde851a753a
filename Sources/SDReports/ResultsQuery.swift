import CSQLite
import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// One recorded run or analysis as `sdsim results list` shows it.
public struct StoredRunInfo: Sendable, Equatable {
    /// The record's id (in `runs`, or in `analyses` for an analysis).
    public var id: Int64
    /// `run`, or the analysis's kind: `spof`, `compare`, `sweep`, `size`.
    public var kind: String = "run"
    /// For a run made by an analysis, the analysis's id; for an analysis, nil.
    public var analysisID: Int64?
    /// For an analysis, how many runs it stored (0 for a run).
    public var runCount: Int = 0
    /// Scenario name and the file it was read from.
    public var scenario: String, scenarioFile: String
    /// Seed (first replication), simulated seconds, replications.
    public var seed: UInt64, simulatedSeconds: Double, warmupSeconds: Double, events: Int, replications: Int
    /// Who made it and when (NULL columns of runs recorded before schema version 3 are nil).
    public var metadata: RunMetadata
    /// The settings it ran under, `PATH=VALUE` separated by spaces (a sweep point's swept values,
    /// a compared system's `system=NAME`); empty for a plain run.
    public var settings: String = ""
    /// Whether the seed is known (false for spof audits migrated from schema version 3).
    public var seedKnown: Bool = true
}

/// A recorded run read back: its metadata, its result as stored (with each replication's
/// figures) and the scenario text.
public struct StoredRun: Sendable {
    /// Id, scenario and metadata.
    public var info: StoredRunInfo
    /// The run's figures rebuilt from the tables (for an analysis: whatever workload and component rows it stored).
    public var result: RunResult
    /// The scenario text as it was when the run was made.
    public var configText: String?
}

/// A recorded analysis read back: its metadata, its runs and its tables.
public struct StoredAnalysis: Sendable {
    /// Id, kind, scenario and metadata.
    public var info: StoredRunInfo
    /// The scenario text.
    public var configText: String?
    /// Its runs, in its report's order.
    public var runs: [StoredRunInfo]
    /// Its tables' rows (`run`: the position in `runs`).
    public var rows: [AnalysisRow]

    /// The names of its tables, in order.
    public var sections: [String] {
        var out: [String] = []
        for r in rows where !out.contains(r.section) { out.append(r.section) }
        return out
    }
}

extension ResultsStore {
    private func openDatabase() throws -> OpaquePointer {
        guard let db = handle else { throw ReportError("results database '\(path)': the database is closed") }
        return db
    }

    /// The columns of a record's line, the same for runs and analyses (an analysis has no
    /// durations or events of its own: 0).
    private static let runColumns = """
        'run' AS kind, id, scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications,
        created_at, label, sdsim_version, sdsim_commit, command_line, command,
        (SELECT group_concat(setting, ' ') FROM (SELECT subject || '=' || name AS setting FROM figures
          WHERE run_id = runs.id AND subject_kind = 'setting' ORDER BY rowid)), analysis_id, 0
        """
    private static let analysisColumns = """
        kind, id, scenario, scenario_file, seed, 0, 0, 0, replications,
        created_at, label, sdsim_version, sdsim_commit, command_line, kind, NULL, NULL,
        (SELECT count(*) FROM runs WHERE runs.analysis_id = analyses.id)
        """

    private func info(_ s: Statement) -> StoredRunInfo {
        StoredRunInfo(id: s.int(1), kind: s.text(0) ?? "run", analysisID: s.isNull(16) ? nil : s.int(16), runCount: Int(s.int(17)),
                      scenario: s.text(2) ?? "", scenarioFile: s.text(3) ?? "",
                      seed: UInt64(bitPattern: s.int(4)), simulatedSeconds: s.double(5) ?? 0, warmupSeconds: s.double(6) ?? 0,
                      events: Int(s.int(7)), replications: Int(s.int(8)),
                      metadata: RunMetadata(createdAt: s.text(9), label: s.text(10), version: s.text(11), commit: s.text(12),
                                            commandLine: s.text(13), command: s.text(14) ?? "run"),
                      settings: s.text(15) ?? "", seedKnown: !s.isNull(4))
    }

    /// The recorded runs and analyses, oldest first, optionally only those of scenario
    /// `scenario` (its name or its file), with label `label`, of kind `kind` (`run`, `spof`,
    /// `compare`, `sweep`, `size`) and, with `analysis`, only the runs that analysis made.
    public func list(scenario: String? = nil, label: String? = nil, kind: String? = nil, analysis: Int64? = nil) throws -> [StoredRunInfo] {
        let db = try openDatabase()
        let filter = "(?1 IS NULL OR scenario = ?1 OR scenario_file = ?1) AND (?2 IS NULL OR label = ?2) AND (?3 IS NULL OR kind = ?3)"
        let s = try Statement(db, path, """
            SELECT * FROM (SELECT \(ResultsStore.runColumns) FROM runs UNION ALL SELECT \(ResultsStore.analysisColumns) FROM analyses)
            WHERE \(filter) AND (?4 IS NULL OR analysis_id = ?4)
            ORDER BY id
            """)
        try s.bind(1, scenario)
        try s.bind(2, label)
        try s.bind(3, kind)
        if let analysis { try s.bind(4, analysis) } else { try s.bind(4, nil as String?) }
        var out: [StoredRunInfo] = []
        while try s.next() { out.append(info(s)) }
        return out
    }

    /// The analysis with id `id` with its runs and tables; nil when there is none.
    public func loadAnalysis(_ id: Int64) throws -> StoredAnalysis? {
        let db = try openDatabase()
        let head = try Statement(db, path, "SELECT \(ResultsStore.analysisColumns), config FROM analyses WHERE id = ?")
        try head.bind(1, id)
        guard try head.next() else { return nil }
        var analysisInfo = info(head)
        analysisInfo.seedKnown = !head.isNull(4)
        let configText = head.text(18)
        let runs = try list(analysis: id)
        let positions = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1.id, $0) })
        var rows: [AnalysisRow] = []
        let a = try Statement(db, path, """
            SELECT section, row_index, run_id, subject, name, value, text FROM analysis_rows WHERE analysis_id = ? ORDER BY rowid
            """)
        try a.bind(1, id)
        while try a.next() {
            let section = a.text(0) ?? "", index = Int(a.int(1))
            let v = (name: a.text(4) ?? "", value: a.double(5), text: a.text(6))
            if let last = rows.indices.last, rows[last].section == section, rows[last].index == index { rows[last].values.append(v) }
            else {
                rows.append(AnalysisRow(section: section, index: index, subject: a.text(3) ?? "",
                                        run: a.isNull(2) ? nil : positions[a.int(2)], values: [v]))
            }
        }
        return StoredAnalysis(info: analysisInfo, configText: configText, runs: runs, rows: rows)
    }

    /// The run with id `id`, rebuilt from the tables; nil when there is none.
    public func load(_ id: Int64) throws -> StoredRun? {
        let db = try openDatabase()
        let head = try Statement(db, path, "SELECT \(ResultsStore.runColumns), config, lesson FROM runs WHERE id = ?")
        try head.bind(1, id)
        guard try head.next() else { return nil }
        let runInfo = info(head)
        let configText = head.text(18), lesson = head.text(19)

        var workloads: [WorkloadResult] = []
        let w = try Statement(db, path, """
            SELECT workload, arrived, completed, failed, latency_mean, latency_ci_low, latency_ci_high,
                   p50, p90, p99, p999, max, out_of_range, latency_count
            FROM workload_stats WHERE run_id = ? ORDER BY rowid
            """)
        try w.bind(1, id)
        while try w.next() {
            let nan = Double.nan
            let latency = LatencySummary(count: Int(w.int(13)), mean: w.double(4) ?? nan,
                                         meanCI95: ConfidenceInterval(low: w.double(5) ?? nan, high: w.double(6) ?? nan),
                                         p50: w.double(7) ?? nan, p90: w.double(8) ?? nan, p99: w.double(9) ?? nan,
                                         p999: w.double(10) ?? nan, max: w.double(11) ?? nan, outOfRange: Int(w.int(12)))
            workloads.append(WorkloadResult(name: w.text(0) ?? "", arrived: Int(w.int(1)), completed: Int(w.int(2)),
                                            failed: Int(w.int(3)), latency: latency))
        }

        var components: [ComponentResult] = []
        let c = try Statement(db, path, """
            SELECT component, kind, group_name, is_group, workers, utilization, throughput, queue_length_mean,
                   wait_mean, response_mean, hit_ratio, arrived, completed, rejected
            FROM component_stats WHERE run_id = ? ORDER BY rowid
            """)
        try c.bind(1, id)
        while try c.next() {
            components.append(ComponentResult(
                name: c.text(0) ?? "", kind: c.text(1) ?? "", group: c.text(2), isGroup: c.int(3) != 0, workers: Int(c.int(4)),
                utilization: c.double(5) ?? .nan, throughput: c.double(6) ?? .nan, queueLengthMean: c.double(7) ?? .nan,
                waitMean: c.double(8) ?? .nan, responseMean: c.double(9) ?? .nan, hitRatio: c.double(10),
                arrived: Int(c.int(11)), completed: Int(c.int(12)), rejected: Int(c.int(13))))
        }

        var population: (users: Double, dau: Double, reads: Double, writes: Double, theory: Double?)?
        let f = try Statement(db, path, "SELECT subject_kind, subject, name, value FROM figures WHERE run_id = ? ORDER BY rowid")
        try f.bind(1, id)
        while try f.next() {
            let kind = f.text(0) ?? "", subject = f.text(1) ?? "", name = f.text(2) ?? ""
            let value = f.double(3) ?? .nan
            switch kind {
            case "workload":
                guard let i = workloads.firstIndex(where: { $0.name == subject }) else { continue }
                if name == "retries" { workloads[i].retries = Int(value) }
                else if name == "late_replies" { workloads[i].lateReplies = Int(value) }
                else if name == "bytes" { workloads[i].bytes = value }
                else if name == "availability_theory" { workloads[i].availabilityTheory = value }
                else if name.hasPrefix("failed_by.") { workloads[i].failedBy.append((String(name.dropFirst(10)), Int(value))) }
                else if name.hasPrefix("arrived_by_type.") { workloads[i].arrivedByType.append((String(name.dropFirst(16)), Int(value))) }
                else if name.hasPrefix("arrived_by_region.") { workloads[i].arrivedByRegion.append((String(name.dropFirst(18)), Int(value))) }
            case "component":
                guard let i = components.firstIndex(where: { $0.name == subject }) else { continue }
                if name.hasPrefix("share.") { components[i].targetShares.append((String(name.dropFirst(6)), value)) }
                else if name == "keys_moved_on_add" { components[i].keysMovedOnAdd = value }
                else { components[i].extra.append((name, value)) }
            case "population":
                var p = population ?? (0, 0, 0, 0, nil)
                switch name {
                case "users": p.users = value
                case "daily_active_users": p.dau = value
                case "reads": p.reads = value
                case "writes": p.writes = value
                case "read_to_write_theory": p.theory = value
                default: break
                }
                population = p
            default: continue
            }
        }

        let s = try Statement(db, path, """
            SELECT subject_kind, subject, name, start, interval, value FROM series WHERE run_id = ? ORDER BY rowid
            """)
        try s.bind(1, id)
        var completedSlices: [String: [Double]] = [:]
        while try s.next() {
            let kind = s.text(0) ?? "", subject = s.text(1) ?? "", name = s.text(2) ?? ""
            let start = s.double(3) ?? 0, interval = s.double(4) ?? 0, value = s.double(5) ?? .nan
            func append(_ list: inout [Series]) {
                if let last = list.indices.last, list[last].name == name { list[last].values.append(value) }
                else { list.append(Series(name: name, start: start, interval: interval, values: [value])) }
            }
            if kind == "workload", let i = workloads.firstIndex(where: { $0.name == subject }) {
                if name != "in_flight" { workloads[i].sliceStart = start; workloads[i].sliceSeconds = interval }
                if name == "completed" { completedSlices[subject, default: []].append(value) }
                else if name == "failed" {
                    let n = workloads[i].slices.count
                    let done = completedSlices[subject] ?? []
                    workloads[i].slices.append((n < done.count ? Int(done[n]) : 0, Int(value)))
                } else if name == "in_flight" {
                    if workloads[i].backlog == nil { workloads[i].backlog = Series(name: name, start: start, interval: interval, values: []) }
                    workloads[i].backlog?.values.append(value)
                } else { append(&workloads[i].series) }
            } else if kind == "component", let i = components.firstIndex(where: { $0.name == subject }) {
                append(&components[i].series)
            }
        }

        var result = RunResult(scenario: runInfo.scenario, seed: runInfo.seed, simulatedSeconds: runInfo.simulatedSeconds,
                               warmupSeconds: runInfo.warmupSeconds, events: runInfo.events,
                               replications: runInfo.replications, workloads: workloads, components: components)
        result.lesson = lesson
        if let p = population {
            result.population = PopulationSummary(users: UInt64(max(p.users, 0)), dailyActiveUsers: p.dau, reads: Int(p.reads),
                                                  writes: Int(p.writes), readToWriteTheory: p.theory)
        }
        let e = try Statement(db, path, "SELECT expectation, value, passed FROM expectations WHERE run_id = ? ORDER BY rowid")
        try e.bind(1, id)
        while try e.next() {
            let text = e.text(0) ?? ""
            result.expectations.append(ExpectationOutcome(
                expectation: Expectation(text: text, subject: "", metric: "", comparison: .equal, value: .nan),
                value: e.double(1), passed: e.int(2) != 0))
        }

        let rf = try Statement(db, path, """
            SELECT replication, seed, subject_kind, subject, name, value FROM replication_figures WHERE run_id = ? ORDER BY rowid
            """)
        try rf.bind(1, id)
        while try rf.next() {
            let i = Int(rf.int(0))
            if result.replicationFigures.count <= i {
                result.replicationFigures.append(ReplicationFigures(seed: UInt64(bitPattern: rf.int(1)), figures: []))
            }
            result.replicationFigures[i].figures.append(ReplicationFigures.Value(
                kind: rf.text(2) ?? "", subject: rf.text(3) ?? "", name: rf.text(4) ?? "", value: rf.double(5) ?? .nan))
        }
        return StoredRun(info: runInfo, result: result, configText: configText)
    }
}
