import Foundation
import XCTest

/// `--html` and `--dot` on `compare` and `sweep`: what they write, that the HTML is the same bytes
/// on every run, and that they never overwrite a file sdsim did not write.
final class ReportFilesCLITests: XCTestCase {
    let hv = "scenarios/scaling-horizontal-vs-vertical.yaml"

    /// The HTML of two identical compare runs is byte-identical, for any --jobs (no wall-clock
    /// time, no hash order); the DOT has one cluster per system.
    func testCompareHTMLIsDeterministicAndItsDOTHasAClusterPerSystem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var pages: [Data] = []
        for (i, jobs) in ["1", "2"].enumerated() {
            let html = dir.appendingPathComponent("c\(i).html"), dot = dir.appendingPathComponent("c\(i).dot")
            let out = try sdsim(["compare", hv, "--set", "duration=6s", "--replications", "3", "--no-db", "--quiet", "--jobs", jobs,
                                 "--html", html.path, "--dot", dot.path])
            XCTAssertEqual(out.status, 0, out.stderr)
            pages.append(try Data(contentsOf: html))
            let text = try String(contentsOf: dot, encoding: .utf8)
            XCTAssertEqual(text.components(separatedBy: "subgraph cluster_").count - 1, 3, text)
            for name in ["horizontal", "pooled", "vertical"] { XCTAssertTrue(text.contains("label=\"\(name)\";"), name) }
            XCTAssertTrue(text.contains("BOTTLENECK"), "each system's bottleneck is marked")
            // Graphviz reads it, where installed.
            if let graphviz = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.isExecutableFile) {
                let rendered = try runProcess(URL(fileURLWithPath: graphviz), ["-Tsvg", dot.path])
                XCTAssertEqual(rendered.status, 0, rendered.stderr)
                XCTAssertEqual(rendered.stdout.components(separatedBy: "class=\"cluster\"").count - 1, 3)
            }
        }
        XCTAssertEqual(pages[0], pages[1], "the same bytes on every run and for any --jobs")
        let page = String(decoding: pages[0], as: UTF8.self)
        XCTAssertTrue(page.contains("<td class=\"sig"), "the shipped comparison has significant differences")
        // Replaced on a second run: it is sdsim's own file.
        let again = try sdsim(["compare", hv, "--set", "duration=6s", "--replications", "3", "--no-db", "--quiet",
                               "--html", dir.appendingPathComponent("c0.html").path])
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    /// `sweep --dot` writes the base scenario's topology (not a point's).
    func testSweepWritesTheBaseTopologyAsDOT() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dot = dir.appendingPathComponent("sweep.dot")
        let out = try sdsim(["sweep", "scenarios/three-tier.yaml", "--set", "duration=12s", "--vary", "components.app.replicas=4,5",
                             "--replications", "2", "--no-db", "--quiet", "--dot", dot.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        let text = try String(contentsOf: dot, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("// topology written by sdsim\ndigraph \"three-tier\""), text)
        let base = try sdsim(["run", "scenarios/three-tier.yaml", "--set", "duration=11s", "--no-db", "--quiet",
                              "--dot", dir.appendingPathComponent("run.dot").path])
        XCTAssertEqual(base.status, 0, base.stderr)
        // The same structure as the scenario's (the run's also has utilizations in its labels).
        let edges = { (s: String) in s.split(separator: "\n").filter { $0.contains(" -> ") } }
        XCTAssertEqual(edges(text), edges(try String(contentsOf: dir.appendingPathComponent("run.dot"), encoding: .utf8)))
    }

    /// A file the user owns is never overwritten (exit 1, the file unchanged); a write that fails
    /// is an error; --html and --dot cannot name one file.
    func testCompareAndSweepNeverOverwriteAUsersFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mine = dir.appendingPathComponent("notes.html")
        try "my notes".write(to: mine, atomically: true, encoding: .utf8)
        let compare = ["compare", hv, "--set", "duration=6s", "--replications", "2", "--no-db", "--quiet"]
        let sweep = ["sweep", "scenarios/mm1.yaml", "--set", "duration=1200s", "--vary", "components.station.workers=1,2",
                     "--replications", "2", "--no-db", "--quiet"]
        for command in [compare + ["--html", mine.path], compare + ["--dot", mine.path], sweep + ["--html", mine.path],
                        sweep + ["--dot", mine.path]] {
            let out = try sdsim(command)
            XCTAssertEqual(out.status, 1, "\(command): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("exists and was not written by sdsim; not overwriting it"), out.stderr)
            XCTAssertEqual(try String(contentsOf: mine, encoding: .utf8), "my notes")
        }
        let missing = dir.appendingPathComponent("no/such/dir/c.html").path
        for command in [compare + ["--html", missing], sweep + ["--dot", missing]] {
            let out = try sdsim(command)
            XCTAssertEqual(out.status, 1, "\(command): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("cannot write"), out.stderr)
        }
        let same = dir.appendingPathComponent("same").path
        for command in [compare + ["--html", same, "--dot", same], sweep + ["--html", same, "--dot", same]] {
            let out = try sdsim(command)
            XCTAssertNotEqual(out.status, 0, "\(command)")
            XCTAssertTrue(out.stderr.contains("--html and --dot name the same file"), out.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: same))
        }
    }
}
