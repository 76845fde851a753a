import CSQLite
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

        // The same queue at a much higher load, with the same seeds: paired, the mean latency is marked.
        let busier = dir.appendingPathComponent("busier.yaml")
        let mm1 = try String(contentsOf: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        XCTAssertTrue(mm1.contains("poisson(0.5/s)"), "the test edits mm1's arrival rate")
        try mm1.replacingOccurrences(of: "poisson(0.5/s)", with: "poisson(0.8/s)").write(to: busier, atomically: true, encoding: .utf8)
        XCTAssertEqual(try sdsim(["run", busier.path, "--db", db, "--quiet", "--replications", "4", "--no-expect"]).status, 0)
        let different = try sdsim(["results", "diff", "1", "2", "--db", db])
        XCTAssertTrue(different.stdout.contains("paired over 4 replications with the same seeds"), different.stdout)
        let marks = try XCTUnwrap(try json(try sdsim(["results", "diff", "1", "2", "--db", db, "--format", "json"]).stdout)["lines"] as? [[String: Any]])
        let marked = marks.filter { ($0["significant"] as? Bool) == true }.map { "\($0["subject"]!) \($0["figure"]!)" }
        XCTAssertTrue(marked.contains("jobs latency mean") && marked.contains("station utilization"), "\(marked)")

        // One replication each: the same two systems, but significance cannot be judged.
        XCTAssertEqual(try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet"]).status, 0)
        XCTAssertEqual(try sdsim(["run", busier.path, "--db", db, "--quiet", "--no-expect"]).status, 0)
        let single = try sdsim(["results", "diff", "3", "4", "--db", db])
        XCTAssertTrue(single.stdout.contains("Significance cannot be judged: both runs have one replication"), single.stdout)
        XCTAssertFalse(single.stdout.contains("*"), single.stdout)
        let singleJSON = try json(try sdsim(["results", "diff", "3", "4", "--db", db, "--format", "json"]).stdout)
        XCTAssertEqual(singleJSON["judged"] as? Bool, false)
        XCTAssertTrue(singleJSON["test"] is NSNull)

        let missing = try sdsim(["results", "show", "9", "--db", db])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no run or analysis 9"), missing.stderr)
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
        XCTAssertEqual(check.text("SELECT label FROM analyses WHERE kind = 'spof'"), "audit-1")
        XCTAssertNotNil(check.text("SELECT created_at FROM analyses"))
        XCTAssertNotNil(check.text("SELECT sdsim_version FROM analyses"))
        XCTAssertNotNil(check.text("SELECT seed FROM analyses"))
        XCTAssertGreaterThan(check.query("SELECT count(*) FROM analysis_rows WHERE section = 'outcomes' AND name = 'spof' AND value = 1"), 0)
        // results list shows it; results show prints its tables.
        let list = try sdsim(["results", "list", "--db", db, "--kind", "spof", "--format", "csv"])
        let rows = csvRows(list.stdout)
        XCTAssertEqual(rows.count, 2, list.stdout)
        XCTAssertEqual(rows[1][rows[0].firstIndex(of: "kind")!], "spof")
        XCTAssertEqual(rows[1][rows[0].firstIndex(of: "label")!], "audit-1")
        let show = try sdsim(["results", "show", rows[1][0], "--db", db])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("Analysis 1: spof of scenarios/single-db.yaml, label 'audit-1'"), show.stdout)
        XCTAssertTrue(show.stdout.contains("\naudit\n") && show.stdout.contains("\noutcomes\n"), show.stdout)
        // Each CSV row of the audit is an outcome row in the database, in order.
        let outcomes = csvRows(out.stdout).dropFirst()
        let stored = csvRows(try sdsim(["results", "show", "1", "--db", db, "--format", "csv"]).stdout)
            .filter { $0[0] == "outcomes" && $0[4] == "workload" }
        XCTAssertEqual(stored.count, outcomes.count)
        XCTAssertEqual(stored.map { $0[3] }, outcomes.map { $0[0] })
    }

    /// One M/M/1 queue at load 0.5 with an SLO on the p99, and two variants: `slow` (the file's
    /// service time, 1 s) and `fast` (0.5 s).
    private func queueWithVariants(duration: String, p99: String) -> String {
        """
        name: queue
        seed: 3
        duration: \(duration)
        warmup: 100s
        slo:
          p99: \(p99)
        workload:
          - name: jobs
            arrival: poisson(0.5/s)
            route: [station]
        components:
          station:
            kind: server
            workers: 1
            service: exponential(1s)
        variants:
          slow: {}
          fast:
            components.station.service: exponential(0.5s)
        """
    }

    /// compare, sweep and size store an analysis each: its tables and its runs.
    func testCompareSweepAndSizeAreStoredAsAnalysesWithTheirRuns() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let file = dir.appendingPathComponent("queue.yaml")
        try queueWithVariants(duration: "3000s", p99: "12s").write(to: file, atomically: true, encoding: .utf8)

        let compare = try sdsim(["compare", file.path, "--replications", "4", "--db", db, "--label", "cmp", "--quiet"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let listed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try sdsim(["results", "list", "--db", db, "--format", "json"]).stdout.utf8))
                                   as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["kind"] as? String }, ["compare", "run", "run"])
        XCTAssertEqual(listed.map { $0["id"] as? Int }, [1, 2, 3])
        XCTAssertEqual(listed[0]["runs"] as? Int, 2)
        XCTAssertEqual(listed[1]["analysis_id"] as? Int, 1)
        XCTAssertEqual(listed[2]["settings"] as? String, "system=fast")
        XCTAssertEqual(listed.map { $0["label"] as? String }, ["cmp", "cmp", "cmp"])

        let shown = try json(try sdsim(["results", "show", "1", "--db", db, "--format", "json"]).stdout)
        XCTAssertEqual((shown["runs"] as? [[String: Any]])?.map { $0["id"] as? Int }, [2, 3])
        let figures = try XCTUnwrap((shown["tables"] as? [String: Any])?["figures"] as? [[String: Any]])
        let fastMean = try XCTUnwrap(figures.first { $0["subject"] as? String == "jobs" && $0["metric"] as? String == "mean" && $0["system"] as? String == "fast" })
        XCTAssertEqual(fastMean["significant"] as? Double, 1)
        XCTAssertEqual(fastMean["run"] as? Int, 3)
        XCTAssertLessThan(try XCTUnwrap(fastMean["difference_high"] as? Double), 0)
        // The compare report marks the same difference.
        XCTAssertTrue(compare.stdout.contains("*"), compare.stdout)
        // The two systems' runs diff paired (the same seeds), and the mean latency is marked.
        let diff = try sdsim(["results", "diff", "2", "3", "--db", db])
        XCTAssertTrue(diff.stdout.contains("paired over 4 replications"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("latency mean") && diff.stdout.contains("*"), diff.stdout)
        let notARun = try sdsim(["results", "diff", "1", "2", "--db", db])
        XCTAssertEqual(notARun.status, 2)
        XCTAssertTrue(notARun.stderr.contains("1 is a compare analysis, not a run; its runs are 2, 3"), notARun.stderr)

        let sweep = try sdsim(["sweep", file.path, "--variant", "slow", "--vary", "workload.jobs.arrival=poisson(0.2/s)..poisson(0.8/s):4",
                               "--replications", "3", "--db", db, "--quiet"])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let size = try sdsim(["size", file.path, "--variant", "slow", "--vary", "components.station.workers=1..8", "--replications", "3",
                              "--db", db, "--quiet"])
        XCTAssertEqual(size.status, 0, size.stderr)
        let kinds = csvRows(try sdsim(["results", "list", "--db", db, "--format", "csv"]).stdout)
        let kind = kinds[0].firstIndex(of: "kind")!, runs = kinds[0].firstIndex(of: "runs")!
        let analyses = kinds.dropFirst().filter { $0[kind] != "run" }
        XCTAssertEqual(analyses.map { $0[kind] }, ["compare", "sweep", "size"])
        XCTAssertEqual(analyses[1][runs], "4")
        let sweepShow = try sdsim(["results", "show", analyses[1][0], "--db", db])
        for table in ["points", "figures", "slo", "knee", "slo_limit"] {
            XCTAssertTrue(sweepShow.stdout.contains("\n\(table)\n"), "\(table): \(sweepShow.stdout)")
        }
        let sizeShow = try json(try sdsim(["results", "show", analyses[2][0], "--db", db, "--format", "json"]).stdout)
        let sizeTables = try XCTUnwrap(sizeShow["tables"] as? [String: Any])
        let answer = try XCTUnwrap((sizeTables["answer"] as? [[String: Any]])?.first)
        let candidates = try XCTUnwrap(sizeTables["candidates"] as? [[String: Any]])
        XCTAssertEqual(candidates.count, (sizeShow["runs"] as? [Any])?.count)
        // The answer is the smallest value tried that meets the SLO.
        let meeting = candidates.filter { $0["meets_slo"] as? Double == 1 }.compactMap { $0["value"] as? Double }
        XCTAssertEqual(answer["answer"] as? Double, meeting.min())
        XCTAssertEqual(try sdsim(["results", "list", "--db", db, "--kind", "size", "--label", "none"]).stdout,
                       "No size analyses labelled 'none' in \(db).\n")

        // export writes one file per table, and the runs.
        let out = dir.appendingPathComponent("export").path
        let export = try sdsim(["results", "export", "1", "--db", db, "--csv", out])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(csvRows(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8)),
                       [["id", "settings"], ["2", "system=slow"], ["3", "system=fast"]])
        let exported = csvRows(try String(contentsOfFile: out + "/figures.csv", encoding: .utf8))
        XCTAssertEqual(exported.count - 1, figures.count)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/scenario.yaml"))
    }

    /// Diffs twenty pairs of runs of one system (`test`: the test `results diff` must choose) and
    /// checks that no figure is marked in more of them than the 95% level allows: with no real
    /// difference each figure is marked with probability 0.05, and Binomial(20, 0.05) reaches 5
    /// with probability 0.0026 (each figure's diffs are independent). Returns the marks per figure.
    private func marksAtMostTheLevelImplies(db: String, diffs: [(Int, Int)], test: String,
                                            file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int] {
        XCTAssertEqual(diffs.count, 20, file: file, line: line)
        var marks: [String: Int] = [:]
        for (a, b) in diffs {
            let out = try json(try sdsim(["results", "diff", String(a), String(b), "--db", db, "--format", "json"]).stdout)
            XCTAssertEqual(out["test"] as? String, test, file: file, line: line)
            for l in try XCTUnwrap(out["lines"] as? [[String: Any]]) {
                marks["\(l["subject"]!) \(l["figure"]!)", default: 0] += (l["significant"] as? Bool) == true ? 1 : 0
            }
        }
        for (figure, n) in marks.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThanOrEqual(n, 4, "\(figure) marked in \(n) of \(diffs.count) \(test) diffs of the same system", file: file, line: line)
        }
        return marks
    }

    /// The same system with different seeds: each figure is marked in about 5% of diffs (the rate
    /// the 95% level implies), never more than the binomial bound allows. Fixed seeds keep the
    /// count the same on every run of the test.
    func testTheSameSystemWithDifferentSeedsIsMarkedOnlyAtTheRateTheLevelImplies() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let pairs = 20
        for seed in 1...(2 * pairs) {
            let r = try sdsim(["run", "scenarios/mm1.yaml", "--db", db, "--quiet", "--no-expect", "--seed", String(seed),
                               "--replications", "5", "--set", "duration=3000s"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let marks = try marksAtMostTheLevelImplies(db: db, diffs: (0..<pairs).map { (2 * $0 + 1, 2 * $0 + 2) }, test: "welch")
        XCTAssertEqual(marks.count, 9)   // six workload figures, three station figures
        print("marks over \(pairs) diffs of the same system:", marks.sorted(by: { $0.key < $1.key }))
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

    /// spof, compare, sweep and size check --db before anything runs, and a failed write of the
    /// analysis is an error (exit 1) that leaves nothing of it behind.
    func testAnalysesCheckTheDatabaseFirstAndAFailedWriteIsAnError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("queue.yaml").path
        try queueWithVariants(duration: "500s", p99: "30s").write(toFile: file, atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["spof", file, "--variant", "slow"],
            ["compare", file, "--replications", "2"],
            ["sweep", file, "--variant", "slow", "--vary", "components.station.workers=1,2", "--replications", "2"],
            ["size", file, "--variant", "slow", "--vary", "components.station.workers=1..4", "--replications", "2"],
        ]
        let blocker = dir.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("r.db").path
        XCTAssertEqual(try sdsim(["run", file, "--variant", "slow", "--db", db, "--quiet"]).status, 0)
        var handle: OpaquePointer?
        XCTAssertEqual(sqlite3_open(db, &handle), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(handle, "CREATE TRIGGER boom BEFORE INSERT ON analysis_rows BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                                    nil, nil, nil), SQLITE_OK)
        sqlite3_close(handle)
        for command in commands {
            let empty = try sdsim(command + ["--db", "", "--quiet"])
            XCTAssertEqual(empty.status, 2, "\(command[0]): \(empty.stderr)")
            XCTAssertTrue(empty.stderr.contains("--db needs a file name"), "\(command[0]): \(empty.stderr)")
            let unopenable = try sdsim(command + ["--db", blocker.path + "/r.db", "--quiet"])
            XCTAssertEqual(unopenable.status, 1, "\(command[0]): \(unopenable.stderr)")
            XCTAssertEqual(unopenable.stdout, "", "\(command[0]): nothing is run when the result could not be stored")
            let failed = try sdsim(command + ["--db", db, "--quiet"])
            XCTAssertEqual(failed.status, 1, "\(command[0]): \(failed.stderr)")
            XCTAssertTrue(failed.stderr.contains("injected failure"), "\(command[0]): \(failed.stderr)")
            XCTAssertEqual(failed.stdout, "", "\(command[0]): the report is printed only once stored")
        }
        let sql = try SQLiteCounter(path: db)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM analyses"), 0)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM runs"), 1, "no run of a failed analysis is left")
        XCTAssertEqual(sql.text("PRAGMA integrity_check"), "ok")
    }

    /// The same system twice under common random numbers: one file of mm1 and the same queue
    /// with its server renamed (so its service times come from another stream, while the
    /// arrivals, drawn from the workload's streams, are the same). The systems of each compare
    /// diff paired, and each figure is marked in about 5% of the diffs, within the binomial bound.
    func testPairedDiffsOfTheSameSystemAreMarkedOnlyAtTheRateTheLevelImplies() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.db").path
        let renamed = dir.appendingPathComponent("mm1-renamed.yaml").path
        let mm1 = try String(contentsOf: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        XCTAssertTrue(mm1.contains("route: [station]") && mm1.contains("  station:\n"), "the test renames mm1's server")
        try mm1.replacingOccurrences(of: "route: [station]", with: "route: [server]")
            .replacingOccurrences(of: "  station:\n", with: "  server:\n")
            .replacingOccurrences(of: "station.utilization", with: "server.utilization")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        let compares = 20
        for seed in 1...compares {
            let c = try sdsim(["compare", "scenarios/mm1.yaml", renamed, "--db", db, "--quiet", "--seed", String(seed),
                               "--replications", "5", "--set", "duration=3000s"])
            XCTAssertEqual(c.status, 0, c.stderr)
        }
        // Each compare is the analysis 3k+1 with its two systems' runs 3k+2 and 3k+3.
        let marks = try marksAtMostTheLevelImplies(db: db, diffs: (0..<compares).map { (3 * $0 + 2, 3 * $0 + 3) }, test: "paired")
        XCTAssertEqual(marks.count, 6)   // the workload's six figures; the server has a different name in each
        print("marks over \(compares) paired diffs of the same system:", marks.sorted(by: { $0.key < $1.key }))
    }
}
