import SDEngine
import SDModels
import Yams

/// What has been read of the whole file so far.
struct ScenarioDraft {
    var name: String?
    var description = ""
    var seed: UInt64 = 1
    var duration: SimDuration?
    var durationNode: YAMLNode?
    var warmup: SimDuration = .zero
    var warmupNode: YAMLNode?
    var network = NetworkConfig()
    var workloads: [WorkloadDraft] = []
    var components: [ComponentDraft] = []
    var machines: [MachineDraft] = []
    var failures: [FailureDraft] = []
    var slo: ServiceLevelObjective?
    var lesson: String?
    var expectations: [ExpectationDraft] = []
    var population: PopulationDraft?
    /// Whether `workload:` is written (it may be left out when `population:` describes the traffic).
    var workloadGiven = false
}

/// What has been read of one workload.
struct WorkloadDraft {
    /// The workload's mapping node.
    var node: YAMLNode
    var name: String?
    var nameNode: YAMLNode?
    var arrival: ArrivalProcess?
    var route: [Reference]?
    var type = "read"
    var size: Distribution?
    var keys: KeyDistribution?
    var mix: [MixDraft]?
    var mixNode: YAMLNode?
    var timeout: SimDuration?
    var retry: RetryPolicy?
    var isWrite: Bool?
}

/// What has been read of one request class under `mix:`.
struct MixDraft {
    var node: YAMLNode
    var type: String?
    var share: Double?
    var route: [Reference]?
    var size: Distribution?
    var isWrite: Bool?
}

/// What has been read of `retry:`.
struct RetryDraft {
    var max: Int?
    var backoff: SimDuration?
    var multiplier = 2.0
    var maxBackoff: SimDuration?
    var jitter = RetryPolicy.Jitter.full
}

/// What has been read of one component group. Fields not used by its kind keep their defaults.
struct ComponentDraft {
    let name: String
    /// The key naming the component, where component-level errors point.
    let keyNode: YAMLNode
    var kind: ComponentKindSpec?
    var replicas = 1
    var workers = 1
    var service: Distribution?
    var queueLimit: Int?
    var policy: LoadBalancerPolicy = .roundRobin
    var targets: Reference?
    var hitRatio: Double?
    /// A keyed cache's capacity (nil when absent or invalid).
    var capacity: CacheCapacity?
    /// Whether `capacity` is written, valid or not.
    var capacityGiven = false
    var cachePolicy = CachePolicy.lru
    var ttl: SimDuration?
    /// Nil when absent (cache-aside) or invalid.
    var writePolicy: CacheWritePolicy?
    var flushDelay: SimDuration?
    var onMiss: Reference?
    var mode = ServerMode.tandem
    var calls: [Reference] = []
    var vnodes = 100
    var routes: [(type: String, ref: Reference)] = []
    var fallback: Reference?
    var machine: Reference?
    var placement = ReplicaPlacement.spread
    // processes and CPU around calls (Schema+Processes.swift)
    var processes = 1
    var threads: Int?
    var processLock = false
    var afterCalls: [Distribution] = []
    var afterCallsNode: YAMLNode?
    var callCost: Distribution?
    var placementNode: YAMLNode?
    var atomic = false
    var zone: String?
    var healthCheck: HealthCheck?
    var database = DatabaseDraft()
    // queue (Schema+Queue.swift)
    var consumers = 1
    var process: Distribution?
    var visibilityTimeout = SimDuration(seconds: 30)
    var maxReceives: Int?
    var deadLetter: DeadLetterDraft?
    var deadLetterNode: YAMLNode?
    var failureRate = 0.0
    var sampleEvery = SimDuration(seconds: 1)
    // polled-table (Schema+Queue.swift)
    var pollers = 1
    var pollInterval: SimDuration?
    var pollService: Distribution?
    var batch = 10
    // object-store (Schema+ObjectStore.swift)
    var connections = 50
    var firstByte: Distribution?
    var bandwidth: Double?
    var prefixRateLimit: Double?
    var prefixes = 1
    var prefixBurst: Double?
    var replicationFactor = 1
    var initialBytes = 0.0
    // feed-service (Schema+Population.swift)
    var feed = FeedServiceConfig()
}

