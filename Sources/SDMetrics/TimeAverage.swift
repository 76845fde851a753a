import SDEngine

/// The time-average of a piecewise-constant quantity (queue length, busy workers) over a window.
///
/// Each change integrates the old value over the time it held; nothing before `start` counts.
public struct TimeAverage: Sendable {
    private var value: Double = 0
    private var since: Int64 = 0
    private var area: Double = 0
    private let start: Int64

    /// Measures from `start` (the end of the warm-up).
    public init(start: SimTime) { self.start = start.ns; self.since = 0 }

    /// The quantity changes to `newValue` at `now`.
    @inlinable public mutating func set(_ newValue: Double, at now: SimTime) { setImpl(newValue, at: now.ns) }

    @usableFromInline mutating func setImpl(_ newValue: Double, at now: Int64) {
        if now > start { area += value * Double(now - Swift.max(since, start)) }
        value = newValue
        since = Swift.max(since, now)
    }

    /// The current value.
    public var current: Double { value }

    /// The average from `start` to `end`.
    public func average(until end: SimTime) -> Double {
        guard end.ns > start else { return 0 }
        let tail = value * Double(end.ns - Swift.max(since, start))
        return (area + tail) / Double(end.ns - start)
    }
}
