import CGSL

/// Confidence intervals for a mean from independent (or batch-mean) observations.
public enum StudentT {
    /// The two-sided `level` quantile of Student's t with `df` degrees of freedom (GSL).
    /// For example `quantile(level: 0.95, df: 9)` ≈ 2.262.
    public static func quantile(level: Double, df: Int) -> Double {
        precondition(df >= 1 && level > 0 && level < 1)
        return gsl_cdf_tdist_Pinv(0.5 + level / 2, Double(df))
    }

    /// Mean and `level` confidence interval of `xs` (treated as independent and roughly normal).
    /// With fewer than two values the interval is the point itself.
    public static func interval(_ xs: [Double], level: Double = 0.95) -> (mean: Double, low: Double, high: Double) {
        var t = Tally()
        for x in xs { t.add(x) }
        guard t.count >= 2 else { return (t.mean, t.mean, t.mean) }
        let half = quantile(level: level, df: t.count - 1) * t.standardDeviation / Double(t.count).squareRoot()
        return (t.mean, t.mean - half, t.mean + half)
    }
}
