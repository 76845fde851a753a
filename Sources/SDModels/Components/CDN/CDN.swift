import SDEngine
import SDConfig

/// `kind: cdn`: an edge cache in front of an origin (an object store).
///
/// Every request costs one `service` time at the edge (a station of many workers). Then a read is
/// a lookup: with `hit-ratio` it hits with that probability; with `capacity` it hits when the edge
/// holds its key (a ``CacheStore`` with the given policy, TTL and `warm:` fill). A hit is answered
/// at the edge; a miss is fetched from `origin`, stored, and answered. A write (an upload, a
/// replaced object) goes to the origin and, once applied there, purges the key from the edge.
///
/// **Bytes.** A read served by the CDN delivers the bytes the request carries at its hop (its
/// `size`, or its `payload:` for the CDN). Of the bytes served, those of hits come from the edge,
/// those of misses from the origin: `bytes_served = bytes_from_edge + bytes_from_origin`, counted
/// for the lookups made in the measured window whose answers were delivered. The bytes from the
/// edge are the origin egress the CDN saves. With `price-per-gb` and the network's `egress-cost`
/// (the origin's price), the report also prices both designs for the window:
/// - without the CDN, every byte served leaves the origin: `bytes_served × egress-cost`;
/// - with it, the origin's egress is the misses (`bytes_from_origin × egress-cost`: the fills leave
///   the data center) and the CDN charges for everything it delivers (`bytes_served × price-per-gb`);
/// - `egress_saved_cost` is the difference (negative when the CDN costs more than it saves).
///
/// With links (`network: bandwidth:` …) the edge's deliveries to clients are not data-center
/// egress: ``Links`` counts them apart (`edge` in the network line), and counts the fills from
/// origin to edge as egress. An edge sends on many links at once (points of presence): its
/// transfers do not queue behind each other.
public final class CDN: Station {
    /// The configuration.
    public let config: CDNConfig
    /// The edge's contents (nil with a fixed hit ratio).
    public let store: CacheStore?
    private let hitRatio: Double
    private let hitStream: RandomStream
    /// Handler id of the origin.
    public private(set) var origin: Int32 = -1

    private var lookups = 0, hits = 0, writes = 0, purges = 0, evictions = 0, staleReads = 0
    private var bytesFromEdge = 0.0, bytesFromOrigin = 0.0

    /// Where a request is at the edge (its frame's `phase`; 0: arrived).
    enum Phase: UInt8 {
        case awaitingOrigin = 1, awaitingWrite
    }

