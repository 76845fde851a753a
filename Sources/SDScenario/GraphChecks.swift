import SDConfig
import Yams

/// Checks that need all components at once: names, references, cycles and routes.
extension Validator {
    func checkGraph(components: [ComponentDraft], workloads: [WorkloadDraft]) {
        // Without components (already reported) every name would look unknown.
        guard !components.isEmpty else { return }
        var index: [String: Int] = [:]
        for (i, c) in components.enumerated() where index[c.name] == nil { index[c.name] = i }
        let names = components.map(\.name)

        func unknown(_ ref: Reference, _ place: String) {
            let hint = Suggestions.closest(to: ref.name, among: names).map { "; did you mean '\($0)'?" }
                ?? " (components: \(names.joined(separator: ", ")))"
            error("unknown component '\(ref.name)'\(place)\(hint)", at: ref.node)
        }

        // A replicated group `app` makes instances app-1 … app-N; no other name may be one of them.
        for c in components {
            guard let dash = c.name.lastIndex(of: "-") else { continue }
            let suffix = String(c.name[c.name.index(after: dash)...])
            guard let n = Int(suffix), n >= 1, String(n) == suffix, let g = index[String(c.name[..<dash])],
                  components[g].replicas > 1, components[g].replicas >= n else { continue }
            let group = components[g]
            error("component name '\(c.name)' collides with an instance of replicated group '\(group.name)' (replicas: \(group.replicas) makes \(group.name)-1 to \(group.name)-\(group.replicas)); choose another name",
                  at: c.keyNode)
        }

        // References between components: load-balancer targets and cache misses.
        var next: [[(to: Int, node: YAMLNode, key: String)]] = Array(repeating: [], count: components.count)
        for (i, c) in components.enumerated() {
            guard let spec = c.kind else { continue }
            for (key, ref) in spec.edges(c) {
                guard let j = index[ref.name] else {
                    unknown(ref, " in '\(key)' of '\(c.name)'")
                    continue
                }
                if j == i {
                    error("'\(key)' of '\(c.name)' names the component itself; it must name another component", at: ref.node)
                    continue
                }
                let target = components[j]
                if let kinds = spec.edgeTargetKinds.first(where: { $0.key == key })?.kinds,
                   let targetKind = target.kind, !kinds.contains(targetKind.name) {
                    let wanted = kinds.map { k in Schema.kinds.first { $0.name == k }?.article ?? k }
                    error("'\(key)' of '\(c.name)' must name \(listing(wanted)); '\(target.name)' is \(targetKind.article)",
                          at: ref.node)
                    continue
                }
                if spec.isLoadBalancer, target.kind?.isLoadBalancer == true {
                    error("load balancer '\(c.name)' cannot target load balancer '\(target.name)'; 'targets' must name the group it spreads requests over",
                          at: ref.node)
                    continue
                }
                if !spec.isLoadBalancer, target.replicas > 1, target.kind?.isLoadBalancer != true, !spec.replicatedEdgeKeys.contains(key) {
                    error("'\(key)' of '\(c.name)' names replicated group '\(target.name)' (\(target.replicas) replicas) directly; name a load balancer that targets '\(target.name)' instead",
                          at: ref.node)
                }
                next[i].append((j, ref.node, key))
            }
        }
        reportCycles(components: components, next: next)

        checkDatabases(components: components, workloads: workloads)
        checkDataModelTypes(components: components, workloads: workloads)

        for w in workloads {
            if let route = w.route { checkRoute(route, of: w, components: components, index: index, unknown: unknown) }
            for m in w.mix ?? [] {
                if let route = m.route { checkRoute(route, of: w, components: components, index: index, unknown: unknown) }
            }
        }
        checkKeyedCaches(components: components, workloads: workloads, index: index, next: next)
        checkPayloads(workloads: workloads, names: names, unknown: unknown)
    }

