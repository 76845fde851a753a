import SDEngine

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
