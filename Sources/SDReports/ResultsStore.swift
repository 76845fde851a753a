import CSQLite
import SDModels
import SDMetrics
import SDConfig
import SDAnalysis

/// A failure of a report, with a message fit for a user: for the results database,
/// `results database 'PATH': SQLITE MESSAGE`.
public struct ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The whole message.
    public var message: String
    /// An error with the given message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Who made a recorded run, and when: metadata kept beside the results, never printed in a
/// report (reports stay deterministic).
public struct RunMetadata: Sendable, Equatable {
    /// Wall-clock time the run was recorded, ISO 8601 in UTC (`2026-11-30T02:14:05Z`).
    public var createdAt: String?
    /// A label the user gave (`--label`).
    public var label: String?
    /// The sdsim version.
    public var version: String?
    /// The git commit of the source checkout sdsim was built from, when known.
    public var commit: String?
    /// The command line, arguments joined by spaces (quoted where needed).
    public var commandLine: String?
    /// What made the record: `run`, `spof`, `compare`, `sweep` or `size`.
    public var command: String

    /// Metadata.
    public init(createdAt: String? = nil, label: String? = nil, version: String? = nil, commit: String? = nil,
                commandLine: String? = nil, command: String = "run") {
        self.createdAt = createdAt; self.label = label; self.version = version; self.commit = commit
        self.commandLine = commandLine; self.command = command
    }
}

/// A SQLite database of run results: one row in `runs` per recorded run, one row in `analyses`
/// per analysis (`spof`, `compare`, `sweep`, `size`), with their rows in the other tables. Runs
/// and analyses share one sequence of ids, so an id names one record. The schema is documented
/// in docs/reference/results-database.md, versioned in `PRAGMA user_version` (now 4), created if
/// missing and migrated forward when an older database is opened. Each record is one
/// transaction: a run, or an analysis with its runs, is all there or not at all.
///
/// Tables:
/// - `runs(id, scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications, config,
///   created_at, label, sdsim_version, sdsim_commit, command_line, command, lesson, analysis_id)`;
///   `seed` holds the 64-bit pattern of the `UInt64` seed (seeds ≥ 2^63 read back negative).
/// - `workload_stats(run_id, workload, arrived, completed, failed, latency_mean, latency_ci_low,
///   latency_ci_high, p50, p90, p99, p999, max, out_of_range, latency_count)`; latencies in seconds.
/// - `component_stats(run_id, component, kind, group_name, is_group, workers, utilization, throughput,
///   queue_length_mean, wait_mean, response_mean, hit_ratio, arrived, completed, rejected)`;
///   `group_name` and `hit_ratio` are NULL where they do not apply.
/// - `figures(run_id, subject_kind, subject, name, value)`: every other figure.
/// - `expectations(run_id, expectation, value, passed)`.
/// - `series(run_id, subject_kind, subject, name, start, interval, idx, value)`: values over time.
/// - `replication_figures(run_id, replication, seed, subject_kind, subject, name, value)`: each
///   replication's own figures, for tests of significance between runs (`results diff`).
/// - `analyses(id, kind, scenario, scenario_file, seed, replications, config, created_at, label,
///   sdsim_version, sdsim_commit, command_line)` and `analysis_rows(analysis_id, section, row_index,
///   run_id, subject, name, value, text)`: see ResultsStore+Analysis.swift.
///
/// Not safe to share between threads; open one store per thread.
public final class ResultsStore {
    /// The path the store was opened with.
    public let path: String
    private var db: OpaquePointer?
    /// The open connection (nil once closed), for the store's extensions.
    var handle: OpaquePointer? { db }

    /// The schema version kept in `PRAGMA user_version`: 1 the first tables, 2 added `figures` and
    /// `expectations`, 3 added the run metadata columns, `series` and `analysis_rows`, 4 added
    /// `analyses` (spof, compare, sweep and size records, which replaced `spof_audits` and
    /// `spof_outcomes`), `runs.analysis_id`, the new `analysis_rows` and `replication_figures`.
    public static let schemaVersion = 4

    /// Columns versions 3 and 4 added to `runs`, with their types (added by ALTER TABLE when migrating).
    static let runColumnsAdded: [(String, String)] = [
        ("created_at", "TEXT"), ("label", "TEXT"), ("sdsim_version", "TEXT"), ("sdsim_commit", "TEXT"),
        ("command_line", "TEXT"), ("command", "TEXT NOT NULL DEFAULT 'run'"), ("lesson", "TEXT"),
        ("analysis_id", "INTEGER REFERENCES analyses(id) ON DELETE CASCADE"),
    ]

