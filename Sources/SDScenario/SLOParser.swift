import SDConfig

/// Parses an SLO written on the command line: terms such as `p99<100ms`, `mean<=2s`,
/// `availability>=99.9%`, separated by commas; each must hold for every workload.
public enum SLOParser {
    /// The SLO in `text`, or the first problem with its offset.
    public static func parse(_ text: String) -> Result<SLOTarget, UnitError> {
        var terms: [SLOTarget.Term] = []
        var offset = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            defer { offset += part.unicodeScalars.count + 1 }
            let trimmed = part.trimmingSpaces()
            guard !trimmed.isEmpty else { return .failure(UnitError("empty SLO term; write e.g. 'p99<100ms'", offset: offset)) }
            let prefix = "slo."
            let lead = part.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
            let offset = offset + lead
            switch ExpectationParser.parse(prefix + trimmed) {
            case .failure(let e): return .failure(UnitError(e.message.replacingSLOPrefix, offset: e.offset.map { max(0, $0 - prefix.count) + offset }))
            case .success(let parsed):
                let x = parsed.expectation
                let at = offset + max(0, parsed.metricOffset - prefix.count)
                guard SLOTarget.metrics.contains(x.metric), x.subject == "slo" else {
                    let hint = Suggestions.closest(to: x.metric, among: SLOTarget.metrics).map { "; did you mean '\($0)'?" }
                        ?? " (metrics: \(SLOTarget.metrics.joined(separator: ", ")))"
                    return .failure(UnitError("unknown SLO metric '\(x.subject == "slo" ? x.metric : x.subject + "." + x.metric)'\(hint)", offset: at))
                }
                guard [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(x.comparison) else {
                    return .failure(UnitError("an SLO term compares with <, <=, > or >=", offset: at))
                }
                let isTime = x.metric != "availability"
                if isTime && x.unit != .duration {
                    return .failure(UnitError("'\(x.metric)' is a duration; write its bound with a time unit such as '100ms'",
                                              offset: offset + max(0, parsed.valueOffset - prefix.count)))
                }
                if !isTime && !(x.unit == .percent || (x.unit == .number && x.value <= 1)) {
                    return .failure(UnitError("'availability' is a fraction; write it as a percentage such as '99.9%'",
                                              offset: offset + max(0, parsed.valueOffset - prefix.count)))
                }
                terms.append(SLOTarget.Term(metric: x.metric, comparison: x.comparison, bound: x.value,
                                            text: String(x.text.dropFirst(prefix.count))))
            }
        }
        return .success(SLOTarget(terms: terms))
    }
}

private extension String {
    /// Messages of the expectation parser speak of `slo.METRIC`; the user wrote `METRIC`.
    var replacingSLOPrefix: String {
        var s = self
        while let r = s.firstRange(of: "'slo.") { s.replaceSubrange(r, with: "'") }
        return s
    }
}
