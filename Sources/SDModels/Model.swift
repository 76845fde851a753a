import SDEngine
import SDMetrics

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
    private let latency: Distribution?
    private var latencyStreams: [RandomStream] = []

    /// Builds the model for `config`, with `seed` overriding the configuration's seed.
    /// The configuration must be valid (the scenario loader checks it); violations are preconditions.
    public init(config: ModelConfig, seed: UInt64? = nil) {
        self.config = config
        self.seed = seed ?? config.seed
        self.warmupEnd = SimTime(ns: config.warmup.ns)
        if case .constant(let v)? = config.network.latency, v == 0 { latency = nil } else { latency = config.network.latency }
        build()
    }

    /// A random stream for `name`, derived from this run's seed.
    public func stream(for name: String) -> RandomStream { RandomStream(seed: seed, name: name) }

    private func register(_ node: Node) {
        node.id = sim.register(node)
        nodes.append(node)
        latencyStreams.append(stream(for: node.name + "#net"))
    }

    private func build() {
        for c in config.components {
            var instances: [Node] = []
            for name in c.instanceNames {
                let node = c.kind.makeNode(name: name, group: c.name, model: self)
                register(node)
                instances.append(node)
            }
            groups.append(instances)
        }
        // Every node exists now: let each resolve the components it sends to.
        for group in groups { for node in group { node.wire() } }
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
    }

    /// The handler id of the single instance of group `name`, or nil if it is replicated or unknown.
    public func singleInstance(of name: String) -> Int32? {
        guard let i = config.components.firstIndex(where: { $0.name == name }), groups[i].count == 1 else { return nil }
        return groups[i][0].id
    }

    /// The handler id of the single instance of group `name`, for a node wiring a call or an
    /// `on-miss` to it. The scenario loader has checked that it exists and is not replicated.
    public func callTarget(_ name: String) -> Int32 {
        guard let id = singleInstance(of: name) else { preconditionFailure("'\(name)' is unknown or replicated") }
        return id
    }

    /// The handler ids of the instances of group `name` (empty if unknown).
    public func instances(of name: String) -> [Int32] {
        guard let i = config.components.firstIndex(where: { $0.name == name }) else { return [] }
        return groups[i].map(\.id)
    }

    // MARK: Moving requests

    /// One-way network latency of a hop sent by `from`.
    @inline(__always)
    private func hopLatency(from: Node) -> SimDuration {
        guard let latency else { return .zero }
        return latency.sampleDuration(latencyStreams[Int(from.id)])
    }

    /// Delivers a request or reply to `to`, at once on a zero-latency hop, else after the latency.
    @inline(__always)
    private func deliver(_ request: Int32, to: Int32, from: Node, asReply: Bool) {
        let delay = hopLatency(from: from)
        if delay.ns == 0 {
            if asReply { nodes[Int(to)].reply(request) } else { nodes[Int(to)].receive(request) }
        } else {
            sim.schedule(after: delay, to: to, kind: asReply ? NodeEvent.deliverReply : NodeEvent.deliverRequest,
                         arg: Int64(request))
        }
    }

    /// Sends `request` from `from` to the instance `to` as its next route hop.
    /// `to` is -1 when the hop's group is replicated and no load balancer chose a replica (a configuration error).
    public func forward(_ request: Int32, from: Node, to: Int32) {
        precondition(to >= 0, "route reaches a replicated group without a load balancer")
        requests.records[Int(request)].frames.append(Frame(node: to, isSubcall: false, phase: 0, arrivedAt: sim.now.ns))
        let delay = hopLatency(from: from)
        if delay.ns == 0 {
            nodes[Int(to)].receive(request)
        } else {
            let idx = requests.records[Int(request)].frames.count - 1
            requests.records[Int(request)].frames[idx].arrivedAt = sim.now.ns + delay.ns
            sim.schedule(after: delay, to: to, kind: NodeEvent.deliverRequest, arg: Int64(request))
        }
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
        deliver(request, to: caller, from: node, asReply: true)
    }

    /// `node` calls `target` off-route (a cache miss): the reply comes back to `node`.
    public func call(_ request: Int32, target: Int32, from node: Node) {
        let delay = hopLatency(from: node)
        requests.records[Int(request)].frames.append(
            Frame(node: target, isSubcall: true, phase: 0, arrivedAt: sim.now.ns + delay.ns))
        if delay.ns == 0 { nodes[Int(target)].receive(request) } else {
            sim.schedule(after: delay, to: target, kind: NodeEvent.deliverRequest, arg: Int64(request))
        }
    }

    /// `node` refuses `request` (its waiting room is full, or nothing healthy can take it): the
    /// error travels back to the client.
    public func reject(_ request: Int32, at node: Node, reason: FailureReason = .rejected) {
        requests.records[Int(request)].failed = true
        requests.records[Int(request)].failure = reason
        unwind(request, from: node)
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

    /// Whether `node` is up as far as `observer` can tell. Everything is up until failures are
    /// injected; a load balancer asks this before sending.
    public func isUp(_ node: Int32, seenBy observer: Int32) -> Bool { true }

    /// Sets the phase marker of the top frame (which belongs to the node calling this).
    public func setPhase(_ request: Int32, _ phase: UInt8) {
        let i = requests.records[Int(request)].frames.count - 1
        requests.records[Int(request)].frames[i].phase = phase
    }

    // MARK: Running

    /// Runs to the configured duration. `progress` receives the simulated time now and then.
    public func run(progress: ((SimTime) -> Void)? = nil) {
        for client in clients { client.start() }
        sim.run(until: SimTime(ns: config.duration.ns), progress: progress)
    }
}
