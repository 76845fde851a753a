import Dispatch
import SDEngine
import SDMetrics
import SDConfig
import SDModels

/// What one workload saw while something was down in `sdsim spof` (or in the baseline's same window).
public struct SpofWorkloadOutcome: Sendable, Equatable {
    /// The workload.
    public var workload: String
    /// Requests that arrived in the window.
    public var arrived: Int
    /// Of those, completed.
    public var completed: Int
    /// Of those, failed: the requests lost to the outage.
    public var failed: Int
    /// 99th-percentile latency of the completed ones, in seconds (NaN with none).
    public var p99: Double
    /// Whether this workload met the SLO in the window.
    public var meetsSLO: Bool

    /// completed / (completed + failed); 1 with none finished.
    public var availability: Double { completed + failed == 0 ? 1 : Double(completed) / Double(completed + failed) }

    /// Equal figures (two NaN p99s, from no completions, are equal).
    public static func == (a: SpofWorkloadOutcome, b: SpofWorkloadOutcome) -> Bool {
        a.workload == b.workload && a.arrived == b.arrived && a.completed == b.completed && a.failed == b.failed
            && (a.p99 == b.p99 || a.p99.isNaN && b.p99.isNaN) && a.meetsSLO == b.meetsSLO
    }

    /// An outcome.
    public init(workload: String, arrived: Int, completed: Int, failed: Int, p99: Double, meetsSLO: Bool) {
        self.workload = workload; self.arrived = arrived; self.completed = completed; self.failed = failed
        self.p99 = p99; self.meetsSLO = meetsSLO
    }
}

/// One row of `sdsim spof`: what happened to every workload while one thing was down.
public struct SpofRow: Sendable, Equatable {
    /// What was taken down: a component group, a machine instance or a zone.
    public var target: String
    /// `component`, `machine` or `zone`.
    public var targetKind: String
    /// What was crashed: the single instance, one replica, a database's primaries, every component
    /// on a machine, or a zone.
    public var crashed: String
    /// Every workload, separately, in declaration order: never pooled.
    public var workloads: [SpofWorkloadOutcome]
    /// Whether every workload met the SLO during the outage.
    public var meetsSLO: Bool
    /// Why it is (or is not) a single point of failure.
    public var reason: String
    /// What to change, worded from the numbers (nil when it survives).
    public var fix: String?

    /// The component group (kept for callers that audit components only).
    public var component: String { target }
    /// Requests that arrived during the outage and failed, all workloads.
    public var lost: Int { workloads.reduce(0) { $0 + $1.failed } }
    /// The lowest availability of any workload during the outage.
    public var worstAvailability: Double { workloads.map(\.availability).min() ?? 1 }
}

/// The baseline of `sdsim spof`: the system with nothing injected, over the same window.
public struct SpofBaseline: Sendable, Equatable {
    /// Each workload in the window.
    public var workloads: [SpofWorkloadOutcome]
    /// Whether the run had a steady state.
    public var steady: Bool
    /// Why not (empty when steady).
    public var unsteadyReasons: [String]
    /// The baseline's bottleneck analysis advice, for when it fails.
    public var bottleneckAdvice: String?
    /// Measured mean utilization of each component group (group rows and single instances), by name.
    public var utilization: [(name: String, value: Double)]

    public static func == (a: SpofBaseline, b: SpofBaseline) -> Bool {
        a.workloads == b.workloads && a.steady == b.steady && a.unsteadyReasons == b.unsteadyReasons
            && a.bottleneckAdvice == b.bottleneckAdvice && a.utilization.map(\.name) == b.utilization.map(\.name)
            && a.utilization.map(\.value) == b.utilization.map(\.value)
    }

    /// Whether every workload met the SLO, and the run had a steady state.
    public var meetsSLO: Bool { steady && workloads.allSatisfy(\.meetsSLO) }
}

