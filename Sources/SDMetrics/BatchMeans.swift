/// The method of batch means for a confidence interval from one long, autocorrelated run.
///
/// Consecutive observations (say, response times of consecutive customers) are correlated,
/// so the naive standard error is far too small at high load. Grouping them into a few large
/// batches makes the batch averages nearly independent. Memory is fixed: when `2k` batches are
/// full, neighbours are merged and the batch size doubles, so any run length ends with between
/// `k` and `2k` complete batches (the partial last batch is left out).
public struct BatchMeans: Sendable {
    /// Smallest number of complete batches kept once enough data has arrived.
    public let minBatches: Int
    private var sums: [Double] = []
    private var batchSize = 1
    private var currentSum = 0.0
    private var currentCount = 0

    /// A collector that keeps between `minBatches` and `2·minBatches` batches.
    public init(minBatches: Int = 20) {
        precondition(minBatches >= 2)
        self.minBatches = minBatches
        sums.reserveCapacity(2 * minBatches)
    }

    /// Adds the next observation, in time order.
    public mutating func add(_ x: Double) {
        currentSum += x
        currentCount += 1
        guard currentCount == batchSize else { return }
        sums.append(currentSum)
        currentSum = 0
        currentCount = 0
        if sums.count == 2 * minBatches { mergePairs() }
    }

    private mutating func mergePairs() {
        for i in 0..<minBatches { sums[i] = sums[2 * i] + sums[2 * i + 1] }
        sums.removeLast(minBatches)
        batchSize *= 2
    }

    /// The complete batches' means, in time order.
    public var batchMeans: [Double] { sums.map { $0 / Double(batchSize) } }

    /// The `level` confidence interval of the mean from the batch means (t with B − 1 degrees of freedom).
    /// Nil with fewer than `minBatches` batches: too little data for an honest interval.
    public func interval(level: Double = 0.95) -> (low: Double, high: Double)? {
        guard sums.count >= minBatches else { return nil }
        let r = StudentT.interval(batchMeans, level: level)
        return (r.low, r.high)
    }
}
