import CSQLite
import Foundation
import XCTest

final class CLITests: XCTestCase {
    /// `run --format json` prints one JSON document with the promised shape, and exit status 0.
    func testRunJSONHasPromisedShape() throws {
        let out = try sdsim(["run", "scenarios/three-tier.yaml", "--format", "json", "--no-db"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["scenario"] as? String, "three-tier")
        XCTAssertEqual(json["seed"] as? Int, 7)
        XCTAssertEqual(json["simulated_seconds"] as? Double, 120)
        XCTAssertGreaterThan(json["events"] as? Int ?? 0, 0)
        let workload = try XCTUnwrap((json["workload"] as? [String: Any])?["feed-read"] as? [String: Any])
        for key in ["arrived", "completed", "failed"] { XCTAssertNotNil(workload[key] as? Int, key) }
        let latency = try XCTUnwrap(workload["latency"] as? [String: Any])
        for key in ["mean", "p50", "p90", "p99", "p999", "max"] { XCTAssertNotNil(latency[key] as? Double, key) }
        XCTAssertEqual((latency["mean_ci95"] as? [Double])?.count, 2)
        let components = try XCTUnwrap(json["components"] as? [String: Any])
        for name in ["lb", "app-1", "app-2", "app-3", "app-4", "app", "cache", "db"] {
            let c = try XCTUnwrap(components[name] as? [String: Any], name)
            for key in ["utilization", "throughput", "queue_length_mean", "wait_mean", "response_mean"] {
                XCTAssertNotNil(c[key] as? Double, "\(name).\(key)")
            }
        }
        XCTAssertNotNil((components["cache"] as? [String: Any])?["hit_ratio"] as? Double)
        XCTAssertNil((components["db"] as? [String: Any])?["hit_ratio"])
    }

    /// The text report names the scenario, the workload and the bottleneck.
    func testRunTextReport() throws {
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--no-db"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("mm1"))
        XCTAssertTrue(out.stdout.contains("jobs"))
        XCTAssertTrue(out.stdout.contains("Bottleneck: station"))
        XCTAssertEqual(out.stderr, "", "no progress output when stderr is not a terminal")
    }

    /// Same scenario and seed: byte-identical JSON, for every shipped scenario; another seed differs.
    func testEveryScenarioIsDeterministic() throws {
        for file in try shippedScenarios() {
            let a = try sdsim(["run", file, "--format", "json", "--no-db"])
            let b = try sdsim(["run", file, "--format", "json", "--no-db"])
            XCTAssertEqual(a.status, 0, "\(file): \(a.stderr)")
            XCTAssertEqual(a.stdout, b.stdout, "\(file) is not deterministic")
            let c = try sdsim(["run", file, "--format", "json", "--no-db", "--seed", "12345"])
            XCTAssertNotEqual(a.stdout, c.stdout, "\(file): a different seed gave the same result")
            XCTAssertTrue(c.stdout.contains("\"seed\": 12345"))
        }
    }

    /// Diagnostics of every broken fixture are byte-identical in two processes. Swift seeds its
    /// hashing per process, so only a second process can catch Dictionary or Set order leaking
    /// into the text (two renders in one process would agree by construction).
    func testDiagnosticsAreIdenticalAcrossProcesses() throws {
        let bad = repoRoot.appendingPathComponent("Tests/SDScenarioTests/Fixtures/bad")
        let files = try FileManager.default.contentsOfDirectory(atPath: bad.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThan(files.count, 50)
        for name in files {
            let path = bad.appendingPathComponent(name).path
            let a = try sdsim(["validate", path]), b = try sdsim(["validate", path])
            XCTAssertEqual(a.status, 2, name)
            XCTAssertEqual(a.stderr, b.stderr, "\(name): diagnostics differ between two processes")
        }
    }

    /// `--check` states that the invariants hold (ledgers, and Little's law at every station).
    func testCheckFlagReportsInvariants() throws {
        let out = try sdsim(["run", "scenarios/three-tier.yaml", "--no-db", "--check"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stderr.contains("invariants hold"), out.stderr)
    }

    /// `--version` names the version and the commit it was built from.
    func testVersion() throws {
        let out = try sdsim(["--version"])
        XCTAssertEqual(out.status, 0)
        XCTAssertTrue(out.stdout.hasPrefix("sdsim "), out.stdout)
        XCTAssertTrue(out.stdout.contains("(commit "), out.stdout)
    }

    /// Replications give the same bytes whatever the number of threads.
    func testReplicationsDoNotDependOnJobs() throws {
        let args = ["run", "scenarios/three-tier.yaml", "--format", "json", "--no-db", "--replications", "4"]
        let one = try sdsim(args + ["--jobs", "1"])
        let two = try sdsim(args + ["--jobs", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(one.stdout, two.stdout)
        XCTAssertTrue(one.stdout.contains("\"replications\": 4"))
    }

    /// A broken file: every error on stderr in compiler style, nothing on stdout, exit status 2.
    func testBadScenarioExitsWithStatus2() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("broken.yaml")
        try """
            name: broken
            duration: 10s
            workload:
              - name: w
                arrival: poisson(5/s)
                route: [app]
            components:
              app:
                kind: server
                workers: 0
                servce: exponential(1ms)

            """.write(to: file, atomically: true, encoding: .utf8)
        let out = try sdsim(["run", file.path, "--no-db"])
        XCTAssertEqual(out.status, 2)
        XCTAssertEqual(out.stdout, "")
        XCTAssertTrue(out.stderr.contains("\(file.path):10:14: error: "), out.stderr)
        XCTAssertTrue(out.stderr.contains("did you mean 'service'?"), out.stderr)
        XCTAssertFalse(out.stderr.contains("Fatal"), out.stderr)
        let validate = try sdsim(["validate", file.path])
        XCTAssertEqual(validate.status, 2)
        XCTAssertEqual(validate.stderr, out.stderr)
    }

    func testMissingFileAndBadOptions() throws {
        let missing = try sdsim(["run", "no/such/file.yaml", "--no-db"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("no/such/file.yaml:"), missing.stderr)
        let badFormat = try sdsim(["run", "scenarios/mm1.yaml", "--format", "xml"])
        XCTAssertEqual(badFormat.status, 2)
        let badReps = try sdsim(["run", "scenarios/mm1.yaml", "--replications", "0"])
        XCTAssertEqual(badReps.status, 2)
        let help = try sdsim(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("run"))
    }

    func testValidateGoodFiles() throws {
        let out = try sdsim(["validate"] + (try shippedScenarios()))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("scenarios/mm1.yaml: ok"))
    }

    /// The run lands in the results database: one row in runs, one per workload and component.
    func testResultsDatabaseHoldsTheRun() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("nested/results.db").path
        for _ in 0..<2 {
            let out = try sdsim(["run", "scenarios/three-tier.yaml", "--db", db, "--format", "json"])
            XCTAssertEqual(out.status, 0, out.stderr)
        }
        let count = try SQLiteCounter(path: db)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM runs WHERE scenario = 'three-tier' AND seed = 7"), 2)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM workload_stats"), 2)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM component_stats"), 16)
        // Figures beyond the fixed columns: the balancer's shares, the workload's availability.
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM figures WHERE subject = 'lb' AND name LIKE 'share.app-%'"), 8)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM figures WHERE subject = 'feed-read' AND name = 'availability' AND value = 1"), 2)
    }

    /// Failure reasons and expectations land in the database too.
    func testResultsDatabaseHoldsFailuresAndExpectations() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsim(["run", "scenarios/spof-single-db.yaml", "--db", db, "--format", "json"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let count = try SQLiteCounter(path: db)
        XCTAssertGreaterThan(count.query("SELECT COUNT(*) FROM figures WHERE name LIKE 'failed_by.%' AND value > 0"), 0)
        XCTAssertGreaterThan(count.query("SELECT COUNT(*) FROM expectations WHERE passed = 1"), 0)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM expectations WHERE passed = 0"), 0)
    }

    /// A results database that cannot be written is an error (status 1), and a file that is not a
    /// database is left as it was.
    func testUnwritableDatabaseFailsWithoutDamage() throws {
        let dir = try temporaryDirectory()
        let notADatabase = dir.appendingPathComponent("notes.db")
        try "my notes\n".write(to: notADatabase, atomically: true, encoding: .utf8)
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--db", notADatabase.path])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("error"), out.stderr)
        XCTAssertEqual(try String(contentsOf: notADatabase, encoding: .utf8), "my notes\n")
    }
}

final class SpofCLITests: XCTestCase {
    /// `sdsim spof` names the single database, and no longer names the database once it is
    /// replicated behind a health-checked balancer (the balancers themselves remain single points).
    func testSpofNamesTheSingleDatabaseOnly() throws {
        let single = try sdsim(["spof", "scenarios/single-db.yaml", "--no-db", "--format", "json"])
        XCTAssertEqual(single.status, 1, single.stderr)
        let a = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(a["single_points_of_failure"] as? [String], ["lb", "db"])
        let replicated = try sdsim(["spof", "scenarios/replicated-db.yaml", "--no-db", "--format", "json"])
        let b = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replicated.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(b["single_points_of_failure"] as? [String], ["lb", "db-lb"])
        let text = try sdsim(["spof", "scenarios/single-db.yaml", "--no-db", "--jobs", "1"])
        XCTAssertTrue(text.stdout.contains("no replica and no failover"), text.stdout)
        let parallel = try sdsim(["spof", "scenarios/single-db.yaml", "--no-db", "--jobs", "2"])
        XCTAssertEqual(text.stdout, parallel.stdout, "spof output must not depend on --jobs")
    }
}