    /// A keyed cache looks up each request's key, and one limited in bytes weighs each entry by
    /// its request's size: every workload whose requests can reach such a cache (along routes,
    /// `calls`, `on-miss` and `targets`) must declare `keys`, and `size` where bytes count.
    private func checkKeyedCaches(components: [ComponentDraft], workloads: [WorkloadDraft], index: [String: Int],
                                  next: [[(to: Int, node: YAMLNode, key: String)]]) {
        let keyed = components.indices.filter { ["cache", "cdn"].contains(components[$0].kind?.name ?? "") && components[$0].capacityGiven }
        guard !keyed.isEmpty else { return }
        /// Components reachable from the hops of `route`, in index order.
        func reachable(_ route: [Reference]) -> [Bool] {
            var seen = [Bool](repeating: false, count: components.count)
            var stack = route.compactMap { index[$0.name] }
            while let i = stack.popLast() {
                guard !seen[i] else { continue }
                seen[i] = true
                stack += next[i].map(\.to)
            }
            return seen
        }
        for w in workloads {
            guard case .mapping(let mapping) = w.node else { continue }
            let wname = w.name.map { "'\($0)'" } ?? "at line \(w.node.mark?.line ?? 1)"
            // An activity of `population:` carries keys (its users) without a `keys:` key.
            let keysGiven = w.keys != nil || Validator.value(of: "keys", in: mapping) != nil
            let sizeGiven = w.size != nil || Validator.value(of: "size", in: mapping) != nil
            // Each request class: its route, its own node, whether it has a size, its type.
            var classes: [(route: [Reference], node: YAMLNode, sized: Bool, type: String?)] = []
            if let mix = w.mix {
                for m in mix {
                    guard let route = m.route ?? w.route, case .mapping(let entry) = m.node else { continue }
                    classes.append((route, m.node, sizeGiven || Validator.value(of: "size", in: entry) != nil, m.type))
                }
            } else if let route = w.route {
                classes.append((route, w.node, sizeGiven, nil))
            }
            var keysReported = false
            for c in classes {
                let seen = reachable(c.route)
                if !keysGiven, !keysReported, let cache = keyed.first(where: { seen[$0] }) {
                    keysReported = true
                    error("workload \(wname) sends requests to \(components[cache].kind?.name ?? "cache") '\(components[cache].name)', which holds keys (it has a 'capacity'), but declares no 'keys'; add e.g. 'keys: zipf(100k, 1.0)'",
                          at: w.node)
                }
                if !c.sized, let cache = keyed.first(where: { seen[$0] && isBytes(components[$0].capacity) }) {
                    let who = c.type.map { "requests of type '\($0)' of workload \(wname)" } ?? "requests of workload \(wname)"
                    error("\(who) reach \(components[cache].kind?.name ?? "cache") '\(components[cache].name)', whose capacity is in bytes, but have no 'size'; add e.g. 'size: constant(4KB)'",
                          at: c.node)
                }
            }
        }
    }

    private func isBytes(_ capacity: CacheCapacity?) -> Bool {
        if case .bytes? = capacity { return true }
        return false
    }

