import CSQLite
import Foundation
import XCTest

/// Issue 9 at the command line: never lie about what was written, never spend a run on a
/// database that cannot take it, never let a scenario drive the terminal, refuse what cannot
/// fit. Each test is named after its finding.
final class RobustnessCLITests: XCTestCase {
    /// Runs `sdsim` with stdout sent to `stdout` (a file handle such as /dev/full, or a pipe whose
    /// reading end is closed at once) and stdin from `stdin`; returns the status and stderr.
    private func sdsimTo(_ arguments: [String], stdout: Any, stdin: Any? = nil,
                         closeReadingEnd: Bool = false) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("sdsim")
        process.arguments = arguments
        process.currentDirectoryURL = repoRoot
        process.standardOutput = stdout
        if let stdin { process.standardInput = stdin }
        let err = Pipe()
        process.standardError = err
        try process.run()
        if closeReadingEnd, let pipe = stdout as? Pipe { try pipe.fileHandleForReading.close() }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func devFull() throws -> FileHandle { try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full")) }

    // MARK: Silent loss of output

    func testRunValidateEstimateOnFullDiskExitWith1() throws {
        for args in [["run", "scenarios/mm1.yaml", "--no-db"], ["validate", "scenarios/mm1.yaml"],
                     ["estimate", "scenarios/instagram.yaml"], ["--help"], ["run", "--help"]] {
            let out = try sdsimTo(args, stdout: try devFull())
            XCTAssertEqual(out.status, 1, "\(args): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("cannot write to standard output: No space left on device"), "\(args): \(out.stderr)")
        }
    }

    func testClosedPipeDoesNotLoseTheStoredRun() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsimTo(["run", "scenarios/three-tier.yaml", "--db", db], stdout: Pipe(), closeReadingEnd: true)
        XCTAssertEqual(out.status, 1, "a report nobody read is not a success: \(out.stderr)")
        XCTAssertTrue(out.stderr.contains("cannot write to standard output"), out.stderr)
        XCTAssertEqual(try SQLiteCounter(path: db).query("SELECT COUNT(*) FROM runs"), 1, "the run is stored before it is printed")
    }

    func testEmptyDbPathIsRefusedBeforeRunning() throws {
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", ""])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("--db needs a file name"), out.stderr)
        XCTAssertEqual(out.stdout, "")
    }

    func testDbPathWithTrailingSlashIsRefusedAndCreatesNothing() throws {
        let dir = try temporaryDirectory()
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", dir.path + "/trailing/"])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("ends with '/'"), out.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testDbPathThatIsADirectoryIsRefused() throws {
        let dir = try temporaryDirectory()
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", dir.path])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("is a directory"), out.stderr)
        XCTAssertEqual(out.stdout, "")
    }

    func testReadOnlyDatabaseFailsBeforeTheRun() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--db", db]).status, 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: db) }
        if access(db, W_OK) == 0 { throw XCTSkip("running as a user who can write read-only files (root)") }
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", db])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("read-only"), out.stderr)
        XCTAssertEqual(out.stdout, "", "nothing is simulated when the result could not be stored")
    }

    func testUnopenableDatabaseFailsBeforeTheRun() throws {
        let dir = try temporaryDirectory()
        let blocker = dir.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        // The database's folder would have to be inside a regular file.
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", blocker.path + "/r.db"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("results database"), out.stderr)
        XCTAssertEqual(out.stdout, "", "nothing is simulated when the result could not be stored")
    }

