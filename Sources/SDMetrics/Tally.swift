/// Running mean and variance of observations (Welford's algorithm: one pass, numerically stable).
public struct Tally: Sendable, Equatable {
    /// Observations so far.
    public private(set) var count: Int = 0
    /// Their mean (0 when empty).
    public private(set) var mean: Double = 0
    private var m2: Double = 0
    /// Largest observation (0 when empty).
    public private(set) var max: Double = 0

    /// An empty tally.
    public init() {}

    /// Adds one observation.
    @inlinable public mutating func add(_ x: Double) { addImpl(x) }

    @usableFromInline mutating func addImpl(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
        if count == 1 || x > max { max = x }
    }

    /// Sample variance (n − 1 in the denominator); 0 with fewer than two observations.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    /// Sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }
}