    /// Reports every cycle of references once, starting at its earliest-declared component.
    /// (An iterative depth-first search, so long chains cannot exhaust the stack.)
    private func reportCycles(components: [ComponentDraft], next: [[(to: Int, node: YAMLNode, key: String)]]) {
        enum State { case new, onPath, done }
        var state = [State](repeating: .new, count: components.count)
        var reported: [[Int]] = []
        for root in components.indices where state[root] == .new {
            // Each frame: a component on the current path and the index of its next edge to follow.
            var stack: [(node: Int, edge: Int)] = [(root, 0)]
            state[root] = .onPath
            while let top = stack.last {
                guard top.edge < next[top.node].count else {
                    state[top.node] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].edge += 1
                let to = next[top.node][top.edge].to
                switch state[to] {
                case .new:
                    state[to] = .onPath
                    stack.append((to, 0))
                case .onPath:
                    guard let from = stack.lastIndex(where: { $0.node == to }) else { continue }
                    var cycle = stack[from...].map(\.node)
                    let start = cycle.indices.min { cycle[$0] < cycle[$1] } ?? 0
                    cycle = Array(cycle[start...] + cycle[..<start])
                    guard !reported.contains(cycle) else { continue }
                    reported.append(cycle)
                    let names = (cycle + [cycle[0]]).map { components[$0].name }.joined(separator: " -> ")
                    let second = cycle.count > 1 ? cycle[1] : cycle[0]
                    let node = next[cycle[0]].first { $0.to == second }?.node ?? next[top.node][top.edge].node
                    let edgeKeys = cycle.indices.compactMap { k in
                        next[cycle[k]].first { $0.to == cycle[(k + 1) % cycle.count] }?.key
                    }
                    if edgeKeys.contains("dead-letter") {
                        error("cycle: \(names); 'dead-letter' and 'calls' must not lead back to a queue, or a message could go round forever",
                              at: node)
                    } else {
                        error("cycle: \(names); 'targets', 'on-miss' and 'calls' must not lead back to a component, or a request could go round forever",
                              at: node)
                    }
                case .done:
                    break
                }
            }
        }
    }

    /// Checks one route: names exist, load balancers are followed by their target group, and
    /// replicated groups are reached through a load balancer.
    private func checkRoute(_ route: [Reference], of w: WorkloadDraft, components: [ComponentDraft],
                            index: [String: Int], unknown: (Reference, String) -> Void) {
        let wname = w.name.map { "'\($0)'" } ?? "at line \(w.node.mark?.line ?? 1)"
        /// The group a load balancer sends to, if its 'targets' is valid (otherwise already reported).
        func target(of lb: ComponentDraft) -> ComponentDraft? {
            guard let t = lb.targets, t.name != lb.name, let j = index[t.name],
                  components[j].kind?.isLoadBalancer != true else { return nil }
            return components[j]
        }
        var previous: ComponentDraft?
        var keysReported = false
        for (position, ref) in route.enumerated() {
            defer { previous = index[ref.name].map { components[$0] } }
            guard let i = index[ref.name] else {
                unknown(ref, " in route of workload \(wname)")
                continue
            }
            let c = components[i]
            if let lb = previous, lb.kind?.isLoadBalancer == true {
                // A balancer with a broken 'targets' is reported where it is defined.
                guard let t = target(of: lb) else { continue }
                if t.name != c.name {
                    error("after load balancer '\(lb.name)' the route must continue with its target '\(t.name)' (found '\(c.name)')",
                          at: ref.node)
                    continue
                }
            } else if c.replicas > 1 && c.kind?.isLoadBalancer != true {
                let balancer = components.first { $0.kind?.isLoadBalancer == true && target(of: $0)?.name == c.name }
                let fix = balancer.map { "put load balancer '\($0.name)' before it in the route" }
                    ?? "add a component with 'kind: load-balancer' and 'targets: \(c.name)' and route through it"
                error("route of workload \(wname) goes directly to replicated group '\(c.name)' (\(c.replicas) replicas); \(fix)",
                      at: ref.node)
            }
            if c.kind?.isLoadBalancer == true, c.policy.usesKey, w.keys == nil, !keysReported {
                keysReported = true
                error("load balancer '\(c.name)' routes by key (policy '\(c.policy.rawValue)'), but workload \(wname) declares no 'keys'; add e.g. 'keys: zipf(100k, 1.0)'",
                      at: ref.node)
            }
            if c.kind?.isLoadBalancer == true, position == route.count - 1 {
                let what = target(of: c).map { "its target '\($0.name)'" } ?? "its target group"
                error("a route cannot end at load balancer '\(c.name)'; follow it with \(what)", at: ref.node)
            }
        }
    }
}
