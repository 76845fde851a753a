import SDEngine
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// The contents of a keyed cache, operation by operation, against hand-worked sequences and
/// against brute-force reference implementations.
final class CacheStoreTests: XCTestCase {
    func fill(_ s: CacheStore, _ key: UInt64, at now: Int64 = 0, version: UInt32 = 0, size: Double = 1) {
        s.store(key, version: version, size: size, now: now, dirty: false, access: false)
    }

    func removed(_ s: CacheStore) -> [UInt64] { s.removals.map(\.key) }

    func testLRUEvictsLeastRecentlyUsed() {
        let s = CacheStore(capacity: .items(3), policy: .lru)
        for k: UInt64 in [1, 2, 3] { XCTAssertEqual(s.lookup(k, now: 0), .miss(.cold)); fill(s, k) }
        XCTAssertEqual(s.lookup(1, now: 0), .hit(version: 0))
        XCTAssertEqual(s.keysInEvictionOrder, [2, 3, 1])
        fill(s, 4)
        XCTAssertEqual(removed(s), [2])
        XCTAssertEqual(s.removals.first?.cause, .evicted)
        XCTAssertEqual(s.lookup(2, now: 0), .miss(.capacity))
        XCTAssertEqual(s.lookup(5, now: 0), .miss(.cold))
        XCTAssertEqual(s.count, 3)
    }

    func testFIFOIgnoresHits() {
        let s = CacheStore(capacity: .items(3), policy: .fifo)
        for k: UInt64 in [1, 2, 3] { fill(s, k) }
        XCTAssertEqual(s.lookup(1, now: 0), .hit(version: 0))
        fill(s, 4)
        XCTAssertEqual(removed(s), [1])
        XCTAssertEqual(s.keysInEvictionOrder, [2, 3, 4])
    }

    /// Perfect LFU: counts survive eviction; a newcomer wins ties (it is the most recent) and is
    /// refused when it is less frequent than every cached key.
    func testLFUCountsAndAdmission() {
        let s = CacheStore(capacity: .items(2), policy: .lfu)
        _ = s.lookup(1, now: 0); fill(s, 1)            // 1: count 1
        XCTAssertEqual(s.lookup(1, now: 0), .hit(version: 0))  // 1: count 2
        _ = s.lookup(2, now: 0); fill(s, 2)            // 2: count 1
        _ = s.lookup(3, now: 0); fill(s, 3)            // 3: count 1 ties with 2, which is older: 2 goes
        XCTAssertEqual(removed(s), [2])
        XCTAssertEqual(s.lookup(2, now: 0), .miss(.capacity))  // 2: count 2
        fill(s, 2)                                     // beats 3 (count 1)
        XCTAssertEqual(removed(s), [3])
        XCTAssertEqual(s.keysInEvictionOrder, [1, 2])
        XCTAssertEqual(s.lookup(4, now: 0), .miss(.cold))      // 4: count 1 < 2 = every cached count
        let stored = s.store(4, version: 0, size: 1, now: 0, dirty: false, access: false)
        XCTAssertFalse(stored.admitted)
        XCTAssertEqual(removed(s), [])
        XCTAssertEqual(s.lookup(4, now: 0), .miss(.capacity))
        XCTAssertEqual(s.count, 2)
    }

    /// Entries expire TTL after they were stored (hits do not extend them), and a full cache drops
    /// an expired entry before evicting a live one.
    func testTTLExpiresAndIsDroppedFirst() {
        let s = CacheStore(capacity: .items(2), policy: .lru, ttl: SimDuration(ns: 10))
        fill(s, 1, at: 0)
        XCTAssertEqual(s.lookup(1, now: 9), .hit(version: 0))
        XCTAssertEqual(s.lookup(1, now: 10), .miss(.expired))
        XCTAssertEqual(s.removals.map(\.cause), [.expired])
        fill(s, 1, at: 10)   // expires at 20
        fill(s, 2, at: 12)   // expires at 22
        XCTAssertEqual(s.lookup(1, now: 15), .hit(version: 0))   // 2 is now least recently used
        fill(s, 3, at: 20)   // 1 has expired: it goes, not 2
        XCTAssertEqual(s.removals.map(\.key), [1])
        XCTAssertEqual(s.removals.map(\.cause), [.expired])
        XCTAssertEqual(s.lookup(2, now: 21), .hit(version: 0))
        XCTAssertEqual(s.lookup(1, now: 21), .miss(.expired))
    }

    func testByteCapacity() {
        let s = CacheStore(capacity: .bytes(100), policy: .lru)
        fill(s, 1, size: 60)
        fill(s, 2, size: 30)
        fill(s, 3, size: 50)
        XCTAssertEqual(removed(s), [1])
        XCTAssertEqual(s.usedBytes, 80)
        fill(s, 4, size: 200)   // larger than the whole cache: not stored
        XCTAssertEqual(removed(s), [])
        XCTAssertFalse(s.contains(4))
        XCTAssertEqual(s.lookup(4, now: 0), .miss(.capacity))
        // 2 grows to 80 bytes: 3 makes room for it.
        s.store(2, version: 1, size: 80, now: 0, dirty: false, access: true)
        XCTAssertEqual(removed(s), [3])
        XCTAssertEqual(s.usedBytes, 80)
        XCTAssertEqual(s.cachedVersion(of: 2), 1)
        fill(s, 5, size: 0)     // a request without a size weighs 1 byte
        XCTAssertEqual(s.usedBytes, 81)
    }

