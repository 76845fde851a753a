import SDEngine
import SDConfig
import Yams

/// What has been read of the keys only a database has. Optional values are nil when the key is
/// absent or its value was invalid (already reported).
struct DatabaseDraft {
    var readService: Distribution?
    var writeService: Distribution?
    var connections: Int?
    var readReplicas: Int?
    var replicationLag: Distribution?
    var shards: Int?
    var shardsNode: YAMLNode?
    var sharding: ShardingScheme?
    var ranges: [UInt64]?
    var rangesNode: YAMLNode?
    var directoryLookup: Distribution?
    var hotThreshold = 2.0
    var splitHot: Bool?
    var splitHotNode: YAMLNode?
    var splitAt: SimDuration?
    var splitAtNode: YAMLNode?
    var scatterTypes: [(name: String, node: YAMLNode)] = []
    var initialBytes = 0.0
    var replication: ReplicationMode?
    /// nil: absent, `failover: false`, or invalid.
    var failover: FailoverConfig?
    var failoverNode: YAMLNode?
    var shardingNode: YAMLNode?
    /// `sharding: region` and `joins:` (Schema+Regions.swift).
    var regions = DatabaseRegionDraft()

    /// Shard slots, as the model names them: the shards, plus one reserved for a split.
    var shardSlots: Int { shardCount + (splitHot == true ? 1 : 0) }

    /// Shards at the start: `shards`, else one more than the `ranges` boundaries, else 1.
    var shardCount: Int { shards ?? ranges.map { $0.count + 1 } ?? 1 }
}

/// The keys of `kind: database`.
extension Schema {
    static let shards = 1...10_000
    static let readReplicas = 0...1_000

    /// `service` of a database: optional when both `read-service` and `write-service` are given.
    static let databaseService = FieldSpec<ComponentDraft>(
        "service", help: "Query time. Required unless both `read-service` and `write-service` are given.",
        shape: .distribution(.duration)) { d, n, v in
        d.service = v.distribution(n, key: "service", of: .duration)
    }

