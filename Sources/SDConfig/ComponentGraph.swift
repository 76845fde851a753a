import SDEngine

/// One edge of the component graph: a component sends requests, messages or its own data on to
/// another group. Every analysis that follows requests through the architecture (load and
/// estimates, availability, the SPOF audit, warm caches) reads the graph from ``ComponentKind/edges``;
/// the scenario loader checks the same edges, with their places in the file, before the
/// configuration exists (`Schema` kind specs' `edges`, tested to agree with these).
public struct ComponentEdge: Sendable, Equatable {
    /// What travels along an edge, and whether the sender waits for it.
    public enum Role: Sendable, Equatable {
        /// A server's `calls`: every request goes on, one call after another, and waits for each.
        case call
        /// A load balancer's `targets`: each request goes to one replica of the group.
        case spread
        /// A cache's `on-miss`: the requests it cannot answer itself.
        case miss
        /// A CDN's `origin`: the reads it cannot answer from the edge, and every write.
        case origin
        /// A gateway's or bus's route for requests of one type.
        case route(type: String)
        /// A gateway's or bus's `default`: the types no route names.
        case fallback
        /// A queue's or polled table's `calls`: its consumers' work on each message, after the
        /// producer's request has been answered.
        case consume
        /// A queue's `dead-letter`: messages that exhausted their receives.
        case deadLetter
        /// A feed service's `feed-cache`: where it keeps the feeds it builds (its own keys).
        case feedCache

        /// Whether the request waits for the target: the target is in series with the sender
        /// for availability.
        public var waits: Bool {
            switch self {
            case .call, .spread, .miss, .origin, .route, .fallback: return true
            case .consume, .deadLetter, .feedCache: return false
            }
        }

        /// Whether the request's own work (its key, its bytes) arrives at the target, now or as a
        /// message later.
        public var carriesWork: Bool {
            switch self {
            case .call, .spread, .miss, .origin, .route, .fallback, .consume: return true
            case .deadLetter, .feedCache: return false
            }
        }

        /// The scenario key that declares it.
        public var key: String {
            switch self {
            case .call, .consume: return "calls"
            case .spread: return "targets"
            case .miss: return "on-miss"
            case .origin: return "origin"
            case .route: return "routes"
            case .fallback: return "default"
            case .deadLetter: return "dead-letter"
            case .feedCache: return "feed-cache"
            }
        }
    }

    /// The group it leads to.
    public var target: String
    /// What travels along it.
    public var role: Role

    /// An edge.
    public init(to target: String, _ role: Role) { self.target = target; self.role = role }

    /// The most components one `calls:` may name: a request's frame counts the calls made in one byte.
    public static let maxCalls = 99
}

extension ComponentKind {
    /// Every edge out of a component of this kind, in declaration order.
    public var edges: [ComponentEdge] {
        switch self {
        case .server(let s): return s.calls.map { ComponentEdge(to: $0, .call) }
        case .loadBalancer(let lb): return [ComponentEdge(to: lb.targets, .spread)]
        case .cache(let c): return c.onMiss.map { [ComponentEdge(to: $0, .miss)] } ?? []
        case .gateway(let r), .bus(let r):
            return r.routes.map { ComponentEdge(to: $0.target, .route(type: $0.type)) }
                + (r.fallback.map { [ComponentEdge(to: $0, .fallback)] } ?? [])
        case .queue(let q):
            return q.calls.map { ComponentEdge(to: $0, .consume) }
                + (q.deadLetterQueue.map { [ComponentEdge(to: $0, .deadLetter)] } ?? [])
        case .polledTable(let p): return p.calls.map { ComponentEdge(to: $0, .consume) }
        case .feedService(let f): return f.feedCache.map { [ComponentEdge(to: $0, .feedCache)] } ?? []
        case .cdn(let c): return [ComponentEdge(to: c.origin, .origin)]
        case .database, .objectStore, .kvStore, .dispatcher: return []
        }
    }

    /// The groups the work of a request goes on to (``ComponentEdge/Role/carriesWork``).
    public var downstream: [String] { edges.filter(\.role.carriesWork).map(\.target) }

    /// The groups a request waits for (``ComponentEdge/Role/waits``): in series for availability.
    public var dependencies: [String] { edges.filter(\.role.waits).map(\.target) }

    /// The edges a request of `type` follows on from this component: a router's route for its
    /// type (else its default), a balancer's group only when the route does not name it next
    /// (`onRoute`), and every other edge that carries its work.
    public func next(type: String?, onRoute: Bool) -> [ComponentEdge] {
        var routed = false
        return edges.filter { e in
            switch e.role {
            case .route(let t):
                guard t == type, !routed else { return false }
                routed = true
                return true
            case .fallback:
                // `edges` lists routes before the default.
                return !routed
            case .spread: return !onRoute
            default: return e.role.carriesWork
            }
        }
    }
}