    func testVersionsNeverGoBackAndInvalidation() {
        let s = CacheStore(capacity: .items(10), policy: .lru)
        fill(s, 7, version: 2)
        fill(s, 7, version: 1)   // a slow fill of older data
        XCTAssertEqual(s.lookup(7, now: 0), .hit(version: 2))
        XCTAssertTrue(s.invalidate(7))
        XCTAssertEqual(s.removals.map(\.cause), [.invalidated])
        XCTAssertFalse(s.invalidate(7))
        XCTAssertEqual(s.lookup(7, now: 0), .miss(.invalidated))
    }

    func testDirtyEntriesAndFlushEpochs() {
        let s = CacheStore(capacity: .items(1), policy: .lru)
        let first = s.store(1, version: 1, size: 1, now: 0, dirty: true, access: true)
        XCTAssertTrue(first.becameDirty)
        let second = s.store(1, version: 2, size: 1, now: 0, dirty: true, access: true)
        XCTAssertFalse(second.becameDirty, "a second write rides along with the pending flush")
        XCTAssertEqual(s.dirtyCount, 1)
        XCTAssertEqual(s.flushDue(slot: first.slot, epoch: first.flushEpoch)?.version, 2)
        XCTAssertNil(s.flushDue(slot: first.slot, epoch: first.flushEpoch), "flushed already")
        XCTAssertEqual(s.dirtyCount, 0)
        let third = s.store(1, version: 3, size: 1, now: 0, dirty: true, access: true)
        XCTAssertTrue(third.becameDirty)
        XCTAssertNil(s.flushDue(slot: first.slot, epoch: first.flushEpoch), "an old timer")
        fill(s, 2)   // evicts dirty 1
        XCTAssertEqual(s.removals, [CacheRemoval(key: 1, version: 3, size: 1, dirty: true, cause: .evicted)])
        XCTAssertNil(s.flushDue(slot: third.slot, epoch: third.flushEpoch), "the entry left, flushed on eviction")
        XCTAssertEqual(s.dirtyCount, 0)
    }

    /// Random operations against brute-force LRU, FIFO and LFU: the same hits, misses and evictions.
    func testAgainstBruteForceReferences() {
        for policy in [CachePolicy.lru, .fifo, .lfu] {
            let capacity = 50
            let s = CacheStore(capacity: .items(capacity), policy: policy)
            let rng = RandomStream(seed: 9, name: "ops")
            var resident: [UInt64] = []          // LRU/FIFO: victim first
            var counts: [UInt64: Int] = [:], ticks: [UInt64: Int] = [:]
            var tick = 0, evictions = 0, refusals = 0
            for step in 0..<20_000 {
                let key = UInt64(1 + min(rng.index(below: 200), rng.index(below: 200)))
                if rng.uniform() < 0.05 {
                    XCTAssertEqual(s.invalidate(key), resident.contains(key), "\(policy) step \(step)")
                    resident.removeAll { $0 == key }
                    continue
                }
                tick += 1
                counts[key, default: 0] += 1
                let result = s.lookup(key, now: 0)
                if let i = resident.firstIndex(of: key) {
                    XCTAssertEqual(result, .hit(version: 0), "\(policy) step \(step)")
                    if policy == .lru { resident.remove(at: i); resident.append(key) }
                    ticks[key] = tick
                    continue
                }
                guard case .miss = result else { return XCTFail("\(policy) step \(step): expected a miss") }
                let stored = s.store(key, version: 0, size: 1, now: 0, dirty: false, access: false)
                var expectedEvicted: [UInt64] = []
                var admitted = true
                if resident.count == capacity {
                    var victimIndex = 0
                    if policy == .lfu {
                        victimIndex = resident.indices.min {
                            (counts[resident[$0]]!, ticks[resident[$0]]!) < (counts[resident[$1]]!, ticks[resident[$1]]!)
                        }!
                        admitted = counts[key]! >= counts[resident[victimIndex]]!
                    }
                    if admitted { expectedEvicted = [resident.remove(at: victimIndex)]; evictions += 1 } else { refusals += 1 }
                }
                if admitted { resident.append(key); ticks[key] = tick }
                XCTAssertEqual(stored.admitted, admitted, "\(policy) step \(step)")
                XCTAssertEqual(removed(s), expectedEvicted, "\(policy) step \(step)")
            }
            XCTAssertEqual(s.count, resident.count)
            XCTAssertGreaterThan(evictions, 1_000, "\(policy)")
            if policy == .lfu { XCTAssertGreaterThan(refusals, 1_000) }
            if policy != .lfu { XCTAssertEqual(s.keysInEvictionOrder, resident, "\(policy)") }
        }
    }

    /// Random replacement draws its victims from its own stream: the same seed, the same contents.
    func testRandomReplacementIsReproducible() {
        func run() -> [UInt64] {
            let s = CacheStore(capacity: .items(20), policy: .random, stream: RandomStream(seed: 3, name: "c#evict"))
            let keys = RandomStream(seed: 3, name: "keys")
            for _ in 0..<5_000 {
                let k = UInt64(1 + keys.index(below: 100))
                if case .miss = s.lookup(k, now: 0) { fill(s, k) }
                XCTAssertLessThanOrEqual(s.count, 20)
            }
            return s.keysInEvictionOrder
        }
        let a = run()
        XCTAssertEqual(a.count, 20)
        XCTAssertEqual(a, run())
    }
}
