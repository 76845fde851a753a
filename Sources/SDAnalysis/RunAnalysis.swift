import Foundation
import SDEngine
import SDMetrics
import SDConfig
import SDModels

/// After a run: whether it had a steady state (``StabilityCheck``) and where its bottleneck is
/// (``BottleneckAnalysis``). Both read only the configuration and the ``RunResult``.
public enum RunAnalysis {
    /// `result` with its ``RunResult/stability`` and ``RunResult/bottleneck`` filled in.
    public static func annotate(_ config: ModelConfig, _ result: RunResult) -> RunResult {
        var r = result
        let report = BottleneckAnalysis.analyze(config, result)
        r.bottleneck = report
        r.stability = StabilityCheck.verdict(config, result, rows: report?.rows ?? [])
        return r
    }
}

/// Whether a run reached a steady state.
public enum StabilityCheck {
    /// More than this fraction of the measured requests in flight at the end gets a ledger line.
    public static let inFlightNote = 0.01

    /// The verdict: offered load at or above 1 anywhere (from the configuration, or measured where
    /// the configuration says nothing), or a backlog that grew through the measured window.
    public static func verdict(_ config: ModelConfig, _ r: RunResult, rows: [LoadRow]) -> StabilityVerdict {
        var v = StabilityVerdict()
        v.overloaded = OfferedLoad.overloaded(rows)
        if !v.overloaded.isEmpty, let w = OfferedLoad.warning(v.overloaded) { v.reasons.append(w) }
        v.scriptedChanges = changesInWindow(config, r)
        let arrived = r.workloads.reduce(0) { $0 + $1.arrived }
        let inFlight = r.workloads.reduce(0) { $0 + $1.inFlight }
        v.inFlightFraction = arrived > 0 ? Double(inFlight) / Double(arrived) : 0
        let slopes = r.workloads.compactMap { $0.backlog.flatMap(slope) }
        if !slopes.isEmpty { v.backlogGrowthPerSecond = slopes.reduce(0, +) }
        // The backlog series is one run's (the first replication's); its arrivals are the summed
        // arrivals over the replications.
        let window = r.simulatedSeconds - r.warmupSeconds
        let arrivedPerRun = Double(arrived) / Double(max(r.replications, 1))
        if let growth = v.backlogGrowthPerSecond, window > 0 {
            // A queue that grows by more than 1% of the arrivals (and at least 10 requests) over the
            // window, and ends with more than 1% of them still in flight, is not in equilibrium.
            let grown = growth * window
            if grown >= max(10, inFlightNote * arrivedPerRun) && v.inFlightFraction > inFlightNote {
                v.reasons.append("the backlog grew by \(Int(saturating: grown.rounded())) requests over the measured window "
                                 + "(\(String(format: "%.3g", growth)) per second) and \(percent(v.inFlightFraction)) of the "
                                 + "requests were still in flight at the end")
            }
        }
        return v
    }

    /// What the scenario itself changes during the measured window: a workload that starts or
    /// stops inside it (a load step), an autoscaler's changes. One sentence each.
    static func changesInWindow(_ config: ModelConfig, _ r: RunResult) -> [String] {
        let from = r.warmupSeconds, to = r.simulatedSeconds
        var out: [String] = []
        for w in config.workloads {
            let start = w.start.seconds, stop = w.stop?.seconds ?? .infinity
            if (start > from && start < to) || (stop > from && stop < to) {
                let window = stop.isFinite ? "from \(String(format: "%g", start)) s to \(String(format: "%g", stop)) s"
                    : "from \(String(format: "%g", start)) s on"
                out.append("workload '\(w.name)' sends only \(window): the load changes during the measured window")
            }
        }
        let cycles = config.workloads.compactMap { w -> (name: String, range: String)? in
            guard case .cyclic(let rate) = w.arrival, let range = rateRange(rate, from: from, to: to),
                  range.high > cycleTolerance * range.low else { return nil }
            return (w.name, "from \(String(format: "%.4g", range.low))/s to \(String(format: "%.4g", range.high))/s")
        }
        if cycles.count == 1 {
            out.append("workload '\(cycles[0].name)' follows the daily cycle, \(cycles[0].range) over the measured window, "
                       + "so its figures mix light and heavy hours")
        } else if cycles.count > 1 {
            out.append("the workloads follow the daily cycle, " + cycles.map { "'\($0.name)' \($0.range)" }.joined(separator: ", ")
                       + " over the measured window, so their figures mix light and heavy hours")
        }
        for c in r.components {
            let splits = c.extra.filter { $0.name.hasPrefix("split_") && $0.name.hasSuffix("_at") && $0.value > from && $0.value < to }
            if !splits.isEmpty {
                out.append("database '\(c.name)' split \(splits.count) hot sub-shard\(splits.count == 1 ? "" : "s") during the measured window")
            }
        }
        for t in r.autoscaling where t.actions.contains(where: { $0.at > from }) {
            out.append("the autoscaler of '\(t.policy.group)' changed its replicas during the measured window")
        }
        return out
    }

