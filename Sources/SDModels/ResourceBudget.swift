import SDConfig
import SDEngine

/// What a run may spend: simulated events and memory. `sdsim run --max-events` and `--max-memory`
/// raise or lower them.
public struct ResourceBudget: Sendable, Equatable {
    /// Events one run (all replications together) may handle, as estimated before running.
    public var maxEvents: Double
    /// Bytes the model may hold at once: its structures, estimated before running, and the
    /// requests in flight, watched while it runs.
    public var maxMemory: Double

    /// 20 billion events (about an hour at 5 million events per second) and 4 GiB.
    public static let standard = ResourceBudget(maxEvents: 20e9, maxMemory: 4 * 1_073_741_824)
    /// No limit (for tests and library callers that bound their own inputs).
    public static let unlimited = ResourceBudget(maxEvents: .infinity, maxMemory: .infinity)

    /// A budget.
    public init(maxEvents: Double, maxMemory: Double) { self.maxEvents = maxEvents; self.maxMemory = maxMemory }

    /// Requests in flight, past which a run stops: the memory left after the model's own
    /// structures, at ``ResourceEstimate/bytesPerRequest`` each (at least 1,000).
    public func maxInFlight(for estimate: ResourceEstimate) -> Int {
        let left = maxMemory - estimate.structureBytes
        guard left.isFinite else { return .max }
        return Int(max(1_000, min(left / ResourceEstimate.bytesPerRequest, 1e15)))
    }
}

/// What a scenario will cost before it runs: events from rates × duration (and from timers: polls,
/// health checks, samplers, the draws that fill warm caches), and the memory of its stations
/// (replicas × shards × nodes), hash rings (virtual nodes × replicas), consumers, pollers and
/// prefixes, and the entries of warm caches, which are full from the start. The figures
/// are estimates on the high side, made to refuse a run that cannot finish, not to predict it.
public struct ResourceEstimate: Sendable, Equatable {
    /// Requests the workloads send in the whole run (all replications).
    public var requests: Double
    /// Events the engine handles for them.
    public var events: Double
    /// Stations: every replica, and every primary and read replica of every shard.
    public var stations: Double
    /// Points on the hash rings of consistent-hash load balancers.
    public var ringPoints: Double
    /// Entries of warm keyed caches and CDN edges (`warm: true`), all replicas together.
    public var warmEntries: Double = 0
    /// Bytes of the model's structures (stations and rings) in one run.
    public var structureBytes: Double
    /// Of those, the bytes of consumers, pollers and prefixes.
    public var workerBytes: Double {
        structureBytes - stations * ResourceEstimate.bytesPerStation - ringPoints * ResourceEstimate.bytesPerRingPoint
            - warmEntries * ResourceEstimate.bytesPerCacheEntry
    }

    /// Bytes one station holds (its workers, queue, averages and result rows), measured high.
    public static let bytesPerStation = 2_048.0
    /// Bytes one hash-ring point holds while the ring is built.
    public static let bytesPerRingPoint = 64.0
    /// Bytes one consumer, poller or rate-limited prefix holds.
    public static let bytesPerWorker = 64.0
    /// Bytes one request in flight holds (its record, call stack, events and queue places).
    public static let bytesPerRequest = 512.0
    /// Bytes one cached entry holds (key, version, size, the policy's links; a warm Redis LRU cache
    /// of 1M entries measured 175 bytes each).
    public static let bytesPerCacheEntry = 256.0

