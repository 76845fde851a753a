import SDMetrics
import SDAnalysis
import SDConfig
import SDModels

/// The text, JSON and CSV forms of `sdsim sweep` and `sdsim size`.
public enum SweepReport {
    typealias C = ComparisonReport

    /// A point's values on every axis: `arrival=poisson(5/s)`.
    static func pointLabel(_ r: SweepResult, _ p: Int) -> [String] {
        r.points[p].enumerated().map { a, i in r.axes[a].values[i] }
    }

    /// The short name of an axis: the last part of its path.
    static func axisName(_ a: SweepAxis) -> String { a.path.split(separator: ".").last.map(String.init) ?? a.path }

    /// Tables by workload (throughput, latency, availability, losses, SLO), then tiers, machines and cost.
    public static func text(_ r: SweepResult, scenario: String) -> String {
        var out = "Sweep of \(scenario): " + r.axes.map { "\($0.path) over \($0.values.count) value\($0.values.count == 1 ? "" : "s")" }
            .joined(separator: " × ") + " = \(r.points.count) point\(r.points.count == 1 ? "" : "s")\n"
        out += "\(r.replications) replication\(r.replications == 1 ? "" : "s") per point with the same seeds at every point (common random numbers), "
        out += "seeds derived from \(r.seed). Values: mean over replications ± half-width of its 95% interval.\n"
        if let slo = r.slo { out += "SLO: \(slo.text), for every workload.\n" }
        let axisHeaders = r.axes.map(axisName)
        for w in workloads(r) {
            out += "\nWorkload \(w)\n" + C.table(workloadTable(r, w))
        }
        let others = r.figures.indices.filter { r.figures[$0].kind != .workload }
        if !others.isEmpty {
            var rows: [[String]] = [axisHeaders + others.map { C.label(r.figures[$0]) }]
            for p in r.points.indices {
                rows.append(pointLabel(r, p) + others.map { C.estimate(r.estimates[p][$0], r.figures[$0].unit) })
            }
            out += "\nTiers, machines and cost\n" + C.table(rows)
        }
        if r.slo != nil {
            out += "\nSLO column: holds = met at the far end of the 95% interval; holds? = the estimate meets it but the interval "
            out += "reaches past it; fails? = the estimate misses it but the interval reaches back; fails = the whole interval misses it.\n"
        }
        out += analysis(r)
        return out
    }

    /// The table of workload `w`: a header row (the axes, the workload metrics, SLO), then a row
    /// per point with each mean ± half-width and the point's worst SLO verdict.
    static func workloadTable(_ r: SweepResult, _ w: String) -> [[String]] {
        let metrics = SystemFigures.workloadMetrics
        var rows: [[String]] = [r.axes.map(axisName) + metrics.map { $0 == "p999" ? "p99.9" : $0 } + (r.slo == nil ? [] : ["SLO"])]
        for p in r.points.indices {
            var row = pointLabel(r, p)
            for m in metrics {
                let f = r.figures.firstIndex { $0.kind == .workload && $0.subject == w && $0.metric == m }
                row.append(f.map { C.estimate(r.estimates[p][$0], r.figures[$0].unit) } ?? "—")
            }
            if r.slo != nil { row.append(verdict(r.verdicts[p].filter { $0.workload == w }.map(\.verdict))) }
            rows.append(row)
        }
        return rows
    }

    /// The workloads of a sweep, in report order.
    static func workloads(_ r: SweepResult) -> [String] { ordered(r.figures.filter { $0.kind == .workload }.map(\.subject)) }

    /// The worst verdict of a point.
    static func verdict(_ vs: [SLOVerdict]) -> String {
        if vs.contains(.fails) { return "fails" }
        if vs.contains(.failsLikely) { return "fails?" }
        if vs.contains(.holdsLikely) { return "holds?" }
        return "holds"
    }

    /// The knee and the SLO limit of a one-dimensional sweep.
    static func analysis(_ r: SweepResult) -> String {
        var out = ""
        let axis = r.axes.count == 1 ? r.axes[0] : nil
        func at(_ x: Double) -> String {
            let n = SweepSpecFormat.number(x)
            return n + (axis.map { " (\($0.path) = " + value(axis: $0, x) + ")" } ?? "")
        }
        if let k = r.knee {
            out += "\nKnee: \(at(k.value))"
            out += k.atEdge ? ", at the edge of the sweep: the peak may lie beyond it; widen the range.\n" : ".\n"
            out += "  Definition: " + SweepResult.kneeDefinition + "\n"
        }
        if let limit = r.sloLimit, let slo = r.slo {
            if limit.meetsNowhere {
                out += "\nHighest value meeting the SLO (\(slo.text)): none; the SLO fails at the first point.\n"
            } else if limit.meetsEverywhere {
                out += "\nHighest value meeting the SLO (\(slo.text)): beyond the sweep; it holds at every point.\n"
            } else if let e = limit.estimate {
                out += "\nHighest value meeting the SLO (\(slo.text)): \(at(e))"
                let lo = limit.low.map(SweepSpecFormat.number) ?? "below the sweep"
                let hi = limit.high.map(SweepSpecFormat.number) ?? "beyond the sweep"
                out += ", band \(lo) to \(hi).\n"
                out += "  Linear interpolation between the last point whose estimate meets the SLO and the next; the band "
                out += "interpolates the ends of each point's 95% interval the same way.\n"
            }
        } else if r.slo != nil && r.axes.count > 1 {
            out += "\nThe highest value meeting the SLO is found for a sweep of one path; see the SLO column of each point.\n"
        }
        return out
    }

