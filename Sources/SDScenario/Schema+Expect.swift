import SDConfig
import Yams

/// One expectation read from `expect:`, its subject not yet checked against the scenario.
struct ExpectationDraft {
    /// The list entry (where errors point).
    var node: YAMLNode
    var expectation: Expectation
    /// Offset of the metric in the text, in Unicode scalars (the subject starts at 0).
    var metricOffset: Int
    /// Offset of the (first) value in the text.
    var valueOffset: Int
}

/// Parses the text of one expectation: `SUBJECT.METRIC OP VALUE` or
/// `SUBJECT.METRIC between LOW and HIGH`.
public enum ExpectationParser {
    /// The comparisons as written, longest first so `<=` is not read as `<`.
    static let operators: [(String, Expectation.Comparison)] = [
        ("<=", .lessOrEqual), (">=", .greaterOrEqual), ("==", .equal), ("!=", .notEqual), ("<", .less), (">", .greater),
    ]
    /// Misspelled comparisons and the one meant.
    static let operatorAliases = ["=": "==", "=>": ">=", "=<": "<=", "<>": "!=", "!": "!=", "===": "==", "≤": "<=", "≥": ">="]
    static let operatorList = "<, <=, >, >=, ==, != or 'between A and B'"

    /// The expectation in `text` with the offsets (in Unicode scalars) of its metric and first
    /// value, or the first problem with the offset where it starts. The subject and metric are
    /// not checked here.
    public static func parse(_ text: String) -> Result<(expectation: Expectation, metricOffset: Int, valueOffset: Int), UnitError> {
        let s = Array(text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < s.count && (s[i] == " " || s[i] == "\t") { i += 1 } }
        func isPathChar(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "."
        }
        func word(from start: Int) -> String { String(String.UnicodeScalarView(s[start..<i])) }
        skipSpaces()
        let pathStart = i
        while i < s.count && isPathChar(s[i]) { i += 1 }
        let path = word(from: pathStart)
        guard !path.isEmpty else {
            return .failure(UnitError("an expectation must start with SUBJECT.METRIC, such as 'db.utilization < 0.8'", offset: pathStart))
        }
        guard let (subject, metric) = Expectations.split(path) else {
            return .failure(UnitError("'\(path)' must be SUBJECT.METRIC, a workload or component and what to measure, such as 'db.utilization' or 'reads.p99'", offset: pathStart))
        }
        let metricOffset = pathStart + subject.unicodeScalars.count + 1
        skipSpaces()
        guard i < s.count else {
            return .failure(UnitError("missing comparison after '\(path)'; use \(operatorList)", offset: nil))
        }
        // The comparison.
        let opStart = i
        var comparison: Expectation.Comparison
        if s[i] == "b" || s[i] == "B" || ("a"..."z").contains(s[i]) {
            while i < s.count && isPathChar(s[i]) { i += 1 }
            let w = word(from: opStart)
            guard w == "between" else {
                let hint = Suggestions.closest(to: w, among: ["between"]).map { "; did you mean '\($0)'?" } ?? "; use \(operatorList)"
                return .failure(UnitError("unknown comparison '\(w)'\(hint)", offset: opStart))
            }
            comparison = .between
        } else {
            while i < s.count && "<>=!≤≥".unicodeScalars.contains(s[i]) { i += 1 }
            let op = word(from: opStart)
            if let hit = operators.first(where: { $0.0 == op }) {
                comparison = hit.1
            } else if op.isEmpty {
                var j = i
                while j < s.count && s[j] != " " { j += 1 }
                let found = String(String.UnicodeScalarView(s[i..<j]))
                return .failure(UnitError("expected a comparison (\(operatorList)) after '\(path)', found '\(found)'", offset: opStart))
            } else if let meant = operatorAliases[op] {
                return .failure(UnitError("unknown comparison '\(op)'; did you mean '\(meant)'?", offset: opStart))
            } else {
                return .failure(UnitError("unknown comparison '\(op)'; use \(operatorList)", offset: opStart))
            }
        }
        skipSpaces()
        let valueOffset = i
        // The value(s): everything up to ` and ` for between, else to the end.
        func value(until stop: String?) -> Result<(Double, Expectation.Unit), UnitError> {
            let start = i
            var end = s.count
            if let stop {
                let stopScalars = Array(stop.unicodeScalars)
                var k = start
                while k + stopScalars.count <= s.count {
                    if Array(s[k..<(k + stopScalars.count)]) == stopScalars { end = k; break }
                    k += 1
                }
                if end == s.count {
                    return .failure(UnitError("'between' needs two values: 'between LOW and HIGH'", offset: start))
                }
            }
            let raw = String(String.UnicodeScalarView(s[start..<end]))
            i = end
            if let stop { i += stop.unicodeScalars.count }
            return parseValue(raw).mapError { $0.shifted(by: start) }
        }
        let first: (Double, Expectation.Unit)
        var upper: Double?
        switch value(until: comparison == .between ? " and " : nil) {
        case .failure(let e): return .failure(e)
        case .success(let v): first = v
        }
        if comparison == .between {
            skipSpaces()
            let upperStart = i
            switch value(until: nil) {
            case .failure(let e): return .failure(e)
            case .success(let v):
                guard v.0 >= first.0 else {
                    return .failure(UnitError("the upper bound of 'between' must not be below the lower bound", offset: upperStart))
                }
                upper = v.0
            }
        }
        let trimmed = text.trimmingSpaces()
        let e = Expectation(text: trimmed, subject: subject, metric: metric, comparison: comparison, value: first.0,
                            upper: upper, unit: first.1)
        return .success((e, metricOffset, valueOffset))
    }

