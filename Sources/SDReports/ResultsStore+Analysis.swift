import CSQLite
import SDModels
import SDConfig
import SDAnalysis

/// One row of an analysis's tables as stored in `analysis_rows`: row `index` of table `section`
/// is about `subject` (a figure, an outage, a point, a candidate) and, when `run` is set, about
/// the analysis's run at that position (a compared system, a sweep point, a size candidate);
/// each of its figures is a (name, number) or (name, text) pair.
public struct AnalysisRow: Sendable, Equatable {
    /// The table of the analysis the row belongs to (`figures`, `outcomes`, `knee`, …).
    public var section: String
    /// Position of the row in its table, from 0.
    public var index: Int
    /// What the row is about.
    public var subject: String
    /// The position, in the analysis's runs, of the run the row is about (nil: none).
    public var run: Int?
    /// Named figures, in report order.
    public var values: [(name: String, value: Double?, text: String?)]

    /// A row.
    public init(section: String, index: Int, subject: String, run: Int? = nil,
                values: [(name: String, value: Double?, text: String?)]) {
        self.section = section; self.index = index; self.subject = subject; self.run = run; self.values = values
    }

    public static func == (a: AnalysisRow, b: AnalysisRow) -> Bool {
        a.section == b.section && a.index == b.index && a.subject == b.subject && a.run == b.run
            && a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { $0.name == $1.name && $0.value == $1.value && $0.text == $1.text }
    }
}

/// A run an analysis made, to store with it.
public struct AnalysisRun: Sendable {
    /// The result (replications combined, with each replication's figures).
    public var result: RunResult
    /// The scenario file and its text.
    public var scenarioFile: String, configText: String?
    /// What the run ran under (`system=NAME`, a swept value, a candidate's value).
    public var settings: [ResultsStore.Setting]

    /// A run.
    public init(result: RunResult, scenarioFile: String, configText: String?, settings: [ResultsStore.Setting]) {
        self.result = result; self.scenarioFile = scenarioFile; self.configText = configText; self.settings = settings
    }
}

/// What `spof`, `compare`, `sweep` and `size` store: one row in `analyses`, the runs it made
/// (rows of `runs` with `analysis_id`) and its tables (rows of `analysis_rows`).
public struct AnalysisRecord: Sendable {
    /// `spof`, `compare`, `sweep` or `size`.
    public var kind: String
    /// The scenario's name and file (the first file of a compare of several), and its text.
    public var scenario: String, scenarioFile: String, configText: String?
    /// The seed the runs derive from (nil: not known).
    public var seed: UInt64?
    /// Replications of each run the analysis made.
    public var replications: Int
    /// The runs it made, in its report's order.
    public var runs: [AnalysisRun]
    /// Its tables' rows, table by table.
    public var rows: [AnalysisRow]

    /// A record.
    public init(kind: String, scenario: String, scenarioFile: String, configText: String?, seed: UInt64?, replications: Int,
                runs: [AnalysisRun], rows: [AnalysisRow]) {
        self.kind = kind; self.scenario = scenario; self.scenarioFile = scenarioFile; self.configText = configText
        self.seed = seed; self.replications = replications; self.runs = runs; self.rows = rows
    }

    /// The names of its tables, in the order their rows come.
    public var sections: [String] {
        var out: [String] = []
        for r in rows where !out.contains(r.section) { out.append(r.section) }
        return out
    }
}

/// Analyses in the database (schema version 4):
///
/// - `analyses(id, kind, scenario, scenario_file, seed, replications, config, created_at, label,
///   sdsim_version, sdsim_commit, command_line)`: one row per `spof`, `compare`, `sweep` or `size`.
///   Its id comes from the sequence runs use, so no run has the same id.
/// - `runs.analysis_id`: the analysis a run was made by (NULL for `sdsim run`).
/// - `analysis_rows(analysis_id, section, row_index, run_id, subject, name, value, text)`: the
///   analysis's tables, long form: one line per figure of each row (`value` a number, `text` a
///   word); `run_id` the run the row is about. Each kind's tables are in docs/reference/results-database.md.
extension ResultsStore {
    static let analysisSchema = """
        CREATE TABLE IF NOT EXISTS analyses (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_file TEXT NOT NULL,
            seed INTEGER,
            replications INTEGER NOT NULL,
            config TEXT,
            created_at TEXT,
            label TEXT,
            sdsim_version TEXT,
            sdsim_commit TEXT,
            command_line TEXT
        );
        CREATE TABLE IF NOT EXISTS analysis_rows (
            analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            section TEXT NOT NULL,
            row_index INTEGER NOT NULL,
            run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            text TEXT
        );
        CREATE INDEX IF NOT EXISTS analysis_rows_analysis ON analysis_rows(analysis_id);
        """

    /// Stores an analysis, its runs and its rows in one transaction; returns the analysis's id
    /// and its runs' ids. The runs get `metadata` with `command` the analysis's kind.
    @discardableResult
    public func record(_ a: AnalysisRecord, metadata: RunMetadata) throws -> (analysis: Int64, runs: [Int64]) {
        var m = metadata
        m.command = a.kind
        return try transaction { db in
            let id = try ResultsStore.nextID(db, path)
            try ResultsStore.insertAnalysis(db, path, id: id, a, metadata: m)
            var runIDs: [Int64] = []
            for r in a.runs {
                runIDs.append(try insertRun(db, r.result, scenarioFile: r.scenarioFile, configText: r.configText,
                                            settings: r.settings, metadata: m, analysis: id))
            }
            try ResultsStore.insertRows(db, path, id, a.rows, runIDs: runIDs)
            return (id, runIDs)
        }
    }