/// Everything `sdsim spof` found.
public struct SpofAuditResult: Sendable, Equatable {
    /// The scenario.
    public var scenario: String
    /// The SLO applied to each workload.
    public var slo: ServiceLevelObjective
    /// Whether the scenario wrote its own `slo:` (otherwise ``SpofAudit/defaultSLO``).
    public var sloGiven: Bool
    /// Failures of the scenario itself (`failures:` entries and random failures) left out of every run.
    public var failuresRemoved: Int
    /// The outage window, in seconds from the start: the middle third of the run.
    public var window: (start: Double, end: Double)
    /// The baseline run.
    public var baseline: SpofBaseline
    /// One row per component group, machine instance and zone (empty when the baseline failed).
    public var rows: [SpofRow]

    public static func == (a: SpofAuditResult, b: SpofAuditResult) -> Bool {
        a.scenario == b.scenario && a.slo == b.slo && a.sloGiven == b.sloGiven && a.failuresRemoved == b.failuresRemoved
            && a.window.start == b.window.start && a.window.end == b.window.end && a.baseline == b.baseline && a.rows == b.rows
    }

    /// Whether the audit stopped after the baseline.
    public var stopped: Bool { !baseline.meetsSLO }
    /// The single points of failure, in row order.
    public var singlePointsOfFailure: [String] { rows.filter { !$0.meetsSLO }.map(\.target) }
}

/// `sdsim spof`: first the system as it is, without the scenario's own failures; then, for each
/// component group, machine instance and zone in turn, the same run with it down for the middle
/// third. Every workload is judged against the SLO on its own.
public enum SpofAudit {
    /// The SLO used when a scenario has none: 99.9% of requests succeed.
    public static let defaultSLO = ServiceLevelObjective(availability: 0.999)

    /// One experiment: a name, its kind, what is crashed, and the crash events.
    struct Experiment {
        var target: String
        var kind: String
        var crashed: String
        var actions: [FailureAction]
    }

    /// The experiments, in order: component groups (declaration order), machine instances (one per
    /// distinct set of hosted groups), zones (order of first appearance).
    static func experiments(_ config: ModelConfig) -> [Experiment] {
        var out: [Experiment] = config.components.map { c in
            if case .database = c.kind { return Experiment(target: c.name, kind: "component", crashed: c.name + ".primary", actions: [.crash(c.name)]) }
            let target = c.instanceNames[0]
            return Experiment(target: c.name, kind: "component", crashed: target, actions: [.crash(target)])
        }
        var machines: [(name: String, groups: [String], instances: [String])] = []
        for c in config.components where c.machine != nil {
            for (i, instance) in c.instanceNames.enumerated() {
                let m = c.machineInstance(replica: i)!
                if let j = machines.firstIndex(where: { $0.name == m }) {
                    machines[j].groups.append(c.name); machines[j].instances.append(instance)
                } else {
                    machines.append((m, [c.name], [instance]))
                }
            }
        }
        var seen: [[String]] = []
        for m in machines where !seen.contains(m.groups) {
            seen.append(m.groups)
            out.append(Experiment(target: m.name, kind: "machine", crashed: m.instances.joined(separator: ", "),
                                  actions: m.instances.map { .crash($0) }))
        }
        var zones: [String] = []
        for c in config.components { if let z = c.zone, !zones.contains(z) { zones.append(z) } }
        for z in zones { out.append(Experiment(target: z, kind: "zone", crashed: "zone " + z, actions: [.zoneOutage(z)])) }
        return out
    }

    /// The configuration every run of the audit starts from: the scenario without its own
    /// failures, measuring the middle third.
    static func prepared(_ base: ModelConfig) -> ModelConfig {
        var config = base
        config.failures = []
        config.randomFailures = []
        let third = SimDuration(ns: config.duration.ns / 3)
        config.focus = (third, third + third)
        if config.warmup > third { config.warmup = .zero }
        return config
    }

