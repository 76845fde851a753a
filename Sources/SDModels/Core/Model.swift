import SDEngine
import SDMetrics
import SDConfig

/// A running model: the simulation, the component instances, the requests in flight and the
/// network between them. It moves requests between nodes; nodes decide what to do with them.
///
/// A request carries a call stack of frames (client at the bottom). Moving forward pushes the
/// next hop; when the route is done, the response unwinds the stack hop by hop, each hop paying
/// the network's latency, back to the client.
public final class Model {
    /// The engine.
    public let sim = Simulation()
    /// Requests in flight.
    public let requests = RequestTable()
    /// The latest committed version of every key written, for stale-read accounting.
    public let data = DataVersions()
    /// The configuration being run.
    public let config: ModelConfig
    /// The seed of this run (the configuration's, or a replication's).
    public let seed: UInt64
    /// End of the warm-up.
    public let warmupEnd: SimTime
    /// All nodes, indexed by handler id.
    public private(set) var nodes: [Node] = []
    /// Clients, one per workload, in declaration order.
    public private(set) var clients: [Client] = []
    /// Instances of each component group, in declaration order (same order as `config.components`).
    public private(set) var groups: [[Node]] = []
    private var routes: [[Int32]] = []
    /// The virtual address of each group (a replicated load balancer's), in declaration order.
    public private(set) var addresses: [VirtualAddress?] = []
    private let latency: Distribution?
    private let localLatency: Distribution?
    /// Whether the scenario injects failures; when false the per-hop checks are skipped.
    public private(set) var failuresEnabled = false
    private var latencyStreams: [RandomStream] = []
    /// Machine instances, in order of first use.
    public private(set) var machines: [Machine] = []
    /// The failure injector and the scaler, when the scenario has failures or scale events.
    private var parts: [ModelPart] = []
    /// The follower graph of the scenario's population (nil without `population:`), derived from this run's seed.
    public let followerGraph: FollowerGraph?
    /// What each request type carries to each component group (`payload:`, `copies:`).
    let payloads: PayloadTable
    /// `payloads.active`, kept here so the per-hop test reads a flag, not another object.
    private let payloadsActive: Bool
    /// Whether any load balancer is replicated behind a virtual address; when false the per-hop
    /// address resolution is skipped.
    private var anyVirtualAddress = false
    /// The links between components and to clients, when the network has a bandwidth (nil: hops cost latency only).
    public private(set) var links: Links?
    /// The component group (index in ``groups``) of each node, by handler id; −1 for clients and helpers.
    private(set) var nodeGroup: [Int32] = []
    /// The autoscalers (`autoscale:`), if any.
    private(set) var autoscaler: Autoscaler?

    /// Builds the model for `config`, with `seed` overriding the configuration's seed.
    /// The configuration must be valid (the scenario loader checks it); violations are preconditions.
    public init(config: ModelConfig, seed: UInt64? = nil) {
        self.config = config
        self.seed = seed ?? config.seed
        self.warmupEnd = SimTime(ns: config.warmup.ns)
        self.followerGraph = config.population.map { FollowerGraph(population: $0, seed: seed ?? config.seed) }
        func nonZero(_ d: Distribution?) -> Distribution? {
            if case .constant(let v)? = d, v == 0 { return nil }
            return d
        }
        latency = nonZero(config.network.latency)
        localLatency = nonZero(config.network.localLatency)
        payloads = PayloadTable(config: config, stream: RandomStream(seed: seed ?? config.seed, name: "payloads"))
        payloadsActive = payloads.active
        build()
        if Links.wanted(config.network) {
            links = Links(network: config.network, isClient: nodes.map { $0 is Client }, isEdge: edgeNodes(), warmupEnd: warmupEnd.ns)
        }
    }

