import SDEngine
import SDConfig
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
    var scale: [ScaleDraft] = []
    var autoscale: [AutoscaleDraft] = []
    var regions: [RegionDraft] = []
    var regionsNode: YAMLNode?
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
    var payloads: [PayloadDraft] = []
    var copies: [Double] = []
    var start: SimDuration?
    var startNode: YAMLNode?
    var stop: SimDuration?
    var stopNode: YAMLNode?
}

/// What has been read of one request class under `mix:`.
struct MixDraft {
    var node: YAMLNode
    var type: String?
    var share: Double?
    var route: [Reference]?
    var size: Distribution?
    var isWrite: Bool?
    /// Nil when not written (the workload's apply).
    var payloads: [PayloadDraft]?
    var copies: [Double]?
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
    /// Whether the capacity is written as `maxmemory` (Redis's per-entry overhead by default).
    var maxmemoryGiven = false
    var cachePolicy = CachePolicy.lru
    var ttl: SimDuration?
    /// Nil when absent (cache-aside) or invalid.
    var writePolicy: CacheWritePolicy?
    var flushDelay: SimDuration?
    var cacheFill: Distribution?
    /// A keyed cache starts full (`warm: true`).
    var warm = false
    /// A feed service's cache of feeds (`feed-cache:`).
    var feedCache: Reference?
    /// Replicas active at the start when `scale:` changes them (`replicas` is then the most it has).
    var activeReplicas: Int?
    /// Redis policies and memory (nil: Redis's defaults).
    var entryOverhead: Double?
    var samples: Int?
    var lruClockResolution: SimDuration?
    var lfuLogFactor: Double?
    var lfuDecayTime: Int?
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
    var switchInterval: SimDuration?
    var afterCalls: [Distribution] = []
    var afterCallsNode: YAMLNode?
    var callCost: Distribution?
    var placementNode: YAMLNode?
    var atomic = false
    var zone: String?
    var healthCheck: HealthCheck?
    /// A replicated load balancer's shared address (`redundancy:`, `detection:`).
    var redundancy = "virtual-ip"
    var detection = LoadBalancerRedundancy.defaultDetection
    var database = DatabaseDraft()
    /// `data-model:` and the keys of each data model (Schema+DataModel.swift).
    var dataModel = DataModelDraft()
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
    /// cdn (Schema+CDN.swift)
    var cdn = CDNDraft()
    /// kv-store (Schema+KVStore.swift)
    var kv = KVStoreDraft()
    var kvReplicationGiven = false
    /// dispatcher (Schema+Dispatcher.swift)
    var dispatcher = DispatcherDraft()
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
    /// Edge keys that may name a replicated group directly (`feed-cache`: the component reaches
    /// every replica's share itself, as a client of a sharded cache does).
    var replicatedEdgeKeys: [String] = []
    /// What the kind is and how it treats a request, for the generated reference (Markdown).
    var help: String = ""
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
    static let kind = FieldSpec<ComponentDraft>("kind", required: true, help: "What the component is; it decides which other keys apply.",
                                                  shape: .kindName) { _, _, _ in }
    static let workersField = FieldSpec<ComponentDraft>(
        "workers", help: "Requests served in parallel.", shape: .count(workers), default: "1") { d, n, v in
        if let x = v.count(n, key: "workers", range: workers) { d.workers = x }
    }
    static let service = FieldSpec<ComponentDraft>(
        "service", required: true, example: "service: exponential(10ms)", help: "Service time of one request.",
        shape: .distribution(.duration)) { d, n, v in
        d.service = v.distribution(n, key: "service", of: .duration)
    }
    static let queueLimitField = FieldSpec<ComponentDraft>(
        "queue-limit",
        help: "Places in the waiting room. An arrival that finds all workers busy and the room full is rejected; `0` means no waiting at all (Erlang B).",
        shape: .count(queueLimit), default: "unlimited") { d, n, v in
        d.queueLimit = v.count(n, key: "queue-limit", range: queueLimit)
    }
    static let replicasField = FieldSpec<ComponentDraft>(
        "replicas",
        help: "Identical copies `NAME-1` … `NAME-N`, reached through a load balancer that targets the group.",
        shape: .count(replicas), default: "1") { d, n, v in
        if let x = v.count(n, key: "replicas", range: replicas) { d.replicas = x }
    }
    static let policy = FieldSpec<ComponentDraft>(
        "policy",
        help: "How a replica is chosen: `round-robin` (each in turn), `random`, `least-connections` (fewest outstanding; ties: the first), "
            + "`power-of-two` (two random replicas, the one with fewer outstanding), `hash` (the request's key mod the number of replicas) "
            + "or `consistent-hash` (a ring with `vnodes` points per replica). The hash policies need a workload with `keys`.",
        shape: .choice(LoadBalancerPolicy.allCases.map(\.rawValue)), default: "round-robin") { d, n, v in
        let options = LoadBalancerPolicy.allCases.map { (name: $0.rawValue, value: $0) }
        if let p = v.choice(n, key: "policy", noun: "policy", plural: "policies", options: options, place: " in component '\(d.name)'") {
            d.policy = p
        }
    }
    static let targets = FieldSpec<ComponentDraft>(
        "targets", required: true, example: "targets: app",
        help: "The group whose replicas receive the requests; not itself, not a load balancer. It follows the balancer in routes.",
        shape: .name) { d, n, v in
        d.targets = v.reference(n, key: "targets")
    }
    static let onMiss = FieldSpec<ComponentDraft>(
        "on-miss",
        help: "Where a miss goes; when its answer comes back, the request moves on along its route. Without it a miss costs only the lookup.",
        shape: .name) { d, n, v in
        d.onMiss = v.reference(n, key: "on-miss")
    }
    static let mode = FieldSpec<ComponentDraft>(
        "mode",
        help: "`tandem`: a worker is free when its service time ends. `thread-per-request`: a worker stays with its request until the "
            + "response leaves the server, through all its calls and later hops, so a slow downstream component can exhaust the pool.",
        shape: .choice(ServerMode.allCases.map(\.rawValue)), default: "tandem") { d, n, v in
        let options = ServerMode.allCases.map { (name: $0.rawValue, value: $0) }
        if let m = v.choice(n, key: "mode", noun: "mode", plural: "modes", options: options, place: " in component '\(d.name)'") {
            d.mode = m
        }
    }
    static let calls = FieldSpec<ComponentDraft>(
        "calls", help: "Components called in order after the service time, each answering before the next is called. A failed call fails the request. "
            + "At most \(ComponentEdge.maxCalls) calls.",
        shape: .names) { d, n, v in
        guard let refs = v.references(n, key: "calls") else { return }
        guard refs.count <= ComponentEdge.maxCalls else {
            return v.error("'calls' names \(refs.count) components; a component makes at most \(ComponentEdge.maxCalls) calls per request: "
                           + "put a service in front of some of them and call that", at: n)
        }
        d.calls = refs
    }
    static let atomic = FieldSpec<ComponentDraft>(
        "atomic",
        help: "Whether `calls` form one transaction. A participant on another machine costs a two-phase commit (prepare, holding its worker "
            + "as a lock, then commit); when all share the server's machine it commits locally. A failed prepare aborts.",
        shape: .flag, default: "false") { d, n, v in if let b = v.bool(n, key: "atomic") { d.atomic = b } }
    static let vnodes = FieldSpec<ComponentDraft>(
        "vnodes", help: "Virtual nodes per replica on the hash ring (`policy: consistent-hash` only).", shape: .count(1...10_000),
        default: "100") { d, n, v in
        if let x = v.count(n, key: "vnodes", range: 1...10_000) { d.vnodes = x }
    }
    /// How a replicated load balancer's replicas share one address: `virtual-ip` (keepalived/VRRP,
    /// the default) or `dns` (round robin; clients retry the next address).
    static let redundancy = FieldSpec<ComponentDraft>(
        "redundancy",
        help: "How the replicas of a replicated load balancer (`replicas: 2` or more) share one address: `virtual-ip` (keepalived/VRRP: "
            + "one replica holds the address and takes all traffic; when it dies the next one up takes the address after `detection`; "
            + "requests sent in between fail) or `dns` (round robin over the replicas' addresses; an attempt that reaches a dead "
            + "replica is refused and the workload's `retry:` sends the next attempt to the next address).",
        shape: .choice(["virtual-ip", "dns"]), default: "virtual-ip") { d, n, v in
        let options = ["virtual-ip", "dns"].map { (name: $0, value: $0) }
        if let r = v.choice(n, key: "redundancy", noun: "redundancy", plural: "redundancy modes", options: options,
                            place: " in component '\(d.name)'") {
            d.redundancy = r
        }
    }
    /// `virtual-ip`: how long after the holder dies a backup takes the address over (default 3s).
    static let detection = FieldSpec<ComponentDraft>(
        "detection",
        help: "With `redundancy: virtual-ip`: how long after the replica holding the address dies a backup takes it over "
            + "(keepalived: about three missed advertisements).",
        shape: .duration(positive: true), default: "3s") { d, n, v in
        if let t = v.duration(n, key: "detection", positive: true) { d.detection = t }
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
                if d.processLock { server.switchInterval = d.switchInterval }
                return .server(server)
            },
            check: { d, mapping, v in v.checkServerProcesses(d, mapping) },
            help: """
            A pool of identical workers in front of one FIFO waiting room. An arriving request is served at once if a worker \
            is free; otherwise it waits, or is rejected if the waiting room is full. After its service time the server makes \
            its `calls`, one after another; then the request moves on along its route. A server at the end of a keyed \
            request's path is its system of record: it commits writes and answers reads with the latest version. A server \
            can run as `processes` of `threads` each, with a `process-lock` (an interpreter lock, an event loop), and compute \
            again after each call (`after-calls`, `call-cost`).
            """),
        ComponentKindSpec(
            name: "load-balancer", article: "a load balancer", isLoadBalancer: true,
            fields: [kind, policy, targets, vnodes, healthCheckField, replicasField, redundancy, detection, zoneField],
            edges: { d in d.targets.map { [(key: "targets", ref: $0)] } ?? [] },
            build: { d in
                guard let targets = d.targets else { return nil }
                return .loadBalancer(LoadBalancerConfig(policy: d.policy, targets: targets.name, vnodes: d.vnodes,
                                                        healthCheck: d.healthCheck,
                                                        redundancy: d.redundancy == "dns" ? .dns : .virtualIP(detection: d.detection)))
            },
            help: """
            Sends each request to one replica of its target group. It adds no service time and has no queue, but it is a \
            hop: with network latency, requests pay for reaching it and for leaving it. It sends only to replicas it believes \
            are up; with none, the request fails with reason `target-down`. With `replicas: 2` or more it is itself redundant: \
            its replicas share one address (`redundancy:`), so losing one loses only what it held and what arrives before \
            the address moves.
            """),
        cacheKind,
        databaseKind,
        queueKind,
        polledTableKind,
        objectStoreKind,
    ]

    /// Kinds defined in files of their own (`Schema+*.swift`).
    static var moreKinds: [ComponentKindSpec] { [gatewayKind, busKind, feedServiceKind, cdnKind, kvStoreKind, dispatcherKind] }

    /// The names of all kinds.
    static var kindNames: [String] { kinds.map(\.name) }

    /// Every component key of any kind, each once, for components whose kind is unknown. A key
    /// that several kinds read differently (`policy`) accepts a value any of them accepts, and
    /// otherwise reports what the first kind's reader says.
    ///
    /// Each key's readers are tried once each, in kind order (at most one trial per kind), so
    /// reading a value costs time linear in the number of kinds, never exponential.
    static var allComponentFields: [FieldSpec<ComponentDraft>] {
        var keys: [String] = []
        var readers: [String: [FieldSpec<ComponentDraft>]] = [:]
        for k in kinds {
            for f in k.fields {
                if readers[f.key] == nil { keys.append(f.key) }
                readers[f.key, default: []].append(f)
            }
        }
        return keys.map { key in
            let specs = readers[key]!
            guard specs.count > 1 else { return specs[0] }
            let first = specs[0]
            return FieldSpec(key, help: first.help, shape: first.shape, default: first.defaultValue) { d, n, v in
                for reader in specs.map(\.read) {
                    var trial = d
                    let scratch = Validator(file: v.file, source: v.source)
                    reader(&trial, n, scratch)
                    if scratch.diagnostics.isEmpty { d = trial; return }
                }
                first.read(&d, n, v)
            }
        }
    }

    // MARK: Workloads and network

    static let workloadFields: [FieldSpec<WorkloadDraft>] = [
        FieldSpec("name", required: true, example: "name: reads", help: "The workload's name in reports; unique among workloads.",
                  shape: .text) { d, n, v in
            d.name = v.name(n, key: "name"); d.nameNode = n
        },
        FieldSpec("arrival", required: true, example: "arrival: poisson(10/s)",
                  help: "When requests arrive: `poisson(RATE)`, or a duration distribution of the gaps between arrivals.",
                  shape: .arrival) { d, n, v in d.arrival = v.arrival(n, key: "arrival") },
        FieldSpec("route", example: "route: [app]",
                  help: "The components a request visits, in order, e.g. `[lb, app, cache]`. Required unless every `mix` entry has one; "
                      + "with `mix`, the default route of its entries.",
                  shape: .names) { d, n, v in d.route = v.references(n, key: "route") },
        FieldSpec("type", help: "The request type of every request (not with `mix`). Gateways and buses route by type; writes are treated "
                      + "differently by caches, databases and object stores.",
                  shape: .text, default: "read") { d, n, v in if let t = v.name(n, key: "type") { d.type = t } },
        FieldSpec("size", help: "Payload size of each request, e.g. `constant(4KB)`. With `mix`, the default of its entries.",
                  shape: .distribution(.size), default: "no payload") { d, n, v in d.size = v.distribution(n, key: "size", of: .size) },
        FieldSpec("keys", help: "Which key each request reads or writes: `zipf(N, S)` or `uniform(N)`. Needed when requests reach a keyed "
                      + "cache, a sharded database or a hash load balancer.",
                  shape: .keys, default: "key 0") { d, n, v in d.keys = v.keys(n, key: "keys") },
        FieldSpec("mix", help: "Request classes drawn by share for each arrival; each type once.",
                  shape: .list(.mapping(mixFields.docs()), nonEmpty: true)) { d, n, v in d.mix = v.readMix(n); d.mixNode = n },
        FieldSpec("timeout", help: "How long the client waits for the response to one attempt; it then gives up (reason `timed-out`) or retries. "
                      + "The component keeps working on the abandoned attempt.",
                  shape: .duration(positive: true), default: "wait forever") { d, n, v in
            d.timeout = v.duration(n, key: "timeout", positive: true)
        },
        FieldSpec("retry", help: "Retry policy after any failure of an attempt (timeout, rejection, crash, partition, no healthy target).",
                  shape: .mapping(retryFields.docs()), default: "no retries") { d, n, v in d.retry = v.readRetry(n) },
        FieldSpec("write", help: "Whether the requests change data. Default: true for the types \(RequestClass.writeTypes.sorted().map { "`\($0)`" }.joined(separator: ", ")), "
                      + "false for any other. With `mix`, the default of its entries.",
                  shape: .flag, default: "from the type") { d, n, v in d.isWrite = v.bool(n, key: "write") },
        payloadField(WorkloadDraft.self) { d, p in d.payloads = p },
        copiesField(WorkloadDraft.self) { d, c in d.copies = c },
        workloadStart,
        workloadStop,
    ]

    static let mixFields: [FieldSpec<MixDraft>] = [
        FieldSpec("type", required: true, example: "type: write", help: "The request type of this class.", shape: .text) { d, n, v in
            d.type = v.name(n, key: "type")
        },
        FieldSpec("share", required: true, example: "share: 0.1", help: "Relative share of the arrivals; shares are normalised to sum to 1.",
                  shape: .number(above: 0)) { d, n, v in d.share = v.positiveNumber(n, key: "share") },
        FieldSpec("route", help: "Route of this class.", shape: .names, default: "the workload's `route`") { d, n, v in
            d.route = v.references(n, key: "route")
        },
        FieldSpec("size", help: "Payload size of this class.", shape: .distribution(.size), default: "the workload's `size`") { d, n, v in
            d.size = v.distribution(n, key: "size", of: .size)
        },
        FieldSpec("write", help: "Whether this class changes data.", shape: .flag, default: "the workload's `write`, else from the type") {
            d, n, v in d.isWrite = v.bool(n, key: "write")
        },
        payloadField(MixDraft.self, default: "the workload's `payload`") { d, p in d.payloads = p },
        copiesField(MixDraft.self, default: "the workload's `copies`") { d, c in d.copies = c },
    ]

    static let retryFields: [FieldSpec<RetryDraft>] = [
        FieldSpec("max", required: true, example: "max: 3", help: "Retries after the first attempt (at most `max` + 1 attempts).",
                  shape: .count(0...1_000)) { d, n, v in d.max = v.count(n, key: "max", range: 0...1_000) },
        FieldSpec("backoff", required: true, example: "backoff: 100ms", help: "Wait before the first retry.", shape: .duration(positive: false)) { d, n, v in
            d.backoff = v.duration(n, key: "backoff", positive: false)
        },
        FieldSpec("multiplier", help: "Each further retry waits this many times longer: retry i waits `backoff` × `multiplier`^(i−1).",
                  shape: .number(atLeast: 1), default: "2") { d, n, v in
            if let x = v.positiveNumber(n, key: "multiplier") {
                if x < 1 { v.error("'multiplier' must be at least 1 (found \(Validator.text(n)))", at: n) } else { d.multiplier = x }
            }
        },
        FieldSpec("max-backoff", help: "Longest wait; not shorter than `backoff`.", shape: .duration(positive: true), default: "64 × `backoff`") { d, n, v in d.maxBackoff = v.duration(n, key: "max-backoff", positive: true) },
        FieldSpec("jitter", help: "`none`: exactly the computed wait. `full`: uniform between 0 and the wait. `equal`: half the wait plus a uniform share of the other half.",
                  shape: .choice(RetryPolicy.Jitter.allCases.map(\.rawValue)), default: "full") { d, n, v in
            let options = RetryPolicy.Jitter.allCases.map { (name: $0.rawValue, value: $0) }
            if let j = v.choice(n, key: "jitter", noun: "jitter", plural: "jitters", options: options, place: " in 'retry'") {
                d.jitter = j
            }
        },
    ]

    static let networkFields: [FieldSpec<NetworkConfig>] = [
        FieldSpec("latency", help: "One-way latency of every hop between components not on the same machine instance, drawn afresh for each hop, "
                      + "forward and back.",
                  shape: .distribution(.duration), default: "none (hops are free)") { d, n, v in
            d.latency = v.distribution(n, key: "latency", of: .duration)
        },
        FieldSpec("local-latency", help: "One-way latency of a hop between two components on the same machine instance.",
                  shape: .distribution(.duration), default: "none (free)") { d, n, v in
            d.localLatency = v.distribution(n, key: "local-latency", of: .duration)
        },
    ] + networkLinkFields

    // MARK: Top level

    static let topLevelFields: [FieldSpec<ScenarioDraft>] = [
        FieldSpec("name", required: true, example: "name: my-scenario", help: "The scenario's name, printed in every report and stored in the database.",
                  shape: .text) { d, n, v in d.name = v.name(n, key: "name") },
        FieldSpec("description", help: "A line or a paragraph about the scenario.", shape: .text, default: "\"\"") { d, n, v in
            if Validator.isNull(n) { return }
            if let s = v.scalarText(n, key: "description", expected: "a string") { d.description = s }
        },
        FieldSpec("seed", help: "Seed of every random stream; `--seed` overrides it.", shape: .seed, default: "1") { d, n, v in
            if let s = v.seed(n, key: "seed") { d.seed = s }
        },
        FieldSpec("duration", required: true, example: "duration: 60s", help: "Total simulated time, warm-up included.",
                  shape: .duration(positive: true)) { d, n, v in
            d.duration = v.duration(n, key: "duration", positive: true); d.durationNode = n
        },
        FieldSpec("warmup", help: "Initial period left out of all statistics; shorter than `duration`.", shape: .duration(positive: false),
                  default: "0s") { d, n, v in
            if let w = v.duration(n, key: "warmup", positive: false) { d.warmup = w; d.warmupNode = n }
        },
        FieldSpec("network", help: "Latency of the hops between components.", shape: .mapping(networkFields.docs()),
                  default: "no latency") { d, n, v in v.readNetwork(n, into: &d.network) },
        FieldSpec("workload", help: "Traffic sources, each a stream of requests. Required unless `population` describes the traffic.",
                  shape: .list(.mapping(workloadFields.docs()), nonEmpty: true)) { d, n, v in
            d.workloads = v.readWorkloads(n); d.workloadGiven = true
        },
        FieldSpec("population", help: "Traffic described by the people who cause it: users, their daily cycle, and what they do.",
                  shape: .mapping(populationFields.docs())) { d, n, v in d.population = v.readPopulation(n) },
        FieldSpec("components", required: true, help: "Component name → component; at least one.",
                  shape: .named(.component, noun: "component")) { d, n, v in d.components = v.readComponents(n) },
        FieldSpec("machines", help: "Machine-type name → machine type; components run on them with `machine:`, each replica "
                  + "on an instance of its own or all on one (`placement`), their CPU sharing its cores as `scheduling` says. "
                  + "A server's CPU is its `service`, and with threads its `after-calls` and `call-cost`; with a "
                  + "`process-lock` each process computes one thread at a time.",
                  shape: .named(.mapping(machineFields.docs()), noun: "machine")) { d, n, v in d.machines = v.readMachines(n) },
        FieldSpec("failures", help: "Failures to inject, each with exactly one action.",
                  shape: .list(.mapping(failureFields.docs()), nonEmpty: false)) { d, n, v in d.failures = v.readFailures(n) },
        scaleField,
        autoscaleField,
        regionsField,
        FieldSpec("slo", help: "Service-level objective, used by `sdsim spof`.", shape: .mapping(sloFields.docs()),
                  default: "availability 99.9% (for `sdsim spof`)") { d, n, v in d.slo = v.readSLO(n) },
        lessonField,
        expectField,
        // Read (and taken out of the tree) before the rest by `readVariants`; listed for suggestions and the reference.
        FieldSpec("variants",
                  example: "variants: {big: {machines.web.cores: 16, components.web.replicas: 1}}",
                  help: "Named variants of this system, each a set of overrides `PATH: VALUE` of the file's own values "
                      + "(paths as for `--set`, such as `components.app.replicas`). Each variant is a complete system; "
                      + "`sdsim compare FILE` runs and compares them, `--variant NAME` runs one. `expect:` lines may compare "
                      + "variants: `big.p99 < small.p99`.",
                  shape: .named(.overrides,
                                noun: "variant")) { _, _, _ in },
    ]
}
