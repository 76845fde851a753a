import SDEngine
import SDConfig

/// `kind: gateway` and `kind: bus`: a station that sends each request to the service for its
/// type and passes the answer back.
///
/// A gateway (the microservices design) handles a request once, on the way in. A bus (an
/// enterprise service bus, the SOA design) mediates every service-to-service call both ways: the
/// request and its reply each take a turn at the bus's workers, so all traffic queues at one
/// component, which becomes the bottleneck and the single point of failure.
public final class Router: Station {
    /// Whether replies are handled by the workers too (a bus).
    public let mediatesReplies: Bool
    private let config: RouterConfig
    /// Handler id per request type index (−1: no route).
    private var targetByType: [Int32] = []
    private var unrouted = 0
    private var mediatedReplies = 0

    /// Where a request is in a router (its frame's `phase`; 0: arrived).
    enum Phase: UInt8 {
        case routing = 1, replying
    }

    /// A gateway (`mediatesReplies` false) or a bus (true).
    public init(name: String, group: String, model: Model, config: RouterConfig, mediatesReplies: Bool) {
        self.config = config
        self.mediatesReplies = mediatesReplies
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() {
        let types = model.config.requestTypes
        targetByType = types.map { type in
            if let r = config.routes.first(where: { $0.type == type }) { return model.callTarget(r.target) }
            return config.fallback.map(model.callTarget) ?? -1
        }
    }

    public override func serviceCompleted(_ request: Int32) {
        if requests.top(request).phase == Router.Phase.replying.rawValue {
            model.setPhase(request, 0)
            return model.finish(request, at: self)
        }
        let target = targetByType[Int(requests.records[Int(request)].type)]
        guard target >= 0 else {
            if sim.now >= model.warmupEnd { unrouted += 1 }
            return model.reject(request, at: self)
        }
        model.setPhase(request, Router.Phase.routing.rawValue)
        model.call(request, target: target, from: self)
    }

    /// The routed service answered: a bus queues the reply for a worker; a gateway moves on.
    public override func reply(_ request: Int32) {
        guard requests.top(request).phase == Router.Phase.routing.rawValue else { return model.unwind(request, from: self) }
        if requests.records[Int(request)].failed {
            model.setPhase(request, 0)
            return model.unwind(request, from: self)
        }
        guard mediatesReplies else {
            model.setPhase(request, 0)
            return model.finish(request, at: self)
        }
        if sim.now >= model.warmupEnd { mediatedReplies += 1 }
        model.setPhase(request, Router.Phase.replying.rawValue)
        model.setArrival(request, sim.now.ns)
        receive(request)
    }

    public override var kindName: String { mediatesReplies ? "bus" : "gateway" }

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        r.extra = [("unrouted", Double(unrouted))]
        if mediatesReplies { r.extra.append(("mediated_replies", Double(mediatedReplies))) }
        return r
    }
}
