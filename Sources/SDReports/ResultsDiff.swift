import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// Two stored runs side by side (`sdsim results diff A B`): for each workload and component the
/// two runs have in common, the figures of both, the change, and a mark where the difference is
/// significant at the 95% level.
///
/// The test uses each replication's own figures (table `replication_figures`), so it needs at
/// least two replications in each run. When the two runs' replications used the same seeds
/// (common random numbers: `compare`'s systems, two runs of one scenario with the same
/// `--seed` and `--replications`), the differences are paired replication by replication and a
/// Student-t interval is taken over them; otherwise Welch's interval for the difference of two
/// means over independent replications. A figure is marked `*` when its interval excludes zero.
/// With one replication in either run nothing is marked and the report says that significance
/// cannot be judged. Workloads or components in one run only are listed.
public enum ResultsDiff {
    /// How two runs' differences are tested.
    public enum Basis: Sendable, Equatable {
        /// The same seeds, replication by replication: a paired t interval over `count` pairs.
        case paired(count: Int)
        /// Independent replications: Welch's interval.
        case welch(a: Int, b: Int)
        /// A run has only one replication (the first, `a`, or the second).
        case oneReplication(a: Bool, b: Bool)
        /// A run combines replications whose own figures were not stored (recorded before schema version 4).
        case notStored(a: Bool, b: Bool)

        /// Whether differences can be tested at all.
        public var judged: Bool {
            switch self {
            case .paired, .welch: return true
            default: return false
            }
        }
    }

    /// One compared figure.
    public struct Line: Sendable, Equatable {
        /// Workload or component, and the figure.
        public var subject: String, figure: String
        /// The two values (nil: not in that run).
        public var a: Double?, b: Double?
        /// How the values are shown: `duration`, `percent`, `number`.
        public var unit: String
        /// B − A with its 95% interval over the replications (nil when not tested).
        public var difference: MeanEstimate?
        /// Whether the difference is significant: its interval excludes zero.
        public var significant: Bool { difference?.excludesZero ?? false }
    }

    /// The confidence level of every test.
    public static let level = 0.95

    /// How `a` and `b` can be tested.
    public static func basis(_ a: RunResult, _ b: RunResult) -> Basis {
        let ra = ReplicationFigures.of(a), rb = ReplicationFigures.of(b)
        if a.replications < 2 || b.replications < 2 { return .oneReplication(a: a.replications < 2, b: b.replications < 2) }
        if ra.count < 2 || rb.count < 2 { return .notStored(a: ra.count < 2, b: rb.count < 2) }
        if ra.map(\.seed) == rb.map(\.seed) { return .paired(count: ra.count) }
        return .welch(a: ra.count, b: rb.count)
    }

    /// The per-replication values of one figure (nil when a replication lacks it).
    static func values(_ reps: [ReplicationFigures], kind: String, subject: String, name: String) -> [Double]? {
        var out: [Double] = []
        for r in reps {
            guard let v = r.figures.first(where: { $0.kind == kind && $0.subject == subject && $0.name == name }) else { return nil }
            out.append(v.value)
        }
        return out
    }

