import CGSL
@testable import SDEngine
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zipf sampling and key distributions against exact theory.
///
/// Every statistical check uses a fixed seed, so it passes or fails deterministically; the
/// thresholds are chosen so that a correct sampler would fail a given check with probability
/// about 10⁻³ (chi-square at the 0.999 quantile) or below 10⁻⁴ (4 standard deviations).
final class ZipfTests: XCTestCase {
    /// Counts of ranks 1...50 plus one tail bin (51...N) for `draws` keys; also checks the range.
    private func binnedCounts(_ z: ZipfSampler, draws: Int, stream: RandomStream, bins: Int = 50) -> [Double] {
        var counts = [Double](repeating: 0, count: bins + 1)
        var outOfRange = 0
        for _ in 0..<draws {
            let k = z.sample(stream)
            if k < 1 || k > z.n { outOfRange += 1; continue }
            counts[k <= UInt64(bins) ? Int(k) - 1 : bins] += 1
        }
        XCTAssertEqual(outOfRange, 0, "draws outside 1...\(z.n)")
        return counts
    }

    /// Pearson's statistic X² = Σ (Oᵢ − Eᵢ)² / Eᵢ with Eᵢ = draws · P(bin i) under `z`.
    private func chiSquare(_ counts: [Double], against z: ZipfSampler, draws: Int) -> (stat: Double, minExpected: Double) {
        let bins = counts.count - 1
        var expected = (1...bins).map { Double(draws) * z.probability(of: UInt64($0)) }
        expected.append(Double(draws) * (1 - z.cumulativeProbability(through: UInt64(bins))))
        var stat = 0.0
        for (o, e) in zip(counts, expected) { stat += (o - e) * (o - e) / e }
        return (stat, expected.min()!)
    }

    /// Goodness of fit for N = 1000 and s ∈ {0, 0.8, 1, 1.3}: 200,000 draws binned into ranks
    /// 1...50 and a tail bin 51...1000. Under H₀ (the sampler is exact) Pearson's X² over these
    /// 51 bins is asymptotically χ² with df = 51 − 1 = 50 (no parameter is estimated), valid
    /// since every expected count is ≥ 5. Reject when X² > χ²₀.₉₉₉(50) ≈ 86.7 (GSL's quantile).
    /// The same data tested against s = 0.95 must be rejected: the test has power.
    func testChiSquareGoodnessOfFit() {
        let draws = 200_000, bins = 50
        let df = Double(bins)  // (bins + tail) − 1
        let threshold = gsl_cdf_chisq_Pinv(0.999, df)
        XCTAssertEqual(threshold, 86.66, accuracy: 0.05)
        for s in [0.0, 0.8, 1.0, 1.3] {
            let z = ZipfSampler(n: 1000, exponent: s)
            let counts = binnedCounts(z, draws: draws, stream: RandomStream(seed: 2024, name: "zipf-\(s)"))
            let (stat, minExpected) = chiSquare(counts, against: z, draws: draws)
            XCTAssertGreaterThanOrEqual(minExpected, 5, "chi-square approximation needs expected counts ≥ 5")
            XCTAssertLessThan(stat, threshold, "s = \(s): X² = \(stat) over df = \(df)")
            if s == 1.0 {
                let wrong = chiSquare(counts, against: ZipfSampler(n: 1000, exponent: 0.95), draws: draws).stat
                XCTAssertGreaterThan(wrong, threshold, "the test cannot tell s = 1 from s = 0.95")
            }
        }
    }

