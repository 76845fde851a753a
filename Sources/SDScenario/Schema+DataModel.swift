import SDEngine
import SDConfig
import Yams

/// A request type named in a mapping (`joins: {feed: 2}`), with its count and where it is written.
struct TypeCount {
    var name: String
    var count: Int
    var node: YAMLNode
}

/// What has been read of `data-model:` and the keys that belong to one data model: joins and
/// transactions (relational), fan-out and storage-node workers (key-value).
struct DataModelDraft {
    /// nil when absent (relational) or invalid (reported).
    var model: DataModel?
    var modelNode: YAMLNode?
    var joins: [TypeCount] = []
    var joinCost: Distribution?
    var transactions: [TypeCount] = []
    var fanOut: [TypeCount] = []
    var nodeWorkers: Int?

    /// The data model the component's keys are checked against; nil when `data-model` is invalid.
    var effective: DataModel? { modelNode == nil ? .relational : model }
}

/// `data-model:` on `kind: database`, and the keys of each data model.
///
/// The design: one model per data model. A relational database is ``Database``; a key-value
/// database is the kv-store's model (``KVStore``): `kind: database` with `data-model: key-value`
/// builds exactly what `kind: kv-store` builds from the same keys, and each data model refuses,
/// with a located error, the keys the other one owns (a key-value store has no joins, no
/// multi-row transactions, no primary with read replicas, no shards to declare).
extension Schema {
    static let dataModelField = FieldSpec<ComponentDraft>(
        "data-model",
        help: "`relational` (the default): tables joined inside a shard (`joins`), multi-row transactions (`transactions`), one "
            + "primary per shard with read replicas, vertical scaling. `key-value`: the kv-store's model — no joins, denormalized "
            + "rows (`fan-out`), partitioned by key over `nodes` from the start, N replicas per key with quorums R and W; it takes "
            + "the kv-store's keys and refuses the relational ones.",
        shape: .choice(DataModel.allCases.map(\.rawValue)), default: "relational") { d, n, v in
        let options = DataModel.allCases.map { (name: $0.rawValue, value: $0) }
        d.dataModel.modelNode = n
        d.dataModel.model = v.choice(n, key: "data-model", noun: "data model", plural: "data models", options: options,
                                     place: " in component '\(d.name)'")
    }

    /// A mapping from request types to counts in `range`, stored by `set`.
    static func typeCountField(_ key: String, help: String, range: ClosedRange<Int>, example: String,
                               set: @escaping @Sendable (inout DataModelDraft, [TypeCount]) -> Void) -> FieldSpec<ComponentDraft> {
        FieldSpec(key, help: help, shape: .byType(.count(range))) { d, n, v in
            set(&d.dataModel, v.typeCounts(n, key: key, range: range, example: example))
        }
    }

    static let joinsField = typeCountField(
        "joins",
        help: "Relational only: tables each read request type joins inside its shard, e.g. `{feed: 2}`; each joined table adds "
            + "a draw of `join-cost` to the query's time on the node that runs it. A key-value store refuses joins.",
        range: 1...64, example: "{feed: 2}") { $0.joins = $1 }

    static let joinCostField = FieldSpec<ComponentDraft>(
        "join-cost", help: "Relational only: time per joined table of a query with `joins`.",
        shape: .distribution(.duration)) { d, n, v in d.dataModel.joinCost = v.distribution(n, key: "join-cost", of: .duration) }

    static let transactionsField = typeCountField(
        "transactions",
        help: "Relational only: rows each write request type writes in one multi-row transaction inside its shard, e.g. "
            + "`{post: 3}`: one `write-service` draw per row on one worker, committed at once. A key-value store refuses them.",
        range: 1...10_000, example: "{post: 3}") { $0.transactions = $1 }

    static let fanOutField = typeCountField(
        "fan-out",
        help: "Key-value only: denormalized tables each write request type writes, e.g. `{post: 3}`: k rows per logical write, "
            + "each on its own N replicas and waiting for its own W; the write answers when the last quorum is met. A read "
            + "reads one row. Types not listed write one table.",
        range: 1...16, example: "{post: 3}") { $0.fanOut = $1 }

    static let nodeWorkersField = FieldSpec<ComponentDraft>(
        "node-workers",
        help: "Key-value only: replica operations each storage node serves at once; the others wait in its FIFO line.",
        shape: .count(workers), default: "\(KVStoreConfig.defaultNodeWorkers)") { d, n, v in
        d.dataModel.nodeWorkers = v.count(n, key: "node-workers", range: workers)
    }