    /// The nodes outside the data center: CDN edges, and load balancers whose every target is an
    /// edge (DNS or anycast steering users to points of presence, not a hop in the data center):
    /// what they pass to clients is the edges' delivery, not egress, and it queues on no data-center link.
    private func edgeNodes() -> [Bool] {
        var edge = nodes.map { $0 is CDN }
        for (i, node) in nodes.enumerated() {
            if let lb = node as? LoadBalancer, !lb.targets.isEmpty, lb.targets.allSatisfy({ edge[Int($0)] }) { edge[i] = true }
        }
        return edge
    }

    /// The length of one slice of the series over time: ``Client/seriesSlices`` slices cover the
    /// measured window (the last may be shorter).
    public var seriesSlice: SimDuration {
        SimDuration(ns: max(1, (config.duration.ns - warmupEnd.ns + Int64(Client.seriesSlices) - 1) / Int64(Client.seriesSlices)))
    }

    /// A random stream for `name`, derived from this run's seed.
    public func stream(for name: String) -> RandomStream { RandomStream(seed: seed, name: name) }

    private func register(_ node: Node, group: Int = -1) {
        node.id = sim.register(node)
        nodes.append(node)
        latencyStreams.append(stream(for: node.name + "#net"))
        nodeGroup.append(Int32(group))
    }

    private func build() {
        for (g, c) in config.components.enumerated() {
            var instances: [Node] = []
            for (index, name) in c.instanceNames.enumerated() {
                let node = c.kind.makeNode(name: name, group: c.name, model: self)
                register(node, group: g)
                if let machineName = c.machineInstance(replica: index), let type = config.machines.first(where: { $0.name == c.machine }) {
                    place(node, on: machineName, type: type)
                }
                instances.append(node)
            }
            groups.append(instances)
            var address: VirtualAddress?
            if case .loadBalancer(let lb) = c.kind, c.replicas > 1 {
                let vip = VirtualAddress(group: c.name, redundancy: lb.redundancy, model: self)
                register(vip)
                anyVirtualAddress = true
                for node in instances { node.address = vip }
                address = vip
            }
            addresses.append(address)
        }
        // Every node exists now: let each resolve the components it sends to.
        for group in groups { for node in group { node.wire() } }
        for case let vip? in addresses { vip.wire() }
        if !config.failures.isEmpty || !config.randomFailures.isEmpty {
            failuresEnabled = true
            parts.append(FailureInjector(model: self))
        }
        if !config.scaling.isEmpty { parts.append(Scaler(model: self)) }
        if !config.autoscaling.isEmpty {
            let a = Autoscaler(model: self)
            parts.append(a)
            autoscaler = a
        }
        let types = config.requestTypes
        for (w, workload) in config.workloads.enumerated() {
            var classRoutes: [Int32] = []
            for requestClass in workload.mix {
                let route: [Int32] = requestClass.route.map { singleInstance(of: $0) ?? -1 }
                precondition(route.first.map { $0 >= 0 } ?? false, "a route must start at a single instance")
                classRoutes.append(Int32(routes.count))
                routes.append(route)
            }
            let client = Client(workload: Int32(w), config: workload, classRoutes: classRoutes,
                                classTypes: workload.mix.map { Int32(types.firstIndex(of: $0.type)!) },
                                typeCount: types.count, model: self)
            register(client)
            clients.append(client)
        }
        // Machines, the failure injector and the scaler take handler ids after every node, so
        // that a node's id stays its index in `nodes`.
        for machine in machines { machine.id = sim.register(machine) }
        for part in parts { part.id = sim.register(part) }
    }

    /// Puts `node` on the machine instance `name` (made on first use).
    private func place(_ node: Node, on name: String, type: MachineConfig) {
        let index: Int
        if let i = machines.firstIndex(where: { $0.name == name }) {
            index = i
        } else {
            machines.append(Machine(name: name, config: type, model: self))
            index = machines.count - 1
        }
        node.machineIndex = Int32(index)
        machines[index].placed.append(node.name)
        (node as? Station)?.machine = machines[index]
    }

