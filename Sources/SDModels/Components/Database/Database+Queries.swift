import SDEngine
import SDConfig

/// The relational data model's query costs inside a shard (``RelationalQueries``), by request
/// type: a read joins `joins` tables, each adding a draw of `join-cost`; a write in a multi-row
/// transaction writes `rows` rows, each a draw of `write-service`, on one worker, committed at
/// once. Looked up by the request's type index, so a query without either pays nothing extra.
struct QueryCosts {
    /// Joined tables of a read, per request type index.
    let joins: [Int]
    /// Rows of a write's transaction, per request type index (1: a single-row write).
    let rows: [Int]
    let joinCost: Distribution?
    /// Whether any type joins or writes several rows (else the plain draw, unchanged).
    let any: Bool

    init(_ queries: RelationalQueries, types: [String]) {
        joins = types.map { queries.joins[$0] ?? 0 }
        rows = types.map { max(queries.transactionRows[$0] ?? 1, 1) }
        joinCost = queries.joinCost
        any = !queries.isEmpty
    }
}

extension Database {
    /// The time of one query of `request` on a node, drawn from `stream`: the read or write
    /// service, plus one `join-cost` per joined table, or one `write-service` per row of a
    /// multi-row transaction.
    func queryService(_ request: Int32, isWrite: Bool, stream: RandomStream) -> SimDuration {
        let base = isWrite ? config.writeService : config.readService
        guard queryCosts.any else { return base.sampleDuration(stream) }
        let type = Int(requests.records[Int(request)].type)
        var ns = base.sampleDuration(stream).ns
        if isWrite {
            let rows = type < queryCosts.rows.count ? queryCosts.rows[type] : 1
            for _ in 1..<max(rows, 1) { ns += base.sampleDuration(stream).ns }
        } else if let cost = queryCosts.joinCost, type < queryCosts.joins.count {
            for _ in 0..<queryCosts.joins[type] { ns += cost.sampleDuration(stream).ns }
        }
        return SimDuration(ns: ns)
    }
}
