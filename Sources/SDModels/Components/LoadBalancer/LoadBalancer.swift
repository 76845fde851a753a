import SDEngine
import SDConfig

/// `kind: load-balancer`: forwards each request to one replica of its target group, at no cost in
/// time, and sees the reply pass back, so it knows how many requests each replica has outstanding.
///
/// It only sends to replicas it believes are up (``Model/isUp(_:)``); with none up, the request
/// fails with reason `target-down`. In a route it picks the replica of the next hop; when called
/// off-route (a server's `calls`, a cache's `on-miss`) it relays the call and passes the answer back.
public final class LoadBalancer: Node {
    /// How the replica is chosen.
    public let policy: LoadBalancerPolicy
    /// Handler ids of the target replicas, in order.
    public private(set) var targets: [Int32] = []
    private let stream: RandomStream
    private var ring: HashRing?
    private let vnodes: Int
    /// The group whose replicas it spreads requests over.
    let targetGroup: String
    /// Replicas in use: the first `active` of ``targets`` (the others stand by for a `scale:` event).
    public private(set) var active = 0
    /// Scale events seen, and the fraction of the keys it had routed that changed replica at the last one.
    private var scaleEvents = 0
    private var movedAtLastScale: Double?
    /// Keys routed so far (up to ``trackedKeyLimit``), to measure how many move at a scale event.
    private var seenKeys: [UInt64] = []
    private var seenKeySet = Set<UInt64>()
    static let trackedKeyLimit = 100_000
    private var nextIndex = 0
    private var forwarded = 0
    /// Requests currently outstanding at each replica (sent, reply not yet back).
    public private(set) var outstanding: [Int] = []
    /// Measured requests sent to each replica.
    public private(set) var sentTo: [Int] = []
    private var rejectedDown = 0
    private let healthCheck: HealthCheck?
    /// What the balancer believes about each replica: everything is up until a probe says otherwise.
    public private(set) var believedUp: [Bool] = []
    private var sentToDown = 0
    private var detections = 0

    /// A load balancer's own events.
    enum Event: Int32, CaseIterable {
        case probe = 2, probeTimedOut
    }

    /// A load balancer.
    public init(name: String, group: String, model: Model, config: LoadBalancerConfig) {
        self.policy = config.policy
        self.vnodes = config.vnodes
        self.targetGroup = config.targets
        self.healthCheck = config.healthCheck
        self.stream = model.stream(for: name)
        super.init(name: name, group: group, model: model)
    }

    public override func wire() {
        setTargets(model.instances(of: targetGroup))
        if let c = model.config.components.first(where: { $0.name == targetGroup }), let a = c.activeReplicas {
            setActive(a, measure: false)
        }
    }

    /// Uses the first `n` replicas from now on (a `scale:` event). With a key policy it records the
    /// fraction of the keys routed so far whose replica changes.
    func setActive(_ n: Int, measure: Bool = true) {
        let n = max(1, min(n, targets.count))
        guard n != active else { return }
        let before = active
        let oldRing = ring
        active = n
        if policy == .consistentHash { ring = HashRing(targets: Array(0..<n), vnodes: vnodes) }
        nextIndex = 0
        guard measure else { return }
        scaleEvents += 1
        if policy.usesKey && !seenKeys.isEmpty {
            var moved = 0
            for key in seenKeys {
                let old = policy == .hash ? ModNHashing.owner(of: key, targets: before) : oldRing!.owner(of: key)
                let new = policy == .hash ? ModNHashing.owner(of: key, targets: n) : ring!.owner(of: key)
                if old != new { moved += 1 }
            }
            movedAtLastScale = Double(moved) / Double(seenKeys.count)
        }
    }

    /// Sets the replicas (at build time).
    func setTargets(_ ids: [Int32]) {
        targets = ids
        active = ids.count
        outstanding = [Int](repeating: 0, count: ids.count)
        believedUp = [Bool](repeating: true, count: ids.count)
        sentTo = [Int](repeating: 0, count: ids.count)
        if policy == .consistentHash { ring = HashRing(targets: Array(ids.indices), vnodes: vnodes) }
    }

    private func up(_ i: Int) -> Bool { believedUp[i] }

    /// Probes are spread evenly over the interval, replica by replica.
    public override func start() {
        guard let hc = healthCheck else { return }
        for i in targets.indices {
            sim.schedule(after: SimDuration(ns: hc.interval.ns * Int64(i) / Int64(max(targets.count, 1))), to: id,
                         kind: LoadBalancer.Event.probe.rawValue, arg: Int64(i))
        }
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard let hc = healthCheck else { return }
        let i = Int(arg)
        switch kind {
        case LoadBalancer.Event.probe.rawValue:
            if model.nodes[Int(targets[i])].down {
                sim.schedule(after: hc.timeout, to: id, kind: LoadBalancer.Event.probeTimedOut.rawValue, arg: arg)
            } else {
                believedUp[i] = true
            }
            sim.schedule(after: hc.interval, to: id, kind: LoadBalancer.Event.probe.rawValue, arg: arg)
        default:
            if believedUp[i] && sim.now >= model.warmupEnd { detections += 1 }
            believedUp[i] = false
        }
    }

