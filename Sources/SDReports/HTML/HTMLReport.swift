import Foundation
import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// Reports as one self-contained HTML file: inline CSS, inline SVG drawn by ``SVGChart`` and
/// ``Topology``, one small inline script that only records errors and counts what was drawn (for
/// the browser test). No network, no external script, font or image. Every text that comes from a
/// scenario goes through ``HTML/escape(_:)``. Equal inputs give byte-identical documents.
public enum HTMLReport {
    /// The failure windows of a scenario's scheduled failures, in seconds: a crash lasts its
    /// `duration`, or until a restart of the same target, or to the end; instantaneous failures
    /// (a flush) get a thin window. Random (MTTF/MTTR) failures have no fixed window and are not shaded.
    public static func failureWindows(_ config: ModelConfig) -> [ChartWindow] {
        let end = config.duration.seconds
        var out: [ChartWindow] = []
        for (i, f) in config.failures.enumerated() {
            let from = f.at.seconds
            var to = f.duration.map { from + $0.seconds }
            let label: String
            switch f.action {
            case .crash(let t):
                label = "crash \(t)"
                if to == nil {
                    to = config.failures[(i + 1)...].first(where: { if case .restart(t) = $0.action { return true } else { return false } })?.at.seconds
                }
            case .restart: continue
            case .slow(let t, let factor): label = "\(t) slow ×\(SVGChart.number(factor))"
            case .partition: label = "partition"
            case .latencySpike(let t, _): label = "latency spike \(t)"
            case .flush(let t): label = "flush \(t)"; to = to ?? from + max(end / 400, 1e-9)
            case .zoneOutage(let z): label = "zone \(z) down"
            case .pause(let t): label = "pause \(t)"
            }
            out.append(ChartWindow(from: from, to: min(to ?? end, end), label: label))
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;color:#1a1a1a;padding:0 16px}
        h1{font-size:1.5em;margin:0 0 4px;overflow-wrap:anywhere}h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .meta{color:#555;margin:0 0 12px}.lesson{background:#f4f7fb;border-left:4px solid #0072B2;padding:8px 12px;white-space:pre-wrap}
        table{border-collapse:collapse;font-size:13px;margin:8px 0;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;overflow-wrap:break-word}td:first-child{overflow-wrap:anywhere}
        th:first-child,td:first-child,td.l,th.l{text-align:left}th{background:#fafafa}tr.group td{font-weight:600}td.fail{color:#b00020;font-weight:600}td.pass{color:#1b7f3b}
        svg{width:100%;height:auto;font-size:11px;display:block;margin:8px 0}.chart-title{font-size:13px;font-weight:600}
        .axis line{stroke:#888;stroke-width:1}.axis .grid{stroke:#eee}.axis text{fill:#444}
        .window rect{fill:#d55e00;fill-opacity:.13}.window text{fill:#a04000;font-size:10px}
        .legend text{fill:#222}.bar{fill:#0072B2}.bar.warn{fill:#c00000}.threshold line{stroke:#c00000;stroke-dasharray:4 3}.threshold text{fill:#c00000}
        .topology .node rect{stroke:#333;stroke-width:1}.topology .node text{fill:#111}.topology .name{font-weight:600}
        .topology .edge{fill:none;stroke:#555;stroke-width:1.2}.topology .bottleneck rect{stroke-width:3.5}
        .topology .spof rect{stroke:#c00000;stroke-width:2.5;stroke-dasharray:6 3}.topology .badge{fill:#c00000;font-weight:700;font-size:10px}
        .scale{display:inline-block;width:14px;height:10px;border:1px solid #999;vertical-align:middle;margin:0 2px 0 10px}
        .note{color:#555;font-size:13px}.dot svg{max-height:640px}.dot.system svg{max-height:240px}h3{font-size:1em;margin:18px 0 4px;overflow-wrap:anywhere}
        td.sig{font-weight:700;background:#fff6d6}td.sig.better,.better{color:#1b7f3b}td.sig.worse,.worse{color:#b00020}.sig-key{font-weight:700}
        td.unsteady{color:#8a5a00;font-style:italic}
        """

    /// Records script errors and counts charts and series into attributes of `<body>`, for the
    /// browser test; it changes nothing a reader sees.
    static let script = """
        (function(){var errors=[];window.addEventListener('error',function(e){errors.push(String(e.message));document.body.setAttribute('data-errors',String(errors.length));});
        document.addEventListener('DOMContentLoaded',function(){var charts=document.querySelectorAll('svg.chart');var n=0;
        for(var i=0;i<charts.length;i++){n+=charts[i].querySelectorAll('g.series').length;}
        document.body.setAttribute('data-charts',String(charts.length));document.body.setAttribute('data-series-drawn',String(n));
        document.body.setAttribute('data-significant',String(document.querySelectorAll('td.sig').length));
        document.body.setAttribute('data-errors',String(errors.length));});})();
        """

    /// The generator mark of every report, by which sdsim recognises a file it may replace.
    public static let generator = "sdsim"

    static func page(title: String, body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<meta name=\"generator\" content=\"\(generator)\">\n"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
            + "<title>\(HTML.escape(title))</title>\n<style>\n\(style)\n</style>\n<script>\n\(script)\n</script>\n</head>\n<body>\n"
            + body + "<p class=\"note\">Made by sdsim. Charts are drawn by sdsim as inline SVG; this file needs no network.</p>\n</body>\n</html>\n"
    }

    static func table(_ headers: [String], _ rows: [[String]], rowClasses: [String] = [], cellClasses: [[String]] = []) -> String {
        var out = "<table>\n<tr>" + headers.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
        for (i, row) in rows.enumerated() {
            let cls = i < rowClasses.count && !rowClasses[i].isEmpty ? " class=\"\(rowClasses[i])\"" : ""
            out += "<tr\(cls)>" + row.enumerated().map { j, cell in
                let c = i < cellClasses.count && j < cellClasses[i].count && !cellClasses[i][j].isEmpty ? " class=\"\(cellClasses[i][j])\"" : ""
                return "<td\(c)>\(HTML.escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    static func topologySection(_ topology: Topology, dotSVG: String?, spofNote: String) -> String {
        guard topology.measured else {
            return "<h2>Topology</h2>\n<p class=\"note\">\(spofNote)</p>\n" + (dotSVG.map { "<div class=\"dot\">\n" + $0 + "</div>\n" } ?? topology.svg())
        }
        var out = "<h2>Topology</h2>\n<p class=\"note\">Components coloured by utilization:" + utilizationScale()
            + " The bottleneck has a thick border; \(spofNote)</p>\n"
        if let dotSVG { out += "<div class=\"dot\">\n" + dotSVG + "</div>\n" } else { out += topology.svg() }
        return out
    }

    /// The colour key of a topology: utilization from 0% to 100%, and components without workers.
    static func utilizationScale() -> String {
        var out = ""
        for (u, label) in [(0.0, "0%"), (0.5, "50%"), (0.9, "90%"), (1.0, "100%")] {
            out += "<span class=\"scale\" style=\"background:\(Topology.colour(u))\"></span>\(label)"
        }
        return out + "<span class=\"scale\" style=\"background:\(Topology.colour(nil))\"></span>no workers."
    }

    /// Keeps only the `<svg …>…</svg>` element of Graphviz's SVG output (dropping its XML
    /// declaration, doctype and comments) so that it can be inlined; nil if there is none.
    public static func inlineSVG(_ document: String) -> String? {
        guard let start = document.range(of: "<svg"), let end = document.range(of: "</svg>", options: .backwards) else { return nil }
        var svg = String(document[start.lowerBound..<end.upperBound])
        // Graphviz writes fixed sizes in points; let the page scale it.
        if let w = svg.range(of: #"width="[0-9.]+pt""#, options: .regularExpression) { svg.replaceSubrange(w, with: "") }
        if let h = svg.range(of: #"height="[0-9.]+pt""#, options: .regularExpression) { svg.replaceSubrange(h, with: "") }
        return svg + "\n"
    }

    // MARK: Run

    /// How many chart series ``run(_:config:dotSVG:)`` draws for `r`: per workload p50 and p99,
    /// throughput and availability; per component instance its utilization and its queue (length or depth).
    public static func runSeriesCount(_ r: RunResult) -> Int {
        let withSeries = r.workloads.filter { !$0.series.isEmpty }
        let shardSeries: Int = RegionShardReport.loadSeries(r).reduce(0) { $0 + $1.shards.count }
        return withSeries.count * 4 + utilizationSeries(r).count + queueSeries(r).count + shardSeries
    }

    static func utilizationSeries(_ r: RunResult) -> [(String, Series)] {
        r.components.compactMap { c in c.series.first { $0.name == "utilization" }.map { (c.name, $0) } }
    }

    static func queueSeries(_ r: RunResult) -> [(String, Series)] {
        r.components.compactMap { c in c.series.first { $0.name == "queue_length" || $0.name == "depth" }.map { (c.name, $0) } }
    }

    static func points(_ s: Series, scale: Double = 1) -> [(x: Double, y: Double?)] {
        s.values.enumerated().map { i, v in (s.start + (Double(i) + 0.5) * s.interval, v.isFinite ? v * scale : nil) }
    }

    /// The HTML report of a run of `config`. `dotSVG` (Graphviz's rendering of the topology) replaces
    /// the built-in diagram when given.
    public static func run(_ r: RunResult, config: ModelConfig, dotSVG: String? = nil, spofs: [String] = []) -> String {
        var body = "<h1>\(HTML.escape(r.scenario))</h1>\n"
        body += "<p class=\"meta\">seed \(r.seed) · simulated \(Format.seconds(r.simulatedSeconds)) s (warm-up \(Format.seconds(r.warmupSeconds)) s) · "
            + "\(Format.grouped(r.events)) events · \(r.replications) replication\(r.replications == 1 ? "" : "s")</p>\n"
        if let stopped = r.stoppedEarly {
            body += "<p class=\"partial\"><strong>PARTIAL REPORT:</strong> the run \(HTML.escape(stopped)).</p>\n"
        }
        if !config.description.isEmpty { body += "<p>\(HTML.escape(config.description))</p>\n" }
        if let lesson = r.lesson { body += "<p class=\"lesson\">\(HTML.escape(lesson))</p>\n" }

        let topology = Topology(config, result: r, spofs: spofs)
        body += topologySection(topology, dotSVG: dotSVG, spofNote: spofs.isEmpty
            ? "single points of failure are found by <code>sdsim spof</code> (its report marks them)."
            : "single points of failure have a red dashed border.")
        if let b = r.bottleneck {
            if let name = b.bottleneck {
                body += "<p>Bottleneck: <strong>\(HTML.escape(name))</strong>. \(HTML.escape(b.advice))</p>\n"
            } else {
                body += "<p>" + (b.advice.hasPrefix("No bottleneck") ? "" : "No bottleneck: ") + "\(HTML.escape(b.advice))</p>\n"
            }
        }
        if let s = r.stability, !s.steady {
            body += "<p><strong>No steady state:</strong> \(HTML.escape(s.reasons.joined(separator: " ")))</p>\n"
        }
        if let note = TextReport.changesNote(r) { body += "<p>\(HTML.escape(note))</p>\n" }

        body += "<h2>Workloads</h2>\n" + table(
            ["workload", "arrived", "completed", "failed", "availability", "mean", "95% CI", "p50", "p90", "p99", "p99.9", "max"],
            r.workloads.map { w in
                let l = w.latency, none = l.count == 0
                func d(_ x: Double) -> String { none ? "n/a" : Format.duration(x) }
                let ci = !r.intervalsReliable ? "unreliable"
                    : l.meanCI95.low.isFinite && l.meanCI95.high.isFinite ? "[\(Format.duration(l.meanCI95.low)), \(Format.duration(l.meanCI95.high))]" : "n/a"
                return [w.name, Format.grouped(w.arrived), Format.grouped(w.completed), Format.grouped(w.failed),
                        Format.availability(w.availability), d(l.mean), none ? "n/a" : ci, d(l.p50), d(l.p90), d(l.p99), d(l.p999), d(l.max)]
            })
        body += "<h2>Components</h2>\n" + table(
            ["component", "kind", "workers", "utilization", "throughput/s", "queue", "wait", "response", "hit ratio", "rejected"],
            r.components.map { c in
                [c.isGroup ? "\(c.name) (group)" : c.name, c.kind, c.workers > 0 ? String(c.workers) : "-",
                 c.workers > 0 ? Format.percent(c.utilization) : "-", Format.significant(c.throughput),
                 Format.significant(c.queueLengthMean), Format.duration(c.waitMean), Format.duration(c.responseMean),
                 c.hitRatio.map(Format.percent) ?? "-", Format.grouped(c.rejected)]
            }, rowClasses: r.components.map { $0.isGroup ? "group" : "" })

        let windows = failureWindows(config)
        let range = r.warmupSeconds...r.simulatedSeconds
        let workloads = r.workloads.filter { !$0.series.isEmpty }
        if !workloads.isEmpty {
            body += "<h2>Over simulated time</h2>\n<p class=\"note\">The measured window (after the warm-up) in 50 slices; a request "
                + "counts in the slice it arrived in. Percentiles per slice are within 6.25%."
                + (windows.isEmpty ? "" : " Shaded: the scenario's scheduled failures.")
                + (config.randomFailures.isEmpty ? "" : " Random (MTTF/MTTR) failures are not shaded: they have no fixed time.") + "</p>\n"
            var latency: [ChartSeries] = []
            for w in workloads {
                if let p99 = w.series.first(where: { $0.name == "latency_p99" }) { latency.append(ChartSeries(name: "\(w.name) p99", points: points(p99))) }
                if let p50 = w.series.first(where: { $0.name == "latency_p50" }) { latency.append(ChartSeries(name: "\(w.name) p50", points: points(p50), dashed: true)) }
            }
            body += SVGChart.lines(title: "Latency (p50 dashed, p99 solid)", yLabel: "latency", series: latency, windows: windows,
                                   xRange: range, format: Format.duration)
            body += SVGChart.lines(title: "Throughput", yLabel: "completed/s",
                                   series: workloads.compactMap { w in w.series.first { $0.name == "throughput" }.map { ChartSeries(name: w.name, points: points($0)) } },
                                   windows: windows, xRange: range, format: plain)
            body += SVGChart.lines(title: "Availability", yLabel: "succeeded",
                                   series: workloads.map { w in
                                       let s = Series(name: "availability", start: w.sliceStart, interval: w.sliceSeconds,
                                                      values: w.availabilitySeries.map { $0 ?? .nan })
                                       return ChartSeries(name: w.name, points: points(s))
                                   },
                                   windows: windows, xRange: range, yMax: 1, yMin: availabilityFloor(workloads), format: Format.availability)
        }
        let util = utilizationSeries(r)
        if !util.isEmpty {
            body += SVGChart.lines(title: "Utilization", yLabel: "busy", series: util.map { ChartSeries(name: $0.0, points: points($0.1)) },
                                   windows: windows, xRange: range, yMax: 1, format: { Format.percent($0) })
        }
        let queues = queueSeries(r)
        if !queues.isEmpty {
            body += SVGChart.lines(title: "Queue length (waiting requests)", yLabel: "requests",
                                   series: queues.map { ChartSeries(name: $0.0 + ($0.1.name == "depth" ? " depth" : ""), points: points($0.1)) },
                                   windows: windows, xRange: range, format: plain)
        }
        for db in RegionShardReport.loadSeries(r) {
            body += SVGChart.lines(title: "Load per shard of \(db.component) (sharded by region)", yLabel: "queries/s",
                                   series: db.shards.map { ChartSeries(name: $0.label, points: points($0.series)) },
                                   windows: windows, xRange: range, format: plain)
        }
        if !windows.isEmpty {
            body += "<h2>Failures</h2>\n" + table(["failure", "from (s)", "to (s)"],
                                                  windows.map { [$0.label, Format.seconds($0.from), Format.seconds($0.to)] })
        }
        if !r.expectations.isEmpty {
            body += "<h2>Expectations</h2>\n" + table(["expectation", "result", "measured"], r.expectations.map { o in
                [o.expectation.text, o.passed ? "PASS" : "FAIL", o.value.map { TextReport.measured($0, as: o.expectation) } ?? (o.problem ?? "-")]
            }, cellClasses: r.expectations.map { ["", $0.passed ? "pass" : "fail", ""] })
        }
        return page(title: "sdsim — " + r.scenario, body: body)
    }

    /// The bottom of the availability axis: low enough to show the worst slice clearly (a dip to
    /// 99.5% is invisible on a 0–100% axis), never below 0.
    static func availabilityFloor(_ workloads: [WorkloadResult]) -> Double {
        let worst = workloads.flatMap { $0.availabilitySeries.compactMap { $0 } }.min() ?? 0
        let span = max((1 - worst) * 1.25, 0.001)
        let ticks = SVGChart.ticks(max(0, 1 - span * 1.25), 1)
        return max(0, min(ticks.first ?? 0, 1 - span))
    }

    /// An axis number: grouped, at most three decimals, no trailing zeros (`0.5`, `1,200`).
    static func plain(_ x: Double) -> String { Format.seconds(x) }

    // MARK: Spof

    /// The topology of an audit: components coloured by the baseline's utilization, the single
    /// points of failure marked.
    public static func spofTopology(_ a: SpofAuditResult, config: ModelConfig) -> Topology {
        var t = Topology(config, spofs: a.singlePointsOfFailure)
        t.measured = true
        for i in t.nodes.indices where t.nodes[i].kind != "client" {
            t.nodes[i].utilization = a.baseline.utilization.first { $0.name == t.nodes[i].name }?.value
        }
        return t
    }

    /// How many chart series ``spof(_:config:dotSVG:)`` draws: availability and p99 bars, when any target was audited.
    public static func spofSeriesCount(_ a: SpofAuditResult) -> Int { a.rows.isEmpty ? 0 : 2 }

    /// The HTML report of `sdsim spof`: the topology with the single points of failure marked,
    /// each outage's worst availability and p99 as bars against the SLO, and the table per workload.
    public static func spof(_ a: SpofAuditResult, config: ModelConfig, dotSVG: String? = nil) -> String {
        let spofs = a.singlePointsOfFailure
        var body = "<h1>\(HTML.escape(a.scenario)): single points of failure</h1>\n"
        body += "<p class=\"meta\">Each component group, machine and zone taken down in turn (a replicated group loses one replica) "
            + "from \(Format.seconds(a.window.start)) s to \(Format.seconds(a.window.end)) s; figures are for the requests that arrived "
            + "meanwhile, each workload on its own. SLO\(a.sloGiven ? "" : " (default)"): "
            + [a.slo.availability.map { "availability ≥ " + Format.availability($0) }, a.slo.p99.map { "p99 ≤ " + Format.duration($0) }]
                .compactMap { $0 }.joined(separator: ", ")
            + (a.failuresRemoved > 0 ? ". The scenario's own \(a.failuresRemoved) failure\(a.failuresRemoved == 1 ? " was" : "s were") left out" : "")
            + ".</p>\n"
        body += topologySection(spofTopology(a, config: config), dotSVG: dotSVG,
                                spofNote: "single points of failure have a red dashed border; colours are the baseline's utilization.")
        body += "<h2>Baseline (nothing down)</h2>\n" + table(["workload", "arrived", "availability", "p99", "meets SLO"], a.baseline.workloads.map { w in
            [w.workload, Format.grouped(w.arrived), Format.availability(w.availability), w.p99.isFinite ? Format.duration(w.p99) : "n/a", w.meetsSLO ? "yes" : "no"]
        }, cellClasses: a.baseline.workloads.map { ["", "", "", "", $0.meetsSLO ? "pass" : "fail"] })
        if a.stopped {
            body += "<p><strong>The baseline misses the SLO with nothing down: no outage can be judged.</strong> "
                + HTML.escape((a.baseline.unsteadyReasons + [a.baseline.bottleneckAdvice].compactMap { $0 }).joined(separator: " ")) + "</p>\n"
            return page(title: "sdsim spof — " + a.scenario, body: body)
        }
        body += "<p>" + (spofs.isEmpty ? "No single point of failure." : "Single points of failure: <strong>"
            + spofs.map(HTML.escape).joined(separator: ", ") + "</strong>.") + "</p>\n"
        let labels = a.rows.map { $0.targetKind == "component" ? $0.target : "\($0.targetKind) \($0.target)" }
        // Each measure is red when it breaks its own term of the SLO: a SPOF by availability can
        // have a p99 within the SLO (the table still marks the row).
        let worstP99 = a.rows.map { r in r.workloads.map(\.p99).filter(\.isFinite).max() }
        body += SVGChart.bars(title: "Worst workload's availability during each outage", labels: labels,
                              values: a.rows.map(\.worstAvailability), marked: a.rows.map { a.slo.breaks(availability: $0.worstAvailability) },
                              threshold: a.slo.availability.map { (value: $0, label: "SLO " + Format.availability($0)) }, xMax: 1,
                              format: Format.availability)
        body += SVGChart.bars(title: "Worst workload's p99 latency during each outage", labels: labels,
                              values: worstP99, marked: worstP99.map { $0.map(a.slo.breaks(p99:)) ?? false },
                              threshold: a.slo.p99.map { (value: $0, label: "SLO p99 " + Format.duration($0)) }, format: Format.duration)
        var rows: [[String]] = [], classes: [[String]] = []
        for (r, label) in zip(a.rows, labels) {
            for (k, w) in r.workloads.enumerated() {
                rows.append([k == 0 ? label : "", k == 0 ? r.crashed : "", w.workload, Format.availability(w.availability),
                             w.p99.isFinite ? Format.duration(w.p99) : "n/a", Format.grouped(w.failed),
                             k == 0 ? (r.meetsSLO ? "no" : "yes") : "", k == 0 ? r.reason + (r.fix.map { " " + $0 } ?? "") : ""])
                classes.append(["", "l", "l", "", "", "", r.meetsSLO ? "pass" : "fail", "l"])
            }
        }
        body += "<h2>Outages</h2>\n" + table(["target", "crashed", "workload", "availability", "p99", "lost", "SPOF", "why, and what to change"],
                                             rows, cellClasses: classes)
        return page(title: "sdsim spof — " + a.scenario, body: body)
    }
}