/// One kind of component: its keys and how a finished draft becomes a ``ComponentKind``.
struct ComponentKindSpec: Sendable {
    /// The kind as written after `kind:`.
    let name: String
    /// The kind with an article, for messages ("a server").
    let article: String
    /// Whether this kind spreads requests over the replicas of its target group.
    let isLoadBalancer: Bool
    /// The allowed keys, in the order they are listed in messages.
    var fields: [FieldSpec<ComponentDraft>]
    /// Where requests may go next besides the route: (key, reference) pairs.
    let edges: @Sendable (ComponentDraft) -> [(key: String, ref: Reference)]
    /// The finished kind, or nil when a required value is missing (already reported).
    let build: @Sendable (ComponentDraft) -> ComponentKind?
    /// Checks between keys of one component (a key that needs another), after all are read.
    var check: @Sendable (ComponentDraft, YAMLNode.Mapping, Validator) -> Void = { _, _, _ in }
    /// Edge keys whose target must be of certain kinds (`dead-letter` must name a queue).
    var edgeTargetKinds: [(key: String, kinds: [String])] = []
}

/// The tables that define the scenario format. Everything is an array, so messages and
/// results follow declaration order.
enum Schema {
    // MARK: Limits

    static let replicas = 1...10_000
    static let workers = 1...1_000_000
    static let queueLimit = 0...1_000_000_000

    // MARK: Component keys

    /// `kind` itself; read before the other keys.
    static let kind = FieldSpec<ComponentDraft>("kind", required: true) { _, _, _ in }
    static let workersField = FieldSpec<ComponentDraft>("workers") { d, n, v in
        if let x = v.count(n, key: "workers", range: workers) { d.workers = x }
    }
    static let service = FieldSpec<ComponentDraft>("service", required: true, example: "service: exponential(10ms)") { d, n, v in
        d.service = v.distribution(n, key: "service", of: .duration)
    }
    static let queueLimitField = FieldSpec<ComponentDraft>("queue-limit") { d, n, v in
        d.queueLimit = v.count(n, key: "queue-limit", range: queueLimit)
    }
    static let replicasField = FieldSpec<ComponentDraft>("replicas") { d, n, v in
        if let x = v.count(n, key: "replicas", range: replicas) { d.replicas = x }
    }
    static let policy = FieldSpec<ComponentDraft>("policy") { d, n, v in
        let options = LoadBalancerPolicy.allCases.map { (name: $0.rawValue, value: $0) }
        if let p = v.choice(n, key: "policy", noun: "policy", plural: "policies", options: options, place: " in component '\(d.name)'") {
            d.policy = p
        }
    }
    static let targets = FieldSpec<ComponentDraft>("targets", required: true, example: "targets: app") { d, n, v in
        d.targets = v.reference(n, key: "targets")
    }
    static let onMiss = FieldSpec<ComponentDraft>("on-miss") { d, n, v in
        d.onMiss = v.reference(n, key: "on-miss")
    }
    static let mode = FieldSpec<ComponentDraft>("mode") { d, n, v in
        let options = ServerMode.allCases.map { (name: $0.rawValue, value: $0) }
        if let m = v.choice(n, key: "mode", noun: "mode", plural: "modes", options: options, place: " in component '\(d.name)'") {
            d.mode = m
        }
    }
    static let calls = FieldSpec<ComponentDraft>("calls") { d, n, v in
        if let refs = v.references(n, key: "calls") { d.calls = refs }
    }
    static let atomic = FieldSpec<ComponentDraft>("atomic") { d, n, v in if let b = v.bool(n, key: "atomic") { d.atomic = b } }
    static let vnodes = FieldSpec<ComponentDraft>("vnodes") { d, n, v in
        if let x = v.count(n, key: "vnodes", range: 1...10_000) { d.vnodes = x }
    }

    // MARK: Kinds

