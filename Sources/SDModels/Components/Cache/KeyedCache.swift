import SDEngine
import SDMetrics
import SDConfig

/// `kind: cache` with a `capacity`: a cache that holds real keys. Every request costs one service
/// time; then a read looks its key up in the contents (a ``CacheStore``), and a write is handled
/// by the write policy.
///
/// **Reads.** A hit is answered at once. A miss goes to `on-miss` and comes back; the cache then
/// stores the key with the data version the answer carries, evicting by policy. Concurrent misses
/// for one key each go to `on-miss` (no request coalescing); data older than what is cached never
/// replaces it. With `fill`, storing the answer is a command of its own (the SET of cache-aside):
/// the request waits for a worker again and takes `fill` before it is answered; it counts among
/// the cache's arrivals and completions. A read answered from the cache with a version older than the latest commit
/// (``DataVersions``) is a *stale read*. Requests without a key (a workload without `keys:`,
/// which the scenario loader rejects) are cold misses and are not stored.
///
/// **Writes** (`isWrite`). Versions are committed by the system of record when it applies the
/// write (``Model/settleData(_:)``: the server at the end of the write's path), or by this cache
/// when nothing behind it did (no `on-miss`, or `write-back`).
/// - `cache-aside`: the write goes to `on-miss`; when it comes back applied, the cached entry is
///   deleted (an *invalidation*). A read miss that read the old version before the write and
///   comes back after the invalidation stores the old version: the classic cache-aside race,
///   counted as a *stale fill*, and in stale reads when such an entry is read. It needs replies to overtake each other,
///   which only a network latency can cause; and with a latency, reads hit the old entry for the
///   one hop between the commit and the invalidation arriving.
/// - `write-through`: the write goes to `on-miss`; when it comes back applied, the cache stores
///   the new version (inserting the key if absent). With zero network latency the commit and the
///   update happen at the same instant, so no read is ever stale.
/// - `write-back`: the cache commits the write, stores it as *dirty* and answers at once. A dirty
///   entry is written to `on-miss` (a *flush*, a request of the write's size that does not commit
///   again) `flush-delay` after it became dirty, or when it leaves the cache; further writes
///   before the flush ride along with it. Dirty entries left at the end are counted: a crash
///   would lose them. Not modelled: until a flush lands, `on-miss` still holds the old value, but
///   a read that misses in that window is treated as reading the committed version.
public final class KeyedCache: Station {
    /// The contents policy.
    public let keyed: KeyedCacheConfig
    /// The contents.
    public let store: CacheStore
    private var flushedEntries = 0, dirtyLostInFlush = 0
    /// Handler id of the component that serves misses, writes and flushes, or nil.
    public private(set) var onMiss: Int32?
    private let onMissName: String?
    private let windowStart: Int64

    private var lookups = 0
    private var hits = 0
    private var misses = [Int](repeating: 0, count: CacheMissCause.allCases.count)
    private var evictions = 0
    private var expirations = 0
    private var staleReads = 0
    private var staleFills = 0
    private var invalidations = 0
    private var writes = 0
    private var flushes = 0
    private var dirtyEvictions = 0
    private var feedUpdates = 0
    /// With `scale:`, lookups and hits in each of ``Client/seriesSlices`` slices of the whole run
    /// (warm-up included), to show a hit ratio collapse and recovery over time.
    private var sliceLookups: [Double] = [], sliceHits: [Double] = []
    private var sliceNs: Int64 = 1

    /// Where a request is in the cache (its frame's `phase`; 0: arrived).
    enum Phase: UInt8 {
        case awaitingRead = 1, awaitingWrite, flushing, filling
    }
    /// A keyed cache's own events.
    enum Event: Int32, CaseIterable {
        case flushTimer = 16
    }

