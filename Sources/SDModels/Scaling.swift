import SDEngine

/// `scale:` — the number of active replicas of a group changes at a time (a server added to or
/// removed from a pool behind a load balancer).
///
/// The model builds as many instances as the group ever has; those beyond the active count stand
/// by, empty, and receive nothing. At the event every load balancer targeting the group spreads
/// requests over the new count: with `hash` (key mod N) almost every key changes replica, and
/// keyed caches behind it go cold; with `consistent-hash` only the keys of the ring's moved
/// arcs do (about 1/(n+1) when one is added). A removed replica finishes what it holds; a replica
/// added again keeps what it had cached.
public struct ScaleEvent: Sendable, Equatable {
    /// When the change happens.
    public var at: SimDuration
    /// The replicated group (behind a load balancer).
    public var group: String
    /// Active replicas from then on (≥ 1).
    public var replicas: Int

    /// A scale event.
    public init(at: SimDuration, group: String, replicas: Int) { self.at = at; self.group = group; self.replicas = replicas }
}

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
        for case let lb as LoadBalancer in model.nodes where lb.targetGroup == e.group {
            lb.setActive(e.replicas)
        }
    }
}
