import CSQLite
import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// One recorded run or analysis as `sdsim results list` shows it.
public struct StoredRunInfo: Sendable, Equatable {
    /// The run's id in `runs`.
    public var id: Int64
    /// Scenario name and the file it was read from.
    public var scenario: String, scenarioFile: String
    /// Seed (first replication), simulated seconds, replications.
    public var seed: UInt64, simulatedSeconds: Double, warmupSeconds: Double, events: Int, replications: Int
    /// Who made it and when (NULL columns of runs recorded before schema version 3 are nil).
    public var metadata: RunMetadata
    /// The settings it ran under, `PATH=VALUE` separated by spaces (a sweep point's swept values,
    /// a compared system's `system=NAME`); empty for a plain run.
    public var settings: String = ""
}

/// A recorded run read back: its metadata, its result as stored, the scenario text and, for an
/// analysis, its rows.
public struct StoredRun: Sendable {
    /// Id, scenario and metadata.
    public var info: StoredRunInfo
    /// The run's figures rebuilt from the tables (for an analysis: whatever workload and component rows it stored).
    public var result: RunResult
    /// The scenario text as it was when the run was made.
    public var configText: String?
    /// The rows of an analysis (empty for a run).
    public var analysis: [AnalysisRow]
}

extension ResultsStore {
    private func openDatabase() throws -> OpaquePointer {
        guard let db = handle else { throw ReportError("results database '\(path)': the database is closed") }
        return db
    }

    private static let infoColumns = """
        id, scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications,
        created_at, label, sdsim_version, sdsim_commit, command_line, command,
        (SELECT group_concat(setting, ' ') FROM (SELECT subject || '=' || name AS setting FROM figures
          WHERE run_id = runs.id AND subject_kind = 'setting' ORDER BY rowid))
        """

    private func info(_ s: Statement) -> StoredRunInfo {
        StoredRunInfo(id: s.int(0), scenario: s.text(1) ?? "", scenarioFile: s.text(2) ?? "",
                      seed: UInt64(bitPattern: s.int(3)), simulatedSeconds: s.double(4) ?? 0, warmupSeconds: s.double(5) ?? 0,
                      events: Int(s.int(6)), replications: Int(s.int(7)),
                      metadata: RunMetadata(createdAt: s.text(8), label: s.text(9), version: s.text(10), commit: s.text(11),
                                            commandLine: s.text(12), command: s.text(13) ?? "run"),
                      settings: s.text(14) ?? "")
    }

    /// The recorded runs, oldest first, optionally only those of scenario `scenario` (its name or
    /// its file) and with label `label`.
    public func list(scenario: String? = nil, label: String? = nil) throws -> [StoredRunInfo] {
        let db = try openDatabase()
        let s = try Statement(db, path, """
            SELECT \(ResultsStore.infoColumns) FROM runs
            WHERE (?1 IS NULL OR scenario = ?1 OR scenario_file = ?1) AND (?2 IS NULL OR label = ?2)
            ORDER BY id
            """)
        try s.bind(1, scenario)
        try s.bind(2, label)
        var out: [StoredRunInfo] = []
        while try s.next() { out.append(info(s)) }
        return out
    }

    /// The run with id `id`, rebuilt from the tables; nil when there is none.
    public func load(_ id: Int64) throws -> StoredRun? {
        let db = try openDatabase()
        let head = try Statement(db, path, "SELECT \(ResultsStore.infoColumns), config, lesson FROM runs WHERE id = ?")
        try head.bind(1, id)
        guard try head.next() else { return nil }
        let runInfo = info(head)
        let configText = head.text(15), lesson = head.text(16)

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

        var analysis: [AnalysisRow] = []
        let a = try Statement(db, path, "SELECT row_index, subject, name, value, text FROM analysis_rows WHERE run_id = ? ORDER BY rowid")
        try a.bind(1, id)
        while try a.next() {
            let index = Int(a.int(0))
            let v = (name: a.text(2) ?? "", value: a.double(3), text: a.text(4))
            if let last = analysis.indices.last, analysis[last].index == index { analysis[last].values.append(v) }
            else { analysis.append(AnalysisRow(index: index, subject: a.text(1) ?? "", values: [v])) }
        }
        return StoredRun(info: runInfo, result: result, configText: configText, analysis: analysis)
    }
}
