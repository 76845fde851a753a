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
        FieldSpec("nodes", help: "Storage nodes the replicas are spread over; the report gives replica operations per node.",
                  shape: .count(1...100_000), default: "N") { d, n, v in d.kv.nodes = v.count(n, key: "nodes", range: 1...100_000) },
        workersField,
        FieldSpec("service", required: true, example: "service: constant(0.2ms)", help: "Coordinator time per request.",
                  shape: .distribution(.duration)) { d, n, v in d.service = v.distribution(n, key: "service", of: .duration) },
        FieldSpec("replica-service", help: "Time one replica takes to answer; a quorum waits for its R-th or W-th fastest of N.",
                  shape: .distribution(.duration), default: "0s") { d, n, v in
            d.kv.replicaService = v.distribution(n, key: "replica-service", of: .duration)
        },
        FieldSpec("replication-lag", required: true, example: "replication-lag: exponential(50ms)",
                  help: "Delay after a write's commit until a replica outside its write quorum has it.",
                  shape: .distribution(.duration)) { d, n, v in d.kv.replicationLag = v.distribution(n, key: "replication-lag", of: .duration) },
        queueLimitField, replicasField,
    ]

    /// `kind: kv-store`.
    static let kvStoreKind = ComponentKindSpec(
        name: "kv-store", article: "a key-value store", isLoadBalancer: false, fields: kvFields,
        edges: { _ in [] },
        build: { d in
            guard let service = d.service, let lag = d.kv.replicationLag else { return nil }
            let n = d.kvReplicationGiven ? d.replicationFactor : 3
            guard d.kv.readQuorum <= n, d.kv.writeQuorum <= n else { return nil }
            return .kvStore(KVStoreConfig(replicationFactor: n, readQuorum: d.kv.readQuorum, writeQuorum: d.kv.writeQuorum,
                                          nodes: d.kv.nodes, workers: d.workers, service: service,
                                          replicaService: d.kv.replicaService ?? .constant(0), replicationLag: lag,
                                          queueLimit: d.queueLimit))
        },
        check: { d, _, v in
            let n = d.kvReplicationGiven ? d.replicationFactor : 3
            for (q, node, key) in [(d.kv.readQuorum, d.kv.readQuorumNode, "read-quorum"), (d.kv.writeQuorum, d.kv.writeQuorumNode, "write-quorum")]
            where q > n {
                if let node { v.error("'\(key)' (\(q)) must be at most 'replication-factor' (\(n)) in component '\(d.name)'", at: node) }
            }
        },
        help: """
        A key-value / wide-column store in the manner of Dynamo or Cassandra (no joins: data is denormalized and \
        partitioned by key). A request takes one `service` time at a coordinator, then goes to the N \
        (`replication-factor`) replicas of its key. A write commits when W (`write-quorum`) have it; the others get it \
        `replication-lag` later. A read waits for R (`read-quorum`) replicas and returns the newest version among them. \
        With R + W > N no read is stale; with R + W ≤ N a read is stale when its R replicas all missed the last write, \
        counted in `stale_reads`.
        """)
}
