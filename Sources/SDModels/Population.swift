import SDEngine
#if canImport(Glibc)
import Glibc
#endif

/// `population:` — traffic described by the people who cause it rather than by request rates.
///
/// A population of `users` (monthly active), of whom a fraction `dailyActive` use the product on a
/// given day, each doing every ``ActivityConfig`` at its own per-user rate. Each activity becomes a
/// workload whose arrivals form a non-homogeneous Poisson process: the average rate
/// users × daily-active × per-user rate, modulated by a daily (and weekly) cycle (``CyclicRate``).
/// Users are keys 1...users; no per-user state is kept, so memory does not grow with `users`.
public struct PopulationConfig: Sendable, Equatable {
    /// Monthly active users: user ids are 1...users.
    public var users: UInt64
    /// Fraction of `users` active on a given day (0 < x ≤ 1).
    public var dailyActive: Double
    /// Peak-to-mean ratio of the daily cycle (1: flat; at most 2, where the trough is 0).
    public var dailyCycle: Double
    /// Peak-to-mean ratio of the weekly cycle (1: flat; at most 2).
    public var weeklyCycle: Double
    /// Hour of the day (0–24) at which the daily cycle peaks.
    public var peakHour: Double
    /// Hour of the day that simulated time 0 corresponds to (default: ``peakHour``, so that a short
    /// run simulates the busiest minutes of the day). Day 0 is the busiest day of the week.
    public var startHour: Double
    /// What users do, in declaration order.
    public var activities: [ActivityConfig]
    /// How many followers each user has.
    public var followers: FollowerLaw
    /// Users 1...celebrities are celebrities with ``celebrityFollowers`` followers.
    public var celebrities: Int
    /// The range (low, high) a celebrity's follower count is drawn from, uniformly; each bound is
    /// capped at users − 1.
    public var celebrityFollowers: (low: Double, high: Double)

    public static func == (a: PopulationConfig, b: PopulationConfig) -> Bool {
        a.users == b.users && a.dailyActive == b.dailyActive && a.dailyCycle == b.dailyCycle && a.weeklyCycle == b.weeklyCycle
            && a.peakHour == b.peakHour && a.startHour == b.startHour && a.activities == b.activities
            && a.followers == b.followers && a.celebrities == b.celebrities
            && a.celebrityFollowers.low == b.celebrityFollowers.low && a.celebrityFollowers.high == b.celebrityFollowers.high
    }

    /// A population.
    public init(users: UInt64, dailyActive: Double = 1, dailyCycle: Double = 1, weeklyCycle: Double = 1,
                peakHour: Double = 20, startHour: Double? = nil, activities: [ActivityConfig],
                followers: FollowerLaw = FollowerLaw(exponent: 2.3), celebrities: Int = 0,
                celebrityFollowers: (low: Double, high: Double) = (10e6, 50e6)) {
        self.users = users; self.dailyActive = dailyActive; self.dailyCycle = dailyCycle; self.weeklyCycle = weeklyCycle
        self.peakHour = peakHour; self.startHour = startHour ?? peakHour; self.activities = activities
        self.followers = followers; self.celebrities = celebrities; self.celebrityFollowers = celebrityFollowers
    }

    /// Users active on a given day.
    public var dailyActiveUsers: Double { Double(users) * dailyActive }

    /// The average arrivals per second of `activity` over a day (or a week).
    public func meanRate(of activity: ActivityConfig) -> Double { dailyActiveUsers * activity.perUserPerDay / 86_400 }

    /// The arrival process of `activity`.
    public func arrival(of activity: ActivityConfig) -> CyclicRate {
        CyclicRate(mean: meanRate(of: activity), dailyCycle: dailyCycle, weeklyCycle: weeklyCycle,
                   peakHour: peakHour, startHour: startHour)
    }

    /// The workloads the activities compile to: one per activity, named after its type, with
    /// uniform keys over the users (the acting user's id).
    public var workloads: [WorkloadConfig] {
        activities.map { a in
            WorkloadConfig(name: a.type, arrival: .cyclic(arrival(of: a)),
                           mix: [RequestClass(type: a.type, share: 1, route: a.route, size: a.size, isWrite: a.isWrite,
                                              payloads: a.payloads, copies: a.copies)],
                           keys: .uniform(n: users))
        }
    }
}

