import SDEngine
import SDConfig

/// Runs the scale events of a model at their times.
final class Scaler: Node {
    private let events: [ScaleEvent]
    /// The scaler's own events.
    enum Event: Int32, CaseIterable {
        case fire = 2
    }

    init(model: Model) {
        events = model.config.scaling
        super.init(name: "scaling", group: "scaling", model: model)
    }

    override func start() {
        for (i, e) in events.enumerated() { sim.schedule(after: e.at, to: id, kind: Scaler.Event.fire.rawValue, arg: Int64(i)) }
    }

    override func handlePrivate(kind: Int32, arg: Int64) {
        let e = events[Int(arg)]
        for case let lb as LoadBalancer in model.nodes where lb.targetGroup == e.group {
            lb.setActive(e.replicas)
        }
    }
}
