import SDModels
import SDMetrics

/// The text report's section for a database sharded by region: one row per shard (its region,
/// depth in the split tree, keys, share, utilization, busiest time, hot slices, bytes), a strip
/// per shard showing its load over the measured window, and the splits.
enum RegionShardReport {
    /// Whether `c` is the row of a database sharded by region (it has per-shard load series).
    static func applies(to c: ComponentResult) -> Bool { c.series.contains { $0.name.hasPrefix("shard_") && $0.name.hasSuffix("_load") } }

    /// Whether the extra figure `name` is shown in this section rather than in the component's line.
    static func ownsFigure(_ name: String) -> Bool {
        (name.hasPrefix("shard_") && !name.hasSuffix("_bytes")) || name.hasPrefix("split_") || name == "splits" || name == "hot_shards"
    }

    /// Levels of the load strips, lowest first.
    static let levels: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// The section for `c`; `regions` names the regions in order (from the workloads' region counts).
    static func render(_ c: ComponentResult, regions: [String]) -> String {
        func value(_ name: String) -> Double? { c.extra.first { $0.name == name }?.value }
        let loads = c.series.filter { $0.name.hasPrefix("shard_") && $0.name.hasSuffix("_load") }
        guard let first = loads.first else { return "" }
        let top = loads.flatMap(\.values).max() ?? 0
        var t = TextTable(headers: ["Shard", "region", "depth", "keys", "share", "util", "busiest at", "hot slices", "bytes", "load over time"],
                          alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right, .left])
        for (i, s) in loads.enumerated() {
            let n = "shard_\(i + 1)_"
            let region = value(n + "region").map { Int($0) - 1 }.flatMap { $0 >= 0 && $0 < regions.count ? regions[$0] : nil } ?? "-"
            let keys = value(n + "first_key").flatMap { lo in value(n + "last_key").map { hi in
                hi < lo ? "none" : "\(Format.grouped(Int(lo)))-\(Format.grouped(Int(hi)))" } } ?? "hash"
            let strip = String(s.values.map { v in
                top > 0 ? levels[min(levels.count - 1, Int((v / top * Double(levels.count - 1)).rounded()))] : " " })
            t.rows.append(["\(c.name).shard-\(i + 1)", region, value(n + "depth").map { String(Int($0)) } ?? "-", keys,
                           value(n + "share").map(Format.percent) ?? "-", value(n + "utilization").map(Format.percent) ?? "-",
                           value(n + "peak_at").map(clock) ?? "-", value(n + "hot_slices").map { String(Int($0)) } ?? "-",
                           value(n + "bytes").map(Format.bytes) ?? "-", "|" + strip + "|"])
        }
        var out = "\n" + t.render()
        let end = first.start + first.interval * Double(first.values.count)
        out += "Load strips: one mark per \(clock(first.interval)) from \(clock(first.start)) to \(clock(end)) (h:mm of simulated time), "
            + "darker is busier (\"@\" = \(Format.significant(top)) queries/s); a shard is hot in a slice when its share of "
            + "the slice's queries exceeds hot-threshold x the mean share.\n"
        let splits = Int(value("splits") ?? 0)
        if splits > 0 {
            let list = (1...splits).map { k -> String in
                let at = value("split_\(k)_at").map(clock) ?? "?"
                let from = value("split_\(k)_shard").map { String(Int($0)) } ?? "?"
                let to = value("split_\(k)_new_shard").map { String(Int($0)) } ?? "?"
                return "shard-\(from) -> shard-\(to) at \(at)"
            }
            out += "Splits of hot sub-shards (the upper half moves): " + list.joined(separator: ", ") + ".\n"
        }
        return out
    }

    /// A warning under a sharded database that served joins across its shards (the design notes'
    /// advice: keep joins inside a shard), or nil.
    static func joinWarning(_ c: ComponentResult) -> String? {
        guard let joins = c.extra.first(where: { $0.name == "cross_shard_joins" })?.value, joins > 0,
              let shards = c.extra.first(where: { $0.name == "cross_shard_join_shards_mean" })?.value, shards > 1 else { return nil }
        return "Warning: \(c.name) served \(Format.grouped(Int(joins))) joins across \(Format.fixed(shards, decimals: 1)) shards "
            + "on average; each waits for its slowest shard and then the merge. Keep joins inside a shard (shard by the join key, "
            + "or denormalize).\n"
    }

    /// Each region-sharded database's per-shard load series, labelled `shard-N (region)`, for charts.
    static func loadSeries(_ r: RunResult) -> [(component: String, shards: [(label: String, series: Series)])] {
        let regions = r.workloads.first { !$0.arrivedByRegion.isEmpty }?.arrivedByRegion.map(\.region) ?? []
        return r.components.filter(applies).map { c in
            let shards = c.series.filter { $0.name.hasPrefix("shard_") && $0.name.hasSuffix("_load") }.enumerated().map { i, s in
                let index = c.extra.first { $0.name == "shard_\(i + 1)_region" }.map { Int($0.value) - 1 } ?? -1
                let region = index >= 0 && index < regions.count ? " (\(regions[index]))" : ""
                return (label: "shard-\(i + 1)\(region)", series: s)
            }
            return (c.name, shards)
        }
    }

    /// Seconds as h:mm.
    static func clock(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        let m = minutes % 60
        return "\(minutes / 60):\(m < 10 ? "0" : "")\(m)"
    }
}