    func testStoredConfigIsTheTextThatWasLoadedEvenFromStdin() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let text = try String(contentsOf: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        let input = Pipe()
        let output = Pipe()
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("sdsim")
        process.arguments = ["run", "/dev/stdin", "--db", db, "--format", "json"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        var handle: OpaquePointer?
        XCTAssertEqual(sqlite3_open(db, &handle), SQLITE_OK)
        defer { sqlite3_close(handle) }
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(handle, "SELECT config FROM runs", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        XCTAssertEqual(sqlite3_step(stmt), SQLITE_ROW)
        let stored = sqlite3_column_text(stmt, 0).map { String(cString: $0) }
        XCTAssertEqual(stored, text)
    }

    // MARK: Terminal injection

    func testEscapeSequencesFromTheScenarioNeverReachTheTerminal() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("inject.yaml")
        try """
            name: inject
            description: "clears \\e[2J the screen"
            lesson: "first line\\nsecond \\e]0;title\\a line"
            duration: 5s
            workload:
              - name: w
                arrival: poisson(5/s)
                route: [app]
            components:
              app: {kind: server, workers: 2, service: exponential(10ms)}
            """.write(to: file, atomically: true, encoding: .utf8)
        for format in ["text", "json"] {
            let out = try sdsim(["run", file.path, "--no-db", "--format", format])
            XCTAssertEqual(out.status, 0, out.stderr)
            XCTAssertFalse(out.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, format)
        }
        let bad = dir.appendingPathComponent("bad.yaml")
        try "name: \"x\\e[31m\"\nduration: 5s\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = try sdsim(["validate", bad.path])
        XCTAssertEqual(out.status, 2)
        XCTAssertFalse(out.stderr.unicodeScalars.contains { $0.value == 0x1B }, out.stderr)
        XCTAssertTrue(out.stderr.contains("must not contain control characters"), out.stderr)
    }

    // MARK: Budgets

    private func scenario(_ body: String) throws -> String {
        let file = try temporaryDirectory().appendingPathComponent("s.yaml")
        try body.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func testBillionPerSecondForAnHourIsRefusedByTheEventBudget() throws {
        let file = try scenario("""
            name: flood
            duration: 1h
            workload:
              - name: w
                arrival: poisson(1000000000/s)
                route: [app]
            components:
              app: {kind: server, workers: 4, service: exponential(5ms)}
            """)
        let out = try sdsim(["run", file, "--no-db"])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("events") && out.stderr.contains("--max-events"), out.stderr)
        XCTAssertEqual(out.stdout, "")
    }

    func testTenThousandShardsTimesThousandReplicasIsRefusedByTheMemoryBudget() throws {
        let file = try scenario("""
            name: huge-db
            duration: 1s
            workload:
              - name: w
                arrival: poisson(1/s)
                route: [db]
                keys: uniform(1M)
            components:
              db: {kind: database, shards: 10000, read-replicas: 1000, service: exponential(1ms), replication-lag: exponential(10ms)}
            """)
        let out = try sdsim(["run", file, "--no-db"])
        XCTAssertEqual(out.status, 2, out.stderr)
        XCTAssertTrue(out.stderr.contains("stations") && out.stderr.contains("--max-memory"), out.stderr)
    }

    func testTenThousandVnodesTimesTenThousandReplicasIsRefusedByTheMemoryBudget() throws {
        let file = try scenario("""
            name: huge-ring
            duration: 1s
            workload:
              - name: w
                arrival: poisson(10/s)
                keys: uniform(1000)
                route: [lb, app]
            components:
              lb: {kind: load-balancer, policy: consistent-hash, vnodes: 10000, targets: app}
              app: {kind: server, replicas: 10000, workers: 1, service: exponential(1ms)}
            """)
        let out = try sdsim(["spof", file])
        XCTAssertEqual(out.status, 2, out.stderr)
        XCTAssertTrue(out.stderr.contains("hash-ring points"), out.stderr)
    }

    /// A warm cache is full before the first request: 100M entries of about 256 bytes are 24 GiB,
    /// past the 4 GiB budget, refused before the fill starts (it used to fill for minutes and grow
    /// without a warning). Under a raised budget the estimate lets it through.
    func testWarmCacheOfAHundredMillionEntriesIsRefusedByTheMemoryBudget() throws {
        let file = try scenario("""
            name: huge-warm-cache
            duration: 1s
            workload:
              - name: w
                arrival: poisson(10/s)
                keys: uniform(1000000000)
                route: [cache]
            components:
              cache: {kind: cache, capacity: 100000000, warm: true, workers: 4, service: constant(1ms), on-miss: db}
              db: {kind: server, workers: 4, service: exponential(1ms)}
            """)
        let out = try sdsim(["run", file, "--no-db"])
        XCTAssertEqual(out.status, 2, out.stderr)
        XCTAssertTrue(out.stderr.contains("100 million entries of warm caches"), out.stderr)
        XCTAssertEqual(out.stdout, "")
    }

    func testOverloadedServerStopsCleanlyAtTheMemoryBudgetWithAPartialReport() throws {
        let file = try scenario("""
            name: overload
            duration: 60s
            workload:
              - name: w
                arrival: poisson(1000000/s)
                route: [app]
            components:
              app: {kind: server, workers: 1, service: exponential(1ms)}
            """)
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsim(["run", file, "--db", db, "--max-memory", "64MiB"])
        XCTAssertEqual(out.status, 1, out.stderr)
        XCTAssertTrue(out.stdout.contains("PARTIAL REPORT"), out.stdout)
        XCTAssertTrue(out.stderr.contains("--max-memory"), out.stderr)
        XCTAssertEqual(try SQLiteCounter(path: db).query("SELECT COUNT(*) FROM figures WHERE subject_kind = 'run' AND name = 'partial'"), 1,
                       "the partial run is stored, marked partial")
        let json = try sdsim(["run", file, "--no-db", "--max-memory", "64MiB", "--format", "json"])
        XCTAssertTrue(json.stdout.contains("\"partial\": true"), json.stdout)
    }

    func testBadBudgetOptionsAreUsageErrors() throws {
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--no-db", "--max-memory", "lots"]).status, 2)
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--no-db", "--max-events", "-5"]).status, 2)
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--no-db", "--max-events", "1k"]).status, 2,
                       "M/M/1 needs more than a thousand events")
    }
}

/// The fuzzing harness, replayed without sanitizers over its seeds and every crash it found.
final class FuzzFixtureTests: XCTestCase {
    func testFuzzFindingsAndSeedsReplayWithoutACrash() throws {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("sdsim-fuzz")
        process.arguments = ["Tests/SDScenarioTests/Fixtures", "scenarios"]
        process.currentDirectoryURL = repoRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .exit, "the harness crashed: \(text)")
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("replayed without a crash"), text)
    }
}
