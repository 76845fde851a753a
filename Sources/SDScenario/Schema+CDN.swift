import SDEngine
import SDConfig
import Yams

/// What has been read of the keys only a CDN has.
struct CDNDraft {
    var workers: Int?
    var origin: Reference?
    var pricePerGB: Double?
}

/// The keys of `kind: cdn`: an edge cache in front of an origin. Like a cache it is simple
/// (`hit-ratio`) or keyed (`capacity`, `policy`, `ttl`, `warm`); exactly one of the two is required.
extension Schema {
    static let cdnWorkers = FieldSpec<ComponentDraft>(
        "workers", help: "Requests the edge serves at once; a CDN's capacity is rarely what limits it.", shape: .count(workers),
        default: "10000") { d, n, v in d.cdn.workers = v.count(n, key: "workers", range: workers) }
    static let cdnService = FieldSpec<ComponentDraft>(
        "service", help: "The edge's time to answer a hit, or to pass a miss on to the origin.",
        shape: .distribution(.duration), default: "0s") { d, n, v in d.service = v.distribution(n, key: "service", of: .duration) }
    static let origin = FieldSpec<ComponentDraft>(
        "origin", required: true, example: "origin: photos",
        help: "The component behind the edge (an object store): misses are fetched from it and writes pass through to it "
            + "(and purge the key from a keyed edge).",
        shape: .name) { d, n, v in d.cdn.origin = v.reference(n, key: "origin") }
    static let cdnPrice = FieldSpec<ComponentDraft>(
        "price-per-gb",
        help: "What the CDN charges per gigabyte (10⁹ bytes) it delivers (`0.02/GB`). With the network's `egress-cost` (the "
            + "origin's price) the report prices the window with and without the CDN: `cost_without_cdn` (every byte from the "
            + "origin), `cost_with_cdn` (the misses from the origin plus every byte at this price) and `egress_saved_cost`.",
        shape: .form("a price per gigabyte", example: "0.02/GB", pattern: SchemaPatterns.pricePerGB),
        default: "not priced") { d, n, v in d.cdn.pricePerGB = v.pricePerGB(n, key: "price-per-gb") }

    /// `kind: cdn`.
    static let cdnKind = ComponentKindSpec(
        name: "cdn", article: "a CDN", isLoadBalancer: false,
        fields: [kind, hitRatio, capacity, cachePolicy, ttl, warm, origin, cdnPrice, cdnWorkers, cdnService, queueLimitField,
                 replicasField],
        edges: { d in d.cdn.origin.map { [(key: "origin", ref: $0)] } ?? [] },
        build: { d in
            guard let origin = d.cdn.origin else { return nil }
            let mode: CacheMode
            if let capacity = d.capacity {
                var keyed = KeyedCacheConfig(capacity: capacity, policy: d.cachePolicy, ttl: d.ttl)
                keyed.warm = d.warm
                mode = .keyed(keyed)
            } else if let h = d.hitRatio {
                mode = .hitRatio(h)
            } else {
                return nil
            }
            return .cdn(CDNConfig(mode: mode, workers: d.cdn.workers ?? 10_000, service: d.service ?? .constant(0),
                                  queueLimit: d.queueLimit, origin: origin.name, pricePerGB: d.cdn.pricePerGB))
        },
        check: { d, mapping, v in
            v.checkCache(d, mapping)
            v.checkRedisCache(d, mapping)
        },
        help: """
        An edge cache in front of an origin (a CDN in front of an object store). Every request costs one `service` time at \
        the edge. A read hits with probability `hit-ratio`, or when the edge holds its key (`capacity`, with `policy`, `ttl` \
        and `warm` as for a keyed cache); a hit is answered at the edge, a miss is fetched from `origin`, stored and \
        answered. A write passes through to the origin and purges the key. The report shows the bytes served, from the \
        edge and from the origin (`bytes_served = bytes_from_edge + bytes_from_origin`), the origin egress saved, and with \
        `price-per-gb` and the network's `egress-cost` what both designs cost. With links, what the edge delivers is not \
        data-center egress; its fills from the origin are.
        """)
}