/// One thing users do (`activities:` entry): a request type with a per-user rate.
public struct ActivityConfig: Sendable, Equatable {
    /// The request type (`upload`, `feed-read`, …); also the workload's name.
    public var type: String
    /// Times per daily-active user per day (a rate written per month is divided by 30, per week
    /// by 7, per year by 365).
    public var perUserPerDay: Double
    /// The rate as written in the file (`2/month`), for the arithmetic `sdsim estimate` shows.
    public var perUserText: String
    /// Payload size in bytes (nil: none).
    public var size: Distribution?
    /// Extra stored copies of each payload in bytes (thumbnails, resized versions), for storage estimates.
    public var copies: [Double]
    /// Component group names visited in order.
    public var route: [String]
    /// Whether it changes data (defaults from the type's name, as for request classes).
    public var isWrite: Bool
    /// What it carries to particular components instead of `size` (``RequestClass/payloads``).
    public var payloads: [HopPayload] = []

    /// An activity.
    public init(type: String, perUserPerDay: Double, perUserText: String? = nil, size: Distribution? = nil,
                copies: [Double] = [], route: [String], isWrite: Bool? = nil, payloads: [HopPayload] = []) {
        self.type = type; self.perUserPerDay = perUserPerDay; self.perUserText = perUserText ?? "\(perUserPerDay)/day"
        self.size = size; self.copies = copies; self.route = route; self.payloads = payloads
        self.isWrite = isWrite ?? RequestClass.writeTypes.contains(type)
    }
}

/// A rate that follows a sinusoidal day and week around its mean:
///
///     λ(t) = λ̄ · (1 + a·cos(2π(h(t) − peakHour)/24)) · (1 + b·cos(2π·d(t)/7))
///
/// where h(t) = startHour + t/3600 is the hour since midnight of day 0 and d(t) = h(t)/24 − peakHour/24
/// the days since the weekly peak; a = dailyCycle − 1 and b = weeklyCycle − 1, so that the peak of
/// each factor over its mean is the ratio given. The two cosines have different periods, so the
/// mean over a week is λ̄ exactly; over one day it is λ̄ up to the weekly factor of that day.
public struct CyclicRate: Sendable, Equatable {
    /// λ̄, arrivals per second on average.
    public var mean: Double
    /// Peak-to-mean ratio of the daily factor (1...2).
    public var dailyCycle: Double
    /// Peak-to-mean ratio of the weekly factor (1...2).
    public var weeklyCycle: Double
    /// Hour of the daily peak.
    public var peakHour: Double
    /// Hour of day 0 at simulated time 0.
    public var startHour: Double

    /// A cyclic rate.
    public init(mean: Double, dailyCycle: Double = 1, weeklyCycle: Double = 1, peakHour: Double = 20, startHour: Double? = nil) {
        self.mean = mean; self.dailyCycle = dailyCycle; self.weeklyCycle = weeklyCycle
        self.peakHour = peakHour; self.startHour = startHour ?? peakHour
    }

    /// The highest rate reached: λ̄ · dailyCycle · weeklyCycle (the bound used for thinning).
    public var peak: Double { mean * dailyCycle * weeklyCycle }

    /// λ(t) at `seconds` of simulated time.
    @inlinable
    public func rate(at seconds: Double) -> Double {
        let hoursFromPeak = startHour - peakHour + seconds / 3600
        var r = mean
        if dailyCycle != 1 { r *= 1 + (dailyCycle - 1) * cos(2 * Double.pi * hoursFromPeak / 24) }
        if weeklyCycle != 1 { r *= 1 + (weeklyCycle - 1) * cos(2 * Double.pi * hoursFromPeak / (24 * 7)) }
        return r
    }

