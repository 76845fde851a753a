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
        XCTAssertEqual(try query("PRAGMA user_version"), [["3"]])   // version 3 added run metadata, series and analysis rows
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
        XCTAssertEqual(try query("PRAGMA user_version"), [["3"]])
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

    func testAnAnalysisIsStoredWithItsRows() throws {
        let rows = [AnalysisRow(index: 0, subject: "db", values: [("crashed", nil, "db"), ("availability", 0.5, nil)]),
                    AnalysisRow(index: 1, subject: "lb", values: [("crashed", nil, "lb"), ("availability", nil, nil)])]
        let store = try ResultsStore(path: dbPath)
        defer { store.close() }
        let header = RunResult(scenario: "s", seed: 3, simulatedSeconds: 60, warmupSeconds: 0, events: 0, replications: 1,
                               workloads: [], components: [])
        let id = try store.recordAnalysis(rows, header: header, scenarioFile: "s.yaml", metadata: RunMetadata(command: "sweep"))
        let back = try XCTUnwrap(try store.load(id))
        XCTAssertEqual(back.analysis, rows)
        XCTAssertEqual(back.info.metadata.command, "sweep")
    }
}