    /// A bound: a plain number, a percentage (`99.9%`), a duration (`200ms`), a size (`5MB`) or
    /// a count (`10k`).
    static func parseValue(_ raw: String) -> Result<(Double, Expectation.Unit), UnitError> {
        let text = raw.trimmingSpaces()
        let lead = raw.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
        guard !text.isEmpty else { return .failure(UnitError("missing value after the comparison", offset: lead)) }
        if case .success(let x) = Units.parseNumber(text) { return .success((x, .number)) }
        if text.hasSuffix("%"), case .success(let x) = Units.parseNumber(String(text.dropLast()).trimmingSpaces()) {
            return .success((x / 100, .percent))
        }
        if case .success(let x) = Units.parseSeconds(text) { return .success((x, .duration)) }
        if case .success(let x) = Units.parseSize(text) { return .success((x, .size)) }
        if case .success(let n) = Units.parseCount(text) { return .success((Double(n), .count)) }
        return .failure(UnitError("invalid value '\(text)'; use a number ('0.8'), a percentage ('99.9%'), a duration ('200ms'), a size ('5MB') or a count ('10k')",
                                  offset: lead))
    }
}

extension Schema {
    static let lessonField = FieldSpec<ScenarioDraft>(
        "lesson", help: "What the scenario teaches, printed after its report (text output).", shape: .text) { d, n, v in
        if let s = v.string(n, key: "lesson") { d.lesson = s.trimmingSpaces() }
    }
    static let expectField = FieldSpec<ScenarioDraft>(
        "expect",
        help: "Expectations checked after the run, each `SUBJECT.METRIC OP VALUE` or `SUBJECT.METRIC between LOW and HIGH`; "
            + "`sdsim run` exits 1 when one fails.",
        shape: .list(.form("an expectation", example: "db.utilization < 0.8", pattern: SchemaPatterns.expectation), nonEmpty: false)) { d, n, v in d.expectations = v.readExpectations(n) }
}

extension Validator {
    /// Reads `expect:`, a list of expectations such as `db.utilization > 0.95`.
    func readExpectations(_ node: YAMLNode) -> [ExpectationDraft] {
        guard case .sequence(let seq) = node else {
            if Validator.isNull(node) { return [] }
            error("'expect' must be a list of expectations such as '- db.utilization < 0.8', found \(Validator.describe(node))", at: node)
            return []
        }
        var out: [ExpectationDraft] = []
        for item in seq {
            guard case .scalar(let s) = item, !Validator.isNull(item) else {
                var hint = ""
                if case .mapping = item { hint = "; write it on one line without ': ', such as '- db.utilization < 0.8'" }
                error("each expectation must be a line such as 'db.utilization < 0.8', found \(Validator.describe(item))\(hint)", at: item)
                continue
            }
            switch ExpectationParser.parse(s.string) {
            case .failure(let e): error(e.message, at: item, offset: e.offset)
            case .success(let parsed):
                out.append(ExpectationDraft(node: item, expectation: parsed.expectation, metricOffset: parsed.metricOffset,
                                            valueOffset: parsed.valueOffset))
            }
        }
        return out
    }

