import CSQLite
import Foundation
import SDModels
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
        XCTAssertEqual(try query("PRAGMA user_version"), [["2"]])   // version 2 added figures and expectations
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
}
