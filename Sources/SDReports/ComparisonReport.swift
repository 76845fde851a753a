import SDMetrics
import SDAnalysis
import SDConfig
import SDModels

/// The text and JSON forms of `sdsim compare`.
public enum ComparisonReport {
    /// A figure's value as the text report writes it.
    static func value(_ x: Double, _ unit: Figure.Unit) -> String {
        guard x.isFinite else { return "n/a" }
        switch unit {
        case .seconds: return Format.duration(x)
        case .fraction: return Format.fixed(x * 100, decimals: x > 0.99 && x < 1 ? 3 : 1) + "%"
        case .perSecond: return Format.significant(x) + "/s"
        case .count: return Format.significant(x)
        case .money: return "$" + (x.magnitude >= 1 ? Format.fixed(x, decimals: 2) : Format.significant(x))
        }
    }

    /// A signed difference as the text report writes it.
    static func signed(_ x: Double, _ unit: Figure.Unit) -> String {
        guard x.isFinite else { return "n/a" }
        if x == 0 { return "0" }
        return (x > 0 ? "+" : "-") + value(x.magnitude, unit)
    }

    /// A figure's label: `reads p99`, `web utilization`, `machine big utilization`, `cost per hour`.
    static func label(_ f: Figure) -> String {
        let metric: String
        switch f.metric {
        case "cost_per_hour": metric = "cost per hour"
        case "cost_per_million": metric = "cost per million requests"
        case "p999": metric = "p99.9"
        default: metric = f.metric
        }
        switch f.kind {
        case .system: return metric
        case .machine: return "machine \(f.subject) \(metric)"
        default: return "\(f.subject) \(metric)"
        }
    }

    /// An estimate as `12.3 ms ± 0.4 ms`, or the bare value when it is exact or the interval unknown.
    static func estimate(_ e: MeanEstimate?, _ unit: Figure.Unit) -> String {
        guard let e else { return "—" }
        guard e.mean.isFinite else { return "n/a" }
        guard e.halfWidth.isFinite, e.halfWidth > 0 else { return value(e.mean, unit) }
        return value(e.mean, unit) + " ± " + value(e.halfWidth, unit)
    }

    /// A difference with the half-width of its (symmetric) interval: `-3.2 ms ± 0.9 ms *`.
    static func difference(_ d: MeanEstimate?, _ unit: Figure.Unit, significant: Bool) -> String {
        guard let d else { return "—" }
        guard d.mean.isFinite else { return "n/a" }
        var text = signed(d.mean, unit)
        if d.halfWidth.isFinite, d.halfWidth > 0 { text += " ± " + value(d.halfWidth, unit) }
        return text + (significant ? " *" : "  ")
    }

    /// What a system's figure is written as in the side-by-side table (text and HTML alike).
    static func estimateCell(_ c: Comparison, _ f: Int, _ s: Int) -> String {
        c.withheld(f, s) ? unsteadyCell : estimate(c.estimates[f][s], c.figures[f].unit)
    }

    /// What a system's difference from the baseline is written as, with the `*` of a significant one.
    static func differenceCell(_ c: Comparison, _ f: Int, _ s: Int) -> String {
        if c.withheld(f, s) || c.withheld(f, c.baseline) { return unsteadyCell + "  " }
        return difference(c.differences[f][s], c.figures[f].unit, significant: c.isSignificant(f, s))
    }

    /// The cell of a figure withheld for want of a steady state.
    static let unsteadyCell = "no steady state"

    /// The side-by-side table: one row per figure; for each system its mean ± half-width, and for
    /// each system other than the baseline its paired difference from the baseline with the
    /// interval, marked `*` when significant.
    public static func text(_ c: Comparison) -> String {
        let level = Format.fixed(c.level * 100, decimals: 0)
        var out = "Comparison of \(c.systems.count) systems: \(c.systems.joined(separator: ", "))\n"
        out += "\(c.replications) replications each, seeds derived from \(c.seed); replication r of every system uses the same "
        out += "seed, so all see the same arrivals, request types, keys and sizes (common random numbers).\n"
        out += "Values: mean over replications ± half-width of its \(level)% interval. Differences: system − \(c.systems[c.baseline]) "
        out += "(the baseline), paired by replication, ± half-width of the \(level)% interval; * marks a significant difference "
        out += "(the interval excludes 0).\n\n"
        var header = ["figure"]
        for (s, name) in c.systems.enumerated() {
            header.append(name + (s == c.baseline ? " (baseline)" : ""))
        }
        for (s, name) in c.systems.enumerated() where s != c.baseline { header.append("\(name) − \(c.systems[c.baseline])") }
        var rows: [[String]] = [header]
        for (f, figure) in c.figures.enumerated() {
            var row = [label(figure)]
            for s in c.systems.indices { row.append(estimateCell(c, f, s)) }
            for s in c.systems.indices where s != c.baseline { row.append(differenceCell(c, f, s)) }
            rows.append(row)
        }
        out += table(rows)
        out += bottlenecks(c)
        out += notes(c)
        if !c.expectations.isEmpty {
            out += "\nExpectations:\n"
            for e in c.expectations {
                let found = [e.left, e.right].compactMap { $0 }.map { value($0, e.unit ?? .count) }
                out += "  \(e.passed ? "PASS" : "FAIL")  \(e.expectation.text)"
                if let problem = e.problem { out += "  (\(problem))" } else if found.count == 2 { out += "  (\(found[0]) vs \(found[1]))" }
                out += "\n"
            }
        }
        return out
    }