    static let databaseFields: [FieldSpec<ComponentDraft>] = [
        kind, workersField, databaseService,
        FieldSpec("read-service", help: "Time of a read query.", shape: .distribution(.duration), default: "`service`") { d, n, v in d.database.readService = v.distribution(n, key: "read-service", of: .duration) },
        FieldSpec("write-service", help: "Time of a write query.", shape: .distribution(.duration), default: "`service`") { d, n, v in d.database.writeService = v.distribution(n, key: "write-service", of: .duration) },
        FieldSpec("connections", help: "Connection pool per node: queries admitted at once (in service or waiting for a worker).",
                  shape: .count(workers), default: "`workers`") { d, n, v in d.database.connections = v.count(n, key: "connections", range: workers) },
        queueLimitField,
        FieldSpec("read-replicas", help: "Read replicas per shard; reads go to them in turn.", shape: .count(readReplicas), default: "0") { d, n, v in d.database.readReplicas = v.count(n, key: "read-replicas", range: readReplicas) },
        FieldSpec("replication-lag",
                  help: "Delay per write and per replica between the commit on the primary and its visibility on the replica. "
                      + "Required with read replicas, an error without.",
                  shape: .distribution(.duration)) { d, n, v in
            d.database.replicationLag = v.distribution(n, key: "replication-lag", of: .duration)
        },
        FieldSpec("shards", help: "Shards at the start. With more than one, some workload must have `keys`.", shape: .count(shards),
                  default: "1 (or one more than the `ranges` keys)") { d, n, v in
            d.database.shards = v.count(n, key: "shards", range: shards)
            d.database.shardsNode = n
        },
        FieldSpec("sharding",
                  help: "`hash`: mix(key) mod shards. `range`: contiguous key ranges (equal widths, or `ranges`). "
                      + "`directory`: placed like `hash`, but each request first pays `directory-lookup`. "
                      + "`region`: by the user's region (`regions:`), then by key within it (`region-shards`, `sub-sharding`).",
                  shape: .choice(ShardingScheme.allCases.map(\.rawValue)), default: "hash") { d, n, v in
            let options = ShardingScheme.allCases.map { (name: $0.rawValue, value: $0) }
            d.database.sharding = v.choice(n, key: "sharding", noun: "sharding scheme", plural: "schemes", options: options,
                                           place: " in component '\(d.name)'")
            d.database.shardingNode = n
        },
        FieldSpec("ranges",
                  help: "`sharding: range` only: the first key of every shard after the first, each at least 2 and above the one before.",
                  shape: .list(.count(2...Int.max), nonEmpty: true), default: "equal widths") { d, n, v in
            d.database.ranges = v.rangeStarts(n)
            d.database.rangesNode = n
        },
        FieldSpec("directory-lookup",
                  help: "Time to ask the directory where a key lives (a pure delay); required with, and only for, `sharding: directory`.",
                  shape: .distribution(.duration)) { d, n, v in
            d.database.directoryLookup = v.distribution(n, key: "directory-lookup", of: .duration)
        },
        FieldSpec("hot-threshold",
                  help: "A shard is flagged hot when its share of the queries exceeds this multiple of the mean share.",
                  shape: .number(above: 0), default: "2") { d, n, v in
            if let x = v.positiveNumber(n, key: "hot-threshold") { d.database.hotThreshold = x }
        },
        FieldSpec("split-hot",
                  help: "Whether the range shard with the most queries so far splits in two at `split-at`. Needs `sharding: range`.",
                  shape: .flag, default: "false") { d, n, v in
            d.database.splitHot = v.bool(n, key: "split-hot")
            d.database.splitHotNode = n
        },
        FieldSpec("split-at", help: "When the split of `split-hot` happens; before the end of the run.",
                  shape: .duration(positive: false)) { d, n, v in
            d.database.splitAt = v.duration(n, key: "split-at", positive: false)
            d.database.splitAtNode = n
        },
        FieldSpec("scatter-types",
                  help: "Read request types sent to every shard at once; the request completes when the slowest shard has answered.",
                  shape: .list(.text, nonEmpty: true)) { d, n, v in d.database.scatterTypes = v.requestTypeNames(n, key: "scatter-types") },
        FieldSpec("initial-bytes", help: "Data stored before the run, over all shards.", shape: .size, default: "0B") { d, n, v in
            if let x = v.size(n, key: "initial-bytes") { d.database.initialBytes = x }
        },
        FieldSpec("replication",
                  help: "`async`: a write is acknowledged when it commits on the primary; the replicas apply it later, and a failover "
                      + "loses the acknowledged writes the promoted replica had not applied. `sync`: a write is acknowledged when every "
                      + "replica of its shard has applied it; a failover loses none.",
                  shape: .choice(ReplicationMode.allCases.map(\.rawValue)), default: "async") { d, n, v in
            let options = ReplicationMode.allCases.map { (name: $0.rawValue, value: $0) }
            d.database.replication = v.choice(n, key: "replication", noun: "replication mode", plural: "modes",
                                              options: options, place: " in component '\(d.name)'")
        },
        FieldSpec("failover",
                  help: "Whether a read replica is promoted when the primary crashes: `true` (detection 10s, promotion 5s), `false`, "
                      + "or a mapping with `detection` and `promotion`. Needs read replicas.",
                  shape: .anyOf([.flag, .mapping(failoverFields.docs())]), default: "false") { d, n, v in
            d.database.failover = v.failover(n, place: " in component '\(d.name)'")
            d.database.failoverNode = n
        },
    ]

    /// The keys of a `failover:` mapping.
    static let failoverFields: [FieldSpec<FailoverConfig>] = [
        FieldSpec("detection", help: "Time from the crash of a primary until the cluster manager notices it.", shape: .duration(positive: false),
                  default: "10s") { d, n, v in if let x = v.duration(n, key: "detection", positive: false) { d.detection = x } },
        FieldSpec("promotion", help: "Time to promote a replica once the crash is noticed; writes to the shard fail meanwhile.", shape: .duration(positive: false),
                  default: "5s") { d, n, v in if let x = v.duration(n, key: "promotion", positive: false) { d.promotion = x } },
    ]

