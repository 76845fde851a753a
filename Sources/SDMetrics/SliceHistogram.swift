import SDEngine

/// Latencies counted per slice of a run in log-spaced buckets: 8 buckets per power of two, so a
/// percentile read back is within 1/16 (6.25%) of a latency that was recorded. Recording is a
/// bit scan and an increment, cheap enough for every completed request; memory is fixed
/// (slices × 488 counters) however long the run.
public struct SliceHistogram: Sendable, Equatable {
    /// Buckets per slice: exact below 8 ns, then 8 per power of two up to 2^63 ns.
    public static let bucketsPerSlice = 488
    /// Number of slices.
    public let slices: Int
    private var counts: [UInt32]
    /// Per slice: how many latencies, and their sum in seconds.
    public private(set) var count: [Int]
    public private(set) var sum: [Double]

    /// An empty histogram of `slices` slices.
    public init(slices: Int) {
        self.slices = slices
        counts = [UInt32](repeating: 0, count: slices * SliceHistogram.bucketsPerSlice)
        count = [Int](repeating: 0, count: slices)
        sum = [Double](repeating: 0, count: slices)
    }

    @inline(__always) static func bucket(_ ns: Int64) -> Int {
        if ns < 8 { return Int(Swift.max(ns, 0)) }
        let e = 63 - ns.leadingZeroBitCount
        return (e - 2) * 8 + Int((ns >> (e - 3)) & 7)
    }

    /// The middle of a bucket, in nanoseconds.
    static func middle(_ bucket: Int) -> Double {
        if bucket < 8 { return Double(bucket) }
        let e = bucket / 8 + 2, sub = bucket % 8
        let low = Double(8 + sub) * Double(Int64(1) << (e - 3))
        return low + Double(Int64(1) << (e - 3)) / 2
    }

    /// Counts a latency in `slice`.
    @inline(__always) public mutating func record(_ d: SimDuration, slice: Int) {
        counts[slice * SliceHistogram.bucketsPerSlice + SliceHistogram.bucket(d.ns)] &+= 1
        count[slice] += 1
        sum[slice] += Double(d.ns) / 1e9
    }

    /// Adds another histogram of the same shape (a replication).
    public mutating func merge(_ other: SliceHistogram) {
        precondition(other.slices == slices)
        for i in counts.indices { counts[i] &+= other.counts[i] }
        for i in 0..<slices { count[i] += other.count[i]; sum[i] += other.sum[i] }
    }

    /// Mean latency of a slice in seconds; nil when nothing was recorded there.
    public func mean(_ slice: Int) -> Double? { count[slice] == 0 ? nil : sum[slice] / Double(count[slice]) }

    /// The `p`-th percentile (0...100) of a slice in seconds; nil when nothing was recorded there.
    public func percentile(_ p: Double, slice: Int) -> Double? {
        let n = count[slice]
        guard n > 0 else { return nil }
        let rank = Swift.max(1, Int((p / 100 * Double(n)).rounded(.up)))
        var seen = 0
        let base = slice * SliceHistogram.bucketsPerSlice
        for b in 0..<SliceHistogram.bucketsPerSlice {
            seen += Int(counts[base + b])
            if seen >= rank { return SliceHistogram.middle(b) / 1e9 }
        }
        return nil
    }
}
