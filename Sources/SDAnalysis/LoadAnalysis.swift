import Foundation
import SDEngine
import SDMetrics
import SDConfig
import SDModels

// The operational laws (Denning & Buzen) applied to a scenario and to what a run measured:
//   forced flow   X_k = V_k × X_0        (visits per system request × system throughput)
//   utilization   U_k = X_k × S_k ÷ c_k  (c_k servers), so U_k = X_0 × D_k with D_k = V_k × S_k ÷ c_k
//   Little        L = λ × W              (checked on each waiting room: Lq = λ × Wq)
//   bound         X_0 ≤ 1 ÷ max_k D_k    (the bottleneck sets the throughput ceiling)
// This file reads only the configuration values and the RunResult: it knows nothing of the running
// model, so it can move to an analysis target unchanged.

/// Offered load per component and machine from the configuration: visit ratios, service demands, servers.
public enum OfferedLoad {
    /// What reaches each component group per system request.
    struct Flow {
        var visits: [Double]
        var unknown: [Bool]
        var dbReads: [Double]
        var dbWrites: [Double]
        /// Query work (seconds per system request) of a database's reads and writes, joins and
        /// multi-row transactions included (NaN when a mean is unknown).
        var dbReadWork: [Double]
        var dbWriteWork: [Double]
        /// Replica operations per system request at a kv-store's storage nodes (N per row, k rows per fanned-out write).
        var replicaOps: [Double]
        /// Read misses per system request of each keyed cache that pays a `fill` (the cache-aside SET).
        var fills: [Double]
    }

    /// The system's total arrival rate (requests per second, all workloads); nil when a workload's rate is unknown.
    public static func arrivalRate(_ config: ModelConfig) -> Double? {
        var total = 0.0
        for w in config.workloads {
            guard let r = rate(w, config) else { return nil }
            total += r
        }
        return total
    }

    /// A workload's mean arrival rate over the measured window (a daily cycle's, not the day's mean;
    /// a workload with `start`/`stop` counts the part of the window it sends in).
    static func rate(_ w: WorkloadConfig, _ config: ModelConfig) -> Double? {
        let from = config.warmup.seconds, to = config.duration.seconds
        if case .cyclic(let c) = w.arrival {
            let a = Swift.max(from, w.start.seconds), b = Swift.min(to, w.stop?.seconds ?? to)
            guard to > from else { return c.rate(at: from) * w.activeFraction(from: from, to: to) }
            return b > a ? c.expectedArrivals(from: a, to: b) / (to - from) : 0
        }
        return w.arrival.ratePerSecond.map { $0 * w.activeFraction(from: from, to: to) }
    }

    /// Visits per system request to each component group (declaration order), following routes,
    /// calls, cache misses, gateway routes and load balancers. `hitRatios` gives measured hit ratios
    /// of keyed caches (by group name); without one, what a keyed cache sends on is unknown.
    static func flow(_ config: ModelConfig, hitRatios: [String: Double] = [:]) -> Flow? {
        guard let total = arrivalRate(config), total > 0 else { return nil }
        let n = config.components.count
        var f = Flow(visits: Array(repeating: 0, count: n), unknown: Array(repeating: false, count: n),
                     dbReads: Array(repeating: 0, count: n), dbWrites: Array(repeating: 0, count: n),
                     dbReadWork: Array(repeating: 0, count: n), dbWriteWork: Array(repeating: 0, count: n),
                     replicaOps: Array(repeating: 0, count: n), fills: Array(repeating: 0, count: n))
        let index = Dictionary(config.components.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })

        func visit(_ name: String, _ x: Double, type: String, isWrite: Bool, onRoute: Bool, known: Bool, depth: Int) {
            guard depth < 32, let g = index[name] else { return }
            let c = config.components[g]
            if !known { f.unknown[g] = true }
            let next = { (target: String, share: Double, stillKnown: Bool) in
                visit(target, share, type: type, isWrite: isWrite, onRoute: false, known: known && stillKnown, depth: depth + 1)
            }
            // Visits: a bus's workers handle the call and the reply (two); work that consumers,
            // pollers or fan-out do on their own has no static model here.
            if case .bus = c.kind { f.visits[g] += 2 * x } else { f.visits[g] += x }
            switch c.kind {
            case .database(let db):
                let joinShards = db.crossShardJoins.first { $0.type == type }.map { min($0.shards ?? db.shards, db.shards) }
                let queries = isWrite ? x : joinShards.map { x * Double($0) } ?? (db.scatterTypes.contains(type) ? x * Double(db.shards) : x)
                let work = queries * (db.queries.meanService(type: type, isWrite: isWrite, read: db.readService.mean,
                                                             write: db.writeService.mean) ?? .nan)
                if isWrite { f.dbWrites[g] += queries; f.dbWriteWork[g] += work } else { f.dbReads[g] += queries; f.dbReadWork[g] += work }
            case .kvStore(let kv):
                f.replicaOps[g] += x * Double(kv.replicationFactor * (isWrite ? kv.tables(writtenBy: type) : 1))
            case .queue, .polledTable, .objectStore, .feedService:
                f.unknown[g] = true
            default: break
            }
            for e in c.kind.next(type: type, onRoute: onRoute) where e.role != .consume {
                if e.role == .origin, case .cdn(let cdn) = c.kind {
                    // Writes pass through to the origin; reads reach it on a miss.
                    if isWrite {
                        next(e.target, x, true)
                    } else if let h = cdn.mode.fixedHitRatio ?? hitRatios[c.name] {
                        next(e.target, x * (1 - h), true)
                    } else {
                        next(e.target, x, false)
                    }
                    continue
                }
                guard e.role == .miss, case .cache(let cache) = c.kind else { next(e.target, x, true); continue }
                if let h = cache.hitRatio {
                    next(e.target, x * (1 - h), true)
                } else if isWrite {
                    next(e.target, x, true)
                } else if let h = hitRatios[c.name] {
                    if cache.keyed?.fill != nil { f.fills[g] += x * (1 - h) }
                    next(e.target, x * (1 - h), true)
                } else {
                    if cache.keyed?.fill != nil { f.unknown[g] = true }
                    next(e.target, x, false)
                }
            }
        }

