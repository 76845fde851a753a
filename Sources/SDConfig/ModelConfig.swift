import SDEngine
#if canImport(Glibc)
import Glibc
#endif

/// Everything a run needs, resolved from a scenario file: names checked, units converted to
/// base units (seconds, bytes, per-second rates). The scenario loader builds it; tests may too.
public struct ModelConfig: Sendable, Equatable {
    public static func == (a: ModelConfig, b: ModelConfig) -> Bool {
        a.name == b.name && a.description == b.description && a.seed == b.seed && a.duration == b.duration
            && a.warmup == b.warmup && a.network == b.network && a.workloads == b.workloads && a.components == b.components
            && a.machines == b.machines && a.failures == b.failures && a.randomFailures == b.randomFailures
            && a.slo == b.slo && a.lesson == b.lesson && a.expectations == b.expectations && a.focus?.start == b.focus?.start && a.focus?.end == b.focus?.end
            && a.population == b.population && a.scaling == b.scaling && a.autoscaling == b.autoscaling
            && a.regions == b.regions
    }

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
    /// Machine types that components can be placed on (`machine:`), in declaration order.
    public var machines: [MachineConfig] = []
    /// Failures at fixed times, in declaration order.
    public var failures: [FailureEvent] = []
    /// Failures that come and go at random (MTTF/MTTR), in declaration order.
    public var randomFailures: [RandomFailure] = []
    /// Targets for availability and latency (`slo:`), used by `sdsim spof` and reports.
    public var slo: ServiceLevelObjective?
    /// What the scenario teaches, in a few sentences (`lesson:`); printed at the top of reports.
    public var lesson: String?
    /// Assertions about the results, checked after the run (`expect:`), in declaration order.
    public var expectations: [Expectation] = []
    /// A window of arrival times whose requests are also measured on their own (`sdsim spof`
    /// measures the outage this way).
    public var focus: (start: SimDuration, end: SimDuration)?
    /// The user population (`population:`), whose activities are among ``workloads`` (one each,
    /// after the workloads written out), and whose follower graph a feed service reads.
    public var population: PopulationConfig?
    /// Changes of the active replicas of groups at given times (`scale:`), in time order.
    public var scaling: [ScaleEvent] = []
    /// Autoscalers on utilization (`autoscale:`), in declaration order.
    public var autoscaling: [AutoscalePolicy] = []
    /// Where the users live (`regions:`), in declaration order; every workload's requests carry one.
    public var regions: [RegionConfig] = []
    /// Whether the scenario scales any group (`scale:` or `autoscale:`).
    public var hasScaling: Bool { !scaling.isEmpty || !autoscaling.isEmpty }

    /// Every request type used by any workload, in order of first appearance.
    public var requestTypes: [String] {
        var out: [String] = []
        for w in workloads { for c in w.mix where !out.contains(c.type) { out.append(c.type) } }
        return out
    }

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
    /// One-way latency of a call between two components on the same machine (nil: zero).
    public var localLatency: Distribution?
    /// Bytes per second of each component's outgoing link (nil: transfers take no time). See `Links`.
    public var bandwidth: Double?
    /// Bytes per second of each user's uplink (nil: sending takes no time).
    public var clientUplink: Double?
    /// Bytes per second of each user's downlink (nil: receiving takes no time).
    public var clientDownlink: Double?
    /// Price of one gigabyte (10⁹ bytes) delivered to clients (nil: not priced).
    public var egressCostPerGB: Double?

    /// A network whose hops take `latency` (nil: zero-latency hops).
    public init(latency: Distribution? = nil, localLatency: Distribution? = nil, bandwidth: Double? = nil,
                clientUplink: Double? = nil, clientDownlink: Double? = nil, egressCostPerGB: Double? = nil) {
        self.latency = latency; self.localLatency = localLatency; self.bandwidth = bandwidth
        self.clientUplink = clientUplink; self.clientDownlink = clientDownlink; self.egressCostPerGB = egressCostPerGB
    }
}

/// How a workload's requests arrive.
public enum ArrivalProcess: Sendable, Equatable {
    /// A Poisson process: exponential gaps with the given rate per second.
    case poisson(ratePerSecond: Double)
    /// A renewal process whose gaps (in seconds) follow the distribution.
    case interarrival(Distribution)
    /// A non-homogeneous Poisson process whose rate follows a daily and weekly cycle (generated by thinning).
    case cyclic(CyclicRate)

    /// Mean arrivals per second.
    public var ratePerSecond: Double? {
        switch self {
        case .poisson(let r): return r
        case .interarrival(let d): return d.mean.flatMap { $0 > 0 ? 1 / $0 : nil }
        case .cyclic(let c): return c.mean
        }
    }
}

