import SDEngine
import SDConfig

/// `kind: cache` in its simple form (`hit-ratio:`): every lookup costs one service time; a fraction
/// `hitRatio` is answered from the cache, and the rest are sent to the `onMiss` component and come
/// back. A cache with `capacity:` is a ``KeyedCache``.
public final class Cache: Station {
    /// Probability of a hit.
    public let hitRatio: Double
    /// Handler id of the component that serves misses, or nil.
    public private(set) var onMiss: Int32?
    private let onMissName: String?
    private let hitStream: RandomStream
    private var lookups = 0
    private var hits = 0
    /// Where a request is in the cache (its frame's `phase`; 0: arrived).
    enum Phase: UInt8 {
        case awaitingMiss = 1
    }

    /// A cache.
    public init(name: String, group: String, model: Model, config: CacheConfig) {
        guard case .hitRatio(let p) = config.mode else { preconditionFailure("a keyed cache is a KeyedCache") }
        self.hitRatio = p
        self.onMissName = config.onMiss
        self.hitStream = model.stream(for: name + "#hit")
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() { onMiss = onMissName.map(model.callTarget) }

    public override func serviceCompleted(_ request: Int32) {
        let hit = hitStream.bernoulli(hitRatio)
        if sim.now >= model.warmupEnd {
            lookups += 1
            if hit { hits += 1 }
        }
        guard !hit, let target = onMiss else { return model.finish(request, at: self) }
        model.setPhase(request, Cache.Phase.awaitingMiss.rawValue)
        model.call(request, target: target, from: self)
    }

    public override func reply(_ request: Int32) {
        if requests.top(request).phase == Cache.Phase.awaitingMiss.rawValue && !requests.records[Int(request)].failed {
            model.setPhase(request, 0)
            model.finish(request, at: self)
        } else {
            model.unwind(request, from: self)
        }
    }

    public override var kindName: String { "cache" }
    public override var hitRatioResult: Double? { lookups > 0 ? Double(hits) / Double(lookups) : 0 }
}
