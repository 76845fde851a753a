import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// Two stored runs side by side (`sdsim results diff A B`): for each workload and component the
/// two runs have in common, the figures of both, the change, and a mark where the difference is
/// significant. Only the mean latency carries a confidence interval (batch means within a run, or
/// across replications); it is marked `*` when the two 95% intervals do not overlap, a conservative
/// test (non-overlapping 95% intervals mean a difference at well below the 5% level). Other
/// figures have no interval and are never marked. Workloads or components in one run only are listed.
public enum ResultsDiff {
    /// One compared figure.
    public struct Line: Sendable, Equatable {
        /// Workload or component, and the figure.
        public var subject: String, figure: String
        /// The two values (nil: not in that run).
        public var a: Double?, b: Double?
        /// How the values are shown: `duration`, `percent`, `number`.
        public var unit: String
        /// Whether the difference is significant (see ``ResultsDiff``).
        public var significant: Bool
    }

    /// The compared figures, workloads first, in run A's order.
    public static func lines(_ a: RunResult, _ b: RunResult) -> [Line] {
        var out: [Line] = []
        for wa in a.workloads {
            guard let wb = b.workloads.first(where: { $0.name == wa.name }) else { continue }
            let la = wa.latency, lb = wb.latency
            let ciA = la.meanCI95, ciB = lb.meanCI95
            let haveCI = [ciA.low, ciA.high, ciB.low, ciB.high].allSatisfy(\.isFinite)
            let apart = haveCI && (ciA.high < ciB.low || ciB.high < ciA.low)
            out.append(Line(subject: wa.name, figure: "latency mean", a: la.mean, b: lb.mean, unit: "duration", significant: apart))
            out.append(Line(subject: wa.name, figure: "p50", a: la.p50, b: lb.p50, unit: "duration", significant: false))
            out.append(Line(subject: wa.name, figure: "p99", a: la.p99, b: lb.p99, unit: "duration", significant: false))
            out.append(Line(subject: wa.name, figure: "p99.9", a: la.p999, b: lb.p999, unit: "duration", significant: false))
            out.append(Line(subject: wa.name, figure: "throughput", a: throughput(wa, a), b: throughput(wb, b), unit: "number", significant: false))
            out.append(Line(subject: wa.name, figure: "availability", a: wa.availability, b: wb.availability, unit: "availability", significant: false))
        }
        for ca in a.components {
            guard let cb = b.components.first(where: { $0.name == ca.name }) else { continue }
            out.append(Line(subject: ca.name, figure: "utilization", a: ca.utilization, b: cb.utilization, unit: "percent", significant: false))
            out.append(Line(subject: ca.name, figure: "throughput", a: ca.throughput, b: cb.throughput, unit: "number", significant: false))
            out.append(Line(subject: ca.name, figure: "queue length", a: ca.queueLengthMean, b: cb.queueLengthMean, unit: "number", significant: false))
        }
        return out
    }

    /// Completed requests per second of the measured window, per replication.
    static func throughput(_ w: WorkloadResult, _ r: RunResult) -> Double {
        let window = r.simulatedSeconds - r.warmupSeconds
        return window > 0 ? Double(w.completed) / window / Double(max(r.replications, 1)) : .nan
    }

    static func show(_ x: Double?, _ unit: String) -> String {
        guard let x else { return "-" }
        switch unit {
        case "duration": return Format.duration(x)
        case "percent": return Format.percent(x)
        case "availability": return Format.availability(x)
        default: return Format.significant(x)
        }
    }

    /// The change from a to b as a percentage of a (`+4.2%`), or `-` when it means nothing.
    static func change(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, a.isFinite, b.isFinite else { return "-" }
        if a == b { return "0" }
        guard a != 0 else { return "new" }
        let p = (b - a) / a.magnitude
        return (p >= 0 ? "+" : "-") + Format.fixed(p.magnitude * 100, decimals: 1) + "%"
    }

    /// The side-by-side table as text; `nameA`/`nameB` head the two value columns.
    public static func text(_ a: RunResult, _ b: RunResult, nameA: String, nameB: String) -> String {
        var t = TextTable(headers: ["", "figure", nameA, nameB, "change", ""],
                          alignments: [.left, .left, .right, .right, .right, .left])
        var previous = ""
        for l in lines(a, b) {
            t.rows.append([l.subject == previous ? "" : l.subject, l.figure, show(l.a, l.unit), show(l.b, l.unit),
                           change(l.a, l.b), l.significant ? "*" : ""])
            previous = l.subject
        }
        var out = t.render()
        let onlyA = a.workloads.map(\.name).filter { n in !b.workloads.contains { $0.name == n } }
            + a.components.map(\.name).filter { n in !b.components.contains { $0.name == n } }
        let onlyB = b.workloads.map(\.name).filter { n in !a.workloads.contains { $0.name == n } }
            + b.components.map(\.name).filter { n in !a.components.contains { $0.name == n } }
        if !onlyA.isEmpty { out += "Only in \(nameA): \(onlyA.joined(separator: ", "))\n" }
        if !onlyB.isEmpty { out += "Only in \(nameB): \(onlyB.joined(separator: ", "))\n" }
        let marked = lines(a, b).filter(\.significant).count
        out += marked == 0
            ? "No significant difference in mean latency (95% confidence intervals overlap); other figures carry no interval.\n"
            : "* the 95% confidence intervals of the mean latency do not overlap (\(marked) marked); other figures carry no interval.\n"
        return out
    }

    /// The same as one JSON document: `{ "a", "b", "lines": [ { "subject", "figure", "a", "b", "significant" } ] }`.
    public static func json(_ a: RunResult, _ b: RunResult, idA: Int64, idB: Int64) -> String {
        JSONValue.object([
            ("a", .integer(Int(idA))), ("b", .integer(Int(idB))),
            ("lines", .array(lines(a, b).map { l in
                .object([("subject", .string(l.subject)), ("figure", .string(l.figure)),
                         ("a", l.a.map(JSONValue.double) ?? .null), ("b", l.b.map(JSONValue.double) ?? .null),
                         ("significant", .bool(l.significant))])
            })),
        ]).rendered(indent: 2) + "\n"
    }
}
