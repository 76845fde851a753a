import SDEngine
import SDConfig
import Yams

extension Units {
    /// A throughput such as `100MB/s`, `1.5GiB/s` or `600MB/m`: a size per unit of time, in bytes
    /// per second. Must not be negative.
    public static func parseThroughput(_ text: String) -> Result<Double, UnitError> {
        switch split(text) {
        case .failure(let e): return .failure(e)
        case .success(let p):
            guard let number = p.number else {
                return .failure(UnitError("invalid throughput '\(text)'; write a size per unit of time, e.g. '100MB/s'"))
            }
            guard !p.unit.isEmpty else {
                return .failure(UnitError("missing unit in throughput '\(text)'; write e.g. '\(p.numberText)MB/s'",
                                          offset: p.unitOffset))
            }
            guard let slash = p.unit.firstIndex(of: "/") else {
                if sizeUnits.contains(where: { $0.name == p.unit }) {
                    return .failure(UnitError("'\(text.trimmingSpaces())' is a size, not a throughput; write a size per unit of time such as '\(p.numberText)\(p.unit)/s'",
                                              offset: p.unitOffset))
                }
                return .failure(UnitError("unknown unit '\(p.unit)' in throughput '\(text)'; write a size per unit of time such as '\(p.numberText)MB/s'",
                                          offset: p.unitOffset))
            }
            let size = String(p.unit[..<slash]).trimmingSpaces()
            let per = String(p.unit[p.unit.index(after: slash)...]).trimmingSpaces()
            guard !size.isEmpty else {
                return .failure(UnitError("'\(text.trimmingSpaces())' is a rate, not a throughput; write a size per unit of time such as '\(p.numberText)MB/s'",
                                          offset: p.unitOffset))
            }
            // The time unit meant, for suggestions: as written if valid, else a known spelling of one.
            let rateNames = rateUnits.map(\.name)
            let likelyPer = rateNames.contains(per) ? per
                : likelyUnit(per, among: rateNames, aliases: durationAliases).flatMap { rateNames.contains($0) ? $0 : nil }
            guard let bytes = sizeUnits.first(where: { $0.name == size })?.bytes else {
                let close = likelyUnit(size, among: sizeUnits.map(\.name), aliases: sizeAliases)
                let hint = close.map { "; did you mean '\(p.numberText)\($0)/\(likelyPer ?? "s")'? (\(sizeHelp))" } ?? "; \(sizeHelp)"
                return .failure(UnitError("unknown size unit '\(size)' in throughput '\(text)'\(hint)", offset: p.unitOffset))
            }
            guard let seconds = rateUnits.first(where: { $0.name == per })?.seconds else {
                let hint = likelyPer.map { "; did you mean '\(p.numberText)\(size)/\($0)'?" } ?? "; \(rateHelp)"
                return .failure(UnitError("unknown unit '/\(per)' in throughput '\(text)'\(hint)", offset: p.unitOffset))
            }
            if number < 0 {
                return .failure(UnitError("negative throughput '\(text)'; a throughput must be zero or more", offset: p.numberOffset))
            }
            let value = p.scaled(by: bytes) / seconds
            guard value.isFinite, value <= maxSizeBytes else {
                return .failure(UnitError("throughput '\(text)' is too large; the limit is 1000000TB/s", offset: p.numberOffset))
            }
            return .success(value)
        }
    }
}

extension Validator {
    /// A throughput such as `100MB/s`, greater than zero.
    func throughput(_ node: YAMLNode, key: String) -> Double? {
        quantity(node, key: key, expected: "a throughput such as '100MB/s'", positive: true, parse: Units.parseThroughput)
    }

    /// A rate such as `3500/s`, greater than zero.
    func rate(_ node: YAMLNode, key: String) -> Double? {
        quantity(node, key: key, expected: "a rate such as '100/s'", positive: true, parse: Units.parseRate)
    }

}

