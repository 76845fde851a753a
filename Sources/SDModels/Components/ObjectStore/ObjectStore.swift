import SDEngine
import SDMetrics
import SDConfig

/// A token bucket: `rate` tokens a second flow in continuously, up to `capacity`; a request takes
/// one whole token or is refused. It starts full.
public struct TokenBucket: Sendable {
    /// Tokens added per second.
    public let rate: Double
    /// Most tokens held.
    public let capacity: Double
    /// Tokens held at the last update.
    public private(set) var tokens: Double
    private var lastNs: Int64 = 0

    /// A full bucket.
    public init(rate: Double, capacity: Double) {
        precondition(rate > 0 && capacity >= 1)
        self.rate = rate; self.capacity = capacity; self.tokens = capacity
    }

    /// Takes a token at `now` if there is a whole one.
    public mutating func take(at now: SimTime) -> Bool {
        if now.ns > lastNs {
            tokens = min(capacity, tokens + rate * Double(now.ns - lastNs) / 1e9)
            lastNs = now.ns
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// `kind: object-store`: each request is one transfer of its `size` bytes on one of `connections`
/// connections (FIFO line beyond), taking `firstByte + size / bandwidth`. Writes (uploads) add
/// their size to the bytes stored when the transfer ends, plus the derived objects their request
/// type declares (`copies:`, thumbnails made in place and not transferred; not where the type
/// sends a `payload:` of its own, which is already the derived object); reads (downloads)
/// store nothing. Overwrites and deletes are not tracked: every upload adds.
///
/// With `prefixRateLimit`, each of the `prefixes` key prefixes (key mod `prefixes`; a workload
/// without keys uses prefix 0) has a token bucket of that rate and size `burst`. A request that
/// finds no token is refused at once, as S3 answers 503 SlowDown: it fails with reason `rejected`
/// (a client with a retry policy retries it) and counts as `throttled`.
///
/// For Poisson arrivals at rate λ on one prefix with limit r, the bucket admits r·(1 − f) per
/// second, f being the fraction of time it is full (its refill is then wasted), so the throttled
/// fraction is 1 − (r/λ)(1 − f). With a burst of one token, the gap between admissions is 1/r
/// plus an exponential wait for the next arrival, so exactly λ/(λ + r) is throttled; with a larger
/// burst and λ > r the bucket is almost never full and the fraction tends to 1 − r/λ.
public final class ObjectStore: Station {
    private let config: ObjectStoreConfig
    private var buckets: [TokenBucket]
    private var uploadedBytes: Double = 0
    private var uploadedObjects = 0
    private var storedInWindow: Double = 0

    // Window statistics.
    private var throttled = 0
    private var uploads = 0
    private var downloads = 0
    private var bytesUploaded: Double = 0
    private var bytesDownloaded: Double = 0
    /// Transfer times (first byte plus size over bandwidth) of requests that arrived in the window, seconds.
    public private(set) var transferTimes = Tally()

    /// An object store.
    public init(name: String, group: String, model: Model, config: ObjectStoreConfig) {
        self.config = config
        buckets = config.prefixRateLimit.map { rate in
            [TokenBucket](repeating: TokenBucket(rate: rate, capacity: config.burst), count: config.prefixes)
        } ?? []
        super.init(name: name, group: group, model: model, workers: config.connections, service: config.firstByte,
                   queueLimit: config.queueLimit)
    }

    public override var kindName: String { "object-store" }

    /// Objects stored by the run (uploads and their copies; the initial bytes are not counted in objects).
    public var objectsStored: Int { uploadedObjects }
    /// Logical bytes stored now: the initial bytes plus every upload (and its copies) finished so far.
    public var logicalBytes: Double { config.initialBytes + uploadedBytes }
    /// Bytes stored now, counting every replica.
    public var bytesStored: Double { logicalBytes * Double(config.replicationFactor) }

    /// A request passes its prefix's rate limit, or is throttled.
    public override func receive(_ request: Int32) {
        if !buckets.isEmpty {
            let prefix = Int(requests.records[Int(request)].key % UInt64(config.prefixes))
            guard buckets[prefix].take(at: sim.now) else {
                if sim.now >= model.warmupEnd { throttled += 1 }
                return model.reject(request, at: self)
            }
        }
        super.receive(request)
    }

    /// A transfer starts: first byte, then the payload at the connection's bandwidth.
    public override func beginService(_ request: Int32) -> SimDuration {
        let seconds = config.firstByte.sample(stream) + requests.records[Int(request)].size / config.bandwidth
        if requests.top(request).arrivedAt >= model.warmupEnd.ns { transferTimes.add(seconds) }
        return SimDuration(seconds: seconds)
    }

    public override func serviceCompleted(_ request: Int32) {
        let r = requests.records + Int(request)
        if r.pointee.isWrite {
            // The copies are made next to the original: not where the type sends a payload of its own.
            let t = r.pointee.type
            let copies = model.payloads.declares(type: t, group: model.nodeGroup[Int(id)]) ? 0 : model.payloads.copiesCount[Int(t)]
            let stored = r.pointee.size + (copies > 0 ? model.payloads.copiesBytes[Int(t)] : 0)
            uploadedBytes += stored
            uploadedObjects += 1 + copies
            if sim.now >= model.warmupEnd { storedInWindow += stored }
        }
        if sim.now >= model.warmupEnd {
            if r.pointee.isWrite {
                uploads += 1
                bytesUploaded += r.pointee.size
            } else {
                downloads += 1
                bytesDownloaded += r.pointee.size
            }
        }
        model.finish(request, at: self)
    }

    /// The standard columns describe the connections; `rejected` includes the throttled requests.
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        r.rejected += throttled
        r.extra = [
            ("throttled", Double(throttled)),
            ("transfer_time_mean", transferTimes.mean),
            ("uploads", Double(uploads)),
            ("downloads", Double(downloads)),
            ("bytes_uploaded", bytesUploaded),
            ("bytes_downloaded", bytesDownloaded),
            ("bytes_stored", bytesStored),
            ("objects_stored", Double(objectsStored)),
        ]
        return r
    }
}

extension ObjectStore: StoresData {
    public var storage: (start: Double, end: Double, window: Double, copies: Int) {
        (config.initialBytes, logicalBytes, storedInWindow, config.replicationFactor)
    }
}
