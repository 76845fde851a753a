import SDAnalysis
import SDConfig
import SDMetrics

extension HTMLReport {
    /// The latency metrics an SLO term may bound, drawn against the sweep's latency curves.
    static let latencyMetrics: Set<String> = ["mean", "p50", "p90", "p99", "p999"]

    /// How many chart series ``sweep(_:scenario:)`` draws: for a sweep of one numeric path, each
    /// workload's p99 and mean plus one line per latency term of the SLO, then each workload's
    /// throughput; nothing for other sweeps (tables only).
    public static func sweepSeriesCount(_ r: SweepResult) -> Int {
        guard sweepXs(r) != nil else { return 0 }
        let w = SweepReport.workloads(r).count
        let sloLines = r.slo?.terms.filter { latencyMetrics.contains($0.metric) }.count ?? 0
        return 3 * w + sloLines
    }

    /// The swept numbers of a sweep of one numeric path, nil for any other sweep.
    static func sweepXs(_ r: SweepResult) -> [Double]? {
        guard r.axes.count == 1 else { return nil }
        let xs = r.axes[0].coordinates.compactMap { $0 }
        return xs.count == r.axes[0].values.count && !xs.isEmpty ? xs : nil
    }

    /// The HTML report of `sdsim sweep`: latency (p99 and mean, with their 95% intervals in the
    /// tables) and throughput against the swept value, the knee and the highest value meeting the
    /// SLO shaded, each latency term of the SLO as a horizontal line; then the tables per workload.
    public static func sweep(_ r: SweepResult, scenario: String) -> String {
        var body = "<h1>\(HTML.escape(scenario)): sweep</h1>\n"
        body += "<p class=\"meta\">" + HTML.escape(r.axes.map { "\($0.path) over \($0.values.count) value\($0.values.count == 1 ? "" : "s")" }
            .joined(separator: " × ")) + " = \(r.points.count) point\(r.points.count == 1 ? "" : "s") · \(r.replications) replication"
            + "\(r.replications == 1 ? "" : "s") per point, the same seeds at every point (common random numbers), derived from \(r.seed)</p>\n"
        if let slo = r.slo { body += "<p>SLO: <strong>\(HTML.escape(slo.text))</strong>, for every workload.</p>\n" }
        let workloads = SweepReport.workloads(r)
        func figure(_ w: String, _ metric: String) -> Int? {
            r.figures.firstIndex { $0.kind == .workload && $0.subject == w && $0.metric == metric }
        }
        if let xs = sweepXs(r) {
            let axis = r.axes[0]
            let range = (xs.min() ?? 0)...(xs.max() ?? 1)
            var windows: [ChartWindow] = []
            let width = max((range.upperBound - range.lowerBound) * 0.006, 1e-9)
            if let k = r.knee {
                windows.append(ChartWindow(from: k.value - width, to: k.value + width, label: "knee"))
            }
            if let limit = r.sloLimit, let e = limit.estimate {
                windows.append(ChartWindow(from: limit.low ?? e - width, to: limit.high ?? e + width, label: "SLO limit"))
            }
            func curve(_ w: String, _ metric: String, dashed: Bool = false, name: String) -> ChartSeries {
                let f = figure(w, metric)
                return ChartSeries(name: name, points: xs.indices.map { p in
                    (xs[p], f.flatMap { r.estimates[p][$0]?.mean }.flatMap { $0.isFinite ? $0 : nil })
                }, dashed: dashed)
            }
            var latency: [ChartSeries] = []
            for w in workloads {
                latency.append(curve(w, "p99", name: "\(w) p99"))
                latency.append(curve(w, "mean", dashed: true, name: "\(w) mean"))
            }
            for term in r.slo?.terms ?? [] where latencyMetrics.contains(term.metric) {
                latency.append(ChartSeries(name: "SLO \(term.text)", points: [(range.lowerBound, term.bound), (range.upperBound, term.bound)],
                                           dashed: true))
            }
            body += "<h2>Latency against \(HTML.escape(axis.path))</h2>\n<p class=\"note\">Each point is the mean over its replications. "
                + "Shaded: the knee" + (r.sloLimit?.estimate == nil ? "" : " and the highest value meeting the SLO (with its band)")
                + "; the SLO's latency terms are horizontal dashed lines.</p>\n"
            body += SVGChart.lines(title: "Latency (p99 solid, mean dashed)", yLabel: "latency", series: latency, windows: windows,
                                   xRange: range, xLabel: axis.path, format: Format.duration)
            body += SVGChart.lines(title: "Throughput", yLabel: "completed/s",
                                   series: workloads.map { curve($0, "throughput", name: $0) }, windows: windows,
                                   xRange: range, xLabel: axis.path, format: Format.significant)
        } else {
            body += "<p class=\"note\">Charts are drawn for a sweep of one numeric path; this one is shown as tables.</p>\n"
        }
        let analysis = SweepReport.analysis(r).split(separator: "\n").map { String($0.drop { $0 == " " }) }.filter { !$0.isEmpty }
        if !analysis.isEmpty {
            body += "<h2>Knee and SLO limit</h2>\n" + analysis.map { "<p>\(HTML.escape($0))</p>\n" }.joined()
        }
        for w in workloads {
            let rows = SweepReport.workloadTable(r, w)
            let verdicts = rows.dropFirst().map { row in r.slo == nil ? "" : (row.last?.hasPrefix("fails") == true ? "fail" : "pass") }
            body += "<h2>Workload \(HTML.escape(w))</h2>\n" + table(rows[0], Array(rows.dropFirst()),
                cellClasses: verdicts.map { v in rows[0].indices.map { $0 == rows[0].count - 1 ? v : "" } })
        }
        body += "<p class=\"note\">Values: mean over replications ± half-width of its 95% interval.</p>\n"
        return page(title: "sdsim — sweep of " + scenario, body: body)
    }
}