    /// The estimate for `config` run `replications` times.
    public static func of(_ config: ModelConfig, replications: Int = 1) -> ResourceEstimate {
        let byName = Dictionary(config.components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let seconds = config.duration.seconds
        var requests = 0.0, events = 0.0
        for w in config.workloads {
            let rate = w.arrival.ratePerSecond ?? 0
            let sent = rate.isFinite ? rate * seconds : .infinity
            // Per request: its arrival, and per hop (route entries and the calls they make) a
            // delivery, a service and a reply (retries, which depend on failures, are not counted).
            var hops = 0.0
            for c in w.mix {
                var h = Double(c.route.count)
                for name in c.route {
                    if case .server(let s) = byName[name]?.kind { h += Double(s.calls.count) }
                }
                hops += c.share * h
            }
            let shares = w.mix.reduce(0) { $0 + $1.share }
            if shares > 0 { hops /= shares }
            requests += sent
            events += sent * (2 + 4 * max(hops, 1))
        }
        var stations = 0.0, ringPoints = 0.0, workers = 0.0, warmEntries = 0.0
        /// Timer events of something that fires every `every` for the whole run.
        func ticks(_ count: Double, every: SimDuration) -> Double { count * seconds / max(every.seconds, 1e-9) }
        for c in config.components {
            let replicas = Double(c.replicas)
            /// A warm cache's entries; filling it draws keys until it is full, and behind a balancer
            /// that places keys each replica skips the others' keys: entries × replicas draws each.
            func warm(_ keyed: KeyedCacheConfig?, _ replicas: Double) {
                let entries = Self.warmEntries(keyed, of: c.name, config)
                warmEntries += replicas * entries
                events += 2 * replicas * replicas * entries
            }
            switch c.kind {
            case .database(let d): stations += replicas * Double(d.shards + 1) * Double(1 + d.readReplicas)
            case .loadBalancer(let lb):
                stations += replicas
                let targets = Double(byName[lb.targets]?.replicas ?? 1)
                if lb.policy == .consistentHash { ringPoints += replicas * Double(lb.vnodes) * targets }
                if let hc = lb.healthCheck { events += 2 * ticks(replicas * targets, every: hc.interval) }
            case .queue(let q):
                stations += replicas
                workers += replicas * Double(q.consumers)
                events += ticks(replicas, every: q.sampleEvery)
            case .polledTable(let t):
                stations += replicas
                workers += replicas * Double(t.pollers)
                events += 2 * ticks(replicas * Double(t.pollers), every: t.pollInterval)
            case .objectStore(let o):
                stations += replicas
                workers += replicas * Double(o.prefixes)
            case .cache(let k): stations += replicas; warm(k.keyed, replicas)
            case .cdn(let k): stations += replicas; warm(k.mode.keyedConfig, replicas)
            case .dispatcher(let d):
                stations += replicas
                workers += replicas * Double(d.workers)
                events += ticks(replicas * Double(d.workers), every: d.heartbeat)
            case .kvStore(let k):
                // The coordinator and its storage nodes, each node's ring points.
                stations += replicas * Double(1 + k.nodes)
                ringPoints += replicas * Double(k.nodes * 100)
            default: stations += replicas
            }
        }
        let r = Double(max(replications, 1))
        return ResourceEstimate(requests: requests * r, events: events * r, stations: stations, ringPoints: ringPoints,
                                warmEntries: warmEntries,
                                structureBytes: stations * bytesPerStation + ringPoints * bytesPerRingPoint
                                    + workers * bytesPerWorker + warmEntries * bytesPerCacheEntry)
    }

    /// The entries one replica of a warm keyed cache holds from the start (`warm: true`): its
    /// capacity in entries, or its bytes over the entry size of the traffic that fills it, and no
    /// more than there are keys; 0 for a cold cache or one no keyed traffic reaches.
    static func warmEntries(_ keyed: KeyedCacheConfig?, of name: String, _ config: ModelConfig) -> Double {
        guard let keyed, keyed.warm, let traffic = config.keyedTraffic(reaching: name) else { return 0 }
        let keys: Double
        switch traffic.keys {
        case .zipf(let n, _), .uniform(let n): keys = Double(n)
        }
        switch keyed.capacity {
        case .items(let n): return min(Double(n), keys)
        case .bytes(let b): return min(b / max(traffic.size + keyed.entryOverhead, 1), keys)
        }
    }

    /// Why the run does not fit `budget` (empty when it does), one sentence each, naming what
    /// drives the cost and the option that raises the budget.
    public func problems(within budget: ResourceBudget, parallelRuns: Int = 1) -> [String] {
        var out: [String] = []
        if !(events <= budget.maxEvents) {
            out.append("the run would handle about \(ResourceEstimate.count(events)) events (\(ResourceEstimate.count(requests)) "
                       + "requests: arrival rates × duration), more than the budget of \(ResourceEstimate.count(budget.maxEvents)); "
                       + "shorten the duration, lower the rates, or raise the budget with --max-events")
        }
        let bytes = structureBytes * Double(max(parallelRuns, 1))
        if !(bytes <= budget.maxMemory) {
            var parts: [String] = []
            if stations > 0 { parts.append("\(ResourceEstimate.count(stations)) stations (replicas × shards × nodes)") }
            if workerBytes > 0 { parts.append("consumers, pollers and prefixes") }
            if ringPoints > 0 { parts.append("\(ResourceEstimate.count(ringPoints)) hash-ring points (vnodes × replicas)") }
            if warmEntries > 0 { parts.append("\(ResourceEstimate.count(warmEntries)) entries of warm caches (capacity × replicas)") }
            let runs = parallelRuns > 1 ? " for \(parallelRuns) runs at once" : ""
            out.append("the model would need about \(ResourceEstimate.bytes(bytes))\(runs) for \(parts.joined(separator: " and ")), "
                       + "more than the budget of \(ResourceEstimate.bytes(budget.maxMemory)); "
                       + "use fewer replicas, shards or vnodes\(warmEntries > 0 ? ", smaller warm caches" : ""), or raise the budget with --max-memory")
        }
        return out
    }

    /// `1.2 million`, `35 billion`, `950`.
    public static func count(_ x: Double) -> String {
        guard x.isFinite else { return "unbounded" }
        for (size, name) in [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")] where x >= size {
            return "\(formatOne(x / size)) \(name)"
        }
        return String(Int64(x.rounded()))
    }

    /// `4 GiB`, `512 MiB`, `1.5 TiB`.
    public static func bytes(_ x: Double) -> String {
        guard x.isFinite else { return "unbounded" }
        for (size, name) in [(1_099_511_627_776.0, "TiB"), (1_073_741_824.0, "GiB"), (1_048_576.0, "MiB"), (1024.0, "KiB")] where x >= size {
            return "\(formatOne(x / size)) \(name)"
        }
        return "\(Int64(x.rounded())) B"
    }

    private static func formatOne(_ x: Double) -> String {
        let tenths = (x * 10).rounded()
        if tenths >= 1e15 { return "\(x)" }
        let t = Int64(tenths)
        return t % 10 == 0 ? "\(t / 10)" : "\(t / 10).\(t % 10)"
    }
}