        for w in config.workloads {
            let rate = rate(w, config) ?? 0
            let shares = w.mix.reduce(0) { $0 + $1.share }
            for rc in w.mix where shares > 0 {
                let x = rate / total * rc.share / shares
                for hop in rc.route { visit(hop, x, type: rc.type, isWrite: rc.isWrite, onRoute: true, known: true, depth: 0) }
            }
        }
        // What no route reaches is reached, if at all, by work no request asked for (a queue's
        // consumers, a poller, fan-out): unknown here.
        for (g, c) in config.components.enumerated() where f.visits[g] == 0 && !isEntry(c.name, config) {
            f.unknown[g] = true
        }
        return f
    }

    private static func isEntry(_ name: String, _ config: ModelConfig) -> Bool {
        config.workloads.contains { $0.mix.contains { $0.route.contains(name) } }
    }

    /// Mean service time of one visit to a group (nil when unknown); 0 for a load balancer. A
    /// server's is all its CPU: `service`, the CPU after each call and the client cost of each call.
    static func serviceTime(_ c: ComponentConfig) -> Double? {
        switch c.kind {
        case .server(let s):
            var total = s.service.mean
            for d in s.afterCalls { total = total.flatMap { t in d.mean.map { t + $0 } } }
            if let cost = s.callCost { total = total.flatMap { t in cost.mean.map { t + Double(s.calls.count) * $0 } } }
            return total
        case .cache(let s): return s.service.mean
        case .cdn(let s): return s.service.mean
        case .kvStore(let s): return s.service.mean
        case .dispatcher(let d): return d.task.mean
        case .gateway(let r), .bus(let r): return r.service.mean
        case .loadBalancer: return 0
        default: return nil
        }
    }

    /// Whether the group's waiting room is bounded (or it has none).
    static func bounded(_ c: ComponentConfig) -> Bool {
        switch c.kind {
        case .server(let s): return s.queueLimit != nil
        case .cache(let s): return s.queueLimit != nil
        case .cdn(let s): return s.queueLimit != nil
        case .kvStore(let s): return s.queueLimit != nil
        case .dispatcher(let d): return d.queueLimit != nil
        case .gateway(let r), .bus(let r): return r.queueLimit != nil
        case .database(let d): return d.queueLimit != nil
        case .loadBalancer: return true
        default: return false
        }
    }

    /// Parallel servers of one instance (workers); nil for kinds this analysis does not model. A
    /// server with a process lock computes one thread at a time per process: its servers are its processes.
    static func workers(_ c: ComponentConfig) -> Int? {
        switch c.kind {
        case .server(let s): return s.processLock ? s.processes : s.workers
        case .cache(let s): return s.workers
        case .cdn(let s): return s.workers
        case .kvStore(let s): return s.workers
        case .dispatcher(let d): return d.workers
        case .gateway(let r), .bus(let r): return r.workers
        case .loadBalancer: return 0
        default: return nil
        }
    }

    /// One row per component group (a database: its primaries, then its replicas), then one per
    /// machine instance, from the configuration alone. Rows without a static model have a
    /// demand of NaN; ``BottleneckAnalysis`` fills them from measurements.
    public static func rows(_ config: ModelConfig, hitRatios: [String: Double] = [:]) -> [LoadRow] {
        guard let total = arrivalRate(config), let f = flow(config, hitRatios: hitRatios) else { return [] }
        var rows: [LoadRow] = []
        // CPU seconds per system request placed on each machine instance, in order of first use.
        var machineWork: [(name: String, type: MachineConfig, cpu: Double, unknown: Bool, bounded: Bool)] = []
        func place(_ c: ComponentConfig, cpuPerReplica: Double?) {
            guard c.machine != nil, let type = config.machines.first(where: { $0.name == c.machine }) else { return }
            for i in 0..<c.replicas {
                let name = c.machineInstance(replica: i)!
                if let j = machineWork.firstIndex(where: { $0.name == name }) {
                    machineWork[j].cpu += cpuPerReplica ?? 0
                    if cpuPerReplica == nil { machineWork[j].unknown = true }
                    if !bounded(c) { machineWork[j].bounded = false }
                } else {
                    machineWork.append((name, type, cpuPerReplica ?? 0, cpuPerReplica == nil, bounded(c)))
                }
            }
        }
        for (g, c) in config.components.enumerated() {
            let known = !f.unknown[g]
            if case .database(let db) = c.kind {
                let onPrimary = f.dbWrites[g] + (db.readReplicas == 0 ? f.dbReads[g] : 0)
                let primaryWork = f.dbWriteWork[g] + (db.readReplicas == 0 ? f.dbReadWork[g] : 0)
                let primaries = db.workers * db.shards * c.replicas
                rows.append(row(c.name + ".primary", "primary", primaries, visits: onPrimary,
                                service: onPrimary > 0 ? primaryWork / onPrimary : db.writeService.mean, work: primaryWork,
                                known: known, rate: total, bounded: bounded(c)))
                var replicaWork = 0.0
                if db.readReplicas > 0 {
                    replicaWork = f.dbReadWork[g]
                    rows.append(row(c.name + ".replica", "replica", primaries * db.readReplicas, visits: f.dbReads[g],
                                    service: f.dbReads[g] > 0 ? replicaWork / f.dbReads[g] : db.readService.mean,
                                    work: replicaWork, known: known, rate: total,
                                    bounded: bounded(c)))
                }
                place(c, cpuPerReplica: known ? (primaryWork + replicaWork) / Double(c.replicas) : nil)
                continue
            }
            var s = serviceTime(c)
            let servers = (workers(c) ?? 0) * c.replicas
            var visits = f.visits[g]
            var work = s.map { visits * $0 }
            // A keyed cache's fills are visits of their own (a SET per read miss), counted among its arrivals.
            if case .cache(let cache) = c.kind, let fill = cache.keyed?.fill, f.fills[g] > 0 {
                work = work.flatMap { w in fill.mean.map { w + f.fills[g] * $0 } }
                visits += f.fills[g]
                s = work.map { $0 / visits }
            }
            rows.append(row(c.name, c.kind.name, servers, visits: visits, service: s, work: work,
                            known: known && work != nil && workers(c) != nil, rate: total, bounded: bounded(c)))
            if case .kvStore(let kv) = c.kind {
                // The storage nodes, as one row: every replica operation over all their workers.
                let mean = kv.replicaService.mean
                rows.append(row(c.name + ".node", "storage-node", kv.nodeWorkers * kv.nodes * c.replicas, visits: f.replicaOps[g],
                                service: mean, work: mean.map { f.replicaOps[g] * $0 }, known: known && mean != nil,
                                rate: total, bounded: false))
            }
            place(c, cpuPerReplica: known ? work.map { $0 / Double(c.replicas) } : nil)
        }
        for m in machineWork {
            let cpu = m.cpu / m.type.speed
            var r = LoadRow(name: m.name, kind: "machine", servers: m.type.cores, visits: nil,
                            serviceTime: nil, demand: m.unknown ? .nan : cpu / Double(m.type.cores),
                            demandMeasured: false, offeredLoad: .nan)
            r.offeredLoad = r.demand * total
            r.bounded = m.bounded
            rows.append(r)
        }
        return rows
    }

    private static func row(_ name: String, _ kind: String, _ servers: Int, visits: Double, service: Double?,
                            work: Double?, known: Bool, rate: Double, bounded: Bool) -> LoadRow {
        let demand: Double
        if !known { demand = .nan } else if servers == 0 { demand = 0 } else { demand = (work ?? 0) / Double(servers) }
        var r = LoadRow(name: name, kind: kind, servers: servers, visits: known ? visits : nil, serviceTime: service,
                        demand: demand, demandMeasured: false, offeredLoad: demand * rate)
        r.bounded = bounded
        return r
    }

    /// Rows with an unbounded waiting room whose offered load is at or above 1, highest first:
    /// their backlog has no steady state. (A bounded one turns the excess away instead.)
    public static func overloaded(_ rows: [LoadRow]) -> [(name: String, load: Double)] {
        rows.filter { $0.offeredLoad.isFinite && $0.offeredLoad >= 1 && !$0.bounded }
            .map { ($0.name, $0.offeredLoad) }
            .sorted { $0.1 > $1.1 }
    }

    /// The warning printed before a run when some component or machine is offered more than it can do.
    public static func warning(_ overloaded: [(name: String, load: Double)]) -> String? {
        guard !overloaded.isEmpty else { return nil }
        let list = overloaded.map { "\($0.name) ρ = \(String(format: "%.2f", $0.load))" }.joined(separator: ", ")
        return "offered load at or above capacity (\(list)): arrivals outpace service, the backlog grows "
            + "without bound, and the run has no steady state"
    }
}
