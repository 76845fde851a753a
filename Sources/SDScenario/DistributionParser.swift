import SDEngine
import SDConfig

/// Parses distributions written as `NAME(PARAM, …)`, such as `exponential(10ms)` or `uniform(1ms, 3ms)`.
///
/// Location and scale parameters carry units of the quantity (durations, or sizes) and are converted
/// to base units; shape parameters are plain numbers. Every problem comes back as a ``UnitError``
/// whose offset points at the offending part of the text.
public enum DistributionParser {
    /// How one parameter is written.
    enum ParameterKind: Sendable {
        /// A value of the quantity (duration or size), never negative.
        case quantity(positive: Bool)
        /// A plain number greater than 0.
        case positiveNumber
        /// A whole number greater than or equal to 1.
        case positiveInteger
    }

    /// One distribution family: its parameters and how to build it.
    struct Family: Sendable {
        let name: String
        let parameters: [(label: String, kind: ParameterKind)]
        /// What the distribution is, for the generated reference (Markdown).
        let help: String
        /// Builds the distribution from parameters in base units (integers passed as whole Doubles).
        let make: @Sendable ([Double]) -> Distribution
    }

    /// The families, in the order they are listed in messages.
    static let families: [Family] = [
        Family(name: "constant", parameters: [("X", .quantity(positive: false))],
               help: "Always X.") { .constant($0[0]) },
        Family(name: "exponential", parameters: [("MEAN", .quantity(positive: true))],
               help: "Exponential with mean MEAN (memoryless; the \"M\" in M/M/1). CV = 1.") { .exponential(mean: $0[0]) },
        Family(name: "uniform", parameters: [("LOW", .quantity(positive: false)), ("HIGH", .quantity(positive: false))],
               help: "Uniform between LOW and HIGH (0 ≤ LOW ≤ HIGH).") {
            .uniform(low: $0[0], high: $0[1])
        },
        Family(name: "normal", parameters: [("MEAN", .quantity(positive: false)), ("SD", .quantity(positive: false))],
               help: "Normal with mean MEAN and standard deviation SD. Negative draws are clamped to 0, so when SD is large compared with MEAN the actual mean is above MEAN.") {
            .normal(mean: $0[0], sd: $0[1])
        },
        Family(name: "lognormal", parameters: [("MEAN", .quantity(positive: true)), ("CV", .positiveNumber)],
               help: "Lognormal with mean MEAN and coefficient of variation CV (standard deviation / mean).") {
            .lognormal(mean: $0[0], cv: $0[1])
        },
        Family(name: "erlang", parameters: [("K", .positiveInteger), ("MEAN", .quantity(positive: true))],
               help: "Sum of K exponential phases (K a whole number from 1 to 1,000,000) with total mean MEAN. CV = 1/√K; K = 1 is exponential.") {
            .erlang(k: Int($0[0]), mean: $0[1])
        },
        Family(name: "gamma", parameters: [("SHAPE", .positiveNumber), ("MEAN", .quantity(positive: true))],
               help: "Gamma with shape SHAPE and mean MEAN (scale = MEAN/SHAPE). CV = 1/√SHAPE.") {
            .gamma(shape: $0[0], mean: $0[1])
        },
        Family(name: "pareto", parameters: [("SHAPE", .positiveNumber), ("SCALE", .quantity(positive: true))],
               help: "Classical Pareto: minimum SCALE, tail exponent SHAPE. Mean SHAPE·SCALE/(SHAPE − 1) for SHAPE > 1, infinite otherwise; variance finite only for SHAPE > 2.") {
            .pareto(shape: $0[0], scale: $0[1])
        },
        Family(name: "weibull", parameters: [("SHAPE", .positiveNumber), ("SCALE", .quantity(positive: true))],
               help: "Weibull with shape SHAPE and scale SCALE. Mean SCALE·Γ(1 + 1/SHAPE).") {
            .weibull(shape: $0[0], scale: $0[1])
        },
    ]

    /// The names of the distribution families, as written in scenario files.
    public static var names: [String] { families.map(\.name) }

    /// The largest phase count accepted by `erlang`.
    public static let maxErlangPhases = 1_000_000
    /// The highest Poisson arrival rate accepted: one request per nanosecond.
    public static let maxArrivalRate: Double = 1e9

    /// Parses a distribution whose values are of `quantity`, in base units (seconds or bytes).
    public static func parse(_ text: String, of quantity: Quantity = .duration) -> Result<Distribution, UnitError> {
        switch splitCall(text) {
        case .failure(let e):
            if case .success = quantity.parse(text) {
                return .failure(UnitError("expected a distribution such as 'exponential(\(quantity.example))', found '\(text.trimmingSpaces())'; did you mean 'constant(\(text.trimmingSpaces()))'?"))
            }
            return .failure(e)
        case .success(let call):
            guard let family = families.first(where: { $0.name == call.name }) else {
                return .failure(unknownName(call, candidates: names))
            }
            return build(family, call, quantity: quantity)
        }
    }

