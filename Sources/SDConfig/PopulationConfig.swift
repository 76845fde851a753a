import SDEngine
import Glibc

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
    /// The scenario's regions (``ModelConfig/regions``): each follows the daily cycle in its own time
    /// zone, so `peakHour` is local time and `startHour` UTC. Empty: one cycle.
    public var regions: [RegionConfig] = []

    public static func == (a: PopulationConfig, b: PopulationConfig) -> Bool {
        a.users == b.users && a.dailyActive == b.dailyActive && a.dailyCycle == b.dailyCycle && a.weeklyCycle == b.weeklyCycle
            && a.peakHour == b.peakHour && a.startHour == b.startHour && a.activities == b.activities
            && a.followers == b.followers && a.celebrities == b.celebrities
            && a.celebrityFollowers.low == b.celebrityFollowers.low && a.celebrityFollowers.high == b.celebrityFollowers.high
            && a.regions == b.regions
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

    /// The highest total rate over a week divided by the mean: dailyCycle × weeklyCycle in one
    /// time zone; lower when ``regions`` in several time zones add up shifted cycles (the maximum
    /// of their sum, found on a one-minute grid over a week).
    public var peakFactor: Double {
        guard regions.count > 1 else { return dailyCycle * weeklyCycle }
        var rate = CyclicRate(mean: 1, dailyCycle: dailyCycle, weeklyCycle: weeklyCycle, peakHour: peakHour, startHour: startHour)
        rate.regions = CyclicRate.shifts(of: regions)
        return stride(from: 0.0, to: 7 * 86_400, by: 60).reduce(0.0) { max($0, rate.rate(at: $1)) }
    }

    /// Users active on a given day.
    public var dailyActiveUsers: Double { Double(users) * dailyActive }

    /// The average arrivals per second of `activity` over a day (or a week).
    public func meanRate(of activity: ActivityConfig) -> Double { dailyActiveUsers * activity.perUserPerDay / 86_400 }

    /// The arrival process of `activity`.
    public func arrival(of activity: ActivityConfig) -> CyclicRate {
        var rate = CyclicRate(mean: meanRate(of: activity), dailyCycle: dailyCycle, weeklyCycle: weeklyCycle,
                              peakHour: peakHour, startHour: startHour)
        rate.regions = CyclicRate.shifts(of: regions)
        return rate
    }

    /// The workloads the activities compile to: one per activity, named after its type, with the
    /// activity's keys (by default uniform over the users: the acting user's id).
    public var workloads: [WorkloadConfig] {
        activities.map { a in
            WorkloadConfig(name: a.type, arrival: .cyclic(arrival(of: a)),
                           mix: [RequestClass(type: a.type, share: 1, route: a.route, size: a.size, isWrite: a.isWrite,
                                              payloads: a.payloads, copies: a.copies)],
                           keys: a.keys ?? .uniform(n: users), timeout: a.timeout, retry: a.retry)
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
    /// Which key each request reads or writes (nil: the acting user's id, uniform over the users).
    public var keys: KeyDistribution?
    /// How long the user's client waits for one attempt (nil: forever).
    public var timeout: SimDuration?
    /// What the user's client does after a failed attempt (nil: nothing).
    public var retry: RetryPolicy?

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
    /// Hour of day 0 at simulated time 0 (UTC when there are ``regions``).
    public var startHour: Double
    /// Regions in their time zones (empty: one cycle): the rate is the sum over regions of
    /// share × the cycle at the region's local time, so the busiest region moves around the globe.
    public var regions: [CycleShift] = []

    /// A cyclic rate.
    public init(mean: Double, dailyCycle: Double = 1, weeklyCycle: Double = 1, peakHour: Double = 20, startHour: Double? = nil) {
        self.mean = mean; self.dailyCycle = dailyCycle; self.weeklyCycle = weeklyCycle
        self.peakHour = peakHour; self.startHour = startHour ?? peakHour
    }

    /// The shifts of `regions`' time zones, their shares normalised to sum to 1.
    public static func shifts(of regions: [RegionConfig]) -> [CycleShift] {
        let total = regions.reduce(0) { $0 + $1.share }
        return regions.map { CycleShift(share: $0.share / total, hours: $0.utcOffsetHours) }
    }

    /// The bound used for thinning: λ̄ · dailyCycle · weeklyCycle, the highest rate reached by one
    /// cycle (with regions in several time zones the sum never reaches it).
    public var peak: Double { mean * dailyCycle * weeklyCycle }

    /// λ(t) at `seconds` of simulated time: with ``regions``, the sum of their shifted cycles.
    @inlinable
    public func rate(at seconds: Double) -> Double {
        if regions.isEmpty { return cycle(at: seconds) }
        var total = 0.0
        for r in regions { total += r.share * cycle(at: seconds + r.hours * 3600) }
        return total
    }

    /// The rate of region `region` (an index in ``regions``) at `seconds`.
    public func rate(ofRegion region: Int, at seconds: Double) -> Double {
        regions[region].share * cycle(at: seconds + regions[region].hours * 3600)
    }

    /// One unshifted cycle at `seconds`.
    @inlinable
    func cycle(at seconds: Double) -> Double {
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
    public func nextGap(after now: Double, _ stream: RandomStream) -> Double { nextArrival(after: now, stream).gap }

    /// The gap to the next arrival, as ``nextGap(after:_:)``, and with ``regions`` the index of the
    /// region it comes from (0 without). The region comes from the same uniform that keeps the
    /// candidate: region r when u·peak falls in its slice of the cumulative rates λ₁(t) + … + λ_r(t),
    /// so an arrival at t is from region r with probability λ_r(t)/λ(t) (the superposition of the
    /// regions' processes).
    public func nextArrival(after now: Double, _ stream: RandomStream) -> (gap: Double, region: Int) {
        let bound = peak
        if dailyCycle == 1 && weeklyCycle == 1 && regions.isEmpty { return (-log(stream.uniformPositive()) / bound, 0) }
        var t = now
        while true {
            t += -log(stream.uniformPositive()) / bound
            let u = stream.uniform() * bound
            if regions.isEmpty {
                if u < cycle(at: t) { return (t - now, 0) }
                continue
            }
            var cumulative = 0.0
            for r in regions.indices {
                cumulative += rate(ofRegion: r, at: t)
                if u < cumulative { return (t - now, r) }
            }
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
