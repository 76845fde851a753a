#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hit ratios of caches under the independent reference model (IRM): requests for key k arrive
/// as a Poisson process of rate λ·p_k, independently of everything else. `probabilities` are the
/// p_k (summing to 1, in any order); capacities count entries.
public enum CacheTheory {
    /// Che's characteristic time T_C of an LRU cache holding `capacity` entries: the root of
    /// Σ_k (1 − e^{−p_k T}) = C, found by bisection (T is in units of requests: multiply by 1/λ for
    /// seconds). The left side is the expected number of distinct keys among T requests, increasing
    /// in T from 0 to N, so the root exists for 0 < C < N. Each step costs O(N).
    public static func cheCharacteristicTime(probabilities p: [Double], capacity c: Double) -> Double {
        cheCharacteristicTime(probabilities: p, counts: nil, capacity: c)
    }

    /// LRU's hit ratio by Che's approximation (Che, Tung & Wang, IEEE JSAC 2002):
    /// h = Σ_k p_k (1 − e^{−p_k T_C}). An entry stays cached for T_C requests after its last
    /// request, as if the cache were a TTL cache reset on every request.
    ///
    /// Accuracy: it becomes exact as N and C grow with C/N fixed (Fricker, Robert & Roberts,
    /// ITC 2012) and is known to be accurate within about 1% (relative) for Zipf popularity at
    /// realistic sizes; the error is largest for very small caches, where the characteristic time
    /// is not close to deterministic.
    public static func cheLRUHitRatio(probabilities p: [Double], capacity c: Double) -> Double {
        cheLRUHitRatio(probabilities: p, counts: nil, capacity: c)
    }

    /// Che's approximation over keys in groups: `counts[i]` keys each of probability `p[i]` (so
    /// Σ counts·p = 1). Popularity laws over 10⁸ keys and more reduce to a few thousand groups of
    /// keys of nearly equal probability; with `counts` nil every group is one key.
    public static func cheLRUHitRatio(probabilities p: [Double], counts: [Double]?, capacity c: Double) -> Double {
        let t = cheCharacteristicTime(probabilities: p, counts: counts, capacity: c)
        return weightedSum(p, counts) { -$0 * expm1(-$0 * t) }
    }

    /// T_C for keys in groups (see ``cheLRUHitRatio(probabilities:counts:capacity:)``).
    public static func cheCharacteristicTime(probabilities p: [Double], counts: [Double]?, capacity c: Double) -> Double {
        let keys = counts?.reduce(0, +) ?? Double(p.count)
        precondition(c > 0 && c < keys, "Che's approximation needs 0 < C < N")
        return Roots.increasing({ t in weightedSum(p, counts) { -expm1(-$0 * t) } }, reaches: c, start: c)
    }

    /// Σ_i counts[i] · f(p[i]) (counts nil: every count 1).
    private static func weightedSum(_ p: [Double], _ counts: [Double]?, _ f: (Double) -> Double) -> Double {
        guard let counts else { return p.reduce(0) { $0 + f($1) } }
        var s = 0.0
        for i in p.indices { s += counts[i] * f(p[i]) }
        return s
    }

    /// The same approximation for FIFO and RANDOM replacement, which have the same hit ratio under
    /// IRM (Gelenbe, 1973): an entry lives T requests after its insertion whatever happens to it,
    /// so h_k = p_k T / (1 + p_k T) with T solving Σ_k p_k T / (1 + p_k T) = C
    /// (Martina, Garetto & Leonardi, INFOCOM 2014). Accuracy is similar to Che's for LRU.
    public static func fifoHitRatio(probabilities p: [Double], capacity c: Double) -> Double {
        precondition(c > 0 && c < Double(p.count), "the approximation needs 0 < C < N")
        let t = Roots.increasing({ t in p.reduce(0) { $0 + $1 * t / (1 + $1 * t) } }, reaches: c, start: c)
        return p.reduce(0) { $0 + $1 * $1 * t / (1 + $1 * t) }
    }

    /// Exact hit ratio of an unbounded cache whose entries expire `ttl` seconds after they were
    /// stored, hits not extending them, at `rate` requests per second (Jung, Berger & Balakrishnan,
    /// "Modeling TTL-based Internet caches", INFOCOM 2003): each miss starts a window of length
    /// TTL whose requests, Poisson(λ p_k TTL) of them, all hit, so h_k = λp_k·TTL / (1 + λp_k·TTL).
    public static func ttlHitRatio(probabilities p: [Double], rate: Double, ttl: Double) -> Double {
        p.reduce(0) { sum, pk in
            let x = rate * pk * ttl
            return sum + pk * x / (1 + x)
        }
    }

    /// Exact hit ratio of an unbounded cache whose entries expire `ttl` seconds after the last
    /// request for them (every request, hit or miss, restarts the timer): a request hits when the
    /// previous one for its key came within TTL, so h_k = 1 − e^{−λ p_k TTL}. This is the TTL cache
    /// that Che's approximation likens LRU to; sdsim's `ttl:` is the other one (``ttlHitRatio(probabilities:rate:ttl:)``).
    public static func slidingTTLHitRatio(probabilities p: [Double], rate: Double, ttl: Double) -> Double {
        p.reduce(0) { $0 - $1 * expm1(-rate * $1 * ttl) }
    }
}
