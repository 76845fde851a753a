import CGSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A probability distribution of a non-negative quantity: a service time in seconds,
/// an object size in bytes, an inter-arrival gap.
///
/// Parameters are in base units (seconds or bytes). Sampling uses GSL, whose generators and
/// algorithms do not change between releases, so results stay reproducible.
public enum Distribution: Sendable, Equatable, CustomStringConvertible {
    /// Always `value`.
    case constant(Double)
    /// Exponential with the given mean (memoryless; the "M" of M/M/1).
    case exponential(mean: Double)
    /// Uniform between `low` and `high`.
    case uniform(low: Double, high: Double)
    /// Normal with mean and standard deviation; negative draws are clamped to zero.
    case normal(mean: Double, sd: Double)
    /// Lognormal given by its mean and coefficient of variation (sd / mean).
    case lognormal(mean: Double, cv: Double)
    /// Erlang: the sum of `k` exponential phases, with total mean `mean` (CV = 1/√k).
    case erlang(k: Int, mean: Double)
    /// Gamma with shape `shape` and mean `mean`.
    case gamma(shape: Double, mean: Double)
    /// Pareto (Lomax-free, classical): minimum `scale`, tail exponent `shape` (mean finite only for shape > 1).
    case pareto(shape: Double, scale: Double)
    /// Weibull with shape `shape` and scale `scale`.
    case weibull(shape: Double, scale: Double)

    /// Draws one value from `stream`. Never negative.
    @inlinable
    public func sample(_ stream: RandomStream) -> Double {
        let r = stream.gsl
        switch self {
        case .constant(let v): return v
        case .exponential(let mean): return gsl_ran_exponential(r, mean)
        case .uniform(let lo, let hi): return gsl_ran_flat(r, lo, hi)
        case .normal(let mean, let sd): return max(0, mean + gsl_ran_gaussian_ziggurat(r, sd))
        case .lognormal(let mean, let cv):
            let s2 = log1p(cv * cv)
            return gsl_ran_lognormal(r, log(mean) - s2 / 2, s2.squareRoot())
        case .erlang(let k, let mean): return gsl_ran_gamma(r, Double(k), mean / Double(k))
        case .gamma(let shape, let mean): return gsl_ran_gamma(r, shape, mean / shape)
        case .pareto(let shape, let scale): return gsl_ran_pareto(r, shape, scale)
        case .weibull(let shape, let scale): return gsl_ran_weibull(r, scale, shape)
        }
    }

    /// Draws a time span, reading the value as seconds.
    @inlinable
    public func sampleDuration(_ stream: RandomStream) -> SimDuration {
        if case .constant(let v) = self { return SimDuration(seconds: v) }
        return SimDuration(seconds: sample(stream))
    }

    /// The mean, or nil where it is infinite (Pareto with shape ≤ 1).
    /// For `normal`, the mean before clamping at zero.
    public var mean: Double? {
        switch self {
        case .constant(let v): return v
        case .exponential(let m), .lognormal(let m, _), .erlang(_, let m), .gamma(_, let m), .normal(let m, _): return m
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .pareto(let a, let b): return a > 1 ? a * b / (a - 1) : nil
        case .weibull(let k, let l): return l * exp(lgamma(1 + 1 / k))
        }
    }

    /// The second raw moment E[X²], or nil where it is infinite. Pollaczek–Khinchine needs it.
    public var secondMoment: Double? {
        switch self {
        case .constant(let v): return v * v
        case .exponential(let m): return 2 * m * m
        case .uniform(let lo, let hi): return (lo * lo + lo * hi + hi * hi) / 3
        case .normal(let m, let sd): return m * m + sd * sd
        case .lognormal(let m, let cv): return m * m * (1 + cv * cv)
        case .erlang(let k, let m): return m * m * (1 + 1 / Double(k))
        case .gamma(let k, let m): return m * m * (1 + 1 / k)
        case .pareto(let a, let b): return a > 2 ? a * b * b / (a - 2) : nil
        case .weibull(let k, let l): return l * l * exp(lgamma(1 + 2 / k))
        }
    }

    /// The form a scenario file uses, with values in base units.
    public var description: String {
        switch self {
        case .constant(let v): return "constant(\(v))"
        case .exponential(let m): return "exponential(\(m))"
        case .uniform(let lo, let hi): return "uniform(\(lo), \(hi))"
        case .normal(let m, let sd): return "normal(\(m), \(sd))"
        case .lognormal(let m, let cv): return "lognormal(\(m), \(cv))"
        case .erlang(let k, let m): return "erlang(\(k), \(m))"
        case .gamma(let k, let m): return "gamma(\(k), \(m))"
        case .pareto(let a, let b): return "pareto(\(a), \(b))"
        case .weibull(let k, let l): return "weibull(\(k), \(l))"
        }
    }
}
