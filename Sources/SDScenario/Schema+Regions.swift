import SDEngine
import SDConfig
import Yams

/// What has been read of one entry of `regions:`.
struct RegionDraft {
    var node: YAMLNode
    var name: String?
    var nameNode: YAMLNode?
    var share: Double?
    var shareNode: YAMLNode?
    var utcOffset = 0.0
}

/// What has been read of a database's region sharding and joins across shards (`sharding: region`, `cross-shard-joins:`).
struct DatabaseRegionDraft {
    /// `region-shards: N` (every region), nil when absent or a mapping.
    var shardsEach: Int?
    /// `region-shards: {REGION: N}`: the regions named, with their nodes.
    var shardsByRegion: [(name: String, count: Int, node: YAMLNode)] = []
    var shardsNode: YAMLNode?
    var subSharding: SubSharding?
    var subShardingNode: YAMLNode?
    var splitLevels: Int?
    var splitLevelsNode: YAMLNode?
    var splitEvery: SimDuration?
    var splitEveryNode: YAMLNode?
    var joins: [JoinDraft] = []
    var joinsNode: YAMLNode?

    /// Sub-shards per region at the start, in the order of `regions`.
    func shardsPerRegion(_ regions: [RegionConfig]) -> [Int] {
        regions.map { r in shardsByRegion.first { $0.name == r.name }?.count ?? shardsEach ?? 1 }
    }
}

/// What has been read of one entry of `cross-shard-joins:`.
struct JoinDraft {
    var node: YAMLNode
    var type: String?
    var typeNode: YAMLNode?
    var shards: Int?
    var shardsNode: YAMLNode?
    var merge: Distribution?

    var spec: JoinSpec? { type.map { JoinSpec(type: $0, shards: shards, mergePerShard: merge) } }
}

/// `regions:` at the top level, and the region keys of `kind: database`.
extension Schema {
    static let maxRegions = 64
    static let regionShardCount = 1...1_000
    static let splitLevelRange = 0...10
    /// The most shard slots a region-sharded database may reach (each with its primary and replicas).
    static let maxRegionShardSlots = 4_096

    static let regionFields: [FieldSpec<RegionDraft>] = [
        FieldSpec("name", required: true, example: "name: europe", help: "The region's name, unique; databases map it to shards.",
                  shape: .text) { d, n, v in d.name = v.name(n, key: "name"); d.nameNode = n },
        FieldSpec("share", required: true, example: "share: 30%",
                  help: "Fraction of the users in the region (`30%` or `0.3`); the shares of all regions sum to 1.",
                  shape: .percentage) { d, n, v in d.share = v.percentage(n, key: "share"); d.shareNode = n },
        FieldSpec("utc-offset", help: "Local time minus UTC, in hours (−12 to 14): the population's daily cycle peaks at "
                      + "`peak-hour` local time, so at UTC `peak-hour` − offset.",
                  shape: .number(atLeast: -12, atMost: 14), default: "0") { d, n, v in
            if let x = v.utcOffset(n) { d.utcOffset = x }
        },
    ]

    static let regionsField = FieldSpec<ScenarioDraft>(
        "regions",
        example: "regions: [{name: americas, share: 40%, utc-offset: -5}, {name: europe, share: 35%, utc-offset: 1}]",
        help: "Where the users live. Every request carries the region of its user, drawn by share (under `population:`, by "
            + "the daily cycle shifted to each region's time zone, so the busiest region moves around the globe); each region "
            + "owns a contiguous block of the keys in proportion to its share. A database with `sharding: region` shards by it.",
        shape: .list(.mapping(regionFields.docs()), nonEmpty: true)) { d, n, v in
        d.regions = v.readRegions(n)
        d.regionsNode = n
    }

    static let joinFields: [FieldSpec<JoinDraft>] = [
        FieldSpec("type", required: true, example: "type: search", help: "The request type (a read) that joins across shards.",
                  shape: .text) { d, n, v in d.type = v.name(n, key: "type"); d.typeNode = n },
        FieldSpec("shards", help: "Shards each join touches, chosen uniformly among those in use; `all` or a count.",
                  shape: .anyOf([.choice(["all"]), .count(1...10_000)]), default: "all") { d, n, v in
            let text = Validator.text(n)
            if text == "all" {
                d.shards = nil
            } else if case .success = Units.parseCount(text) {
                d.shards = v.count(n, key: "shards", range: 1...10_000)
            } else {
                v.error("'shards' in 'cross-shard-joins' must be 'all' or a number of shards such as 3, found '\(text)'", at: n)
            }
            d.shardsNode = n
        },
        FieldSpec("merge", help: "Time the coordinator takes to merge one shard's answer, once the slowest has answered; a "
                      + "join touching k shards pays k draws (a pure delay).",
                  shape: .distribution(.duration), default: "no merge") { d, n, v in d.merge = v.distribution(n, key: "merge", of: .duration) },
    ]

