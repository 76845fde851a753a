import SDEngine
import SDConfig
import Yams

extension Units {
    /// Bits per second in the units network links are sold in, by suffix.
    static let bitRateUnits: [(name: String, bitsPerSecond: Double)] = [
        ("bps", 1), ("Kbps", 1e3), ("Mbps", 1e6), ("Gbps", 1e9), ("Tbps", 1e12),
    ]

    /// A link's bandwidth: bits per second (`10Gbps`, `100Mbps`) or a throughput (`1GB/s`), in bytes per second.
    public static func parseBandwidth(_ text: String) -> Result<Double, UnitError> {
        let t = text.trimmingSpaces()
        for u in bitRateUnits.reversed() where t.hasSuffix(u.name) {
            let number = String(t.dropLast(u.name.count)).trimmingSpaces()
            guard let x = Double(number), x.isFinite else {
                return .failure(UnitError("invalid bandwidth '\(text)'; write e.g. '10Gbps' or '1GB/s'"))
            }
            guard x > 0 else { return .failure(UnitError("bandwidth '\(text)' must be greater than zero")) }
            return .success(x * u.bitsPerSecond / 8)
        }
        return parseThroughput(text)
    }
}

extension SchemaPatterns {
    /// A bandwidth in bits (`10Gbps`) or bytes (`1GB/s`) per second.
    static var bandwidth: String {
        "(?:" + whole(number + #"\s*"# + alternatives(Units.bitRateUnits.map(\.name))) + ")|(?:" + throughput + ")"
    }
    /// A price per gigabyte, terabyte or megabyte.
    static var pricePerGB: String { whole(#"\$?\s*"# + number + #"\s*/\s*(?:GB|TB|MB)"#) }
}

/// The link keys of `network:`.
extension Schema {
    static let networkLinkFields: [FieldSpec<NetworkConfig>] = [
        FieldSpec("bandwidth", help: "Bandwidth of each component's outgoing link, in bits (`10Gbps`) or bytes (`1GB/s`) per second. "
                      + "A transfer of S bytes takes S ÷ bandwidth on the sender's link, queued in FIFO order behind the transfers "
                      + "before it, then the hop's latency. A write carries its payload forward; a read's response carries it back.",
                  shape: .form("a bandwidth", example: "10Gbps", pattern: SchemaPatterns.bandwidth),
                  default: "none (transfers take no time)") { d, n, v in d.bandwidth = v.bandwidth(n, key: "bandwidth") },
        FieldSpec("client-uplink", help: "Bandwidth of each user's uplink (`2Mbps`): a request's bytes take size ÷ uplink to send. "
                      + "Every request comes from a user of its own, so users do not queue behind each other.",
                  shape: .form("a bandwidth", example: "2Mbps", pattern: SchemaPatterns.bandwidth),
                  default: "none (sending takes no time)") { d, n, v in d.clientUplink = v.bandwidth(n, key: "client-uplink") },
        FieldSpec("client-downlink", help: "Bandwidth of each user's downlink (`20Mbps`): a response's bytes take size ÷ downlink to arrive.",
                  shape: .form("a bandwidth", example: "20Mbps", pattern: SchemaPatterns.bandwidth),
                  default: "none (receiving takes no time)") { d, n, v in d.clientDownlink = v.bandwidth(n, key: "client-downlink") },
        FieldSpec("egress-cost", help: "Price of a gigabyte (10⁹ bytes) delivered to clients (`0.09/GB`); the report shows the egress "
                      + "of the run, its cost, and the cost of a month at the measured rate.",
                  shape: .form("a price per gigabyte", example: "0.09/GB", pattern: SchemaPatterns.pricePerGB),
                  default: "not priced") { d, n, v in d.egressCostPerGB = v.pricePerGB(n, key: "egress-cost") },
    ]
}

extension Validator {
    /// A link bandwidth such as `10Gbps` or `1GB/s`, in bytes per second, greater than zero.
    func bandwidth(_ node: YAMLNode, key: String) -> Double? {
        quantity(node, key: key, expected: "a bandwidth such as '10Gbps' or '1GB/s'", positive: true, parse: Units.parseBandwidth)
    }

    /// A price per gigabyte such as `0.09/GB` or `$0.09/GB`.
    func pricePerGB(_ node: YAMLNode, key: String) -> Double? {
        guard var text = scalarText(node, key: key, expected: "a price per gigabyte such as '0.09/GB'") else { return nil }
        text = text.trimmingSpaces()
        if text.hasPrefix("$") { text.removeFirst() }
        let units: [(String, Double)] = [("/GB", 1), ("/TB", 1e-3), ("/MB", 1e3)]
        for (suffix, perGB) in units where text.hasSuffix(suffix) {
            if let x = Double(String(text.dropLast(suffix.count)).trimmingSpaces()), x.isFinite, x >= 0 { return x * perGB }
        }
        error("'\(key)' must be a price per gigabyte such as '0.09/GB' (found '\(Validator.text(node))')", at: node)
        return nil
    }
}