    static let databaseKind = ComponentKindSpec(
        name: "database", article: "a database", isLoadBalancer: false,
        fields: databaseFields + dataModelDatabaseFields + databaseRegionFields,
        edges: { _ in [] },
        build: { d in
            if d.dataModel.model == .keyValue { return keyValueStore(d, lag: d.database.replicationLag) }
            let db = d.database
            guard let service = d.service ?? db.readService ?? db.writeService else { return nil }
            return .database(DatabaseConfig(
                workers: d.workers, service: service, readService: db.readService, writeService: db.writeService,
                connections: db.connections, queueLimit: d.queueLimit, readReplicas: db.readReplicas ?? 0,
                replicationLag: db.replicationLag, shards: db.shardCount, sharding: db.sharding ?? .hash, ranges: db.ranges,
                directoryLookup: db.directoryLookup, hotThreshold: db.hotThreshold,
                splitAt: db.splitHot == true ? db.splitAt : nil, scatterTypes: db.scatterTypes.map(\.name),
                initialBytes: db.initialBytes, replication: db.replication ?? .async, failover: db.failover,
                queries: relationalQueries(d)))
        },
        check: { d, mapping, v in
            switch d.dataModel.effective {
            case .keyValue: v.checkKeyValueDatabase(d, mapping)
            case .relational: v.checkRelationalDatabase(d, mapping); v.checkDatabaseKeys(d, mapping)
            case nil: break
            }
        },
        help: """
        A primary with optional read replicas, optionally split into shards, each shard with its own primary and replicas. \
        Every node has `workers` query executors behind a connection pool of `connections`; a query first takes a \
        connection (waiting in a FIFO of `queue-limit` places, or turned away: reason `rejected`), then waits for a worker. \
        Writes go to the primary of their key's shard; reads go to the shard's replicas in turn (to the primary without \
        replicas). A write becomes visible on each replica after its own draw of `replication-lag`. A database has no \
        `replicas` key; its nodes are named `db.primary`, `db.replica-1`, or `db.shard-2.primary` when sharded.
        """)
}

extension Validator {