    /// The region keys of `kind: database`.
    static let databaseRegionFields: [FieldSpec<ComponentDraft>] = [
        FieldSpec("region-shards",
                  help: "`sharding: region` only: sub-shards of each region at the start, a count for every region or a mapping "
                      + "`{REGION: COUNT}` (regions left out have 1).",
                  shape: .anyOf([.count(regionShardCount), .named(.count(regionShardCount), noun: "region")]), default: "1 per region") { d, n, v in
            v.readRegionShards(n, into: &d.database.regions)
        },
        FieldSpec("sub-sharding",
                  help: "`sharding: region` only: how a region's keys spread over its sub-shards: `hash` (mix(key) mod k; a split "
                      + "halves a sub-shard by one more hash bit) or `range` (equal widths of the region's key block; a split cuts "
                      + "where the queries divide in half).",
                  shape: .choice(SubSharding.allCases.map(\.rawValue)), default: "hash") { d, n, v in
            let options = SubSharding.allCases.map { (name: $0.rawValue, value: $0) }
            d.database.regions.subSharding = v.choice(n, key: "sub-sharding", noun: "sub-sharding", plural: "options", options: options,
                                                      place: " in component '\(d.name)'")
            d.database.regions.subShardingNode = n
        },
        FieldSpec("split-levels",
                  help: "`sharding: region` only: how many times a hot sub-shard may split along its lineage (its hot half can split "
                      + "again). A sub-shard is hot when its share of the queries since the last look exceeds `hot-threshold` × "
                      + "the mean share. Needs `split-every`.",
                  shape: .count(splitLevelRange), default: "0 (never)") { d, n, v in
            d.database.regions.splitLevels = v.count(n, key: "split-levels", range: splitLevelRange)
            d.database.regions.splitLevelsNode = n
        },
        FieldSpec("split-every", help: "How often the database looks for hot sub-shards to split (with `split-levels`).",
                  shape: .duration(positive: true)) { d, n, v in
            d.database.regions.splitEvery = v.duration(n, key: "split-every", positive: true)
            d.database.regions.splitEveryNode = n
        },
        FieldSpec("cross-shard-joins",
                  help: "Read request types that join rows across shards: each fans out to `shards` shards, waits for the slowest, "
                      + "then pays `merge` per shard on the coordinator. A sharded database serving them draws a warning.",
                  shape: .list(.mapping(joinFields.docs()), nonEmpty: true)) { d, n, v in
            d.database.regions.joins = v.readJoins(n, place: " in component '\(d.name)'")
            d.database.regions.joinsNode = n
        },
    ]
}

extension Validator {
    /// A UTC offset in hours, −12…14.
    func utcOffset(_ node: YAMLNode) -> Double? {
        guard let text = scalarText(node, key: "utc-offset", expected: "an offset in hours such as -5 or 5.5") else { return nil }
        guard case .success(let x) = Units.parseNumber(text), x >= -12, x <= 14 else {
            error("'utc-offset' must be a number of hours from -12 to 14 (local time minus UTC), found '\(text)'", at: node)
            return nil
        }
        return x
    }

    /// Reads `regions:`: unique names, shares summing to 1.
    func readRegions(_ node: YAMLNode) -> [RegionDraft] {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'regions' must be a non-empty list of regions, each with 'name' and 'share', found \(Validator.describe(node))", at: node)
            return []
        }
        if seq.count > Schema.maxRegions {
            error("'regions' lists \(seq.count) regions; at most \(Schema.maxRegions) are supported", at: node)
        }
        var out: [RegionDraft] = []
        for (index, item) in seq.enumerated() {
            guard case .mapping(let mapping) = item else {
                error("each region must be a mapping with 'name' and 'share', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = RegionDraft(node: item)
            let place = Validator.value(of: "name", in: mapping)?.scalar.map { " in region '\($0.string)'" } ?? " in region \(index + 1)"
            let allowed = Schema.regionFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.regionFields, place: place, anchor: item) { key in
                Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys")
            }
            if let name = draft.name, let first = out.first(where: { $0.name == name }), let n = draft.nameNode {
                error("region '\(name)' appears twice in 'regions'; it is already defined at line \(first.nameNode?.mark?.line ?? 1)", at: n)
            }
            out.append(draft)
        }
        let shares = out.compactMap(\.share)
        if shares.count == out.count, !out.isEmpty {
            let total = shares.reduce(0, +)
            if abs(total - 1) > 1e-6 {
                error("the shares in 'regions' must sum to 100%, found \(Validator.percentText(total)) ("
                      + out.map { "\($0.name ?? "?") \(Validator.percentText($0.share ?? 0))" }.joined(separator: " + ") + ")",
                      at: node)
            }
        }
        return out
    }

