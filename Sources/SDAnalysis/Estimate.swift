import SDEngine
import SDMetrics
#if canImport(Glibc)
import Glibc
import SDConfig
import SDModels
#endif

/// Back-of-the-envelope numbers from a scenario, before any simulation (`sdsim estimate`): request
/// rates per activity (average and peak), storage per month and per year, bandwidth in and out, and
/// the machines each tier needs at a target utilization. Every figure carries the arithmetic
/// behind it, written out with the scenario's own numbers.
public struct Estimate: Sendable, Equatable {
    /// One figure: what it is, its value in base units (per second, bytes, workers), its unit, and
    /// how it was obtained.
    public struct Line: Sendable, Equatable {
        /// What the figure is (`upload`, `storage per month`).
        public var label: String
        /// The value in base units.
        public var value: Double
        /// The unit of `value` (`/s`, `B`, `B/s`, `machines`, …).
        public var unit: String
        /// The arithmetic, e.g. `10M users × 50% daily × 2/month ÷ 30 days ÷ 86,400 s = 3.86/s`.
        public var arithmetic: String
    }

    /// The needs of one component group at peak.
    public struct Tier: Sendable, Equatable {
        /// Component group (a database's nodes are `db.primary` and `db.replicas`).
        public var name: String
        /// Its kind.
        public var kind: String
        /// Peak arrivals per second.
        public var peakRate: Double
        /// Mean service time of an arrival, seconds (weighted over the request classes).
        public var serviceMean: Double
        /// Workers needed: λ × E[S] / target.
        public var workersNeeded: Double
        /// Workers (or connections) per replica.
        public var workersPerReplica: Int
        /// Replicas (machines) needed: ⌈workers needed / workers per replica⌉.
        public var machines: Int
        /// Replicas the scenario gives it.
        public var replicasDeclared: Int
        /// The arithmetic.
        public var arithmetic: String
    }

    /// The scenario's name.
    public var scenario: String
    /// The utilization the machines are sized for.
    public var targetUtilization: Double
    /// Requests per second, average and peak, per activity or workload.
    public var traffic: [Line] = []
    /// Bytes stored per month and per year.
    public var storage: [Line] = []
    /// Bytes per second in (uploads) and out (downloads), average and peak.
    public var bandwidth: [Line] = []
    /// Machines per tier.
    public var tiers: [Tier] = []
    /// Caveats (assumptions the estimate makes).
    public var notes: [String] = []

    // MARK: Formatting

    /// `x` with three significant digits and a k/M/B suffix: `10M`, `3.86`, `1.16k`.
    public static func count(_ x: Double) -> String {
        let a = abs(x)
        for (f, s) in [(1e9, "B"), (1e6, "M"), (1e3, "k")] where a >= f { return sig(x / f) + s }
        return sig(x)
    }

