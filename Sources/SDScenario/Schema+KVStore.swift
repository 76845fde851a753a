import SDEngine
import SDConfig
import Yams

/// What has been read of the keys only a key-value store has.
struct KVStoreDraft {
    var readQuorum = 1
    var readQuorumNode: YAMLNode?
    var writeQuorum = 1
    var writeQuorumNode: YAMLNode?
    var nodes: Int?
    var replicaService: Distribution?
    var replicationLag: Distribution?
}

/// The keys of `kind: kv-store`.
extension Schema {
    static let kvReplicationFactor = FieldSpec<ComponentDraft>(
        "replication-factor", help: "N: replicas of every key.", shape: .count(1...16), default: "3") { d, n, v in
        if let x = v.count(n, key: "replication-factor", range: 1...16) { d.replicationFactor = x; d.kvReplicationGiven = true }
    }
    static let kvFields: [FieldSpec<ComponentDraft>] = [
        kind, kvReplicationFactor,
        FieldSpec("read-quorum", help: "R: replicas a read waits for, at most N; it returns the newest version among them.",
                  shape: .count(1...16), default: "1") { d, n, v in
            if let x = v.count(n, key: "read-quorum", range: 1...16) { d.kv.readQuorum = x; d.kv.readQuorumNode = n }
        },
        FieldSpec("write-quorum", help: "W: replicas a write waits for, at most N; the others get it `replication-lag` later. "
                      + "With R + W > N no read is stale.",
                  shape: .count(1...16), default: "1") { d, n, v in
            if let x = v.count(n, key: "write-quorum", range: 1...16) { d.kv.writeQuorum = x; d.kv.writeQuorumNode = n }
        },
        FieldSpec("nodes", help: "Storage nodes on the ring (at least N); a key's N replicas are the first N distinct nodes clockwise "
                      + "from the key. Each node is a station with `node-workers` and a FIFO line; the report gives a row per node.",
                  shape: .count(1...100_000), default: "N") { d, n, v in d.kv.nodes = v.count(n, key: "nodes", range: 1...100_000) },
        workersField,
        FieldSpec("service", required: true, example: "service: constant(0.2ms)", help: "Coordinator time per request.",
                  shape: .distribution(.duration)) { d, n, v in d.service = v.distribution(n, key: "service", of: .duration) },
        FieldSpec("replica-service", help: "Time one replica operation takes on its storage node, after its wait in the node's line; "
                      + "a quorum waits for the R-th or W-th of the N replicas to answer.",
                  shape: .distribution(.duration), default: "0s") { d, n, v in
            d.kv.replicaService = v.distribution(n, key: "replica-service", of: .duration)
        },
        FieldSpec("replication-lag", required: true, example: "replication-lag: exponential(50ms)",
                  help: "Delay after a write's commit until a replica outside its write quorum has it.",
                  shape: .distribution(.duration)) { d, n, v in d.kv.replicationLag = v.distribution(n, key: "replication-lag", of: .duration) },
        nodeWorkersField, fanOutField, queueLimitField, replicasField,
    ]

    /// `kind: kv-store`.
    static let kvStoreKind = ComponentKindSpec(
        name: "kv-store", article: "a key-value store", isLoadBalancer: false, fields: kvFields,
        edges: { _ in [] },
        build: { d in keyValueStore(d, lag: d.kv.replicationLag) },
        check: { d, mapping, v in v.checkKeyValueKeys(d, mapping) },
        help: """
        A key-value / wide-column store in the manner of Dynamo or Cassandra (no joins: data is denormalized and \
        partitioned by key). A request takes one `service` time at a coordinator, then goes to the N \
        (`replication-factor`) replicas of its key. A write commits when W (`write-quorum`) have it; the others get it \
        `replication-lag` later. A read waits for R (`read-quorum`) replicas and returns the newest version among them. \
        With R + W > N no read is stale; with R + W ≤ N a read is stale when its R replicas all missed the last write, \
        counted in `stale_reads`. A write type in `fan-out` writes k denormalized tables (k rows, each with its own \
        quorum). The same model as `kind: database` with `data-model: key-value`.
        """)
}
