import Dispatch
import Foundation
import SDEngine
import SDMetrics
import SDConfig
import SDModels

/// Runs a configuration once or as independent replications, and turns what the nodes measured
/// into a ``RunResult``. Replications run in parallel, each with its own `Model`, and are combined
/// in replication order, so the result does not depend on how many jobs ran them.
public enum Runner {
    /// One finished run with the raw recorders that pooling replications needs.
    public struct Outcome: Sendable {
        /// The run's result.
        public var result: RunResult
        /// Per-workload latency recorders, for pooling percentiles.
        public var recorders: [LatencyRecorder]
        /// Per-workload latency recorders of the focus window.
        public var focusRecorders: [LatencyRecorder] = []
    }

    /// The seed of replication `index` (0 keeps the scenario's seed).
    public static func replicationSeed(_ seed: UInt64, index: Int) -> UInt64 {
        index == 0 ? seed : RandomStream.derive(seed: seed, name: "replication \(index)")
    }

    /// Runs `config` once with `seed` (default: the configuration's).
    /// `progress` receives the fraction of simulated time done, from the running thread.
    public static func runOnce(_ config: ModelConfig, seed: UInt64? = nil, budget: ResourceBudget = .unlimited,
                               progress: ((Double) -> Void)? = nil) -> Outcome {
        let model = Model(config: config, seed: seed)
        let most = budget.maxInFlight(for: ResourceEstimate.of(config))
        if most < .max { model.limitRequestsInFlight(to: most, budget: ResourceEstimate.bytes(budget.maxMemory)) }
        let total = Double(max(config.duration.ns, 1))
        model.run(progress: progress.map { report in { t in report(Double(t.ns) / total) } })
        return collect(model)
    }

    /// Runs `replications` independent replications on up to `jobs` threads and combines them.
    /// With one replication this is ``runOnce(_:seed:progress:)``.
    /// `budget` bounds the requests in flight of each replication (see ``Model/limitRequestsInFlight(to:budget:)``);
    /// a run that passes it stops early and its result says so in ``RunResult/stoppedEarly``.
    public static func run(_ config: ModelConfig, seed: UInt64? = nil, replications: Int = 1, jobs: Int = 1,
                           budget: ResourceBudget = .unlimited, progress: (@Sendable (Double) -> Void)? = nil) -> RunResult {
        precondition(replications >= 1 && jobs >= 1)
        let base = seed ?? config.seed
        if replications == 1 { return RunAnalysis.annotate(config, runOnce(config, seed: base, budget: budget, progress: progress).result) }
        // Replications in parallel share the budget.
        var shared = budget
        shared.maxMemory /= Double(max(1, min(jobs, replications)))
        return RunAnalysis.annotate(config, combine(replicate(config, seed: base, replications: replications, jobs: jobs,
                                                             budget: shared, progress: progress), seed: base))
    }

