import SDEngine
import SDConfig

/// Runs the scale events of a model at their times.
final class Scaler: Node {
    private let events: [ScaleEvent]
    static let fire: Int32 = NodeEvent.firstPrivate

    init(model: Model) {
        events = model.config.scaling
        super.init(name: "scaling", group: "scaling", model: model)
    }

    override func start() {
        for (i, e) in events.enumerated() { sim.schedule(after: e.at, to: id, kind: Scaler.fire, arg: Int64(i)) }
    }

    override func handlePrivate(kind: Int32, arg: Int64) {
        let e = events[Int(arg)]
        Scaler.setActive(model, group: e.group, e.replicas)
    }

    /// Makes `replicas` replicas of `group` active: every load balancer targeting it spreads
    /// requests over that many (a `scale:` event, or an autoscaler's decision).
    static func setActive(_ model: Model, group: String, _ replicas: Int) {
        for case let lb as LoadBalancer in model.nodes where lb.targetGroup == group {
            lb.setActive(replicas)
        }
    }
}
