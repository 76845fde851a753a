import SDEngine
import SDMetrics
import SDConfig

/// What a database sharded by region measures: the tree, each leaf's queries over time, and the
/// queries and bytes of each leaf's buckets since the last look for hot leaves.
struct RegionState {
    var tree: RegionShardTree
    /// Queries per slot since the last split check (whole run), and per bucket of each slot.
    var intervalLoad: [Int]
    var bucketLoad: [[Int]]
    /// Bytes committed per bucket of each slot since the start (or since the slot last split).
    var bucketBytes: [[Double]]
    /// Measured queries per slot and per slice of the measured window (``Client/seriesSlices``).
    var sliceLoad: [[Int]]
    /// Leaves in use during each slice (the most reached).
    var sliceLeaves: [Int]
    /// Measured queries per slot.
    var measured: [Int]
    /// The splits made: when, which slot, and the new slot holding its upper half.
    var splits: [(at: SimTime, slot: Int, newSlot: Int)] = []
    let sliceNs: Int64
    let windowStart: Int64

    init(tree: RegionShardTree, slots: Int, model: Model) {
        self.tree = tree
        let b = RegionShardTree.buckets
        intervalLoad = [Int](repeating: 0, count: slots)
        bucketLoad = Array(repeating: [Int](repeating: 0, count: b), count: slots)
        bucketBytes = Array(repeating: [Double](repeating: 0, count: b), count: slots)
        sliceLoad = Array(repeating: [Int](repeating: 0, count: Client.seriesSlices), count: slots)
        sliceLeaves = [Int](repeating: tree.leaves, count: Client.seriesSlices)
        measured = [Int](repeating: 0, count: slots)
        sliceNs = model.seriesSlice.ns
        windowStart = model.warmupEnd.ns
    }

    /// Each slot's share of the initial bytes: its region's share of the keys, split evenly among
    /// the region's sub-shards.
    static func initialShares(_ tree: RegionShardTree, regions: [RegionConfig], slots: Int) -> [Double] {
        let total = regions.reduce(0) { $0 + $1.share }
        var out = [Double](repeating: 0, count: slots)
        for s in 0..<tree.leaves {
            let r = tree.regionOf[s]
            out[s] = regions[r].share / total / Double(tree.config.shardsPerRegion[r])
        }
        return out
    }

    /// The slice of the measured window that `now` falls in (nil before the warm-up ends).
    func slice(_ now: Int64) -> Int? {
        guard now >= windowStart else { return nil }
        return min(Int((now - windowStart) / sliceNs), Client.seriesSlices - 1)
    }
}

/// Measured joins across shards (`cross-shard-joins:`) of a database: requests, shards touched and merge time.
struct JoinFigures {
    var requests = 0
    var parts = 0
    var merge = Tally()
}

extension Database {
    // MARK: Routing

    /// The shard slot serving a single-shard query of `request` now.
    func shard(ofRequest request: Int32) -> Int {
        let r = requests.records[Int(request)]
        guard let tree = regions?.tree else { return shardMap.shard(of: r.key) }
        return tree.slot(region: tree.region(of: r.region, key: r.key), key: r.key)
    }

    /// The shards a scatter-gather or join of plan `plan` sends to: every shard in use, or k of
    /// them chosen uniformly without replacement (a partial Fisher–Yates shuffle), in slot order.
    func fanoutTargets(plan: Int) -> [Int] {
        let n = activeShards
        guard let k = fanoutPlans[plan].shards, k < n else { return Array(0..<n) }
        var slots = Array(0..<n)
        for i in 0..<k { slots.swapAt(i, i + joinStream.index(below: n - i)) }
        return slots[0..<k].sorted()
    }

    /// A measured join request arrived.
    func countJoin(parts: Int) {
        joinStats.requests += 1
        joinStats.parts += parts
    }