    /// A keyed cache.
    public init(name: String, group: String, model: Model, config: CacheConfig, keyed: KeyedCacheConfig) {
        self.keyed = keyed
        self.onMissName = config.onMiss
        self.windowStart = model.warmupEnd.ns
        self.store = CacheStore(capacity: keyed.capacity, policy: keyed.policy, ttl: keyed.ttl,
                                stream: keyed.policy.isRandomized ? model.stream(for: name + "#evict") : nil,
                                entryOverhead: keyed.entryOverhead, redis: keyed.redis)
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() { onMiss = onMissName.map(model.callTarget) }

    public override func start() {
        super.start()
        if model.config.hasScaling {
            let n = Client.seriesSlices
            sliceLookups = [Double](repeating: 0, count: n)
            sliceHits = [Double](repeating: 0, count: n)
            sliceNs = max(1, (model.config.duration.ns + Int64(n) - 1) / Int64(n))
        }
        if keyed.warm { warmUp() }
    }

    /// `n` cached entries drawn at random (with replacement) are invalidated, or updated in place
    /// (a feed service's post touching its followers' cached feeds; see `FeedService`).
    func touchRandomEntries(_ n: Int, invalidate: Bool, stream: RandomStream, measured: Bool) {
        for _ in 0..<n {
            guard let key = store.randomCachedKey(stream) else { return }
            if invalidate {
                if store.invalidate(key), measured { invalidations += 1 }
            } else if measured {
                feedUpdates += 1
            }
        }
    }

    /// Fills the cache the way a long-running one was filled (`warm: true`; see ``Node/warmFill(_:policy:)``).
    func warmUp() { warmFill(store, policy: keyed.policy) }

    // MARK: Requests

    public override func serviceCompleted(_ request: Int32) {
        let now = sim.now.ns
        if requests.top(request).phase == KeyedCache.Phase.filling.rawValue {
            model.setPhase(request, 0)
            fill(request, now: now)
            return model.finish(request, at: self)
        }
        let measured = now >= windowStart
        let r = requests.records + Int(request)
        let key = r.pointee.key
        if r.pointee.isWrite { return write(request, key: key, size: r.pointee.size, now: now, measured: measured) }
        if measured { lookups += 1 }
        var slice = -1
        if !sliceLookups.isEmpty {
            slice = min(Int(now / sliceNs), sliceLookups.count - 1)
            sliceLookups[slice] += 1
        }
        guard key != 0 else {
            if measured { misses[CacheMissCause.cold.rawValue] += 1 }
            return miss(request, now: now)
        }
        switch store.lookup(key, now: now) {
        case .hit(let version):
            if slice >= 0 { sliceHits[slice] += 1 }
            if measured {
                hits += 1
                if model.data.isStale(key, version: version) { staleReads += 1 }
            }
            r.pointee.version = version
            r.pointee.hasVersion = true
            model.finish(request, at: self)
        case .miss(let cause):
            if measured { misses[cause.rawValue] += 1 }
            settleRemovals(now: now, measured: measured)
            miss(request, now: now)
        }
    }

    /// Sends a read miss to `on-miss`, or with none fills the entry at once.
    private func miss(_ request: Int32, now: Int64) {
        if let target = onMiss {
            model.setPhase(request, KeyedCache.Phase.awaitingRead.rawValue)
            model.call(request, target: target, from: self)
        } else {
            fill(request, now: now)
            model.finish(request, at: self)
        }
    }

    /// Stores what a read miss brought back.
    private func fill(_ request: Int32, now: Int64) {
        let r = requests.records + Int(request)
        let key = r.pointee.key
        guard key != 0 else { return }
        if !r.pointee.hasVersion {
            r.pointee.version = model.data.version(of: key)
            r.pointee.hasVersion = true
        }
        let version = r.pointee.version
        store.store(key, version: version, size: r.pointee.size, now: now, dirty: false, access: false)
        let measured = now >= windowStart
        if measured && model.data.isStale(key, version: version) && store.cachedVersion(of: key) == version {
            staleFills += 1
        }
        settleRemovals(now: now, measured: measured)
    }

    private func write(_ request: Int32, key: UInt64, size: Double, now: Int64, measured: Bool) {
        if measured { writes += 1 }
        if keyed.writePolicy == .writeBack && key != 0 {
            let version = commit(request)
            let stored = store.store(key, version: version, size: size, now: now, dirty: true, access: true)
            if stored.becameDirty, let delay = keyed.flushDelay {
                sim.schedule(after: delay, to: id, kind: KeyedCache.Event.flushTimer.rawValue,
                             arg: Int64(stored.slot) << 32 | Int64(stored.flushEpoch))
            }
            settleRemovals(now: now, measured: measured)
            return model.finish(request, at: self)
        }
        if let target = onMiss {
            model.setPhase(request, KeyedCache.Phase.awaitingWrite.rawValue)
            model.call(request, target: target, from: self)
        } else {
            applyWrite(request, now: now)
            model.finish(request, at: self)
        }
    }

    /// The version `request` (a write) committed, committing it here if nothing behind did.
    private func commit(_ request: Int32) -> UInt32 {
        let r = requests.records + Int(request)
        if !r.pointee.hasVersion {
            r.pointee.version = model.data.commit(r.pointee.key)
            r.pointee.hasVersion = true
        }
        return r.pointee.version
    }

    /// A write has been applied behind the cache: invalidate (cache-aside) or update (write-through).
    private func applyWrite(_ request: Int32, now: Int64) {
        let key = requests.records[Int(request)].key
        guard key != 0 else { return }
        let version = commit(request)
        let measured = now >= windowStart
        switch keyed.writePolicy {
        case .cacheAside:
            if store.invalidate(key), measured { invalidations += 1 }
        case .writeThrough, .writeBack:
            store.store(key, version: version, size: requests.records[Int(request)].size, now: now, dirty: false, access: true)
        }
        settleRemovals(now: now, measured: measured)
    }

    public override func reply(_ request: Int32) {
        let phase = requests.top(request).phase
        if phase == KeyedCache.Phase.flushing.rawValue {
            requests.release(request)
            return
        }
        guard phase == KeyedCache.Phase.awaitingRead.rawValue || phase == KeyedCache.Phase.awaitingWrite.rawValue else {
            return model.unwind(request, from: self)
        }
        model.setPhase(request, 0)
        guard !requests.records[Int(request)].failed else { return model.unwind(request, from: self) }
        let now = sim.now.ns
        if phase == KeyedCache.Phase.awaitingRead.rawValue, keyed.fill != nil {
            // The fill is a command of its own: it waits for a worker and takes its time.
            model.setPhase(request, KeyedCache.Phase.filling.rawValue)
            let r = requests.records + Int(request)
            r.pointee.frames[r.pointee.frames.count - 1].arrivedAt = now
            return super.receive(request)
        }
        if phase == KeyedCache.Phase.awaitingRead.rawValue { fill(request, now: now) } else { applyWrite(request, now: now) }
        model.finish(request, at: self)
    }

    /// A worker starts a request: a fill costs `fill`, anything else the service time.
    public override func beginService(_ request: Int32) -> SimDuration {
        if let fillCost = keyed.fill, requests.top(request).phase == KeyedCache.Phase.filling.rawValue { return fillCost.sampleDuration(stream) }
        return super.beginService(request)
    }

    // MARK: Failures

    /// A cache flush (`flush:` in `failures`): every entry is gone, so the next reads all miss and
    /// go to the database at once — the thundering herd. Dirty write-back entries are lost.
    public override func flush() {
        store.removeAll()
        let measured = sim.now >= model.warmupEnd
        for removal in store.removals where removal.dirty && measured { dirtyLostInFlush += 1 }
        if measured { flushedEntries += store.removals.count }
    }

    /// A crashed cache loses its memory too.
    public override func crashed() {
        super.crashed()
        flush()
    }

    // MARK: Evictions and flushes

    /// Counts what the last store operation removed, and writes dirty entries back.
    private func settleRemovals(now: Int64, measured: Bool) {
        guard !store.removals.isEmpty else { return }
        for removal in store.removals {
            if measured {
                switch removal.cause {
                case .evicted: evictions += 1
                case .expired: expirations += 1
                case .invalidated: break   // counted by the write
                }
                if removal.dirty { dirtyEvictions += 1 }
            }
            if removal.dirty { flush(removal, now: now, measured: measured) }
        }
    }

    /// Writes a dirty entry to `on-miss`: a request of its size, already committed.
    private func flush(_ entry: CacheRemoval, now: Int64, measured: Bool) {
        if measured { flushes += 1 }
        guard let target = onMiss else { return }
        // May grow the request table: no record pointer is held across this call.
        let f = requests.allocate(workload: -1, created: now, measured: false)
        let r = requests.records + Int(f)
        r.pointee.isWrite = true
        r.pointee.key = entry.key
        r.pointee.size = entry.size
        r.pointee.baseSize = entry.size
        r.pointee.version = entry.version
        r.pointee.hasVersion = true
        r.pointee.frames.append(Frame(node: id, isSubcall: false, phase: KeyedCache.Phase.flushing.rawValue, arrivedAt: now, size: entry.size))
        model.call(f, target: target, from: self)
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard kind == KeyedCache.Event.flushTimer.rawValue else { return super.handlePrivate(kind: kind, arg: arg) }
        let slot = Int32(truncatingIfNeeded: arg >> 32), epoch = UInt32(truncatingIfNeeded: arg)
        if let entry = store.flushDue(slot: slot, epoch: epoch) {
            let now = sim.now.ns
            flush(entry, now: now, measured: now >= windowStart)
        }
    }

    // MARK: Results

    public override var kindName: String { "cache" }
    /// Hits per lookup (reads only) in the window.
    public override var hitRatioResult: Double? { lookups > 0 ? Double(hits) / Double(lookups) : 0 }

    /// The station's figures, with `extra` in this order: `hits`, `misses_cold`, `misses_capacity`,
    /// `misses_expired`, `misses_invalidated`, `evictions`, `expirations` (with a TTL),
    /// `stale_reads`, `stale_fills` (read misses that stored a version already superseded: the
    /// cache-aside race), `invalidations` (with those a feed service's posts made), `writes`,
    /// `feed_updates` (cached feeds a pushed post updated in place, when any), then for write-back `flushes`, `dirty_evictions`
    /// (dirty entries that left by eviction or expiry, each flushed as it left) and `dirty_at_end`,
    /// and last `items_at_end`. Counts are over the window, except the two taken at the end.
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        var extra: [(name: String, value: Double)] = [("hits", Double(hits))]
        for cause in CacheMissCause.allCases { extra.append((cause.counterName, Double(misses[cause.rawValue]))) }
        extra.append(("evictions", Double(evictions)))
        if keyed.ttl != nil { extra.append(("expirations", Double(expirations))) }
        extra.append(("stale_reads", Double(staleReads)))
        extra.append(("stale_fills", Double(staleFills)))
        extra.append(("invalidations", Double(invalidations)))
        extra.append(("writes", Double(writes)))
        if feedUpdates > 0 { extra.append(("feed_updates", Double(feedUpdates))) }
        if model.failuresEnabled {
            extra.append(("entries_flushed", Double(flushedEntries)))
            if keyed.writePolicy == .writeBack { extra.append(("dirty_lost_in_flush", Double(dirtyLostInFlush))) }
        }
        if keyed.writePolicy == .writeBack {
            extra.append(("flushes", Double(flushes)))
            extra.append(("dirty_evictions", Double(dirtyEvictions)))
            extra.append(("dirty_at_end", Double(store.dirtyCount)))
        }
        extra.append(("items_at_end", Double(store.count)))
        r.extra = extra
        if !sliceLookups.isEmpty {
            let interval = Double(sliceNs) / 1e9
            r.series = [Series(name: "lookups", start: 0, interval: interval, values: sliceLookups),
                        Series(name: "hits", start: 0, interval: interval, values: sliceHits)]
        }
        return r
    }
}
