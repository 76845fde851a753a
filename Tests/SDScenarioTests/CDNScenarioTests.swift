import Foundation
import SDEngine
import SDScenario
import SDConfig
import XCTest

/// `kind: cdn` in scenario files.
final class CDNScenarioTests: XCTestCase {
    func scenario(_ cdnKeys: String, keys: String = "keys: zipf(10k, 1.0)") -> String {
        """
        name: cdn
        duration: 10s
        network:
          egress-cost: 0.09/GB
        workload:
          - name: views
            arrival: poisson(100/s)
            \(keys)
            size: constant(200KB)
            route: [edge]
        components:
          edge:
            kind: cdn
        \(cdnKeys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
          photos:
            kind: object-store
            first-byte: constant(30ms)
            bandwidth: 100MB/s
        """
    }

    func errors(_ cdnKeys: String, keys: String = "keys: zipf(10k, 1.0)") -> String {
        do {
            _ = try ScenarioLoader.load(text: scenario(cdnKeys, keys: keys), file: "test.yaml")
            return ""
        } catch {
            return error.rendered()
        }
    }

    func testKeyedAndFixedCDNsLoad() throws {
        let keyed = try ScenarioLoader.load(text: scenario("capacity: 1k\npolicy: lfu\nwarm: true\norigin: photos\nprice-per-gb: 0.02/GB"),
                                            file: "test.yaml")
        var k = KeyedCacheConfig(capacity: .items(1_000), policy: .lfu)
        k.warm = true
        XCTAssertEqual(keyed.components[0].kind, .cdn(CDNConfig(mode: .keyed(k), origin: "photos", pricePerGB: 0.02)))
        let fixed = try ScenarioLoader.load(text: scenario("hit-ratio: 0.9\norigin: photos\nworkers: 50\nservice: constant(2ms)"),
                                            file: "test.yaml")
        XCTAssertEqual(fixed.components[0].kind,
                       .cdn(CDNConfig(mode: .hitRatio(0.9), workers: 50, service: .constant(0.002), origin: "photos")))
    }

    func testMistakesAreReported() {
        XCTAssertTrue(errors("hit-ratio: 0.9").contains("missing required key 'origin'"), errors("hit-ratio: 0.9"))
        XCTAssertTrue(errors("origin: photos").contains("missing required key 'capacity' or 'hit-ratio'"), errors("origin: photos"))
        let both = errors("hit-ratio: 0.9\ncapacity: 1k\norigin: photos")
        XCTAssertTrue(both.contains("cannot be used together"), both)
        let unknown = errors("hit-ratio: 0.9\norigin: fotos")
        XCTAssertTrue(unknown.contains("did you mean 'photos'"), unknown)
        let noKeys = errors("capacity: 1k\norigin: photos", keys: "")
        XCTAssertTrue(noKeys.contains("sends requests to cdn 'edge'"), noKeys)
        let ttlOnRatio = errors("hit-ratio: 0.9\nttl: 10s\norigin: photos")
        XCTAssertTrue(ttlOnRatio.contains("'ttl' applies only to a cache with a 'capacity'"), ttlOnRatio)
    }
}
