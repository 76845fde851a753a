import SDEngine

/// `kind: load-balancer`: forwards each request to one replica of its target group, at no cost in time.
public final class LoadBalancer: Node {
    /// How the replica is chosen.
    public let policy: LoadBalancerPolicy
    /// Handler ids of the target replicas, in order.
    public var targets: [Int32] = []
    private let stream: RandomStream
    private var nextIndex = 0
    private var forwarded = 0

    /// A load balancer.
    public init(name: String, group: String, model: Model, config: LoadBalancerConfig) {
        self.policy = config.policy
        self.stream = model.stream(for: name)
        super.init(name: name, group: group, model: model)
    }

    public override func receive(_ request: Int32) {
        if sim.now >= model.warmupEnd { forwarded += 1 }
        let index: Int
        switch policy {
        case .roundRobin:
            index = nextIndex
            nextIndex = (nextIndex + 1) % targets.count
        case .random:
            index = stream.index(below: targets.count)
        }
        model.advance(request, from: self, to: targets[index])
    }

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        ComponentResult(name: name, kind: "load-balancer", group: name == group ? nil : group, isGroup: false,
                        workers: 0, utilization: 0, throughput: Double(forwarded) / max(window.seconds, 1e-300),
                        queueLengthMean: 0, waitMean: 0, responseMean: 0, hitRatio: nil,
                        arrived: forwarded, completed: forwarded, rejected: 0)
    }
}
