import SDConfig
import SDModels

/// The figures a comparison reports for each data store (a database or key-value store), so
/// that `sdsim compare` sets a relational design and a key-value design side by side: how many
/// nodes it runs, what each node does, the busiest node's utilization, and the fraction of its
/// reads that were stale.
enum StoreFigures {
    /// Metrics, in report order.
    static let metrics = ["nodes", "node_ops_per_second", "node_utilization_max", "stale_read_fraction"]

    /// The figures of store `c` in `r` (nothing for a component that is not a store).
    ///
    /// - `nodes`: its nodes (a database's primaries and replicas, a key-value store's storage nodes);
    /// - `node_ops_per_second`: operations each node completed per second, on average (queries,
    ///   or replica operations: a key-value read is N of them, a fanned-out write N·k);
    /// - `node_utilization_max`: the busiest node's utilization;
    /// - `stale_read_fraction`: stale reads over all the reads the store served (a database's
    ///   reads on primaries are never stale; NaN when it served none, and absent when the store
    ///   cannot serve a stale read, as a database without read replicas).
    static func measure(_ c: ComponentConfig, _ r: RunResult) -> [(Figure, Double)] {
        guard c.kind.runsNodesOnOwnMachines, let row = r.components.first(where: { $0.name == c.name && !$0.isGroup }) else { return [] }
        let nodeKinds = ["primary", "replica", "storage-node"]
        let nodes = r.components.filter { nodeKinds.contains($0.kind) && $0.group == row.name }
        guard !nodes.isEmpty else { return [] }
        let window = r.measuredSeconds
        func figure(_ metric: String, _ unit: Figure.Unit, _ v: Double) -> (Figure, Double) {
            (Figure(kind: .tier, subject: c.name, metric: metric, unit: unit), v)
        }
        var out = [figure("nodes", .count, Double(nodes.count)),
                   figure("node_ops_per_second", .perSecond,
                          nodes.reduce(0) { $0 + Double($1.completed) } / window / Double(nodes.count)),
                   figure("node_utilization_max", .fraction, nodes.map(\.utilization).max() ?? 0)]
        func extra(_ name: String) -> Double? { row.extra.first { $0.name == name }?.value }
        if let stale = extra("stale_reads") {
            let reads = extra("reads") ?? ((extra("reads_on_primaries") ?? 0) + (extra("reads_on_replicas") ?? 0))
            out.append(figure("stale_read_fraction", .fraction, reads > 0 ? stale / reads : .nan))
        }
        return out
    }
}