    /// The compared figures, workloads first, in run A's order.
    public static func lines(_ a: RunResult, _ b: RunResult) -> [Line] {
        let how = basis(a, b)
        let ra = ReplicationFigures.of(a), rb = ReplicationFigures.of(b)
        func test(_ kind: String, _ subject: String, _ name: String) -> MeanEstimate? {
            guard how.judged, let xa = values(ra, kind: kind, subject: subject, name: name),
                  let xb = values(rb, kind: kind, subject: subject, name: name) else { return nil }
            if case .paired = how { return PairedDifference.paired(xa, xb, level: level) }
            return PairedDifference.unpaired(xa, xb, level: level)
        }
        var out: [Line] = []
        for wa in a.workloads {
            guard let wb = b.workloads.first(where: { $0.name == wa.name }) else { continue }
            let la = wa.latency, lb = wb.latency
            func line(_ figure: String, _ x: Double, _ y: Double, _ unit: String, _ name: String) {
                out.append(Line(subject: wa.name, figure: figure, a: x, b: y, unit: unit, difference: test("workload", wa.name, name)))
            }
            line("latency mean", la.mean, lb.mean, "duration", "latency_mean")
            line("p50", la.p50, lb.p50, "duration", "p50")
            line("p99", la.p99, lb.p99, "duration", "p99")
            line("p99.9", la.p999, lb.p999, "duration", "p999")
            line("throughput", throughput(wa, a), throughput(wb, b), "number", "throughput")
            line("availability", wa.availability, wb.availability, "availability", "availability")
        }
        for ca in a.components {
            guard let cb = b.components.first(where: { $0.name == ca.name }) else { continue }
            func line(_ figure: String, _ x: Double, _ y: Double, _ unit: String, _ name: String) {
                out.append(Line(subject: ca.name, figure: figure, a: x, b: y, unit: unit, difference: test("component", ca.name, name)))
            }
            line("utilization", ca.utilization, cb.utilization, "percent", "utilization")
            line("throughput", ca.throughput, cb.throughput, "number", "throughput")
            line("queue length", ca.queueLengthMean, cb.queueLengthMean, "number", "queue_length")
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

    /// What the marks mean, or why there are none: the report's last lines.
    public static func explanation(_ basis: Basis, marked: Int, nameA: String, nameB: String) -> String {
        func which(_ a: Bool, _ b: Bool) -> String { a && b ? "both runs" : a ? nameA : nameB }
        switch basis {
        case .oneReplication(let a, let b):
            return "Significance cannot be judged: \(which(a, b)) \(a && b ? "have" : "has") one replication, and a test needs "
                + "the spread across at least two in each run (record them with --replications N). Nothing is marked.\n"
        case .notStored(let a, let b):
            return "Significance cannot be judged: \(which(a, b)) \(a && b ? "were" : "was") recorded before sdsim stored each "
                + "replication's figures (results database version 4). Nothing is marked.\n"
        case .paired(let n):
            return (marked == 0 ? "No significant difference" : "* \(marked) significant difference\(marked == 1 ? "" : "s")")
                + " at the 95% level: paired over \(n) replications with the same seeds (common random numbers), a Student-t "
                + "interval of B − A excluding zero. Each line is its own test; with no real difference about 1 line in 20 is marked by chance.\n"
        case .welch(let a, let b):
            return (marked == 0 ? "No significant difference" : "* \(marked) significant difference\(marked == 1 ? "" : "s")")
                + " at the 95% level: Welch's interval of B − A over \(a) and \(b) independent replications excluding zero. "
                + "Each line is its own test; with no real difference about 1 line in 20 is marked by chance.\n"
        }
    }

    /// The side-by-side table as text; `nameA`/`nameB` head the two value columns.
    public static func text(_ a: RunResult, _ b: RunResult, nameA: String, nameB: String) -> String {
        var t = TextTable(headers: ["", "figure", nameA, nameB, "change", ""],
                          alignments: [.left, .left, .right, .right, .right, .left])
        var previous = ""
        let all = lines(a, b)
        for l in all {
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
        out += explanation(basis(a, b), marked: all.filter(\.significant).count, nameA: nameA, nameB: nameB)
        return out
    }

    /// The same as one JSON document: `{ "a", "b", "test", "judged", "level", "lines": [ { "subject",
    /// "figure", "a", "b", "difference", "difference_low", "difference_high", "significant" } ] }`;
    /// `test` is `paired`, `welch` or null (not judged: `reason` says why).
    public static func json(_ a: RunResult, _ b: RunResult, idA: Int64, idB: Int64) -> String {
        let how = basis(a, b)
        let test: JSONValue
        switch how {
        case .paired: test = .string("paired")
        case .welch: test = .string("welch")
        default: test = .null
        }
        func number(_ x: Double?) -> JSONValue { x.map(JSONValue.double) ?? .null }
        return JSONValue.object([
            ("a", .integer(Int(idA))), ("b", .integer(Int(idB))), ("test", test), ("judged", .bool(how.judged)),
            ("level", .double(level)),
            ("reason", how.judged ? .null : .string(String(explanation(how, marked: 0, nameA: "run \(idA)", nameB: "run \(idB)")
                .dropLast()))),
            ("lines", .array(lines(a, b).map { l in
                .object([("subject", .string(l.subject)), ("figure", .string(l.figure)), ("a", number(l.a)), ("b", number(l.b)),
                         ("difference", number(l.difference?.mean)), ("difference_low", number(l.difference?.low)),
                         ("difference_high", number(l.difference?.high)), ("significant", .bool(l.significant))])
            })),
        ]).rendered(indent: 2) + "\n"
    }
}