    /// Runs the baseline, then (if it meets the SLO) every experiment on up to `jobs` threads.
    /// How many runs ``run(_:seed:jobs:budget:progress:)`` makes at most: the baseline and one per experiment.
    public static func runCount(_ base: ModelConfig) -> Int { 1 + experiments(prepared(base)).count }

    /// Runs the baseline, then (if it meets the SLO) every experiment on up to `jobs` threads. The
    /// experiments running at once share `budget` (see ``Runner/run(_:seed:replications:jobs:budget:progress:)``).
    public static func run(_ base: ModelConfig, seed: UInt64? = nil, jobs: Int = 1, budget: ResourceBudget = .unlimited,
                           progress: (@Sendable (Double) -> Void)? = nil) -> SpofAuditResult {
        let config = prepared(base)
        let slo = base.slo ?? defaultSLO
        let third = SimDuration(ns: config.duration.ns / 3)
        let baseRun = RunAnalysis.annotate(config, Runner.runOnce(config, seed: seed, budget: budget).result)
        let baseline = SpofBaseline(
            workloads: outcomes(baseRun, slo), steady: baseRun.intervalsReliable,
            unsteadyReasons: baseRun.stability?.reasons ?? [], bottleneckAdvice: baseRun.bottleneck?.advice,
            utilization: baseRun.components.filter { $0.isGroup || $0.group == nil }.map { ($0.name, $0.utilization) })
        var result = SpofAuditResult(scenario: base.name, slo: slo, sloGiven: base.slo != nil,
                                     failuresRemoved: base.failures.count + base.randomFailures.count,
                                     window: (third.seconds, (third + third).seconds), baseline: baseline, rows: [])
        guard baseline.meetsSLO else { return result }
        let list = experiments(config)
        let slots = Slots<SpofRow>(count: list.count)
        let workers = max(1, min(jobs, list.count))
        var shared = budget
        shared.maxMemory /= Double(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { [shared] worker in
            for e in stride(from: worker, to: list.count, by: workers) {
                let done = slots.store(experiment(config, list[e], slo: slo, baseline: baseline, seed: seed, budget: shared), at: e)
                progress?(Double(done) / Double(list.count))
            }
        }
        result.rows = slots.values()
        return result
    }

    /// Each workload's outcome in the focus window.
    static func outcomes(_ r: RunResult, _ slo: ServiceLevelObjective) -> [SpofWorkloadOutcome] {
        r.workloads.map { w in
            let f = w.focus ?? FocusResult(arrived: 0, completed: 0, failed: 0, p99: .nan)
            let p99 = f.completed == 0 ? Double.nan : f.p99
            let meets = !slo.breaks(availability: f.availability) && !slo.breaks(p99: p99)
            return SpofWorkloadOutcome(workload: w.name, arrived: f.arrived, completed: f.completed, failed: f.failed,
                                       p99: p99, meetsSLO: meets)
        }
    }

    static func experiment(_ config: ModelConfig, _ e: Experiment, slo: ServiceLevelObjective, baseline: SpofBaseline,
                           seed: UInt64?, budget: ResourceBudget = .unlimited) -> SpofRow {
        var c = config
        let third = SimDuration(ns: config.duration.ns / 3)
        c.failures = e.actions.map { FailureEvent(at: third, action: $0, duration: third) }
        let r = Runner.runOnce(c, seed: seed, budget: budget).result
        let workloads = outcomes(r, slo)
        let meets = workloads.allSatisfy(\.meetsSLO)
        let (advice, fix) = SpofAdvice.explain(e, config, workloads: workloads, meets: meets, slo: slo, baseline: baseline,
                                               outage: third.seconds)
        let reason = r.stoppedEarly == nil ? advice
            : "PARTIAL: the run stopped early, past the memory budget (raise it with --max-memory); " + advice
        return SpofRow(target: e.target, targetKind: e.kind, crashed: e.crashed, workloads: workloads, meetsSLO: meets,
                       reason: reason, fix: meets ? nil : fix)
    }
}

/// Why a component, machine or zone is (or is not) a single point of failure, and what to change.
enum SpofAdvice {
    static func explain(_ e: SpofAudit.Experiment, _ config: ModelConfig, workloads: [SpofWorkloadOutcome], meets: Bool,
                        slo: ServiceLevelObjective, baseline: SpofBaseline, outage: Double) -> (String, String) {
        let availabilityOK = !workloads.contains { slo.breaks(availability: $0.availability) }
        let hurt = workloads.filter { !$0.meetsSLO }.map(\.workload)
        let who = hurt.isEmpty ? "" : " (\(hurt.joined(separator: ", ")))"
        switch e.kind {
        case "machine":
            let groups = config.components.filter { c in
                c.machine != nil && c.instanceNames.indices.contains { c.machineInstance(replica: $0) == e.target }
            }
            let single = groups.filter { $0.replicas == 1 }.map(\.name)
            if meets { return ("survives: every component on it has a replica elsewhere", "") }
            if !single.isEmpty {
                return ("it hosts \(single.joined(separator: ", ")), which \(single.count == 1 ? "runs" : "run") nowhere else\(who)",
                        "run \(single.joined(separator: " and ")) on more than one machine (replicas: 2 or more)")
            }
            // Every group on it has replicas elsewhere: the reason is the one losing a replica gives.
            if let g = groups.first {
                let (why, fix) = component(g, config, meets: false, availabilityOK: availabilityOK, who: who, baseline: baseline,
                                           workloads: workloads, outage: outage)
                return ("it holds a replica of \(groups.map(\.name).joined(separator: ", ")); " + why, fix)
            }
            return ("the replicas left on the other machines cannot carry the load\(who)", "add a machine")
        case "zone":
            let inZone = config.components.filter { $0.zone == e.target }.map(\.name)
            if meets { return ("survives: nothing it holds is needed, or it is duplicated elsewhere", "") }
            return ("\(inZone.joined(separator: ", ")) live only in zone \(e.target)\(who)",
                    "deploy \(inZone.joined(separator: ", ")) in a second zone as well, behind a balancer that spans both")
        default:
            guard let c = config.components.first(where: { $0.name == e.target }) else { return ("", "") }
            return component(c, config, meets: meets, availabilityOK: availabilityOK, who: who, baseline: baseline,
                             workloads: workloads, outage: outage)
        }
    }