    private static func insertAnalysis(_ db: OpaquePointer, _ path: String, id: Int64, _ a: AnalysisRecord, metadata m: RunMetadata) throws {
        let s = try Statement(db, path, """
            INSERT INTO analyses (id, kind, scenario, scenario_file, seed, replications, config, created_at, label,
                                  sdsim_version, sdsim_commit, command_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try s.bind(1, id)
        try s.bind(2, a.kind)
        try s.bind(3, a.scenario)
        try s.bind(4, a.scenarioFile)
        if let seed = a.seed { try s.bind(5, Int64(bitPattern: seed)) } else { try s.bind(5, nil as String?) }
        try s.bind(6, Int64(a.replications))
        try s.bind(7, a.configText)
        try s.bind(8, m.createdAt)
        try s.bind(9, m.label)
        try s.bind(10, m.version)
        try s.bind(11, m.commit)
        try s.bind(12, m.commandLine)
        try s.step()
    }

    private static func insertRows(_ db: OpaquePointer, _ path: String, _ id: Int64, _ rows: [AnalysisRow], runIDs: [Int64]) throws {
        let s = try Statement(db, path, """
            INSERT INTO analysis_rows (analysis_id, section, row_index, run_id, subject, name, value, text)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in rows {
            for v in r.values {
                try s.reset()
                try s.bind(1, id)
                try s.bind(2, r.section)
                try s.bind(3, Int64(r.index))
                if let k = r.run, runIDs.indices.contains(k) { try s.bind(4, runIDs[k]) } else { try s.bind(4, nil as String?) }
                try s.bind(5, r.subject)
                try s.bind(6, v.name)
                try s.bind(7, v.value)
                try s.bind(8, v.text)
                try s.step()
            }
        }
    }

    /// Moves the spof audits of schema versions 2 and 3 (`spof_audits`, `spof_outcomes`) into
    /// `analyses` and `analysis_rows`, as `sdsim spof` now stores them, and drops the old tables.
    /// Each audit gets a new id from the shared sequence (the old audit ids overlapped run ids).
    /// Runs inside the opening transaction, after the new tables exist.
    static func convertSpofAudits(_ db: OpaquePointer, _ path: String) throws {
        guard try tableExists(db, path, "spof_audits") else { return }
        let audits = try Statement(db, path, """
            SELECT id, scenario, scenario_file, slo_availability, slo_p99, slo_given, failures_removed, window_start,
                   window_end, baseline_meets_slo, stopped, spofs, created_at, label, sdsim_version, sdsim_commit,
                   command_line
            FROM spof_audits ORDER BY id
            """)
        struct Old { var id: Int64; var record: AnalysisRecord; var metadata: RunMetadata }
        var old: [Old] = []
        while try audits.next() {
            let audit = AnalysisRow(section: "audit", index: 0, subject: audits.text(1) ?? "", values: [
                ("slo_availability", audits.double(3), nil), ("slo_p99", audits.double(4), nil),
                ("slo_given", audits.double(5), nil), ("failures_removed", audits.double(6), nil),
                ("window_start", audits.double(7), nil), ("window_end", audits.double(8), nil),
                ("baseline_meets_slo", audits.double(9), nil), ("stopped", audits.double(10), nil),
                ("spofs", nil, audits.text(11) ?? ""),
            ])
            old.append(Old(id: audits.int(0),
                           record: AnalysisRecord(kind: "spof", scenario: audits.text(1) ?? "", scenarioFile: audits.text(2) ?? "",
                                                  configText: nil, seed: nil, replications: 1, runs: [], rows: [audit]),
                           metadata: RunMetadata(createdAt: audits.text(12), label: audits.text(13), version: audits.text(14),
                                                 commit: audits.text(15), commandLine: audits.text(16), command: "spof")))
        }
        let outcomes = try Statement(db, path, """
            SELECT target, target_kind, crashed, workload, arrived, completed, failed, availability, p99, meets_slo, spof,
                   reason, fix
            FROM spof_outcomes WHERE audit_id = ? ORDER BY rowid
            """)
        for o in old {
            var record = o.record
            try outcomes.reset()
            try outcomes.bind(1, o.id)
            while try outcomes.next() {
                record.rows.append(SpofRows.outcome(
                    index: record.rows.count - 1, target: outcomes.text(0) ?? "", targetKind: outcomes.text(1) ?? "",
                    crashed: outcomes.text(2) ?? "", workload: outcomes.text(3) ?? "", arrived: outcomes.double(4),
                    completed: outcomes.double(5), failed: outcomes.double(6), availability: outcomes.double(7),
                    p99: outcomes.double(8), meetsSLO: outcomes.double(9), spof: outcomes.double(10),
                    reason: outcomes.text(11), fix: outcomes.text(12)))
            }
            let id = try nextID(db, path)
            try insertAnalysis(db, path, id: id, record, metadata: o.metadata)
            try insertRows(db, path, id, record.rows, runIDs: [])
        }
        try exec(db, path, "DROP TABLE spof_outcomes")
        try exec(db, path, "DROP TABLE spof_audits")
    }
}
