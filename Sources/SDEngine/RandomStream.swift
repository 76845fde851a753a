import CGSL

/// An independent random stream for one component, backed by a GSL Mersenne Twister.
///
/// Each stream's seed is derived from the scenario seed and the component's name, so adding
/// a component to a scenario does not shift the draws of any other component.
/// Never use Swift's global `random(in:)` in a model: one extra draw anywhere would change every result.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The name the stream was derived from, for diagnostics.
    public let name: String
    /// The 64-bit seed derived from the scenario seed and `name`.
    public let derivedSeed: UInt64

    /// A stream for `name` under the scenario seed `seed`.
    public init(seed: UInt64, name: String) {
        sdsim_gsl_disable_abort()
        self.name = name
        self.derivedSeed = RandomStream.derive(seed: seed, name: name)
        rng = gsl_rng_alloc(sdsim_rng_mt19937())
        // MT19937 takes a 32-bit seed; fold the 64-bit derivation into it.
        gsl_rng_set(rng, UInt((derivedSeed ^ (derivedSeed >> 32)) & 0xffff_ffff))
    }

    deinit { gsl_rng_free(rng) }

    /// FNV-1a over the name's UTF-8 bytes, mixed with the seed through SplitMix64's finalizer.
    /// Stable across platforms and Swift versions (unlike `Hasher`, which is seeded per process).
    public static func derive(seed: UInt64, name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return splitMix64(seed &+ 0x9e37_79b9_7f4a_7c15 &* h)
    }

    /// SplitMix64's output function: a bijective 64-bit mixer.
    public static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform draw in (0, 1): never exactly zero, safe for logarithms.
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// A uniform integer in `0 ..< n` (n ≥ 1), without modulo bias.
    @inlinable public func index(below n: Int) -> Int {
        precondition(n >= 1)
        if n == 1 { return 0 }
        if n <= 0xffff_ffff { return Int(gsl_rng_uniform_int(rng, UInt(n))) }
        return min(n - 1, Int(uniform() * Double(n)))
    }

    /// True with probability `p`.
    @inlinable public func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Exposes the GSL generator to distribution code.
    @inlinable var gsl: UnsafeMutablePointer<gsl_rng> { rng }
}
