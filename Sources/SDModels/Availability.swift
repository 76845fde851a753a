import Dispatch
import SDEngine

/// Availability from MTTF and MTTR, the way reliability engineers compose it: a replica is up a
/// fraction A = MTTF/(MTTF + MTTR) of the time; a replicated group behind a balancer is down only
/// when every replica is (parallel: 1 − Π(1 − Aᵢ)); a request needs every group on its route and
/// every component those call (series: Π A). Independent failures and instant detection assumed.
public enum AvailabilityModel {
    /// The steady-state availability that the random failures imply for each workload, in order;
    /// nil when the scenario has no random failures.
    public static func predicted(_ config: ModelConfig) -> [Double]? {
        guard !config.randomFailures.isEmpty else { return nil }
        return config.workloads.map { w in
            let shares = w.mix.reduce(0) { $0 + $1.share }
            return w.mix.reduce(0.0) { sum, c in sum + c.share / shares * route(c.route, config) }
        }
    }

    static func route(_ groups: [String], _ config: ModelConfig) -> Double {
        var seen: [String] = []
        return groups.reduce(1.0) { $0 * group($1, config, &seen) }
    }

    /// Availability of a group and of everything it depends on.
    static func group(_ name: String, _ config: ModelConfig, _ seen: inout [String]) -> Double {
        guard !seen.contains(name), let c = config.components.first(where: { $0.name == name }) else { return 1 }
        seen.append(name)
        var deps: [String] = []
        switch c.kind {
        case .server(let s): deps = s.calls
        case .cache(let s): deps = s.onMiss.map { [$0] } ?? []
        case .loadBalancer(let s): deps = [s.targets]
        case .gateway(let r), .bus(let r): deps = r.routes.map(\.target) + (r.fallback.map { [$0] } ?? [])
        default: deps = []
        }
        let replicas = c.instanceNames.map { replica(group: name, instance: $0, config) }
        let own = 1 - replicas.reduce(1.0) { $0 * (1 - $1) }
        return deps.reduce(own) { $0 * group($1, config, &seen) }
    }

    /// A replica's availability from the random failures that name it or its group.
    static func replica(group: String, instance: String, _ config: ModelConfig) -> Double {
        config.randomFailures.filter { $0.target == group || $0.target == instance }
            .reduce(1.0) { $0 * ($1.availability ?? 1) }
    }
}

/// One row of `sdsim spof`: what happened while one component was down.
public struct SpofRow: Sendable, Equatable {
    /// The component group.
    public var component: String
    /// What was crashed: the single instance, or one replica of a replicated group.
    public var crashed: String
    /// Fraction of requests that arrived during the outage and succeeded.
    public var availability: Double
    /// 99th-percentile latency of those requests, in seconds (worst workload).
    public var p99: Double
    /// Requests that arrived during the outage and failed.
    public var lost: Int
    /// Whether the SLO held during the outage.
    public var meetsSLO: Bool
    /// Why the component is (or is not) a single point of failure.
    public var reason: String
}

/// `sdsim spof`: crash each component in turn for the middle third of the run and see whether the
/// system still meets its SLO.
public enum SpofAudit {
    /// The SLO used when a scenario has none: 99.9% of requests succeed.
    public static let defaultSLO = ServiceLevelObjective(availability: 0.999)

