/// Which key (object, URL, user) a request asks for, over keys 1...N.
///
/// Key popularity drives cache hit ratios and shard hot spots: under `zipf` a handful of keys
/// take most requests, under `uniform` every key is equally likely (the worst case for a cache).
public enum KeyDistribution: Sendable, Equatable, CustomStringConvertible {
    /// Zipf over keys 1...n: P(k) ∝ k^(−exponent). Exponent 0 is uniform, ~0.6–1.2 is typical of web caches.
    case zipf(n: UInt64, exponent: Double)
    /// Every key in 1...n equally likely.
    case uniform(n: UInt64)

    /// N, the number of distinct keys.
    public var keyCount: UInt64 {
        switch self {
        case .zipf(let n, _), .uniform(let n): return n
        }
    }

    /// The form a scenario file uses: `zipf(100000, 1.0)` or `uniform(100000)`.
    public var description: String {
        switch self {
        case .zipf(let n, let s): return "zipf(\(n), \(s))"
        case .uniform(let n): return "uniform(\(n))"
        }
    }

    /// A sampler for this distribution (for `zipf` with N ≤ 10⁷ this computes H(N, s) in O(N) once).
    public func makeSampler() -> KeySampler { KeySampler(self) }
}

/// Draws keys from a `KeyDistribution` in O(1) per key and gives exact key probabilities.
///
/// Build it once per component (building a Zipf sampler sums the harmonic number) and draw from
/// the component's own `RandomStream`.
public struct KeySampler: Sendable, Equatable {
    /// The distribution this sampler draws from.
    public let distribution: KeyDistribution

    @usableFromInline enum Kind: Sendable, Equatable {
        case zipf(ZipfSampler)
        case uniform(UInt64)
    }

    @usableFromInline let kind: Kind

    /// A sampler for `distribution`. N must be at least 1.
    public init(_ distribution: KeyDistribution) {
        self.distribution = distribution
        switch distribution {
        case .zipf(let n, let s): kind = .zipf(ZipfSampler(n: n, exponent: s))
        case .uniform(let n):
            precondition(n >= 1, "a key distribution needs at least one key")
            kind = .uniform(n)
        }
    }

    /// N, the number of distinct keys.
    public var keyCount: UInt64 { distribution.keyCount }

    /// Draws one key in 1...N.
    @inlinable
    public func next(_ stream: RandomStream) -> UInt64 {
        switch kind {
        case .zipf(let z): return z.sample(stream)
        case .uniform(let n): return 1 &+ KeySampler.uniformIndex(below: n, stream)
        }
    }

    /// The exact probability of key `k` (0 outside 1...N).
    public func probability(of k: UInt64) -> Double {
        switch kind {
        case .zipf(let z): return z.probability(of: k)
        case .uniform(let n): return k >= 1 && k <= n ? 1 / Double(n) : 0
        }
    }

    /// An unbiased uniform integer in 0..<n for any n ≥ 1, including n > 2³².
    ///
    /// Up to 2³² − 1 this is `stream.index(below:)` (GSL's unbiased integer draw, one 32-bit
    /// output). Above, two 32-bit outputs form a 64-bit word x, and Lemire's multiply-shift maps
    /// it to ⌊x·n / 2⁶⁴⌋; words whose low product half is below 2⁶⁴ mod n are rejected so that
    /// every result has exactly ⌊2⁶⁴ / n⌋ preimages (no modulo bias). Rejection is rare: at most
    /// n / 2⁶⁴ of draws.
    @inlinable
    static func uniformIndex(below n: UInt64, _ stream: RandomStream) -> UInt64 {
        if n <= 0xffff_ffff { return UInt64(stream.index(below: Int(n))) }
        let threshold = (0 &- n) % n  // 2⁶⁴ mod n
        while true {
            // MT19937's uniform() is an integer j / 2³², so j is recovered exactly.
            let high = UInt64(stream.uniform() * 0x1p32)
            let low = UInt64(stream.uniform() * 0x1p32)
            let x = high << 32 | low
            let product = n.multipliedFullWidth(by: x)
            if product.low >= threshold { return product.high }
        }
    }
}
