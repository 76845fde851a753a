import SDEngine

extension ComponentKind {
    /// The groups this kind sends requests on to besides the route: a server's and a consumer's
    /// `calls`, a cache's `on-miss`, a CDN's `origin`, a load balancer's `targets`, a router's routes and fallback.
    public var downstream: [String] {
        switch self {
        case .server(let s): return s.calls
        case .loadBalancer(let lb): return [lb.targets]
        case .cache(let c): return c.onMiss.map { [$0] } ?? []
        case .gateway(let r), .bus(let r): return r.routes.map(\.target) + (r.fallback.map { [$0] } ?? [])
        case .queue(let q): return q.calls
        case .polledTable(let p): return p.calls
        case .cdn(let c): return [c.origin]
        default: return []
        }
    }
}

extension ModelConfig {
    /// The first request class, in declaration order, whose requests can reach group `name`
    /// (along its route and what each hop sends on) and that carries keys: its key distribution
    /// and the mean bytes it carries there (its `payload:` for `name`, else its `size`).
    /// A warm cache is filled from it.
    public func keyedTraffic(reaching name: String) -> (keys: KeyDistribution, size: Double)? {
        let byName = Dictionary(components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for w in workloads {
            guard let keys = w.keys else { continue }
            for c in w.mix {
                var seen = Set<String>()
                var stack = c.route
                while let g = stack.popLast() {
                    guard seen.insert(g).inserted, let comp = byName[g] else { continue }
                    if g == name {
                        let size = c.payloads.first { $0.component == name }?.size.mean ?? c.size?.mean ?? 0
                        return (keys, size)
                    }
                    stack += comp.kind.downstream
                }
            }
        }
        return nil
    }
}
