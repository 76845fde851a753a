import SDEngine
@testable import SDModels
import SDConfig
@testable import SDAnalysis
import SDMetrics
import XCTest
@testable import SDReports

/// The HTML report: self-contained, deterministic, and safe with any name a scenario holds.
final class HTMLReportTests: XCTestCase {
    static let hostile = [
        "<script>alert(1)</script>", "quo\"te's", "a & b &amp; c", "two\nlines\r\nthree",
        String(repeating: "very-long-name-", count: 40), "]]><!-- -->", "</svg></body>",
    ]

    /// A configuration and a result whose every name is hostile.
    func hostileRun() -> (ModelConfig, RunResult) {
        var components: [ComponentConfig] = []
        for (i, name) in HTMLReportTests.hostile.enumerated() {
            let calls = i + 1 < HTMLReportTests.hostile.count ? [HTMLReportTests.hostile[i + 1]] : []
            components.append(ComponentConfig(name: name, replicas: 1, kind: .server(ServerConfig(
                workers: 2, service: .constant(0.01), calls: calls))))
        }
        let workload = WorkloadConfig(name: "<img src=x onerror=alert(2)>", arrival: .poisson(ratePerSecond: 10),
                                      mix: [RequestClass(type: "t&<>\"", share: 1, route: [HTMLReportTests.hostile[0]])])
        var config = ModelConfig(name: "<script>document.write('pwned')</script> & \"co\"", seed: 1,
                                 duration: SimDuration(seconds: 100), warmup: SimDuration(seconds: 10),
                                 workloads: [workload], components: components)
        config.description = "desc <b>bold</b>\n& more"
        config.failures = [FailureEvent(at: SimDuration(seconds: 40), action: .crash(HTMLReportTests.hostile[1]),
                                        duration: SimDuration(seconds: 10))]
        var w = WorkloadResult(name: workload.name, arrived: 100, completed: 90, failed: 10, latency: LatencySummary(
            count: 90, mean: 0.02, meanCI95: ConfidenceInterval(low: 0.019, high: 0.021), p50: 0.015, p90: 0.03,
            p99: 0.05, p999: 0.06, max: 0.07, outOfRange: 0))
        w.slices = [(40, 0), (30, 10), (20, 0)]
        w.sliceStart = 10; w.sliceSeconds = 30
        w.series = ["throughput", "latency_mean", "latency_p50", "latency_p99"].map {
            Series(name: $0, start: 10, interval: 30, values: [1, .nan, 2])
        }
        var rows = components.map { c in
            ComponentResult(name: c.name, kind: "server", group: nil, isGroup: false, workers: 2, utilization: 0.5,
                            throughput: 9, queueLengthMean: 0.1, waitMean: 0.001, responseMean: 0.01, hitRatio: nil,
                            arrived: 100, completed: 90, rejected: 0)
        }
        rows[0].series = [Series(name: "utilization", start: 10, interval: 30, values: [0.2, 0.9, 0.4]),
                          Series(name: "queue_length", start: 10, interval: 30, values: [0, 3, 1])]
        rows[2].utilization = 0.95
        var r = RunResult(scenario: config.name, seed: 1, simulatedSeconds: 100, warmupSeconds: 10, events: 1000,
                          replications: 1, workloads: [w], components: rows)
        r.lesson = "lesson <i>&</i> \"quoted\""
        r.bottleneck = BottleneckReport(rows: [], throughput: 9, busiest: HTMLReportTests.hostile[2], bottleneck: HTMLReportTests.hostile[2],
                                        maxDemand: 0.1, ceiling: 10, headroom: 0.1, advice: "add <b>workers</b> & more")
        r.expectations = [ExpectationOutcome(expectation: Expectation(text: "<x> < 1 & \"y\"", subject: "x", metric: "p99",
                                                                      comparison: .less, value: 1), value: 2, passed: false)]
        return (config, r)
    }

