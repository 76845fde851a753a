import SDEngine

/// Bookkeeping for the time-weighted distribution of a small whole-number quantity (a queue's
/// depth): how long it spent at each value during the measured window, for its mean, maximum and
/// percentiles. Memory grows with the largest value reached, not with time.
public struct LevelHistogram {
    private var timeAt: [Int64] = []
    private var level = 0
    private var since: Int64 = 0
    private let start: Int64

    public init(start: Int64) { self.start = start }

    /// The current value.
    public var current: Int { level }

    /// The quantity changes to `newLevel` at `now`.
    public mutating func set(_ newLevel: Int, at now: Int64) {
        accumulate(until: now)
        level = newLevel
    }

    private mutating func accumulate(until now: Int64) {
        if now > start {
            let from = max(since, start)
            if now > from {
                if timeAt.count <= level { timeAt += [Int64](repeating: 0, count: level + 1 - timeAt.count) }
                timeAt[level] += now - from
            }
        }
        since = max(since, now)
    }

    /// Time spent at each value from the window's start to `end`.
    public func times(until end: Int64) -> [Int64] {
        var copy = self
        copy.accumulate(until: end)
        return copy.timeAt
    }

    /// The largest value held for a positive time during the window (a value that changes again
    /// at the same instant, such as a message handed to an idle consumer at once, does not count).
    public func maximum(until end: Int64) -> Int {
        times(until: end).lastIndex { $0 > 0 } ?? 0
    }

    /// The time-weighted `p`-quantile (0–1) over the window: the smallest value at or below which
    /// the quantity spent at least a fraction `p` of the time.
    public func quantile(_ p: Double, until end: Int64) -> Double {
        let t = times(until: end)
        let total = t.reduce(0, +)
        guard total > 0 else { return Double(level) }
        var sum: Int64 = 0
        for (value, time) in t.enumerated() {
            sum += time
            if Double(sum) >= p * Double(total) { return Double(value) }
        }
        return Double(t.count - 1)
    }

    /// The time-average over the window.
    public func mean(until end: Int64) -> Double {
        let t = times(until: end)
        let total = t.reduce(0, +)
        guard total > 0 else { return Double(level) }
        var area = 0.0
        for (value, time) in t.enumerated() { area += Double(value) * Double(time) }
        return area / Double(total)
    }
}