    /// Checks each expectation's subject and metric against the scenario's workloads,
    /// components and machines. Database nodes (`db.primary`) and machine instances (`web-2`)
    /// are only known after the run, and are checked then.
    func checkExpectations(_ d: ScenarioDraft) {
        let workloads = d.workloads.compactMap(\.name)
        var instances: [String] = []
        for c in d.components {
            instances.append(c.name)
            if c.replicas > 1 { instances += (1...c.replicas).map { "\(c.name)-\($0)" } }
        }
        let machines = d.machines.map(\.name)
        let databases = d.components.filter { $0.kind?.name == "database" }.map(\.name)
        for e in d.expectations {
            let x = e.expectation
            let subject = x.subject
            let isWorkload = workloads.contains(subject)
            let isComponent = instances.contains(subject)
                || databases.contains { subject.hasPrefix($0 + ".") }
            let isMachine = machines.contains(subject)
                || machines.contains { m in subject.hasPrefix(m + "-") && Int(subject.dropFirst(m.count + 1)) != nil }
            if isWorkload && isComponent {
                error("'\(subject)' names both a workload and a component; rename one of them to use it in an expectation", at: e.node)
                continue
            }
            guard isWorkload || isComponent || isMachine else {
                let all = workloads + instances + machines
                let hint = Suggestions.closest(to: subject, among: all).map { "; did you mean '\($0)'?" }
                    ?? " (workloads: \(workloads.joined(separator: ", ")); components: \(d.components.map(\.name).joined(separator: ", "))"
                    + (machines.isEmpty ? "" : "; machines: \(machines.joined(separator: ", "))") + ")"
                error("unknown subject '\(subject)' in expectation\(hint)", at: e.node)
                continue
            }
            let metric = x.metric
            let known: [String]
            let complete: Bool
            if isWorkload {
                if Expectations.namedMetricPrefixes.contains(where: { metric.hasPrefix($0 + ".") && metric.count > $0.count + 1 }) {
                    continue
                }
                known = Expectations.workloadMetrics + ["failed_by.REASON", "arrived_by_type.TYPE"]
                complete = true
            } else if isMachine && !isComponent {
                known = Expectations.machineMetrics
                complete = true
            } else {
                known = Expectations.componentMetrics + Expectations.knownExtras
                complete = false
            }
            if known.contains(metric) {
                checkUnit(e, components: d.components)
                continue
            }
            let noun = isWorkload ? "workload" : isComponent ? "component" : "machine"
            if let close = Suggestions.closest(to: metric, among: known) {
                error("unknown metric '\(metric)' for \(noun) '\(subject)'; did you mean '\(close)'?", at: e.node, offset: e.metricOffset)
            } else if complete {
                error("unknown metric '\(metric)' for \(noun) '\(subject)' (metrics: \(known.joined(separator: ", ")))",
                      at: e.node, offset: e.metricOffset)
            }
            // Otherwise it may be a figure of the component's kind: looked up after the run.
        }
    }

    /// Errors for a bound whose unit cannot fit the metric, and for a hit ratio of a non-cache.
    func checkUnit(_ e: ExpectationDraft, components: [ComponentDraft]) {
        let x = e.expectation
        let isTime = Expectations.timeMetrics.contains(x.metric)
        if x.unit == .duration && !isTime {
            error("'\(x.metric)' is not a duration; write its bound without a time unit", at: e.node, offset: e.valueOffset)
        } else if isTime && (x.unit == .percent || x.unit == .size) {
            error("'\(x.metric)' is a duration; write its bound with a time unit such as '200ms'", at: e.node, offset: e.valueOffset)
        } else if x.metric == "hit_ratio", let c = components.first(where: { $0.name == x.subject }),
                  let kind = c.kind, kind.name != "cache" && kind.name != "cdn" {
            error("'hit_ratio' is only measured for caches and CDNs, and '\(x.subject)' is \(kind.article)", at: e.node, offset: e.metricOffset)
        }
    }
}
