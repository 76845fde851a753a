import Foundation
import XCTest

/// Issue 10 on the command line: overload warnings and marks, the bottleneck in every format, and
/// `sdsim spof`'s baseline, per-workload rows and database tables.
final class TruthCLITests: XCTestCase {
    private func scenario(rate: Int, expect: Bool = false) throws -> String {
        let file = try temporaryDirectory().appendingPathComponent("rho.yaml")
        try """
            name: rho
            seed: 1
            duration: 300s
            workload:
              - name: jobs
                arrival: poisson(\(rate)/s)
                route: [s]
            components:
              s:
                kind: server
                service: exponential(10ms)
            \(expect ? "expect:\n  - jobs.mean < 1h\n" : "")
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// ρ = 1.2: a warning before the run, the report marked, the ledger line, every interval
    /// unreliable, and an expectation that fails with the reason. ρ = 0.8: none of it.
    func testOverloadIsWarnedAndMarked() throws {
        let over = try sdsim(["run", try scenario(rate: 120, expect: true), "--no-db"])
        XCTAssertEqual(over.status, 1, over.stdout)
        XCTAssertTrue(over.stderr.contains("warning: offered load at or above capacity (s ρ = 1.20)"), over.stderr)
        XCTAssertTrue(over.stdout.contains("Warning: no steady state."), over.stdout)
        XCTAssertTrue(over.stdout.contains("unreliable"), over.stdout)
        XCTAssertTrue(over.stdout.contains("jobs: ledger 36,"), over.stdout)
        XCTAssertTrue(over.stdout.contains("FAIL jobs.mean < 1h: no steady state"), over.stdout)
        let json = try sdsim(["run", try scenario(rate: 120), "--no-db", "--format", "json"])
        XCTAssertEqual(json.status, 0)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["steady_state"] as? Bool, false)
        let latency = ((doc["workload"] as? [String: Any])?["jobs"] as? [String: Any])?["latency"] as? [String: Any]
        XCTAssertEqual(latency?["mean_ci95_reliable"] as? Bool, false)
        let stability = try XCTUnwrap(doc["stability"] as? [String: Any])
        XCTAssertEqual((stability["overloaded"] as? [String: Double])?["s"] ?? 0, 1.2, accuracy: 1e-9)

        let fine = try sdsim(["run", try scenario(rate: 80, expect: true), "--no-db"])
        XCTAssertEqual(fine.status, 0, fine.stdout)
        XCTAssertEqual(fine.stderr, "")
        XCTAssertFalse(fine.stdout.contains("steady state"), fine.stdout)
        XCTAssertFalse(fine.stdout.contains("unreliable"), fine.stdout)
    }

    /// The bottleneck analysis is in the text, the JSON and the results database.
    func testBottleneckInEveryFormat() throws {
        let db = try temporaryDirectory().appendingPathComponent("r.db").path
        let text = try sdsim(["run", "scenarios/three-tier.yaml", "--db", db])
        XCTAssertTrue(text.stdout.contains("Bottleneck: app (demand 313 us per request); throughput ceiling 1/D_max = 3,200.0 requests/s"),
                      text.stdout)
        let json = try sdsim(["run", "scenarios/three-tier.yaml", "--no-db", "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let b = try XCTUnwrap(doc["bottleneck"] as? [String: Any])
        XCTAssertEqual(b["bottleneck"] as? String, "app")
        XCTAssertEqual(b["throughput_ceiling"] as? Double ?? 0, 3200, accuracy: 1e-6)
        XCTAssertNotNil((b["demands"] as? [String: Any])?["db"])
        let count = try SQLiteCounter(path: db)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM figures WHERE subject_kind = 'bottleneck' AND subject = 'app' AND name = 'is_bottleneck'"), 1)
        XCTAssertEqual(count.query("SELECT CAST(value AS INTEGER) FROM figures WHERE subject_kind = 'run' AND name = 'throughput_ceiling'"), 3200)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM figures WHERE subject_kind = 'load' AND name = 'demand'"), 4)
    }

    /// `run --replications 3` analyses the replications combined as one run is analysed: counts
    /// summed over the replications are divided by the replications' measured time, so the
    /// throughput X0, the demands (the queue's is measured, U ÷ X0) and the laws agree with a single
    /// run's. X0 = 100/s over a 100 s window is a Poisson count ÷ 100 s, standard deviation
    /// √(100/100) = 1/s per run; the single run is the first replication, so the two differ by
    /// (2·X1 − X2 − X3)/3, standard deviation 0.82/s: 4 of those is the tolerance. The queue's demand
    /// is measured (U ÷ X0, its consumers' utilization): the mean of about 10,000 exponential 1 ms
    /// process times over 2 consumers, 0.5 ms with a relative standard deviation of 1/√10,000 = 1%
    /// per run, 0.82% between one run and three: 4 of those again.
    func testReplicationsGiveTheSameBottleneckAsOneRun() throws {
        let file = try temporaryDirectory().appendingPathComponent("reps.yaml")
        try """
            name: reps
            seed: 3
            duration: 110s
            warmup: 10s
            workload:
              - name: jobs
                arrival: poisson(100/s)
                route: [app, q]
            components:
              app:
                kind: server
                service: exponential(6ms)
              q:
                kind: queue
                workers: 4
                service: constant(1ms)
                consumers: 2
                process: exponential(1ms)
            """.write(to: file, atomically: true, encoding: .utf8)
        func analysis(_ extra: [String]) throws -> [String: Any] {
            let out = try sdsim(["run", file.path, "--no-db", "--format", "json"] + extra)
            XCTAssertEqual(out.status, 0, out.stderr)
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
            return try XCTUnwrap(doc["bottleneck"] as? [String: Any])
        }
        let one = try analysis([]), three = try analysis(["--replications", "3"])
        let x1 = try XCTUnwrap(one["throughput"] as? Double), x3 = try XCTUnwrap(three["throughput"] as? Double)
        XCTAssertEqual(x1, 100, accuracy: 4)
        XCTAssertEqual(x3, x1, accuracy: 4 * 0.82, "X0 of 3 replications against one run")
        func row(_ b: [String: Any], _ name: String) throws -> [String: Any] {
            try XCTUnwrap((b["demands"] as? [String: Any])?[name] as? [String: Any])
        }
        XCTAssertEqual(try row(three, "app")["demand"] as? Double ?? 0, 0.006, accuracy: 1e-12)
        XCTAssertEqual(one["bottleneck"] as? String, "app")
        XCTAssertEqual(three["bottleneck"] as? String, "app")
        XCTAssertEqual(try row(three, "q")["demand_measured"] as? Bool, true)
        let q1 = try XCTUnwrap(try row(one, "q")["demand"] as? Double), q3 = try XCTUnwrap(try row(three, "q")["demand"] as? Double)
        XCTAssertEqual(q1, 0.001 / 2, accuracy: 4 * 0.01 * 0.001 / 2)
        XCTAssertEqual(q3, q1, accuracy: 4 * 0.0082 * q1)
        XCTAssertEqual(three["throughput_ceiling"] as? Double ?? 0, 1 / 0.006, accuracy: 1e-9)
        for law in ["utilization_law", "littles_law", "forced_flow_law"] {
            let check = try XCTUnwrap(try row(three, "app")[law] as? [String: Any], law)
            XCTAssertEqual(check["holds"] as? Bool, true, "\(law): \(check)")
        }
    }

    /// `sdsim spof` on two designs side by side reports each workload on its own row, stores the
    /// audit, and stops on an overloaded baseline.
    func testSpofSeparatesWorkloadsAndStoresTheAudit() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("s.db").path
        let file = dir.appendingPathComponent("two.yaml")
        // Two designs side by side: a balanced pair of servers, and one big server.
        try """
            name: two-designs
            duration: 60s
            workload:
              - name: horizontal
                arrival: poisson(200/s)
                route: [lb, web]
              - name: vertical
                arrival: poisson(200/s)
                route: [big]
            components:
              lb:
                kind: load-balancer
                targets: web
              web:
                kind: server
                replicas: 2
                workers: 2
                service: exponential(5ms)
              big:
                kind: server
                workers: 4
                service: exponential(5ms)
            """.write(to: file, atomically: true, encoding: .utf8)
        let out = try sdsim(["spof", file.path, "--db", db, "--format", "json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], out.stderr)
        let rows = try XCTUnwrap(doc["rows"] as? [[String: Any]])
        for row in rows {
            XCTAssertEqual((row["workloads"] as? [String: Any])?.count, 2, "\(row)")
        }
        let count = try SQLiteCounter(path: db)
        XCTAssertEqual(count.query("SELECT COUNT(*) FROM analyses WHERE kind = 'spof'"), 1)
        XCTAssertEqual(count.query("SELECT COUNT(DISTINCT row_index) FROM analysis_rows WHERE section = 'outcomes'"), 2 * (rows.count + 1))

        let stopped = try sdsim(["spof", "scenarios/spof-single-db.yaml", "--no-db"])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stdout.contains("misses its SLO with nothing down"), stopped.stdout)
        XCTAssertTrue(stopped.stdout.contains("Fix the capacity first"), stopped.stdout)
    }

    /// The lesson: three single points of failure, each with its fix; the fixed design has none.
    func testSpofLessonAndItsFixes() throws {
        let before = try sdsim(["spof", "scenarios/spof-lesson.yaml", "--no-db", "--format", "json"])
        XCTAssertEqual(before.status, 1, before.stderr)
        let a = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(a["single_points_of_failure"] as? [String], ["lb", "app", "db"])
        let fixes = (a["rows"] as? [[String: Any]] ?? []).compactMap { $0["fix"] as? String }
        XCTAssertEqual(fixes.count, 3)
        XCTAssertTrue(fixes[0].contains("replicas: 2"), fixes[0])
        XCTAssertTrue(fixes[1].contains("health-check"), fixes[1])
        XCTAssertTrue(fixes[2].contains("failover"), fixes[2])
        let after = try sdsim(["spof", "scenarios/spof-lesson-fixed.yaml", "--no-db"])
        XCTAssertEqual(after.status, 0, after.stdout)
        XCTAssertTrue(after.stdout.contains("No single point of failure."), after.stdout)
    }

    /// The whiteboard architecture passes: every tier of instagram.yaml survives the loss of any one
    /// replica, balancer, or the database's primary, for every workload. A 60 s run (a 20 s outage,
    /// twice the database's 10 s failover) keeps the 20 runs cheap; the full 210 s audit agrees
    /// (`sdsim spof scenarios/instagram.yaml`, about 80 s of CPU).
    func testInstagramHasNoSinglePointOfFailure() throws {
        let out = try sdsim(["spof", "scenarios/instagram.yaml", "--no-db", "--jobs", "2", "--format", "json",
                             "--set", "duration=60s", "--set", "warmup=10s"])
        XCTAssertEqual(out.status, 0, out.stdout)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["single_points_of_failure"] as? [String], [])
        XCTAssertEqual((doc["rows"] as? [Any])?.count, 19)   // 19 component groups, no machines or zones
    }

    /// `redundancy: dns` and `detection:` are read; a replicated balancer may start a route.
    func testRedundancyKeysAreRead() throws {
        let file = try temporaryDirectory().appendingPathComponent("dns.yaml")
        try """
            name: dns
            duration: 10s
            workload:
              - name: w
                arrival: poisson(10/s)
                route: [lb, app]
            components:
              lb:
                kind: load-balancer
                targets: app
                replicas: 2
                redundancy: dns
              app:
                kind: server
                service: constant(1ms)
            """.write(to: file, atomically: true, encoding: .utf8)
        let ok = try sdsim(["validate", file.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "redundancy: dns", with: "redundancy: vrrp")
            .write(to: file, atomically: true, encoding: .utf8)
        let bad = try sdsim(["validate", file.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("redundancy"), bad.stderr)
    }
}