    /// The handler id of the single instance of group `name`, or nil if it is replicated or unknown.
    public func singleInstance(of name: String) -> Int32? {
        guard let i = config.components.firstIndex(where: { $0.name == name }) else { return nil }
        if let vip = addresses[i] { return vip.id }
        return groups[i].count == 1 ? groups[i][0].id : nil
    }

    /// The handler id of the single instance of group `name`, for a node wiring a call or an
    /// `on-miss` to it. The scenario loader has checked that it exists and is not replicated.
    public func callTarget(_ name: String) -> Int32 {
        guard let id = singleInstance(of: name) else { preconditionFailure("'\(name)' is unknown or replicated") }
        return id
    }

    /// The instances a failure names: every replica of a group, or one instance by its name.
    public func nodes(named name: String) -> [Node] {
        if let i = config.components.firstIndex(where: { $0.name == name }) { return groups[i] }
        for g in groups { if let n = g.first(where: { $0.name == name }) { return [n] } }
        return []
    }

    /// What a crash or restart named `name` reaches: the instances ``nodes(named:)`` finds, or a
    /// part of one instance (`db.primary`, `db.shard-2.primary`: the instance's name, a dot, and a
    /// name its ``Node/hasPart(_:)`` accepts).
    public func failureTargets(named name: String) -> [(node: Node, part: String?)] {
        let whole = nodes(named: name)
        if !whole.isEmpty { return whole.map { ($0, nil) } }
        for g in groups {
            for n in g where name.hasPrefix(n.name + ".") {
                let part = String(name.dropFirst(n.name.count + 1))
                if n.hasPart(part) { return [(n, part)] }
            }
        }
        return []
    }

    /// Every instance of every group in `zone`.
    public func nodes(inZone zone: String) -> [Node] {
        config.components.indices.filter { config.components[$0].zone == zone }.flatMap { groups[$0] }
    }

    /// The handler ids of the instances of group `name` (empty if unknown).
    public func instances(of name: String) -> [Int32] {
        guard let i = config.components.firstIndex(where: { $0.name == name }) else { return [] }
        return groups[i].map(\.id)
    }

    // MARK: Moving requests

    /// One-way latency of a hop from `from` to `to`: a local call when both run on the same
    /// machine, a network hop otherwise, plus any latency spike on either end.
    @inline(__always)
    private func hopLatency(from: Node, to: Int32) -> SimDuration {
        var d: SimDuration
        if from.machineIndex >= 0 && from.machineIndex == nodes[Int(to)].machineIndex {
            d = localLatency?.sampleDuration(latencyStreams[Int(from.id)]) ?? .zero
        } else {
            d = latency?.sampleDuration(latencyStreams[Int(from.id)]) ?? .zero
        }
        if failuresEnabled {
            let target = nodes[Int(to)]
            if let extra = from.extraLatency { d = d + extra.sampleDuration(latencyStreams[Int(from.id)]) }
            if let extra = target.extraLatency { d = d + extra.sampleDuration(latencyStreams[Int(from.id)]) }
        }
        return d
    }

    /// Whether a network partition separates `a` from `b`.
    @inline(__always)
    private func partitioned(_ a: Node, _ b: Int32) -> Bool {
        failuresEnabled && a.partitionSide != 0 && nodes[Int(b)].partitionSide != 0 && a.partitionSide != nodes[Int(b)].partitionSide
    }

    /// Delivers a reply to `to`, at once on a zero-latency hop, else after the latency (and, with
    /// links, the transfer of the response's bytes: a read's payload at the replying hop).
    @inline(__always)
    private func deliverReply(_ request: Int32, to: Int32, from: Node) {
        var delay = hopLatency(from: from, to: to)
        if let links {
            let r = requests.records + Int(request)
            if !r.pointee.isWrite && !r.pointee.failed && r.pointee.size > 0 {
                delay = delay + SimDuration(ns: links.transfer(from: from.id, to: to, bytes: r.pointee.size, now: sim.now.ns))
            }
        }
        if delay.ns == 0 {
            replyArrives(request, at: nodes[Int(to)])
        } else {
            requests.records[Int(request)].inTransit = true
            sim.schedule(after: delay, to: to, kind: NodeEvent.deliverReply.rawValue, arg: Int64(request))
        }
    }

