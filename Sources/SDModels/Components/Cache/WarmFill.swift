import SDEngine
import SDConfig

extension Node {
    /// Fills the cache the way a long-running one was filled (`warm: true`): keys drawn from the key
    /// distribution of the first traffic that reaches this cache (`ModelConfig.keyedTraffic(reaching:)`
    /// follows routes, calls, misses and load balancers) are looked up and, on a miss, stored with their entry size
    /// there, until the store has been full for as many draws as filling it took (at most 50M draws).
    /// Behind a load balancer that places keys (`hash`, `consistent-hash`) only the keys placed on
    /// this replica count, and a replica on standby for a `scale:` event stays empty.
    /// LRU's contents are the most recently requested distinct keys, a function of the recent
    /// requests alone: once full, they are a sample of its steady state. FIFO, random and LFU take
    /// the extra draws to forget the order of filling. Nothing is counted in the statistics.
    func warmFill(_ store: CacheStore, policy: CachePolicy) {
        guard let traffic = model.config.keyedTraffic(reaching: group) else { return }
        let keys = traffic.keys
        let entrySize = traffic.size
        // Behind a load balancer that places keys, a replica holds only its own share; a replica on
        // standby for a `scale:` event starts empty, as a new server does.
        var mine: ((UInt64) -> Bool)?
        for case let lb as LoadBalancer in model.nodes where lb.targetGroup == group && lb.policy.usesKey {
            guard let index = lb.targets.firstIndex(of: id) else { continue }
            if index >= lb.active { return }
            mine = { lb.placement(of: $0) == index }
        }
        let sampler = KeySampler(keys)
        let keyCount: UInt64
        switch keys {
        case .zipf(let n, _), .uniform(let n): keyCount = n
        }
        let stream = model.stream(for: name + "#warm")
        let limit = 50_000_000
        var draws = 0, filledAfter: Int?
        var total = 0
        while total < limit {
            let key = sampler.next(stream)
            total += 1
            if let mine, !mine(key) { continue }
            draws += 1
            if case .miss = store.lookup(key, now: 0) {
                store.store(key, version: model.data.version(of: key), size: entrySize, now: 0, dirty: false, access: false)
            }
            if filledAfter == nil && store.isFull(forEntryOf: entrySize) { filledAfter = draws }
            if let f = filledAfter, policy == .lru || draws >= 2 * f { break }
            // Fewer keys than places: it can never fill; stop once far more draws than keys were made.
            if filledAfter == nil, draws >= 20 * max(Int(clamping: keyCount), 1) { break }
        }
    }
}