    /// Parses an arrival process: `poisson(RATE)` with a rate > 0, or any duration distribution,
    /// which then gives the gaps between arrivals (its mean must be greater than 0).
    public static func parseArrival(_ text: String) -> Result<ArrivalProcess, UnitError> {
        let call: Call
        switch splitCall(text) {
        case .failure(let e):
            let t = text.trimmingSpaces()
            if case .success = Units.parseRate(t) {
                return .failure(UnitError("expected an arrival process such as 'poisson(\(t))', found '\(t)'; did you mean 'poisson(\(t))'?"))
            }
            if case .success = Units.parseSeconds(t) {
                return .failure(UnitError("expected an arrival process such as 'poisson(5/s)' or 'exponential(\(t))', found '\(t)'; for gaps of exactly \(t) write 'constant(\(t))'"))
            }
            return .failure(e)
        case .success(let c): call = c
        }
        if call.name == "poisson" {
            guard call.arguments.count == 1 else { return .failure(arity("poisson", ["RATE"], call)) }
            let arg = call.arguments[0]
            switch Units.parseRate(arg.text) {
            case .failure(let e):
                if case .success = Units.parseSeconds(arg.text) {
                    return .failure(UnitError("RATE of 'poisson' must be a rate such as '5/s', found '\(arg.text)'; for a mean gap of \(arg.text) write 'exponential(\(arg.text))'",
                                              offset: arg.offset))
                }
                return .failure(e.shifted(by: arg.offset))
            case .success(let rate):
                guard rate > 0 else {
                    return .failure(UnitError("RATE of 'poisson' must be greater than 0, found '\(arg.text)'", offset: arg.offset))
                }
                guard rate <= maxArrivalRate else {
                    return .failure(UnitError("RATE of 'poisson' must be at most 1000000000/s, found '\(arg.text)'", offset: arg.offset))
                }
                return .success(.poisson(ratePerSecond: rate))
            }
        }
        guard let family = families.first(where: { $0.name == call.name }) else {
            return .failure(unknownName(call, candidates: ["poisson"] + names))
        }
        switch build(family, call, quantity: .duration) {
        case .failure(let e): return .failure(e)
        case .success(let d):
            if let mean = d.mean, !(mean > 0) {
                return .failure(UnitError("arrival gaps must have a mean greater than 0, found '\(text.trimmingSpaces())'; a zero gap would send infinitely many requests"))
            }
            return .success(.interarrival(d))
        }
    }

    // MARK: Pieces

    /// `NAME(ARG, …)` split into its parts, with offsets into the original text.
    struct Call {
        var name: String
        var nameOffset: Int
        var arguments: [(text: String, offset: Int)]
    }

    static let syntaxHelp = "write NAME(PARAMETERS), e.g. 'exponential(10ms)' or 'uniform(1ms, 3ms)'"

