import Foundation
import SDEngine
import SDScenario
import SDConfig
import XCTest

/// `data-model:` on `kind: database`: key-value builds the kv-store's model, relational keeps the
/// database with its joins and transactions.
final class DataModelScenarioTests: XCTestCase {
    func load(_ dbKeys: String) throws -> ComponentKind {
        let text = """
            name: data-model
            duration: 10s
            workload:
              - name: app
                arrival: poisson(100/s)
                keys: zipf(1k, 1.0)
                mix:
                  - {type: feed, share: 9, route: [db]}
                  - {type: post, share: 1, write: true, route: [db]}
            components:
              db:
                kind: database
            \(dbKeys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        return try ScenarioLoader.load(text: text, file: "test.yaml").components[0].kind
    }

    /// The same keys give the same model as `kind: kv-store`.
    func testKeyValueDatabaseIsTheKVStoreModel() throws {
        let kind = try load("""
            data-model: key-value
            replication-factor: 3
            read-quorum: 2
            write-quorum: 2
            nodes: 6
            node-workers: 4
            workers: 16
            service: constant(0.2ms)
            replica-service: exponential(2ms)
            replication-lag: exponential(100ms)
            fan-out: {post: 3}
            """)
        XCTAssertEqual(kind, .kvStore(KVStoreConfig(
            replicationFactor: 3, readQuorum: 2, writeQuorum: 2, nodes: 6, workers: 16, service: .constant(0.0002),
            replicaService: .exponential(mean: 0.002), replicationLag: .exponential(mean: 0.1), nodeWorkers: 4,
            fanOut: ["post": 3])))
    }

    /// Relational (the default): joins and transactions land in the database's query costs.
    func testRelationalDatabaseKeepsJoinsAndTransactions() throws {
        let kind = try load("""
            data-model: relational
            service: exponential(2ms)
            joins: {feed: 2}
            join-cost: exponential(1ms)
            transactions: {post: 3}
            """)
        guard case .database(let db) = kind else { return XCTFail("not a database: \(kind)") }
        XCTAssertEqual(db.queries, RelationalQueries(joins: ["feed": 2], joinCost: .exponential(mean: 0.001),
                                                     transactionRows: ["post": 3]))
    }
}