    /// Every tag in the document is one the report writes itself, and no hostile text survives unescaped.
    func assertSafe(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 1, "only the report's own script", file: file, line: line)
        for bad in ["<script>alert", "<img", "<b>bold", "<i>&", "onerror=alert(2)>", "</svg></body>", "]]><!--"] {
            XCTAssertFalse(html.contains(bad), "unescaped: \(bad)", file: file, line: line)
        }
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), file: file, line: line)
        XCTAssertTrue(html.contains("quo&quot;te&#39;s"), file: file, line: line)
        XCTAssertTrue(html.contains("a &amp; b &amp;amp; c"), file: file, line: line)
        // No reference to anything outside the file.
        for external in ["https://", "src=\"", "href=\"", "src='", "href='", "@import", "url(http"] {
            XCTAssertFalse(html.contains(external), "external reference \(external)", file: file, line: line)
        }
        let http = html.components(separatedBy: "http://").count - 1
        let svgNamespace = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        XCTAssertEqual(http, svgNamespace, "the only http:// is the SVG namespace", file: file, line: line)
        // Tags balance: every <svg>, <g>, <table>, <tr> opened is closed.
        for tag in ["svg", "g", "table", "tr", "text", "title", "p", "h2"] {
            let opened = html.components(separatedBy: "<\(tag)>").count + html.components(separatedBy: "<\(tag) ").count - 2
            XCTAssertEqual(opened, html.components(separatedBy: "</\(tag)>").count - 1, "<\(tag)> balance", file: file, line: line)
        }
    }

    func testHostileNamesAreEscapedInTheRunReport() {
        let (config, r) = hostileRun()
        let html = HTMLReport.run(r, config: config)
        assertSafe(html)
        XCTAssertTrue(html.contains("crash quo&quot;te&#39;s"), "the failure window is shaded and labelled")
        XCTAssertEqual(html, HTMLReport.run(r, config: config), "deterministic")
        XCTAssertEqual(HTMLReport.runSeriesCount(r), 4 + 1 + 1)
        XCTAssertEqual(html.components(separatedBy: "<g class=\"series\"").count - 1, HTMLReport.runSeriesCount(r))
        XCTAssertTrue(html.contains("class=\"node component bottleneck\""), "the bottleneck is marked")
        XCTAssertTrue(html.contains("add &lt;b&gt;workers&lt;/b&gt; &amp; more"))
        XCTAssertFalse(html.contains("PARTIAL REPORT"))
        var partial = r
        partial.stoppedEarly = "stopped at 12.5s <b>"
        XCTAssertTrue(HTMLReport.run(partial, config: config).contains("<strong>PARTIAL REPORT:</strong> the run stopped at 12.5s &lt;b&gt;."),
                      "a run stopped early says so, as the text report does")
    }

    /// A run whose load changes during the measured window (a day's cycle, a load step, an
    /// autoscaler) prints no 95% interval in the HTML either: "unreliable", and the text report's note.
    func testChangingLoadMarksTheIntervalsUnreliable() {
        let (config, steadyRun) = hostileRun()
        var r = steadyRun
        r.stability = StabilityVerdict()
        XCTAssertTrue(r.intervalsReliable)
        XCTAssertFalse(HTMLReport.run(r, config: config).contains(">unreliable<"))
        r.stability!.scriptedChanges = ["the workloads follow the daily cycle, 'a' from 1/s to 2/s over the measured window"]
        XCTAssertFalse(r.intervalsReliable)
        let html = HTMLReport.run(r, config: config)
        XCTAssertTrue(html.contains(">unreliable<"), "the interval column says unreliable")
        XCTAssertTrue(html.contains("<p>Note: the load or the system changes during the measured window. The workloads follow the daily cycle"))
    }

    func testHostileNamesAreEscapedInTheSweepReport() {
        let w = HTMLReportTests.hostile[1]
        let figures = [("throughput", Figure.Unit.perSecond), ("mean", .seconds), ("p99", .seconds)].map {
            Figure(kind: .workload, subject: w, metric: $0.0, unit: $0.1)
        }
        let xs = [1.0, 2.0, 3.0]
        let estimates: [[MeanEstimate?]] = xs.map { x in
            [x, 0.01 * x, 0.05 * x].map { MeanEstimate(mean: $0, low: $0 * 0.9, high: $0 * 1.1, count: 5) }
        }
        let axis = SweepAxis(path: "workload.<b>bold.arrival", values: xs.map { "poisson(\(Int($0))/s) <i>&" }, coordinates: xs)
        var r = SweepResult(axes: [axis], points: [[0], [1], [2]], replications: 5, seed: 1, figures: figures,
                            estimates: estimates, slo: nil, combined: [])
        r.knee = SweepResult.Knee(value: 2, point: 1, atEdge: false, power: [1, 2, 1])
        let html = HTMLReport.sweep(r, scenario: "<script>alert(1)</script> quo\"te's a & b &amp; c")
        assertSafe(html)
        XCTAssertEqual(html, HTMLReport.sweep(r, scenario: "<script>alert(1)</script> quo\"te's a & b &amp; c"), "deterministic")
        XCTAssertEqual(HTMLReport.sweepSeriesCount(r), 3, "p99, mean and throughput of the one workload")
        XCTAssertEqual(html.components(separatedBy: "<g class=\"series\"").count - 1, HTMLReport.sweepSeriesCount(r))
        XCTAssertTrue(html.contains(">knee<"), "the knee is shaded")

        // Two paths: tables only, no chart.
        let two = SweepResult(axes: [axis, axis], points: [[0, 0]], replications: 5, seed: 1, figures: figures,
                              estimates: [estimates[0]], slo: nil, combined: [])
        XCTAssertEqual(HTMLReport.sweepSeriesCount(two), 0)
        XCTAssertFalse(HTMLReport.sweep(two, scenario: "s").contains("<svg"))
    }

    func testHostileNamesAreEscapedInTheSpofReportAndTheDOT() {
        let (config, _) = hostileRun()
        let workload = config.workloads[0].name
        let rows = config.components.enumerated().map { i, c in
            SpofRow(target: c.name, targetKind: "component", crashed: c.name,
                    workloads: [SpofWorkloadOutcome(workload: workload, arrived: 10, completed: i == 0 ? 0 : 10, failed: i == 0 ? 10 : 0,
                                                    p99: i == 0 ? .nan : 0.01, meetsSLO: i != 0)],
                    meetsSLO: i != 0, reason: "why <because> & \"so\"", fix: i == 0 ? "add <replicas>" : nil)
        }
        let audit = SpofAuditResult(scenario: config.name, slo: ServiceLevelObjective(availability: 0.999, p99: 0.5), sloGiven: true,
                                    failuresRemoved: 1, window: (30, 60),
                                    baseline: SpofBaseline(workloads: [SpofWorkloadOutcome(workload: workload, arrived: 10, completed: 10,
                                                                                           failed: 0, p99: 0.01, meetsSLO: true)],
                                                           steady: true, unsteadyReasons: [], bottleneckAdvice: nil,
                                                           utilization: [(config.components[2].name, 0.9)]),
                                    rows: rows)
        let html = HTMLReport.spof(audit, config: config)
        assertSafe(html)
        XCTAssertTrue(html.contains("class=\"node component spof\""))
        XCTAssertFalse(html.contains("add <replicas>"))
        XCTAssertEqual(html.components(separatedBy: "<g class=\"series\"").count - 1, HTMLReport.spofSeriesCount(audit))
        let dot = Topology(config, spofs: [config.components[0].name]).dot(name: config.name)
        XCTAssertTrue(dot.contains(#"label="<script>document.write('pwned')</script> & \"co\"""#) == false)
        XCTAssertTrue(dot.contains(#"digraph "<script>document.write('pwned')</script> & \"co\"""#), dot)
        XCTAssertTrue(dot.contains(#"two\nlines\nthree"#), "line breaks become \\n")
        XCTAssertFalse(dot.contains("two\nlines"))
        // Every quote inside a string is escaped: outside strings there are only the expected tokens.
        for line in dot.split(separator: "\n") where line.hasPrefix("  n") && line.contains("[") {
            var inString = false, escaped = false
            for ch in line {
                if escaped { escaped = false; continue }
                if ch == "\\" && inString { escaped = true; continue }
                if ch == "\"" { inString.toggle() }
            }
            XCTAssertFalse(inString, "unbalanced quotes in \(line)")
        }
    }

    /// Each bar is red when its own measure breaks its own SLO term: an outage that breaks the
    /// availability SLO with a p99 within the SLO has a red availability bar and a plain p99 bar.
    func testSpofBarsAreColouredByTheirOwnSLOTerm() {
        let (config, _) = hostileRun()
        func row(_ name: String, availability: Double, p99: Double) -> SpofRow {
            let failed = Int((1 - availability) * 1000)
            let meets = availability >= 0.999 && p99 <= 0.5
            return SpofRow(target: name, targetKind: "component", crashed: name,
                           workloads: [SpofWorkloadOutcome(workload: "w", arrived: 1000, completed: 1000 - failed, failed: failed,
                                                           p99: p99, meetsSLO: meets)],
                           meetsSLO: meets, reason: "r", fix: nil)
        }
        let rows = [row("lossy", availability: 0.5, p99: 0.01), row("slow", availability: 1, p99: 0.9), row("fine", availability: 1, p99: 0.01)]
        let audit = SpofAuditResult(scenario: "s", slo: ServiceLevelObjective(availability: 0.999, p99: 0.5), sloGiven: true,
                                    failuresRemoved: 0, window: (30, 60),
                                    baseline: SpofBaseline(workloads: [SpofWorkloadOutcome(workload: "w", arrived: 10, completed: 10,
                                                                                           failed: 0, p99: 0.01, meetsSLO: true)],
                                                           steady: true, unsteadyReasons: [], bottleneckAdvice: nil, utilization: []),
                                    rows: rows)
        XCTAssertEqual(audit.singlePointsOfFailure, ["lossy", "slow"])
        let pieces: [String] = HTMLReport.spof(audit, config: config).components(separatedBy: "<svg class=\"chart\"")
        let charts = Array(pieces[1...])
        XCTAssertEqual(charts.count, 2)
        /// The labels of the red bars: each bar's tooltip is `label: value`.
        func warned(_ chart: String) -> [String] {
            let bars = chart.components(separatedBy: "<rect class=\"bar warn\"").dropFirst()
            return bars.compactMap { (bar: String) -> String? in
                let title = bar.components(separatedBy: "<title>")
                return title.count > 1 ? title[1].components(separatedBy: ":")[0] : nil
            }
        }
        XCTAssertEqual(warned(charts[0]), ["lossy"], "availability: only the outage that breaks the availability SLO")
        XCTAssertEqual(warned(charts[1]), ["slow"], "p99: only the outage whose p99 breaks the p99 SLO")
    }

    /// Two systems of the hostile configuration, run for real: `slower` has twice the service time.
    func hostileComparison(names: [String], slower: Bool = true, overloaded: Bool = false) -> (Comparison, [ModelConfig]) {
        let (config, _) = hostileRun()
        var other = config
        other.components = other.components.map { c in
            var c = c
            if case .server(var s) = c.kind {
                s.service = .constant(overloaded ? 0.3 : slower ? 0.02 : 0.01)
                c.kind = .server(s)
            }
            return c
        }
        let configs = [config, other]
        let results = Experiment.run(configs, seed: 5, replications: 3, jobs: 2)
        return (Comparison.make(names: names, configs: configs, results: results, baseline: 0, seed: 5), configs)
    }

    func testHostileNamesAreEscapedInTheCompareReport() {
        let names = [HTMLReportTests.hostile[0], HTMLReportTests.hostile[3]]
        let (c, configs) = hostileComparison(names: names)
        let html = HTMLReport.compare(c, configs: configs)
        assertSafe(html)
        XCTAssertEqual(html, HTMLReport.compare(hostileComparison(names: names).0, configs: configs), "deterministic, from a fresh run")
        // One workload: a distribution per system, then p99 and throughput over time per system.
        XCTAssertEqual(HTMLReport.compareSeriesCount(c, configs: configs), 6)
        XCTAssertEqual(html.components(separatedBy: "<g class=\"series\"").count - 1, 6)
        XCTAssertTrue(html.contains("<td class=\"sig worse\">"), "twice the service time: a significant, worse latency")
        // The table holds the text report's cells.
        let text = ComparisonReport.text(c)
        let p99 = c.figures.firstIndex { $0.metric == "p99" }!
        let cell = ComparisonReport.estimateCell(c, p99, 1)
        XCTAssertTrue(text.contains(cell) && html.contains(HTML.escape(cell)), cell)
        XCTAssertEqual(html.components(separatedBy: "class=\"topology\"").count - 1, 2, "a topology per system")
        XCTAssertTrue(html.contains("<marker id=\"s0\"") && html.contains("<marker id=\"s1\""), "arrow markers are unique")
        XCTAssertFalse(html.contains("data-time") || html.contains("UTC"), "no wall-clock time")
    }

    func testASystemComparedWithItselfMarksNothing() {
        let (c, configs) = hostileComparison(names: ["a", "b"], slower: false)
        XCTAssertFalse(c.figures.indices.contains { c.isSignificant($0, 1) })
        let html = HTMLReport.compare(c, configs: configs)
        XCTAssertFalse(html.contains("<td class=\"sig"), "nothing marked")
    }

    /// An overloaded system is marked, its latency figures withheld in the text and HTML alike,
    /// and it gets no distribution curve.
    func testAnUnsteadySystemIsMarkedNotGivenANumber() {
        let (c, configs) = hostileComparison(names: ["ok", "overloaded"], overloaded: true)
        XCTAssertTrue(c.unsteady(1))
        XCTAssertFalse(c.unsteady(0))
        let p99 = c.figures.firstIndex { $0.metric == "p99" }!
        XCTAssertTrue(c.withheld(p99, 1))
        XCTAssertFalse(c.isSignificant(p99, 1), "no significance is claimed for a withheld figure")
        let html = HTMLReport.compare(c, configs: configs)
        XCTAssertTrue(html.contains("NO STEADY STATE") && html.contains("<strong>No steady state in overloaded:</strong> offered load"), html)
        XCTAssertTrue(html.contains("<td class=\"unsteady\">no steady state</td>"))
        XCTAssertTrue(html.contains("overloaded (no steady state)"), "its curves over time are marked in the legend")
        XCTAssertTrue(html.contains("overloaded has no steady state"), "no distribution is drawn for it")
        XCTAssertEqual(HTMLReport.compareSeriesCount(c, configs: configs), 1 + 2 * 2)
        XCTAssertEqual(html.components(separatedBy: "<g class=\"series\"").count - 1, 5)
        let text = ComparisonReport.text(c)
        XCTAssertTrue(text.contains("No steady state in overloaded"), text)
        let json = ComparisonReport.json(c)
        XCTAssertTrue(json.contains("\"withheld\": true") || json.contains("\"withheld\":true"), json)
    }

    func testTheDOTOfSeveralSystemsHasAClusterEach() {
        let (config, _) = hostileRun()
        let t = Topology(config)
        let dot = Topology.dot(name: "compare", systems: [(name: "a \"quoted\"", topology: t), (name: "b", topology: t)])
        XCTAssertTrue(dot.hasPrefix("// \(Topology.dotMark)\n"))
        XCTAssertTrue(dot.contains("subgraph cluster_0 {\n    label=\"a \\\"quoted\\\"\";"), dot)
        XCTAssertTrue(dot.contains("subgraph cluster_1 {\n    label=\"b\";"))
        XCTAssertTrue(dot.contains("    s0n0 [") && dot.contains("    s1n0 [") && dot.contains("    s1n0 -> s1n1;"))
        XCTAssertEqual(dot.components(separatedBy: " -> ").count - 1, 2 * t.edges.count)
        XCTAssertEqual(t.dot(name: "x"), Topology.dotHeader("x") + t.dotStatements(prefix: "n", indent: "  ") + "}\n")
    }

    func testTopologyEdgesFollowRoutesAndCalls() {
        let (config, r) = hostileRun()
        let t = Topology(config, result: r)
        XCTAssertEqual(t.nodes.count, 1 + HTMLReportTests.hostile.count)
        XCTAssertEqual(t.edges.count, HTMLReportTests.hostile.count)   // the client's first hop, then each call
        XCTAssertEqual(t.layers, Array(0...HTMLReportTests.hostile.count))
    }

    func testChartTicksAreRound() {
        XCTAssertEqual(SVGChart.ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(SVGChart.ticks(0, 95), [0, 20, 40, 60, 80])
        XCTAssertEqual(SVGChart.ticks(10, 160, count: 8), [20, 40, 60, 80, 100, 120, 140, 160])
    }

    func testGraphvizOutputIsInlined() {
        let doc = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <!-- Generated by graphviz -->
            <svg width="206pt" height="116pt" viewBox="0 0 206 116" xmlns="http://www.w3.org/2000/svg"><g/></svg>
            """
        XCTAssertEqual(HTMLReport.inlineSVG(doc), "<svg   viewBox=\"0 0 206 116\" xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>\n")
        XCTAssertNil(HTMLReport.inlineSVG("not svg"))
    }
}