    /// N = 10⁹, s = 1: O(1) construction and O(1) draws, no O(N) work anywhere.
    ///
    /// H(N, 1) = ln N + γ + 1/(2N) − 1/(12N²) + O(N⁻⁴) (the asymptotic expansion of harmonic numbers).
    /// The count of key 1 in K = 200,000 draws is Binomial(K, p₁) with p₁ = 1/H(N, 1) ≈ 0.0469, so its
    /// frequency lies within 4·√(p₁(1 − p₁)/K) ≈ 0.0019 of p₁ except with probability < 10⁻⁴.
    /// The same holds for the deep tail: P(key > 10⁶) = 1 − H(10⁶, 1)/H(N, 1) ≈ 0.324.
    func testLargeNKeyOneFrequencyIsFast() {
        let clock = ContinuousClock()
        let start = clock.now
        let n: UInt64 = 1_000_000_000
        let z = ZipfSampler(n: n, exponent: 1.0)
        let stream = RandomStream(seed: 7, name: "zipf-1e9")
        let draws = 200_000
        var ones = 0, beyondMillion = 0
        var outOfRange = 0
        for _ in 0..<draws {
            let k = z.sample(stream)
            if k == 1 { ones += 1 }
            if k > 1_000_000 { beyondMillion += 1 }
            if k < 1 || k > n { outOfRange += 1 }
        }
        let elapsed = clock.now - start
        XCTAssertLessThan(elapsed, .seconds(1), "N = 10⁹ must cost O(1) per draw; took \(elapsed)")
        XCTAssertEqual(outOfRange, 0)

        let eulerGamma = 0.577_215_664_901_532_860_6
        let nd = Double(n)
        XCTAssertEqual(z.harmonic, log(nd) + eulerGamma + 1 / (2 * nd) - 1 / (12 * nd * nd), accuracy: 1e-12)

        let p1 = z.probability(of: 1)
        XCTAssertEqual(p1, 1 / z.harmonic)
        let sd1 = (p1 * (1 - p1) / Double(draws)).squareRoot()
        XCTAssertEqual(Double(ones) / Double(draws), p1, accuracy: 4 * sd1, "frequency of key 1")

        let pTail = 1 - z.cumulativeProbability(through: 1_000_000)
        let sdTail = (pTail * (1 - pTail) / Double(draws)).squareRoot()
        XCTAssertEqual(Double(beyondMillion) / Double(draws), pTail, accuracy: 4 * sdTail, "mass beyond key 10⁶")
    }

    /// Same seed and stream name → the same keys; another name → other keys.
    func testDeterminism() {
        let z = ZipfSampler(n: 1_000_000, exponent: 0.9)
        let a = RandomStream(seed: 11, name: "cache-client")
        let b = RandomStream(seed: 11, name: "cache-client")
        let first = (0..<2000).map { _ in z.sample(a) }
        XCTAssertEqual((0..<2000).map { _ in z.sample(b) }, first)
        let c = RandomStream(seed: 11, name: "other-client")
        XCTAssertNotEqual((0..<2000).map { _ in z.sample(c) }, first)
        // A KeySampler over the same distribution draws exactly the same keys.
        let keys = KeySampler(.zipf(n: 1_000_000, exponent: 0.9))
        let d = RandomStream(seed: 11, name: "cache-client")
        XCTAssertEqual((0..<2000).map { _ in keys.next(d) }, first)
    }

    /// Euler–Maclaurin (used above 10⁷ keys) agrees with compensated exact summation to ~1e-14
    /// relative: its remainder after the B₆ term is O(s⁽⁷⁾·1000^(−s−7)), far below rounding.
    func testHarmonicEulerMaclaurinMatchesSummation() {
        for n: UInt64 in [1000, 12_345, 2_000_000] {
            for s in [0.3, 0.8, 0.999_999_99, 1.0, 1.000_000_01, 1.3, 2.5] {
                let exact = ZipfSampler.harmonicBySummation(n: n, exponent: s)
                let em = ZipfSampler.harmonicEulerMaclaurin(n: n, exponent: s)
                XCTAssertEqual(em, exact, accuracy: 1e-13 * exact, "n = \(n), s = \(s)")
            }
        }
        // s = 2: H(n, 2) → π²/6 with tail 1/n − 1/(2n²) + O(n⁻³).
        let n = 1e9
        XCTAssertEqual(ZipfSampler(n: UInt64(n), exponent: 2).harmonic, Double.pi * Double.pi / 6 - 1 / n + 1 / (2 * n * n),
                       accuracy: 1e-14)
        XCTAssertEqual(ZipfSampler(n: 10, exponent: 0).harmonic, 10)
    }

    /// The probabilities are a distribution over exactly 1...N, and the CDF ends at 1.
    func testProbabilitiesSumToOne() {
        for s in [0.0, 0.5, 1.0, 1.7] {
            let z = ZipfSampler(n: 1000, exponent: s)
            var total = 0.0
            for k: UInt64 in 1...1000 { total += z.probability(of: k) }
            XCTAssertEqual(total, 1, accuracy: 1e-12, "s = \(s)")
            XCTAssertEqual(z.probability(of: 0), 0)
            XCTAssertEqual(z.probability(of: 1001), 0)
            XCTAssertEqual(z.cumulativeProbability(through: 1000), 1)
            XCTAssertEqual(z.cumulativeProbability(through: 10), (1...10).reduce(0) { $0 + z.probability(of: $1) },
                           accuracy: 1e-14)
        }
    }

