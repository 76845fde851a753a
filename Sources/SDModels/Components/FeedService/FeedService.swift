import SDEngine
import SDMetrics
#if canImport(Glibc)
import Glibc
import SDConfig
#endif

/// The running feed service: a station whose service time depends on the request.
///
/// A write (a post, keyed by its author) costs `service` plus, when the author is pushed,
/// `per-follower` × the author's follower count (``FollowerGraph/followers(of:)``): one job does
/// the whole fan-out, not one event per follower. A read (keyed by the reader) costs `service` plus
/// `per-followee` × the accounts it pulls: all it follows under fan-out on read, only the big
/// accounts it follows under hybrid (a Poisson count with mean
/// ``FollowerGraph/followedAccounts(atLeast:)``), none under fan-out on write.
///
/// Eventual consistency, made visible: for each pushed post, the delay until one follower's feed
/// shows it is the time from the upload (the request's ``RequestRecord/origin``) to the start of
/// the fan-out, plus the fan-out time up to that follower's place in the batch order, drawn
/// uniformly. A pulled post is visible at the next read (delay 0).
public final class FeedService: Station {
    private let config: FeedServiceConfig
    private let fanStream: RandomStream
    private var graph: FollowerGraph?
    private var meanFollowing = 0.0
    private var pulledPerRead = 0.0
    private let windowStartNs: Int64
    /// The feed cache's instances (`feed-cache:`): one, or each replica of a replicated group.
    private var caches: [KeyedCache] = []

    /// Feed writes done by fan-out on write in the window (followers reached).
    public private(set) var feedWrites = 0.0
    /// Followed accounts read at read time in the window.
    public private(set) var pulls = 0.0
    /// Posts pushed to followers, and posts left to be pulled, in the window.
    public private(set) var pushedPosts = 0, pulledPosts = 0
    /// Feed reads served in the window.
    public private(set) var reads = 0
    /// Seconds of fan-out work (writes and reads) in the window.
    public private(set) var fanOutWork = 0.0
    /// Delay from an upload until a (random) follower's feed shows it.
    public private(set) var visibility = LatencyRecorder()

    /// A feed service.
    public init(name: String, group: String, model: Model, config: FeedServiceConfig) {
        self.config = config
        fanStream = model.stream(for: name + "#fan-out")
        windowStartNs = model.warmupEnd.ns
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() {
        caches = config.feedCache.map { model.nodes(named: $0).compactMap { $0 as? KeyedCache } } ?? []
        graph = model.followerGraph
        guard let graph else { return }
        meanFollowing = config.following?.mean ?? graph.followedAccounts(atLeast: 1)
        pulledPerRead = graph.followedAccounts(atLeast: config.celebrityThreshold.nextUp)
    }

    public override var kindName: String { "feed-service" }

    /// Whether an author with `followers` followers is pushed.
    func pushes(followers: UInt64) -> Bool {
        switch config.strategy {
        case .fanOutOnWrite: return true
        case .fanOutOnRead: return false
        case .hybrid: return Double(followers) <= config.celebrityThreshold
        }
    }

    public override func beginService(_ request: Int32) -> SimDuration {
        var seconds = service.sample(stream)
        let r = requests.records + Int(request)   // no copy of the record (its frames would be retained)
        let isWrite = r.pointee.isWrite, key = r.pointee.key, origin = r.pointee.origin
        let now = sim.now.ns
        let inWindow = now >= windowStartNs
        if isWrite {
            let followers = graph.map { $0.followers(of: key) } ?? 0
            let pushed = pushes(followers: followers)
            if let graph {
                // Each replica holds its own share of the feeds, so each touches its own entries.
                for cache in caches { touchCachedFeeds(cache, followers: followers, users: graph.users, pushed: pushed, measured: inWindow) }
            }
            if pushed {
                let work = Double(followers) * config.perFollower
                seconds += work
                if inWindow {
                    pushedPosts += 1
                    feedWrites += Double(followers)
                    fanOutWork += work
                }
                if origin >= windowStartNs {
                    let reach = fanStream.uniform() * work
                    visibility.record(SimDuration(ns: now - origin) + SimDuration(seconds: reach))
                }
            } else {
                if inWindow { pulledPosts += 1 }
                if origin >= windowStartNs { visibility.record(.zero) }
            }
        } else {
            let count: Double
            switch config.strategy {
            case .fanOutOnWrite: count = 0
            case .fanOutOnRead: count = (config.following?.sample(fanStream) ?? meanFollowing).rounded()
            case .hybrid: count = Double(poisson(pulledPerRead))
            }
            let work = count * config.perFollowee
            seconds += work
            if inWindow {
                reads += 1
                pulls += count
                fanOutWork += work
            }
        }
        if seconds <= 0 { return .zero }
        return SimDuration(seconds: seconds)
    }

    /// A post by an author with `followers` followers touches the cached feeds of those followers:
    /// with a follower graph drawn at random, each of the cache's entries belongs to a follower with
    /// probability followers ÷ users, so a Binomial(entries, that) count of entries drawn at random
    /// are updated in place (`pushed`) or invalidated (pulled: the cached feed lacks the post).
    private func touchCachedFeeds(_ cache: KeyedCache, followers: UInt64, users: UInt64, pushed: Bool, measured: Bool) {
        let entries = cache.store.count
        guard entries > 0, followers > 0, users > 1 else { return }
        let p = min(1, Double(followers) / Double(users - 1))
        let m = Double(entries) * p
        let k: Int
        if p < 0.05 && m <= 50 {
            k = poisson(m)
        } else {
            k = max(0, min(entries, Int((m + (m * (1 - p)).squareRoot() * gaussian()).rounded())))
        }
        cache.touchRandomEntries(k, invalidate: !pushed, stream: fanStream, measured: measured)
    }

    /// A Poisson draw with mean `m` (inversion for small means, a rounded normal for large ones).
    private func poisson(_ m: Double) -> Int {
        guard m > 0 else { return 0 }
        if m > 50 { return Int(min(max(0, (m + m.squareRoot() * gaussian()).rounded()), 1e15)) }
        var k = 0, p = exp(-m), s = p
        let u = fanStream.uniform()
        while u > s && k < 10_000 { k += 1; p *= m / Double(k); s += p }
        return k
    }

    private func gaussian() -> Double {
        let u1 = fanStream.uniformPositive(), u2 = fanStream.uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        r.extra = [
            ("posts_pushed", Double(pushedPosts)),
            ("posts_pulled", Double(pulledPosts)),
            ("feed_writes", feedWrites),
            ("feed_reads", Double(reads)),
            ("followees_pulled", pulls),
            ("fan_out_work_s", fanOutWork),
            ("visibility_p50", visibility.tally.count > 0 ? visibility.percentile(50) : 0),
            ("visibility_p99", visibility.tally.count > 0 ? visibility.percentile(99) : 0),
            ("visibility_max", visibility.tally.count > 0 ? visibility.tally.max : 0),
        ]
        return r
    }
}
