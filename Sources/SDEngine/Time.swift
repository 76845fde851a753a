/// A point in simulated time, in integer nanoseconds since the start of the run.
///
/// Integer time makes "at the same time" mean "equal" and keeps a 30-day run exact.
/// A point is not a span: subtracting two points gives a ``SimDuration``.
public struct SimTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the run.
    public var ns: Int64

    /// The start of every run.
    public static let zero = SimTime(ns: 0)
    /// A point later than any event a run can schedule.
    public static let never = SimTime(ns: .max)

    /// A point `ns` nanoseconds after the start of the run.
    @inlinable public init(ns: Int64) { self.ns = ns }

    /// The point in seconds, for reports.
    @inlinable public var seconds: Double { Double(ns) / 1e9 }

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.ns < b.ns }
    /// Saturates at ``never`` (and at the earliest representable point), so a huge span never wraps into the past.
    @inlinable public static func + (a: SimTime, d: SimDuration) -> SimTime { SimTime(ns: saturatingSum(a.ns, d.ns)) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration { SimDuration(ns: a.ns - b.ns) }

    public var description: String { SimDuration(ns: ns).description }
}

/// A span of simulated time in integer nanoseconds. (Not `Duration`, which would shadow `Swift.Duration`.)
public struct SimDuration: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Length in nanoseconds; never negative for spans the engine schedules.
    public var ns: Int64

    /// No time at all.
    public static let zero = SimDuration(ns: 0)

    /// A span of `ns` nanoseconds.
    @inlinable public init(ns: Int64) { self.ns = ns }

    /// The longest span a conversion from floating point gives (about 146 years, beyond the longest
    /// scenario duration of 36500d): two of them still add up without overflow.
    public static let longest = SimDuration(ns: Int64.max / 2)

    /// Converts seconds to a span, rounding to the nearest nanosecond.
    /// Every floating-point value that becomes simulated time goes through here or through
    /// ``init(nanoseconds:)``; negative and non-finite inputs become zero, and huge ones saturate at
    /// ``longest``, so no factor, speed or rate can trap the conversion.
    @inlinable public init(seconds: Double) { self.init(nanoseconds: seconds * 1e9) }

    /// Converts a floating-point number of nanoseconds to a span (see ``init(seconds:)``).
    @inlinable public init(nanoseconds x: Double) {
        if !(x > 0) { self.ns = 0 } else if x >= 4.6e18 { self.ns = SimDuration.longest.ns } else { self.ns = Int64(x.rounded()) }
    }

    /// The span times `factor` (a slow-down, a machine's speed), rounded and saturating like ``init(seconds:)``.
    @inlinable public func scaled(by factor: Double) -> SimDuration { SimDuration(nanoseconds: Double(ns) * factor) }

    /// The span in seconds, for reports.
    @inlinable public var seconds: Double { Double(ns) / 1e9 }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.ns < b.ns }
    /// Saturates instead of trapping, like ``SimTime/+(_:_:)``.
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(ns: saturatingSum(a.ns, b.ns)) }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(ns: a.ns - b.ns) }

    /// A compact human form such as `250us`, `1.5s` or `2h`.
    public var description: String {
        let units: [(Int64, String)] = [(86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
                                        (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us")]
        // The largest unit that fits: whole if it divides the span; with decimals for seconds and
        // below; minutes, hours and days that do not divide it give way to a smaller unit.
        for (size, name) in units where ns >= size || ns <= -size {
            if ns % size == 0 { return "\(ns / size)\(name)" }
            if size <= 1_000_000_000 { return "\(formatTrimmed(Double(ns) / Double(size)))\(name)" }
        }
        return "\(ns)ns"
    }
}

extension Int {
    /// `x` rounded toward zero and clamped to ±10^15 (NaN gives 0): a count computed in floating
    /// point (servers needed, a backlog) that an absurd input cannot turn into a trap.
    public init(saturating x: Double) {
        self = x.isNaN ? 0 : Int(Swift.min(Swift.max(x, -1e15), 1e15))
    }
}

/// `a + b`, clamped to the range of `Int64` instead of trapping or wrapping.
@inlinable func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : sum
}

/// Formats with at most 6 significant decimals and no trailing zeros.
func formatTrimmed(_ x: Double) -> String {
    var s = String(format6: x)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}

extension String {
    /// `x` with six digits after the point, without Foundation.
    init(format6 x: Double) {
        let scaled = (abs(x) * 1e6).rounded()
        let whole = Int64(scaled / 1e6)
        let frac = Int64(scaled) - whole * 1_000_000
        var f = String(frac)
        while f.count < 6 { f = "0" + f }
        self = (x < 0 ? "-" : "") + "\(whole).\(f)"
    }
}