    /// Edge cases: one key; a steep exponent where key 1 dominates (P(1) = 1/H(1000, 5) ≈ 0.964,
    /// frequency within 4 binomial sd over 100,000 draws).
    func testEdgeCases() {
        let one = ZipfSampler(n: 1, exponent: 1)
        let s1 = RandomStream(seed: 1, name: "one")
        for _ in 0..<1000 { XCTAssertEqual(one.sample(s1), 1) }

        let steep = ZipfSampler(n: 1000, exponent: 5)
        let s2 = RandomStream(seed: 1, name: "steep")
        let draws = 100_000
        var ones = 0
        for _ in 0..<draws {
            let k = steep.sample(s2)
            XCTAssert(k >= 1 && k <= 1000)
            if k == 1 { ones += 1 }
        }
        let p = steep.probability(of: 1)
        XCTAssertEqual(Double(ones) / Double(draws), p, accuracy: 4 * (p * (1 - p) / Double(draws)).squareRoot())
    }

    /// Uniform keys over N = 10¹² + 7 > 2³² (the 64-bit Lemire path). The mean of K = 200,000
    /// draws has standard error √((N² − 1)/12 / K); it must lie within 4 of them of (N + 1)/2.
    /// Each half of the 64-bit word must matter: the residues k mod 16 pass a χ²(15) test at
    /// 0.999 (N mod 16 ≠ 0 skews them by < 10⁻¹¹, negligible), and about 1 − 2³²/N of the draws
    /// exceed 2³² (within 4 binomial sd).
    func testUniformKeysBeyond32Bits() {
        let n: UInt64 = 1_000_000_000_007
        let keys = KeySampler(.uniform(n: n))
        let stream = RandomStream(seed: 5, name: "uniform-keys")
        let draws = 200_000
        var sum = 0.0, lo = UInt64.max, hi: UInt64 = 0, above32 = 0
        var residues = [Double](repeating: 0, count: 16)
        for _ in 0..<draws {
            let k = keys.next(stream)
            sum += Double(k)
            lo = min(lo, k); hi = max(hi, k)
            if k > 1 << 32 { above32 += 1 }
            residues[Int(k % 16)] += 1
        }
        XCTAssertGreaterThanOrEqual(lo, 1)
        XCTAssertLessThanOrEqual(hi, n)
        let nd = Double(n)
        let se = ((nd * nd - 1) / 12 / Double(draws)).squareRoot()
        XCTAssertEqual(sum / Double(draws), (nd + 1) / 2, accuracy: 4 * se)

        let pAbove = 1 - 0x1p32 / nd
        XCTAssertEqual(Double(above32) / Double(draws), pAbove, accuracy: 4 * (pAbove * (1 - pAbove) / Double(draws)).squareRoot())

        let e = Double(draws) / 16
        let stat = residues.reduce(0) { $0 + ($1 - e) * ($1 - e) / e }
        XCTAssertLessThan(stat, gsl_cdf_chisq_Pinv(0.999, 15))

        XCTAssertEqual(keys.probability(of: 1), 1 / nd)
        XCTAssertEqual(keys.probability(of: n + 1), 0)
        XCTAssertEqual(keys.keyCount, n)
    }

    /// Small N goes through `index(below:)`; N = 2³² exactly and N = UInt64.max through the 64-bit path.
    func testUniformKeysRangeAtBoundaries() {
        for n: UInt64 in [1, 6, 0xffff_ffff, 1 << 32, UInt64.max] {
            let keys = KeySampler(.uniform(n: n))
            let stream = RandomStream(seed: 3, name: "bounds-\(n)")
            for _ in 0..<10_000 {
                let k = keys.next(stream)
                XCTAssert(k >= 1 && k <= n, "n = \(n): drew \(k)")
            }
        }
        // Six keys: each count is Binomial(60000, 1/6), sd ≈ 91.3.
        let die = KeySampler(.uniform(n: 6))
        let stream = RandomStream(seed: 3, name: "die")
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[Int(die.next(stream)) - 1] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 4 * 91.3) }
    }

    func testKeyDistributionDescription() {
        let z = KeyDistribution.zipf(n: 100_000, exponent: 1.0)
        XCTAssertEqual(z.description, "zipf(100000, 1.0)")
        XCTAssertEqual(KeyDistribution.uniform(n: 42).description, "uniform(42)")
        XCTAssertEqual(z.keyCount, 100_000)
        XCTAssertEqual(z.makeSampler().probability(of: 1), ZipfSampler(n: 100_000, exponent: 1).probability(of: 1))
    }
}
