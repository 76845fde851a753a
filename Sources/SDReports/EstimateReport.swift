import SDModels
import SDConfig
import SDAnalysis

/// The report of `sdsim estimate`: every figure of an ``Estimate`` with the arithmetic behind it,
/// as text for a terminal or as one JSON document.
public enum EstimateReport {
    /// The text report, ending with a newline.
    public static func render(_ e: Estimate) -> String {
        var out = "sdsim estimate — \(e.scenario)   (back of the envelope, no simulation; target utilization \(Format.percent(e.targetUtilization)))\n"
        func section(_ title: String, _ lines: [Estimate.Line]) {
            guard !lines.isEmpty else { return }
            out += "\n\(title)\n"
            let width = lines.map(\.label.count).max() ?? 0
            for l in lines {
                out += "  " + l.label + String(repeating: " ", count: width - l.label.count) + "  " + l.arithmetic + "\n"
            }
        }
        section("Requests per second", e.traffic)
        section("Storage", e.storage)
        section("Bandwidth", e.bandwidth)
        if !e.tiers.isEmpty {
            var t = TextTable(headers: ["Tier", "kind", "peak/s", "E[S]", "workers needed", "per replica", "machines", "declared"],
                              alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
            for tier in e.tiers {
                t.rows.append([tier.name, tier.kind, Estimate.sig(tier.peakRate), Estimate.time(tier.serviceMean),
                               Estimate.sig(tier.workersNeeded), String(tier.workersPerReplica), String(tier.machines),
                               String(tier.replicasDeclared)])
            }
            out += "\nMachines per tier at peak (workers = λ × E[S] ÷ target; machines = ⌈workers ÷ workers per replica⌉)\n"
            out += t.render()
            let width = e.tiers.map(\.name.count).max() ?? 0
            for tier in e.tiers {
                out += "  " + tier.name + String(repeating: " ", count: width - tier.name.count) + "  " + tier.arithmetic + "\n"
            }
        }
        if !e.notes.isEmpty {
            out += "\nNotes\n" + e.notes.map { "  - " + $0 + "\n" }.joined()
        }
        return out
    }

    /// The JSON report, one document followed by a newline.
    public static func renderJSON(_ e: Estimate) -> String { value(e).rendered(indent: 2) + "\n" }

    /// The estimate as a JSON value.
    public static func value(_ e: Estimate) -> JSONValue {
        func lines(_ ls: [Estimate.Line]) -> JSONValue {
            .array(ls.map { .object([("label", .string($0.label)), ("value", .double($0.value)), ("unit", .string($0.unit)),
                                     ("arithmetic", .string($0.arithmetic))]) })
        }
        return .object([
            ("scenario", .string(e.scenario)),
            ("target_utilization", .double(e.targetUtilization)),
            ("traffic", lines(e.traffic)),
            ("storage", lines(e.storage)),
            ("bandwidth", lines(e.bandwidth)),
            ("tiers", .array(e.tiers.map { t in
                .object([("name", .string(t.name)), ("kind", .string(t.kind)), ("peak_rate", .double(t.peakRate)),
                         ("service_mean", .double(t.serviceMean)), ("workers_needed", .double(t.workersNeeded)),
                         ("workers_per_replica", .integer(t.workersPerReplica)), ("machines", .integer(t.machines)),
                         ("replicas_declared", .integer(t.replicasDeclared)), ("arithmetic", .string(t.arithmetic))])
            })),
            ("notes", .array(e.notes.map { .string($0) })),
        ])
    }
}
