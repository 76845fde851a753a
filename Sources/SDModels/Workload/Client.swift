import SDEngine
import SDMetrics
import SDConfig

/// The clients of one workload: they create requests by the workload's arrival process, give each
/// a class (type, route, size) and a key, send it along its route, and measure the time until its
/// response comes back. With a timeout they stop waiting; with a retry policy they try again after
/// a backoff, and the end-to-end latency then runs from the first attempt to the answered one.
public final class Client: Node {
    /// Index of the workload in the configuration.
    public let workload: Int32
    private let config: WorkloadConfig
    /// Route ids (in the model) of the request classes, and their request-type indices.
    private let classRoutes: [Int32]
    private let classTypes: [Int32]
    /// Cumulative normalised shares of the classes.
    private let cumulativeShares: [Double]
    private let stream: RandomStream
    private let keySampler: KeySampler?
    /// With regions: each region's key sampler over its block and the block's first key.
    private let regionKeys: [(sampler: KeySampler, first: UInt64)]
    /// With regions and a plain arrival process: the cumulative normalised region shares.
    private let cumulativeRegionShares: [Double]
    /// Region draws of plain arrival processes, from a stream of their own.
    private let regionStream: RandomStream
    /// The region (index in ``WorkloadConfig/regions``) of the arrival scheduled next.
    private var nextRegion = 0
    /// Measured requests per region (indexed like ``WorkloadConfig/regions``).
    public private(set) var arrivedByRegion: [Int]
    private let sizeStream: RandomStream
    /// Backoff jitter draws from a stream of its own: retries depend on how the system answers,
    /// and must not shift the arrivals, types, keys and sizes that comparisons hold in common.
    private let retryStream: RandomStream
    /// End-to-end latencies of measured requests.
    public private(set) var latency = LatencyRecorder()
    /// Requests created after the warm-up (logical requests, not attempts).
    public private(set) var arrived = 0
    /// Measured requests whose response came back.
    public private(set) var completed = 0
    /// Measured requests that failed, by reason (indexed by `FailureReason.rawValue`).
    public private(set) var failedBy = [Int](repeating: 0, count: FailureReason.allCases.count)
    /// Retries sent for measured requests (attempts after the first).
    public private(set) var retries = 0
    /// Replies that came back after the client had given up on them.
    public private(set) var lateReplies = 0
    /// Measured requests per request type (indexed like ``ModelConfig/requestTypes``).
    public private(set) var arrivedByType: [Int]
    /// Bytes carried by measured requests.
    public private(set) var bytes: Double = 0
    /// Completed and failed measured requests per slice of the run (by creation time), for
    /// availability over time. ``seriesSlices`` slices of equal length cover the measured window.
    public private(set) var sliceCompleted = [Int](repeating: 0, count: Client.seriesSlices)
    public private(set) var sliceFailed = [Int](repeating: 0, count: Client.seriesSlices)
    /// Requests created inside the focus window (``ModelConfig/focus``): arrived, completed, failed, latency.
    public private(set) var focusArrived = 0, focusCompleted = 0, focusFailed = 0
    public private(set) var focusLatency = LatencyRecorder()
    /// Latencies of completed measured requests per slice (by creation time), for latency and
    /// throughput over time.
    public private(set) var sliceLatency = SliceHistogram(slices: Client.seriesSlices)
    /// Measured requests in flight, sampled at arrivals (no events of its own).
    public private(set) var backlog: DecimatingSampler
    /// Slices in the availability series.
    public static let seriesSlices = 50
    private let windowStart: Int64, sliceNs: Int64
    private let focusStart: Int64, focusEnd: Int64

    /// A client's own events.
    enum Event: Int32, CaseIterable {
        case arrive = 2, timeout, send
    }

    init(workload: Int32, config: WorkloadConfig, classRoutes: [Int32], classTypes: [Int32], typeCount: Int, model: Model) {
        self.workload = workload
        self.config = config
        self.classRoutes = classRoutes
        self.classTypes = classTypes
        let total = config.mix.reduce(0) { $0 + $1.share }
        var running = 0.0
        cumulativeShares = config.mix.map { running += $0.share / total; return running }
        self.stream = model.stream(for: "workload:" + config.name)
        self.sizeStream = model.stream(for: "workload:" + config.name + "#size")
        self.retryStream = model.stream(for: "workload:" + config.name + "#retry")
        self.keySampler = config.keys.map { KeySampler($0) }
        self.regionStream = model.stream(for: "workload:" + config.name + "#region")
        let regionTotal = config.regions.reduce(0) { $0 + $1.share }
        var runningRegion = 0.0
        cumulativeRegionShares = config.regions.map { runningRegion += $0.share / regionTotal; return runningRegion }
        regionKeys = config.keys.map { Client.regionSamplers($0, regions: config.regions) } ?? []
        arrivedByRegion = [Int](repeating: 0, count: config.regions.count)
        self.arrivedByType = [Int](repeating: 0, count: typeCount)
        windowStart = model.warmupEnd.ns
        backlog = DecimatingSampler(start: model.warmupEnd,
                                    interval: SimDuration(ns: max(1, (model.config.duration.ns - model.warmupEnd.ns) / 256)),
                                    capacity: 512)
        sliceNs = model.seriesSlice.ns
        focusStart = model.config.focus?.start.ns ?? .max
        focusEnd = model.config.focus?.end.ns ?? .max
        super.init(name: config.name, group: config.name, model: model)
    }

