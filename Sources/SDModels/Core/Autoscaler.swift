import SDEngine
import SDMetrics
import SDConfig

/// Runs the autoscalers of a model (`autoscale:`; see ``AutoscalePolicy``).
///
/// Utilization is read from each replica's own time-average of busy workers, which is measured
/// from the end of the warm-up: the busy worker-seconds of an interval are the difference of that
/// average × elapsed time at its two ends, exactly. An interval's utilization is the busy
/// worker-seconds of the replicas active at its end over their workers × the time each was active
/// in it (a replica activated mid-interval counts from then). Evaluations therefore start one
/// interval after the warm-up ends.
final class Autoscaler: ModelPart {
    /// Handler id in the simulation.
    var id: Int32 = -1
    private unowned(unsafe) let model: Model
    private unowned(unsafe) let sim: Simulation
    private struct State {
        var replicas: [Station]
        var active: Int
        var lastBusy: [Double]
        var activeSince: [Int64]
        var lastEval: Int64
        var lastAction: Int64 = .min
        var actions: [AutoscaleAction] = []
        var utilization: [Double] = []
        var counts: [Double] = []
    }
    private let policies: [AutoscalePolicy]
    private var states: [State] = []
    /// The autoscaler's own events.
    enum Event: Int32, CaseIterable {
        case evaluate = 2
    }

    init(model: Model) {
        policies = model.config.autoscaling
        self.model = model
        self.sim = model.sim
    }

    func start() {
        let w = model.warmupEnd.ns
        states = policies.map { p in
            let replicas = model.nodes(named: p.group).map { node -> Station in
                guard let s = node as? Station else { preconditionFailure("autoscale: '\(p.group)' has no workers") }
                return s
            }
            let active = model.config.components.first { $0.name == p.group }?.activeReplicas ?? replicas.count
            return State(replicas: replicas, active: active, lastBusy: [Double](repeating: 0, count: replicas.count),
                         activeSince: [Int64](repeating: w, count: replicas.count), lastEval: w)
        }
        for (i, p) in policies.enumerated() {
            sim.schedule(after: SimDuration(ns: w) + p.interval, to: id, kind: Autoscaler.Event.evaluate.rawValue, arg: Int64(i))
        }
    }

    func handle(kind: Int32, arg: Int64, sim: Simulation) {
        let i = Int(arg)
        let p = policies[i]
        let now = sim.now
        let sinceWarmup = Double(now.ns - model.warmupEnd.ns) / 1e9
        var busy = 0.0, capacity = 0.0
        for (k, r) in states[i].replicas.enumerated() {
            let total = r.busyWorkersAverage(until: now) * sinceWarmup
            if k < states[i].active {
                busy += total - states[i].lastBusy[k]
                let from = max(states[i].lastEval, states[i].activeSince[k])
                capacity += Double(r.workers) * Double(now.ns - from) / 1e9
            }
            states[i].lastBusy[k] = total
        }
        states[i].lastEval = now.ns
        let u = capacity > 0 ? busy / capacity : 0
        let active = states[i].active
        let coolingDown = states[i].lastAction != .min && now.ns - states[i].lastAction < p.cooldown.ns
        let desired = coolingDown ? active : p.desired(active: active, utilization: u)
        if desired != active {
            Scaler.setActive(model, group: p.group, desired)
            for k in active..<max(desired, active) { states[i].activeSince[k] = now.ns }
            states[i].active = desired
            states[i].lastAction = now.ns
            states[i].actions.append(AutoscaleAction(at: now.seconds, from: active, to: desired, utilization: u))
        }
        states[i].utilization.append(u)
        states[i].counts.append(Double(desired))
        if now.ns + p.interval.ns <= model.config.duration.ns {
            sim.schedule(after: p.interval, to: id, kind: Autoscaler.Event.evaluate.rawValue, arg: arg)
        }
    }

    /// What each autoscaler saw and did, in declaration order.
    var traces: [AutoscaleTrace] {
        zip(policies, states).map { p, s in
            let first = model.warmupEnd.seconds + p.interval.seconds
            let initial = model.config.components.first { $0.name == p.group }?.activeReplicas ?? s.replicas.count
            return AutoscaleTrace(policy: p, initialReplicas: initial, actions: s.actions,
                                  utilization: Series(name: "utilization", start: first, interval: p.interval.seconds, values: s.utilization),
                                  replicas: Series(name: "replicas", start: first, interval: p.interval.seconds, values: s.counts))
        }
    }
}

extension Model {
    /// What each autoscaler (`autoscale:`) saw and did, in declaration order (empty without them).
    public var autoscaleTraces: [AutoscaleTrace] { autoscaler?.traces ?? [] }
}
