import SDConfig

/// Parses `expect:` lines that compare variants: `SYSTEM.[SUBJECT.]METRIC OP SYSTEM.[SUBJECT.]METRIC`
/// or `SYSTEM.[SUBJECT.]METRIC OP VALUE`, such as `vertical.p99 < horizontal.p99` or
/// `horizontal.cost < vertical.cost`.
public enum SystemExpectationParser {
    /// The expectation in `text`, whose left side starts with one of `systems`, or the first
    /// problem with its offset (in Unicode scalars).
    public static func parse(_ text: String, systems: [String]) -> Result<SystemExpectation, UnitError> {
        let s = Array(text.unicodeScalars)
        // The comparison: the first operator character outside the paths.
        guard let opStart = s.firstIndex(where: { "<>=!≤≥".unicodeScalars.contains($0) }) else {
            return .failure(UnitError("missing comparison; write e.g. 'vertical.p99 < horizontal.p99' (<, <=, >, >=, == or !=)",
                                      offset: nil))
        }
        var opEnd = opStart
        while opEnd < s.count && "<>=!≤≥".unicodeScalars.contains(s[opEnd]) { opEnd += 1 }
        let op = String(String.UnicodeScalarView(s[opStart..<opEnd]))
        guard let comparison = ExpectationParser.operators.first(where: { $0.0 == op })?.1 else {
            let hint = ExpectationParser.operatorAliases[op].map { "; did you mean '\($0)'?" } ?? ""
            return .failure(UnitError("unknown comparison '\(op)'\(hint)", offset: opStart))
        }
        let leftText = String(String.UnicodeScalarView(s[..<opStart])).trimmingSpaces()
        let rightRaw = String(String.UnicodeScalarView(s[opEnd...]))
        let rightText = rightRaw.trimmingSpaces()
        let rightOffset = opEnd + rightRaw.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
        let leftOffset = s.prefix { $0 == " " || $0 == "\t" }.count
        let left: SystemFigureRef
        switch reference(leftText, systems: systems, offset: leftOffset) {
        case .failure(let e): return .failure(e)
        case .success(let r): left = r
        }
        let right: SystemExpectation.Right
        if let first = rightText.split(separator: ".").first.map(String.init), systems.contains(first) {
            switch reference(rightText, systems: systems, offset: rightOffset) {
            case .failure(let e): return .failure(e)
            case .success(let r): right = .figure(r)
            }
        } else {
            switch ExpectationParser.parseValue(rightText) {
            case .success(let v): right = .value(v.0)
            case .failure:
                let firstWord = rightText.split(separator: ".").first.map(String.init) ?? rightText
                let hint = Suggestions.closest(to: firstWord, among: systems).map { "; did you mean '\($0)'?" }
                    ?? " (variants: \(systems.joined(separator: ", ")))"
                return .failure(UnitError("'\(rightText)' is neither a variant's figure nor a value\(hint)", offset: rightOffset))
            }
        }
        return .success(SystemExpectation(text: text.trimmingSpaces(), left: left, comparison: comparison, right: right))
    }

    static func reference(_ text: String, systems: [String], offset: Int) -> Result<SystemFigureRef, UnitError> {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            return .failure(UnitError("'\(text)' must be VARIANT.METRIC or VARIANT.SUBJECT.METRIC, such as 'vertical.p99' or 'vertical.web.utilization'",
                                      offset: offset))
        }
        guard systems.contains(parts[0]) else {
            let hint = Suggestions.closest(to: parts[0], among: systems).map { "; did you mean '\($0)'?" } ?? ""
            return .failure(UnitError("unknown variant '\(parts[0])'\(hint)", offset: offset))
        }
        let metric = parts.last!
        guard SystemExpectation.metrics.contains(metric) else {
            let hint = Suggestions.closest(to: metric, among: SystemExpectation.metrics).map { "; did you mean '\($0)'?" }
                ?? " (metrics: \(SystemExpectation.metrics.joined(separator: ", ")))"
            return .failure(UnitError("unknown metric '\(metric)' for comparing variants\(hint)",
                                      offset: offset + text.unicodeScalars.count - metric.unicodeScalars.count))
        }
        let subject = parts.count > 2 ? parts[1..<(parts.count - 1)].joined(separator: ".") : nil
        return .success(SystemFigureRef(system: parts[0], subject: subject, metric: metric))
    }
}