    /// Keys only the key-value model has (besides `fan-out` and `node-workers`).
    static let keyValueOnlyKeys = ["replication-factor", "read-quorum", "write-quorum", "nodes", "replica-service",
                                   "node-workers", "fan-out"]
    /// Keys a key-value database shares with a relational one.
    static let sharedDatabaseKeys = ["kind", "data-model", "workers", "service", "queue-limit", "replication-lag",
                                     "machine", "placement", "zone"]

    /// The data-model keys of `kind: database`: the model, the relational query costs, and the
    /// key-value keys (read as the kv-store reads them, marked as key-value only).
    static var dataModelDatabaseFields: [FieldSpec<ComponentDraft>] {
        let keyValue = kvFields.filter { keyValueOnlyKeys.contains($0.key) }.map { f in
            f.help.hasPrefix("Key-value only") ? f
                : FieldSpec<ComponentDraft>(f.key, help: "Key-value only: " + f.help, shape: f.shape, default: f.defaultValue, read: f.read)
        }
        return [dataModelField, joinsField, joinCostField, transactionsField] + keyValue
    }

    /// The relational query costs of a database draft.
    static func relationalQueries(_ d: ComponentDraft) -> RelationalQueries {
        let m = d.dataModel
        return RelationalQueries(joins: Dictionary(m.joins.map { ($0.name, $0.count) }, uniquingKeysWith: { a, _ in a }),
                                 joinCost: m.joinCost,
                                 transactionRows: Dictionary(m.transactions.map { ($0.name, $0.count) }, uniquingKeysWith: { a, _ in a }))
    }

    /// A key-value store from a draft (`kind: kv-store`, or `kind: database` with `data-model:
    /// key-value`); nil when a required value is missing or a quorum is too large (reported).
    static func keyValueStore(_ d: ComponentDraft, lag: Distribution?) -> ComponentKind? {
        guard let service = d.service, let lag else { return nil }
        let n = d.kvReplicationGiven ? d.replicationFactor : 3
        guard d.kv.readQuorum <= n, d.kv.writeQuorum <= n, (d.kv.nodes ?? n) >= n else { return nil }
        return .kvStore(KVStoreConfig(
            replicationFactor: n, readQuorum: d.kv.readQuorum, writeQuorum: d.kv.writeQuorum, nodes: d.kv.nodes,
            workers: d.workers, service: service, replicaService: d.kv.replicaService ?? .constant(0), replicationLag: lag,
            queueLimit: d.queueLimit, nodeWorkers: d.dataModel.nodeWorkers ?? KVStoreConfig.defaultNodeWorkers,
            fanOut: Dictionary(d.dataModel.fanOut.map { ($0.name, $0.count) }, uniquingKeysWith: { a, _ in a })))
    }
}