    /// A size in decimal units: `5MB`, `100TB`.
    public static func bytes(_ x: Double) -> String {
        let a = abs(x)
        for (f, s) in [(1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")] where a >= f {
            return sig(x / f) + s
        }
        return sig(x) + "B"
    }

    /// A duration: `5ms`, `200us`, `1.2s`.
    public static func time(_ s: Double) -> String {
        if s == 0 { return "0" }
        if s >= 1 { return sig(s) + "s" }
        if s >= 1e-3 { return sig(s * 1e3) + "ms" }
        if s >= 1e-6 { return sig(s * 1e6) + "us" }
        return sig(s * 1e9) + "ns"
    }

    /// Three significant digits, no trailing zeros.
    public static func sig(_ x: Double) -> String {
        guard x.isFinite else { return x > 0 ? "∞" : "-∞" }
        if x == 0 { return "0" }
        let digits = max(0, 2 - Int(floor(log10(abs(x)))))
        let m = pow(10, Double(digits))
        var s = "\((x * m).rounded() / m)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    static func percent(_ f: Double) -> String { sig(f * 100) + "%" }

    // MARK: Building

    /// The estimate of `config` at `targetUtilization` (0 < x ≤ 1).
    public static func make(_ config: ModelConfig, targetUtilization: Double = 0.7) -> Estimate {
        var e = Estimate(scenario: config.name, targetUtilization: targetUtilization)
        let population = config.population
        let peakFactor = population?.peakFactor ?? 1
        let activityNames = Set(population?.activities.map(\.type) ?? [])

        // Traffic.
        var readRate = 0.0, writeRate = 0.0
        if let p = population {
            for a in p.activities {
                let mean = p.meanRate(of: a)
                if a.isWrite { writeRate += mean } else { readRate += mean }
                e.traffic.append(Line(label: a.type, value: mean, unit: "/s", arithmetic: rateArithmetic(p, a, mean)))
                var peak = "\(sig(mean))/s × \(sig(p.dailyCycle)) (daily cycle)"
                if p.weeklyCycle != 1 { peak += " × \(sig(p.weeklyCycle)) (weekly cycle)" }
                if p.regions.count > 1 { peak = "\(sig(mean))/s × \(sig(peakFactor)) (the regions' shifted cycles, at their summed peak)" }
                e.traffic.append(Line(label: a.type + " at peak", value: mean * peakFactor, unit: "/s",
                                      arithmetic: peak + " = \(sig(mean * peakFactor))/s"))
            }
        }
        for w in config.workloads where !activityNames.contains(w.name) {
            guard let r = w.arrival.ratePerSecond else { continue }
            let total = w.mix.reduce(0) { $0 + $1.share }
            for c in w.mix { if c.isWrite { writeRate += r * c.share / total } else { readRate += r * c.share / total } }
            e.traffic.append(Line(label: w.name, value: r, unit: "/s", arithmetic: "arrival rate \(sig(r))/s (workload '\(w.name)', no cycle)"))
        }
        if writeRate > 0 {
            e.traffic.append(Line(label: "read-to-write ratio", value: readRate / writeRate, unit: ":1",
                                  arithmetic: "\(sig(readRate))/s reads ÷ \(sig(writeRate))/s writes = \(sig(readRate / writeRate)):1"))
        }

        // Storage and bandwidth of activities with payloads.
        if let p = population {
            var inAvg = 0.0, outAvg = 0.0
            var inTerms: [String] = [], outTerms: [String] = []
            for a in p.activities {
                guard let size = a.size, let mean = size.mean else { continue }
                let rate = p.meanRate(of: a)
                if a.isWrite {
                    let perItem = mean + a.copies.reduce(0, +)
                    var itemText = bytes(mean)
                    if !a.copies.isEmpty { itemText = "(" + ([bytes(mean)] + a.copies.map(bytes)).joined(separator: " + ") + ")" }
                    let perMonth = Double(p.users) * p.dailyActive * a.perUserPerDay * 30 * perItem
                    let base = "\(count(Double(p.users))) users × \(percent(p.dailyActive)) daily × \(a.perUserText)\(perMonthText(a.perUserText)) × \(itemText)"
                    e.storage.append(Line(label: a.type + " per month", value: perMonth, unit: "B",
                                          arithmetic: base + " = \(bytes(perMonth))/month"))
                    e.storage.append(Line(label: a.type + " per year", value: perMonth * 365 / 30, unit: "B",
                                          arithmetic: "\(bytes(perMonth))/month × 365/30 months = \(bytes(perMonth * 365 / 30))/year"))
                    if let rf = objectStoreReplication(a.route, config), rf > 1 {
                        e.storage.append(Line(label: a.type + " per year, all copies", value: perMonth * 365 / 30 * Double(rf), unit: "B",
                                              arithmetic: "\(bytes(perMonth * 365 / 30))/year × \(rf) (replication-factor) = \(bytes(perMonth * 365 / 30 * Double(rf)))/year"))
                    }
                    inAvg += rate * mean
                    inTerms.append("\(sig(rate))/s × \(bytes(mean)) (\(a.type))")
                } else {
                    outAvg += rate * mean
                    outTerms.append("\(sig(rate))/s × \(bytes(mean)) (\(a.type))")
                }
            }
            for (label, avg, terms) in [("in", inAvg, inTerms), ("out", outAvg, outTerms)] {
                let sum = terms.isEmpty ? "no \(label == "in" ? "write" : "read") activity declares a size" : terms.joined(separator: " + ")
                e.bandwidth.append(Line(label: label, value: avg, unit: "B/s", arithmetic: sum + " = \(bytes(avg))/s"))
                e.bandwidth.append(Line(label: label + " at peak", value: avg * peakFactor, unit: "B/s",
                                        arithmetic: "\(bytes(avg))/s × \(sig(peakFactor)) = \(bytes(avg * peakFactor))/s"))
            }
        }

        // Storage per component: what the writes reaching each store add, payloads per hop included.
        for s in storagePerMonth(config) {
            e.storage.append(Line(label: s.component + " per month", value: s.bytes, unit: "B", arithmetic: s.arithmetic))
        }

        // Tiers.
        e.tiers = tiers(config, peakFactor: peakFactor, target: targetUtilization, notes: &e.notes)
        e.notes.append("Machines are sized for the peak rate (average × daily cycle × weekly cycle) and count only "
                       + "service times: network hops and waiting are not included.")
        if let p = population, p.regions.count > 1 {
            let total = p.regions.reduce(0) { $0 + $1.share }
            let each = p.regions.map { r -> String in
                var utc = (p.peakHour - r.utcOffsetHours).truncatingRemainder(dividingBy: 24)
                if utc < 0 { utc += 24 }
                let minutes = Int((utc * 60).rounded()) % (24 * 60)
                let clock = "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
                return "\(r.name) \(percent(r.share / total)) of the load, peaking at \(clock) UTC"
            }
            e.notes.append("Regions: " + each.joined(separator: "; ") + ". Each region peaks at \(sig(p.dailyCycle * p.weeklyCycle)) × its own "
                           + "mean, so a shard that serves one region is sized for its region's share × \(sig(p.dailyCycle * p.weeklyCycle)); "
                           + "all regions together peak at only \(sig(peakFactor)) × the mean, the factor used above.")
        }
        return e
    }

    static func rateArithmetic(_ p: PopulationConfig, _ a: ActivityConfig, _ mean: Double) -> String {
        let text = a.perUserText
        var head = "\(count(Double(p.users))) users × \(percent(p.dailyActive)) daily × \(text)"
        let slash = text.split(separator: "/").last.map(String.init) ?? "day"
        switch slash {
        case "month", "mo": head += " ÷ 30 days"
        case "week", "w": head += " ÷ 7 days"
        case "year", "y": head += " ÷ 365 days"
        case "hour", "h": head += " × 24 h"
        default: break
        }
        return head + " ÷ 86,400 s = \(sig(mean))/s"
    }

    /// How a per-user rate written per `period` becomes a rate per 30-day month, as text.
    static func perMonthText(_ text: String) -> String {
        switch text.split(separator: "/").last.map(String.init) ?? "day" {
        case "month", "mo": return ""
        case "week", "w": return " × 30/7 weeks"
        case "year", "y": return " ÷ 365/30 months"
        case "hour", "h": return " × 720 h"
        default: return " × 30 days"
        }
    }

    static func objectStoreReplication(_ route: [String], _ config: ModelConfig) -> Int? {
        for name in route {
            if case .objectStore(let o)? = config.components.first(where: { $0.name == name })?.kind { return o.replicationFactor }
        }
        return nil
    }

    /// One class of traffic flowing through the components at peak.
    struct Flow {
        var rate: Double
        var isWrite: Bool
        /// The request type (a gateway routes by it).
        var type: String
        /// Bytes at the hop it is counted at: the type's payload for that component, else `baseSize`.
        var size: Double
        var keys: KeyDistribution?
        /// The class's own size (`size:`) and what it carries to particular components.
        var baseSize: Double = 0
        var payloads: [HopPayload] = []
        var copies: [Double] = []

        /// Whether the class declares a payload of its own for `component`.
        func declares(_ component: String) -> Bool { payloads.contains { $0.component == component } }

        /// The flow as it reaches `component`.
        func at(_ component: String) -> Flow {
            var f = self
            f.size = payloads.first { $0.component == component }?.size.mean ?? baseSize
            return f
        }
    }

    /// The flows reaching each component, following routes and the component graph's edges
    /// (calls, load balancers called, cache misses, gateway routes, queue consumers); cyclic workloads at their mean rate × `peakFactor`. Notes on assumed cache hit
    /// ratios are appended to `notes`.
    static func loads(_ config: ModelConfig, peakFactor: Double, notes: inout [String]) -> [String: [Flow]] {
        var load: [String: [Flow]] = [:]
        let byName = Dictionary(config.components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var noted = Set<String>()

        /// The group's keyed cache as one cache: when a load balancer in front places keys by hash,
        /// each of the R replicas sees 1/R of the keys, so together they hold R × capacity; otherwise
        /// every replica sees every key and holds the same popular ones.
        func pooled(_ k: KeyedCacheConfig, _ c: ComponentConfig) -> (cache: KeyedCacheConfig, text: String) {
            guard c.replicas > 1, case .items(let n) = k.capacity, config.components.contains(where: {
                guard case .loadBalancer(let lb) = $0.kind else { return false }
                return lb.targets == c.name && (lb.policy == .hash || lb.policy == .consistentHash)
            }) else { return (k, "") }
            var p = k
            p.capacity = .items(n * c.replicas)
            return (p, "\(c.replicas) replicas splitting the keys by hash hold \(c.replicas) × \(count(Double(n))); ")
        }

        func visit(_ name: String, _ f: Flow, onRoute: Bool, depth: Int) {
            guard depth < 32, let c = byName[name], f.rate > 0 else { return }
            load[name, default: []].append(f.at(name))
            var miss = f
            if case .cache(let cc) = c.kind {
                var h = cc.hitRatio ?? 0
                if let keyed = cc.keyed {
                    let (k, split) = pooled(keyed, c)
                    h = keyedHitRatio(k, keys: f.keys)
                    if !noted.contains(name) {
                        noted.insert(name)
                        notes.append("Cache '\(name)': hit ratio \(percent(h)) assumed (" + split + hitText(k, keys: f.keys) + ").")
                    }
                }
                miss.rate = f.rate * (1 - h)
            }
            if case .cdn(let cdn) = c.kind, !f.isWrite {
                // Writes pass through to the origin; reads reach it on a miss.
                let keyed = cdn.mode.keyedConfig.map { pooled($0, c) }
                let h = cdn.mode.fixedHitRatio ?? keyed.map { keyedHitRatio($0.cache, keys: f.keys) } ?? 0
                if let keyed, !noted.contains(name) {
                    noted.insert(name)
                    notes.append("CDN '\(name)': hit ratio \(percent(h)) assumed (" + keyed.text + hitText(keyed.cache, keys: f.keys) + ").")
                }
                miss.rate = f.rate * (1 - h)
            }
            for e in c.kind.next(type: f.type, onRoute: onRoute) {
                visit(e.target, e.role == .miss || e.role == .origin ? miss : f, onRoute: false, depth: depth + 1)
            }
        }
        for w in config.workloads {
            guard let r = w.arrival.ratePerSecond else { continue }
            let cyclic: Bool
            if case .cyclic = w.arrival { cyclic = true } else { cyclic = false }
            let total = w.mix.reduce(0) { $0 + $1.share }
            for c in w.mix {
                let size = c.size?.mean ?? 0
                let f = Flow(rate: r * c.share / total * (cyclic ? peakFactor : 1), isWrite: c.isWrite, type: c.type,
                             size: size, keys: w.keys, baseSize: size, payloads: c.payloads, copies: c.copies)
                for hop in c.route { visit(hop, f, onRoute: true, depth: 0) }
            }
        }
        return load
    }

    /// Logical bytes each storing component (database, object store) gains in a 30-day month at
    /// the workloads' mean rates: every write reaching it adds its payload there (an object store
    /// also the type's `copies`, unless the type sends it a payload of its own), with the arithmetic.
    public static func storagePerMonth(_ config: ModelConfig) -> [(component: String, bytes: Double, arithmetic: String)] {
        var ignored: [String] = []
        let load = loads(config, peakFactor: 1, notes: &ignored)
        var out: [(component: String, bytes: Double, arithmetic: String)] = []
        for c in config.components {
            let isStore: Bool
            switch c.kind {
            case .database, .objectStore: isStore = true
            default: isStore = false
            }
            guard isStore, let flows = load[c.name]?.filter(\.isWrite), !flows.isEmpty else { continue }
            var terms: [String] = []
            var perSecond = 0.0
            for f in flows {
                var item = f.size
                var itemText = bytes(f.size)
                if case .objectStore = c.kind, !f.copies.isEmpty, !f.declares(c.name) {
                    item += f.copies.reduce(0, +)
                    itemText = "(" + ([bytes(f.size)] + f.copies.map(bytes)).joined(separator: " + ") + ")"
                }
                guard item > 0 else { continue }
                perSecond += f.rate * item
                terms.append("\(sig(f.rate))/s × \(itemText)")
            }
            guard perSecond > 0 else { continue }
            let month = perSecond * 30 * 86_400
            out.append((c.name, month, terms.joined(separator: " + ") + " × 2,592,000 s = \(bytes(month))/month"))
        }
        return out
    }

    /// Load per component at peak.
    static func tiers(_ config: ModelConfig, peakFactor: Double, target: Double, notes: inout [String]) -> [Tier] {
        let load = loads(config, peakFactor: peakFactor, notes: &notes).mapValues { $0.map { (flow: $0, via: "") } }

        var out: [Tier] = []
        func tier(_ name: String, kind: String, flows: [(rate: Double, s: Double)], perReplica: Int, declared: Int,
                  serviceText: String) {
            let rate = flows.reduce(0) { $0 + $1.rate }
            guard rate > 0 else { return }
            let busy = flows.reduce(0) { $0 + $1.rate * $1.s }
            let es = busy / rate
            let needed = busy / target
            let machines = max(1, Int(saturating: (needed / Double(max(perReplica, 1)) - 1e-9).rounded(.up)))
            let text = "\(sig(rate))/s × \(serviceText.isEmpty ? time(es) : serviceText) ÷ \(sig(target)) = \(sig(needed)) workers; "
                + "÷ \(perReplica) per replica → \(machines) (declared \(declared))"
            out.append(Tier(name: name, kind: kind, peakRate: rate, serviceMean: es, workersNeeded: needed,
                            workersPerReplica: perReplica, machines: machines, replicasDeclared: declared, arithmetic: text))
        }
        for c in config.components {
            guard let flows = load[c.name] else { continue }
            let total = flows.reduce(0) { $0 + $1.flow.rate }
            switch c.kind {
            case .server(let s):
                tier(c.name, kind: "server", flows: [(total, s.service.mean ?? 0)], perReplica: s.workers, declared: c.replicas,
                     serviceText: time(s.service.mean ?? 0))
            case .cache(let cc):
                tier(c.name, kind: "cache", flows: [(total, cc.service.mean ?? 0)], perReplica: cc.workers, declared: c.replicas,
                     serviceText: time(cc.service.mean ?? 0))
            case .gateway(let r), .bus(let r):
                tier(c.name, kind: c.kind.name, flows: [(total, r.service.mean ?? 0)], perReplica: r.workers, declared: c.replicas,
                     serviceText: time(r.service.mean ?? 0))
            case .database(let d):
                let writes = flows.filter(\.flow.isWrite).reduce(0) { $0 + $1.flow.rate }
                let reads = total - writes
                let ws = d.writeService.mean ?? 0, rs = d.readService.mean ?? 0
                if d.readReplicas > 0 {
                    tier(c.name + ".primary", kind: "primary", flows: [(writes, ws)], perReplica: d.workers, declared: d.shards,
                         serviceText: time(ws))
                    tier(c.name + ".replicas", kind: "replica", flows: [(reads, rs)], perReplica: d.workers,
                         declared: d.readReplicas * d.shards, serviceText: time(rs))
                } else {
                    tier(c.name, kind: "database", flows: [(writes, ws), (reads, rs)], perReplica: d.workers, declared: d.shards,
                         serviceText: "")
                }
            case .objectStore(let o):
                let meanSize = flows.reduce(0) { $0 + $1.flow.rate * $1.flow.size } / max(total, 1e-300)
                let s = (o.firstByte.mean ?? 0) + meanSize / o.bandwidth
                tier(c.name, kind: "object-store", flows: [(total, s)], perReplica: o.connections, declared: c.replicas,
                     serviceText: "(\(time(o.firstByte.mean ?? 0)) + \(bytes(meanSize)) ÷ \(bytes(o.bandwidth))/s)")
            case .queue(let q):
                tier(c.name, kind: "queue consumers", flows: [(total, q.process.mean ?? 0)], perReplica: max(q.consumers, 1),
                     declared: c.replicas, serviceText: time(q.process.mean ?? 0))
            case .feedService(let fs):
                let writes = flows.filter(\.flow.isWrite).reduce(0) { $0 + $1.flow.rate }
                let reads = total - writes
                let (ws, rs, text) = feedServiceTimes(fs, config: config)
                notes.append("Feed service '\(c.name)': " + text)
                tier(c.name, kind: "feed-service", flows: [(writes, ws), (reads, rs)], perReplica: fs.workers, declared: c.replicas,
                     serviceText: "")
            default: break
            }
        }
        return out
    }

    /// Mean service times of a post and a feed read at a feed service, with their arithmetic.
    static func feedServiceTimes(_ fs: FeedServiceConfig, config: ModelConfig) -> (write: Double, read: Double, text: String) {
        let base = fs.service.mean ?? 0
        guard let p = config.population else { return (base, base, "no population") }
        let g = FollowerGraph(population: p, seed: config.seed)
        let n = Double(p.users)
        let celebFollowers = (g.celebrityRange.low + g.celebrityRange.high) / 2
        let meanFollowers = g.followedAccounts(atLeast: 1)
        var pushed = meanFollowers, pulled = 0.0
        switch fs.strategy {
        case .fanOutOnWrite: pulled = 0
        case .fanOutOnRead: pushed = 0; pulled = fs.following?.mean ?? meanFollowers
        case .hybrid:
            pulled = g.followedAccounts(atLeast: fs.celebrityThreshold.nextUp)
            pushed = meanFollowers - pulled
        }
        let ws = base + pushed * fs.perFollower
        let rs = base + pulled * fs.perFollowee
        let text = "a post costs \(time(base)) + \(sig(pushed)) followers pushed on average × \(time(fs.perFollower)) = \(time(ws)); "
            + "a read costs \(time(base)) + \(sig(pulled)) accounts pulled × \(time(fs.perFollowee)) = \(time(rs)) "
            + "(mean followers \(sig(meanFollowers)), celebrities \(p.celebrities) × \(count(celebFollowers)) ÷ \(count(n)) users included; "
            + "the mean hides the tail: one celebrity post pushed costs \(time(celebFollowers * fs.perFollower)))"
        return (ws, rs, text)
    }

    static func keyedHitRatio(_ k: KeyedCacheConfig, keys: KeyDistribution?) -> Double {
        guard case .items(let c) = k.capacity, let keys else { return 0 }
        let n = keys.keyCount
        if Double(c) >= Double(n) { return 1 }
        switch keys {
        case .uniform: return Double(c) / Double(n)
        case .zipf(let n, let s):
            let z = ZipfSampler(n: n, exponent: s)
            guard n > exactCheLimit else {
                return CacheTheory.cheLRUHitRatio(probabilities: (1...n).map { z.probability(of: $0) }, capacity: Double(c))
            }
            let g = zipfGroups(z)
            return CacheTheory.cheLRUHitRatio(probabilities: g.p, counts: g.count, capacity: Double(c))
        }
    }

    /// Up to this many keys Che's sums run key by key; above, over ``zipfGroups(_:)``.
    static let exactCheLimit: UInt64 = 2_000_000

    /// Zipf(n, s) popularity as groups of keys of one probability each, for Che's sums over very
    /// many keys: the first 100,000 keys one by one, then bins 0.2% wide in log k whose keys share
    /// their bin's mean probability, the bin's mass being ∫ x^−s dx over [a − ½, b + ½] ÷ H(n, s)
    /// (the midpoint rule the sampler's hat uses). Over 10⁸ keys: 100,000 + 3,500 terms instead of
    /// 10⁸; the probabilities change by 0.2%·s across a bin, far below Che's own error.
    static func zipfGroups(_ z: ZipfSampler) -> (p: [Double], count: [Double]) {
        let s = z.exponent
        func integral(_ x: Double) -> Double { s == 1 ? log(x) : pow(x, 1 - s) / (1 - s) }
        let head = min(z.n, 100_000)
        var p = (1...head).map { z.probability(of: $0) }
        var count = [Double](repeating: 1, count: p.count)
        var a = head + 1
        while a <= z.n {
            let b = min(z.n, max(a, UInt64((Double(a) * 1.002).rounded(.down))))
            let keys = Double(b - a + 1)
            let mass = (integral(Double(b) + 0.5) - integral(Double(a) - 0.5)) / z.harmonic
            p.append(mass / keys)
            count.append(keys)
            a = b + 1
        }
        return (p, count)
    }

    static func hitText(_ k: KeyedCacheConfig, keys: KeyDistribution?) -> String {
        guard case .items(let c) = k.capacity, let keys else { return "capacity in bytes or no keys: assumed 0" }
        switch keys {
        case .uniform(let n): return "uniform keys: capacity ÷ keys = \(count(Double(c))) ÷ \(count(Double(n))), in steady state"
        case .zipf(let n, _):
            return "Che's approximation for LRU over \(keys)" + (n > exactCheLimit ? ", keys grouped in bins of nearly equal popularity" : "")
        }
    }
}
