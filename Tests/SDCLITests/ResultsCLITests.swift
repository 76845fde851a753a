import Foundation
import XCTest

/// `sdsim results …`, `--format csv`, `--label`, and the results database under SIGKILL and
/// concurrent writers.
final class ResultsCLITests: XCTestCase {
    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Parses CSV as sdsim writes it (quoted fields may hold commas, quotes and newlines).
    private func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false } }
                else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(c) }
            i += 1
        }
        chars = []
        return rows
    }

    /// Equal up to the last bit Foundation's JSON parser gets wrong on Linux (it reads
    /// `0.02009464497103793` as `0.020094644971037932`): the files hold the same text.
    private func same(_ a: Double?, _ b: Double?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTAssertEqual(a, b, what, file: file, line: line) }
        XCTAssertEqual(a, b, accuracy: 4 * (a.magnitude.ulp), what, file: file, line: line)
    }

    /// run → list → show → export: the stored figures are the run's JSON figures.
    func testRoundTripRunListShowExport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let run = try sdsim(["run", "scenarios/failures.yaml", "--db", db, "--format", "json", "--label", "baseline", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let other = try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet"])
        XCTAssertEqual(other.status, 0, other.stderr)

        let list = try sdsim(["results", "list", "--db", db, "--label", "baseline", "--format", "json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let runs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0]["scenario"] as? String, "failures")
        XCTAssertEqual(runs[0]["label"] as? String, "baseline")
        XCTAssertNotNil(runs[0]["created_at"] as? String)
        XCTAssertNotNil(runs[0]["sdsim_version"] as? String)
        XCTAssertTrue((runs[0]["command_line"] as? String)?.hasSuffix("--label baseline --quiet") ?? false, "\(runs[0])")
        let id = try XCTUnwrap(runs[0]["id"] as? Int)
        let byScenario = try sdsim(["results", "list", "--db", db, "--scenario", "mm1"])
        XCTAssertTrue(byScenario.stdout.contains("mm1") && !byScenario.stdout.contains("failures"), byScenario.stdout)

        // show --format json is the run's JSON report plus a "recorded" object.
        let show = try sdsim(["results", "show", String(id), "--db", db, "--format", "json"])
        XCTAssertEqual(show.status, 0, show.stderr)
        var shown = try json(show.stdout)
        let recorded = try XCTUnwrap(shown.removeValue(forKey: "recorded") as? [String: Any])
        XCTAssertEqual(recorded["label"] as? String, "baseline")
        // The load analysis ("stability", "bottleneck") is stored in figures but not rebuilt by show.
        var rebuilt = try json(run.stdout)
        rebuilt["stability"] = nil
        rebuilt["bottleneck"] = nil
        XCTAssertEqual(NSDictionary(dictionary: shown), NSDictionary(dictionary: rebuilt))
        let text = try sdsim(["results", "show", String(id), "--db", db])
        XCTAssertTrue(text.stdout.contains("label 'baseline'") && text.stdout.contains("Workload"), text.stdout)

        // export: the CSV files hold the JSON's figures.
        let out = dir.appendingPathComponent("export").path
        let export = try sdsim(["results", "export", String(id), "--db", db, "--csv", out])
        XCTAssertEqual(export.status, 0, export.stderr)
        let report = try json(run.stdout)
        let workloads = csvRows(try String(contentsOfFile: out + "/workloads.csv", encoding: .utf8))
        let header = workloads[0]
        let feed = try XCTUnwrap((report["workload"] as? [String: Any])?["feed-read"] as? [String: Any])
        let latency = try XCTUnwrap(feed["latency"] as? [String: Any])
        let row = workloads[1]
        XCTAssertEqual(row[header.firstIndex(of: "workload")!], "feed-read")
        XCTAssertEqual(Int(row[header.firstIndex(of: "completed")!]), feed["completed"] as? Int)
        XCTAssertEqual(Int(row[header.firstIndex(of: "failed")!]), feed["failed"] as? Int)
        for key in ["mean", "p50", "p99", "p999", "max"] {
            let column = key == "mean" ? "latency_mean" : key
            same(Double(row[header.firstIndex(of: column)!]), latency[key] as? Double, key)
        }
        let components = csvRows(try String(contentsOfFile: out + "/components.csv", encoding: .utf8))
        let jsonComponents = try XCTUnwrap(report["components"] as? [String: Any])
        XCTAssertEqual(components.count - 1, jsonComponents.count)
        for c in components.dropFirst() {
            let j = try XCTUnwrap(jsonComponents[c[0]] as? [String: Any], c[0])
            same(Double(c[components[0].firstIndex(of: "utilization")!]), j["utilization"] as? Double, c[0])
            same(Double(c[components[0].firstIndex(of: "throughput")!]), j["throughput"] as? Double, c[0])
        }
        // The series: the throughput over time of the JSON, value by value.
        let series = csvRows(try String(contentsOfFile: out + "/series.csv", encoding: .utf8))
        let stored = series.filter { $0[1] == "feed-read" && $0[2] == "throughput" }.map { Double($0[4]) }
        let jsonSeries = try XCTUnwrap(((feed["series"] as? [String: Any])?["throughput"] as? [String: Any])?["values"] as? [Any])
        XCTAssertEqual(stored.count, 50)
        XCTAssertEqual(jsonSeries.count, 50)
        for (a, b) in zip(stored, jsonSeries) { same(a, b as? Double, "throughput series") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/scenario.yaml"))

        // Nothing the user owns is overwritten.
        let again = try sdsim(["results", "export", String(id), "--db", db, "--csv", out])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("not overwriting"), again.stderr)
    }

    func testDiffOfARunWithItselfMarksNothingAndDifferentRunsAreMarked() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet", "--replications", "4"]).status, 0)
        let same = try sdsim(["results", "diff", "1", "1", "--db", db])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertFalse(same.stdout.contains("*"), same.stdout)
        XCTAssertTrue(same.stdout.contains("No significant difference"), same.stdout)
        let sameJSON = try sdsim(["results", "diff", "1", "1", "--db", db, "--format", "json"])
        let lines = try XCTUnwrap(try json(sameJSON.stdout)["lines"] as? [[String: Any]])
        XCTAssertFalse(lines.isEmpty)
        XCTAssertTrue(lines.allSatisfy { ($0["significant"] as? Bool) == false })

        // The same queue at a much higher load: the mean latency differs far beyond the intervals.
        let busier = dir.appendingPathComponent("busier.yaml")
        let mm1 = try String(contentsOf: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        XCTAssertTrue(mm1.contains("poisson(0.5/s)"), "the test edits mm1's arrival rate")
        try mm1.replacingOccurrences(of: "poisson(0.5/s)", with: "poisson(0.8/s)").write(to: busier, atomically: true, encoding: .utf8)
        XCTAssertEqual(try sdsim(["run", busier.path, "--db", db, "--quiet", "--replications", "4", "--no-expect"]).status, 0)
        let different = try sdsim(["results", "diff", "1", "2", "--db", db])
        XCTAssertTrue(different.stdout.contains("*"), different.stdout)

        let missing = try sdsim(["results", "show", "9", "--db", db])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no run 9"), missing.stderr)
        let noDatabase = try sdsim(["results", "list", "--db", dir.appendingPathComponent("none.db").path])
        XCTAssertEqual(noDatabase.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path))
    }

    func testFormatCSVPrintsTheWorkloadAndComponentTables() throws {
        let out = try sdsim(["run", "scenarios/three-tier.yaml", "--no-db", "--format", "csv"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let parts = out.stdout.components(separatedBy: "\n\n")
        XCTAssertEqual(parts.count, 2)
        let workloads = csvRows(parts[0] + "\n"), components = csvRows(parts[1])
        XCTAssertEqual(workloads[0].first, "workload")
        XCTAssertEqual(components[0].first, "component")
        XCTAssertEqual(components.dropFirst().map { $0[0] }, ["lb", "app-1", "app-2", "app-3", "app-4", "app", "cache", "db"])
        XCTAssertTrue(components.allSatisfy { $0.count == components[0].count })
        let again = try sdsim(["run", "scenarios/three-tier.yaml", "--no-db", "--format", "csv"])
        XCTAssertEqual(out.stdout, again.stdout)
    }

    func testSpofIsRecordedWithItsMetadata() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsim(["spof", "scenarios/single-db.yaml", "--db", db, "--quiet", "--label", "audit-1", "--format", "csv"])
        XCTAssertEqual(out.status, 1, out.stderr)
        XCTAssertTrue(out.stdout.hasPrefix("target,target_kind,crashed,workload,"), out.stdout)
        let check = try SQLiteCounter(path: db)
        XCTAssertEqual(check.text("SELECT label FROM spof_audits"), "audit-1")
        XCTAssertNotNil(check.text("SELECT created_at FROM spof_audits"))
        XCTAssertNotNil(check.text("SELECT sdsim_version FROM spof_audits"))
        XCTAssertGreaterThan(check.query("SELECT count(*) FROM spof_outcomes WHERE spof = 1"), 0)
    }

    /// Processes killed with SIGKILL at many moments, some during the write: the database stays
    /// consistent and holds only whole runs.
    func testSIGKILLLeavesNoHalfWrittenRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        // How long one run takes here, to spread the kills over its whole life.
        let started = Date()
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet"]).status, 0)
        let duration = Date().timeIntervalSince(started)
        let kills = 24
        for k in 0..<kills {
            let p = Process()
            p.executableURL = productsDirectory.appendingPathComponent("sdsim")
            p.arguments = ["run", "scenarios/mm1.yaml", "--db", db, "--quiet"]
            p.currentDirectoryURL = repoRoot
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // From early in the run to just past its usual end, where the write happens.
            Thread.sleep(forTimeInterval: duration * (0.5 + 0.6 * Double(k) / Double(kills)))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let check = try SQLiteCounter(path: db)
        XCTAssertEqual(check.text("PRAGMA integrity_check"), "ok")
        let runs = check.query("SELECT count(*) FROM runs")
        XCTAssertGreaterThanOrEqual(runs, 1)
        // Every run is whole: its workload and component rows and its series are there.
        XCTAssertEqual(check.query("SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM workload_stats)"), 0)
        XCTAssertEqual(check.query("SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM component_stats)"), 0)
        XCTAssertEqual(check.query("SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM series GROUP BY run_id)"), 1)
        XCTAssertEqual(check.query("SELECT count(DISTINCT run_id) FROM series"), runs)
        // And the database still takes runs.
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet"]).status, 0)
        XCTAssertEqual(check.query("SELECT count(*) FROM runs"), runs + 1)
    }

    /// Two processes writing one database at once both land.
    func testConcurrentWritersBothLand() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let group = DispatchGroup()
        final class Box: @unchecked Sendable { var statuses: [Int32] = [0, 0, 0, 0]; let lock = NSLock() }
        let box = Box()
        for i in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                let out = try? sdsim(["run", "scenarios/three-tier.yaml", "--db", db, "--quiet", "--label", "writer-\(i)"])
                box.lock.lock(); box.statuses[i] = out?.status ?? -1; box.lock.unlock()
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(box.statuses, [0, 0, 0, 0])
        let check = try SQLiteCounter(path: db)
        XCTAssertEqual(check.query("SELECT count(*) FROM runs"), 4)
        XCTAssertEqual(check.query("SELECT count(DISTINCT label) FROM runs"), 4)
        XCTAssertEqual(check.text("PRAGMA integrity_check"), "ok")
    }
}