    /// Runs one experiment per component group, on up to `jobs` threads; rows in declaration order.
    /// The experiments running at once share `budget` (see ``Runner/run(_:seed:replications:jobs:budget:progress:)``).
    public static func run(_ config: ModelConfig, seed: UInt64? = nil, jobs: Int = 1, budget: ResourceBudget = .unlimited,
                           progress: (@Sendable (Double) -> Void)? = nil) -> [SpofRow] {
        let groups = config.components
        let slots = Slots<SpofRow>(count: groups.count)
        let workers = max(1, min(jobs, groups.count))
        var shared = budget
        shared.maxMemory /= Double(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { [shared] worker in
            for g in stride(from: worker, to: groups.count, by: workers) {
                let done = slots.store(experiment(config, group: g, seed: seed, budget: shared), at: g)
                progress?(Double(done) / Double(groups.count))
            }
        }
        return slots.values()
    }

    static func experiment(_ base: ModelConfig, group index: Int, seed: UInt64?, budget: ResourceBudget = .unlimited) -> SpofRow {
        var config = base
        let group = config.components[index]
        let target = group.instanceNames[0]
        let third = SimDuration(ns: config.duration.ns / 3)
        config.failures.append(FailureEvent(at: third, action: .crash(target), duration: third))
        config.focus = (third, third + third)
        if config.warmup > third { config.warmup = .zero }
        let result = Runner.runOnce(config, seed: seed, budget: budget).result
        let completed = result.workloads.reduce(0) { $0 + ($1.focus?.completed ?? 0) }
        let failed = result.workloads.reduce(0) { $0 + ($1.focus?.failed ?? 0) }
        let availability = completed + failed == 0 ? 1 : Double(completed) / Double(completed + failed)
        let p99 = completed == 0 ? Double.nan : result.workloads.map { $0.focus?.p99 ?? 0 }.max() ?? 0
        let slo = base.slo ?? defaultSLO
        let meets = availability >= (slo.availability ?? 0) && !(p99 > (slo.p99 ?? .infinity))
        var why = reason(group, base, meets: meets, availabilityOK: availability >= (slo.availability ?? 0))
        if result.stoppedEarly != nil {
            why = "PARTIAL: the run stopped early, past the memory budget (raise it with --max-memory); " + why
        }
        return SpofRow(component: group.name, crashed: target, availability: availability, p99: p99, lost: failed,
                       meetsSLO: meets, reason: why)
    }

    /// A sentence a designer can act on.
    static func reason(_ group: ComponentConfig, _ config: ModelConfig, meets: Bool, availabilityOK: Bool) -> String {
        if case .database(let db) = group.kind { return databaseReason(db, meets: meets, availabilityOK: availabilityOK) }
        if meets { return group.replicas > 1 ? "survives: \(group.replicas - 1) of \(group.replicas) replicas carry on" : "not needed by the traffic, or failures are absorbed" }
        switch group.kind {
        case .bus: if group.replicas == 1 { return "a bus that every call passes through, with no replica" }
        case .gateway, .loadBalancer: if group.replicas == 1 { return "every request passes through it, and it has no replica" }
        default: break
        }
        if group.replicas == 1 { return "no replica and no failover" }
        let balancers = config.components.compactMap { c -> LoadBalancerConfig? in
            if case .loadBalancer(let lb) = c.kind, lb.targets == group.name { return lb }
            return nil
        }
        if balancers.contains(where: { $0.healthCheck == nil }) {
            return "replicated, but its load balancer has no health check and keeps sending to the dead replica"
        }
        return availabilityOK ? "the remaining replicas are too slow for the latency target"
            : "the remaining replicas cannot carry the load, or detection is too slow"
    }

    /// A database crash kills its primaries: what that means depends on failover and replication.
    static func databaseReason(_ db: DatabaseConfig, meets: Bool, availabilityOK: Bool) -> String {
        let lossNote = db.replication == .async && db.readReplicas > 0 && db.failover != nil
            ? "; async replication loses the writes acknowledged within the replication lag before the crash" : ""
        if meets {
            if let f = db.failover, db.readReplicas > 0 {
                return "survives: a replica is promoted after \(f.outage.seconds) s (detection + promotion)\(lossNote)"
            }
            return "not needed by the traffic, or failures are absorbed"
        }
        guard let f = db.failover else { return "primary without failover: writes fail until it restarts" }
        guard db.readReplicas > 0 else { return "failover without a read replica to promote: writes fail until the primary restarts" }
        return availabilityOK ? "the promoted replica is too slow for the latency target\(lossNote)"
            : "failover takes \(f.outage.seconds) s (detection + promotion), too long for the SLO\(lossNote)"
    }
}