    static func component(_ group: ComponentConfig, _ config: ModelConfig, meets: Bool, availabilityOK: Bool, who: String,
                          baseline: SpofBaseline, workloads: [SpofWorkloadOutcome], outage: Double) -> (String, String) {
        if case .database(let db) = group.kind { return database(group, db, meets: meets, availabilityOK: availabilityOK, who: who) }
        if case .loadBalancer(let lb) = group.kind, group.replicas > 1 {
            if meets { return ("survives: \(lb.redundancy.name) moves traffic to the other \(group.replicas - 1)", "") }
            if case .virtualIP(let d) = lb.redundancy {
                return ("the virtual address stays on the dead replica for \(fmt(d.seconds)) s; requests sent then fail\(who)",
                        "shorten 'detection:' on \(group.name) (now \(fmt(d.seconds)) s)")
            }
            return ("clients keep resolving the dead replica's address\(who)",
                    "give the workloads a 'retry:' policy so that a refused attempt goes to the next address")
        }
        if meets {
            return (group.replicas > 1 ? "survives: \(group.replicas - 1) of \(group.replicas) replicas carry on"
                                       : "not needed by the traffic, or its failures are absorbed", "")
        }
        if group.replicas == 1 {
            switch group.kind {
            case .loadBalancer:
                return ("every request passes through it, and it has no replica\(who)",
                        "set 'replicas: 2' on \(group.name): a virtual IP moves to the backup in 3 s (or 'redundancy: dns' with client retries)")
            case .bus: return ("a bus that every call passes through, with no replica\(who)",
                               "run the bus as 2 replicas behind a load balancer, or let services call each other directly")
            default:
                return ("no replica and no failover\(who)",
                        "run 2 or more replicas of \(group.name) behind a load balancer with a health check")
            }
        }
        let balancers = config.components.compactMap { c -> (String, LoadBalancerConfig)? in
            if case .loadBalancer(let lb) = c.kind, lb.targets == group.name { return (c.name, lb) }
            return nil
        }
        if let (name, _) = balancers.first(where: { $0.1.healthCheck == nil }) {
            return ("replicated, but load balancer \(name) has no health check and keeps sending to the dead replica\(who)",
                    "add 'health-check:' to \(name) (e.g. interval 1s, timeout 200ms)")
        }
        let u = baseline.utilization.first { $0.name == group.name }?.value ?? 0
        let n = group.replicas
        let remaining = u * Double(n) / Double(n - 1)
        if remaining >= 0.85 || !availabilityOK && remaining >= 0.7 {
            let need = Int(saturating: (u * Double(n) / BottleneckReport.target).rounded(.up)) + 1
            return ("the \(n - 1) remaining replicas run at \(pct(remaining)) (\(pct(u)) before)\(who)",
                    "run \(max(need, n + 1)) replicas of \(group.name) so that \(max(need, n + 1) - 1) carry the load at \(pct(u * Double(n) / Double(max(need, n + 1) - 1)))")
        }
        if let (name, lb) = balancers.first, let hc = lb.healthCheck {
            let lost = workloads.reduce(0) { $0 + $1.failed }
            let detect = hc.interval.seconds + hc.timeout.seconds
            return ("\(lost) requests failed before \(name) noticed: a health check every \(fmt(hc.interval.seconds)) s "
                    + "(timeout \(fmt(hc.timeout.seconds)) s) leaves up to \(fmt(detect)) s of failures\(who)",
                    "shorten the health-check interval of \(name) (now \(fmt(hc.interval.seconds)) s), or give the workloads a 'retry:' policy")
        }
        return ("the remaining replicas are too slow for the SLO\(who)", "add replicas to \(group.name)")
    }

