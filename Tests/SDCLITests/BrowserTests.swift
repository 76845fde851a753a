import Foundation
import XCTest

/// The HTML reports rendered in a real browser (headless Chromium): no console error (script
/// errors, blocked loads under the report's Content-Security-Policy), and the charts drawn with the
/// expected number of series. Skipped, with a message, where Chromium is not installed
/// (tools/install-deps.sh installs it when run as root).
final class BrowserTests: XCTestCase, @unchecked Sendable {
    private static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    private func requireChromium() throws -> String {
        guard let c = BrowserTests.chromium else {
            throw XCTSkip("Chromium is not installed: the HTML reports are not checked in a browser (install it with tools/install-deps.sh as root, or apt-get install chromium)")
        }
        return c
    }

    struct Rendered { var dom: String; var console: [String] }

    /// Renders `html` headless; with `screenshot`, also saves a PNG of the page.
    private func render(_ html: URL, screenshot: URL? = nil, height: Int = 2600) throws -> Rendered {
        let chromium = try requireChromium()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("sdsim-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        func run(_ extra: [String]) throws -> (String, String) {
            let out = try runProcess(URL(fileURLWithPath: chromium),
                                     ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                                      "--enable-logging=stderr", "--v=0", "--hide-scrollbars"] + extra + [html.absoluteString])
            return (out.stdout, out.stderr)
        }
        let (dom, log) = try run(["--dump-dom"])
        var console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        if let screenshot {
            let (_, shotLog) = try run(["--screenshot=\(screenshot.path)", "--window-size=1100,\(height)"])
            console += shotLog.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        }
        return Rendered(dom: dom, console: console)
    }

    private func attribute(_ name: String, in dom: String) -> String? {
        guard let r = dom.range(of: "\(name)=\"") else { return nil }
        return String(dom[r.upperBound...].prefix { $0 != "\"" })
    }

    /// The series a run's HTML report draws, counted from its JSON report: per workload p50, p99,
    /// throughput and availability; per component its utilization and its queue length (or depth).
    private func expectedSeries(_ json: String) throws -> Int {
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var n = 0
        for (_, w) in doc["workload"] as? [String: Any] ?? [:] where ((w as? [String: Any])?["series"]) != nil { n += 4 }
        for (_, c) in doc["components"] as? [String: Any] ?? [:] {
            let series = (c as? [String: Any])?["series"] as? [String: Any] ?? [:]
            if series["utilization"] != nil { n += 1 }
            if series["queue_length"] != nil || series["depth"] != nil { n += 1 }
            // A database sharded by region: one line per shard in its "Load per shard" chart.
            n += series.keys.filter { $0.hasPrefix("shard_") && $0.hasSuffix("_load") }.count
        }
        return n
    }

    private func check(_ r: Rendered, series: Int, what: String) {
        XCTAssertEqual(r.console, [], "\(what): console messages")
        XCTAssertEqual(attribute("data-errors", in: r.dom), "0", "\(what): script errors")
        XCTAssertEqual(attribute("data-series-drawn", in: r.dom), String(series), "\(what): series drawn")
        XCTAssertGreaterThan(Int(attribute("data-charts", in: r.dom) ?? "0") ?? 0, 0, "\(what): charts")
    }

    /// Every shipped scenario's run report renders without errors and draws every series.
    func testEveryScenarioRunReportRendersInChromium() throws {
        _ = try requireChromium()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = try shippedScenarios()
        final class Box: @unchecked Sendable { var failures: [String] = []; let lock = NSLock() }
        let box = Box()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for (i, file) in scenarios.enumerated() where i % 2 == worker {
                do {
                    let name = (file as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "")
                    let html = dir.appendingPathComponent("\(name).html")
                    let out = try sdsim(["run", file, "--no-db", "--quiet", "--jobs", "1", "--format", "json", "--html", html.path])
                    guard out.status == 0 || out.status == 1 else { throw CocoaError(.fileWriteUnknown, userInfo: ["sdsim": out.stderr]) }
                    let r = try render(html)
                    let series = try expectedSeries(out.stdout)
                    box.lock.lock()
                    if !r.console.isEmpty { box.failures.append("\(file): console \(r.console)") }
                    if attribute("data-errors", in: r.dom) != "0" { box.failures.append("\(file): script errors") }
                    if attribute("data-series-drawn", in: r.dom) != String(series) {
                        box.failures.append("\(file): \(attribute("data-series-drawn", in: r.dom) ?? "no") series drawn, \(series) expected")
                    }
                    box.lock.unlock()
                } catch {
                    box.lock.lock(); box.failures.append("\(file): \(error)"); box.lock.unlock()
                }
            }
        }
        XCTAssertEqual(box.failures, [])
    }

    /// One report of each kind, with screenshots kept in the test's temporary folder (and copied to
    /// docs/images/ when SDSIM_UPDATE_SCREENSHOTS=1).
    func testEachKindOfReportRendersWithItsCharts() throws {
        _ = try requireChromium()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let update = ProcessInfo.processInfo.environment["SDSIM_UPDATE_SCREENSHOTS"] == "1"

        let runHTML = dir.appendingPathComponent("run.html"), dot = dir.appendingPathComponent("run.dot")
        let run = try sdsim(["run", "scenarios/failures.yaml", "--no-db", "--quiet", "--format", "json",
                             "--html", runHTML.path, "--dot", dot.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(try String(contentsOf: dot, encoding: .utf8).contains("digraph"))
        let runShot = dir.appendingPathComponent("html-report-run.png")
        check(try render(runHTML, screenshot: runShot), series: try expectedSeries(run.stdout), what: "run report")
        XCTAssertTrue(FileManager.default.fileExists(atPath: runShot.path))

        let spofHTML = dir.appendingPathComponent("spof.html")
        let spof = try sdsim(["spof", "scenarios/single-db.yaml", "--no-db", "--quiet", "--html", spofHTML.path])
        XCTAssertEqual(spof.status, 1, spof.stderr)   // it has single points of failure
        let spofShot = dir.appendingPathComponent("html-report-spof.png")
        check(try render(spofHTML, screenshot: spofShot, height: 1400), series: 2, what: "spof report")

        // A load sweep with an SLO: per workload p99, mean and throughput, plus the SLO's p99 line.
        let sweepHTML = dir.appendingPathComponent("sweep.html")
        let sweep = try sdsim(["sweep", "scenarios/mm1.yaml", "--vary", "workload.jobs.arrival=poisson(0.1/s)..poisson(0.9/s):9",
                               "--set", "duration=20000s", "--slo", "p99<20s", "--no-db", "--quiet", "--html", sweepHTML.path])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let sweepPage = try String(contentsOf: sweepHTML, encoding: .utf8)
        XCTAssertTrue(sweepPage.contains(">knee<") && sweepPage.contains(">SLO limit<"), "the knee and the SLO limit are shaded")
        let sweepShot = dir.appendingPathComponent("html-report-sweep.png")
        check(try render(sweepHTML, screenshot: sweepShot, height: 1500), series: 4, what: "sweep report")

        if update {
            let images = repoRoot.appendingPathComponent("docs/images")
            try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
            for shot in [runShot, spofShot, sweepShot] {
                let target = images.appendingPathComponent(shot.lastPathComponent)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: shot, to: target)
            }
        }
    }

    /// The compare report: no console error, a distribution and two lines over time per system
    /// (one workload), the shipped comparison's significant differences marked, and nothing marked
    /// when a system is compared with itself.
    func testCompareReportRendersWithItsChartsAndMarks() throws {
        _ = try requireChromium()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("compare.html")
        let out = try sdsim(["compare", "scenarios/scaling-horizontal-vs-vertical.yaml", "--replications", "5", "--no-db", "--quiet",
                             "--html", html.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        let shot = dir.appendingPathComponent("html-report-compare.png")
        let r = try render(html, screenshot: shot, height: 3250)
        check(r, series: 3 * 3, what: "compare report")
        XCTAssertGreaterThan(Int(attribute("data-significant", in: r.dom) ?? "0") ?? 0, 0, "significant differences are marked")
        // sdsim's diagram or Graphviz's (where `dot` is installed), one per system.
        XCTAssertEqual(r.dom.components(separatedBy: "<h3>").count - 1, 3, "a topology per system")

        // The same scenario as two files: every difference is 0, nothing is marked.
        for name in ["a.yaml", "b.yaml"] {
            try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("scenarios/mm1.yaml"), to: dir.appendingPathComponent(name))
        }
        let same = dir.appendingPathComponent("same.html")
        let itself = try sdsim(["compare", dir.appendingPathComponent("a.yaml").path, dir.appendingPathComponent("b.yaml").path,
                                "--set", "duration=2000s", "--replications", "3", "--no-db", "--quiet", "--html", same.path])
        XCTAssertEqual(itself.status, 0, itself.stderr)
        let s = try render(same)
        check(s, series: 2 * 3, what: "a system compared with itself")
        XCTAssertEqual(attribute("data-significant", in: s.dom), "0", "nothing is marked")

        if ProcessInfo.processInfo.environment["SDSIM_UPDATE_SCREENSHOTS"] == "1" {
            let target = repoRoot.appendingPathComponent("docs/images/html-report-compare.png")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: shot, to: target)
        }
    }

    /// A page that breaks is caught: the check is not vacuous.
    func testABrokenPageIsCaught() throws {
        _ = try requireChromium()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("broken.html")
        try """
            <!DOCTYPE html><html><head><script>window.addEventListener('error',function(){document.body.setAttribute('data-errors','1')});</script></head>
            <body><script>undefinedFunction();</script><img src="https://example.invalid/x.png"></body></html>
            """.write(to: page, atomically: true, encoding: .utf8)
        let r = try render(page)
        XCTAssertFalse(r.console.isEmpty, "an uncaught error shows on the console")
        XCTAssertEqual(attribute("data-errors", in: r.dom), "1")
    }
}
