import SDConfig

/// A `--vary PATH=SPEC` option of `sdsim sweep` and `sdsim size`: the values a path takes.
///
/// SPEC is a range `FROM..TO[:STEPS]` or a list `A,B,C`. In a range, FROM and TO are the same
/// text but for one number (`poisson(100/s)..poisson(900/s)`; TO may be the bare number:
/// `poisson(100/s)..900`), and STEPS evenly spaced values run from FROM to TO. Whole-number
/// ends give whole numbers only (repeats dropped), every one between them when STEPS is left out
/// and there are at most 21; otherwise STEPS defaults to 5.
public struct SweepSpec: Sendable, Equatable {
    /// The path varied.
    public var path: String
    /// The values, as written into the scenario.
    public var values: [String]
    /// The number each value stands for (its first number), nil when it has none.
    public var coordinates: [Double?]
    /// For a range: the text around the number (`poisson(` and `/s)`), to write any value of it.
    public var template: (prefix: String, suffix: String)?
    /// Whether the values are whole numbers (a range with whole ends).
    public var wholeNumbers: Bool

    public static func == (a: SweepSpec, b: SweepSpec) -> Bool {
        a.path == b.path && a.values == b.values && a.coordinates == b.coordinates && a.wholeNumbers == b.wholeNumbers
            && a.template?.prefix == b.template?.prefix && a.template?.suffix == b.template?.suffix
    }

    /// The value of the path at number `x` (for a range).
    public func text(at x: Double) -> String? {
        template.map { $0.prefix + SweepSpec.format(x) + $0.suffix }
    }

    /// Parses `PATH=SPEC`; `defaultSteps` is the number of values of a range without `:STEPS`.
    public static func parse(_ text: String) -> Result<SweepSpec, UnitError> {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            return .failure(UnitError("--vary needs PATH=FROM..TO[:STEPS] or PATH=A,B,C, such as 'workload.reads.arrival=poisson(100/s)..poisson(900/s):9'"))
        }
        let path = String(text[..<eq]).trimmingSpaces()
        let spec = String(text[text.index(after: eq)...])
        let specOffset = text[..<eq].unicodeScalars.count + 1
        if let range = spec.firstRange(of: "..") {
            let from = String(spec[..<range.lowerBound]).trimmingSpaces()
            var to = String(spec[range.upperBound...]).trimmingSpaces()
            var steps: Int?
            if let colon = to.lastIndex(of: ":"), let n = Int(String(to[to.index(after: colon)...]).trimmingSpaces()) {
                guard n >= 2 && n <= 10_000 else {
                    return .failure(UnitError("the number of steps must be from 2 to 10000 (found \(n))", offset: specOffset))
                }
                steps = n
                to = String(to[..<colon]).trimmingSpaces()
            }
            guard let a = number(in: from) else {
                return .failure(UnitError("the start of a range must contain a number, such as 'poisson(100/s)' or '2' (found '\(from)')",
                                          offset: specOffset))
            }
            let b: (prefix: String, value: Double, text: String, suffix: String)
            if case .success(let x) = Units.parseNumber(to) {
                b = (a.prefix, x, to, a.suffix)
            } else if let found = number(in: to), found.prefix == a.prefix, found.suffix == a.suffix {
                b = found
            } else {
                return .failure(UnitError("the end of a range must be the start with another number, such as '\(a.prefix)\(format(a.value * 2))\(a.suffix)', or that number alone (found '\(to)')",
                                          offset: specOffset + from.unicodeScalars.count + 2))
            }
            let whole = !a.text.contains(".") && !b.text.contains(".") && a.value == a.value.rounded() && b.value == b.value.rounded()
            let count = steps ?? (whole && abs(b.value - a.value) <= 20 ? Int(abs(b.value - a.value)) + 1 : 5)
            var xs: [Double] = []
            for i in 0..<max(count, 1) {
                var x = count == 1 ? a.value : a.value + (b.value - a.value) * Double(i) / Double(count - 1)
                if whole { x = x.rounded() }
                if !xs.contains(x) { xs.append(x) }
            }
            return .success(SweepSpec(path: path, values: xs.map { a.prefix + format($0) + a.suffix }, coordinates: xs,
                                      template: (a.prefix, a.suffix), wholeNumbers: whole))
        }
        let values = splitList(spec).map { $0.trimmingSpaces() }
        guard !values.isEmpty, !values.contains(where: \.isEmpty) else {
            return .failure(UnitError("--vary needs values: FROM..TO[:STEPS] or a list A,B,C", offset: specOffset))
        }
        let whole = values.allSatisfy { Int($0) != nil }
        return .success(SweepSpec(path: path, values: values, coordinates: values.map { number(in: $0)?.value }, template: nil,
                                  wholeNumbers: whole))
    }

    /// Splits at commas outside parentheses (`zipf(100k, 1.0),uniform(10)` is two values).
    static func splitList(_ s: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        for ch in s {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { out.append(current); current = ""; continue }
            current.append(ch)
        }
        out.append(current)
        return out
    }

    /// The first number in `text` with the text before and after it.
    static func number(in text: String) -> (prefix: String, value: Double, text: String, suffix: String)? {
        let s = Array(text)
        var i = 0
        while i < s.count {
            let startsNumber = s[i].isASCII && s[i].isNumber
                || (s[i] == "." && i + 1 < s.count && s[i + 1].isNumber)
            if startsNumber {
                var j = i
                while j < s.count && (s[j].isASCII && s[j].isNumber || s[j] == ".") { j += 1 }
                let digits = String(s[i..<j])
                guard let v = Double(digits) else { return nil }
                return (String(s[..<i]), v, digits, String(s[j...]))
            }
            i += 1
        }
        return nil
    }

    /// `x` without exponent or trailing zeros, to six significant digits: `900`, `0.25`, `12.5`.
    public static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        var decimals = 6
        var m = abs(x)
        while m >= 1 && decimals > 0 { m /= 10; decimals -= 1 }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        let rounded = (x * scale).rounded() / scale
        var text = "\(rounded)"
        if text.contains("e") { return "\(x)" }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