    /// Every component kind, in the order they are listed in messages.
    static let kinds: [ComponentKindSpec] = (baseKinds + moreKinds).map { spec in
        // Every kind can be placed on a machine (its replicas spread or together) and in a failure zone.
        var spec = spec
        for common in [machineField, placementField, zoneField] where !spec.fields.contains(where: { $0.key == common.key }) {
            spec.fields.append(common)
        }
        return spec
    }

    static let baseKinds: [ComponentKindSpec] = [
        ComponentKindSpec(
            name: "server", article: "a server", isLoadBalancer: false,
            fields: [kind, workersField, service, queueLimitField, mode, calls, atomic, replicasField, machineField, zoneField]
                + processFields,
            edges: { d in d.calls.map { (key: "calls", ref: $0) } },
            build: { d in
                guard let service = d.service else { return nil }
                var server: ServerConfig
                if let threads = d.threads {
                    server = .processes(d.processes, threads: threads, lock: d.processLock, service: service,
                                        calls: d.calls.map(\.name), queueLimit: d.queueLimit)
                } else {
                    server = ServerConfig(workers: d.workers, service: service, queueLimit: d.queueLimit,
                                          mode: d.mode, calls: d.calls.map(\.name), atomic: d.atomic)
                }
                server.afterCalls = d.afterCalls.count == d.calls.count ? d.afterCalls : []
                server.callCost = d.callCost
                return .server(server)
            },
            check: { d, mapping, v in v.checkServerProcesses(d, mapping) }),
        ComponentKindSpec(
            name: "load-balancer", article: "a load balancer", isLoadBalancer: true,
            fields: [kind, policy, targets, vnodes, healthCheckField, zoneField],
            edges: { d in d.targets.map { [(key: "targets", ref: $0)] } ?? [] },
            build: { d in
                guard let targets = d.targets else { return nil }
                return .loadBalancer(LoadBalancerConfig(policy: d.policy, targets: targets.name, vnodes: d.vnodes,
                                                        healthCheck: d.healthCheck))
            }),
        cacheKind,
        databaseKind,
        queueKind,
        polledTableKind,
        objectStoreKind,
    ]

    /// Kinds defined in files of their own (`Schema+*.swift`).
    static var moreKinds: [ComponentKindSpec] { [gatewayKind, busKind, feedServiceKind] }

    /// The names of all kinds.
    static var kindNames: [String] { kinds.map(\.name) }

    /// Every component key of any kind, each once, for components whose kind is unknown. A key
    /// that several kinds read differently (`policy`) accepts a value any of them accepts, and
    /// otherwise reports what the first kind's reader says.
    static var allComponentFields: [FieldSpec<ComponentDraft>] {
        var out: [FieldSpec<ComponentDraft>] = []
        for k in kinds {
            for f in k.fields {
                guard let i = out.firstIndex(where: { $0.key == f.key }) else { out.append(f); continue }
                let first = out[i]
                out[i] = FieldSpec(f.key) { d, n, v in
                    for reader in [first.read, f.read] {
                        var trial = d
                        let scratch = Validator(file: v.file, source: v.source)
                        reader(&trial, n, scratch)
                        if scratch.diagnostics.isEmpty { d = trial; return }
                    }
                    first.read(&d, n, v)
                }
            }
        }
        return out
    }

    // MARK: Workloads and network

    static let workloadFields: [FieldSpec<WorkloadDraft>] = [
        FieldSpec("name", required: true, example: "name: reads") { d, n, v in
            d.name = v.string(n, key: "name"); d.nameNode = n
        },
        FieldSpec("arrival", required: true, example: "arrival: poisson(10/s)") { d, n, v in d.arrival = v.arrival(n, key: "arrival") },
        FieldSpec("route", example: "route: [app]") { d, n, v in d.route = v.references(n, key: "route") },
        FieldSpec("type") { d, n, v in if let t = v.string(n, key: "type") { d.type = t } },
        FieldSpec("size") { d, n, v in d.size = v.distribution(n, key: "size", of: .size) },
        FieldSpec("keys") { d, n, v in d.keys = v.keys(n, key: "keys") },
        FieldSpec("mix") { d, n, v in d.mix = v.readMix(n); d.mixNode = n },
        FieldSpec("timeout") { d, n, v in d.timeout = v.duration(n, key: "timeout", positive: true) },
        FieldSpec("retry") { d, n, v in d.retry = v.readRetry(n) },
        FieldSpec("write") { d, n, v in d.isWrite = v.bool(n, key: "write") },
    ]