    /// The expected number of arrivals in [from, to) seconds, by numerical integration (Simpson, 1-minute steps at most).
    public func expectedArrivals(from: Double, to: Double) -> Double {
        guard to > from else { return 0 }
        let n = max(2, Int(((to - from) / 60).rounded(.up)) * 2)
        let h = (to - from) / Double(n)
        var s = rate(at: from) + rate(at: to)
        for i in 1..<n { s += rate(at: from + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return s * h / 3
    }

    /// The gap from `now` (seconds) to the next arrival, by thinning (Lewis–Shedler): candidates
    /// come from a Poisson process at the ``peak`` rate, and one at time t is kept with probability
    /// λ(t) / peak. Draws one exponential and one uniform per candidate.
    public func nextGap(after now: Double, _ stream: RandomStream) -> Double {
        let bound = peak
        if dailyCycle == 1 && weeklyCycle == 1 { return -log(stream.uniformPositive()) / bound }
        var t = now
        while true {
            t += -log(stream.uniformPositive()) / bound
            if stream.uniform() * bound < rate(at: t) { return t - now }
        }
    }
}

/// Follower counts: a discrete power law (Pareto tail) with minimum 1.
///
/// Convention: `exponent` is α of the density, p(x) ∝ x^(−α) for x ≥ 1, so the tail (the fraction
/// of users with more than x followers) is P(X > x) = x^(−(α−1)). A count is ⌊x⌋ of a continuous
/// draw x = u^(−1/(α−1)) (inverse CDF; with a `max`, the Pareto truncated at max), so
/// P(count ≥ k) = P(X ≥ k) = k^(−(α−1)) for whole k ≥ 1.
public struct FollowerLaw: Sendable, Equatable {
    /// α, the density exponent (> 1; the mean is finite for α > 2).
    public var exponent: Double
    /// Largest count (nil: none).
    public var max: Double?

    /// A power law.
    public init(exponent: Double, max: Double? = nil) { self.exponent = exponent; self.max = max }

    /// The continuous draw for a uniform u in (0, 1].
    @inlinable
    public func quantile(_ u: Double) -> Double {
        let k = exponent - 1
        if let m = max, m > 1 {
            let tail = pow(m, -k)
            return pow(1 - (1 - u) * (1 - tail), -1 / k)   // u = 1 ↦ 1, u → 0 ↦ max
        }
        return pow(u, -1 / k)
    }

    /// P(X ≥ x) for x ≥ 1, the fraction of (non-celebrity) users with at least x followers.
    public func tail(_ x: Double) -> Double {
        guard x > 1 else { return 1 }
        let k = exponent - 1
        if let m = max {
            guard x <= m else { return 0 }
            let tm = pow(m, -k)
            return (pow(x, -k) - tm) / (1 - tm)
        }
        return pow(x, -k)
    }

    /// E[X · 1{X ≥ t}] of the continuous law, for t ≥ 1 (the followers of accounts at or above t,
    /// per user). Infinite (nil) for α ≤ 2 without a max.
    public func partialMean(above t: Double) -> Double? {
        let a = exponent, k = a - 1, lo = Swift.max(t, 1)
        // ∫ x · k·x^(−α) dx = k/(2−α) · x^(2−α)
        if let m = max {
            guard lo < m else { return 0 }
            let norm = 1 - pow(m, -k)
            if abs(a - 2) < 1e-12 { return k * (log(m) - log(lo)) / norm }
            return k / (2 - a) * (pow(m, 2 - a) - pow(lo, 2 - a)) / norm
        }
        guard a > 2 else { return nil }
        return k / (a - 2) * pow(lo, 2 - a)
    }

    /// The mean follower count of the continuous law (nil when infinite).
    public var mean: Double? { partialMean(above: 1) }
}

/// The follower graph, implicit: each user's follower count is a pure function of the seed and the
/// user id (SplitMix64), drawn when asked for, never stored.
public struct FollowerGraph: Sendable, Equatable {
    /// The seed the draws derive from.
    public let seed: UInt64
    /// Users 1...users.
    public let users: UInt64
    /// The law of ordinary users.
    public let law: FollowerLaw
    /// Users 1...celebrities are celebrities.
    public let celebrities: Int
    /// The range a celebrity's count is drawn from (capped at users − 1).
    public let celebrityRange: (low: Double, high: Double)

    public static func == (a: FollowerGraph, b: FollowerGraph) -> Bool {
        a.seed == b.seed && a.users == b.users && a.law == b.law && a.celebrities == b.celebrities
            && a.celebrityRange.low == b.celebrityRange.low && a.celebrityRange.high == b.celebrityRange.high
    }

    /// The graph of `population` under `seed`.
    public init(population p: PopulationConfig, seed: UInt64) {
        self.seed = RandomStream.derive(seed: seed, name: "population#followers")
        users = p.users; law = p.followers; celebrities = p.celebrities
        let cap = Double(max(p.users, 2) - 1)
        celebrityRange = (min(p.celebrityFollowers.low, cap), min(p.celebrityFollowers.high, cap))
    }

    /// A uniform in (0, 1] for `userId`, from SplitMix64 of the seed and the id.
    @inlinable
    public func uniform(_ userId: UInt64) -> Double {
        let z = RandomStream.splitMix64(seed ^ RandomStream.splitMix64(userId))
        return Double((z >> 11) + 1) * 0x1p-53
    }

    /// Whether `userId` is one of the celebrities.
    public func isCelebrity(_ userId: UInt64) -> Bool { userId >= 1 && userId <= UInt64(celebrities) }

    /// The number of followers of `userId` (1...users): a celebrity's is uniform in
    /// ``celebrityRange``, anyone else's ⌊x⌋ of the power law, capped at users − 1.
    @inlinable
    public func followers(of userId: UInt64) -> UInt64 {
        let u = uniform(userId)
        if userId >= 1 && userId <= UInt64(celebrities) {
            return UInt64(celebrityRange.low + (1 - u) * (celebrityRange.high - celebrityRange.low))
        }
        let x = law.quantile(u)
        let cap = Double(max(users, 2) - 1)
        return UInt64(min(x.rounded(.down), cap))
    }

    /// The expected number of accounts with at least `threshold` followers that one reader follows,
    /// on average: their followers summed, divided by the users (each follow is one edge). Used by
    /// fan-out on read (threshold 1: everyone) and the hybrid strategy (pull from big accounts).
    public func followedAccounts(atLeast threshold: Double) -> Double {
        let ordinary = law.partialMean(above: max(threshold, 1)) ?? Double(users)
        let celebs = Double(celebrities) * (celebrityRange.low + celebrityRange.high) / 2
        let celebrityEdges = celebrityRange.high >= threshold ? celebs : 0
        let n = Double(users)
        return (ordinary * (n - Double(celebrities)) + celebrityEdges) / n
    }
}

/// What a run with a `population:` reports about it: how read-heavy the traffic was.
public struct PopulationSummary: Sendable, Equatable {
    /// Monthly active users.
    public var users: UInt64
    /// Users active on a given day.
    public var dailyActiveUsers: Double
    /// Measured requests of read classes, of every workload.
    public var reads: Int
    /// Measured requests of write classes, of every workload.
    public var writes: Int
    /// reads / writes as the workloads' average rates promise (nil without writes).
    public var readToWriteTheory: Double?

    /// A summary.
    public init(users: UInt64, dailyActiveUsers: Double, reads: Int, writes: Int, readToWriteTheory: Double?) {
        self.users = users; self.dailyActiveUsers = dailyActiveUsers; self.reads = reads; self.writes = writes
        self.readToWriteTheory = readToWriteTheory
    }

    /// reads / writes as measured (nil without writes).
    public var readToWrite: Double? { writes > 0 ? Double(reads) / Double(writes) : nil }

    /// The summary of `config`'s population over `workloads` (nil without a population).
    public static func make(_ config: ModelConfig, workloads: [WorkloadResult]) -> PopulationSummary? {
        guard let p = config.population else { return nil }
        var writeTypes = Set<String>(), readTypes = Set<String>()
        var readRate = 0.0, writeRate = 0.0
        for w in config.workloads {
            let total = w.mix.reduce(0) { $0 + $1.share }
            for c in w.mix {
                if c.isWrite { writeTypes.insert(c.type) } else { readTypes.insert(c.type) }
                let rate = (w.arrival.ratePerSecond ?? 0) * c.share / total
                if c.isWrite { writeRate += rate } else { readRate += rate }
            }
        }
        var reads = 0, writes = 0
        for w in workloads {
            for (type, n) in w.arrivedByType {
                if writeTypes.contains(type) { writes += n } else { reads += n }
            }
        }
        return PopulationSummary(users: p.users, dailyActiveUsers: p.dailyActiveUsers, reads: reads, writes: writes,
                                 readToWriteTheory: writeRate > 0 ? readRate / writeRate : nil)
    }
}
