import Foundation
import SDEngine
@testable import SDModels
import SDScenario
import SDConfig
import SDAnalysis
import XCTest

/// `scale:`: adding a replica behind a load balancer, measured in a run.
final class ScalingScenarioTests: XCTestCase {
    static func text(policy: String) -> String {
        """
        name: scale-\(policy)
        seed: 4
        duration: 60s
        workload:
          - name: reads
            arrival: poisson(2000/s)
            keys: uniform(10k)
            route: [lb, cache]
        scale:
          - {at: 30s, group: cache, replicas: 5}
        components:
          lb:
            kind: load-balancer
            policy: \(policy)
            targets: cache
          cache:
            kind: cache
            replicas: 4
            capacity: 5k
            warm: true
            service: constant(0.1ms)
            workers: 4
        """
    }

    func extra(_ r: RunResult, _ c: String, _ name: String) -> Double? {
        r.components.first { $0.name == c }?.extra.first { $0.name == name }?.value
    }

    /// Hit ratio of the cache group in slice `i` of 50 (1.2 s each).
    func hitRatio(_ r: RunResult, slice i: Int) -> Double {
        let g = r.components.first { $0.name == "cache" && $0.isGroup }!
        let lookups = g.series.first { $0.name == "lookups" }!.values[i]
        return g.series.first { $0.name == "hits" }!.values[i] / lookups
    }

    /// Going from 4 to 5 replicas moves n/(n+1) = 80% of the keys under mod-N (a key stays only
    /// when key mod 4 = key mod 5) and about 1/(n+1) = 20% on a ring with 100 virtual nodes
    /// (the new node's arcs; their spread makes it vary by a few points). The warm caches (each
    /// holds its whole share of the 10k keys) hit everything before; right after, the moved keys
    /// miss.
    func testAddingAReplicaMovesKeysAsTheoryPredicts() throws {
        let modN = try ScenarioLoader.load(text: Self.text(policy: "hash"), file: "hash.yaml")
        XCTAssertEqual(modN.components.first { $0.name == "cache" }?.replicas, 5)
        XCTAssertEqual(modN.components.first { $0.name == "cache" }?.activeReplicas, 4)
        let h = Runner.runOnce(modN).result
        let movedModN = try XCTUnwrap(extra(h, "lb", "keys_moved_at_scale"))
        XCTAssertEqual(movedModN, 0.8, accuracy: 0.02)
        XCTAssertEqual(extra(h, "lb", "active_replicas"), 5)
        XCTAssertEqual(h.components.first { $0.name == "lb" }?.targetShares.last?.share ?? 0, 0.1, accuracy: 0.02)
        XCTAssertGreaterThan(hitRatio(h, slice: 20), 0.99)
        XCTAssertLessThan(hitRatio(h, slice: 25), 0.6)

        let ring = try ScenarioLoader.load(text: Self.text(policy: "consistent-hash"), file: "ring.yaml")
        let c = Runner.runOnce(ring).result
        let movedRing = try XCTUnwrap(extra(c, "lb", "keys_moved_at_scale"))
        XCTAssertEqual(movedRing, 0.2, accuracy: 0.07)
        XCTAssertGreaterThan(hitRatio(c, slice: 20), 0.99)
        XCTAssertGreaterThan(hitRatio(c, slice: 25), hitRatio(h, slice: 25) + 0.2)
        print("keys moved: mod-N \(movedModN), ring \(movedRing); hit ratio just after: mod-N \(hitRatio(h, slice: 25)), ring \(hitRatio(c, slice: 25))")
    }

    func testScaleErrors() {
        let bad = Self.text(policy: "hash").replacingOccurrences(of: "group: cache,", with: "group: cahce,")
        XCTAssertThrowsError(try ScenarioLoader.load(text: bad, file: "bad.yaml")) { error in
            let text = (error as! ScenarioErrors).rendered()
            XCTAssertTrue(text.contains("unknown component 'cahce' in 'scale'; did you mean 'cache'?"), text)
        }
        let unbalanced = Self.text(policy: "hash").replacingOccurrences(of: "group: cache,", with: "group: lb,")
        XCTAssertThrowsError(try ScenarioLoader.load(text: unbalanced, file: "bad.yaml")) { error in
            XCTAssertTrue((error as! ScenarioErrors).rendered().contains("no load balancer targets it"))
        }
    }
}
