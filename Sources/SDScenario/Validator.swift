import SDEngine
import SDConfig
import Yams

/// A component named in the file, with the node that names it (for positions).
struct Reference {
    var name: String
    var node: YAMLNode
}

/// One allowed key of a mapping and how its value is read into a draft.
///
/// Tables of these describe every mapping of the format (see ``Schema``); adding a key to a
/// kind means adding one entry to its table and one field to the draft.
struct FieldSpec<Draft>: Sendable {
    /// The key as written in the file.
    let key: String
    /// Whether a missing key is an error.
    let required: Bool
    /// An example line shown when a required key is missing, e.g. `duration: 60s`.
    let example: String?
    /// What the key means, for the generated reference and editors (one or a few sentences of
    /// Markdown). Every key has one: `FieldDocsTests` fails for a key without.
    let help: String
    /// What the value looks like, for the generated reference and JSON Schema (`make docs`).
    let shape: ValueShape
    /// The value when the key is absent ("1", "unlimited"); nil when required or nothing.
    let defaultValue: String?
    /// Reads the value node into the draft, reporting problems to the validator.
    let read: @Sendable (inout Draft, YAMLNode, Validator) -> Void

    init(_ key: String, required: Bool = false, example: String? = nil, help: String = "", shape: ValueShape = .unspecified,
         default defaultValue: String? = nil, read: @escaping @Sendable (inout Draft, YAMLNode, Validator) -> Void) {
        self.key = key; self.required = required; self.example = example
        self.help = help; self.shape = shape; self.defaultValue = defaultValue
        self.read = read
    }
}