    /// Every part of a join has answered: the coordinator merges them, one draw of the merge time
    /// per part (a pure delay), then the request answers.
    func startMerge(_ request: Int32, parts: Int, merge: Distribution) {
        var total = 0.0
        for _ in 0..<parts { total += merge.sample(joinStream) }
        if requests.top(request).arrivedAt >= warmupNs { joinStats.merge.add(total) }
        sim.schedule(after: SimDuration(seconds: total), to: id, kind: Database.Event.mergeDone.rawValue, arg: Int64(request))
    }

    // MARK: Region measurements

    /// A query of `request` was routed to `shard`.
    func recordRegionQuery(_ request: Int32, shard: Int, now: Int64, fanout: Int32) {
        guard var state = regions else { return }
        regions = nil   // no copy of the arrays while they change
        state.intervalLoad[shard] += 1
        if fanout < 0 && state.tree.canSplit(shard) {
            state.bucketLoad[shard][state.tree.bucket(of: requests.records[Int(request)].key, inSlot: shard)] += 1
        }
        if let slice = state.slice(now) {
            state.sliceLoad[shard][slice] += 1
            state.measured[shard] += 1
        }
        regions = state
    }

    /// A write of `bytes` to `key` committed on `shard`.
    func recordRegionBytes(_ key: UInt64, shard: Int, bytes: Double) {
        guard var state = regions, state.tree.canSplit(shard) else { return }
        regions = nil
        state.bucketBytes[shard][state.tree.bucket(of: key, inSlot: shard)] += bytes
        regions = state
    }

    // MARK: Splits

    /// Schedules the next look for hot leaves, one `split-every` after now.
    func scheduleRegionSplitCheck() {
        guard let every = regions?.tree.config.splitEvery, every.ns > 0, regions!.tree.config.splitLevels > 0,
              sim.now.ns + every.ns < model.config.duration.ns else { return }
        sim.schedule(after: every, to: id, kind: Database.Event.regionSplitCheck.rawValue)
    }

    /// Every leaf that took more than `hot-threshold` times the mean share of the queries since the
    /// last look splits in two (if it may split again); its upper half moves to a new slot, with
    /// the bytes written to the buckets that move and the initial bytes in proportion.
    func splitHotLeaves() {
        guard var state = regions else { return }
        regions = nil
        let total = state.intervalLoad[0..<activeShards].reduce(0, +)
        let leaves = activeShards
        if total > 0 {
            for s in 0..<leaves where activeShards < shardSlots && state.tree.canSplit(s) {
                let share = Double(state.intervalLoad[s]) / Double(total)
                guard share > config.hotThreshold / Double(leaves) else { continue }
                let (newSlot, moved) = state.tree.split(s, load: state.bucketLoad[s])
                precondition(newSlot == activeShards)
                let movedBytes = zip(state.bucketBytes[s], moved).reduce(0.0) { $0 + ($1.1 ? $1.0 : 0) }
                let movedFraction = Double(moved.filter { $0 }.count) / Double(moved.count)
                let movedInitial = initialBytesOf[s] * movedFraction
                initialBytesOf[s] -= movedInitial
                initialBytesOf[newSlot] += movedInitial
                writtenBytesOf[s] -= movedBytes
                writtenBytesOf[newSlot] += movedBytes
                // Both halves start measuring afresh (their buckets are new sub-ranges).
                for b in 0..<RegionShardTree.buckets { state.bucketLoad[s][b] = 0; state.bucketBytes[s][b] = 0 }
                state.splits.append((sim.now, s, newSlot))
                activeShards += 1
            }
        }
        for s in 0..<shardSlots {
            state.intervalLoad[s] = 0
            for b in 0..<RegionShardTree.buckets { state.bucketLoad[s][b] = 0 }
        }
        if let slice = state.slice(sim.now.ns) {
            for i in slice..<Client.seriesSlices { state.sliceLeaves[i] = activeShards }
        }
        regions = state
        scheduleRegionSplitCheck()
    }

    // MARK: Results

