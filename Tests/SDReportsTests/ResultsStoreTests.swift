import CSQLite
import Foundation
import SDModels
import SDMetrics
import XCTest
@testable import SDReports
import SDConfig
import SDAnalysis

final class ResultsStoreTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("sdreports-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private var dbPath: String { dir + "/results.db" }

    /// Runs `sql` on a separate connection and returns every row as text (nil for NULL).
    private func query(_ sql: String, path: String? = nil) throws -> [[String?]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path ?? dbPath, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw ReportError("open failed")
        }
        defer { sqlite3_close_v2(db) }
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw ReportError(String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(stmt) }
        var rows: [[String?]] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw ReportError(String(cString: sqlite3_errmsg(db))) }
            rows.append((0..<sqlite3_column_count(stmt)).map { i in
                sqlite3_column_text(stmt, i).map { String(cString: $0) }
            })
        }
        return rows
    }

    private func count(_ table: String) throws -> Int {
        Int(try query("SELECT count(*) FROM \(table)")[0][0]!)!
    }

    func testRecordTwoRunsReopenAndRead() throws {
        var second = Fixtures.threeTier()
        second.seed = 8
        second.scenario = "it's \"quoted\"'); DROP TABLE runs; --"
        do {
            let store = try ResultsStore(path: dbPath)
            XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "scenarios/three-tier.yaml"), 1)
            XCTAssertEqual(try store.record(second, scenarioFile: "s.yaml", configText: "name: x\nseed: 8\n"), 2)
            store.close()
            store.close()
        }
        // Reopening keeps the data (the schema is created only if missing).
        let reopened = try ResultsStore(path: dbPath)
        defer { reopened.close() }

        XCTAssertEqual(try count("runs"), 2)
        XCTAssertEqual(try count("workload_stats"), 4)
        XCTAssertEqual(try count("component_stats"), 12)

        XCTAssertEqual(try query("""
            SELECT id, scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications, config
            FROM runs ORDER BY id
            """), [
            ["1", "three-tier", "scenarios/three-tier.yaml", "7", "120.0", "10.0", "1234567", "1", nil],
            ["2", second.scenario, "s.yaml", "8", "120.0", "10.0", "1234567", "1", "name: x\nseed: 8\n"],
        ])
        XCTAssertEqual(try query("""
            SELECT workload, arrived, completed, failed, latency_mean, latency_ci_low, latency_ci_high,
                   p50, p90, p99, p999, max, out_of_range, latency_count
            FROM workload_stats WHERE run_id = 1 ORDER BY rowid
            """), [
            ["feed-read", "264000", "263990", "0", "0.0176", "0.0174", "0.0178", "0.0152", "0.0301", "0.0623",
             "0.0999", "0.25", "0", "263990"],
            ["post-write", "12000", "11900", "95", "1.5", "1.25", "1.75", "0.00085", "2.5e-07", "3.0", "12.5",
             "1234.5", "3", "11900"],
        ])
        XCTAssertEqual(try query("""
            SELECT component, kind, group_name, is_group, workers, utilization, throughput, queue_length_mean,
                   wait_mean, response_mean, hit_ratio, arrived, completed, rejected
            FROM component_stats WHERE run_id = 2 ORDER BY rowid
            """), [
            ["lb", "load-balancer", nil, "0", "0", "0.0", "2400.0", "0.0", "0.0", "0.0", nil, "288000", "288000", "0"],
            ["app-1", "server", "app", "0", "4", "0.7512", "600.24", "0.25", "0.0021", "0.0125", nil, "1000", "990", "0"],
            ["app-2", "server", "app", "0", "4", "0.7488", "599.76", "0.25", "0.0021", "0.0125", nil, "1000", "990", "12"],
            ["app", "server", nil, "1", "4", "0.75", "1200.0", "0.25", "0.0021", "0.0125", nil, "1000", "990", "0"],
            ["cache", "cache", nil, "0", "2", "0.1", "1200.0", "0.01", "1.5e-06", "0.0005", "0.8", "1000", "990", "0"],
            ["db", "server", nil, "0", "8", "0.753", "240.5", "1234.5678", "0.0456", "0.0789", nil, "1000", "990", "0"],
        ])
        // A third run after reopening gets the next id.
        XCTAssertEqual(try reopened.record(Fixtures.threeTier(), scenarioFile: "x.yaml"), 3)
        XCTAssertEqual(try query("PRAGMA user_version"), [["4"]])   // version 4 added analyses and replication figures
    }

    func testFailingInsertLeavesNoPartialRun() throws {
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        try store.record(Fixtures.threeTier(), scenarioFile: "a.yaml")
        // Inject an error late in the transaction: the runs and workload rows are already in by then.
        _ = try query("""
            CREATE TRIGGER boom BEFORE INSERT ON component_stats WHEN NEW.component = 'db'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        XCTAssertThrowsError(try store.record(Fixtures.threeTier(), scenarioFile: "b.yaml")) { error in
            XCTAssertEqual("\(error)", "results database '\(dbPath)': injected failure")
        }
        XCTAssertEqual(try count("runs"), 1)
        XCTAssertEqual(try count("workload_stats"), 2)
        XCTAssertEqual(try count("component_stats"), 6)
        XCTAssertEqual(try query("SELECT scenario_file FROM runs"), [["a.yaml"]])

        // The store is still usable afterwards: no transaction was left open.
        _ = try query("DROP TRIGGER boom")
        XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "c.yaml"), 2)
        XCTAssertEqual(try count("component_stats"), 12)
    }

    func testFailureInTheFirstInsertAlsoRollsBack() throws {
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        _ = try query("CREATE TRIGGER boom BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no runs'); END")
        XCTAssertThrowsError(try store.record(Fixtures.threeTier(), scenarioFile: "a.yaml"))
        XCTAssertEqual(try count("runs"), 0)
        XCTAssertEqual(try count("workload_stats"), 0)
    }

    func testForeignKeysAreEnforcedOnTheStoresConnection() throws {
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        XCTAssertTrue(store.foreignKeysEnabled)
        XCTAssertEqual(try query("PRAGMA foreign_key_list(component_stats)").first?[2], "runs")
        XCTAssertEqual(try query("PRAGMA foreign_key_list(workload_stats)").first?[2], "runs")
    }

    func testMissingDirectoryGivesAReportError() {
        let path = dir + "/no/such/dir/results.db"
        XCTAssertThrowsError(try ResultsStore(path: path)) { error in
            let e = error as? ReportError
            XCTAssertNotNil(e)
            XCTAssertTrue(e?.description.hasPrefix("results database '\(path)': ") ?? false, "\(error)")
        }
    }

    func testAFileThatIsNotADatabaseGivesAReportError() throws {
        try Data("this is not sqlite, just text that is long enough to look like a header......"
            .utf8).write(to: URL(fileURLWithPath: dbPath))
        XCTAssertThrowsError(try ResultsStore(path: dbPath)) { error in
            XCTAssertEqual("\(error)", "results database '\(dbPath)': file is not a database")
        }
    }

    func testRecordAfterCloseThrows() throws {
        let store = try ResultsStore(path: dbPath)
        store.close()
        XCTAssertThrowsError(try store.record(Fixtures.threeTier(), scenarioFile: "a.yaml")) { error in
            XCTAssertEqual("\(error)", "results database '\(dbPath)': the database is closed")
        }
    }

    func testLargeSeedAndNonFiniteValues() throws {
        var r = Fixtures.threeTier()
        r.seed = .max
        r.workloads[0].latency.mean = .nan
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        try store.record(r, scenarioFile: "a.yaml")
        let row = try query("SELECT seed FROM runs")[0][0]!
        XCTAssertEqual(UInt64(bitPattern: Int64(row)!), .max)
        XCTAssertEqual(try query("SELECT latency_mean FROM workload_stats WHERE workload = 'feed-read'"), [[nil]])
    }

    /// The schema as sdsim wrote it at version 2 (before run metadata, series and analysis rows),
    /// kept here verbatim so the migration test opens a database an older sdsim really wrote.
    static let version2Schema = """
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

    func testOpensAndMigratesADatabaseWrittenBySchemaVersion2() throws {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(dbPath, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, ResultsStoreTests.version2Schema, nil, nil, nil), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, """
            INSERT INTO runs (scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications, config)
            VALUES ('old', 'old.yaml', 7, 60, 5, 1000, 1, 'name: old');
            INSERT INTO workload_stats (run_id, workload, arrived, completed, failed, latency_mean, out_of_range, latency_count)
            VALUES (1, 'w', 10, 9, 1, 0.5, 0, 9);
            INSERT INTO figures (run_id, subject_kind, subject, name, value) VALUES (1, 'workload', 'w', 'retries', 3);
            PRAGMA user_version = 2;
            """, nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)

        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        XCTAssertEqual(try query("PRAGMA user_version"), [["4"]])
        XCTAssertEqual(try query("PRAGMA integrity_check"), [["ok"]])
        // The old run reads back, with no metadata, as a run.
        let old = try XCTUnwrap(try store.load(1))
        XCTAssertEqual(old.info.scenario, "old")
        XCTAssertEqual(old.info.metadata, RunMetadata(command: "run"))
        XCTAssertEqual(old.configText, "name: old")
        XCTAssertEqual(old.result.workloads.map(\.name), ["w"])
        XCTAssertEqual(old.result.workloads[0].retries, 3)
        XCTAssertEqual(old.result.workloads[0].latency.mean, 0.5)
        // New runs go in with their metadata and series.
        let meta = RunMetadata(createdAt: "2026-11-30T02:00:00Z", label: "after", version: "0.12.0", commit: "abc",
                               commandLine: "sdsim run x.yaml", command: "run")
        XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "x.yaml", metadata: meta), 2)
        XCTAssertEqual(try store.list(label: "after").map(\.id), [2])
        XCTAssertEqual(try store.list().map(\.id), [1, 2])
        XCTAssertEqual(try store.list(scenario: "old").map(\.id), [1])
        XCTAssertEqual(try store.list(scenario: "x.yaml").map(\.id), [2])
        XCTAssertEqual(try store.load(2)?.info.metadata, meta)
        // Reopening a migrated database changes nothing.
        store.close()
        let again = try ResultsStore(path: dbPath)
        defer { again.close() }
        XCTAssertEqual(try again.list().count, 2)
    }

    func testADatabaseFromANewerSdsimIsRefusedUntouched() throws {
        _ = try ResultsStore(path: dbPath)
        _ = try query("PRAGMA user_version = 99")
        XCTAssertThrowsError(try ResultsStore(path: dbPath)) { error in
            XCTAssertTrue("\(error)".contains("written by a newer sdsim (schema version 99)"), "\(error)")
        }
        XCTAssertEqual(try query("PRAGMA user_version"), [["99"]])
    }

    func testARunReadsBackWithItsSeriesFiguresAndExpectations() throws {
        var r = Fixtures.threeTier()
        r.lesson = "a lesson"
        r.workloads[0].slices = [(10, 0), (8, 2)]
        r.workloads[0].sliceStart = 10
        r.workloads[0].sliceSeconds = 55
        r.workloads[0].series = [Series(name: "throughput", start: 10, interval: 55, values: [0.5, .nan])]
        r.workloads[0].failedBy = [("rejected", 2)]
        r.components[1].series = [Series(name: "utilization", start: 10, interval: 55, values: [0.25, 0.75])]
        r.components[0].targetShares = [("app-1", 0.5), ("app-2", 0.5)]
        r.components[5].extra = [("stale_reads", 4)]
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        let id = try store.record(r, scenarioFile: "a.yaml")
        let back = try XCTUnwrap(try store.load(id)).result
        XCTAssertEqual(back.workloads, r.workloads)
        XCTAssertEqual(back.components, r.components)
        XCTAssertEqual(back.lesson, "a lesson")
        XCTAssertEqual(back.workloads[0].availabilitySeries, [1, 0.8])
        XCTAssertNil(try store.load(99))
        XCTAssertEqual(try query("SELECT count(*) FROM series WHERE run_id = 1"), [["8"]])
    }

    /// An analysis with two runs and two tables.
    private func analysis(kind: String = "compare") -> AnalysisRecord {
        var fast = Fixtures.threeTier(), slow = Fixtures.threeTier()
        slow.workloads[0].latency.mean = 0.5
        let rows = [AnalysisRow(section: "figures", index: 0, subject: "feed-read.mean", run: 0,
                                values: [("system", nil, "fast"), ("mean", 0.0176, nil)]),
                    AnalysisRow(section: "figures", index: 1, subject: "feed-read.mean", run: 1,
                                values: [("system", nil, "slow"), ("mean", 0.5, nil), ("significant", 1, nil)]),
                    AnalysisRow(section: "expectations", index: 0, subject: "fast.p99 < slow.p99",
                                values: [("passed", 1, nil), ("problem", nil, nil)])]
        fast.replications = 1
        return AnalysisRecord(kind: kind, scenario: "three-tier", scenarioFile: "a.yaml", configText: "name: three-tier",
                              seed: 7, replications: 1,
                              runs: [AnalysisRun(result: fast, scenarioFile: "a.yaml", configText: nil, settings: [("system", "fast", nil)]),
                                     AnalysisRun(result: slow, scenarioFile: "b.yaml", configText: nil, settings: [("system", "slow", nil)])],
                              rows: rows)
    }

    func testAnAnalysisIsStoredWithItsRunsAndTablesInOneSequenceOfIds() throws {
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "x.yaml"), 1)
        let meta = RunMetadata(createdAt: "2026-11-30T08:00:00Z", label: "l", version: "1", commit: "c", commandLine: "sdsim compare a.yaml",
                               command: "ignored")
        let ids = try store.record(analysis(), metadata: meta)
        XCTAssertEqual(ids.analysis, 2)
        XCTAssertEqual(ids.runs, [3, 4])
        XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "x.yaml"), 5)

        let back = try XCTUnwrap(try store.loadAnalysis(2))
        XCTAssertEqual(back.rows, analysis().rows)
        XCTAssertEqual(back.sections, ["figures", "expectations"])
        XCTAssertEqual(back.runs.map(\.id), [3, 4])
        XCTAssertEqual(back.runs.map(\.settings), ["system=fast", "system=slow"])
        XCTAssertEqual(back.info.kind, "compare")
        XCTAssertEqual(back.info.runCount, 2)
        XCTAssertEqual(back.info.metadata.label, "l")
        XCTAssertEqual(back.info.metadata.command, "compare")
        XCTAssertEqual(back.configText, "name: three-tier")
        XCTAssertNil(try store.loadAnalysis(3))   // a run, not an analysis
        XCTAssertNil(try store.load(2))           // an analysis, not a run
        let run = try XCTUnwrap(try store.load(4))
        XCTAssertEqual(run.info.analysisID, 2)
        XCTAssertEqual(run.info.metadata.command, "compare")
        XCTAssertEqual(run.result.workloads[0].latency.mean, 0.5)

        XCTAssertEqual(try store.list().map(\.id), [1, 2, 3, 4, 5])
        XCTAssertEqual(try store.list().map(\.kind), ["run", "compare", "run", "run", "run"])
        XCTAssertEqual(try store.list(kind: "compare").map(\.id), [2])
        XCTAssertEqual(try store.list(label: "l", kind: "run").map(\.id), [3, 4])
        XCTAssertEqual(try store.list(analysis: 2).map(\.id), [3, 4])
        XCTAssertEqual(try store.list(label: "l").map(\.id), [2, 3, 4])

        // Deleting the analysis deletes its runs and rows.
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(dbPath, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM analyses WHERE id = 2", nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)
        XCTAssertEqual(try store.list().map(\.id), [1, 5])
        XCTAssertEqual(try count("analysis_rows"), 0)
        XCTAssertEqual(try query("PRAGMA integrity_check"), [["ok"]])
    }

    func testAFailedAnalysisWriteLeavesNothing() throws {
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        _ = try query("""
            CREATE TRIGGER boom BEFORE INSERT ON analysis_rows WHEN NEW.section = 'expectations'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        XCTAssertThrowsError(try store.record(analysis(), metadata: RunMetadata())) { error in
            XCTAssertEqual("\(error)", "results database '\(dbPath)': injected failure")
        }
        XCTAssertEqual(try count("analyses"), 0)
        XCTAssertEqual(try count("runs"), 0)
        XCTAssertEqual(try count("workload_stats"), 0)
        XCTAssertEqual(try count("analysis_rows"), 0)
    }

    func testEachReplicationsFiguresAreStoredAndReadBack() throws {
        var r = Fixtures.threeTier()
        r.replications = 2
        r.replicationFigures = [
            ReplicationFigures(seed: 7, figures: [.init(kind: "workload", subject: "feed-read", name: "latency_mean", value: 0.017),
                                                  .init(kind: "workload", subject: "feed-read", name: "p99", value: .nan)]),
            ReplicationFigures(seed: 99, figures: [.init(kind: "workload", subject: "feed-read", name: "latency_mean", value: 0.018),
                                                   .init(kind: "workload", subject: "feed-read", name: "p99", value: 0.06)]),
        ]
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        let id = try store.record(r, scenarioFile: "a.yaml")
        let back = try XCTUnwrap(try store.load(id)).result.replicationFigures
        XCTAssertEqual(back.map(\.seed), [7, 99])
        XCTAssertEqual(back[1], r.replicationFigures[1])
        XCTAssertTrue(back[0].figures[1].value.isNaN)
        // A single run stores its own figures as replication 0.
        let single = try store.record(Fixtures.threeTier(), scenarioFile: "b.yaml")
        XCTAssertEqual(try store.load(single)?.result.replicationFigures, [ReplicationFigures.measure(Fixtures.threeTier())])
    }

    /// The schema as sdsim wrote it at version 3 (runs with metadata, series, an analysis_rows
    /// nothing wrote, and spof's own tables), kept verbatim so the migration test opens a
    /// database an older sdsim really wrote.
    static let version3Schema = """
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
            lesson TEXT
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
        CREATE TABLE IF NOT EXISTS analysis_rows (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            row_index INTEGER NOT NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            text TEXT
        );
        CREATE INDEX IF NOT EXISTS analysis_rows_run ON analysis_rows(run_id);
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

    func testOpensAndMigratesADatabaseWrittenBySchemaVersion3() throws {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(dbPath, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, ResultsStoreTests.version3Schema, nil, nil, nil), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, """
            INSERT INTO runs (scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications, config,
                              created_at, label, sdsim_version, command_line, command)
            VALUES ('old', 'old.yaml', 7, 60, 5, 1000, 4, 'name: old', '2026-11-29T10:00:00Z', 'v3', '0.11', 'sdsim run old.yaml', 'run');
            INSERT INTO workload_stats (run_id, workload, arrived, completed, failed, latency_mean, out_of_range, latency_count)
            VALUES (1, 'w', 10, 9, 1, 0.5, 0, 9);
            INSERT INTO spof_audits (scenario, scenario_file, slo_availability, slo_p99, slo_given, failures_removed, window_start,
                                     window_end, baseline_meets_slo, stopped, spofs, created_at, label, sdsim_version, command_line)
            VALUES ('shop', 'shop.yaml', 0.999, NULL, 0, 1, 20, 40, 1, 0, 'db', '2026-11-29T11:00:00Z', 'audit', '0.11', 'sdsim spof shop.yaml');
            INSERT INTO spof_outcomes (audit_id, target, target_kind, crashed, workload, arrived, completed, failed, availability,
                                       p99, meets_slo, spof, reason, fix)
            VALUES (1, 'baseline', 'baseline', '', 'w', 100, 100, 0, 1.0, 0.01, 1, 0, NULL, NULL),
                   (1, 'db', 'component', 'db', 'w', 100, 50, 50, 0.5, NULL, 0, 1, 'availability 50% < 99.9%', 'replicas: 2');
            PRAGMA user_version = 3;
            """, nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)

        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        XCTAssertEqual(try query("PRAGMA user_version"), [["4"]])
        XCTAssertEqual(try query("PRAGMA integrity_check"), [["ok"]])
        XCTAssertEqual(try query("PRAGMA foreign_key_check"), [])
        // spof's own tables became an analysis (a new id: audit 1 overlapped run 1); the empty
        // analysis_rows of version 3 was replaced.
        XCTAssertEqual(try query("SELECT name FROM sqlite_master WHERE name LIKE 'spof%' OR name = 'analysis_rows_v3'"), [])
        XCTAssertEqual(try store.list().map(\.id), [1, 2])
        XCTAssertEqual(try store.list().map(\.kind), ["run", "spof"])
        let audit = try XCTUnwrap(try store.loadAnalysis(2))
        XCTAssertEqual(audit.info.metadata, RunMetadata(createdAt: "2026-11-29T11:00:00Z", label: "audit", version: "0.11",
                                                        commandLine: "sdsim spof shop.yaml", command: "spof"))
        XCTAssertFalse(audit.info.seedKnown)
        XCTAssertEqual(audit.sections, ["audit", "outcomes"])
        XCTAssertEqual(audit.rows.filter { $0.section == "outcomes" }.map(\.subject), ["baseline", "db"])
        let db2 = try XCTUnwrap(audit.rows.last)
        XCTAssertEqual(db2.index, 1)
        XCTAssertEqual(db2.values.first { $0.name == "availability" }?.value, 0.5)
        XCTAssertEqual(db2.values.first { $0.name == "fix" }?.text, "replicas: 2")
        XCTAssertEqual(db2.values.first { $0.name == "p99" }?.value, nil)
        // The rows have the shape a new audit stores.
        XCTAssertEqual(audit.rows[0].values.map(\.name), ["slo_availability", "slo_p99", "slo_given", "failures_removed",
                                                           "window_start", "window_end", "baseline_meets_slo", "stopped", "spofs"])
        XCTAssertEqual(SpofRows.outcome(index: 0, target: "t", targetKind: "", crashed: "", workload: "", arrived: nil, completed: nil,
                                        failed: nil, availability: nil, p99: nil, meetsSLO: nil, spof: nil, reason: nil, fix: nil)
                        .values.map(\.name), db2.values.map(\.name))
        // The old run reads back with its metadata; having no replication figures, it cannot be tested.
        let old = try XCTUnwrap(try store.load(1))
        XCTAssertEqual(old.info.metadata.label, "v3")
        XCTAssertEqual(old.result.replicationFigures, [])
        XCTAssertEqual(ResultsDiff.basis(old.result, old.result), .notStored(a: true, b: true))
        // New records continue the shared sequence.
        XCTAssertEqual(try store.record(Fixtures.threeTier(), scenarioFile: "x.yaml"), 3)
        store.close()
        let again = try ResultsStore(path: dbPath)
        defer { again.close() }
        XCTAssertEqual(try again.list().count, 3)
    }

    func testAVersion3AnalysisRowsTableWithRowsIsKeptAside() throws {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(dbPath, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, ResultsStoreTests.version3Schema, nil, nil, nil), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, """
            INSERT INTO runs (scenario, scenario_file, seed, simulated_seconds, warmup_seconds, events, replications)
            VALUES ('old', 'old.yaml', 7, 60, 5, 0, 1);
            INSERT INTO analysis_rows (run_id, row_index, subject, name, value, text) VALUES (1, 0, 's', 'n', 1, NULL);
            PRAGMA user_version = 3;
            """, nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        XCTAssertEqual(try query("SELECT run_id, subject FROM analysis_rows_v3"), [["1", "s"]])
        XCTAssertEqual(try count("analysis_rows"), 0)
        XCTAssertEqual(try query("PRAGMA integrity_check"), [["ok"]])
    }
}