    /// A database crash kills its primaries: what that means depends on failover and replication.
    static func database(_ group: ComponentConfig, _ db: DatabaseConfig, meets: Bool, availabilityOK: Bool, who: String) -> (String, String) {
        let lossNote = db.replication == .async && db.readReplicas > 0 && db.failover != nil
            ? "; async replication loses the writes acknowledged within the replication lag before the crash" : ""
        if meets {
            if let f = db.failover, db.readReplicas > 0 {
                return ("survives: a replica is promoted after \(fmt(f.outage.seconds)) s (detection + promotion)\(lossNote)", "")
            }
            return ("not needed by the traffic, or failures are absorbed", "")
        }
        guard let f = db.failover else {
            let what = db.readReplicas > 0 ? "writes fail" : "every query fails (there is no replica to read from)"
            return ("primary without failover: \(what) until it restarts\(who)",
                    db.readReplicas > 0 ? "add 'failover:' to \(group.name)" : "add a read replica and 'failover:' to \(group.name)")
        }
        guard db.readReplicas > 0 else {
            return ("failover without a read replica to promote: writes fail until the primary restarts\(who)",
                    "add 'read-replicas: 1' (or more) to \(group.name)")
        }
        if availabilityOK {
            return ("the promoted replica is too slow for the latency target\(lossNote)\(who)",
                    "add read replicas to \(group.name) so that one promoted still leaves enough for the reads")
        }
        return ("failover takes \(fmt(f.outage.seconds)) s (detection + promotion), too long for the SLO\(lossNote)\(who)",
                "shorten 'detection:' of \(group.name)'s failover (now \(fmt(f.detection.seconds)) s)")
    }

    static func pct(_ x: Double) -> String { BottleneckAnalysis.pct(x) }
    static func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : BottleneckAnalysis.fmt(x) }
}
