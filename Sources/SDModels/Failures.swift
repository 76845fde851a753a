import SDEngine

/// One thing that goes wrong, as a scenario's `failures:` section describes it.
public enum FailureAction: Sendable, Equatable {
    /// A component group (every replica) or one instance (`app-2`) crashes; or a part of one
    /// (`db.primary`: every shard's primary; `db.shard-2.primary`: one shard's). A crash of a whole
    /// database is a crash of its primaries.
    case crash(String)
    /// A crashed component or instance comes back.
    case restart(String)
    /// Service times of a component are multiplied by `factor`: a gray failure health checks miss.
    case slow(String, factor: Double)
    /// The network splits: components on different sides cannot reach each other.
    case partition([[String]])
    /// Every hop to or from a component takes `extra` longer.
    case latencySpike(String, extra: Distribution)
    /// A cache loses its contents.
    case flush(String)
    /// Every component in a zone crashes at once.
    case zoneOutage(String)
}

/// A failure at a fixed time, for a while (or, without `duration`, until the run ends or a `restart`).
public struct FailureEvent: Sendable, Equatable {
    /// When it starts, from the beginning of the run.
    public var at: SimDuration
    /// What happens.
    public var action: FailureAction
    /// How long it lasts (nil: until the end, or until a restart for crashes).
    public var duration: SimDuration?

    /// A scheduled failure.
    public init(at: SimDuration, action: FailureAction, duration: SimDuration? = nil) {
        self.at = at; self.action = action; self.duration = duration
    }
}

/// Failures that come and go at random, per replica: up for a time drawn from `mttf`, then down
/// for a time drawn from `mttr`, over and over.
public struct RandomFailure: Sendable, Equatable {
    /// A component group (each replica fails on its own) or one instance.
    public var target: String
    /// Time to failure (its mean is the MTTF).
    public var mttf: Distribution
    /// Time to repair (its mean is the MTTR).
    public var mttr: Distribution

    /// A random failure process.
    public init(target: String, mttf: Distribution, mttr: Distribution) {
        self.target = target; self.mttf = mttf; self.mttr = mttr
    }

    /// Steady-state availability of one replica: MTTF / (MTTF + MTTR).
    public var availability: Double? {
        guard let f = mttf.mean, let r = mttr.mean, f + r > 0 else { return nil }
        return f / (f + r)
    }
}

/// How a load balancer finds out that a replica is down: it probes each replica every `interval`;
/// a probe of a dead replica fails after `timeout`, and only then does the balancer stop sending
/// to it. A probe of a live replica marks it up again at once.
public struct HealthCheck: Sendable, Equatable {
    /// Time between probes of one replica.
    public var interval: SimDuration
    /// How long a probe waits before declaring the replica dead.
    public var timeout: SimDuration

    /// A health check.
    public init(interval: SimDuration, timeout: SimDuration) { self.interval = interval; self.timeout = timeout }
}

/// Injects the scenario's failures at their times. Not a component: requests never reach it.
final class FailureInjector: Node {
    private let events: [FailureEvent]
    private let random: [(failure: RandomFailure, nodes: [(node: Node, part: String?)], stream: RandomStream)]
    private static let begin: Int32 = NodeEvent.firstPrivate
    private static let end: Int32 = NodeEvent.firstPrivate + 1
    private static let randomCrash: Int32 = NodeEvent.firstPrivate + 2
    private static let randomRepair: Int32 = NodeEvent.firstPrivate + 3

    init(model: Model) {
        events = model.config.failures
        var random: [(RandomFailure, [(node: Node, part: String?)], RandomStream)] = []
        for f in model.config.randomFailures {
            random.append((f, model.failureTargets(named: f.target), model.stream(for: "failures:" + f.target)))
        }
        self.random = random
        super.init(name: "failures", group: "failures", model: model)
    }

    override func start() {
        for (i, e) in events.enumerated() {
            sim.schedule(at: SimTime(ns: e.at.ns), to: id, kind: FailureInjector.begin, arg: Int64(i))
            if let d = e.duration { sim.schedule(at: SimTime(ns: e.at.ns + d.ns), to: id, kind: FailureInjector.end, arg: Int64(i)) }
        }
        for (r, entry) in random.enumerated() {
            for n in entry.nodes.indices {
                sim.schedule(after: entry.failure.mttf.sampleDuration(entry.stream), to: id, kind: FailureInjector.randomCrash,
                             arg: Int64(r) << 32 | Int64(n))
            }
        }
    }

    override func handlePrivate(kind: Int32, arg: Int64) {
        switch kind {
        case FailureInjector.begin: apply(events[Int(arg)].action, starting: true)
        case FailureInjector.end: apply(events[Int(arg)].action, starting: false)
        default:
            let entry = random[Int(arg >> 32)]
            let (node, part) = entry.nodes[Int(Int32(truncatingIfNeeded: arg))]
            if kind == FailureInjector.randomCrash {
                model.crash(node, part: part)
                sim.schedule(after: entry.failure.mttr.sampleDuration(entry.stream), to: id, kind: FailureInjector.randomRepair, arg: arg)
            } else {
                model.restart(node, part: part)
                sim.schedule(after: entry.failure.mttf.sampleDuration(entry.stream), to: id, kind: FailureInjector.randomCrash, arg: arg)
            }
        }
    }

    /// Starts (or ends) a failure.
    private func apply(_ action: FailureAction, starting: Bool) {
        switch action {
        case .crash(let target):
            for (n, part) in model.failureTargets(named: target) {
                if starting { model.crash(n, part: part) } else { model.restart(n, part: part) }
            }
        case .restart(let target):
            if starting { for (n, part) in model.failureTargets(named: target) { model.restart(n, part: part) } }
        case .slow(let target, let factor):
            for n in model.nodes(named: target) { n.slowFactor = starting ? factor : 1 }
        case .partition(let sides):
            for (i, side) in sides.enumerated() {
                for name in side { for n in model.nodes(named: name) { n.partitionSide = starting ? i + 1 : 0 } }
            }
        case .latencySpike(let target, let extra):
            for n in model.nodes(named: target) { n.extraLatency = starting ? extra : nil }
        case .flush(let target):
            if starting { for n in model.nodes(named: target) { n.flush() } }
        case .zoneOutage(let zone):
            for n in model.nodes(inZone: zone) { if starting { model.crash(n) } else { model.restart(n) } }
        }
    }

    override func receive(_ request: Int32) { preconditionFailure("requests never reach the failure injector") }
}