    /// Picks a replica index that is up, or nil when none is.
    private func choose(_ request: Int32) -> Int? {
        let n = active
        switch policy {
        case .roundRobin:
            for _ in 0..<n {
                let i = nextIndex
                nextIndex = (nextIndex + 1) % n
                if up(i) { return i }
            }
            return nil
        case .random:
            let i = stream.index(below: n)
            return up(i) ? i : firstUp(after: i)
        case .leastConnections:
            // Ties go round-robin, as in real balancers; always the first would overload replica 1.
            var best: Int?
            for step in 0..<n {
                let i = (nextIndex + step) % n
                if up(i) && (best == nil || outstanding[i] < outstanding[best!]) { best = i }
            }
            nextIndex = (nextIndex + 1) % n
            return best
        case .powerOfTwo:
            let a = stream.index(below: n)
            let b = n > 1 ? (a + 1 + stream.index(below: n - 1)) % n : a
            switch (up(a), up(b)) {
            case (true, true): return outstanding[b] < outstanding[a] ? b : a
            case (true, false): return a
            case (false, true): return b
            case (false, false): return firstUp(after: a)
            }
        case .hash:
            let key = requests.records[Int(request)].key
            if seenKeys.count < LoadBalancer.trackedKeyLimit && model.config.hasScaling && seenKeySet.insert(key).inserted {
                seenKeys.append(key)
            }
            let i = ModNHashing.owner(of: key, targets: n)
            return up(i) ? i : firstUp(after: i)
        case .consistentHash:
            let key = requests.records[Int(request)].key
            if seenKeys.count < LoadBalancer.trackedKeyLimit && model.config.hasScaling && seenKeySet.insert(key).inserted {
                seenKeys.append(key)
            }
            return ring!.owner(of: key) { !self.up($0) }
        }
    }

    /// The replica index a key policy places `key` on among the active replicas (nil for other policies).
    func placement(of key: UInt64) -> Int? {
        switch policy {
        case .hash: return ModNHashing.owner(of: key, targets: active)
        case .consistentHash: return ring!.owner(of: key)
        default: return nil
        }
    }

    private func firstUp(after i: Int) -> Int? {
        let n = active
        for step in 1..<max(n, 1) where up((i + step) % n) { return (i + step) % n }
        return nil
    }

    public override func receive(_ request: Int32) {
        let measured = sim.now >= model.warmupEnd
        if measured { forwarded += 1 }
        guard let index = choose(request) else {
            if measured { rejectedDown += 1 }
            return model.reject(request, at: self, reason: .targetDown)
        }
        outstanding[index] += 1
        if measured {
            sentTo[index] += 1
            if model.nodes[Int(targets[index])].down { sentToDown += 1 }
        }
        model.setAux(request, Int32(index))
        if requests.top(request).isSubcall {
            model.call(request, target: targets[index], from: self)
        } else {
            model.advance(request, from: self, to: targets[index])
        }
    }

    /// The reply from the chosen replica passes back through.
    public override func reply(_ request: Int32) {
        outstanding[Int(requests.top(request).aux)] -= 1
        model.unwind(request, from: self)
    }

    public override var supportsCrash: Bool { true }

    /// A crashed balancer forgets its connection counts (the requests they counted were written off).
    public override func crashed() { outstanding = [Int](repeating: 0, count: targets.count) }

    /// Fraction of measured requests sent to each replica.
    public var shares: [Double] {
        let total = sentTo.reduce(0, +)
        return sentTo.map { total > 0 ? Double($0) / Double(total) : 0 }
    }

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        var r = ComponentResult(name: name, kind: "load-balancer", group: name == group ? nil : group, isGroup: false,
                                workers: 0, utilization: 0, throughput: Double(forwarded - rejectedDown) / max(window.seconds, 1e-300),
                                queueLengthMean: 0, waitMean: 0, responseMean: 0, hitRatio: nil,
                                arrived: forwarded, completed: forwarded - rejectedDown, rejected: rejectedDown)
        r.targetShares = zip(targets, shares).map { (model.nodes[Int($0.0)].name, $0.1) }
        if model.failuresEnabled {
            r.extra = [("sent_to_down_replicas", Double(sentToDown))]
            if healthCheck != nil { r.extra.append(("failures_detected", Double(detections))) }
        }
        if scaleEvents > 0 {
            r.extra.append(("active_replicas", Double(active)))
            if let moved = movedAtLastScale { r.extra.append(("keys_moved_at_scale", moved)) }
        }
        if policy.usesKey {
            let n = targets.count
            r.keysMovedOnAdd = policy == .hash
                ? KeyMovement.modN(n: n, sampleKeys: 100_000)
                : KeyMovement.consistent(n: n, vnodes: vnodes, sampleKeys: 100_000)
        }
        return r
    }
}