    static let schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY,
            scenario TEXT NOT NULL,
            scenario_file TEXT NOT NULL,
            seed INTEGER NOT NULL,
            simulated_seconds REAL NOT NULL,
            warmup_seconds REAL NOT NULL,
            events INTEGER NOT NULL,
            replications INTEGER NOT NULL,
            config TEXT,
            created_at TEXT,
            label TEXT,
            sdsim_version TEXT,
            sdsim_commit TEXT,
            command_line TEXT,
            command TEXT NOT NULL DEFAULT 'run',
            lesson TEXT,
            analysis_id INTEGER REFERENCES analyses(id) ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS runs_analysis ON runs(analysis_id);
        CREATE TABLE IF NOT EXISTS workload_stats (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            workload TEXT NOT NULL,
            arrived INTEGER NOT NULL,
            completed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            latency_mean REAL,
            latency_ci_low REAL,
            latency_ci_high REAL,
            p50 REAL,
            p90 REAL,
            p99 REAL,
            p999 REAL,
            max REAL,
            out_of_range INTEGER NOT NULL,
            latency_count INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS workload_stats_run ON workload_stats(run_id);
        CREATE TABLE IF NOT EXISTS component_stats (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            component TEXT NOT NULL,
            kind TEXT NOT NULL,
            group_name TEXT,
            is_group INTEGER NOT NULL,
            workers INTEGER NOT NULL,
            utilization REAL,
            throughput REAL,
            queue_length_mean REAL,
            wait_mean REAL,
            response_mean REAL,
            hit_ratio REAL,
            arrived INTEGER NOT NULL,
            completed INTEGER NOT NULL,
            rejected INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS component_stats_run ON component_stats(run_id);
        CREATE TABLE IF NOT EXISTS figures (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            subject_kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL
        );
        CREATE INDEX IF NOT EXISTS figures_run ON figures(run_id);
        CREATE TABLE IF NOT EXISTS expectations (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            expectation TEXT NOT NULL,
            value REAL,
            passed INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS series (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            subject_kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            start REAL NOT NULL,
            interval REAL NOT NULL,
            idx INTEGER NOT NULL,
            value REAL
        );
        CREATE INDEX IF NOT EXISTS series_run ON series(run_id);
        CREATE TABLE IF NOT EXISTS replication_figures (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            replication INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            subject_kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL
        );
        CREATE INDEX IF NOT EXISTS replication_figures_run ON replication_figures(run_id);
        """ + analysisSchema

    /// Opens (creating if needed) the database at `path` and creates any missing table.
    /// The parent directory must exist. Throws a `ReportError` if the file cannot be opened
    /// or is not a SQLite database.
    public init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw ReportError("results database '\(path)': \(message)")
        }
        do {
            if sqlite3_db_readonly(handle, "main") == 1 {
                throw ReportError("results database '\(path)': the file cannot be written (read-only)")
            }
            sqlite3_extended_result_codes(handle, 1)
            sqlite3_busy_timeout(handle, 60_000)
            try ResultsStore.exec(handle, path, "PRAGMA foreign_keys = ON")
            try ResultsStore.exec(handle, path, "BEGIN IMMEDIATE")
            do {
                try ResultsStore.migrate(handle, path)
                try ResultsStore.exec(handle, path, ResultsStore.schema)
                try ResultsStore.convertSpofAudits(handle, path)
                try ResultsStore.exec(handle, path, "PRAGMA user_version = \(ResultsStore.schemaVersion)")
                try ResultsStore.exec(handle, path, "COMMIT")
            } catch {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
                throw error
            }
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
        db = handle
    }

    deinit { close() }

    /// Brings an older database up to this schema inside the opening transaction: adds the
    /// columns later versions gave `runs`, sets aside version 3's `analysis_rows` (the new tables
    /// come from `CREATE TABLE IF NOT EXISTS`; `convertSpofAudits` then moves version 2 and 3's
    /// spof audits into `analyses`). A database from a newer sdsim is refused rather than changed.
    static func migrate(_ db: OpaquePointer, _ path: String) throws {
        let version = try Int(scalar(db, path, "PRAGMA user_version") ?? "0") ?? 0
        if version > schemaVersion {
            throw ReportError("results database '\(path)': written by a newer sdsim (schema version \(version)); "
                              + "this sdsim reads versions up to \(schemaVersion)")
        }
        guard try tableExists(db, path, "runs") else { return }
        let existing = try columns(db, path, "runs")
        for (column, type) in runColumnsAdded where !existing.contains(column) {
            try exec(db, path, "ALTER TABLE runs ADD COLUMN \(column) \(type)")
        }
        // Version 3's analysis_rows (keyed by run_id) was never written by sdsim; an empty one is
        // dropped, one that holds rows is kept as analysis_rows_v3.
        if try tableExists(db, path, "analysis_rows"), try columns(db, path, "analysis_rows").contains("run_id"),
           !(try columns(db, path, "analysis_rows").contains("analysis_id")) {
            if try scalar(db, path, "SELECT count(*) FROM analysis_rows") == "0" {
                try exec(db, path, "DROP TABLE analysis_rows")
            } else {
                try exec(db, path, "ALTER TABLE analysis_rows RENAME TO analysis_rows_v3")
            }
        }
        // spof_audits (written by `sdsim spof` since version 2) gained the metadata columns in 3.
        guard try tableExists(db, path, "spof_audits") else { return }
        let audits = try columns(db, path, "spof_audits")
        for column in ["created_at", "label", "sdsim_version", "sdsim_commit", "command_line"] where !audits.contains(column) {
            try exec(db, path, "ALTER TABLE spof_audits ADD COLUMN \(column) TEXT")
        }
    }

    static func tableExists(_ db: OpaquePointer, _ path: String, _ table: String) throws -> Bool {
        let s = try Statement(db, path, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        try s.bind(1, table)
        return try s.next()
    }

    /// The names of `table`'s columns.
    static func columns(_ db: OpaquePointer, _ path: String, _ table: String) throws -> Set<String> {
        var names: Set<String> = []
        let info = try Statement(db, path, "PRAGMA table_info(\(table))")
        while try info.next() { names.insert(info.text(1) ?? "") }
        return names
    }

    /// The first column of the first row of `sql` as text (nil: no row or NULL).
    static func scalar(_ db: OpaquePointer, _ path: String, _ sql: String) throws -> String? {
        let s = try Statement(db, path, sql)
        return try s.next() ? s.text(0) : nil
    }

    /// Closes the database. Further `record` calls throw. Closing twice does nothing.
    public func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// A setting a run ran under: a sweep point's swept value, a compared system's name, a size
    /// candidate's value.
    public typealias Setting = (path: String, value: String, number: Double?)

    /// Stores `r` as a new run and returns its id. `scenarioFile` is the path the scenario was
    /// read from; `configText`, when given, is kept verbatim (for example the scenario's YAML).
    /// All rows go in one transaction: on any error nothing of the run is left in the database.
    @discardableResult
    public func record(_ r: RunResult, scenarioFile: String, configText: String? = nil,
                       settings: [Setting] = [], metadata: RunMetadata = RunMetadata()) throws -> Int64 {
        try transaction { db in
            try insertRun(db, r, scenarioFile: scenarioFile, configText: configText, settings: settings, metadata: metadata,
                          analysis: nil)
        }
    }

    /// Runs `body` in one immediate transaction: on any error nothing it wrote is left.
    func transaction<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let db else { throw ReportError("results database '\(path)': the database is closed") }
        try ResultsStore.exec(db, path, "BEGIN IMMEDIATE")
        do {
            let id = try body(db)
            try ResultsStore.exec(db, path, "COMMIT")
            return id
        } catch {
            // Undo whatever part of the run went in. If COMMIT itself failed, SQLite may already
            // have rolled back; a second ROLLBACK then fails harmlessly.
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// The next free id of a record: runs and analyses share one sequence, so that an id names
    /// one record (`sdsim results show ID`). Called inside the record's immediate transaction.
    static func nextID(_ db: OpaquePointer, _ path: String) throws -> Int64 {
        let s = try Statement(db, path, """
            SELECT coalesce(max(m), 0) + 1 FROM (SELECT max(id) AS m FROM runs UNION ALL SELECT max(id) FROM analyses)
            """)
        guard try s.next() else { throw ResultsStore.error(db, path) }
        return s.int(0)
    }

    /// Inserts run `r` with all its rows, its settings and its link to `analysis`; returns its id.
    func insertRun(_ db: OpaquePointer, _ r: RunResult, scenarioFile: String, configText: String?, settings: [Setting],
                   metadata m: RunMetadata, analysis: Int64?) throws -> Int64 {
        let id = try ResultsStore.nextID(db, path)
        let run = try Statement(db, path, """
            INSERT INTO runs (scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events,
                              replications, config, created_at, label, sdsim_version, sdsim_commit,
                              command_line, command, lesson, analysis_id, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try run.bind(1, r.scenario)
        try run.bind(2, scenarioFile)
        try run.bind(3, Int64(bitPattern: r.seed))
        try run.bind(4, r.simulatedSeconds)
        try run.bind(5, r.warmupSeconds)
        try run.bind(6, Int64(r.events))
        try run.bind(7, Int64(r.replications))
        try run.bind(8, configText)
        try run.bind(9, m.createdAt)
        try run.bind(10, m.label)
        try run.bind(11, m.version)
        try run.bind(12, m.commit)
        try run.bind(13, m.commandLine)
        try run.bind(14, m.command)
        try run.bind(15, r.lesson)
        if let analysis { try run.bind(16, analysis) } else { try run.bind(16, nil as String?) }
        try run.bind(17, id)
        try run.step()
        try insert(db, id, r)
        // The settings a run ran under (a sweep point's swept values, a compared variant's
        // name): each a row of `figures` with `subject_kind` `setting`, `subject` the path,
        // `name` the value as written and `value` its number (NULL when it has none).
        if !settings.isEmpty {
            let row = try Statement(db, path, "INSERT INTO figures (run_id, subject_kind, subject, name, value) VALUES (?, 'setting', ?, ?, ?)")
            for s in settings {
                try row.reset()
                try row.bind(1, id)
                try row.bind(2, s.path)
                try row.bind(3, s.value)
                try row.bind(4, s.number)
                try row.step()
            }
        }
        return id
    }

    private func insert(_ db: OpaquePointer, _ id: Int64, _ r: RunResult) throws {

        let workload = try Statement(db, path, """
            INSERT INTO workload_stats (run_id, workload, arrived, completed, failed, latency_mean,
                latency_ci_low, latency_ci_high, p50, p90, p99, p999, max, out_of_range, latency_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for w in r.workloads {
            let l = w.latency
            try workload.reset()
            try workload.bind(1, id)
            try workload.bind(2, w.name)
            try workload.bind(3, Int64(w.arrived))
            try workload.bind(4, Int64(w.completed))
            try workload.bind(5, Int64(w.failed))
            try workload.bind(6, l.mean)
            try workload.bind(7, l.meanCI95.low)
            try workload.bind(8, l.meanCI95.high)
            try workload.bind(9, l.p50)
            try workload.bind(10, l.p90)
            try workload.bind(11, l.p99)
            try workload.bind(12, l.p999)
            try workload.bind(13, l.max)
            try workload.bind(14, Int64(l.outOfRange))
            try workload.bind(15, Int64(l.count))
            try workload.step()
        }

        let component = try Statement(db, path, """
            INSERT INTO component_stats (run_id, component, kind, group_name, is_group, workers, utilization,
                throughput, queue_length_mean, wait_mean, response_mean, hit_ratio, arrived, completed, rejected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for c in r.components {
            try component.reset()
            try component.bind(1, id)
            try component.bind(2, c.name)
            try component.bind(3, c.kind)
            try component.bind(4, c.group)
            try component.bind(5, Int64(c.isGroup ? 1 : 0))
            try component.bind(6, Int64(c.workers))
            try component.bind(7, c.utilization)
            try component.bind(8, c.throughput)
            try component.bind(9, c.queueLengthMean)
            try component.bind(10, c.waitMean)
            try component.bind(11, c.responseMean)
            try component.bind(12, c.hitRatio)
            try component.bind(13, Int64(c.arrived))
            try component.bind(14, Int64(c.completed))
            try component.bind(15, Int64(c.rejected))
            try component.step()
        }

        let figure = try Statement(db, path, "INSERT INTO figures (run_id, subject_kind, subject, name, value) VALUES (?, ?, ?, ?, ?)")
        for (kind, subject, name, value) in ResultsStore.figures(of: r) {
            try figure.reset()
            try figure.bind(1, id)
            try figure.bind(2, kind)
            try figure.bind(3, subject)
            try figure.bind(4, name)
            try figure.bind(5, value)
            try figure.step()
        }

        let expectation = try Statement(db, path, "INSERT INTO expectations (run_id, expectation, value, passed) VALUES (?, ?, ?, ?)")
        for o in r.expectations {
            try expectation.reset()
            try expectation.bind(1, id)
            try expectation.bind(2, o.expectation.text)
            try expectation.bind(3, o.value)
            try expectation.bind(4, Int64(o.passed ? 1 : 0))
            try expectation.step()
        }

        let series = try Statement(db, path, """
            INSERT INTO series (run_id, subject_kind, subject, name, start, interval, idx, value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (kind, subject, s) in ResultsStore.series(of: r) {
            for (i, v) in s.values.enumerated() {
                try series.reset()
                try series.bind(1, id)
                try series.bind(2, kind)
                try series.bind(3, subject)
                try series.bind(4, s.name)
                try series.bind(5, s.start)
                try series.bind(6, s.interval)
                try series.bind(7, Int64(i))
                try series.bind(8, v)
                try series.step()
            }
        }

        let replication = try Statement(db, path, """
            INSERT INTO replication_figures (run_id, replication, seed, subject_kind, subject, name, value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, rep) in ReplicationFigures.of(r).enumerated() {
            for f in rep.figures {
                try replication.reset()
                try replication.bind(1, id)
                try replication.bind(2, Int64(i))
                try replication.bind(3, Int64(bitPattern: rep.seed))
                try replication.bind(4, f.kind)
                try replication.bind(5, f.subject)
                try replication.bind(6, f.name)
                try replication.bind(7, f.value)
                try replication.step()
            }
        }
    }

    /// Every series of a run as (subject kind, subject, series): per workload the finished
    /// requests per slice (`completed`, `failed`) and its figures over time, then per component.
    static func series(of r: RunResult) -> [(String, String, Series)] {
        var out: [(String, String, Series)] = []
        for w in r.workloads where !w.slices.isEmpty {
            out.append(("workload", w.name, Series(name: "completed", start: w.sliceStart, interval: w.sliceSeconds,
                                                   values: w.slices.map { Double($0.completed) })))
            out.append(("workload", w.name, Series(name: "failed", start: w.sliceStart, interval: w.sliceSeconds,
                                                   values: w.slices.map { Double($0.failed) })))
            for s in w.series { out.append(("workload", w.name, s)) }
            if let b = w.backlog { out.append(("workload", w.name, b)) }
        }
        for c in r.components { for s in c.series { out.append(("component", c.name, s)) } }
        return out
    }

    /// Every figure of a run beyond the fixed columns, as (subject kind, subject, name, value) rows
    /// in report order: `partial` (1, only for a run stopped early), workload outcomes and availability, per-kind component figures and shares,
    /// machines and their cost.
    static func figures(of r: RunResult) -> [(String, String, String, Double?)] {
        var rows: [(String, String, String, Double?)] = []
        // A run stopped early at its memory budget: its figures cover only `simulated_seconds`.
        if r.stoppedEarly != nil { rows.append(("run", r.scenario, "partial", 1)) }
        for w in r.workloads {
            rows.append(("workload", w.name, "availability", w.availability))
            rows.append(("workload", w.name, "retries", Double(w.retries)))
            rows.append(("workload", w.name, "late_replies", Double(w.lateReplies)))
            rows.append(("workload", w.name, "bytes", w.bytes))
            for f in w.failedBy { rows.append(("workload", w.name, "failed_by." + f.reason, Double(f.count))) }
            for t in w.arrivedByType { rows.append(("workload", w.name, "arrived_by_type." + t.type, Double(t.count))) }
            for t in w.arrivedByRegion { rows.append(("workload", w.name, "arrived_by_region." + t.region, Double(t.count))) }
            if let a = w.availabilityTheory { rows.append(("workload", w.name, "availability_theory", a)) }
        }
        if let p = r.population {
            rows.append(("population", "population", "users", Double(p.users)))
            rows.append(("population", "population", "daily_active_users", p.dailyActiveUsers))
            rows.append(("population", "population", "reads", Double(p.reads)))
            rows.append(("population", "population", "writes", Double(p.writes)))
            if let t = p.readToWriteTheory { rows.append(("population", "population", "read_to_write_theory", t)) }
        }
        for c in r.components {
            for s in c.targetShares { rows.append(("component", c.name, "share." + s.name, s.share)) }
            if let k = c.keysMovedOnAdd { rows.append(("component", c.name, "keys_moved_on_add", k)) }
            for e in c.extra { rows.append(("component", c.name, e.name, e.value)) }
        }
        for m in r.machines {
            rows.append(("machine", m.name, "cores", Double(m.cores)))
            rows.append(("machine", m.name, "utilization", m.utilization))
            rows.append(("machine", m.name, "cost_per_hour", m.costPerHour))
        }
        if let v = r.stability {
            rows.append(("run", r.scenario, "steady_state", v.steady ? 1 : 0))
            rows.append(("run", r.scenario, "in_flight_fraction", v.inFlightFraction))
            if let g = v.backlogGrowthPerSecond { rows.append(("run", r.scenario, "backlog_growth_per_second", g)) }
            for o in v.overloaded { rows.append(("overloaded", o.name, "offered_load", o.load)) }
        }
        if let b = r.bottleneck {
            // The bottleneck (or, below the threshold, only the busiest row) is a subject with a flag.
            if let name = b.bottleneck { rows.append(("bottleneck", name, "is_bottleneck", 1)) }
            if let name = b.busiest { rows.append(("bottleneck", name, "is_busiest", 1)) }
            rows.append(("run", r.scenario, "throughput", b.throughput))
            rows.append(("run", r.scenario, "throughput_ceiling", b.ceiling.isFinite ? b.ceiling : nil))
            rows.append(("run", r.scenario, "headroom", b.headroom.isFinite ? b.headroom : nil))
            rows.append(("run", r.scenario, "max_demand", b.maxDemand))
            for row in b.rows {
                rows.append(("load", row.name, "demand", row.demand.isFinite ? row.demand : nil))
                rows.append(("load", row.name, "offered_load", row.offeredLoad.isFinite ? row.offeredLoad : nil))
                rows.append(("load", row.name, "servers", Double(row.servers)))
                if let v = row.visits { rows.append(("load", row.name, "visits", v)) }
                if let u = row.utilization { rows.append(("load", row.name, "utilization", u)) }
            }
        }
        return rows
    }

    /// Whether foreign keys are enforced on this store's connection (for tests).
    var foreignKeysEnabled: Bool {
        guard let db else { return false }
        var stmt: OpaquePointer?
        defer { sqlite3_finalize(stmt) }
        guard sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &stmt, nil) == SQLITE_OK,
              sqlite3_step(stmt) == SQLITE_ROW else { return false }
        return sqlite3_column_int(stmt, 0) == 1
    }

    static func error(_ db: OpaquePointer, _ path: String) -> ReportError {
        ReportError("results database '\(path)': \(String(cString: sqlite3_errmsg(db)))")
    }

    static func exec(_ db: OpaquePointer, _ path: String, _ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw ReportError("results database '\(path)': \(text)")
        }
    }
}

/// A prepared statement, finalized when it goes away. Values are always bound, never spliced into SQL.
final class Statement {
    let db: OpaquePointer
    let path: String
    let stmt: OpaquePointer

    init(_ db: OpaquePointer, _ path: String, _ sql: String) throws {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
            sqlite3_finalize(s)
            throw ResultsStore.error(db, path)
        }
        self.db = db; self.path = path; self.stmt = s
    }

    deinit { sqlite3_finalize(stmt) }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw ResultsStore.error(db, path) }
    }

    func bind(_ i: Int32, _ v: Int64) throws { try check(sqlite3_bind_int64(stmt, i, v)) }

    /// Binds a double; NaN is stored as NULL (SQLite's own rule, made explicit).
    func bind(_ i: Int32, _ v: Double) throws {
        try check(v.isNaN ? sqlite3_bind_null(stmt, i) : sqlite3_bind_double(stmt, i, v))
    }

    func bind(_ i: Int32, _ v: Double?) throws {
        if let v { try bind(i, v) } else { try check(sqlite3_bind_null(stmt, i)) }
    }

    func bind(_ i: Int32, _ v: String) throws {
        // An explicit byte length keeps any embedded NUL characters.
        try check(sqlite3_bind_text(stmt, i, v, Int32(v.utf8.count), sdsim_sqlite_transient()))
    }

    func bind(_ i: Int32, _ v: String?) throws {
        if let v { try bind(i, v) } else { try check(sqlite3_bind_null(stmt, i)) }
    }

    func reset() throws {
        sqlite3_reset(stmt)
        try check(sqlite3_clear_bindings(stmt))
    }

    func step() throws {
        guard sqlite3_step(stmt) == SQLITE_DONE else { throw ResultsStore.error(db, path) }
    }

    /// Steps to the next result row: true when there is one.
    func next() throws -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw ResultsStore.error(db, path)
        }
    }

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    func text(_ i: Int32) -> String? {
        guard !isNull(i), let p = sqlite3_column_text(stmt, i) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i))), as: UTF8.self)
    }
    func double(_ i: Int32) -> Double? { isNull(i) ? nil : sqlite3_column_double(stmt, i) }
    func int(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
}
