import SDEngine

/// A two-sided interval for a mean, at the stated confidence.
public struct ConfidenceInterval: Sendable, Equatable {
    /// Lower bound.
    public var low: Double
    /// Upper bound.
    public var high: Double
    /// An interval.
    public init(low: Double, high: Double) { self.low = low; self.high = high }
    /// Whether `x` lies inside.
    public func contains(_ x: Double) -> Bool { low <= x && x <= high }
    /// Half the width.
    public var halfWidth: Double { (high - low) / 2 }
}
