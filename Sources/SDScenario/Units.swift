import SDEngine

/// Why a value could not be read, with the place in the value where the problem starts.
public struct UnitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what was expected, in lowercase (e.g. `missing unit in duration '10'; …`).
    public var message: String
    /// Offset of the offending part from the start of the parsed text, in Unicode scalars;
    /// nil when the whole value is at fault.
    public var offset: Int?

    /// An error about the text at `offset` (nil: the whole value).
    public init(_ message: String, offset: Int? = nil) { self.message = message; self.offset = offset }

    /// The message.
    public var description: String { message }

    /// The same error for text found `by` scalars further into a larger text.
    func shifted(by delta: Int) -> UnitError {
        UnitError(message, offset: (offset ?? 0) + delta)
    }
}

/// Parsers for the quantities of a scenario file: durations, sizes, counts, rates and plain numbers.
///
/// A value is a decimal number (`10`, `1.5`, `.25`, `1e-3`), optional spaces, then a unit.
/// All parsers return base units: seconds, bytes, whole counts, events per second.
public enum Units {
    /// Duration units and their length in seconds.
    public static let durationUnits: [(name: String, seconds: Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3),
        ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
    ]
    /// Size units and their size in bytes: decimal (1 KB = 1000 B) and binary (1 KiB = 1024 B).
    public static let sizeUnits: [(name: String, bytes: Double)] = [
        ("B", 1), ("KB", 1e3), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
    ]
    /// Rate units (after the `/`) and their length in seconds.
    public static let rateUnits: [(name: String, seconds: Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    /// Count suffixes and their multipliers.
    public static let countSuffixes: [(name: String, factor: Double)] = [("k", 1e3), ("M", 1e6), ("B", 1e9)]

    /// The longest duration accepted anywhere: 36500 days, about 100 years.
    public static let maxDurationSeconds: Double = 36_500 * 86_400
    /// The largest size accepted: 1 EB (10^18 bytes).
    public static let maxSizeBytes: Double = 1e18
    /// The largest count accepted before per-key limits apply (10^18).
    public static let maxCount: Double = 1e18

    static let durationHelp = "use ns, us, ms, s, m, h or d"
    static let sizeHelp = "use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
    static let rateHelp = "use /s, /m, /h or /d"

    // MARK: Public parsers

    /// A duration such as `250us`, `1.5s` or `2h`, in seconds (not rounded to nanoseconds).
    /// The unit is required; negative values and values over ``maxDurationSeconds`` are errors.
    public static func parseSeconds(_ text: String) -> Result<Double, UnitError> {
        let q: Quantity = .duration
        switch split(text) {
        case .failure(let e): return .failure(e)
        case .success(let p):
            guard let number = p.number else {
                return .failure(UnitError("invalid duration '\(text)'; write a number and a unit, e.g. '10ms' or '1.5s'"))
            }
            guard !p.unit.isEmpty else {
                return .failure(UnitError("missing unit in duration '\(text)'; write e.g. '\(p.numberText)ms' or '\(p.numberText)s'",
                                          offset: p.unitOffset))
            }
            guard let factor = durationUnits.first(where: { $0.name == p.unit })?.seconds else {
                return .failure(wrongUnit(p, in: text, expected: q))
            }
            if number < 0 {
                return .failure(UnitError("negative duration '\(text)'; a duration must be zero or more", offset: p.numberOffset))
            }
            let seconds = p.scaled(by: factor)
            guard seconds.isFinite, seconds <= maxDurationSeconds else {
                return .failure(UnitError("duration '\(text)' is too long; the limit is 36500d (about 100 years)",
                                          offset: p.numberOffset))
            }
            return .success(seconds)
        }
    }

    /// A duration such as `250us`, `1.5s` or `2h`, rounded to the nearest nanosecond.
    public static func parseDuration(_ text: String) -> Result<SimDuration, UnitError> {
        parseSeconds(text).map { SimDuration(seconds: $0) }
    }

    /// A size such as `512B`, `4KiB` or `1.5MB`, in bytes.
    /// Decimal units are powers of 1000, binary units (`KiB` …) powers of 1024. The unit is required.
    public static func parseSize(_ text: String) -> Result<Double, UnitError> {
        switch split(text) {
        case .failure(let e): return .failure(e)
        case .success(let p):
            guard let number = p.number else {
                return .failure(UnitError("invalid size '\(text)'; write a number and a unit, e.g. '512B' or '4KiB'"))
            }
            guard !p.unit.isEmpty else {
                return .failure(UnitError("missing unit in size '\(text)'; write e.g. '\(p.numberText)B' or '\(p.numberText)KB'",
                                          offset: p.unitOffset))
            }
            guard let factor = sizeUnits.first(where: { $0.name == p.unit })?.bytes else {
                return .failure(wrongUnit(p, in: text, expected: .size))
            }
            if number < 0 {
                return .failure(UnitError("negative size '\(text)'; a size must be zero or more", offset: p.numberOffset))
            }
            let bytes = p.scaled(by: factor)
            guard bytes.isFinite, bytes <= maxSizeBytes else {
                return .failure(UnitError("size '\(text)' is too large; the limit is 1000000TB", offset: p.numberOffset))
            }
            return .success(bytes)
        }
    }

    /// A whole count such as `12`, `10k` (10 000), `1.5M` (1 500 000) or `2B` (2 000 000 000).
    /// Negative counts are returned as they are; callers apply their own limits.
    public static func parseCount(_ text: String) -> Result<Int, UnitError> {
        let invalid = UnitError("invalid count '\(text)'; use a whole number with an optional k, M or B suffix")
        guard case .success(let p) = split(text), let number = p.number else { return .failure(invalid) }
        var value = number
        if !p.unit.isEmpty {
            guard let factor = countSuffixes.first(where: { $0.name == p.unit })?.factor else {
                return .failure(UnitError(invalid.message, offset: p.unitOffset))
            }
            value = p.scaled(by: factor)
        }
        guard value.isFinite, abs(value) <= maxCount else {
            return .failure(UnitError("count '\(text)' is too large", offset: p.numberOffset))
        }
        // Decimal fractions like 1.15k are not exact in binary; allow a rounding error.
        let whole = value.rounded()
        guard abs(value - whole) <= 1e-9 * max(1, abs(value)) else {
            return .failure(UnitError("count '\(text)' is not a whole number; use a whole number with an optional k, M or B suffix",
                                      offset: p.numberOffset))
        }
        return .success(Int(whole))
    }

    /// A rate such as `5/s`, `300/m`, `2/h` or `1000/d`, in events per second. Must not be negative.
    public static func parseRate(_ text: String) -> Result<Double, UnitError> {
        switch split(text) {
        case .failure(let e): return .failure(e)
        case .success(let p):
            guard let number = p.number else {
                return .failure(UnitError("invalid rate '\(text)'; write a number, '/' and a unit, e.g. '5/s' or '300/m'"))
            }
            guard !p.unit.isEmpty else {
                return .failure(UnitError("missing unit in rate '\(text)'; write e.g. '\(p.numberText)/s' or '\(p.numberText)/m'",
                                          offset: p.unitOffset))
            }
            guard p.unit.hasPrefix("/") else {
                if durationUnits.contains(where: { $0.name == p.unit }) {
                    return .failure(UnitError("'\(text)' is a duration, not a rate; write a rate such as '\(p.numberText)/s'",
                                              offset: p.unitOffset))
                }
                return .failure(UnitError("unknown unit '\(p.unit)' in rate '\(text)'; \(rateHelp)", offset: p.unitOffset))
            }
            let per = String(p.unit.dropFirst()).trimmingSpaces()
            guard let seconds = rateUnits.first(where: { $0.name == per })?.seconds else {
                let hint = Suggestions.closest(to: per, among: rateUnits.map(\.name)).map { "; did you mean '/\($0)'?" } ?? "; \(rateHelp)"
                return .failure(UnitError("unknown unit '\(p.unit)' in rate '\(text)'\(hint)", offset: p.unitOffset))
            }
            if number < 0 {
                return .failure(UnitError("negative rate '\(text)'; a rate must be zero or more", offset: p.numberOffset))
            }
            let rate = number / seconds
            guard rate.isFinite else { return .failure(UnitError("rate '\(text)' is too large", offset: p.numberOffset)) }
            return .success(rate)
        }
    }

    /// A plain, finite number without a unit, such as `0.8`, `2` or `1e-3`.
    public static func parseNumber(_ text: String) -> Result<Double, UnitError> {
        guard case .success(let p) = split(text), let number = p.number, number.isFinite else {
            return .failure(UnitError("invalid number '\(text)'; write a plain number such as '0.5' or '2'"))
        }
        guard p.unit.isEmpty else {
            return .failure(UnitError("expected a plain number without a unit, found '\(text)'", offset: p.unitOffset))
        }
        return .success(number)
    }

    // MARK: Scanning

    /// A value split into its number and its unit.
    struct Parts {
        var number: Double?
        var numberText: String
        var numberOffset: Int
        var unit: String
        var unitOffset: Int
        /// `numberText` without its exponent, and the exponent.
        var mantissa = ""
        var exponent = 0

        /// The number times `factor`. Powers of ten shift the decimal exponent before converting,
        /// so `10ms` is exactly the Double nearest to 0.01 and `1.15k` is exactly 1150.
        func scaled(by factor: Double) -> Double {
            guard let number else { return .nan }
            let powers: [(Double, Int)] = [(1e-9, -9), (1e-6, -6), (1e-3, -3), (1, 0), (1e3, 3), (1e6, 6), (1e9, 9), (1e12, 12)]
            if let shift = powers.first(where: { $0.0 == factor })?.1, let exact = Double("\(mantissa)e\(exponent + shift)") {
                return exact
            }
            return number * factor
        }
    }

    /// Splits `text` into a leading decimal number and the unit after it (spaces around are ignored).
    static func split(_ text: String) -> Result<Parts, UnitError> {
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
        var end = s.count
        while end > i, s[end - 1] == " " || s[end - 1] == "\t" { end -= 1 }
        guard i < end else { return .failure(UnitError("empty value; expected a number with a unit, e.g. '10ms'")) }
        let start = i
        func isDigit(_ k: Int) -> Bool { k < end && ("0"..."9").contains(s[k]) }
        if i < end, s[i] == "+" || s[i] == "-" { i += 1 }
        var digits = 0
        while isDigit(i) { i += 1; digits += 1 }
        if i < end, s[i] == ".", digits > 0 || isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1; digits += 1 }
        }
        let mantissaEnd = i
        var exponent = 0
        if digits > 0, i < end, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            if j < end, s[j] == "+" || s[j] == "-" { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                let text = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                // Absurd exponents saturate; the value then overflows to infinity or underflows to 0.
                exponent = Int(text) ?? (s[i + 1] == "-" ? -100_000 : 100_000)
                exponent = max(-100_000, min(100_000, exponent))
                i = j
            }
        }
        let numberText = String(String.UnicodeScalarView(s[start..<(digits > 0 ? i : start)]))
        let number = digits > 0 ? Double(numberText) : nil
        var u = digits > 0 ? i : start
        while u < end, s[u] == " " || s[u] == "\t" { u += 1 }
        let unit = String(String.UnicodeScalarView(s[u..<end]))
        let mantissa = String(String.UnicodeScalarView(s[start..<(digits > 0 ? mantissaEnd : start)]))
        return .success(Parts(number: number, numberText: numberText, numberOffset: start, unit: unit, unitOffset: u,
                              mantissa: mantissa, exponent: exponent))
    }

    /// Common spellings of duration units that are not accepted, and the unit meant.
    static let durationAliases: [(String, String)] = [
        ("sec", "s"), ("secs", "s"), ("second", "s"), ("seconds", "s"),
        ("min", "m"), ("mins", "m"), ("minute", "m"), ("minutes", "m"),
        ("hr", "h"), ("hrs", "h"), ("hour", "h"), ("hours", "h"), ("day", "d"), ("days", "d"),
        ("msec", "ms"), ("msecs", "ms"), ("millisecond", "ms"), ("milliseconds", "ms"),
        ("usec", "us"), ("usecs", "us"), ("microsecond", "us"), ("microseconds", "us"),
        ("nsec", "ns"), ("nsecs", "ns"), ("nanosecond", "ns"), ("nanoseconds", "ns"),
    ]
    /// Common spellings of size units that are not accepted, and the unit meant.
    static let sizeAliases: [(String, String)] = [
        ("b", "B"), ("byte", "B"), ("bytes", "B"), ("k", "KB"), ("K", "KB"), ("M", "MB"), ("G", "GB"), ("T", "TB"),
        ("Ki", "KiB"), ("Mi", "MiB"), ("Gi", "GiB"), ("Ti", "TiB"),
    ]

    /// The unit probably meant by `unit`: a known alias, or a unit equal to it ignoring case.
    static func likelyUnit(_ unit: String, among names: [String], aliases: [(String, String)]) -> String? {
        if let hit = aliases.first(where: { $0.0 == unit }) { return hit.1 }
        if let hit = aliases.first(where: { $0.0.lowercased() == unit.lowercased() }) { return hit.1 }
        return names.first { $0.lowercased() == unit.lowercased() }
    }

    /// The error for a unit that is not one of `expected`'s units.
    static func wrongUnit(_ p: Parts, in text: String, expected: Quantity) -> UnitError {
        let (noun, help, names): (String, String, [String]) = switch expected {
        case .duration: ("duration", durationHelp, durationUnits.map(\.name))
        case .size: ("size", sizeHelp, sizeUnits.map(\.name))
        }
        if expected != .size, sizeUnits.contains(where: { $0.name == p.unit }) {
            return UnitError("'\(p.unit)' is a size unit, but a \(noun) is expected here; \(help)", offset: p.unitOffset)
        }
        if expected != .duration, durationUnits.contains(where: { $0.name == p.unit }) {
            return UnitError("'\(p.unit)' is a duration unit, but a \(noun) is expected here; \(help)", offset: p.unitOffset)
        }
        if p.unit.hasPrefix("/") {
            return UnitError("'\(text)' is a rate, but a \(noun) is expected here; \(help)", offset: p.unitOffset)
        }
        if let close = likelyUnit(p.unit, among: names, aliases: expected == .duration ? durationAliases : sizeAliases) {
            return UnitError("unknown unit '\(p.unit)' in \(noun) '\(text)'; did you mean '\(close)'? (\(help))", offset: p.unitOffset)
        }
        return UnitError("unknown unit '\(p.unit)' in \(noun) '\(text)'; \(help)", offset: p.unitOffset)
    }
}

/// The kind of quantity a distribution's location and scale parameters carry.
public enum Quantity: String, Sendable, Equatable, CaseIterable {
    /// Times, written with `ns … d` and returned in seconds.
    case duration
    /// Sizes, written with `B … TiB` and returned in bytes.
    case size

    /// Parses one value of this quantity into base units.
    public func parse(_ text: String) -> Result<Double, UnitError> {
        switch self {
        case .duration: return Units.parseSeconds(text)
        case .size: return Units.parseSize(text)
        }
    }

    /// An example value, for messages.
    var example: String { self == .duration ? "10ms" : "4KiB" }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
