import CGSL

/// A mean with its two-sided confidence interval, from independent observations (one per
/// replication). With fewer than two observations, or when any is NaN, the interval is unknown
/// (NaN) and nothing is claimed about it.
public struct MeanEstimate: Sendable, Equatable {
    /// The mean of the observations (NaN when any is NaN or there are none).
    public var mean: Double
    /// Lower and upper ends of the interval (NaN when unknown).
    public var low: Double, high: Double
    /// Observations behind the estimate.
    public var count: Int

    /// An estimate.
    public init(mean: Double, low: Double, high: Double, count: Int) {
        self.mean = mean; self.low = low; self.high = high; self.count = count
    }

    /// The mean and Student-t interval of `xs` at `level`. Equal observations give a zero-width
    /// interval: a difference that is the same in every replication (a cost) is exact.
    public init(_ xs: [Double], level: Double = 0.95) {
        count = xs.count
        guard !xs.isEmpty, !xs.contains(where: \.isNaN) else { mean = .nan; low = .nan; high = .nan; return }
        let (m, l, h) = StudentT.interval(xs, level: level)
        mean = m
        (low, high) = xs.count >= 2 ? (l, h) : (.nan, .nan)
    }

    /// Half the interval's width.
    public var halfWidth: Double { (high - low) / 2 }

    /// Whether the interval is known and excludes zero.
    public var excludesZero: Bool { !low.isNaN && !high.isNaN && (low > 0 || high < 0) }
}

/// Differences between two systems measured on the same replications.
public enum PairedDifference {
    /// The mean of `b[i] − a[i]` with its `level` Student-t interval: replication i of both
    /// systems ran with the same random numbers (same seed), so the pairs are compared one by one
    /// and what both share cancels. `a` and `b` must have the same length.
    public static func paired(_ a: [Double], _ b: [Double], level: Double = 0.95) -> MeanEstimate {
        precondition(a.count == b.count, "paired observations need equal counts")
        return MeanEstimate(zip(a, b).map { $1 - $0 }, level: level)
    }

    /// The difference of the means of `b` and `a` with Welch's interval, which treats the two
    /// samples as independent (what a comparison without common random numbers could claim).
    public static func unpaired(_ a: [Double], _ b: [Double], level: Double = 0.95) -> MeanEstimate {
        let n = a.count + b.count
        guard a.count >= 2, b.count >= 2, !a.contains(where: \.isNaN), !b.contains(where: \.isNaN) else {
            return MeanEstimate(mean: .nan, low: .nan, high: .nan, count: n)
        }
        var ta = Tally(), tb = Tally()
        for x in a { ta.add(x) }
        for x in b { tb.add(x) }
        let va = ta.variance / Double(a.count), vb = tb.variance / Double(b.count)
        let d = tb.mean - ta.mean
        let se = (va + vb).squareRoot()
        guard se > 0 else { return MeanEstimate(mean: d, low: d, high: d, count: n) }
        // Welch–Satterthwaite degrees of freedom.
        let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        let t = gsl_cdf_tdist_Pinv(0.5 + level / 2, df)
        return MeanEstimate(mean: d, low: d - t * se, high: d + t * se, count: n)
    }
}