    /// A CDN edge.
    public init(name: String, group: String, model: Model, config: CDNConfig) {
        self.config = config
        switch config.mode {
        case .hitRatio(let p):
            hitRatio = p
            store = nil
        case .keyed(let k):
            hitRatio = 0
            store = CacheStore(capacity: k.capacity, policy: k.policy, ttl: k.ttl,
                               stream: k.policy.isRandomized ? model.stream(for: name + "#evict") : nil,
                               entryOverhead: k.entryOverhead, redis: k.redis)
        }
        hitStream = model.stream(for: name + "#hit")
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() { origin = model.callTarget(config.origin) }

    public override func start() {
        super.start()
        if let store, case .keyed(let k) = config.mode, k.warm { warmFill(store, policy: k.policy) }
    }

    public override var kindName: String { "cdn" }
    public override var hitRatioResult: Double? { lookups > 0 ? Double(hits) / Double(lookups) : 0 }

    // MARK: Requests

    public override func serviceCompleted(_ request: Int32) {
        let now = sim.now.ns
        let measured = now >= model.warmupEnd.ns
        let r = requests.records + Int(request)
        if r.pointee.isWrite {
            if measured { writes += 1 }
            model.setPhase(request, CDN.Phase.awaitingWrite.rawValue)
            return model.call(request, target: origin, from: self)
        }
        if measured { lookups += 1 }
        var hit: Bool
        if let store {
            let key = r.pointee.key
            hit = false
            if key != 0, case .hit(let version) = store.lookup(key, now: now) {
                hit = true
                r.pointee.version = version
                r.pointee.hasVersion = true
                if measured && model.data.isStale(key, version: version) { staleReads += 1 }
            }
        } else {
            hit = hitStream.bernoulli(hitRatio)
        }
        if hit {
            if measured {
                hits += 1
                bytesFromEdge += r.pointee.size
            }
            return model.finish(request, at: self)
        }
        model.setPhase(request, CDN.Phase.awaitingOrigin.rawValue)
        model.setAux(request, measured ? 1 : 0)
        model.call(request, target: origin, from: self)
    }

    public override func reply(_ request: Int32) {
        let top = requests.top(request)
        guard top.phase == CDN.Phase.awaitingOrigin.rawValue || top.phase == CDN.Phase.awaitingWrite.rawValue else { return model.unwind(request, from: self) }
        model.setPhase(request, 0)
        let r = requests.records + Int(request)
        guard !r.pointee.failed else { return model.unwind(request, from: self) }
        let now = sim.now.ns
        let key = r.pointee.key
        if top.phase == CDN.Phase.awaitingWrite.rawValue {
            if let store, key != 0, store.invalidate(key), now >= model.warmupEnd.ns { purges += 1 }
            return model.finish(request, at: self)
        }
        if top.aux == 1 { bytesFromOrigin += r.pointee.size }
        if let store, key != 0 {
            if !r.pointee.hasVersion {
                r.pointee.version = model.data.version(of: key)
                r.pointee.hasVersion = true
            }
            store.store(key, version: r.pointee.version, size: r.pointee.size, now: now, dirty: false, access: false)
            if now >= model.warmupEnd.ns { evictions += store.removals.count }
        }
        model.finish(request, at: self)
    }

    /// A crashed edge loses what it cached.
    public override func crashed() {
        super.crashed()
        flush()
    }

    public override func flush() { store?.removeAll() }

    // MARK: Results

    /// The bytes and prices of the window (see the type's documentation).
    public struct Savings: Sendable, Equatable {
        /// Bytes delivered by the CDN: from the edge plus from the origin.
        public var served: Double
        /// Bytes of hits, delivered from the edge: the origin egress saved.
        public var fromEdge: Double
        /// Bytes of misses, fetched from the origin.
        public var fromOrigin: Double
        /// Cost without the CDN (every byte from the origin), with it (the origin's fills plus the
        /// CDN's price on every byte), and the difference; nil without both prices.
        public var costWithout: Double?, costWith: Double?, saved: Double?

        /// The figures for the given bytes at the origin's and the CDN's prices per GB.
        public init(fromEdge: Double, fromOrigin: Double, originPricePerGB: Double?, cdnPricePerGB: Double?) {
            self.fromEdge = fromEdge; self.fromOrigin = fromOrigin; served = fromEdge + fromOrigin
            if let o = originPricePerGB, let c = cdnPricePerGB {
                costWithout = served / 1e9 * o
                costWith = fromOrigin / 1e9 * o + served / 1e9 * c
                saved = costWithout! - costWith!
            }
        }
    }

    /// What the CDN saved in the measured window so far.
    public var savings: Savings {
        Savings(fromEdge: bytesFromEdge, fromOrigin: bytesFromOrigin, originPricePerGB: model.config.network.egressCostPerGB,
                cdnPricePerGB: config.pricePerGB)
    }

    /// The station's figures, with `extra` in this order: `hits`, `misses`, `writes`, `purges`
    /// (writes that removed a cached key), for a keyed edge `evictions`, `stale_reads` and
    /// `items_at_end`; then `bytes_served`, `bytes_from_edge`, `bytes_from_origin`,
    /// `egress_saved_bytes` (= `bytes_from_edge`), and with both prices `cost_without_cdn`,
    /// `cost_with_cdn`, `egress_saved_cost` (for the window) and `egress_saved_cost_per_month`
    /// (at the window's rate, 30 days).
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        let s = savings
        var extra: [(name: String, value: Double)] = [
            ("hits", Double(hits)), ("misses", Double(lookups - hits)), ("writes", Double(writes)), ("purges", Double(purges)),
        ]
        if let store {
            extra += [("evictions", Double(evictions)), ("stale_reads", Double(staleReads)), ("items_at_end", Double(store.count))]
        }
        extra += [("bytes_served", s.served), ("bytes_from_edge", s.fromEdge), ("bytes_from_origin", s.fromOrigin),
                  ("egress_saved_bytes", s.fromEdge)]
        if let without = s.costWithout, let with = s.costWith, let saved = s.saved {
            extra += [("cost_without_cdn", without), ("cost_with_cdn", with), ("egress_saved_cost", saved)]
            if window.seconds > 0 { extra.append(("egress_saved_cost_per_month", saved / window.seconds * 30 * 86_400)) }
        }
        r.extra = extra
        return r
    }
}