    /// Measured requests that failed, for any reason.
    public var failed: Int { failedBy.reduce(0, +) }

    /// Schedules the first arrival (one gap after the workload's `start`).
    public override func start() { scheduleArrival(after: config.start) }

    /// The gap to the next arrival; sets ``nextRegion`` when the workload has regions.
    private func nextGap(after t: SimDuration) -> SimDuration {
        switch config.arrival {
        case .poisson(let rate): return plainRegion(Distribution.exponential(mean: 1 / rate).sampleDuration(stream))
        case .interarrival(let d): return plainRegion(d.sampleDuration(stream))
        case .cyclic(let c):
            let next = c.nextArrival(after: t.seconds, stream)
            if c.regions.isEmpty { _ = plainRegion(.zero) } else { nextRegion = next.region }
            return SimDuration(seconds: next.gap)
        }
    }

    /// Draws the region of the next arrival by share (a workload with regions and no cycle of its own).
    private func plainRegion(_ gap: SimDuration) -> SimDuration {
        if cumulativeRegionShares.count > 1 {
            let u = regionStream.uniform()
            var r = 0
            while r < cumulativeRegionShares.count - 1 && u >= cumulativeRegionShares[r] { r += 1 }
            nextRegion = r
        }
        return gap
    }

    /// Key samplers over each region's block of `keys`' key space: the same law over the block's
    /// size, offset to its first key.
    static func regionSamplers(_ keys: KeyDistribution, regions: [RegionConfig]) -> [(sampler: KeySampler, first: UInt64)] {
        RegionConfig.blocks(regions, keySpace: keys.keyCount).map { block in
            let n = block.hi >= block.lo ? block.hi - block.lo + 1 : 1
            switch keys {
            case .uniform: return (KeySampler(.uniform(n: n)), block.lo)
            case .zipf(_, let s): return (KeySampler(.zipf(n: n, exponent: s)), block.lo)
            }
        }
    }

    /// Schedules the next arrival one gap after `t` (≥ now), unless it would come at or after `stop`.
    private func scheduleArrival(after t: SimDuration) {
        let at = t + nextGap(after: t)
        if let stop = config.stop, at >= stop { return }
        sim.schedule(after: at - SimDuration(ns: sim.now.ns), to: id, kind: Client.Event.arrive.rawValue)
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        switch kind {
        case Client.Event.arrive.rawValue: arrive()
        case Client.Event.timeout.rawValue: timedOut(Int32(truncatingIfNeeded: arg >> 32), generation: UInt32(truncatingIfNeeded: arg))
        case Client.Event.send.rawValue: send(Int32(truncatingIfNeeded: arg))
        default: preconditionFailure("unknown client event \(kind)")
        }
    }

    private func arrive() {
        let now = sim.now
        let measured = now >= model.warmupEnd
        let request = requests.allocate(workload: workload, created: now.ns, measured: measured)
        var c = 0
        if cumulativeShares.count > 1 {
            let u = stream.uniform()
            while c < cumulativeShares.count - 1 && u >= cumulativeShares[c] { c += 1 }
        }
        let r = requests.records + Int(request)
        r.pointee.route = classRoutes[c]
        r.pointee.type = classTypes[c]
        r.pointee.isWrite = config.mix[c].isWrite
        if !config.regions.isEmpty {
            let region = nextRegion
            r.pointee.region = UInt8(region + 1)
            if measured { arrivedByRegion[region] += 1 }
            if !regionKeys.isEmpty { r.pointee.key = regionKeys[region].first - 1 + regionKeys[region].sampler.next(stream) }
        } else if let keySampler { r.pointee.key = keySampler.next(stream) }
        if let size = config.mix[c].size {
            r.pointee.size = size.sample(sizeStream)
            r.pointee.baseSize = r.pointee.size
        }
        if measured {
            while now >= backlog.nextDue { backlog.record(Double(arrived - completed - failedBy.reduce(0, +))) }
            arrived += 1
            arrivedByType[Int(classTypes[c])] += 1
            bytes += r.pointee.size
        }
        if measured && now.ns >= focusStart && now.ns < focusEnd { focusArrived += 1 }
        scheduleArrival(after: SimDuration(ns: now.ns))
        send(request)
    }