    /// A request reaches `node` (directly or by a delivery event). A down node refuses it; a request
    /// sent before the node crashed was already written off by the crash and is dropped.
    @inline(__always)
    func arrives(_ request: Int32, at node: Node) {
        if failuresEnabled {
            if requests.top(request).epoch != node.epoch {
                // Sent before the node crashed: a client's request was written off by the crash;
                // a component's own work (a consumer's call) fails back to its owner.
                if requests.records[Int(request)].abandoned { return requests.release(request) }
                return reject(request, at: node, reason: .lostInCrash)
            }
            if node.down { return reject(request, at: node, reason: .targetDown) }
        }
        node.receive(request)
    }

    /// A reply reaches `node`. If the node crashed since the request passed through it, the reply
    /// only passes on towards the client (the crash already accounted for the request).
    @inline(__always)
    func replyArrives(_ request: Int32, at node: Node) {
        if payloadsActive {
            // The reply is back at the hop below: the request carries that hop's bytes again.
            let r = requests.records + Int(request)
            r.pointee.size = r.pointee.frames[r.pointee.frames.count - 1].size
        }
        if failuresEnabled && (requests.top(request).epoch != node.epoch || node.down) && !(node is Client)
            && requests.records[Int(request)].frames.count >= 2 {
            if !requests.records[Int(request)].abandoned {
                requests.records[Int(request)].failed = true
                requests.records[Int(request)].failure = .lostInCrash
            }
            let popped = requests.records[Int(request)].frames.removeLast()
            precondition(popped.node == node.id)
            return deliverReply(request, to: requests.top(request).node, from: node)
        }
        node.reply(request)
    }

    /// Pushes a frame for `to` and sends the request there (a route hop or an off-route call).
    @inline(__always)
    private func send(_ request: Int32, from: Node, to address: Int32, isSubcall: Bool) {
        let to = anyVirtualAddress && nodes[Int(address)].isVirtual ? (nodes[Int(address)] as! VirtualAddress).resolve(request) : address
        if partitioned(from, to) {
            // Like a refused connection: the sender hears at once that the hop failed.
            requests.records[Int(request)].failed = true
            requests.records[Int(request)].failure = .partitioned
            return from.reply(request)
        }
        var delay = hopLatency(from: from, to: to)
        let epoch = failuresEnabled ? nodes[Int(to)].epoch : 0
        let r = requests.records + Int(request)
        if payloadsActive {
            r.pointee.size = payloads.hopSize(type: r.pointee.type, group: nodeGroup[Int(to)], base: r.pointee.baseSize)
        }
        if let links, r.pointee.isWrite && r.pointee.size > 0 {
            // A write carries its payload for `to`; the request of a read carries nothing.
            delay = delay + SimDuration(ns: links.transfer(from: from.id, to: to, bytes: r.pointee.size, now: sim.now.ns))
        }
        r.pointee.frames.append(
            Frame(node: to, isSubcall: isSubcall, phase: 0, arrivedAt: sim.now.ns + delay.ns, epoch: epoch, size: r.pointee.size))
        if delay.ns == 0 {
            arrives(request, at: nodes[Int(to)])
        } else {
            requests.records[Int(request)].inTransit = true
            sim.schedule(after: delay, to: to, kind: NodeEvent.deliverRequest.rawValue, arg: Int64(request))
        }
    }

    /// Sends `request` from `from` to the instance `to` as its next route hop.
    /// `to` is -1 when the hop's group is replicated and no load balancer chose a replica (a configuration error).
    public func forward(_ request: Int32, from: Node, to: Int32) {
        precondition(to >= 0, "route reaches a replicated group without a load balancer")
        send(request, from: from, to: to, isSubcall: false)
    }