    /// The figures of a database sharded by region, per shard slot in use: `shard_N_region`
    /// (1-based index in `regions:`), `shard_N_depth` (splits above it), with `range` sub-sharding
    /// `shard_N_first_key` and `shard_N_last_key`, `shard_N_share` (of the measured queries),
    /// `shard_N_utilization`, `shard_N_hot` (share above `hot-threshold` × the mean),
    /// `shard_N_peak_at` (middle of its busiest slice, seconds from the start),
    /// `shard_N_hot_slices` (slices in which its share of the slice's queries was above
    /// `hot-threshold` × the mean share of the shards in use then); then `hot_shards`, `splits`,
    /// and for each split `split_K_at` (seconds), `split_K_shard`, `split_K_new_shard` (1-based).
    func regionFigures(end: SimTime) -> [(String, Double)] {
        guard let state = regions else { return [] }
        let shares = Database.shares(Array(state.measured[0..<activeShards]))
        let hot = hotShards(shares)
        var sliceTotals = [Int](repeating: 0, count: Client.seriesSlices)
        for s in 0..<activeShards { for i in sliceTotals.indices { sliceTotals[i] += state.sliceLoad[s][i] } }
        let sliceSeconds = Double(state.sliceNs) / 1e9
        var out: [(String, Double)] = []
        for s in 0..<activeShards {
            let mine = stations.filter { $0.shard == s }
            let util = mine.reduce(0.0) { $0 + $1.cpu.busyAverage.average(until: end) } / Double(mine.count * config.workers)
            let n = "shard_\(s + 1)_"
            out += [(n + "region", Double(state.tree.regionOf[s] + 1)), (n + "depth", Double(state.tree.depth(of: s)))]
            if state.tree.config.subSharding == .range {
                let r = state.tree.range(of: s)
                out += [(n + "first_key", Double(r.lo)), (n + "last_key", Double(r.hi))]
            }
            let loads = state.sliceLoad[s]
            let busiest = loads.indices.max { loads[$0] < loads[$1] } ?? 0
            let hotSlices = loads.indices.filter { i in
                sliceTotals[i] > 0 && Double(loads[i]) / Double(sliceTotals[i]) > config.hotThreshold / Double(state.sliceLeaves[i])
            }.count
            out += [(n + "share", shares[s]), (n + "utilization", util), (n + "hot", hot[s] ? 1 : 0),
                    (n + "peak_at", Double(state.windowStart) / 1e9 + (Double(busiest) + 0.5) * sliceSeconds),
                    (n + "hot_slices", Double(hotSlices))]
        }
        out += [("hot_shards", Double(hot.filter { $0 }.count)), ("splits", Double(state.splits.count))]
        for (k, split) in state.splits.enumerated() {
            out += [("split_\(k + 1)_at", split.at.seconds), ("split_\(k + 1)_shard", Double(split.slot + 1)),
                    ("split_\(k + 1)_new_shard", Double(split.newSlot + 1))]
        }
        return out
    }

    /// Each shard slot in use: `shard_N_load`, its queries per second in each slice of the measured window.
    func regionSeries() -> [Series] {
        guard let state = regions else { return [] }
        let seconds = Double(state.sliceNs) / 1e9
        return (0..<activeShards).map { s in
            Series(name: "shard_\(s + 1)_load", start: Double(state.windowStart) / 1e9, interval: seconds,
                   values: state.sliceLoad[s].map { Double($0) / seconds })
        }
    }

    /// With `cross-shard-joins`: `cross_shard_joins`, then when there were some `cross_shard_join_shards_mean`
    /// (shards touched per join) and, once a merge is done, `cross_shard_join_merge_mean` (merge time of the measured joins, seconds).
    func joinFigures() -> [(String, Double)] {
        guard !config.crossShardJoins.isEmpty else { return [] }
        let j = joinStats
        var out = [("cross_shard_joins", Double(j.requests))]
        if j.requests > 0 { out.append(("cross_shard_join_shards_mean", Double(j.parts) / Double(j.requests))) }
        if j.merge.count > 0 { out.append(("cross_shard_join_merge_mean", j.merge.mean)) }
        return out
    }
}
