import SDEngine

/// The time-average of a piecewise-constant quantity (queue length, busy workers) over a window.
///
/// Each change integrates the old value over the time it held; nothing before `start` counts.
public struct TimeAverage: Sendable {
    private var value: Double = 0
    private var since: Int64 = 0
    private var area: Double = 0
    private let start: Int64
    /// Slices over time (see ``enableSlices(count:length:)``): the next slice boundary (`.max`
    /// when off or past the last), the slice length, and the total area at each boundary passed.
    private var nextBoundary: Int64 = .max
    private var sliceNs: Int64 = 0
    private var sliceCount = 0
    private var boundaryAreas: [Double] = []

    /// Measures from `start` (the end of the warm-up).
    public init(start: SimTime) { self.start = start.ns; self.since = 0 }

    /// Also keeps the average over each of `count` slices of `length` from `start` (the last
    /// slice ends at the end of the run). Costs one comparison per change.
    public mutating func enableSlices(count: Int, length: SimDuration) {
        precondition(count >= 1 && length.ns > 0)
        sliceCount = count; sliceNs = length.ns
        nextBoundary = count > 1 ? start + length.ns : .max
        boundaryAreas.reserveCapacity(count - 1)
    }

    /// The quantity changes to `newValue` at `now`.
    @inlinable public mutating func set(_ newValue: Double, at now: SimTime) { setImpl(newValue, at: now.ns) }

    @usableFromInline mutating func setImpl(_ newValue: Double, at now: Int64) {
        if now >= nextBoundary { passBoundaries(until: now) }
        if now > start { area += value * Double(now - Swift.max(since, start)) }
        value = newValue
        since = Swift.max(since, now)
    }

    /// Records the total area at every slice boundary up to `now`, before the value changes.
    @usableFromInline mutating func passBoundaries(until now: Int64) {
        while now >= nextBoundary {
            boundaryAreas.append(area + value * Double(nextBoundary - Swift.max(since, start)))
            nextBoundary = boundaryAreas.count + 1 < sliceCount ? nextBoundary + sliceNs : .max
        }
    }

    /// The average over each slice up to `end` (empty without slices); a slice that starts at or
    /// after `end` is left out, and the last one ends at `end`.
    public func sliceAverages(until end: SimTime) -> [Double] {
        guard sliceCount > 0, end.ns > start else { return [] }
        var copy = self
        copy.passBoundaries(until: end.ns)
        let total = copy.area + copy.value * Double(end.ns - Swift.max(copy.since, start))
        var out: [Double] = []
        var previous = 0.0
        for i in 0..<sliceCount {
            let from = start + Int64(i) * sliceNs
            guard from < end.ns else { break }
            let to = i == sliceCount - 1 ? end.ns : Swift.min(from + sliceNs, end.ns)
            let cumulative = i < copy.boundaryAreas.count && to < end.ns ? copy.boundaryAreas[i] : total
            out.append((cumulative - previous) / Double(to - from))
            previous = cumulative
            if to >= end.ns { break }
        }
        return out
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
