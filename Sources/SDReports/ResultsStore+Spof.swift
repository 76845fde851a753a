import CSQLite
import SDModels
import SDConfig
import SDAnalysis

/// `sdsim spof` results in the database: one row in `spof_audits` per audit, and one row in
/// `spof_outcomes` per (thing taken down, workload), the baseline first with `target_kind = 'baseline'`.
///
/// - `spof_audits(id, scenario, scenario_file, slo_availability, slo_p99, slo_given, failures_removed,
///   window_start, window_end, baseline_meets_slo, stopped, spofs, created_at, label, sdsim_version,
///   sdsim_commit, command_line)`; `spofs` lists the single points of failure, comma-separated; the
///   last five as in `runs` (schema version 3).
/// - `spof_outcomes(audit_id, target, target_kind, crashed, workload, arrived, completed, failed,
///   availability, p99, meets_slo, spof, reason, fix)`; `spof` is 1 on every row of a target that
///   is a single point of failure.
extension ResultsStore {
    static let spofSchema = """
        CREATE TABLE IF NOT EXISTS spof_audits (
            id INTEGER PRIMARY KEY,
            scenario TEXT NOT NULL,
            scenario_file TEXT NOT NULL,
            slo_availability REAL,
            slo_p99 REAL,
            slo_given INTEGER NOT NULL,
            failures_removed INTEGER NOT NULL,
            window_start REAL NOT NULL,
            window_end REAL NOT NULL,
            baseline_meets_slo INTEGER NOT NULL,
            stopped INTEGER NOT NULL,
            spofs TEXT NOT NULL,
            created_at TEXT,
            label TEXT,
            sdsim_version TEXT,
            sdsim_commit TEXT,
            command_line TEXT
        );
        CREATE TABLE IF NOT EXISTS spof_outcomes (
            audit_id INTEGER NOT NULL REFERENCES spof_audits(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            crashed TEXT NOT NULL,
            workload TEXT NOT NULL,
            arrived INTEGER NOT NULL,
            completed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            availability REAL NOT NULL,
            p99 REAL,
            meets_slo INTEGER NOT NULL,
            spof INTEGER NOT NULL,
            reason TEXT,
            fix TEXT
        );
        CREATE INDEX IF NOT EXISTS spof_outcomes_audit ON spof_outcomes(audit_id);
        """

    /// Stores an audit in one transaction and returns its id.
    @discardableResult
    public func record(_ a: SpofAuditResult, scenarioFile: String, metadata m: RunMetadata = RunMetadata(command: "spof")) throws -> Int64 {
        guard let db = handle else { throw ReportError("results database '\(path)': the database is closed") }
        try ResultsStore.exec(db, path, "BEGIN IMMEDIATE")
        do {
            try ResultsStore.exec(db, path, ResultsStore.spofSchema)
            let audit = try Statement(db, path, """
                INSERT INTO spof_audits (scenario, scenario_file, slo_availability, slo_p99, slo_given, failures_removed,
                    window_start, window_end, baseline_meets_slo, stopped, spofs, created_at, label, sdsim_version,
                    sdsim_commit, command_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try audit.bind(1, a.scenario)
            try audit.bind(2, scenarioFile)
            try audit.bind(3, a.slo.availability)
            try audit.bind(4, a.slo.p99)
            try audit.bind(5, Int64(a.sloGiven ? 1 : 0))
            try audit.bind(6, Int64(a.failuresRemoved))
            try audit.bind(7, a.window.start)
            try audit.bind(8, a.window.end)
            try audit.bind(9, Int64(a.baseline.meetsSLO ? 1 : 0))
            try audit.bind(10, Int64(a.stopped ? 1 : 0))
            try audit.bind(11, a.singlePointsOfFailure.joined(separator: ","))
            try audit.bind(12, m.createdAt)
            try audit.bind(13, m.label)
            try audit.bind(14, m.version)
            try audit.bind(15, m.commit)
            try audit.bind(16, m.commandLine)
            try audit.step()
            let id = sqlite3_last_insert_rowid(db)
            let row = try Statement(db, path, """
                INSERT INTO spof_outcomes (audit_id, target, target_kind, crashed, workload, arrived, completed, failed,
                    availability, p99, meets_slo, spof, reason, fix)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            func insert(_ target: String, _ kind: String, _ crashed: String, _ w: SpofWorkloadOutcome, spof: Bool,
                        reason: String?, fix: String?) throws {
                try row.reset()
                try row.bind(1, id)
                try row.bind(2, target)
                try row.bind(3, kind)
                try row.bind(4, crashed)
                try row.bind(5, w.workload)
                try row.bind(6, Int64(w.arrived))
                try row.bind(7, Int64(w.completed))
                try row.bind(8, Int64(w.failed))
                try row.bind(9, w.availability)
                try row.bind(10, w.p99.isNaN ? nil : w.p99)
                try row.bind(11, Int64(w.meetsSLO ? 1 : 0))
                try row.bind(12, Int64(spof ? 1 : 0))
                try row.bind(13, reason)
                try row.bind(14, fix)
                try row.step()
            }
            for w in a.baseline.workloads { try insert("baseline", "baseline", "", w, spof: false, reason: nil, fix: nil) }
            for r in a.rows {
                for w in r.workloads { try insert(r.target, r.targetKind, r.crashed, w, spof: !r.meetsSLO, reason: r.reason, fix: r.fix) }
            }
            try ResultsStore.exec(db, path, "COMMIT")
            return id
        } catch {
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }
}
