/// Regular expressions (ECMA 262, as JSON Schema uses them) for the text of values with units,
/// built from the same unit tables the loader reads with. They check the form only; the
/// loader still checks ranges and reports the precise problem.
enum SchemaPatterns {
    /// A decimal number as ``Units`` reads it: `10`, `1.5`, `.25`, `1e-3`.
    static let number = #"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"#

    static func alternatives(_ names: [String]) -> String {
        "(?:" + names.map(escaped).joined(separator: "|") + ")"
    }

    static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}/".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func whole(_ body: String) -> String { #"^\s*"# + body + #"\s*$"# }

    /// A component or machine name.
    static let name = #"^[A-Za-z][A-Za-z0-9_-]*$"#

    static var durationUnit: String { alternatives(Units.durationUnits.map(\.name)) }
    static var sizeUnit: String { alternatives(Units.sizeUnits.map(\.name)) }
    static var rateUnit: String { alternatives(Units.rateUnits.map(\.name)) }

    static var duration: String { whole(number + #"\s*"# + durationUnit) }
    static var size: String { whole(number + #"\s*"# + sizeUnit) }
    static var count: String { whole(number + #"\s*"# + alternatives(Units.countSuffixes.map(\.name)) + "?") }
    static var countOrSize: String { whole(number + #"\s*(?:"# + sizeUnit + "|k|M)?") }
    static var rate: String { whole(number + #"\s*/\s*"# + rateUnit) }
    static var throughput: String { whole(number + #"\s*"# + sizeUnit + #"\s*/\s*"# + rateUnit) }
    static var price: String { whole(#"\$?\s*"# + number + #"\s*/\s*"# + rateUnit) }
    static var percentage: String { whole(number + #"\s*%?"#) }
    static var perUser: String {
        whole(number + #"\s*/\s*"# + alternatives(Schema.perUserPeriods.flatMap(\.names).sorted { $0.count > $1.count }))
    }
    static var powerLaw: String { whole(#"power-law\s*\(.*\)"#) }
    static func call(_ names: [String]) -> String { whole(alternatives(names) + #"\s*\(.*\)"#) }
    static var distribution: String { call(DistributionParser.names) }
    static var arrival: String { call(["poisson"] + DistributionParser.names) }
    static var keys: String { call(["zipf", "uniform"]) }
    static var durationOrDistribution: String { "(?:" + duration + ")|(?:" + distribution + ")" }
    static var expectation: String {
        whole(#"[A-Za-z0-9_.-]+\.[A-Za-z0-9_-]+\s*(?:<=|>=|==|!=|<|>|between\s).*"#)
    }
}
