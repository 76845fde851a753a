import SDEngine
#if canImport(Glibc)
import Glibc
import SDConfig
#endif

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