    /// `node` is done with `request`: a sub-call returns to its caller; a route hop passes the
    /// request to the next hop of the route, or, at the end of the route, starts the response back.
    public func finish(_ request: Int32, at node: Node) {
        let top = requests.top(request)
        let routeIndex = requests.records[Int(request)].routeIndex
        precondition(top.node == node.id, "a node finished a request it does not hold")
        if top.isSubcall { return unwind(request, from: node) }
        let route = routes[Int(requests.records[Int(request)].route)]
        let next = Int(routeIndex) + 1
        guard next < route.count else { return unwind(request, from: node) }
        advance(request, from: node, to: route[next])
    }

    /// Moves `request` to its next route hop, served by the instance `to` (a load balancer's
    /// choice among the replicas of that hop's group).
    public func advance(_ request: Int32, from node: Node, to instance: Int32) {
        requests.records[Int(request)].routeIndex += 1
        forward(request, from: node, to: instance)
    }

    /// A client sends a new attempt to the first hop of its route.
    public func start(_ request: Int32, from client: Client) {
        forward(request, from: client, to: routes[Int(requests.records[Int(request)].route)][0])
    }

    /// Sends the response of `request` from `node` (which must hold it) to the frame below.
    public func unwind(_ request: Int32, from node: Node) {
        node.departing(request)
        let popped = requests.records[Int(request)].frames.removeLast()
        precondition(popped.node == node.id, "a node answered a request it does not hold")
        let caller = requests.top(request).node
        if partitioned(node, caller) && !requests.records[Int(request)].abandoned {
            // The answer cannot cross: the client loses the request (it passes on as written off).
            lose(request, reason: .partitioned)
        }
        deliverReply(request, to: caller, from: node)
    }

    /// `node` calls `target` off-route (a cache miss): the reply comes back to `node`.
    public func call(_ request: Int32, target: Int32, from node: Node) {
        send(request, from: node, to: target, isSubcall: true)
    }

    /// `node` refuses `request` (its waiting room is full, or nothing healthy can take it): the
    /// error travels back to the client.
    public func reject(_ request: Int32, at node: Node, reason: FailureReason = .rejected) {
        requests.records[Int(request)].failed = true
        requests.records[Int(request)].failure = reason
        unwind(request, from: node)
    }

    // MARK: Failures

    /// Writes `request` off for its client (it timed out, crashed, or cannot cross a partition):
    /// the client counts the failure or retries, and the record itself, when it comes back or is
    /// found, is dropped as abandoned.
    public func lose(_ request: Int32, reason: FailureReason) {
        let r = requests.records + Int(request)
        guard !r.pointee.abandoned, r.pointee.workload >= 0 else { return }
        r.pointee.abandoned = true
        clients[Int(r.pointee.workload)].lost(request, reason: reason)
    }

    /// Crashes `node`: it refuses arrivals until restarted; every request inside it is lost
    /// (its client is told now), and a node that supports crashes drops what it holds.
    /// A node that ``Node/crashesInParts`` crashes the part `part` instead (nil: its default part).
    public func crash(_ node: Node, part: String? = nil) {
        if node.crashesInParts { return node.crashPart(part) }
        guard !node.down else { return }
        let oldEpoch = node.epoch
        node.down = true
        node.epoch &+= 1
        node.address?.memberCrashed(node)
        for id in requests.liveIds {
            let r = requests.records + Int(id)
            guard let depth = r.pointee.frames.lastIndex(where: { $0.node == node.id && $0.epoch == oldEpoch }),
                  depth > 0 else { continue }
            let top = r.pointee.frames.count - 1
            // Held at the node (queued or in service, not on the wire): nothing will move it again.
            let held = node.supportsCrash && depth == top && !r.pointee.inTransit
            if r.pointee.workload < 0 {
                // A component's own work (a consumer's call): it fails back to its owner.
                if held { reject(id, at: node, reason: .lostInCrash) }
                continue
            }
            lose(id, reason: .lostInCrash)   // may allocate a retry: `r` is not valid after this
            if held { requests.release(id) }
        }
        if node.supportsCrash { node.crashed() }
    }