/// One kind of traffic: requests that arrive by `arrival`, each of one request class drawn by share,
/// and visit that class's route in order.
public struct WorkloadConfig: Sendable, Equatable {
    /// The workload's name in reports.
    public var name: String
    /// The arrival process.
    public var arrival: ArrivalProcess
    /// The request classes (type, share, route, size). A workload without `mix:` has one.
    public var mix: [RequestClass]
    /// Which keys requests read or write (nil: requests carry no key).
    public var keys: KeyDistribution?
    /// How long the client waits for a response before giving up on an attempt (nil: forever).
    public var timeout: SimDuration?
    /// What the client does after a timeout or a rejection (nil: nothing; the request fails).
    public var retry: RetryPolicy?
    /// When the first arrival may come (`start:`, from the start of the run); before it the workload sends nothing.
    public var start: SimDuration = .zero
    /// When arrivals stop (`stop:`; nil: at the end of the run). With `start`, a burst or a load step.
    public var stop: SimDuration?
    /// The regions its requests come from (``ModelConfig/regions``; empty: none). Each request
    /// carries one, drawn by share (by the shifted cycles under a population), and its key comes
    /// from the region's block of the key space (``RegionConfig/blocks(_:keySpace:)``).
    public var regions: [RegionConfig] = []

    /// The fraction of the time from `from` to `to` (seconds) during which the workload sends.
    public func activeFraction(from: Double, to: Double) -> Double {
        guard to > from else { return start.seconds <= from && (stop.map { $0.seconds > from } ?? true) ? 1 : 0 }
        let a = Swift.max(from, start.seconds), b = Swift.min(to, stop?.seconds ?? to)
        return Swift.max(0, b - a) / (to - from)
    }

    /// A workload with a single request class of type `type`.
    public init(name: String, arrival: ArrivalProcess, route: [String], type: String = "read",
                size: Distribution? = nil, keys: KeyDistribution? = nil, timeout: SimDuration? = nil,
                retry: RetryPolicy? = nil, isWrite: Bool? = nil) {
        self.init(name: name, arrival: arrival,
                  mix: [RequestClass(type: type, share: 1, route: route, size: size, isWrite: isWrite)],
                  keys: keys, timeout: timeout, retry: retry)
    }

    /// A workload mixing several request classes.
    public init(name: String, arrival: ArrivalProcess, mix: [RequestClass], keys: KeyDistribution? = nil,
                timeout: SimDuration? = nil, retry: RetryPolicy? = nil) {
        self.name = name; self.arrival = arrival; self.mix = mix; self.keys = keys
        self.timeout = timeout; self.retry = retry
    }

    /// The route of the first request class (the only one for workloads without `mix:`).
    public var route: [String] { mix[0].route }
}

/// One class of requests within a workload: a type that components react to, its share of the
/// workload's arrivals, its own route, and the size of its payload.
public struct RequestClass: Sendable, Equatable {
    /// The request type (`read`, `write`, `upload`, …).
    public var type: String
    /// Fraction of the workload's arrivals (shares are normalised to sum to 1).
    public var share: Double
    /// Component group names, visited in order.
    public var route: [String]
    /// Payload size in bytes (nil: no payload).
    public var size: Distribution?
    /// Whether requests of this class change data (caches invalidate, databases send them to the primary).
    public var isWrite: Bool
    /// What the request carries to particular components instead of `size` (`payload:`): the
    /// metadata row it writes to a database, the message it puts on a queue. In declaration order.
    public var payloads: [HopPayload] = []
    /// Derived objects an object store keeps next to each uploaded payload (thumbnails), in bytes.
    public var copies: [Double] = []

    /// Request types that are writes unless a scenario says otherwise.
    public static let writeTypes: Set<String> = ["write", "upload", "update", "delete", "create", "insert", "post", "put",
                                                 "follow", "unfollow", "like", "comment"]

    /// A request class; `isWrite` defaults from the type's name (``writeTypes``).
    public init(type: String, share: Double, route: [String], size: Distribution? = nil, isWrite: Bool? = nil,
                payloads: [HopPayload] = [], copies: [Double] = []) {
        self.type = type; self.share = share; self.route = route; self.size = size
        self.isWrite = isWrite ?? RequestClass.writeTypes.contains(type)
        self.payloads = payloads; self.copies = copies
    }
}