    /// Splits `text` into a name and comma-separated arguments.
    static func splitCall(_ text: String) -> Result<Call, UnitError> {
        let s = Array(text.unicodeScalars)
        func str(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(s[r])) }
        func isSpace(_ k: Int) -> Bool { s[k] == " " || s[k] == "\t" }
        var i = 0
        while i < s.count, isSpace(i) { i += 1 }
        var end = s.count
        while end > i, isSpace(end - 1) { end -= 1 }
        guard i < end else { return .failure(UnitError("empty distribution; \(syntaxHelp)")) }
        let nameStart = i
        while i < end, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) || s[i] == "-" || s[i] == "_" { i += 1 }
        let name = str(nameStart..<i)
        var open = i
        while open < end, isSpace(open) { open += 1 }
        guard !name.isEmpty, open < end, s[open] == "(" else {
            return .failure(UnitError("invalid distribution '\(str(nameStart..<end))'; \(syntaxHelp)"))
        }
        guard s[end - 1] == ")" else {
            return .failure(UnitError("missing ')' at the end of distribution '\(str(nameStart..<end))'", offset: end))
        }
        if let nested = (open + 1..<end - 1).first(where: { s[$0] == "(" || s[$0] == ")" }) {
            return .failure(UnitError("unexpected '\(s[nested])' in distribution '\(str(nameStart..<end))'; \(syntaxHelp)", offset: nested))
        }
        var arguments: [(text: String, offset: Int)] = []
        let inner = open + 1..<end - 1
        if inner.contains(where: { !isSpace($0) }) {
            var pieceStart = inner.lowerBound
            for k in inner.lowerBound...inner.upperBound where k == inner.upperBound || s[k] == "," {
                var a = pieceStart, b = k
                while a < b, isSpace(a) { a += 1 }
                while b > a, isSpace(b - 1) { b -= 1 }
                guard a < b else {
                    return .failure(UnitError("empty parameter in distribution '\(str(nameStart..<end))'", offset: a))
                }
                arguments.append((str(a..<b), a))
                pieceStart = k + 1
            }
        }
        return .success(Call(name: name, nameOffset: nameStart, arguments: arguments))
    }

    static func unknownName(_ call: Call, candidates: [String]) -> UnitError {
        let all = "(distributions: \(candidates.joined(separator: ", ")))"
        if let close = Suggestions.closest(to: call.name, among: candidates) {
            return UnitError("unknown distribution '\(call.name)'; did you mean '\(close)'? \(all)", offset: call.nameOffset)
        }
        return UnitError("unknown distribution '\(call.name)' \(all)", offset: call.nameOffset)
    }

    static func arity(_ name: String, _ labels: [String], _ call: Call) -> UnitError {
        let n = labels.count
        return UnitError("'\(name)' takes \(n) parameter\(n == 1 ? "" : "s") (\(labels.joined(separator: ", "))), found \(call.arguments.count)",
                         offset: call.nameOffset)
    }

    /// Reads the parameters of `family` from `call` and builds the distribution.
    static func build(_ family: Family, _ call: Call, quantity: Quantity) -> Result<Distribution, UnitError> {
        guard call.arguments.count == family.parameters.count else {
            return .failure(arity(family.name, family.parameters.map(\.label), call))
        }
        var values: [Double] = []
        for (param, arg) in zip(family.parameters, call.arguments) {
            let what = "\(param.label) of '\(family.name)'"
            switch param.kind {
            case .quantity(let positive):
                switch quantity.parse(arg.text) {
                case .failure(let e): return .failure(e.shifted(by: arg.offset))
                case .success(let v):
                    if positive && !(v > 0) {
                        return .failure(UnitError("\(what) must be greater than 0, found '\(arg.text)'", offset: arg.offset))
                    }
                    values.append(v)
                }
            case .positiveNumber, .positiveInteger:
                let isInteger: Bool = if case .positiveInteger = param.kind { true } else { false }
                let expected = isInteger ? "a whole number of at least 1" : "a plain number greater than 0"
                guard case .success(let parts) = Units.split(arg.text), let v = parts.number, v.isFinite else {
                    return .failure(UnitError("\(what) must be \(expected), found '\(arg.text)'", offset: arg.offset))
                }
                guard parts.unit.isEmpty else {
                    return .failure(UnitError("\(what) must be \(expected) without a unit, found '\(arg.text)'", offset: arg.offset))
                }
                if isInteger {
                    guard v >= 1, v == v.rounded() else {
                        return .failure(UnitError("\(what) must be \(expected), found '\(arg.text)'", offset: arg.offset))
                    }
                    guard v <= Double(maxErlangPhases) else {
                        return .failure(UnitError("\(what) must be at most \(maxErlangPhases), found '\(arg.text)'", offset: arg.offset))
                    }
                } else if !(v > 0) {
                    return .failure(UnitError("\(what) must be \(expected), found '\(arg.text)'", offset: arg.offset))
                }
                values.append(v)
            }
        }
        if family.name == "uniform", values[0] > values[1] {
            let args = call.arguments
            return .failure(UnitError("LOW of 'uniform' must not exceed HIGH, found '\(args[0].text)' > '\(args[1].text)'",
                                      offset: args[0].offset))
        }
        return .success(family.make(values))
    }
}

extension DistributionParser {
    /// The largest key space accepted by `zipf` and `uniform` keys.
    public static let maxKeys = 1_000_000_000_000

    /// Parses a key popularity: `zipf(N, S)` (N keys, exponent S ≥ 0) or `uniform(N)`.
    public static func parseKeys(_ text: String) -> Result<KeyDistribution, UnitError> {
        let call: Call
        switch splitCall(text) {
        case .failure(let e): return .failure(e)
        case .success(let c): call = c
        }
        let labels: [String]
        switch call.name {
        case "zipf": labels = ["N", "S"]
        case "uniform": labels = ["N"]
        default:
            let all = "(key distributions: zipf(N, S), uniform(N))"
            let hint = Suggestions.closest(to: call.name, among: ["zipf", "uniform"]).map { "; did you mean '\($0)'?" } ?? ""
            return .failure(UnitError("unknown key distribution '\(call.name)'\(hint) \(all)", offset: call.nameOffset))
        }
        guard call.arguments.count == labels.count else { return .failure(arity(call.name, labels, call)) }
        let nArg = call.arguments[0]
        let n: Int
        switch Units.parseCount(nArg.text) {
        case .failure(let e): return .failure(e.shifted(by: nArg.offset))
        case .success(let v): n = v
        }
        guard n >= 1, n <= maxKeys else {
            return .failure(UnitError("N of '\(call.name)' must be between 1 and 1000B keys, found '\(nArg.text)'", offset: nArg.offset))
        }
        guard call.name == "zipf" else { return .success(.uniform(n: UInt64(n))) }
        let sArg = call.arguments[1]
        guard case .success(let exponent) = Units.parseNumber(sArg.text), exponent >= 0, exponent <= 20 else {
            return .failure(UnitError("S of 'zipf' must be a plain number from 0 to 20, found '\(sArg.text)'", offset: sArg.offset))
        }
        return .success(.zipf(n: UInt64(n), exponent: exponent))
    }
}