    /// Each system's bottleneck, from its own replications (never pooled with another system's).
    static func bottlenecks(_ c: Comparison) -> String {
        guard c.bottlenecks.contains(where: { $0 != nil }) else { return "" }
        var out = "\nBottleneck of each system (over its replications; `sdsim run --variant NAME` shows the full analysis):\n"
        let width = c.systems.map(\.count).max() ?? 0
        for (s, name) in c.systems.enumerated() {
            out += "  " + name + String(repeating: " ", count: width - name.count) + "  " + bottleneck(c.bottlenecks[s]) + "\n"
        }
        return out
    }

    /// A system's bottleneck in one line: `web: ceiling 2,000/s, headroom 20%`.
    static func bottleneck(_ b: BottleneckReport?) -> String {
        guard let b else { return "n/a (no arrival rate to analyse)" }
        if let bottleneck = b.bottleneck {
            return "\(bottleneck): ceiling \(Format.significant(b.ceiling))/s, headroom \(Format.percent(b.headroom))"
        }
        return "none at this load" + (b.busiest.map { " (busiest: \($0), ceiling \(Format.significant(b.ceiling))/s)" } ?? "")
    }

    /// Why a figure is shown the way it is, when that needs saying.
    static func notes(_ c: Comparison) -> String {
        var out = ""
        if c.replications < 2 {
            out += "\nWith one replication there is no interval: run --replications 2 or more to judge differences.\n"
        }
        for s in c.systems.indices where c.unsteady(s) {
            out += "\nNo steady state in \(c.systems[s]): " + (c.stability[s]?.reasons ?? []).joined(separator: "; ")
                + ". Its latencies grow with the run's length, so its latency figures and their differences are not given.\n"
        }
        let unmeasured = c.figures.indices.filter { f in c.estimates[f].contains { $0 != nil && !$0!.mean.isFinite } }
        if !unmeasured.isEmpty {
            out += "\nn/a: the figure has no value in some replication (nothing completed), so no mean or difference is claimed.\n"
        }
        if c.figures.indices.contains(where: { f in c.estimates[f].contains { $0 == nil } }) {
            out += "—: the system has no such component, machine or workload.\n"
        }
        return out
    }

    /// Left-aligned first column, right-aligned others, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for r in rows {
            var line = ""
            for (i, cell) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + pad : "  " + pad + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// An estimate as JSON: mean, low, high (null when unknown).
    static func json(_ e: MeanEstimate?) -> JSONValue {
        guard let e else { return .null }
        return .object([("mean", .double(e.mean)), ("low", .double(e.low)), ("high", .double(e.high))])
    }

    /// The comparison as one JSON document.
    public static func json(_ c: Comparison) -> String {
        var figures: [JSONValue] = []
        for (f, figure) in c.figures.enumerated() {
            var systems: [(String, JSONValue)] = []
            for (s, name) in c.systems.enumerated() {
                // A withheld figure (no steady state) has no number: null, and "withheld": true.
                let withheld = c.withheld(f, s) || c.withheld(f, c.baseline)
                var entry: [(String, JSONValue)] = [("estimate", c.withheld(f, s) ? .null : json(c.estimates[f][s]))]
                if s != c.baseline {
                    entry.append(("difference", withheld ? .null : json(c.differences[f][s])))
                    entry.append(("unpaired_difference", withheld ? .null : json(c.unpairedDifferences[f][s])))
                    entry.append(("significant", .bool(c.isSignificant(f, s))))
                }
                if withheld { entry.append(("withheld", .bool(true))) }
                systems.append((name, .object(entry)))
            }
            figures.append(.object([("kind", .string(figure.kind.rawValue)), ("subject", .string(figure.subject)),
                                    ("metric", .string(figure.metric)), ("unit", .string(figure.unit.rawValue)),
                                    ("systems", .object(systems))]))
        }
        let expectations: [JSONValue] = c.expectations.map { e in
            .object([("expectation", .string(e.expectation.text)), ("left", .optional(e.left)), ("right", .optional(e.right)),
                     ("passed", .bool(e.passed)), ("problem", e.problem.map { .string($0) } ?? .null)])
        }
        let bottlenecks: [(String, JSONValue)] = c.systems.indices.map { s in
            guard s < c.bottlenecks.count, let b = c.bottlenecks[s] else { return (c.systems[s], .null) }
            return (c.systems[s], .object([("bottleneck", b.bottleneck.map { .string($0) } ?? .null),
                                           ("busiest", b.busiest.map { .string($0) } ?? .null),
                                           ("ceiling", .double(b.ceiling)), ("headroom", .double(b.headroom))]))
        }
        let doc: JSONValue = .object([
            ("systems", .array(c.systems.map { .string($0) })), ("baseline", .string(c.systems[c.baseline])),
            ("bottlenecks", .object(bottlenecks)),
            ("steady", .object(c.systems.indices.map { (c.systems[$0], .bool(!c.unsteady($0))) })),
            ("replications", .integer(c.replications)), ("seed", .uint(c.seed)), ("confidence", .double(c.level)),
            ("figures", .array(figures)), ("expectations", .array(expectations)),
        ])
        return doc.rendered() + "\n"
    }
}
