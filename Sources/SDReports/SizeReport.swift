import SDMetrics
import SDAnalysis
import SDConfig
import SDModels

/// The text and JSON forms of `sdsim size`.
public enum SizeReport {
    typealias C = ComparisonReport

    /// Every value tried (in increasing order), the answer and the confidence behind it, and its cost.
    public static func text(_ r: SizingResult, scenario: String) -> String {
        var out = "Sizing \(r.path) of \(scenario) for the SLO \(r.slo.text) (every workload), at the scenario's load.\n"
        out += "\(r.replications) replications per value, the same seeds for every value (common random numbers), seeds derived from \(r.seed).\n"
        out += "Searched \(r.lower)…\(r.upper) by doubling, then bisection: \(r.evaluations.count) value\(r.evaluations.count == 1 ? "" : "s") tried.\n\n"
        let tried = r.evaluations.sorted { $0.value < $1.value }
        let workloads = ordered(tried.first?.figures.filter { $0.kind == .workload }.map(\.subject) ?? [])
        let metrics = ordered(r.slo.terms.map(\.metric))
        var header = [r.path.split(separator: ".").last.map(String.init) ?? r.path]
        for w in workloads { for m in metrics { header.append("\(w) \(m == "p999" ? "p99.9" : m)") } }
        header += ["cost per hour", "SLO"]
        var rows = [header]
        for e in tried {
            var row = [String(e.value)]
            for w in workloads {
                for m in metrics {
                    let f = e.figures.firstIndex { $0.kind == .workload && $0.subject == w && $0.metric == m }
                    row.append(f.map { C.estimate(e.estimates[$0], e.figures[$0].unit) } ?? "—")
                }
            }
            row.append(e.estimate("cost_per_hour").map { C.value($0.mean, .money) } ?? "—")
            row.append(e.meets ? "meets" : SweepReport.verdict(e.verdicts.map(\.verdict)))
            rows.append(row)
        }
        out += C.table(rows)
        out += "\nmeets: every term holds at the far end of its 95% interval; holds?: the estimate holds but the interval reaches past "
        out += "the target; fails?/fails: the estimate (and, for fails, the whole interval) misses it.\n\n"
        guard let answer = r.answer, let at = r.evaluation(answer) else {
            out += "No value up to \(r.upper) meets the SLO with confidence. Widen the range (\(r.path)=\(r.lower)..HIGH), "
            out += "or look for another bottleneck: more of this setting may not help.\n"
            return out
        }
        out += "Answer: \(r.path) = \(answer)\n"
        out += "  At \(answer), each SLO term holds for every workload with at least 97.5% one-sided confidence "
        out += "(the far end of its 95% interval meets the target)"
        out += figures(at, workloads: workloads, metrics: metrics) + ".\n"
        if answer > r.lower, let below = r.evaluation(answer - 1) {
            let v = below.verdicts.map(\.verdict)
            let how = v.contains(.fails) ? "fails (the whole interval misses the target)"
                : v.contains(.failsLikely) ? "misses the target by its estimate (not significantly)"
                : "cannot be shown to meet it (the estimate meets it, the interval reaches past the target)"
            out += "  At \(answer - 1), the SLO \(how)" + figures(below, workloads: workloads, metrics: metrics) + ".\n"
        } else if answer == r.lower {
            out += "  \(answer) is the lowest value searched; a lower one may meet the SLO too.\n"
        }
        if let cost = at.estimate("cost_per_hour") {
            out += "  Cost at \(answer): \(C.value(cost.mean, .money)) per hour"
            if let m = at.estimate("cost_per_million"), m.mean.isFinite { out += ", \(C.estimate(m, .money)) per million requests" }
            out += ".\n"
        } else {
            out += "  Cost: no component of this scenario runs on a machine with a cost ('machines:').\n"
        }
        out += "  The search assumes more of \(r.path) never makes the SLO worse.\n"
        return out
    }

    static func figures(_ e: SizingResult.Evaluation, workloads: [String], metrics: [String]) -> String {
        var parts: [String] = []
        for w in workloads {
            for m in metrics {
                guard let f = e.figures.firstIndex(where: { $0.kind == .workload && $0.subject == w && $0.metric == m }) else { continue }
                parts.append("\(w) \(m) \(C.estimate(e.estimates[f], e.figures[f].unit))")
            }
        }
        return parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")
    }

    static func ordered(_ xs: [String]) -> [String] {
        var out: [String] = []
        for x in xs where !out.contains(x) { out.append(x) }
        return out
    }

    /// The sizing as one JSON document.
    public static func json(_ r: SizingResult, scenario: String) -> String {
        let tried: [JSONValue] = r.evaluations.sorted { $0.value < $1.value }.map { e in
            let figures: [JSONValue] = e.figures.indices.compactMap { f in
                guard let x = e.estimates[f] else { return nil }
                let fig = e.figures[f]
                return .object([("kind", .string(fig.kind.rawValue)), ("subject", .string(fig.subject)), ("metric", .string(fig.metric)),
                                ("mean", .double(x.mean)), ("low", .double(x.low)), ("high", .double(x.high))])
            }
            return .object([("value", .integer(e.value)), ("meets", .bool(e.meets)), ("figures", .array(figures)),
                            ("slo", .array(e.verdicts.map { v in
                                .object([("term", .string(r.slo.terms[v.term].text)), ("workload", .string(v.workload)),
                                         ("verdict", .string(v.verdict.rawValue))])
                            }))])
        }
        let doc: JSONValue = .object([
            ("scenario", .string(scenario)), ("path", .string(r.path)), ("slo", .string(r.slo.text)),
            ("replications", .integer(r.replications)), ("seed", .uint(r.seed)), ("lower", .integer(r.lower)), ("upper", .integer(r.upper)),
            ("answer", r.answer.map { .integer($0) } ?? .null),
            ("order_tried", .array(r.evaluations.map { .integer($0.value) })),
            ("tried", .array(tried)),
        ])
        return doc.rendered() + "\n"
    }
}
