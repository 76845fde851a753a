import SDAnalysis
import SDConfig
import SDMetrics
import SDModels

extension HTMLReport {
    /// The percentiles at which a system's latency distribution is drawn (its CDF, read back from
    /// the system's pooled histogram): every whole percent, and the tail to 99.9.
    static let distributionPercentiles: [Double] = [0.1, 0.5] + (1...99).map(Double.init) + [99.5, 99.9]

    /// The workloads of a comparison, in the order they first appear system by system.
    static func compareWorkloads(_ configs: [ModelConfig]) -> [String] {
        var out: [String] = []
        for c in configs { for w in c.workloads where !out.contains(w.name) { out.append(w.name) } }
        return out
    }

    /// System `s`'s latency distribution for `workload` as CDF points (latency, fraction of the
    /// completed requests at most that slow), from the histogram of its replications pooled (never
    /// another system's); nil when the system has no such workload, nothing completed, or it ran
    /// without a steady state (its latencies grow with the run's length).
    static func distribution(_ c: Comparison, system s: Int, workload: String) -> [(x: Double, y: Double?)]? {
        guard !c.unsteady(s), let first = c.results[s].first,
              let w = first.result.workloads.firstIndex(where: { $0.name == workload }) else { return nil }
        guard c.results[s].reduce(0, { $0 + $1.result.workloads[w].latency.count }) > 0 else { return nil }
        var pooled = first.recorders[w]
        for o in c.results[s].dropFirst() { pooled.mergeHistogram(o.recorders[w]) }
        return distributionPercentiles.map { (pooled.percentile($0), $0 / 100) }
    }

    /// System `s`'s combined result's series of `workload` named `name` (`latency_p99`, `throughput`).
    static func overTime(_ c: Comparison, system s: Int, workload: String, _ name: String) -> Series? {
        c.combined[s]?.workloads.first { $0.name == workload }?.series.first { $0.name == name }
    }

    /// A system's name in a chart legend: marked when it ran without a steady state.
    static func legendName(_ c: Comparison, _ s: Int) -> String {
        c.systems[s] + (c.unsteady(s) ? " (no steady state)" : "")
    }

    /// How many chart series ``compare(_:configs:dotSVGs:)`` draws: per workload, one latency
    /// distribution per system that has it with completed requests and a steady state; then, per
    /// workload, p99 and throughput over simulated time, one line per system that has the series.
    public static func compareSeriesCount(_ c: Comparison, configs: [ModelConfig]) -> Int {
        var n = 0
        for w in compareWorkloads(configs) {
            n += c.systems.indices.filter { distribution(c, system: $0, workload: w) != nil }.count
            n += 2 * c.systems.indices.filter { overTime(c, system: $0, workload: w, "latency_p99") != nil }.count
        }
        return n
    }

    /// The HTML report of `sdsim compare`: each system's state (steady or not, bottleneck), the
    /// side-by-side table of the text report with its significant differences marked, each
    /// workload's latency distribution with one curve per system, p99 and throughput over
    /// simulated time, and each system's topology coloured by its utilization with its bottleneck
    /// marked. `dotSVGs[s]` (Graphviz's drawing of system `s`) replaces sdsim's own diagram.
    public static func compare(_ c: Comparison, configs: [ModelConfig], dotSVGs: [String?] = []) -> String {
        let level = Format.fixed(c.level * 100, decimals: 0)
        let base = c.systems[c.baseline]
        var body = "<h1>Comparison: \(c.systems.map(HTML.escape).joined(separator: " · "))</h1>\n"
        body += "<p class=\"meta\">\(c.replications) replication\(c.replications == 1 ? "" : "s") of each system, seeds derived from "
            + "\(c.seed); replication r of every system uses the same seed, so all see the same arrivals, request types, keys and "
            + "sizes (common random numbers). Baseline: <strong>\(HTML.escape(base))</strong>.</p>\n"
        body += compareSystems(c)
        body += compareTable(c, level: level)
        body += compareExpectations(c)
        body += compareCharts(c, configs: configs)
        body += compareTopologies(c, configs: configs, dotSVGs: dotSVGs)
        return page(title: "sdsim compare — " + c.systems.joined(separator: ", "), body: body)
    }