extension Validator {
    /// A mapping from request types to counts in `range`, each type once.
    func typeCounts(_ node: YAMLNode, key: String, range: ClosedRange<Int>, example: String) -> [TypeCount] {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            error("'\(key)' must be a mapping from request types to counts, such as '\(example)', found \(Validator.describe(node))",
                  at: node)
            return []
        }
        var out: [TypeCount] = []
        for (k, value) in mapping {
            guard let name = name(k, key: key) else { continue }
            if out.contains(where: { $0.name == name }) {
                error("request type '\(name)' appears twice in '\(key)'", at: k)
                continue
            }
            if let n = count(value, key: "\(key).\(name)", range: range) { out.append(TypeCount(name: name, count: n, node: k)) }
        }
        return out
    }

    /// Checks of a key-value store's own keys: quorums at most N, at least N nodes.
    func checkKeyValueKeys(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let n = d.kvReplicationGiven ? d.replicationFactor : 3
        for (q, node, key) in [(d.kv.readQuorum, d.kv.readQuorumNode, "read-quorum"), (d.kv.writeQuorum, d.kv.writeQuorumNode, "write-quorum")]
        where q > n {
            if let node { error("'\(key)' (\(q)) must be at most 'replication-factor' (\(n)) in component '\(d.name)'", at: node) }
        }
        if let nodes = d.kv.nodes, nodes < n, let node = Validator.value(of: "nodes", in: mapping) {
            error("'nodes' (\(nodes)) must be at least 'replication-factor' (\(n)) in component '\(d.name)': each key's \(n) replicas live on \(n) different storage nodes",
                  at: node)
        }
    }

    /// `kind: database` with `data-model: key-value`: the kv-store's keys are required as there,
    /// and every key of the relational model is refused.
    func checkKeyValueDatabase(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        for (keyNode, _) in mapping {
            guard let key = keyNode.scalar?.string, !Schema.sharedDatabaseKeys.contains(key),
                  !Schema.keyValueOnlyKeys.contains(key) else { continue }
            let why: String
            switch key {
            case "joins", "join-cost":
                why = "a key-value store has no joins: denormalize instead — write each row into the table laid out for the read "
                    + "that needs it ('fan-out: {post: 3}') and read one row"
            case "transactions":
                why = "a key-value store writes one row at a time, with no multi-row transactions: denormalize into one row, or "
                    + "use 'fan-out' to write the tables that need it (each on its own)"
            case "read-replicas", "replication", "failover":
                why = "a key-value store has no primary: every key has 'replication-factor' equal replicas, and 'read-quorum' and "
                    + "'write-quorum' say how many to wait for"
            case "shards", "sharding", "ranges", "split-hot", "split-at", "hot-threshold", "directory-lookup":
                why = "a key-value store is partitioned by key over its 'nodes' from the start (consistent hashing)"
            default:
                why = "it belongs to the relational data model"
            }
            error("'\(key)'\(place) does not apply to 'data-model: key-value': \(why); remove it, or use 'data-model: relational'",
                  at: keyNode)
        }
        if Validator.value(of: "service", in: mapping) == nil {
            error("missing required key 'service'\(place) (the coordinator's time per request); add e.g. 'service: constant(0.2ms)'",
                  at: d.keyNode)
        }
        if Validator.value(of: "replication-lag", in: mapping) == nil {
            error("missing required key 'replication-lag'\(place), the delay until a replica outside a write's quorum has it; add e.g. 'replication-lag: exponential(50ms)'",
                  at: d.keyNode)
        }
        checkKeyValueKeys(d, mapping)
    }

    /// `kind: database` in the relational model: the key-value keys are refused, and joins
    /// need their cost.
    func checkRelationalDatabase(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        for (keyNode, _) in mapping {
            guard let key = keyNode.scalar?.string, Schema.keyValueOnlyKeys.contains(key) else { continue }
            error("'\(key)'\(place) belongs to the key-value data model; add 'data-model: key-value' (the kv-store's model), or remove it",
                  at: keyNode)
        }
        let joins = Validator.value(of: "joins", in: mapping)
        let cost = Validator.value(of: "join-cost", in: mapping)
        if let joins, cost == nil {
            error("'joins'\(place) needs 'join-cost', the time per joined table; add e.g. 'join-cost: exponential(1ms)'", at: joins)
        }
        if let cost, joins == nil {
            error("'join-cost'\(place) has no effect without 'joins'; add e.g. 'joins: {feed: 2}' or remove it", at: cost)
        }
    }

    /// Request types named by `joins`, `transactions` and `fan-out` exist, and are reads (joins)
    /// or writes (transactions, fan-out).
    func checkDataModelTypes(components: [ComponentDraft], workloads: [WorkloadDraft]) {
        let types = Validator.requestTypes(workloads)
        for c in components {
            let m = c.dataModel
            for (key, list, wantsWrite) in [("joins", m.joins, false), ("transactions", m.transactions, true), ("fan-out", m.fanOut, true)] {
                for t in list {
                    guard let type = types.first(where: { $0.name == t.name }) else {
                        let names = types.map(\.name)
                        let hint = Suggestions.closest(to: t.name, among: names).map { "; did you mean '\($0)'?" }
                            ?? " (request types: \(names.joined(separator: ", ")))"
                        error("unknown request type '\(t.name)' in '\(key)' of '\(c.name)'\(hint)", at: t.node)
                        continue
                    }
                    if type.isWrite != wantsWrite {
                        let what = wantsWrite ? "a read; '\(key)' applies to writes" : "a write; 'joins' applies to reads"
                        error("request type '\(t.name)' in '\(key)' of '\(c.name)' is \(what)", at: t.node)
                    }
                }
            }
        }
    }

    /// Every request type of the workloads, once, in order of appearance, with whether it writes.
    static func requestTypes(_ workloads: [WorkloadDraft]) -> [(name: String, isWrite: Bool)] {
        var types: [(name: String, isWrite: Bool)] = []
        func note(_ type: String?, _ isWrite: Bool?) {
            guard let type, !types.contains(where: { $0.name == type }) else { return }
            types.append((type, isWrite ?? RequestClass.writeTypes.contains(type)))
        }
        for w in workloads {
            if let mix = w.mix { for m in mix { note(m.type, m.isWrite ?? w.isWrite) } } else { note(w.type, w.isWrite) }
        }
        return types
    }
}