    /// `failover:`: `true` (the standard 10 s detection and 5 s promotion), `false`, or a mapping
    /// with `detection` and `promotion` (each defaulting to the standard value). nil when off or invalid.
    func failover(_ node: YAMLNode, place: String) -> FailoverConfig? {
        if case .mapping(let mapping) = node {
            var draft = FailoverConfig.standard
            let allowed = Schema.failoverFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.failoverFields, place: " in 'failover'\(place)", anchor: node) { key in
                Validator.unknownKeyMessage(key, place: " in 'failover'\(place)", allowed: allowed, listLabel: "keys")
            }
            return draft
        }
        guard case .scalar = node else {
            error("'failover'\(place) must be true, false, or a mapping such as '{detection: 10s, promotion: 5s}', found \(Validator.describe(node))",
                  at: node)
            return nil
        }
        guard ["true", "yes", "on", "false", "no", "off"].contains(Validator.text(node)) else {
            error("'failover'\(place) must be true, false, or a mapping such as '{detection: 10s, promotion: 5s}', found '\(Validator.text(node))'",
                  at: node)
            return nil
        }
        return bool(node, key: "failover") == true ? .standard : nil
    }

    /// `ranges:`: the first key of every shard after the first, each above the one before.
    func rangeStarts(_ node: YAMLNode) -> [UInt64]? {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'ranges' must be a list of keys such as '[1000, 5000]', the first key of each shard after the first, found \(Validator.describe(node))",
                  at: node)
            return nil
        }
        var out: [UInt64] = []
        var ok = true
        for item in seq {
            guard let k = count(item, key: "ranges", range: Int.min...Int.max) else { ok = false; continue }
            if k < 2 {
                error("each key in 'ranges' must be at least 2, since the first shard starts at key 1 (found \(k))", at: item)
                ok = false
            } else if let last = out.last, UInt64(k) <= last {
                error("each key in 'ranges' must be greater than the one before it (found \(k) after \(last))", at: item)
                ok = false
            }
            out.append(UInt64(k))
        }
        return ok ? out : nil
    }

    /// A list of request type names, each once.
    func requestTypeNames(_ node: YAMLNode, key: String) -> [(name: String, node: YAMLNode)] {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'\(key)' must be a list of request types such as '[feed, search]', found \(Validator.describe(node))", at: node)
            return []
        }
        var out: [(name: String, node: YAMLNode)] = []
        for item in seq {
            guard let name = string(item, key: key) else { continue }
            if out.contains(where: { $0.name == name }) {
                error("request type '\(name)' appears twice in '\(key)'", at: item)
                continue
            }
            out.append((name, item))
        }
        return out
    }

    /// Keys of one database that need (or exclude) one another.
    func checkDatabaseKeys(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        let db = d.database
        func node(_ key: String) -> YAMLNode? { Validator.value(of: key, in: mapping) }

        if node("service") == nil && (node("read-service") == nil || node("write-service") == nil) {
            error("missing required key 'service'\(place); add e.g. 'service: exponential(5ms)', or both 'read-service' and 'write-service'",
                  at: d.keyNode)
        }

        let lagNode = node("replication-lag")
        if let replicas = db.readReplicas, replicas > 0, lagNode == nil, let replicasNode = node("read-replicas") {
            error("missing key 'replication-lag'\(place), which has read replicas; add e.g. 'replication-lag: exponential(50ms)'",
                  at: replicasNode)
        }
        if let lagNode, node("read-replicas") == nil || db.readReplicas == 0 {
            error("'replication-lag'\(place) has no effect without read replicas; add e.g. 'read-replicas: 2' or remove it", at: lagNode)
        }

        if let failoverNode = node("failover"), db.failover != nil, node("read-replicas") == nil || db.readReplicas == 0 {
            error("'failover'\(place) promotes a read replica when the primary crashes, but there is none; add e.g. 'read-replicas: 1' or remove it",
                  at: failoverNode)
        }
        if let replicationNode = node("replication"), node("read-replicas") == nil || db.readReplicas == 0 {
            error("'replication'\(place) has no effect without read replicas; add e.g. 'read-replicas: 2' or remove it", at: replicationNode)
        }

        let shardingNode = node("sharding")
        // Unknown when the value was invalid (already reported): no follow-up errors then.
        let scheme: ShardingScheme? = shardingNode == nil ? .hash : db.sharding
        if let lookup = node("directory-lookup"), let scheme, scheme != .directory {
            error("'directory-lookup'\(place) applies only to 'sharding: directory'", at: lookup)
        }
        if scheme == .directory, node("directory-lookup") == nil, let shardingNode {
            error("'sharding: directory'\(place) needs 'directory-lookup', the time to ask the directory where a key lives; add e.g. 'directory-lookup: constant(1ms)'",
                  at: shardingNode)
        }
        if let rangesNode = node("ranges") {
            if let scheme, scheme != .range {
                error("'ranges'\(place) applies only to 'sharding: range'", at: rangesNode)
            } else if let ranges = db.ranges, let shards = db.shards, ranges.count != shards - 1 {
                error("'ranges'\(place) must list \(shards - 1) key\(shards == 2 ? "" : "s") for 'shards: \(shards)' (the first key of each shard after the first), found \(ranges.count)",
                      at: rangesNode)
            }
        }
        if let splitHotNode = db.splitHotNode, db.splitHot == true {
            if let scheme, scheme != .range {
                error("'split-hot'\(place) splits a key range, so it needs 'sharding: range'", at: splitHotNode)
            }
            if node("split-at") == nil {
                error("'split-hot'\(place) needs 'split-at', the simulated time of the split; add e.g. 'split-at: 30s'", at: splitHotNode)
            }
        }
        if let splitAtNode = node("split-at"), db.splitHotNode == nil || db.splitHot == false {
            error("'split-at'\(place) has no effect without 'split-hot: true'", at: splitAtNode)
        }
    }

    /// A split planned after the end of the run would never happen.
    func checkDatabaseTimes(_ draft: ScenarioDraft) {
        guard let duration = draft.duration, let durationNode = draft.durationNode else { return }
        for c in draft.components where c.database.splitHot == true {
            guard let at = c.database.splitAt, let node = c.database.splitAtNode, at >= duration else { continue }
            error("'split-at' (\(Validator.text(node))) in component '\(c.name)' must be before the end of the run ('duration' \(Validator.text(durationNode)))",
                  at: node)
        }
    }

    /// Checks of databases against the workloads: scatter-gather types exist and are reads, and a
    /// sharded database has keyed requests to spread.
    func checkDatabases(components: [ComponentDraft], workloads: [WorkloadDraft]) {
        let types = Validator.requestTypes(workloads)
        let anyKeys = workloads.contains { $0.keys != nil }
        for c in components where c.kind?.name == Schema.databaseKind.name && c.dataModel.model != .keyValue {
            let db = c.database
            for (name, node) in db.scatterTypes {
                guard let type = types.first(where: { $0.name == name }) else {
                    let names = types.map(\.name)
                    let hint = Suggestions.closest(to: name, among: names).map { "; did you mean '\($0)'?" }
                        ?? " (request types: \(names.joined(separator: ", ")))"
                    error("unknown request type '\(name)' in 'scatter-types' of '\(c.name)'\(hint)", at: node)
                    continue
                }
                if type.isWrite {
                    error("request type '\(name)' in 'scatter-types' of '\(c.name)' is a write; scatter-gather serves reads only",
                          at: node)
                }
            }
            guard !anyKeys else { continue }
            if db.shardCount > 1, let node = db.shardsNode ?? db.rangesNode {
                error("database '\(c.name)' has \(db.shardCount) shards but no workload has 'keys', so every request would go to the same shard; give the workloads e.g. 'keys: zipf(100k, 1.0)'",
                      at: node)
            } else if db.splitHot == true, let node = db.splitHotNode {
                error("database '\(c.name)' splits its hottest range but no workload has 'keys', so every request goes to the same key; give the workloads e.g. 'keys: zipf(100k, 1.0)'",
                      at: node)
            }
        }
    }
}
