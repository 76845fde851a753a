import Dispatch
import SDEngine
import SDMetrics
import SDConfig
import SDModels

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
        let deps = c.kind.dependencies
        // A dispatcher's tasks wait for any live worker: its workers are its replicas.
        var instances = c.instanceNames
        if case .dispatcher(let d) = c.kind { instances = (1...d.workers).map { "\(name).worker-\($0)" } }
        let replicas = instances.map { replica(group: name, instance: $0, config) }
        let own = 1 - replicas.reduce(1.0) { $0 * (1 - $1) }
        return deps.reduce(own) { $0 * group($1, config, &seen) }
    }

    /// A replica's availability from the random failures that name it or its group.
    static func replica(group: String, instance: String, _ config: ModelConfig) -> Double {
        config.randomFailures.filter { $0.target == group || $0.target == instance }
            .reduce(1.0) { $0 * ($1.availability ?? 1) }
    }
}