/// Retries after a timeout or a rejection: exponential backoff with jitter.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (so at most `maxRetries + 1` attempts).
    public var maxRetries: Int
    /// Wait before the first retry.
    public var backoff: SimDuration
    /// Each further retry waits this many times longer.
    public var multiplier: Double
    /// Longest wait between attempts.
    public var maxBackoff: SimDuration
    /// How the wait is randomised, so that clients do not retry in lockstep.
    public var jitter: Jitter

    /// Jitter strategies (see "Exponential Backoff And Jitter").
    public enum Jitter: String, Sendable, Equatable, CaseIterable {
        /// Exactly the computed wait.
        case none
        /// Uniform between 0 and the computed wait.
        case full
        /// Half the computed wait plus a uniform share of the other half.
        case equal
    }

    /// A retry policy.
    public init(maxRetries: Int, backoff: SimDuration, multiplier: Double = 2, maxBackoff: SimDuration? = nil,
                jitter: Jitter = .full) {
        self.maxRetries = maxRetries; self.backoff = backoff; self.multiplier = multiplier
        self.maxBackoff = maxBackoff ?? SimDuration(ns: backoff.ns.multipliedReportingOverflow(by: 64).overflow ? .max / 4 : backoff.ns * 64)
        self.jitter = jitter
    }

    /// The wait before retry number `retry` (1 for the first), before jitter.
    public func delay(beforeRetry retry: Int) -> SimDuration {
        let base = backoff.seconds * pow(multiplier, Double(max(retry - 1, 0)))
        return min(SimDuration(seconds: base), maxBackoff)
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
    /// The failure zone it is in (a zone outage takes down every component in it).
    public var zone: String?
    /// Replicas active at the start when `scale:` changes their number (nil: all `replicas`, which
    /// is then the most the group ever has).
    public var activeReplicas: Int?
    /// The machine type it runs on (nil: it has machines of its own, as many cores as workers).
    /// Replica i of a group runs on machine instance `machine-i`, shared with replica i of every
    /// other replicated group on the same machine type; an unreplicated group runs on `machine`.
    /// With ``placement`` `.together` every replica runs on the one instance `machine`.
    public var machine: String?
    /// Where the replicas of a placed group run: one per machine (`spread`), or all on one.
    public var placement: ReplicaPlacement = .spread

    /// A component group.
    public init(name: String, replicas: Int = 1, kind: ComponentKind, machine: String? = nil,
                placement: ReplicaPlacement = .spread) {
        self.name = name; self.replicas = replicas; self.kind = kind; self.machine = machine; self.placement = placement
    }

    /// The machine instance that replica `index` (0-based) runs on, if placed.
    public func machineInstance(replica index: Int) -> String? {
        machine.map { replicas == 1 || placement == .together ? $0 : "\($0)-\(index + 1)" }
    }

    /// Names of the run-time instances: `[name]`, or `name-1 … name-N` when replicated.
    public var instanceNames: [String] {
        replicas == 1 ? [name] : (1...replicas).map { "\(name)-\($0)" }
    }
}

/// Where the replicas of a group placed on a machine type run.
public enum ReplicaPlacement: String, Sendable, Equatable, CaseIterable {
    /// Replica i on machine instance `machine-i` (scaling out).
    case spread
    /// Every replica on the one machine instance `machine`, sharing its cores: several processes
    /// on one box (scaling up).
    case together
}

/// The kinds of building block, each with its own parameters.
public enum ComponentKind: Sendable, Equatable {
    /// A pool of workers in front of a FIFO queue.
    case server(ServerConfig)
    /// Spreads requests across the replicas of its target group.
    case loadBalancer(LoadBalancerConfig)
    /// Answers some requests itself (a fixed fraction, or the keys it holds); sends misses to another component.
    case cache(CacheConfig)
    /// Sends each request to the service for its type (microservices behind an API gateway).
    case gateway(RouterConfig)
    /// An enterprise service bus: every call and every reply passes through its workers.
    case bus(RouterConfig)
    /// A primary with read replicas, connection pools, shards and scatter-gather queries.
    case database(DatabaseConfig)
    /// A message queue (SQS-like): producers enqueue and move on; consumers pull and acknowledge.
    case queue(QueueConfig)
    /// A database table used as a queue: producers insert rows, pollers query for them.
    case polledTable(PolledTableConfig)
    /// An object store (S3-like): transfers at a per-connection bandwidth, per-prefix rate limits.
    case objectStore(ObjectStoreConfig)
    /// A feed generation service: fan-out on write, on read, or both (a social network's news feed).
    case feedService(FeedServiceConfig)
    /// An edge cache in front of an origin (a CDN in front of an object store).
    case cdn(CDNConfig)
    /// A key-value / wide-column store with N replicas and read and write quorums R and W.
    case kvStore(KVStoreConfig)
    /// A task dispatcher that watches a pool of workers by heartbeats and reassigns the tasks of dead ones.
    case dispatcher(DispatcherConfig)

    /// The name used in scenario files and reports.
    public var name: String {
        switch self {
        case .server: return "server"
        case .loadBalancer: return "load-balancer"
        case .cache: return "cache"
        case .gateway: return "gateway"
        case .bus: return "bus"
        case .database: return "database"
        case .queue: return "queue"
        case .polledTable: return "polled-table"
        case .objectStore: return "object-store"
        case .feedService: return "feed-service"
        case .cdn: return "cdn"
        case .kvStore: return "kv-store"
        case .dispatcher: return "dispatcher"
        }
    }
}

/// Service-level objectives: what "working" means for this system.
public struct ServiceLevelObjective: Sendable, Equatable {
    /// Fraction of requests that must succeed (e.g. 0.999).
    public var availability: Double?
    /// The 99th-percentile latency that must not be exceeded, in seconds.
    public var p99: Double?

    /// An SLO.
    public init(availability: Double? = nil, p99: Double? = nil) { self.availability = availability; self.p99 = p99 }

    /// Whether an availability falls below the objective's (never without one).
    public func breaks(availability a: Double) -> Bool { a < (availability ?? 0) }

    /// Whether a p99 exceeds the objective's (never without one, nor for an unmeasured NaN).
    public func breaks(p99 x: Double) -> Bool { x > (p99 ?? .infinity) }
}