    static func value(axis: SweepAxis, _ x: Double) -> String {
        if let i = axis.coordinates.firstIndex(where: { $0 == x }) { return axis.values[i] }
        return (axis.prefix ?? "") + SweepSpecFormat.number(x) + (axis.suffix ?? "")
    }

    static func ordered(_ xs: [String]) -> [String] {
        var out: [String] = []
        for x in xs where !out.contains(x) { out.append(x) }
        return out
    }

    /// One row per point and figure: the axes' values, then kind, subject, metric, mean, low, high.
    public static func csv(_ r: SweepResult) -> String {
        var out = (r.axes.map { csvField($0.path) } + ["kind", "subject", "metric", "unit", "mean", "ci95_low", "ci95_high", "slo"])
            .joined(separator: ",") + "\n"
        for p in r.points.indices {
            let labels = pointLabel(r, p).map(csvField)
            let slo = r.slo == nil ? "" : verdict(r.verdicts[p].map(\.verdict))
            for (f, figure) in r.figures.enumerated() {
                guard let e = r.estimates[p][f] else { continue }
                let fields = labels + [figure.kind.rawValue, csvField(figure.subject), figure.metric, figure.unit.rawValue,
                                       csvNumber(e.mean), csvNumber(e.low), csvNumber(e.high), slo]
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
    }

    static func csvNumber(_ x: Double) -> String { x.isFinite ? "\(x)" : "" }

    /// The sweep as one JSON document.
    public static func json(_ r: SweepResult, scenario: String) -> String {
        let points: [JSONValue] = r.points.indices.map { p in
            var settings: [(String, JSONValue)] = []
            for (a, i) in r.points[p].enumerated() {
                settings.append((r.axes[a].path, .object([("value", .string(r.axes[a].values[i])),
                                                          ("number", .optional(r.axes[a].coordinates[i]))])))
            }
            let figures: [JSONValue] = r.figures.indices.compactMap { f in
                guard let e = r.estimates[p][f] else { return nil }
                let fig = r.figures[f]
                return .object([("kind", .string(fig.kind.rawValue)), ("subject", .string(fig.subject)), ("metric", .string(fig.metric)),
                                ("unit", .string(fig.unit.rawValue)), ("mean", .double(e.mean)), ("low", .double(e.low)), ("high", .double(e.high))])
            }
            var entry: [(String, JSONValue)] = [("settings", .object(settings)), ("figures", .array(figures))]
            if r.slo != nil {
                entry.append(("slo", .array(r.verdicts[p].map { v in
                    .object([("term", .string(r.slo!.terms[v.term].text)), ("workload", .string(v.workload)),
                             ("verdict", .string(v.verdict.rawValue))])
                })))
            }
            return .object(entry)
        }
        var doc: [(String, JSONValue)] = [
            ("scenario", .string(scenario)), ("replications", .integer(r.replications)), ("seed", .uint(r.seed)),
            ("axes", .array(r.axes.map { .string($0.path) })), ("slo", r.slo.map { .string($0.text) } ?? .null),
            ("points", .array(points)),
        ]
        if let k = r.knee {
            doc.append(("knee", .object([("value", .double(k.value)), ("at_edge", .bool(k.atEdge)),
                                         ("definition", .string(SweepResult.kneeDefinition)),
                                         ("power", .array(k.power.map { .double($0) }))])))
        }
        if let l = r.sloLimit {
            doc.append(("slo_limit", .object([("estimate", .optional(l.estimate)), ("low", .optional(l.low)), ("high", .optional(l.high)),
                                              ("meets_everywhere", .bool(l.meetsEverywhere)), ("meets_nowhere", .bool(l.meetsNowhere))])))
        }
        return JSONValue.object(doc).rendered() + "\n"
    }
}

/// Numbers of swept settings, written without exponent or trailing zeros.
enum SweepSpecFormat {
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        // Four significant digits, trailing zeros dropped: 0.7945, 812.5, 0.1.
        var text = Format.significant(x).replacingAll(",", with: "")
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

extension String {
    func replacingAll(_ a: String, with b: String) -> String {
        guard !a.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound] + b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

}
