#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zipf-distributed keys 1...n with P(k) = k^(−s) / H(n, s): a few keys are very popular and a
/// long tail is rarely asked for, which is how requests spread over cache keys, URLs or users.
///
/// Sampling is Hörmann & Derflinger's rejection-inversion ("Rejection-inversion to generate
/// variates from monotone discrete distributions", ACM TOMACS 6(3), 1996), in the form Apache
/// Commons RNG uses (`RejectionInversionZipfSampler`), which works for every exponent s ≥ 0,
/// s = 1 included. Intuition: the staircase k ↦ k^(−s) is covered by the smooth hat x ↦ x^(−s),
/// whose integral H can be inverted in closed form; a uniform point under the hat is inverted to
/// x, rounded to the key k, and kept unless it fell in the thin sliver between the hat and the
/// stair. The sliver is small, so the expected number of tries is close to 1 for every n and s:
/// O(1) time per draw and O(1) memory, even for n = 10⁹ keys.
///
/// Each try uses two `stream.uniform()` draws combined into one 53-bit uniform. The GSL
/// Mersenne Twister gives only 32-bit uniforms, which cannot tell apart neighbouring keys in the
/// tail once n is large (at n = 10⁹, s = 1 a 32-bit grid puts ~5 keys on each step); 53 bits keep
/// the draw exact up to double rounding for n up to 2⁵³. Keys beyond 2⁵³ are not representable
/// in a `Double` and come out with their low bits rounded.
public struct ZipfSampler: Sendable, Equatable {
    /// The number of keys; draws are in 1...n.
    public let n: UInt64
    /// The exponent s ≥ 0 (0 is uniform, 1 is the classical harmonic Zipf law).
    public let exponent: Double
    /// The generalized harmonic number H(n, s) = Σ_{k=1}^{n} k^(−s), the normalizing constant.
    public let harmonic: Double

    /// H(1.5) − h(1): the lower end of the uniform's range (key 1 is always accepted there).
    @usableFromInline let hIntegralX1: Double
    /// H(n + 1/2): the upper end of the uniform's range.
    @usableFromInline let hIntegralN: Double
    /// The squeeze constant 2 − H⁻¹(H(2.5) − h(2)): when k − x ≤ this, acceptance is certain.
    @usableFromInline let squeeze: Double

    /// Up to this n the harmonic number is summed term by term; above it Euler–Maclaurin is used.
    public static let exactSummationLimit: UInt64 = 10_000_000

    /// A sampler over keys 1...`n` (n ≥ 1) with exponent `exponent` (finite, ≥ 0).
    ///
    /// Building costs O(n) for n ≤ 10⁷ (the exact harmonic number, 0.1–0.2 s at 10⁷) and O(1) above.
    public init(n: UInt64, exponent: Double) {
        precondition(n >= 1, "Zipf needs at least one key")
        precondition(exponent >= 0 && exponent.isFinite, "Zipf exponent must be finite and ≥ 0, got \(exponent)")
        self.n = n
        self.exponent = exponent
        self.harmonic = ZipfSampler.harmonicNumber(n: n, exponent: exponent)
        hIntegralX1 = ZipfSampler.hIntegral(1.5, exponent) - 1
        hIntegralN = ZipfSampler.hIntegral(Double(n) + 0.5, exponent)
        squeeze = 2 - ZipfSampler.hIntegralInverse(ZipfSampler.hIntegral(2.5, exponent) - ZipfSampler.h(2, exponent), exponent)
    }

    /// Draws one key in 1...n from `stream`.
    @inlinable
    public func sample(_ stream: RandomStream) -> UInt64 {
        let s = exponent
        let top = Double(n)
        while true {
            // u is uniform in (hIntegralX1, hIntegralN]: the area under the hat from 1/2 to n + 1/2,
            // with the piece for key 1 replaced by exactly h(1) = 1.
            let u = hIntegralN + ZipfSampler.uniform53(stream) * (hIntegralX1 - hIntegralN)
            let x = ZipfSampler.hIntegralInverse(u, s)
            let y = x + 0.5
            // Clamp k to 1...n; rounding can push x a hair outside [1/2, n + 1/2] (and x = +∞ at
            // the clamp in hIntegralInverse). Written so that a NaN would also land inside.
            let k: UInt64 = !(y < top) ? n : (y < 2 ? 1 : UInt64(y))
            // Here P(k = m) ∝ H(m + 1/2) − H(m − 1/2) (∝ 1 for m = 1). Accepting with probability
            // h(m) / (H(m + 1/2) − H(m − 1/2)) — the right-hand test — leaves P(m) ∝ h(m) = m^(−s).
            // The left-hand test is Theorem 2's squeeze: it implies the right one and is cheaper.
            // For k = 1 the right test always holds (u > hIntegralX1 = H(1.5) − h(1)).
            let kd = Double(k)
            if kd - x <= squeeze || u >= ZipfSampler.hIntegral(kd + 0.5, s) - ZipfSampler.h(kd, s) {
                return k
            }
        }
    }

    /// The exact probability of key `k`: k^(−s) / H(n, s), or 0 outside 1...n.
    public func probability(of k: UInt64) -> Double {
        guard k >= 1 && k <= n else { return 0 }
        return ZipfSampler.h(Double(k), exponent) / harmonic
    }

    /// P(key ≤ k) = H(k, s) / H(n, s): the hit ratio of a cache that holds exactly the `k` most
    /// popular keys (the ideal static cache under the independent reference model).
    /// Costs O(min(k, 10⁷)).
    public func cumulativeProbability(through k: UInt64) -> Double {
        if k < 1 { return 0 }
        if k >= n { return 1 }
        return ZipfSampler.harmonicNumber(n: k, exponent: exponent) / harmonic
    }

