import SDEngine
import Glibc

/// How a feed service builds users' news feeds.
public enum FeedStrategy: String, Sendable, Equatable, CaseIterable {
    /// Push: a new post is written into every follower's feed when it is made (costly for authors
    /// with many followers, cheap reads).
    case fanOutOnWrite = "fan-out-on-write"
    /// Pull: a feed is assembled at read time from the posts of every followed account (cheap
    /// writes, costly reads, nothing to wait for).
    case fanOutOnRead = "fan-out-on-read"
    /// Push for authors with at most `celebrity-threshold` followers, pull for the others.
    case hybrid
}

/// `kind: feed-service`: builds news feeds for a ``PopulationConfig`` (it reads the follower graph).
public struct FeedServiceConfig: Sendable, Equatable {
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Base service time of every request, in seconds.
    public var service: Distribution
    /// Waiting places; nil is unlimited.
    public var queueLimit: Int?
    /// Push, pull or both.
    public var strategy: FeedStrategy
    /// For `hybrid`: authors with more followers than this are pulled at read time, not pushed.
    public var celebrityThreshold: Double
    /// Work per follower's feed written when a post is pushed, in seconds (batched writes amortised).
    public var perFollower: Double
    /// Work per followed account read when a feed is assembled at read time, in seconds.
    public var perFollowee: Double
    /// How many accounts a reader follows (drawn per read) for fan-out on read; nil: the mean
    /// follower count of the population (every follow is one edge, so the means agree).
    public var following: Distribution?
    /// A keyed cache of feeds (keyed by reader) that posts update or invalidate (nil: none).
    public var feedCache: String?

    /// A feed service.
    public init(workers: Int = 1, service: Distribution = .constant(0), queueLimit: Int? = nil,
                strategy: FeedStrategy = .fanOutOnWrite, celebrityThreshold: Double = 100_000,
                perFollower: Double = 50e-6, perFollowee: Double = 200e-6, following: Distribution? = nil) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit; self.strategy = strategy
        self.celebrityThreshold = celebrityThreshold; self.perFollower = perFollower; self.perFollowee = perFollowee
        self.following = following
    }
}
