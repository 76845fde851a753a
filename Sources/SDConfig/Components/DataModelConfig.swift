import SDEngine

/// How a database keeps its data (`data-model:` on `kind: database`).
///
/// - `relational`: tables joined inside a shard, multi-row transactions, one primary per shard
///   that takes every write, read replicas, vertical scaling (a bigger primary). ``Database``.
/// - `key-value` (wide-column): no joins; data is denormalized (a write fans out to the tables
///   laid out for each read, a read reads one row), partitioned by key over storage nodes from
///   the start, N replicas per key with quorums R and W. ``KVStoreConfig`` — the same model as
///   `kind: kv-store`, which is this data model's short name.
public enum DataModel: String, Sendable, Equatable, CaseIterable {
    case relational
    case keyValue = "key-value"
}

/// The relational model's per-query costs inside one shard (`joins:`, `join-cost:`,
/// `transactions:` on `kind: database`).
public struct RelationalQueries: Sendable, Equatable {
    /// Tables each read request type joins inside its shard; a type not listed joins none.
    public var joins: [String: Int]
    /// Time per joined table, added to the read's service on the node that runs it.
    public var joinCost: Distribution?
    /// Rows each write request type writes in one multi-row transaction inside its shard: the
    /// query takes one `write-service` draw per row on one worker, and commits them at once.
    public var transactionRows: [String: Int]

    /// Per-query costs; none by default.
    public init(joins: [String: Int] = [:], joinCost: Distribution? = nil, transactionRows: [String: Int] = [:]) {
        self.joins = joins; self.joinCost = joinCost; self.transactionRows = transactionRows
    }

    /// Whether any query type has a join or a multi-row transaction.
    public var isEmpty: Bool { joins.isEmpty && transactionRows.isEmpty }

    /// Mean service of one query of `type`, given the database's read and write service means:
    /// a read's plus its joins, a write's times its rows. nil when a mean is unknown.
    public func meanService(type: String, isWrite: Bool, read: Double?, write: Double?) -> Double? {
        if isWrite { return write.map { $0 * Double(transactionRows[type] ?? 1) } }
        let j = joins[type] ?? 0
        guard j > 0 else { return read }
        guard let read, let cost = joinCost?.mean else { return nil }
        return read + Double(j) * cost
    }
}