    // MARK: - The hat function and its integral (Commons RNG's formulation)

    /// h(x) = x^(−s): the hat, equal to the probability weight at integer x.
    @usableFromInline @inline(__always)
    static func h(_ x: Double, _ s: Double) -> Double { exp(-s * log(x)) }

    /// H(x) = (x^(1−s) − 1) / (1 − s), an antiderivative of h with H(1) = 0; log x when s = 1.
    /// Written as helper2((1 − s) log x) · log x so it is continuous (and accurate) through s = 1.
    @usableFromInline @inline(__always)
    static func hIntegral(_ x: Double, _ s: Double) -> Double {
        let logX = log(x)
        return helper2((1 - s) * logX) * logX
    }

    /// H⁻¹(y) = (1 + y(1 − s))^(1/(1−s)) = exp(helper1(y(1 − s)) · y); exp(y) when s = 1.
    @usableFromInline @inline(__always)
    static func hIntegralInverse(_ y: Double, _ s: Double) -> Double {
        var t = y * (1 - s)
        // t > −1 in exact arithmetic for every y in the range of u (H(x)·(1 − s) = x^(1−s) − 1 > −1);
        // rounding can overshoot, and log1p(t < −1) would be NaN.
        if t < -1 { t = -1 }
        return exp(helper1(t) * y)
    }

    /// log1p(x) / x, with its Taylor series 1 − x/2 + x²/3 − x³/4 near 0 (the limit is 1).
    @usableFromInline @inline(__always)
    static func helper1(_ x: Double) -> Double {
        if abs(x) > 1e-8 { return log1p(x) / x }
        return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x))
    }

    /// expm1(x) / x, with its Taylor series 1 + x/2 + x²/6 + x³/24 near 0 (the limit is 1).
    @usableFromInline @inline(__always)
    static func helper2(_ x: Double) -> Double {
        if abs(x) > 1e-8 { return expm1(x) / x }
        return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x))
    }

    /// A uniform in [0, 1) on the 2⁻⁵³ grid, from two 32-bit `stream.uniform()` draws: the first
    /// gives the high 32 bits, the top 21 bits of the second the low ones. Every value is exact.
    @usableFromInline @inline(__always)
    static func uniform53(_ stream: RandomStream) -> Double {
        let high = stream.uniform()
        let low = (stream.uniform() * 0x1p21).rounded(.down)
        return high + low * 0x1p-53
    }

    // MARK: - Generalized harmonic numbers

    /// H(n, s) = Σ_{k=1}^{n} k^(−s): exact summation for n ≤ `exactSummationLimit`,
    /// Euler–Maclaurin above (accurate to double rounding either way).
    static func harmonicNumber(n: UInt64, exponent s: Double) -> Double {
        if s == 0 { return Double(n) }
        if n <= exactSummationLimit { return harmonicBySummation(n: n, exponent: s) }
        return harmonicEulerMaclaurin(n: n, exponent: s)
    }

    /// Σ_{k=from}^{n} k^(−s), adding the smallest terms first with Neumaier's compensation, so
    /// the rounding error stays a few ulps whatever n is.
    static func harmonicBySummation(n: UInt64, exponent s: Double, from first: UInt64 = 1) -> Double {
        guard n >= first else { return 0 }
        var sum = 0.0, compensation = 0.0
        var k = n
        while true {
            let term = s == 1 ? 1 / Double(k) : pow(Double(k), -s)
            let t = sum + term
            if abs(sum) >= abs(term) { compensation += (sum - t) + term } else { compensation += (term - t) + sum }
            sum = t
            if k == first { break }
            k -= 1
        }
        return sum + compensation
    }

    /// H(n, s) by Euler–Maclaurin: the first `head − 1` terms summed exactly, and for the rest
    ///
    ///   Σ_{k=m}^{n} f(k) = ∫_m^n f + (f(m) + f(n))/2 + Σ_{j=1}^{3} B_{2j}/(2j)! (f^{(2j−1)}(n) − f^{(2j−1)}(m)) + R
    ///
    /// with f(x) = x^(−s), B₂/2! = 1/12, B₄/4! = −1/720, B₆/6! = 1/30240. With m = 1000 the
    /// remainder is of order s(s+1)…(s+6)·m^(−s−7)/1209600, far below a double's resolution.
    /// ∫_m^n x^(−s) dx = m^(1−s) · L · helper2((1 − s)L) with L = log(n/m), exact through s = 1.
    static func harmonicEulerMaclaurin(n: UInt64, exponent s: Double, head: UInt64 = 1000) -> Double {
        if n < head { return harmonicBySummation(n: n, exponent: s) }
        let m = Double(head), nd = Double(n)
        let logRatio = log(nd / m)
        let integral = pow(m, 1 - s) * logRatio * helper2((1 - s) * logRatio)
        let ends = (pow(m, -s) + pow(nd, -s)) / 2
        // Odd derivatives: f'(x) = −s x^(−s−1), f'''(x) = −s(s+1)(s+2) x^(−s−3),
        // f⁽⁵⁾(x) = −s(s+1)(s+2)(s+3)(s+4) x^(−s−5).
        let c1 = -s, c3 = -s * (s + 1) * (s + 2), c5 = c3 * (s + 3) * (s + 4)
        let d1 = c1 * (pow(nd, -s - 1) - pow(m, -s - 1))
        let d3 = c3 * (pow(nd, -s - 3) - pow(m, -s - 3))
        let d5 = c5 * (pow(nd, -s - 5) - pow(m, -s - 5))
        let correction = d1 / 12 - d3 / 720 + d5 / 30240
        let tail = ((correction + ends) + integral)
        // Add the head from its smallest term up, starting from the tail.
        return tail + harmonicBySummation(n: head - 1, exponent: s)
    }
}