    /// Sends an attempt on its way and starts its timer.
    private func send(_ request: Int32) {
        let r = requests.records + Int(request)
        r.pointee.frames.append(Frame(node: id, isSubcall: false, arrivedAt: sim.now.ns, size: r.pointee.baseSize))
        if let timeout = config.timeout {
            let arg = Int64(request) << 32 | Int64(r.pointee.generation)
            sim.schedule(after: timeout, to: id, kind: Client.Event.timeout.rawValue, arg: arg)
        }
        model.start(request, from: self)
    }

    /// The timer of an attempt fired: if the attempt is still out, give up on it and maybe retry.
    private func timedOut(_ request: Int32, generation: UInt32) {
        let r = requests.records + Int(request)
        guard r.pointee.generation == generation, !r.pointee.abandoned, r.pointee.workload == workload,
              r.pointee.frames.count > 1 else { return }   // answered already, or recycled
        r.pointee.abandoned = true
        giveUpOrRetry(request, reason: .timedOut)
    }

    /// Retries the logical request of `request` if the policy allows, else counts it as failed.
    private func giveUpOrRetry(_ request: Int32, reason: FailureReason) {
        let old = requests.records[Int(request)]
        if let retry = config.retry, Int(old.attempt) < retry.maxRetries {
            let next = requests.allocate(workload: workload, created: old.created, measured: old.measured)
            let r = requests.records + Int(next)
            r.pointee.route = old.route
            r.pointee.type = old.type
            r.pointee.isWrite = old.isWrite
            r.pointee.key = old.key
            r.pointee.region = old.region
            r.pointee.size = old.baseSize
            r.pointee.baseSize = old.baseSize
            r.pointee.attempt = old.attempt + 1
            if old.measured { retries += 1 }
            sim.schedule(after: backoff(retry, attempt: Int(old.attempt) + 1), to: id, kind: Client.Event.send.rawValue, arg: Int64(next))
        } else if old.measured {
            failedBy[Int(reason.rawValue)] += 1
            count(created: old.created, failed: true)
        }
    }

    /// Counts a finished measured request in its slice and, if created in the focus window, there.
    private func count(created: Int64, failed: Bool, latency: SimDuration? = nil) {
        let slice = min(Int((created - windowStart) / sliceNs), Client.seriesSlices - 1)
        if failed { sliceFailed[slice] += 1 } else { sliceCompleted[slice] += 1 }
        if let latency { sliceLatency.record(latency, slice: slice) }
        if created >= focusStart && created < focusEnd {
            if failed { focusFailed += 1 } else { focusCompleted += 1 }
            if let latency { focusLatency.record(latency) }
        }
    }

    private func backoff(_ policy: RetryPolicy, attempt: Int) -> SimDuration {
        let wait = policy.delay(beforeRetry: attempt)
        switch policy.jitter {
        case .none: return wait
        case .full: return SimDuration(seconds: wait.seconds * retryStream.uniform())
        case .equal: return SimDuration(seconds: wait.seconds * (0.5 + 0.5 * retryStream.uniform()))
        }
    }

    /// The model wrote the attempt off (a crash, a partition): count it or retry. The record is
    /// already marked abandoned and is dropped when it comes back.
    func lost(_ request: Int32, reason: FailureReason) {
        giveUpOrRetry(request, reason: reason)
    }

    /// Live attempts of measured requests that are still being worked on (not written off), for the ledger.
    public func liveMeasuredAttempts() -> Int {
        requests.liveIds.reduce(0) { n, id in
            let r = requests.records[Int(id)]
            return n + (r.workload == workload && r.measured && !r.abandoned ? 1 : 0)
        }
    }

    /// The response is back: record it and recycle the attempt.
    public override func reply(_ request: Int32) {
        let r = requests.records + Int(request)
        if r.pointee.abandoned {
            if r.pointee.measured { lateReplies += 1 }
        } else if r.pointee.failed {
            giveUpOrRetry(request, reason: r.pointee.failure)
        } else {
            if r.pointee.isWrite && r.pointee.version > 0 {
                model.data.acknowledge(r.pointee.key, version: r.pointee.version, workload: workload)
            }
            if r.pointee.measured {
                completed += 1
                let d = SimDuration(ns: sim.now.ns - r.pointee.created)
                latency.record(d)
                count(created: r.pointee.created, failed: false, latency: d)
            }
        }
        requests.release(request)
    }

    public override func receive(_ request: Int32) { preconditionFailure("clients do not receive requests") }
}
