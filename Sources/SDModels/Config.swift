import SDEngine

/// Everything a run needs, resolved from a scenario file: names checked, units converted to
/// base units (seconds, bytes, per-second rates). The scenario loader builds it; tests may too.
public struct ModelConfig: Sendable, Equatable {
    /// The scenario's name, printed in every report.
    public var name: String
    /// The scenario's one-line description.
    public var description: String
    /// The seed every random stream is derived from.
    public var seed: UInt64
    /// The whole simulated time, warm-up included.
    public var duration: SimDuration
    /// The first part of `duration` whose requests are not counted in statistics.
    public var warmup: SimDuration
    /// The network between components.
    public var network: NetworkConfig
    /// The traffic sources, in declaration order.
    public var workloads: [WorkloadConfig]
    /// The component groups, in declaration order. A group with `replicas > 1` becomes
    /// `name-1 … name-N` at run time.
    public var components: [ComponentConfig]

    /// A configuration with the given parts; `network` defaults to zero-latency hops.
    public init(name: String, description: String = "", seed: UInt64, duration: SimDuration,
                warmup: SimDuration = .zero, network: NetworkConfig = NetworkConfig(),
                workloads: [WorkloadConfig], components: [ComponentConfig]) {
        self.name = name; self.description = description; self.seed = seed
        self.duration = duration; self.warmup = warmup; self.network = network
        self.workloads = workloads; self.components = components
    }
}

/// The simulated network. With no latency, a hop costs no time.
public struct NetworkConfig: Sendable, Equatable {
    /// One-way latency of every hop between two components (and between a client and the first hop), in seconds.
    public var latency: Distribution?

    /// A network whose hops take `latency` (nil: zero-latency hops).
    public init(latency: Distribution? = nil) { self.latency = latency }
}

/// How a workload's requests arrive.
public enum ArrivalProcess: Sendable, Equatable {
    /// A Poisson process: exponential gaps with the given rate per second.
    case poisson(ratePerSecond: Double)
    /// A renewal process whose gaps (in seconds) follow the distribution.
    case interarrival(Distribution)

    /// Mean arrivals per second.
    public var ratePerSecond: Double? {
        switch self {
        case .poisson(let r): return r
        case .interarrival(let d): return d.mean.flatMap { $0 > 0 ? 1 / $0 : nil }
        }
    }
}

/// One kind of traffic: requests that arrive by `arrival` and visit `route` in order.
public struct WorkloadConfig: Sendable, Equatable {
    /// The workload's name in reports.
    public var name: String
    /// The arrival process.
    public var arrival: ArrivalProcess
    /// Component group names, visited in order; the response then travels back to the client.
    public var route: [String]

    /// A workload.
    public init(name: String, arrival: ArrivalProcess, route: [String]) {
        self.name = name; self.arrival = arrival; self.route = route
    }
}

/// A component group: one kind of building block, possibly replicated.
public struct ComponentConfig: Sendable, Equatable {
    /// The group's name; replicas are named `name-1 … name-N`.
    public var name: String
    /// How many identical copies run (≥ 1).
    public var replicas: Int
    /// What the component is, with its parameters.
    public var kind: ComponentKind

    /// A component group.
    public init(name: String, replicas: Int = 1, kind: ComponentKind) {
        self.name = name; self.replicas = replicas; self.kind = kind
    }

    /// Names of the run-time instances: `[name]`, or `name-1 … name-N` when replicated.
    public var instanceNames: [String] {
        replicas == 1 ? [name] : (1...replicas).map { "\(name)-\($0)" }
    }
}

/// The kinds of building block, each with its own parameters.
public enum ComponentKind: Sendable, Equatable {
    /// A pool of workers in front of a FIFO queue.
    case server(ServerConfig)
    /// Spreads requests across the replicas of its target group.
    case loadBalancer(LoadBalancerConfig)
    /// Answers a fraction of requests itself; sends misses to another component.
    case cache(CacheConfig)

    /// The name used in scenario files and reports.
    public var name: String {
        switch self {
        case .server: return "server"
        case .loadBalancer: return "load-balancer"
        case .cache: return "cache"
        }
    }
}

/// A station with `workers` identical workers and a FIFO waiting room.
public struct ServerConfig: Sendable, Equatable {
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Service time of one request, in seconds.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited, 0 rejects any arrival that finds all workers busy.
    public var queueLimit: Int?

    /// A server.
    public init(workers: Int = 1, service: Distribution, queueLimit: Int? = nil) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit
    }
}

/// How a load balancer picks a target replica.
public enum LoadBalancerPolicy: String, Sendable, Equatable, CaseIterable {
    /// Each replica in turn.
    case roundRobin = "round-robin"
    /// A uniformly random replica.
    case random
}

/// A load balancer in front of a replicated group. It adds no service time.
public struct LoadBalancerConfig: Sendable, Equatable {
    /// How a replica is chosen.
    public var policy: LoadBalancerPolicy
    /// The group whose replicas receive the requests.
    public var targets: String

    /// A load balancer.
    public init(policy: LoadBalancerPolicy, targets: String) { self.policy = policy; self.targets = targets }
}

/// A cache in its simple form: a hit ratio and a service time; misses go to `onMiss`.
public struct CacheConfig: Sendable, Equatable {
    /// Probability that a request is answered by the cache.
    public var hitRatio: Double
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Time to look up (and answer) one request, in seconds; paid by hits and misses alike.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited.
    public var queueLimit: Int?
    /// The group that serves misses; nil means a miss costs nothing more.
    public var onMiss: String?

    /// A cache.
    public init(hitRatio: Double, workers: Int = 1, service: Distribution, queueLimit: Int? = nil, onMiss: String? = nil) {
        self.hitRatio = hitRatio; self.workers = workers; self.service = service
        self.queueLimit = queueLimit; self.onMiss = onMiss
    }
}