    /// A fraction as a percentage for messages, to two decimals: `95%`, `33.33%`, `0.05%`.
    static func percentText(_ x: Double) -> String {
        let hundredths = Int((x * 10_000).rounded())
        var text = "\(hundredths / 100)"
        let rest = hundredths % 100
        if rest != 0 { text += rest % 10 == 0 ? ".\(rest / 10)" : (rest < 10 ? ".0\(rest)" : ".\(rest)") }
        return text + "%"
    }

    /// `region-shards:` a count for every region, or a mapping from region names to counts.
    func readRegionShards(_ node: YAMLNode, into d: inout DatabaseRegionDraft) {
        d.shardsNode = node
        if case .mapping(let mapping) = node {
            for (keyNode, value) in mapping {
                guard let name = keyNode.scalar?.string else {
                    error("'region-shards' must map region names to counts, found \(Validator.describe(keyNode))", at: keyNode)
                    continue
                }
                guard let n = count(value, key: "region-shards", range: Schema.regionShardCount) else { continue }
                d.shardsByRegion.append((name, n, keyNode))
            }
            return
        }
        d.shardsEach = count(node, key: "region-shards", range: Schema.regionShardCount)
    }

    /// Reads `cross-shard-joins:`, each type once.
    func readJoins(_ node: YAMLNode, place: String) -> [JoinDraft] {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'cross-shard-joins'\(place) must be a list such as '[{type: search, shards: all, merge: constant(1ms)}]', found \(Validator.describe(node))",
                  at: node)
            return []
        }
        var out: [JoinDraft] = []
        for item in seq {
            guard case .mapping(let mapping) = item else {
                error("each entry of 'cross-shard-joins'\(place) must be a mapping with 'type', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = JoinDraft(node: item)
            let allowed = Schema.joinFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.joinFields, place: " in 'cross-shard-joins'\(place)", anchor: item) { key in
                Validator.unknownKeyMessage(key, place: " in 'cross-shard-joins'\(place)", allowed: allowed, listLabel: "keys")
            }
            if let t = draft.type, out.contains(where: { $0.type == t }), let n = draft.typeNode {
                error("request type '\(t)' appears twice in 'cross-shard-joins'\(place)", at: n)
            }
            out.append(draft)
        }
        return out
    }

    /// Checks of regions against the databases and workloads: `sharding: region` needs regions,
    /// its mapping names known regions, its keys need `sharding: region`, splits need a cadence,
    /// and joins name read types that are not also scatter types.
    func checkRegions(_ draft: ScenarioDraft) {
        let names = draft.regions.compactMap(\.name)
        var types: [(name: String, isWrite: Bool)] = []
        for w in draft.workloads {
            if let mix = w.mix {
                for m in mix { if let t = m.type, !types.contains(where: { $0.name == t }) { types.append((t, m.isWrite ?? w.isWrite ?? RequestClass.writeTypes.contains(t))) } }
            } else if !types.contains(where: { $0.name == w.type }) {
                types.append((w.type, w.isWrite ?? RequestClass.writeTypes.contains(w.type)))
            }
        }
        for (i, r) in draft.regions.enumerated() {
            // A region must own at least one key of every keyed workload.
            guard let share = r.share, let node = r.shareNode else { continue }
            for w in draft.workloads {
                guard let n = w.keys?.keyCount else { continue }
                let blocks = RegionConfig.blocks(draft.regions.map { RegionConfig(name: $0.name ?? "", share: $0.share ?? 0) }, keySpace: n)
                if i < blocks.count, blocks[i].hi < blocks[i].lo {
                    error("region '\(r.name ?? "?")' (share \(Validator.percentText(share))) owns no key of workload '\(w.name ?? "?")', "
                          + "which has \(n) keys; give the workload more keys or the region a larger share", at: node)
                    break
                }
            }
        }
        for c in draft.components where c.kind?.name == Schema.databaseKind.name {
            let db = c.database, rd = db.regions
            let place = " in component '\(c.name)'"
            let isRegion = db.sharding == .region
            if isRegion {
                if draft.regions.isEmpty, let node = c.database.shardingNode {
                    error("'sharding: region'\(place) needs 'regions:' at the top level (where the users live); add e.g. "
                          + "'regions: [{name: americas, share: 50%}, {name: europe, share: 50%}]'", at: node)
                }
                if let node = db.shardsNode {
                    error("'shards'\(place) has no effect with 'sharding: region', where each region has its own shards; use 'region-shards'",
                          at: node)
                }
            } else {
                for (key, node) in [("region-shards", rd.shardsNode), ("sub-sharding", rd.subShardingNode),
                                    ("split-levels", rd.splitLevelsNode), ("split-every", rd.splitEveryNode)] {
                    if let node { error("'\(key)'\(place) applies only to 'sharding: region'", at: node) }
                }
            }
            for entry in rd.shardsByRegion where !names.contains(entry.name) && !names.isEmpty {
                let hint = Suggestions.closest(to: entry.name, among: names).map { "; did you mean '\($0)'?" }
                    ?? " (regions: \(names.joined(separator: ", ")))"
                error("unknown region '\(entry.name)' in 'region-shards'\(place)\(hint)", at: entry.node)
            }
            if let levels = rd.splitLevels, levels > 0, rd.splitEvery == nil, let node = rd.splitLevelsNode {
                error("'split-levels'\(place) needs 'split-every', how often to look for hot sub-shards; add e.g. 'split-every: 1h'", at: node)
            }
            if let node = rd.splitEveryNode, (rd.splitLevels ?? 0) == 0, isRegion {
                error("'split-every'\(place) has no effect without 'split-levels' of at least 1", at: node)
            }
            if isRegion, !draft.regions.isEmpty {
                let regions = draft.regions.map { RegionConfig(name: $0.name ?? "", share: $0.share ?? 0) }
                let initial = rd.shardsPerRegion(regions).reduce(0, +)
                let slots = initial << (rd.splitLevels ?? 0)
                if slots > Schema.maxRegionShardSlots, let node = rd.splitLevelsNode ?? rd.shardsNode {
                    error("database '\(c.name)' could reach \(slots) shards (\(initial) at the start, each splitting up to "
                          + "\(rd.splitLevels ?? 0) times); at most \(Schema.maxRegionShardSlots) are supported", at: node)
                }
            }
            for j in rd.joins {
                guard let name = j.type, let node = j.typeNode else { continue }
                guard let type = types.first(where: { $0.name == name }) else {
                    let all = types.map(\.name)
                    let hint = Suggestions.closest(to: name, among: all).map { "; did you mean '\($0)'?" }
                        ?? " (request types: \(all.joined(separator: ", ")))"
                    error("unknown request type '\(name)' in 'cross-shard-joins'\(place)\(hint)", at: node)
                    continue
                }
                if type.isWrite { error("request type '\(name)' in 'cross-shard-joins'\(place) is a write; a join across shards serves reads only", at: node) }
                if db.scatterTypes.contains(where: { $0.name == name }) {
                    error("request type '\(name)' is in both 'scatter-types' and 'cross-shard-joins'\(place); a join is a scatter-gather with a merge, list it once",
                          at: node)
                }
            }
        }
    }

    /// Region sharding and joins of the assembled databases, and the regions of every workload.
    static func assembleRegions(_ d: ScenarioDraft, into config: inout ModelConfig) -> Bool {
        var regions: [RegionConfig] = []
        for r in d.regions {
            guard let name = r.name, let share = r.share else { return false }
            regions.append(RegionConfig(name: name, share: share, utcOffsetHours: r.utcOffset))
        }
        config.setRegions(regions)
        for (i, c) in d.components.enumerated() where c.kind?.name == Schema.databaseKind.name {
            guard case .database(var db) = config.components[i].kind else { continue }
            let rd = c.database.regions
            var joins: [JoinSpec] = []
            for j in rd.joins { guard let spec = j.spec else { return false }; joins.append(spec) }
            db.crossShardJoins = joins
            if db.sharding == .region {
                let rs = RegionShardingConfig(shardsPerRegion: rd.shardsPerRegion(regions), subSharding: rd.subSharding ?? .hash,
                                              splitLevels: rd.splitLevels ?? 0, splitEvery: rd.splitEvery)
                db.regionSharding = rs
                db.shards = rs.initialShards
            }
            config.components[i].kind = .database(db)
        }
        return true
    }
}