    /// A cyclic rate whose highest value over the window exceeds its lowest by more than this factor
    /// makes the run a trajectory, not a steady state (a run of minutes at the peak stays within it).
    public static let cycleTolerance = 1.1

    /// The lowest and highest rate of `rate` over [from, to] seconds, sampled every minute (or in
    /// 100,000 steps over a very long run) and at the ends.
    static func rateRange(_ rate: CyclicRate, from: Double, to: Double) -> (low: Double, high: Double)? {
        guard to > from else { return nil }
        let step = max(60, (to - from) / 100_000)
        let steps = Int(((to - from) / step).rounded(.up))
        var low = Double.infinity, high = -Double.infinity
        for i in 0...steps {
            let x = rate.rate(at: min(to, from + Double(i) * step))
            low = min(low, x); high = max(high, x)
        }
        return (low, high)
    }

    /// Least-squares slope of a series, per second (nil with fewer than 4 samples).
    static func slope(_ s: Series) -> Double? {
        let n = s.values.count
        guard n >= 4, s.interval > 0 else { return nil }
        let xs = (0..<n).map { Double($0) * s.interval }
        let mx = xs.reduce(0, +) / Double(n), my = s.values.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<n { sxy += (xs[i] - mx) * (s.values[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
        return sxx > 0 ? sxy / sxx : nil
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}

/// The bottleneck analysis: demands, laws, the bottleneck, the ceiling, and what to change.
public enum BottleneckAnalysis {
    /// The analysis of run `r` of `config` (one run, or replications combined: counts summed over
    /// the replications are divided by ``RunResult/measuredSeconds``, so every rate is per second of
    /// one run); nil when the scenario's arrival rate is unknown.
    public static func analyze(_ config: ModelConfig, _ r: RunResult) -> BottleneckReport? {
        let hitRatios = Dictionary(r.components.filter { ($0.isGroup || $0.group == nil) && $0.hitRatio != nil }
            .map { ($0.name, $0.hitRatio!) }, uniquingKeysWith: { a, _ in a })
        var rows = OfferedLoad.rows(config, hitRatios: hitRatios)
        guard !rows.isEmpty, let rate = OfferedLoad.arrivalRate(config) else { return nil }
        let window = r.measuredSeconds
        let x0 = Double(r.workloads.reduce(0) { $0 + $1.arrived }) / window
        for i in rows.indices { measure(&rows[i], config, r, window: window, x0: x0, rate: rate) }
        return summarize(rows, config, throughput: x0)
    }

    /// The measured rows that make up `row`: a group's row, a database's stations of one role, a machine.
    static func measured(_ row: LoadRow, _ r: RunResult) -> [ComponentResult] {
        switch row.kind {
        case "primary", "replica", "storage-node":
            let db = String(row.name.dropLast((row.kind == "storage-node" ? "node" : row.kind).count + 1))
            return r.components.filter { $0.kind == row.kind && ($0.group == db || $0.group?.hasPrefix(db + "-") == true) }
        default:
            let own = r.components.filter { $0.name == row.name && ($0.isGroup || $0.group == nil) }
            return own
        }
    }

    static func measure(_ row: inout LoadRow, _ config: ModelConfig, _ r: RunResult, window: Double, x0: Double, rate: Double) {
        if row.kind == "machine" {
            guard let m = r.machines.first(where: { $0.name == row.name }) else { return }
            row.utilization = m.utilization
            adopt(&row, measuredUtilization: m.utilization, x0: x0, rate: rate)
            return
        }
        let parts = measured(row, r)
        guard !parts.isEmpty else { return }
        let arrived = parts.reduce(0) { $0 + $1.arrived }
        let throughput = parts.reduce(0) { $0 + $1.throughput }
        row.throughput = throughput
        let hasWorkers = parts.contains { $0.workers > 0 }
        if hasWorkers {
            let u = parts.reduce(0) { $0 + $1.utilization } / Double(parts.count)
            row.utilization = u
            if row.servers == 0 { row.servers = parts.reduce(0) { $0 + $1.workers } * replicas(row, config) }
            // A server with a process lock has two resources: its threads (measured) and the lock of
            // each process (its servers here); the law relates the lock's, which is not measured.
            let locked = processLocked(row, config)
            // A database that split shards has more nodes than it started with; the measured
            // utilization averages over all of them, so the law does too.
            let split = row.kind == "primary" || row.kind == "replica" ? parts.reduce(0) { $0 + $1.workers } : row.servers
            let servers = max(row.servers, split)
            if let s = row.serviceTime, servers > 0, !row.demand.isNaN, !locked {
                row.utilizationLaw = LawCheck(expected: throughput * s / Double(servers), measured: u)
            }
            let waitSum = parts.reduce(0.0) { $0 + $1.waitMean * Double($1.arrived) }
            let waitMean = arrived > 0 ? waitSum / Double(arrived) : 0
            row.littlesLaw = LawCheck(expected: Double(arrived) / window * waitMean,
                                      measured: parts.reduce(0) { $0 + $1.queueLengthMean })
            if !locked { adopt(&row, measuredUtilization: u, x0: x0, rate: rate) }
        }
        if let v = row.visits, !row.kind.hasPrefix("bus") {
            row.forcedFlowLaw = LawCheck(expected: v * x0, measured: Double(arrived) / window)
        }
    }

    /// Whether the row is a server whose processes each have a lock (``ServerConfig/processLock``).
    static func processLocked(_ row: LoadRow, _ config: ModelConfig) -> Bool {
        guard case .server(let s) = config.components.first(where: { $0.name == row.name })?.kind else { return false }
        return s.processLock
    }

    /// Replicas of the group behind a row (1 for database roles, which count their stations).
    static func replicas(_ row: LoadRow, _ config: ModelConfig) -> Int {
        if row.kind == "primary" || row.kind == "replica" || row.kind == "storage-node" { return 1 }
        return config.components.first { $0.name == row.name }?.replicas ?? 1
    }

    /// Uses the measured demand U ÷ X_0 when the configuration gives none, or when the server is
    /// measurably busier than its service times explain (a thread held while it waits downstream,
    /// a slow replica): the measured figure is then the demand that limits throughput.
    static func adopt(_ row: inout LoadRow, measuredUtilization u: Double, x0: Double, rate: Double) {
        guard x0 > 0 else { return }
        let measuredDemand = u / x0
        if row.demand.isNaN || (u > row.offeredLoad * (1 + LawCheck.tolerance) && u - row.offeredLoad > 0.02) {
            row.demand = measuredDemand
            row.demandMeasured = true
            row.offeredLoad = measuredDemand * rate
        }
    }

    static func summarize(_ rows: [LoadRow], _ config: ModelConfig, throughput x0: Double) -> BottleneckReport {
        var best: LoadRow?
        for row in rows where row.demand.isFinite && row.demand > 0 {
            if best == nil || row.demand > best!.demand { best = row }
        }
        guard let b = best else {
            return BottleneckReport(rows: rows, throughput: x0, busiest: nil, bottleneck: nil, maxDemand: 0,
                                    ceiling: .infinity, headroom: .infinity,
                                    advice: "No component does measurable work per request: there is no bottleneck.")
        }
        let ceiling = 1 / b.demand
        let load = b.demand * x0
        let isBottleneck = load >= BottleneckReport.threshold
        let headroom = x0 > 0 ? ceiling / x0 - 1 : .infinity
        return BottleneckReport(rows: rows, throughput: x0, busiest: b.name, bottleneck: isBottleneck ? b.name : nil,
                                maxDemand: b.demand, ceiling: ceiling, headroom: headroom,
                                advice: advice(b, rows, config, throughput: x0, isBottleneck: isBottleneck))
    }

    /// A sentence that says what to change, from the numbers.
    static func advice(_ b: LoadRow, _ rows: [LoadRow], _ config: ModelConfig, throughput x0: Double, isBottleneck: Bool) -> String {
        let load = b.demand * x0
        let ceiling = 1 / b.demand
        let f = { (x: Double) in fmt(x) }
        if !isBottleneck {
            // Just under the threshold a whole percent rounds up to it ("50% (below 50%)"): a tenth, rounded down, then.
            let shown = pct(load) == pct(BottleneckReport.threshold) ? String(format: "%.1f%%", (load * 1000).rounded(.down) / 10) : pct(load)
            return "No bottleneck at this load: the busiest, \(b.name), runs at \(shown) (below \(pct(BottleneckReport.threshold))); "
                + "it would saturate at \(f(ceiling)) requests/s, \(f(ceiling / max(x0, 1e-300))) times today's \(f(x0))."
        }
        let second = rows.filter { $0.name != b.name && $0.demand.isFinite && $0.demand > 0 }.max { $0.demand < $1.demand }
        let next = second.map { " The next limit is \($0.name) at \(f(1 / $0.demand)) requests/s." } ?? ""
        let head = "\(b.name) is the bottleneck at \(pct(load)): it needs \(ms(b.demand * Double(b.servers))) of work per request "
            + "over \(b.servers) server\(b.servers == 1 ? "" : "s"), so the system tops out at \(f(ceiling)) requests/s "
            + "(\(f(x0)) now). "
        // How many servers bring it to the target utilization (at least one more: the advice is for growth).
        // Saturated, so that an absurd load (a machine of speed 1e-300) is a large number, never a trap.
        let wanted = (load * Double(b.servers) / BottleneckReport.target).rounded(.up)
        let need = max(Int(saturating: wanted), b.servers + 1)
        switch b.kind {
        case "machine":
            return head + "Give \(b.name) \(need) cores instead of \(b.servers), or move a component off it.\(next)"
        case "primary":
            let db = String(b.name.dropLast(".primary".count))
            let shards = config.components.first { $0.name == db }.flatMap { c -> Int? in
                if case .database(let d) = c.kind { return d.shards } else { return nil } } ?? 1
            let factor = Double(need) / Double(max(b.servers, 1))
            return head + "Shard \(db) (\(shards) → \(Int(saturating: (Double(shards) * factor).rounded(.up))) shards) or add read replicas "
                + "if reads reach the primary, or put a cache in front of it.\(next)"
        case "replica":
            let db = String(b.name.dropLast(".replica".count))
            return head + "Add read replicas to \(db) (\(need) servers for \(pct(BottleneckReport.target))) or put a cache in front of it.\(next)"
        default:
            guard let c = config.components.first(where: { $0.name == b.name }) else { return head + next }
            let perReplica = max(b.servers / max(c.replicas, 1), 1)
            let replicas = Int(saturating: (Double(need) / Double(perReplica)).rounded(.up))
            if case .database = c.kind { return head + "Shard \(c.name) or put a cache in front of it.\(next)" }
            if case .dispatcher = c.kind {
                return head + "Give \(c.name) \(need) workers instead of \(b.servers): it then runs at "
                    + "\(pct(load * Double(b.servers) / Double(need))); or make its tasks shorter.\(next)"
            }
            let after = load * Double(c.replicas) / Double(replicas)
            let each = "\(perReplica) worker\(perReplica == 1 ? "" : "s") each"
            let lb = c.replicas == 1 ? " behind a load balancer" : ""
            return head + "Run \(replicas) replicas of \(c.name) instead of \(c.replicas) (\(each))\(lb): it then runs at \(pct(after)) "
                + "and the ceiling rises to \(f(ceiling * Double(replicas) / Double(c.replicas))) requests/s; or make its service faster.\(next)"
        }
    }

    static func pct(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
    static func fmt(_ x: Double) -> String {
        if !x.isFinite { return "∞" }
        return x >= 100 ? String(format: "%.0f", x) : String(format: "%.3g", x)
    }
    static func ms(_ s: Double) -> String { s >= 1 ? String(format: "%.3g s", s) : String(format: "%.3g ms", s * 1000) }
}