    /// One row per system: whether it reached a steady state, what completed, its bottleneck.
    static func compareSystems(_ c: Comparison) -> String {
        var rows: [[String]] = [], classes: [[String]] = []
        for (s, name) in c.systems.enumerated() {
            let state = c.stability[s].map { $0.steady ? "steady" : "NO STEADY STATE (below)" } ?? "not run"
            let empty = (c.combined[s]?.workloads ?? []).filter { $0.completed == 0 }.map(\.name)
            let completed = c.combined[s] == nil ? "-" : empty.isEmpty ? "every workload"
                : "NOTHING COMPLETED in " + empty.joined(separator: ", ")
            rows.append([name + (s == c.baseline ? " (baseline)" : ""), state, completed, ComparisonReport.bottleneck(c.bottlenecks[s])])
            classes.append(["", c.unsteady(s) ? "l fail" : "l pass", empty.isEmpty ? "l" : "l fail", "l"])
        }
        var out = "<h2>Systems</h2>\n" + table(["system", "steady state", "completed requests", "bottleneck (over its replications)"],
                                               rows, cellClasses: classes)
        for s in c.systems.indices where c.unsteady(s) {
            out += "<p><strong>No steady state in \(HTML.escape(c.systems[s])):</strong> "
                + HTML.escape((c.stability[s]?.reasons ?? []).joined(separator: "; ")) + ".</p>\n"
        }
        return out
    }

    /// The side-by-side table, cell for cell the text report's, a significant difference marked.
    static func compareTable(_ c: Comparison, level: String) -> String {
        let base = c.systems[c.baseline]
        var header = ["figure"] + c.systems.enumerated().map { $1 + ($0 == c.baseline ? " (baseline)" : "") }
        for (s, name) in c.systems.enumerated() where s != c.baseline { header.append("\(name) − \(base)") }
        var rows: [[String]] = [], classes: [[String]] = []
        for (f, figure) in c.figures.enumerated() {
            var row = [ComparisonReport.label(figure)], cls = [""]
            for s in c.systems.indices {
                row.append(ComparisonReport.estimateCell(c, f, s))
                cls.append(c.withheld(f, s) ? "unsteady" : "")
            }
            for s in c.systems.indices where s != c.baseline {
                var text = ComparisonReport.differenceCell(c, f, s)
                while text.hasSuffix(" ") { text.removeLast() }
                row.append(text)
                if c.isSignificant(f, s) {
                    cls.append(["sig", direction(figure, c.differences[f][s]?.mean ?? 0)].filter { !$0.isEmpty }.joined(separator: " "))
                } else {
                    cls.append(c.withheld(f, s) || c.withheld(f, c.baseline) ? "unsteady" : "")
                }
            }
            rows.append(row)
            classes.append(cls)
        }
        var out = "<h2>Side by side</h2>\n<p class=\"note\">Values: mean over replications ± half-width of its \(level)% interval. "
            + "Differences: system − \(HTML.escape(base)) (the baseline), paired by replication, ± half-width of the \(level)% "
            + "interval. <span class=\"sig-key\">*</span> marks a significant difference (the interval excludes 0), "
            + "<span class=\"better\">green</span> when it is better, <span class=\"worse\">red</span> when worse "
            + "(utilization: neither).</p>\n"
        out += table(header, rows, cellClasses: classes)
        var notes: [String] = []
        if c.replications < 2 { notes.append("With one replication there is no interval: run --replications 2 or more to judge differences.") }
        if c.figures.indices.contains(where: { f in c.estimates[f].contains { $0 != nil && !$0!.mean.isFinite } }) {
            notes.append("n/a: the figure has no value in some replication (nothing completed), so no mean or difference is claimed.")
        }
        if c.figures.indices.contains(where: { f in c.estimates[f].contains { $0 == nil } }) {
            notes.append("—: the system has no such component, machine or workload.")
        }
        if c.systems.indices.contains(where: c.unsteady) {
            notes.append("\(ComparisonReport.unsteadyCell): the system has no steady state (see Systems); its latencies grow with "
                         + "the run's length, so no latency figure or difference is given for it.")
        }
        return out + notes.map { "<p class=\"note\">\(HTML.escape($0))</p>\n" }.joined()
    }

    /// `better` or `worse` for a significant difference of `figure`; empty for utilization, which
    /// is neither.
    static func direction(_ figure: Figure, _ difference: Double) -> String {
        guard figure.metric != "utilization" else { return "" }
        return (difference > 0) == figure.higherIsBetter ? "better" : "worse"
    }

