import CSQLite
import SDModels
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

/// A SQLite database of run results, one row in `runs` per recorded run, with its workload and
/// component rows in `workload_stats` and `component_stats` (in the order of the `RunResult`
/// arrays). The schema is created if missing; nothing in it depends on the wall clock.
///
/// Tables:
/// - `runs(id, scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications, config)`;
///   `seed` holds the 64-bit pattern of the `UInt64` seed (seeds ≥ 2^63 read back negative).
/// - `workload_stats(run_id, workload, arrived, completed, failed, latency_mean, latency_ci_low,
///   latency_ci_high, p50, p90, p99, p999, max, out_of_range, latency_count)`; latencies in seconds.
/// - `component_stats(run_id, component, kind, group_name, is_group, workers, utilization, throughput,
///   queue_length_mean, wait_mean, response_mean, hit_ratio, arrived, completed, rejected)`;
///   `group_name` and `hit_ratio` are NULL where they do not apply.
///
/// Not safe to share between threads; open one store per thread.
public final class ResultsStore {
    /// The path the store was opened with.
    public let path: String
    private var db: OpaquePointer?
    /// The open connection (nil once closed), for the store's extensions.
    var handle: OpaquePointer? { db }

    /// The schema version kept in `PRAGMA user_version`.
    static let schemaVersion = 2

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
            config TEXT
        );
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
        """

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
            sqlite3_busy_timeout(handle, 5_000)
            try ResultsStore.exec(handle, path, "PRAGMA foreign_keys = ON")
            try ResultsStore.exec(handle, path, "BEGIN IMMEDIATE")
            do {
                try ResultsStore.exec(handle, path, ResultsStore.schema)
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

    /// Closes the database. Further `record` calls throw. Closing twice does nothing.
    public func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// Stores `r` as a new run and returns its id. `scenarioFile` is the path the scenario was
    /// read from; `configText`, when given, is kept verbatim (for example the scenario's YAML).
    /// All rows go in one transaction: on any error nothing of the run is left in the database.
    @discardableResult
    public func record(_ r: RunResult, scenarioFile: String, configText: String? = nil) throws -> Int64 {
        try record(r, scenarioFile: scenarioFile, configText: configText, settings: [])
    }

    /// Stores `r` like ``record(_:scenarioFile:configText:)``, with the settings it ran under (a
    /// sweep point's swept values, a compared variant's name): each is a row of `figures` with
    /// `subject_kind` `setting`, `subject` the path, `name` the value as written and `value` its
    /// number (NULL when it has none).
    @discardableResult
    public func record(_ r: RunResult, scenarioFile: String, configText: String?,
                       settings: [(path: String, value: String, number: Double?)]) throws -> Int64 {
        guard let db else { throw ReportError("results database '\(path)': the database is closed") }
        try ResultsStore.exec(db, path, "BEGIN IMMEDIATE")
        do {
            let id = try insert(db, r, scenarioFile: scenarioFile, configText: configText)
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
            try ResultsStore.exec(db, path, "COMMIT")
            return id
        } catch {
            // Undo whatever part of the run went in. If COMMIT itself failed, SQLite may already
            // have rolled back; a second ROLLBACK then fails harmlessly.
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    private func insert(_ db: OpaquePointer, _ r: RunResult, scenarioFile: String, configText: String?) throws -> Int64 {
        let run = try Statement(db, path, """
            INSERT INTO runs (scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events,
                              replications, config)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try run.bind(1, r.scenario)
        try run.bind(2, scenarioFile)
        try run.bind(3, Int64(bitPattern: r.seed))
        try run.bind(4, r.simulatedSeconds)
        try run.bind(5, r.warmupSeconds)
        try run.bind(6, Int64(r.events))
        try run.bind(7, Int64(r.replications))
        try run.bind(8, configText)
        try run.step()
        let id = sqlite3_last_insert_rowid(db)

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
        return id
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
            if let a = w.availabilityTheory { rows.append(("workload", w.name, "availability_theory", a)) }
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
}
