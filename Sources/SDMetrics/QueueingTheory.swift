#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Closed-form results of queueing theory that sdsim is tested against, and that reports
/// can show next to measured figures. Rates are per second, times in seconds.
public enum QueueingTheory {
    /// Erlang's B formula: the probability that an arrival finds all `servers` busy and is lost,
    /// with offered load `a = λ/μ` and no waiting room (M/M/c/c). Computed by the stable recursion
    /// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
    public static func erlangB(servers c: Int, offeredLoad a: Double) -> Double {
        var b = 1.0
        if c == 0 { return b }
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        return b
    }

    /// Erlang's C formula: the probability that an arrival must wait in an M/M/c queue,
    /// C = B / (1 − ρ(1 − B)) with ρ = a/c < 1.
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        let b = erlangB(servers: c, offeredLoad: a)
        let rho = a / Double(c)
        return b / (1 - rho * (1 - b))
    }

    /// Mean waiting time in queue of M/M/c: Wq = C(c, a) / (cμ − λ).
    public static func mmcWait(lambda: Double, mu: Double, servers c: Int) -> Double {
        erlangC(servers: c, offeredLoad: lambda / mu) / (Double(c) * mu - lambda)
    }

    /// Mean time in system of M/M/c: W = Wq + 1/μ. With c = 1 this is 1/(μ − λ).
    public static func mmcResponse(lambda: Double, mu: Double, servers c: Int) -> Double {
        mmcWait(lambda: lambda, mu: mu, servers: c) + 1 / mu
    }

    /// Pollaczek–Khinchine mean wait of M/G/1: Wq = λ·E[S²] / (2(1 − ρ)), ρ = λ·E[S].
    public static func mg1Wait(lambda: Double, serviceMean: Double, serviceSecondMoment: Double) -> Double {
        lambda * serviceSecondMoment / (2 * (1 - lambda * serviceMean))
    }

    /// Stationary distribution of M/M/c/K, where K = c + waiting places is the most the station holds.
    /// p(n) ∝ aⁿ/n! for n ≤ c, and ∝ aᶜ/c! · ρ^(n−c) for c < n ≤ K.
    public static func mmckProbabilities(lambda: Double, mu: Double, servers c: Int, capacity k: Int) -> [Double] {
        precondition(k >= c && c >= 1)
        let a = lambda / mu, rho = a / Double(c)
        var p = [Double](repeating: 0, count: k + 1)
        p[0] = 1
        for n in 1...k { p[n] = p[n - 1] * (n <= c ? a / Double(n) : rho) }
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    /// Probability that an arrival to M/M/c/K is turned away: p(K) (PASTA).
    public static func mmckBlocking(lambda: Double, mu: Double, servers c: Int, capacity k: Int) -> Double {
        mmckProbabilities(lambda: lambda, mu: mu, servers: c, capacity: k)[k]
    }

    /// Mean time in system of the customers that M/M/c/K admits: W = L / (λ(1 − p(K))) (Little's law).
    public static func mmckResponse(lambda: Double, mu: Double, servers c: Int, capacity k: Int) -> Double {
        let p = mmckProbabilities(lambda: lambda, mu: mu, servers: c, capacity: k)
        let l = p.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        return l / (lambda * (1 - p[k]))
    }
}
