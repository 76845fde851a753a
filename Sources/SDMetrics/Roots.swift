/// Roots of monotone functions, the one search the theory helpers share.
public enum Roots {
    /// The `x ≥ 0` where the increasing function `f` reaches `target`: the bracket [0, start] is
    /// doubled until `f` reaches the target, then halved until it cannot be halved in `Double`
    /// (at most 200 steps). `f(0)` must be below `target`, and `f` must reach it somewhere.
    /// - Complexity: O(log(x/start) + 200) evaluations of `f`.
    public static func increasing(_ f: (Double) -> Double, reaches target: Double, start: Double = 1) -> Double {
        var low = 0.0, high = max(start, Double.leastNormalMagnitude)
        while f(high) < target { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if f(mid) < target { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}
