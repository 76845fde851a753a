import SDEngine
import SDConfig

/// Injects the scenario's failures at their times. Not a component: requests never reach it.
final class FailureInjector: ModelPart {
    /// Handler id in the simulation.
    var id: Int32 = -1
    private unowned(unsafe) let model: Model
    private unowned(unsafe) let sim: Simulation
    private let events: [FailureEvent]
    private let random: [(failure: RandomFailure, nodes: [(node: Node, part: String?)], stream: RandomStream)]
    /// The injector's own events.
    enum Event: Int32, CaseIterable {
        case begin = 2, end, randomCrash, randomRepair
    }

    init(model: Model) {
        events = model.config.failures
        var random: [(RandomFailure, [(node: Node, part: String?)], RandomStream)] = []
        for f in model.config.randomFailures {
            random.append((f, model.randomFailureTargets(named: f.target), model.stream(for: "failures:" + f.target)))
        }
        self.random = random
        self.model = model
        self.sim = model.sim
    }

    func start() {
        for (i, e) in events.enumerated() {
            sim.schedule(at: SimTime(ns: e.at.ns), to: id, kind: FailureInjector.Event.begin.rawValue, arg: Int64(i))
            if let d = e.duration { sim.schedule(at: SimTime(ns: e.at.ns + d.ns), to: id, kind: FailureInjector.Event.end.rawValue, arg: Int64(i)) }
        }
        for (r, entry) in random.enumerated() {
            for n in entry.nodes.indices {
                sim.schedule(after: entry.failure.mttf.sampleDuration(entry.stream), to: id, kind: FailureInjector.Event.randomCrash.rawValue,
                             arg: Int64(r) << 32 | Int64(n))
            }
        }
    }

    func handle(kind: Int32, arg: Int64, sim: Simulation) {
        switch kind {
        case FailureInjector.Event.begin.rawValue: apply(events[Int(arg)].action, starting: true)
        case FailureInjector.Event.end.rawValue: apply(events[Int(arg)].action, starting: false)
        default:
            let entry = random[Int(arg >> 32)]
            let (node, part) = entry.nodes[Int(Int32(truncatingIfNeeded: arg))]
            if kind == FailureInjector.Event.randomCrash.rawValue {
                model.crash(node, part: part)
                sim.schedule(after: entry.failure.mttr.sampleDuration(entry.stream), to: id, kind: FailureInjector.Event.randomRepair.rawValue, arg: arg)
            } else {
                model.restart(node, part: part)
                sim.schedule(after: entry.failure.mttf.sampleDuration(entry.stream), to: id, kind: FailureInjector.Event.randomCrash.rawValue, arg: arg)
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
        case .pause(let target):
            for (n, part) in model.failureTargets(named: target) { (n as? WorkerParts)?.pausePart(part, starting: starting) }
        case .zoneOutage(let zone):
            for n in model.nodes(inZone: zone) { if starting { model.crash(n) } else { model.restart(n) } }
        }
    }

}