    static func compareExpectations(_ c: Comparison) -> String {
        guard !c.expectations.isEmpty else { return "" }
        return "<h2>Expectations</h2>\n" + table(["expectation", "result", "found"], c.expectations.map { e in
            let found = [e.left, e.right].compactMap { $0 }.map { ComparisonReport.value($0, e.unit ?? .count) }
            return [e.expectation.text, e.passed ? "PASS" : "FAIL", e.problem ?? (found.count == 2 ? "\(found[0]) vs \(found[1])" : "-")]
        }, cellClasses: c.expectations.map { ["", $0.passed ? "pass" : "fail", ""] })
    }

    /// Per workload: the latency distributions overlaid (one curve per system), then p99 and
    /// throughput over simulated time (one line per system).
    static func compareCharts(_ c: Comparison, configs: [ModelConfig]) -> String {
        var out = "<h2>Latency distributions</h2>\n<p class=\"note\">For each workload, the fraction of completed requests at most "
            + "as slow as each latency (a CDF, to the 99.9th percentile), one curve per system from the histogram of its own "
            + "replications pooled (the table's percentiles are means over replications). A curve further left is faster.</p>\n"
        let workloads = compareWorkloads(configs)
        for w in workloads {
            let curves = c.systems.indices.compactMap { s in
                distribution(c, system: s, workload: w).map { ChartSeries(name: c.systems[s], points: $0) }
            }
            let missing = c.systems.indices.filter { distribution(c, system: $0, workload: w) == nil }.map { s -> String in
                let has = configs[s].workloads.contains { $0.name == w }
                return c.systems[s] + (!has ? " has no such workload" : c.unsteady(s) ? " has no steady state" : ": nothing completed")
            }
            if !curves.isEmpty {
                let top = curves.flatMap { $0.points.map(\.x) }.max() ?? 1
                out += SVGChart.lines(title: "\(w): latency distribution", yLabel: "completed within", series: curves,
                                      xRange: 0...max(top, 1e-9), yMax: 1, yMin: 0, xLabel: "latency", xFormat: Format.duration,
                                      format: { Format.percent($0) })
            }
            if !missing.isEmpty {
                out += "<p class=\"note\">No curve for \(HTML.escape(w)): \(HTML.escape(missing.joined(separator: "; "))).</p>\n"
            }
        }
        let timed = workloads.map { w in (w, c.systems.indices.filter { overTime(c, system: $0, workload: w, "latency_p99") != nil }) }
        guard timed.contains(where: { !$0.1.isEmpty }) else { return out }
        let from = c.combined.compactMap { $0?.warmupSeconds }.min() ?? 0
        let to = c.combined.compactMap { $0?.simulatedSeconds }.max() ?? 1
        out += "<h2>Over simulated time</h2>\n<p class=\"note\">Each system's measured window in 50 slices, its replications "
            + "combined; a request counts in the slice it arrived in. Percentiles per slice are within 6.25%. A system without "
            + "a steady state is drawn (its growth is the point) and marked in the legend.</p>\n"
        for (w, systems) in timed where !systems.isEmpty {
            func lines(_ name: String) -> [ChartSeries] {
                systems.map { s in ChartSeries(name: legendName(c, s), points: points(overTime(c, system: s, workload: w, name)!)) }
            }
            out += SVGChart.lines(title: "\(w): p99 latency", yLabel: "latency", series: lines("latency_p99"),
                                  xRange: from...to, format: Format.duration)
            out += SVGChart.lines(title: "\(w): throughput", yLabel: "completed/s", series: lines("throughput"),
                                  xRange: from...to, format: plain)
        }
        return out
    }

    /// Each system's topology, coloured by its own utilization, its own bottleneck marked.
    static func compareTopologies(_ c: Comparison, configs: [ModelConfig], dotSVGs: [String?]) -> String {
        var out = "<h2>Topologies</h2>\n<p class=\"note\">Each system on its own: components coloured by its utilization "
            + "(mean over its replications):" + utilizationScale() + " The bottleneck has a thick border.</p>\n"
        for (s, name) in c.systems.enumerated() {
            out += "<h3>\(HTML.escape(name))\(s == c.baseline ? " (baseline)" : "")</h3>\n"
            if let svg = s < dotSVGs.count ? dotSVGs[s] : nil {
                out += "<div class=\"dot system\">\n" + svg + "</div>\n"
            } else {
                out += compareTopology(c, s, configs[s]).svg(id: "s\(s)")
            }
        }
        return out
    }

    /// System `s`'s topology: its combined utilization, the bottleneck its own analysis names.
    public static func compareTopology(_ c: Comparison, _ s: Int, _ config: ModelConfig) -> Topology {
        var run = c.combined[s]
        run?.bottleneck = c.bottlenecks[s]
        return Topology(config, result: run)
    }
}
