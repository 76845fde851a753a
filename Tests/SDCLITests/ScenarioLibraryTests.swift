import Foundation
import XCTest

/// The scenario library in `scenarios/`: every file teaches something (`lesson:`), checks what it
/// teaches (`expect:`), holds its expectations and gives the same bytes every time.
final class ScenarioLibraryTests: XCTestCase {
    /// The scenarios written as lessons; each must have a lesson and expectations.
    static let library = [
        "scaling-horizontal-vs-vertical", "spof-single-db", "read-replicas", "cache-in-front", "consistent-vs-modn",
        "cache-policies", "cache-write-policies", "sharding", "queue-vs-polling", "soa-vs-microservices",
        "monolith-vs-microservices", "mm1", "three-tier", "spof-lesson", "spof-lesson-fixed", "cdn-photo-views", "autoscale-load-step", "sql-vs-nosql", "sharding-by-region",
        "notifier-heartbeats",
    ]

    /// Every shipped scenario exits with status 0 (so all its expectations hold), keeps its
    /// invariants (`--check`: ledgers and Little's law), and runs byte-identically twice.
    func testEveryScenarioHoldsItsExpectationsDeterministically() throws {
        for file in try shippedScenarios() {
            let a = try sdsim(["run", file, "--no-db", "--check"])
            XCTAssertEqual(a.status, 0, "\(file):\n\(a.stdout)\(a.stderr)")
            XCTAssertTrue(a.stderr.contains("invariants hold"), "\(file): \(a.stderr)")
            XCTAssertFalse(a.stdout.contains(" FAIL "), "\(file):\n\(a.stdout)")
            let b = try sdsim(["run", file, "--no-db"])
            XCTAssertEqual(a.stdout, b.stdout, "\(file) is not deterministic")
        }
    }

    /// The library's scenarios each carry a lesson (printed first) and at least three expectations.
    func testLibraryScenariosHaveLessonsAndExpectations() throws {
        let shipped = try shippedScenarios()
        for name in Self.library {
            let file = "scenarios/\(name).yaml"
            XCTAssertTrue(shipped.contains(file), "missing \(file)")
            let out = try sdsim(["run", file, "--no-db", "--format", "json"])
            XCTAssertEqual(out.status, 0, "\(file): \(out.stderr)")
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], file)
            XCTAssertFalse((json["lesson"] as? String ?? "").isEmpty, "\(file) has no lesson")
            let expectations = try XCTUnwrap(json["expectations"] as? [[String: Any]], file)
            XCTAssertGreaterThanOrEqual(expectations.count, 3, file)
            for e in expectations {
                XCTAssertEqual(e["passed"] as? Bool, true, "\(file): \(e)")
                XCTAssertNotNil(e["value"] as? Double, "\(file): \(e)")
            }
            XCTAssertEqual(json["expectations_passed"] as? Bool, true, file)
        }
    }

    /// A failing expectation: the report still prints (with FAIL and the measured value), the run is
    /// stored, and the exit status is 1. `--no-expect` skips the check.
    func testFailingExpectationExitsWithStatus1() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("failing.yaml")
        let mm1 = try String(contentsOf: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        let base = mm1.components(separatedBy: "\nlesson:")[0].replacingOccurrences(of: "duration: 400000s", with: "duration: 2000s")
        try (base + """

            lesson: A lesson.
            expect:
              - station.utilization < 0.1
              - jobs.p99 < 1h
              - station.not_a_metric > 0

            """).write(to: file, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("results.db").path
        let out = try sdsim(["run", file.path, "--db", db])
        XCTAssertEqual(out.status, 1, out.stderr)
        XCTAssertTrue(out.stdout.hasPrefix("sdsim — mm1"), out.stdout)
        XCTAssertTrue(out.stdout.contains("Lesson: A lesson."), out.stdout)
        func row(_ expectation: String) -> [Substring] {
            let line = out.stdout.split(separator: "\n").first { $0.hasPrefix(expectation + " ") } ?? ""
            return line.dropFirst(expectation.count).split(separator: " ")
        }
        XCTAssertEqual(row("station.utilization < 0.1").first, "FAIL", out.stdout)
        XCTAssertEqual(row("jobs.p99 < 1h").first, "PASS", out.stdout)
        XCTAssertTrue(out.stdout.contains("FAIL station.not_a_metric > 0: component 'station' has no metric 'not_a_metric'"), out.stdout)
        XCTAssertTrue(out.stdout.contains("2 of 3 expectations failed."), out.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: db), "the run is stored before exiting")

        let json = try sdsim(["run", file.path, "--no-db", "--format", "json"])
        XCTAssertEqual(json.status, 1)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let outcomes = try XCTUnwrap(doc["expectations"] as? [[String: Any]])
        XCTAssertEqual(outcomes.map { $0["passed"] as? Bool }, [false, true, false])
        XCTAssertEqual(outcomes[0]["expect"] as? String, "station.utilization < 0.1")
        XCTAssertNotNil(outcomes[0]["value"] as? Double)
        XCTAssertTrue(outcomes[2]["value"] is NSNull)
        XCTAssertEqual(doc["expectations_passed"] as? Bool, false)

        let skipped = try sdsim(["run", file.path, "--no-db", "--no-expect"])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertFalse(skipped.stdout.contains("FAIL"))
        XCTAssertTrue(skipped.stdout.contains("Lesson: A lesson."))
    }

    /// A bad expectation is a load-time error (status 2) that points at it.
    func testBadExpectationIsALoadError() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try """
            name: bad
            duration: 10s
            workload:
              - name: jobs
                arrival: poisson(1/s)
                route: [station]
            components:
              station:
                kind: server
                service: exponential(100ms)
            expect:
              - staton.utilization < 0.5

            """.write(to: file, atomically: true, encoding: .utf8)
        let out = try sdsim(["run", file.path, "--no-db"])
        XCTAssertEqual(out.status, 2)
        XCTAssertEqual(out.stdout, "")
        XCTAssertTrue(out.stderr.contains("bad.yaml:12:5: error: unknown subject 'staton' in expectation; did you mean 'station'?"), out.stderr)
    }
}
