import SDEngine
import SDConfig

/// Runs the scale events of a model at their times.
final class Scaler: ModelPart {
    /// Handler id in the simulation.
    var id: Int32 = -1
    private unowned(unsafe) let model: Model
    private unowned(unsafe) let sim: Simulation
    private let events: [ScaleEvent]
    /// The scaler's own events.
    enum Event: Int32, CaseIterable {
        case fire = 2
    }

    init(model: Model) {
        events = model.config.scaling
        self.model = model
        self.sim = model.sim
    }

    func start() {
        for (i, e) in events.enumerated() { sim.schedule(after: e.at, to: id, kind: Scaler.Event.fire.rawValue, arg: Int64(i)) }
    }

    func handle(kind: Int32, arg: Int64, sim: Simulation) {
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