/// The keys of `kind: object-store`.
extension Schema {
    static let connections = FieldSpec<ComponentDraft>(
        "connections", help: "Concurrent transfers.", shape: .count(workers), default: "50") { d, n, v in
        if let x = v.count(n, key: "connections", range: workers) { d.connections = x }
    }
    static let firstByte = FieldSpec<ComponentDraft>(
        "first-byte", required: true, example: "first-byte: lognormal(30ms, 0.5)", help: "Latency to the first byte of a transfer.",
        shape: .distribution(.duration)) {
        d, n, v in d.firstByte = v.distribution(n, key: "first-byte", of: .duration)
    }
    static let bandwidth = FieldSpec<ComponentDraft>(
        "bandwidth", required: true, example: "bandwidth: 100MB/s", help: "Transfer rate of one connection.",
        shape: .form("a throughput", example: "100MB/s", pattern: SchemaPatterns.throughput)) { d, n, v in
        d.bandwidth = v.throughput(n, key: "bandwidth")
    }
    static let prefixRateLimit = FieldSpec<ComponentDraft>(
        "prefix-rate-limit",
        help: "Requests per second each key prefix accepts (a token bucket); a request that finds no token is refused at once "
            + "(S3's 503 SlowDown, reason `rejected`).",
        shape: .form("a rate", example: "3500/s", pattern: SchemaPatterns.rate), default: "no limit") { d, n, v in
        d.prefixRateLimit = v.rate(n, key: "prefix-rate-limit")
    }
    static let prefixes = FieldSpec<ComponentDraft>(
        "prefixes", help: "Number of key prefixes (key mod `prefixes`); needs `prefix-rate-limit`.", shape: .count(1...1_000_000),
        default: "1") { d, n, v in
        if let x = v.count(n, key: "prefixes", range: 1...1_000_000) { d.prefixes = x }
    }
    static let prefixBurst = FieldSpec<ComponentDraft>(
        "prefix-burst",
        help: "Size of each prefix's token bucket (requests accepted at once after a quiet spell); needs `prefix-rate-limit`.",
        shape: .count(1...1_000_000_000), default: "one second of `prefix-rate-limit`") { d, n, v in
        if let x = v.count(n, key: "prefix-burst", range: 1...1_000_000_000) { d.prefixBurst = Double(x) }
    }
    static let replicationFactor = FieldSpec<ComponentDraft>(
        "replication-factor", help: "Copies kept of every object.", shape: .count(1...100), default: "1") { d, n, v in
        if let x = v.count(n, key: "replication-factor", range: 1...100) { d.replicationFactor = x }
    }
    static let initialBytes = FieldSpec<ComponentDraft>(
        "initial-bytes", help: "Logical bytes stored before the run.", shape: .size, default: "0B") { d, n, v in
        if let x = v.size(n, key: "initial-bytes") { d.initialBytes = x }
    }

    /// `kind: object-store`.
    static let objectStoreKind = ComponentKindSpec(
        name: "object-store", article: "an object store", isLoadBalancer: false,
        fields: [kind, connections, firstByte, bandwidth, queueLimitField, prefixRateLimit, prefixes, prefixBurst,
                 replicationFactor, initialBytes, replicasField],
        edges: { _ in [] },
        build: { d in
            guard let firstByte = d.firstByte, let bandwidth = d.bandwidth else { return nil }
            return .objectStore(ObjectStoreConfig(
                connections: d.connections, firstByte: firstByte, bandwidth: bandwidth, queueLimit: d.queueLimit,
                prefixRateLimit: d.prefixRateLimit, prefixes: d.prefixes, prefixBurst: d.prefixBurst,
                replicationFactor: d.replicationFactor, initialBytes: d.initialBytes))
        },
        check: { d, mapping, v in
            guard Validator.value(of: "prefix-rate-limit", in: mapping) == nil else { return }
            for key in ["prefixes", "prefix-burst"] {
                guard let node = mapping.first(where: { $0.key.scalar?.string == key })?.key else { continue }
                v.error("'\(key)' has no effect without 'prefix-rate-limit' in component '\(d.name)'; add e.g. 'prefix-rate-limit: 3500/s'",
                        at: node)
            }
        },
        help: """
        An S3-like object store. Each request is one transfer of its `size` bytes on one of `connections` connections \
        (FIFO line beyond), taking `first-byte` + size / `bandwidth`. Writes (uploads) add their size to the bytes \
        stored; reads store nothing. With `prefix-rate-limit`, each key prefix has a token bucket.
        """)
}