/// Walks the YAML tree, reads values and collects every problem as a diagnostic.
final class Validator {
    let file: String
    let source: SourceText
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, source: SourceText) {
        self.file = file; self.source = source
    }

    // MARK: Reporting

    /// Reports `message` at `node`, or `offset` scalars into its value when that position is known.
    func error(_ message: String, at node: YAMLNode, offset: Int? = nil) {
        error(message, line: node.mark?.line ?? 1, column: source.column(of: node, offset: offset))
    }

    /// Reports `message` at a line and column.
    func error(_ message: String, line: Int, column: Int) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message,
                                      sourceLine: source.line(line)))
    }

    // MARK: YAMLNode shapes

    /// Whether a scalar is YAML's null (an empty value, `~` or `null`).
    static func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// How a node is described in "found …" messages.
    static func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull(node) { return "an empty value" }
            if s.string.contains("\n") || s.string.unicodeScalars.count > 40 { return "a long string" }
            return "'\(s.string)'"
        }
    }

    /// The text of a scalar, or nil after reporting `'key' must be EXPECTED, found …`.
    func scalarText(_ node: YAMLNode, key: String, expected: String) -> String? {
        guard case .scalar(let s) = node, !Validator.isNull(node) else {
            error("'\(key)' must be \(expected), found \(Validator.describe(node))", at: node)
            return nil
        }
        return s.string
    }

    // MARK: Values

    /// A non-empty string.
    func string(_ node: YAMLNode, key: String) -> String? {
        guard let text = scalarText(node, key: key, expected: "a string") else { return nil }
        guard !text.trimmingSpaces().isEmpty else {
            error("'\(key)' must not be empty", at: node)
            return nil
        }
        return text
    }

    /// A non-empty name (of the scenario, a workload, a request type, a zone): names are
    /// identifiers shown in tables and stored in the results database, so control characters
    /// (escape sequences, newlines, tabs) are refused.
    func name(_ node: YAMLNode, key: String) -> String? {
        guard let text = string(node, key: key) else { return nil }
        if let bad = text.firstControlCharacter {
            let code = String(bad.scalar.value, radix: 16, uppercase: true)
            error("'\(key)' must not contain control characters; found U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code) at character \(bad.offset + 1)",
                  at: node)
            return nil
        }
        return text
    }

    /// A whole number, possibly with a `k`, `M` or `B` suffix, within `range`.
    func count(_ node: YAMLNode, key: String, range: ClosedRange<Int>, tooLarge: String? = nil) -> Int? {
        guard let text = scalarText(node, key: key, expected: "a count") else { return nil }
        switch Units.parseCount(text) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let n):
            if n < range.lowerBound {
                error("'\(key)' must be at least \(range.lowerBound) (found \(n))", at: node)
                return nil
            }
            if n > range.upperBound {
                error("'\(key)' must be at most \(range.upperBound) (found \(n))" + (tooLarge.map { "; \($0)" } ?? ""), at: node)
                return nil
            }
            return n
        }
    }

    /// A duration such as `10ms`; greater than zero when `positive`.
    func duration(_ node: YAMLNode, key: String, positive: Bool, atMost limit: String? = nil) -> SimDuration? {
        guard let text = scalarText(node, key: key, expected: "a duration such as '10s'") else { return nil }
        switch Units.parseDuration(text) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let d):
            if positive && d <= .zero {
                error("'\(key)' must be greater than 0 (found '\(text)')", at: node)
                return nil
            }
            if let limit, case .success(let most) = Units.parseDuration(limit), d > most {
                error("'\(key)' must be at most \(limit) (found '\(text)')", at: node)
                return nil
            }
            return d
        }
    }

    /// A distribution of `quantity`, such as `exponential(10ms)`.
    func distribution(_ node: YAMLNode, key: String, of quantity: Quantity) -> Distribution? {
        guard let text = scalarText(node, key: key, expected: "a distribution such as 'exponential(\(quantity.example))'")
        else { return nil }
        switch DistributionParser.parse(text, of: quantity) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let d):
            return d
        }
    }

    /// An arrival process: `poisson(RATE)` or a distribution of gaps.
    func arrival(_ node: YAMLNode, key: String) -> ArrivalProcess? {
        guard let text = scalarText(node, key: key, expected: "an arrival process such as 'poisson(5/s)'") else { return nil }
        switch DistributionParser.parseArrival(text) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let a):
            return a
        }
    }

    /// A plain number from 0 to 1.
    func fraction(_ node: YAMLNode, key: String) -> Double? {
        let expected = "a number between 0 and 1"
        guard let text = scalarText(node, key: key, expected: expected) else { return nil }
        guard case .success(let x) = Units.parseNumber(text) else {
            error("'\(key)' must be \(expected), found '\(text)'", at: node)
            return nil
        }
        guard x >= 0 && x <= 1 else {
            error("'\(key)' must be between 0 and 1 (found \(text))", at: node)
            return nil
        }
        return x
    }

    /// A size such as `100GB`, in bytes.
    func size(_ node: YAMLNode, key: String) -> Double? {
        quantity(node, key: key, expected: "a size such as '100GB'", positive: false, parse: Units.parseSize)
    }

    /// A value with a unit, read by `parse`; greater than zero when `positive`.
    func quantity(_ node: YAMLNode, key: String, expected: String, positive: Bool,
                  parse: (String) -> Result<Double, UnitError>) -> Double? {
        guard let text = scalarText(node, key: key, expected: expected) else { return nil }
        switch parse(text) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let x):
            if positive && !(x > 0) {
                error("'\(key)' must be greater than 0 (found '\(text)')", at: node)
                return nil
            }
            return x
        }
    }

    /// `true` or `false`.
    func bool(_ node: YAMLNode, key: String) -> Bool? {
        guard let text = scalarText(node, key: key, expected: "true or false") else { return nil }
        switch text {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error("'\(key)' must be true or false, found '\(text)'", at: node)
            return nil
        }
    }

    /// A plain number greater than 0 (and, for factors and speeds, within `bounds`).
    func positiveNumber(_ node: YAMLNode, key: String, bounds: ClosedRange<Double>? = nil) -> Double? {
        guard let text = scalarText(node, key: key, expected: "a number greater than 0") else { return nil }
        guard case .success(let x) = Units.parseNumber(text), x.isFinite else {
            error("'\(key)' must be a number greater than 0, found '\(text)'", at: node)
            return nil
        }
        guard x > 0 else {
            error("'\(key)' must be greater than 0 (found \(text))", at: node)
            return nil
        }
        if let bounds, !bounds.contains(x) {
            error("'\(key)' must be between \(Validator.plain(bounds.lowerBound)) and \(Validator.plain(bounds.upperBound)) (found \(text))",
                  at: node)
            return nil
        }
        return x
    }

    /// The bounds of every factor and speed: within them no service time, scaled, leaves the
    /// range simulated time can hold.
    static let factorBounds: ClosedRange<Double> = 0.000_001...1_000_000

    /// A bound written for a message: `1000000`, `0.000001`.
    static func plain(_ x: Double) -> String {
        if x >= 1 { return String(Int64(x)) }
        var digits = 0, y = x
        while y < 1 && digits < 30 { y *= 10; digits += 1 }
        return "0." + String(repeating: "0", count: digits - 1) + String(Int64(y.rounded()))
    }

    /// A key popularity such as `zipf(100k, 1.0)`.
    func keys(_ node: YAMLNode, key: String) -> KeyDistribution? {
        guard let text = scalarText(node, key: key, expected: "a key distribution such as 'zipf(100k, 1.0)'") else { return nil }
        switch DistributionParser.parseKeys(text) {
        case .failure(let e):
            error(e.message, at: node, offset: e.offset)
            return nil
        case .success(let k):
            return k
        }
    }

    /// A non-negative whole number that fits in 64 bits.
    func seed(_ node: YAMLNode, key: String) -> UInt64? {
        let expected = "a whole number from 0 to \(UInt64.max)"
        guard let text = scalarText(node, key: key, expected: expected) else { return nil }
        guard let n = UInt64(text.trimmingSpaces()) else {
            error("'\(key)' must be \(expected), found '\(text)'", at: node)
            return nil
        }
        return n
    }

    /// One of a fixed set of words, such as a load-balancing policy.
    func choice<T>(_ node: YAMLNode, key: String, noun: String, plural: String, options: [(name: String, value: T)],
                   place: String) -> T? {
        let names = options.map(\.name)
        guard let text = scalarText(node, key: key, expected: "one of \(listing(names))") else { return nil }
        if let hit = options.first(where: { $0.name == text }) { return hit.value }
        let all = "(\(plural): \(names.joined(separator: ", ")))"
        let hint = Suggestions.closest(to: text, among: names).map { "; did you mean '\($0)'? \(all)" } ?? " \(all)"
        error("unknown \(noun) '\(text)'\(place)\(hint)", at: node)
        return nil
    }

    /// A component name, checked against the components later.
    func reference(_ node: YAMLNode, key: String) -> Reference? {
        guard let text = scalarText(node, key: key, expected: "a component name") else { return nil }
        return Reference(name: text, node: node)
    }

    /// A non-empty list of component names.
    func references(_ node: YAMLNode, key: String) -> [Reference]? {
        guard case .sequence(let seq) = node else {
            error("'\(key)' must be a list of component names such as '[app, db]', found \(Validator.describe(node))", at: node)
            return nil
        }
        guard !seq.isEmpty else {
            error("'\(key)' must name at least one component", at: node)
            return nil
        }
        var refs: [Reference] = []
        var ok = true
        for item in seq {
            guard case .scalar(let s) = item, !Validator.isNull(item) else {
                error("each entry of '\(key)' must be a component name, found \(Validator.describe(item))", at: item)
                ok = false
                continue
            }
            refs.append(Reference(name: s.string, node: item))
        }
        return ok ? refs : nil
    }

    // MARK: Mappings

    /// Reads every key of `mapping` with `fields`, reporting unknown and (when `checkRequired`)
    /// missing keys. Keys are visited in file order.
    ///
    /// - Parameters:
    ///   - place: appended to messages, e.g. ` in component 'app'` (empty at the top level).
    ///   - anchor: where "missing required key" errors point.
    ///   - unknownKey: the message for a key that is not in `fields`.
    func readFields<D>(_ mapping: YAMLNode.Mapping, into draft: inout D, fields: [FieldSpec<D>],
                       place: String, anchor: YAMLNode, checkRequired: Bool = true,
                       unknownKey: (String) -> String) {
        var seen: [String] = []
        // Keys offered as "did you mean" for unknown keys; not reported again as missing.
        var suggested: [String] = []
        let keys = fields.map(\.key)
        for (keyNode, value) in mapping {
            guard case .scalar(let k) = keyNode, !Validator.isNull(keyNode) else {
                error("keys must be names, found \(Validator.describe(keyNode))\(place)", at: keyNode)
                continue
            }
            guard let field = fields.first(where: { $0.key == k.string }) else {
                error(unknownKey(k.string), at: keyNode)
                if let close = Suggestions.closest(to: k.string, among: keys) { suggested.append(close) }
                continue
            }
            seen.append(k.string)
            field.read(&draft, value, self)
        }
        guard checkRequired else { return }
        for field in fields where field.required && !seen.contains(field.key) && !suggested.contains(field.key) {
            let example = field.example.map { "; add e.g. '\($0)'" } ?? ""
            error("missing required key '\(field.key)'\(place)\(example)", at: anchor)
        }
    }

    /// The usual message for an unknown key: a suggestion when one is close, else the allowed keys.
    static func unknownKeyMessage(_ key: String, place: String, allowed: [String], listLabel: String) -> String {
        if let close = Suggestions.closest(to: key, among: allowed) {
            return "unknown key '\(key)'\(place); did you mean '\(close)'?"
        }
        return "unknown key '\(key)'\(place) (\(listLabel): \(allowed.joined(separator: ", ")))"
    }
}