    static let mixFields: [FieldSpec<MixDraft>] = [
        FieldSpec("type", required: true, example: "type: write") { d, n, v in d.type = v.string(n, key: "type") },
        FieldSpec("share", required: true, example: "share: 0.1") { d, n, v in d.share = v.positiveNumber(n, key: "share") },
        FieldSpec("route") { d, n, v in d.route = v.references(n, key: "route") },
        FieldSpec("size") { d, n, v in d.size = v.distribution(n, key: "size", of: .size) },
        FieldSpec("write") { d, n, v in d.isWrite = v.bool(n, key: "write") },
    ]

    static let retryFields: [FieldSpec<RetryDraft>] = [
        FieldSpec("max", required: true, example: "max: 3") { d, n, v in d.max = v.count(n, key: "max", range: 0...1_000) },
        FieldSpec("backoff", required: true, example: "backoff: 100ms") { d, n, v in
            d.backoff = v.duration(n, key: "backoff", positive: false)
        },
        FieldSpec("multiplier") { d, n, v in
            if let x = v.positiveNumber(n, key: "multiplier") {
                if x < 1 { v.error("'multiplier' must be at least 1 (found \(Validator.text(n)))", at: n) } else { d.multiplier = x }
            }
        },
        FieldSpec("max-backoff") { d, n, v in d.maxBackoff = v.duration(n, key: "max-backoff", positive: true) },
        FieldSpec("jitter") { d, n, v in
            let options = RetryPolicy.Jitter.allCases.map { (name: $0.rawValue, value: $0) }
            if let j = v.choice(n, key: "jitter", noun: "jitter", plural: "jitters", options: options, place: " in 'retry'") {
                d.jitter = j
            }
        },
    ]

    static let networkFields: [FieldSpec<NetworkConfig>] = [
        FieldSpec("latency") { d, n, v in d.latency = v.distribution(n, key: "latency", of: .duration) },
        FieldSpec("local-latency") { d, n, v in d.localLatency = v.distribution(n, key: "local-latency", of: .duration) },
    ]

    // MARK: Top level

    static let topLevelFields: [FieldSpec<ScenarioDraft>] = [
        FieldSpec("name", required: true, example: "name: my-scenario") { d, n, v in d.name = v.string(n, key: "name") },
        FieldSpec("description") { d, n, v in
            if Validator.isNull(n) { return }
            if let s = v.scalarText(n, key: "description", expected: "a string") { d.description = s }
        },
        FieldSpec("seed") { d, n, v in if let s = v.seed(n, key: "seed") { d.seed = s } },
        FieldSpec("duration", required: true, example: "duration: 60s") { d, n, v in
            d.duration = v.duration(n, key: "duration", positive: true); d.durationNode = n
        },
        FieldSpec("warmup") { d, n, v in
            if let w = v.duration(n, key: "warmup", positive: false) { d.warmup = w; d.warmupNode = n }
        },
        FieldSpec("network") { d, n, v in v.readNetwork(n, into: &d.network) },
        FieldSpec("workload") { d, n, v in d.workloads = v.readWorkloads(n); d.workloadGiven = true },
        FieldSpec("population") { d, n, v in d.population = v.readPopulation(n) },
        FieldSpec("components", required: true) { d, n, v in d.components = v.readComponents(n) },
        FieldSpec("machines") { d, n, v in d.machines = v.readMachines(n) },
        FieldSpec("failures") { d, n, v in d.failures = v.readFailures(n) },
        FieldSpec("slo") { d, n, v in d.slo = v.readSLO(n) },
        lessonField,
        expectField,
    ]
}