    /// Restarts `node` after a crash (for a node that ``Node/crashesInParts``, the part `part`,
    /// nil meaning every part that is down).
    public func restart(_ node: Node, part: String? = nil) {
        if node.crashesInParts { return node.restartPart(part) }
        guard node.down else { return }
        node.down = false
        node.restarted()
    }

    /// Sets the arrival time recorded in the top frame (a node that serves a request a second time).
    public func setArrival(_ request: Int32, _ ns: Int64) {
        let i = requests.records[Int(request)].frames.count - 1
        requests.records[Int(request)].frames[i].arrivedAt = ns
    }

    /// The system of record applies `request`, which the node on top of its stack has just
    /// served: a keyed write is committed (``DataVersions/commit(_:)``) and a keyed read learns the
    /// latest committed version — unless a cache has already done so (``RequestRecord/hasVersion``).
    /// Only the end of a request's path is a system of record: a server reached by a call (a
    /// cache's `on-miss`, another server's `calls`) or the last hop of its route, with no calls of
    /// its own. Requests without a key are left alone.
    public func settleData(_ request: Int32) {
        let r = requests.records + Int(request)
        guard r.pointee.key != 0, !r.pointee.hasVersion else { return }
        let top = r.pointee.frames[r.pointee.frames.count - 1]
        guard top.isSubcall || Int(r.pointee.routeIndex) + 1 >= routes[Int(r.pointee.route)].count else { return }
        r.pointee.version = r.pointee.isWrite ? data.commit(r.pointee.key) : data.version(of: r.pointee.key)
        r.pointee.hasVersion = true
    }

    /// Sets the private value of the top frame (which belongs to the node calling this).
    public func setAux(_ request: Int32, _ aux: Int32) {
        let i = requests.records[Int(request)].frames.count - 1
        requests.records[Int(request)].frames[i].aux = aux
    }

    /// Marks the top frame as holding one of its node's workers until it departs.
    public func setHoldsWorker(_ request: Int32) {
        let i = requests.records[Int(request)].frames.count - 1
        requests.records[Int(request)].frames[i].holdsWorker = true
    }

    /// Sets the phase marker of the top frame (which belongs to the node calling this).
    public func setPhase(_ request: Int32, _ phase: UInt8) {
        let i = requests.records[Int(request)].frames.count - 1
        requests.records[Int(request)].frames[i].phase = phase
    }

    // MARK: Running

    /// Starts every node's timers (arrivals, probes, failures) without running; tests that step
    /// the simulation call this, then `sim.run(until:)`.
    public func begin() {
        // Components first, then the failure injector and the scaler, then the clients: the order
        // in which their first events take sequence numbers (ties at one instant go in this order).
        for node in nodes where !(node is Client) { node.start() }
        for part in parts { part.start() }
        for client in clients { client.start() }
    }

    /// Runs to the configured duration. `progress` receives the simulated time now and then.
    public func run(progress: ((SimTime) -> Void)? = nil) {
        begin()
        sim.run(until: SimTime(ns: config.duration.ns), progress: progress)
    }

    /// Why the run stopped early (nil when it ran to its end).
    public private(set) var stoppedEarly: String?

    /// Stops the run cleanly when more than `maxInFlight` requests are in flight at once: the
    /// memory budget (`budget` bytes, for the message) would otherwise be exceeded by a system
    /// that cannot keep up with its load. Checked when the request table grows, never per event.
    public func limitRequestsInFlight(to maxInFlight: Int, budget: String) {
        requests.limit = maxInFlight
        requests.onLimit = { [unowned self] in
            self.stoppedEarly = "stopped at \(self.sim.now) of simulated time: \(maxInFlight) requests were in flight at once, "
                + "the most the memory budget (\(budget)) holds; the system cannot keep up with its load. "
                + "The figures cover the time simulated so far only; raise the budget with --max-memory"
            self.sim.stop()
        }
    }
}
