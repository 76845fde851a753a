import SDModels
import SDConfig
import SDMetrics

extension TextReport {
    /// `Autoscaling`: for each autoscaler, its policy, its changes (time, replicas before and
    /// after, the utilization that decided), and the active replicas by tenth of the run.
    static func autoscaleSection(_ traces: [AutoscaleTrace]) -> String {
        guard !traces.isEmpty else { return "" }
        var out = "\n"
        for t in traces {
            let p = t.policy
            let rule: String
            switch p.rule {
            case .target(let x): rule = "target \(Format.percent(x))"
            case .thresholds(let above, let below, let step):
                rule = "out above \(Format.percent(above)), in below \(Format.percent(below)), step \(step)"
            }
            out += "Autoscaling \(p.group): \(p.min)…\(p.max) replicas, \(rule), every \(Format.seconds(p.interval.seconds)) s, "
                + "cool-down \(Format.seconds(p.cooldown.seconds)) s; started with \(t.initialReplicas); "
                + "\(t.scaleOuts) out, \(t.scaleIns) in, peak \(t.peakReplicas), at end \(t.finalReplicas)\n"
            if t.actions.isEmpty {
                out += "  no changes\n"
            } else {
                var table = TextTable(headers: ["  at", "replicas", "utilization"], alignments: [.right, .right, .right])
                for a in t.actions {
                    table.rows.append(["  " + Format.seconds(a.at) + " s", "\(a.from) → \(a.to)", Format.percent(a.utilization)])
                }
                out += table.render()
            }
            if let line = byTenth(t) { out += line }
        }
        return out
    }

    /// The active replicas at the end of each tenth of the evaluations (nil with fewer than ten).
    private static func byTenth(_ t: AutoscaleTrace) -> String? {
        let values = t.replicas.values
        guard values.count >= 10 else { return nil }
        let per = values.count / 10
        let parts = (0..<10).map { b in String(Int(values[b == 9 ? values.count - 1 : (b + 1) * per - 1])) }
        let util = (0..<10).map { b -> String in
            let range = (b * per)..<(b == 9 ? values.count : (b + 1) * per)
            return Format.percent(range.reduce(0) { $0 + t.utilization.values[$1] } / Double(range.count))
        }
        return "  replicas by tenth of the evaluations: " + parts.joined(separator: " ") + "\n"
            + "  utilization by tenth:                 " + util.joined(separator: " ") + "\n"
    }
}

extension JSONReport {
    /// `"autoscaling": { "<group>": { "min", "max", "interval", "cooldown", "target" or
    /// "scale_out_above", "scale_in_below", "step", "initial_replicas", "actions": [{ "at", "from", "to",
    /// "utilization" }], "series": { "utilization", "replicas" } } }`.
    static func autoscaling(_ traces: [AutoscaleTrace]) -> JSONValue {
        .object(traces.map { t in
            let p = t.policy
            var members: [(String, JSONValue)] = [("min", .integer(p.min)), ("max", .integer(p.max)),
                                                  ("interval", .double(p.interval.seconds)), ("cooldown", .double(p.cooldown.seconds))]
            switch p.rule {
            case .target(let x): members.append(("target", .double(x)))
            case .thresholds(let above, let below, let step):
                members += [("scale_out_above", .double(above)), ("scale_in_below", .double(below)), ("step", .integer(step))]
            }
            members += [
                ("initial_replicas", .integer(t.initialReplicas)),
                ("actions", .array(t.actions.map { a in
                    .object([("at", .double(a.at)), ("from", .integer(a.from)), ("to", .integer(a.to)), ("utilization", .double(a.utilization))])
                })),
                ("series", .object([("utilization", series(t.utilization)), ("replicas", series(t.replicas))])),
            ]
            return (p.group, .object(members))
        })
    }

    /// A sampled series: `{ "start", "interval", "values": [x, …] }`.
    static func series(_ s: Series) -> JSONValue {
        .object([("start", .double(s.start)), ("interval", .double(s.interval)), ("values", .array(s.values.map { .double($0) }))])
    }
}