    /// Runs independent replications (seeds from ``replicationSeed(_:index:)``) on up to `jobs`
    /// threads and returns them in replication order.
    public static func replicate(_ config: ModelConfig, seed: UInt64? = nil, replications: Int, jobs: Int = 1,
                                 budget: ResourceBudget = .unlimited,
                                 progress: (@Sendable (Double) -> Void)? = nil) -> [Outcome] {
        let base = seed ?? config.seed
        let slots = Slots<Outcome>(count: replications)
        let workers = max(1, min(jobs, replications))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for r in stride(from: worker, to: replications, by: workers) {
                let outcome = runOnce(config, seed: replicationSeed(base, index: r), budget: budget)
                let done = slots.store(outcome, at: r)
                progress?(Double(done) / Double(replications))
            }
        }
        return slots.values()
    }

    // MARK: Collecting one run

    public static func collect(_ model: Model) -> Outcome {
        let config = model.config
        // A run stopped early is measured up to where it stopped.
        let end = model.stoppedEarly == nil ? SimTime(ns: config.duration.ns) : max(model.sim.now, SimTime(ns: config.warmup.ns + 1))
        let window = SimDuration(ns: end.ns) - config.warmup
        let types = config.requestTypes
        let theory = AvailabilityModel.predicted(config)
        let workloads = model.clients.map { client in
            var w = WorkloadResult(name: client.name, arrived: client.arrived, completed: client.completed,
                                   failed: client.failed, latency: summary(client.latency, ci: client.latency.batches.interval()))
            w.failedBy = FailureReason.allCases.compactMap { r in
                client.failedBy[Int(r.rawValue)] > 0 ? (r.name, client.failedBy[Int(r.rawValue)]) : nil
            }
            w.retries = client.retries
            w.lateReplies = client.lateReplies
            w.arrivedByType = types.indices.compactMap { client.arrivedByType[$0] > 0 ? (types[$0], client.arrivedByType[$0]) : nil }
            w.arrivedByRegion = zip(config.regions, client.arrivedByRegion).map { ($0.name, $1) }
            w.bytes = client.bytes
            w.backlog = client.backlog.series("in_flight")
            w.slices = zip(client.sliceCompleted, client.sliceFailed).map { ($0, $1) }
            w.sliceLatency = client.sliceLatency
            w.sliceSeconds = model.seriesSlice.seconds
            w.sliceStart = model.warmupEnd.seconds
            w.fillSeries(replications: 1, end: config.duration.seconds)
            w.availabilityTheory = theory?[Int(client.workload)]
            if config.focus != nil {
                w.focus = FocusResult(arrived: client.focusArrived, completed: client.focusCompleted, failed: client.focusFailed,
                                      p99: client.focusLatency.percentile(99))
            }
            w.inFlight = client.liveMeasuredAttempts()
            return w
        }
        var components: [ComponentResult] = []
        for (i, group) in config.components.enumerated() {
            // A node may add rows for its internal stations after its own; the group row sums up
            // the instances' own rows only.
            var perInstance = model.groups[i].map { $0.results(window: window, end: end) }
            if let links = model.links {
                for (k, node) in model.groups[i].enumerated() where !perInstance[k].isEmpty {
                    perInstance[k][0].extra += links.figures(of: node.id, window: window)
                }
            }
            components += perInstance.flatMap { $0 }
            if group.replicas > 1 { components.append(groupRow(group, perInstance.compactMap(\.first))) }
        }
        var result = RunResult(scenario: config.name, seed: model.seed, simulatedSeconds: end.seconds,
                               warmupSeconds: config.warmup.seconds, events: model.sim.eventCount, replications: 1,
                               workloads: workloads, components: components)
        result.machines = model.machines.map { $0.machineResult(end: end) }
        result.population = PopulationSummary.make(config, workloads: workloads)
        result.stoppedEarly = model.stoppedEarly
        result.storage = StorageGrowth.rows(model)
        result.autoscaling = model.autoscaleTraces
        for trace in result.autoscaling {
            // The group's row (the group row of a replicated group) carries the autoscaler's figures.
            if let k = result.components.firstIndex(where: { $0.name == trace.policy.group }) {
                result.components[k].extra += trace.figures
            }
        }
        if let links = model.links {
            result.network = NetworkSummary(ingressBytes: links.ingress, egressBytes: links.egress, windowSeconds: window.seconds,
                                            egressCostPerGB: config.network.egressCostPerGB)
            result.network?.edgeBytes = links.edgeEgress
        }
        // Every request and message accounted for exactly once; a violation is a bug of ours.
        let broken = Invariants.exact(model, result)
        precondition(broken.isEmpty, Invariants.report(broken, scenario: config.name, seed: model.seed))
        return Outcome(result: result, recorders: model.clients.map(\.latency), focusRecorders: model.clients.map(\.focusLatency))
    }

    static func summary(_ r: LatencyRecorder, ci: (low: Double, high: Double)?) -> LatencySummary {
        LatencySummary(count: r.tally.count, mean: r.tally.mean,
                       meanCI95: ConfidenceInterval(low: ci?.low ?? .nan, high: ci?.high ?? .nan),
                       p50: r.percentile(50), p90: r.percentile(90), p99: r.percentile(99), p999: r.percentile(99.9),
                       max: r.tally.max, outOfRange: r.outOfRange)
    }

    /// The row for a replicated group: rates and counts add up, utilization and times are averaged
    /// (times weighted by the requests behind them).
    static func groupRow(_ group: ComponentConfig, _ rows: [ComponentResult]) -> ComponentResult {
        func weighted(_ value: (ComponentResult) -> Double, by weight: (ComponentResult) -> Int) -> Double {
            let total = rows.reduce(0) { $0 + weight($1) }
            guard total > 0 else { return 0 }
            return rows.reduce(0.0) { $0 + value($1) * Double(weight($1)) } / Double(total)
        }
        let hit: Double? = rows.first?.hitRatio == nil ? nil : weighted({ $0.hitRatio ?? 0 }, by: { $0.completed })
        var row = ComponentResult(
            name: group.name, kind: group.kind.name, group: nil, isGroup: true, workers: rows.first?.workers ?? 0,
            utilization: rows.reduce(0) { $0 + $1.utilization } / Double(max(rows.count, 1)),
            throughput: rows.reduce(0) { $0 + $1.throughput },
            queueLengthMean: rows.reduce(0) { $0 + $1.queueLengthMean },
            waitMean: weighted({ $0.waitMean }, by: { $0.arrived }),
            responseMean: weighted({ $0.responseMean }, by: { $0.completed }),
            hitRatio: hit, arrived: rows.reduce(0) { $0 + $1.arrived },
            completed: rows.reduce(0) { $0 + $1.completed }, rejected: rows.reduce(0) { $0 + $1.rejected })
        // Series of counts (a keyed cache's lookups and hits over time) add up across replicas.
        if let first = rows.first, !first.series.isEmpty, rows.allSatisfy({ $0.series.map(\.name) == first.series.map(\.name) }) {
            row.series = first.series.indices.map { i in
                var s = first.series[i]
                s.values = s.values.indices.map { k in rows.reduce(0) { $0 + $1.series[i].values[k] } }
                return s
            }
        }
        return row
    }

    // MARK: Combining replications

    /// Combines replications: means and their 95% intervals come from the per-replication means
    /// (which are independent), percentiles from the pooled histograms, counts are summed.
    static func combine(_ outcomes: [Outcome], seed: UInt64) -> RunResult {
        let first = outcomes[0].result
        let workloads = first.workloads.indices.map { w -> WorkloadResult in
            let rows = outcomes.map { $0.result.workloads[w] }
            var pooled = outcomes[0].recorders[w]
            for o in outcomes.dropFirst() { pooled.mergeHistogram(o.recorders[w]) }
            let ci = StudentT.interval(rows.map(\.latency.mean))
            var latency = summary(pooled, ci: (ci.low, ci.high))
            latency.count = rows.reduce(0) { $0 + $1.latency.count }
            latency.mean = ci.mean
            latency.max = rows.map(\.latency.max).max() ?? 0
            var out = WorkloadResult(name: rows[0].name, arrived: rows.reduce(0) { $0 + $1.arrived },
                                   completed: rows.reduce(0) { $0 + $1.completed },
                                   failed: rows.reduce(0) { $0 + $1.failed }, latency: latency,
                                   inFlight: rows.reduce(0) { $0 + $1.inFlight })
            out.failedBy = sumByName(rows.map(\.failedBy))
            out.arrivedByType = sumByName(rows.map(\.arrivedByType))
            out.arrivedByRegion = sumByName(rows.map(\.arrivedByRegion))
            out.retries = rows.reduce(0) { $0 + $1.retries }
            out.lateReplies = rows.reduce(0) { $0 + $1.lateReplies }
            out.bytes = rows.reduce(0) { $0 + $1.bytes }
            out.availabilityTheory = rows[0].availabilityTheory
            out.backlog = rows[0].backlog
            out.sliceSeconds = rows[0].sliceSeconds
            out.sliceStart = rows[0].sliceStart
            out.sliceLatency = rows[0].sliceLatency.map { first in
                rows.dropFirst().reduce(into: first) { h, row in if let other = row.sliceLatency { h.merge(other) } }
            }
            out.slices = rows[0].slices.indices.map { i in
                (rows.reduce(0) { $0 + $1.slices[i].completed }, rows.reduce(0) { $0 + $1.slices[i].failed })
            }
            out.fillSeries(replications: outcomes.count, end: first.simulatedSeconds)
            if rows[0].focus != nil {
                var pooled = outcomes[0].focusRecorders[w]
                for o in outcomes.dropFirst() { pooled.mergeHistogram(o.focusRecorders[w]) }
                out.focus = FocusResult(arrived: rows.reduce(0) { $0 + $1.focus!.arrived }, completed: rows.reduce(0) { $0 + $1.focus!.completed },
                                      failed: rows.reduce(0) { $0 + $1.focus!.failed }, p99: pooled.percentile(99))
            }
            return out
        }
        let components = first.components.indices.map { c -> ComponentResult in
            let rows = outcomes.map { $0.result.components[c] }
            func mean(_ f: (ComponentResult) -> Double) -> Double { rows.reduce(0) { $0 + f($1) } / Double(rows.count) }
            var row = rows[0]
            row.utilization = mean(\.utilization)
            row.throughput = mean(\.throughput)
            row.queueLengthMean = mean(\.queueLengthMean)
            row.waitMean = mean(\.waitMean)
            row.responseMean = mean(\.responseMean)
            row.hitRatio = row.hitRatio == nil ? nil : mean { $0.hitRatio ?? 0 }
            row.arrived = rows.reduce(0) { $0 + $1.arrived }
            row.completed = rows.reduce(0) { $0 + $1.completed }
            row.rejected = rows.reduce(0) { $0 + $1.rejected }
            row.targetShares = row.targetShares.indices.map { i in
                (row.targetShares[i].name, rows.reduce(0) { $0 + $1.targetShares[i].share } / Double(rows.count))
            }
            row.extra = row.extra.indices.map { i in
                (row.extra[i].name, rows.reduce(0) { $0 + $1.extra[i].value } / Double(rows.count))
            }
            return row
        }
        var combined = RunResult(scenario: first.scenario, seed: seed, simulatedSeconds: first.simulatedSeconds,
                                 warmupSeconds: first.warmupSeconds, events: outcomes.reduce(0) { $0 + $1.result.events },
                                 replications: outcomes.count, workloads: workloads, components: components)
        combined.machines = first.machines.indices.map { m in
            var row = first.machines[m]
            row.utilization = outcomes.reduce(0) { $0 + $1.result.machines[m].utilization } / Double(outcomes.count)
            row.demand = outcomes.reduce(0) { $0 + $1.result.machines[m].demand } / Double(outcomes.count)
            return row
        }
        combined.replicationFigures = outcomes.map { ReplicationFigures.measure($0.result) }
        combined.stoppedEarly = outcomes.lazy.compactMap(\.result.stoppedEarly).first
        combined.autoscaling = first.autoscaling
        combined.population = first.population.map { p in
            var p = p
            p.reads = outcomes.reduce(0) { $0 + ($1.result.population?.reads ?? 0) }
            p.writes = outcomes.reduce(0) { $0 + ($1.result.population?.writes ?? 0) }
            return p
        }
        combined.storage = first.storage.indices.map { i in
            var row = first.storage[i]
            let n = Double(outcomes.count)
            row.endBytes = outcomes.reduce(0) { $0 + $1.result.storage[i].endBytes } / n
            row.windowBytes = outcomes.reduce(0) { $0 + $1.result.storage[i].windowBytes } / n
            return row
        }
        combined.network = first.network.map { n in
            var n = n
            n.ingressBytes = outcomes.reduce(0) { $0 + ($1.result.network?.ingressBytes ?? 0) } / Double(outcomes.count)
            n.egressBytes = outcomes.reduce(0) { $0 + ($1.result.network?.egressBytes ?? 0) } / Double(outcomes.count)
            n.edgeBytes = outcomes.reduce(0) { $0 + ($1.result.network?.edgeBytes ?? 0) } / Double(outcomes.count)
            return n
        }
        return combined
    }
}

/// Adds up (name, count) lists by name, keeping the order in which names first appear.
func sumByName(_ lists: [[(String, Int)]]) -> [(String, Int)] {
    var out: [(String, Int)] = []
    for list in lists {
        for (name, n) in list {
            if let i = out.firstIndex(where: { $0.0 == name }) { out[i].1 += n } else { out.append((name, n)) }
        }
    }
    return out
}

/// Write-once slots filled from several threads, read in index order afterwards.
final class Slots<T: Sendable>: @unchecked Sendable {
    private var items: [T?]
    private var filled = 0
    private let lock = NSLock()

    init(count: Int) { items = Array(repeating: nil, count: count) }

    /// Stores `value` at `index` and returns how many slots are now filled.
    func store(_ value: T, at index: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        items[index] = value
        filled += 1
        return filled
    }

    func values() -> [T] {
        lock.lock(); defer { lock.unlock() }
        return items.map { $0! }
    }
}
