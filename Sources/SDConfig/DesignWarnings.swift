/// Designs a scenario may legally describe but the design notes advise against: `sdsim validate`
/// prints them as warnings (the file is still valid), and reports repeat what the run measured.
extension ModelConfig {
    /// One sentence per questionable design, in component order.
    public var designWarnings: [String] {
        var out: [String] = []
        for c in components {
            guard case .database(let db) = c.kind, !db.crossShardJoins.isEmpty, db.shards > 1 || db.regionSharding != nil else { continue }
            for j in db.crossShardJoins {
                let touched = j.shards.map { "\($0) of its shards" } ?? "every shard"
                out.append("database '\(c.name)' has \(db.shards) shards and joins across them for '\(j.type)' (\(touched)): "
                           + "each such query waits for the slowest shard and then pays the merge; keep joins inside one shard "
                           + "(shard by the join key, or denormalize)")
            }
        }
        return out
    }
}
