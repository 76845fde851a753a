import SDEngine

/// `kind: cdn`: an edge cache in front of an origin (an object store). A request it can answer
/// from the edge (a hit) never reaches the origin, and its bytes never leave the data center.
///
/// Hits are decided as a cache decides them (``CacheMode``): a fixed fraction (`hit-ratio:`), or
/// the keys it holds (`capacity:`, with a policy, a TTL and `warm:`). The edge is a station of
/// many workers (a CDN's capacity is rarely what limits it); `service` is its time to answer.
public struct CDNConfig: Sendable, Equatable {
    /// How hits are decided: a fixed ratio or real keys.
    public var mode: CacheMode
    /// Requests the edge serves at once (default 10,000: effectively unlimited).
    public var workers: Int
    /// Time the edge takes to answer (a hit) or to pass a miss on, in seconds.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited.
    public var queueLimit: Int?
    /// The group that serves misses and receives writes (the object store).
    public var origin: String
    /// What the CDN charges per gigabyte (10⁹ bytes) it delivers (nil: not priced). The origin's
    /// price is the network's `egress-cost`.
    public var pricePerGB: Double?

    /// A CDN edge.
    public init(mode: CacheMode, workers: Int = 10_000, service: Distribution = .constant(0), queueLimit: Int? = nil,
                origin: String, pricePerGB: Double? = nil) {
        self.mode = mode; self.workers = workers; self.service = service; self.queueLimit = queueLimit
        self.origin = origin; self.pricePerGB = pricePerGB
    }
}
