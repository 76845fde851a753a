import Histogram
import SDEngine

/// Everything sdsim records about one stream of latencies: exact mean, batch means for the
/// confidence interval, and an HdrHistogram for percentiles.
///
/// Latencies are recorded in nanoseconds from 1 ns up to about 11.6 days with three significant
/// digits. Values past the top are counted in ``outOfRange`` rather than silently dropped
/// (they still enter the mean and the maximum).
public struct LatencyRecorder: Sendable {
    /// The highest latency the histogram holds, in nanoseconds.
    public static let highestTrackableNs: UInt64 = 1_000_000_000_000_000
    /// Exact running mean and maximum, in seconds.
    public private(set) var tally = Tally()
    /// Batch means, in seconds, for the confidence interval.
    public private(set) var batches = BatchMeans()
    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: LatencyRecorder.highestTrackableNs,
                                              numberOfSignificantValueDigits: .three)
    /// Observations the histogram could not hold.
    public private(set) var outOfRange = 0

    /// An empty recorder.
    public init() {}

    /// Records one latency.
    public mutating func record(_ d: SimDuration) {
        let s = d.seconds
        tally.add(s)
        batches.add(s)
        if d.ns < 0 || !histogram.record(UInt64(max(d.ns, 0))) { outOfRange += 1 }
    }

    /// The latency at `percentile` (0–100), in seconds; 0 when empty.
    public func percentile(_ p: Double) -> Double {
        guard histogram.totalCount > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(p)) / 1e9
    }

    /// Adds another recorder's histogram and counts (used to pool replications' percentiles).
    /// The tally and batches are not merged: replications get their intervals from per-run means.
    public mutating func mergeHistogram(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
        outOfRange += other.outOfRange
    }
}
