import Foundation
import SDEngine
@testable import SDModels
import SDScenario
import SDConfig
import SDAnalysis
import XCTest

/// A feed service's posts touch the cached feeds of the author's followers.
final class FeedCacheScenarioTests: XCTestCase {
    static func text(strategy: String) -> String {
        """
        name: feed-cache
        seed: 9
        duration: 60s
        warmup: 1s
        population:
          users: 100k
          activities:
            - type: post
              per-user: 20/day
              route: [feed]
            - type: feed-read
              per-user: 200/day
              route: [feed, feed-cache]
          followers: power-law(2.3)
          celebrities: 0
        components:
          feed:
            kind: feed-service
            workers: 64
            strategy: \(strategy)
            feed-cache: feed-cache
          feed-cache:
            kind: cache
            capacity: 10k
            warm: true
            workers: 64
            service: constant(0.1ms)
        """
    }

    func extra(_ r: RunResult, _ c: String, _ name: String) -> Double? {
        r.components.first { $0.name == c }?.extra.first { $0.name == name }?.value
    }

    /// Each post reaches Binomial(entries, followers ÷ (users − 1)) cached feeds: about 10k ÷ 100k of
    /// its author's followers. The feed service counts the followers of the posts it pushed
    /// (`feed_writes`), an independent count; the posts are the same under both strategies (the
    /// arrivals and authors come from the clients' streams). Pushed posts update cached feeds in
    /// place and invalidate none; pulled posts invalidate as many.
    func testPostsInvalidateOrUpdateFollowersCachedFeeds() throws {
        let push = try ScenarioLoader.load(text: Self.text(strategy: "fan-out-on-write"), file: "push.yaml")
        let p = Runner.runOnce(push).result
        let followers = try XCTUnwrap(extra(p, "feed", "feed_writes"))
        let expected = followers * 10_000 / 99_999
        let updates = try XCTUnwrap(extra(p, "feed-cache", "feed_updates"))
        print("feed updates \(updates), expected about \(expected) (followers reached \(followers))")
        XCTAssertEqual(updates, expected, accuracy: 5 * expected.squareRoot())
        XCTAssertEqual(extra(p, "feed-cache", "invalidations"), 0)

        let pull = try ScenarioLoader.load(text: Self.text(strategy: "fan-out-on-read"), file: "pull.yaml")
        let r = Runner.runOnce(pull).result
        XCTAssertEqual(r.workloads[0].arrived, p.workloads[0].arrived)
        let invalidations = try XCTUnwrap(extra(r, "feed-cache", "invalidations"))
        XCTAssertEqual(invalidations, expected, accuracy: 5 * expected.squareRoot())
        XCTAssertNil(extra(r, "feed-cache", "feed_updates"))
        XCTAssertGreaterThan(try XCTUnwrap(extra(r, "feed-cache", "misses_invalidated")), 0)
        // Warm from the start: the hit ratio of the pushed feeds is about capacity ÷ users = 10%.
        XCTAssertEqual(try XCTUnwrap(p.components.first { $0.name == "feed-cache" }?.hitRatio), 0.1, accuracy: 0.01)
    }

    /// `feed-cache:` may name a replicated cache (behind a `consistent-hash` balancer): each replica
    /// holds its share of the feeds, and a post touches its followers' feeds on every replica, so
    /// the updates summed over two replicas of 5k match one cache of 10k.
    func testPostsTouchEveryReplicaOfAReplicatedFeedCache() throws {
        let text = Self.text(strategy: "fan-out-on-write")
            .replacingOccurrences(of: "route: [feed, feed-cache]", with: "route: [feed, cache-lb, feed-cache]")
            .replacingOccurrences(of: "    capacity: 10k\n", with: "    capacity: 5k\n    replicas: 2\n")
            + "\n  cache-lb:\n    kind: load-balancer\n    policy: consistent-hash\n    targets: feed-cache\n"
        let r = Runner.runOnce(try ScenarioLoader.load(text: text, file: "replicated.yaml")).result
        let followers = try XCTUnwrap(extra(r, "feed", "feed_writes"))
        let expected = followers * 10_000 / 99_999
        let first = try XCTUnwrap(extra(r, "feed-cache-1", "feed_updates"))
        let second = try XCTUnwrap(extra(r, "feed-cache-2", "feed_updates"))
        print("feed updates \(first) + \(second), expected about \(expected) in all")
        XCTAssertEqual(first + second, expected, accuracy: 5 * expected.squareRoot())
        XCTAssertEqual(first, expected / 2, accuracy: 5 * (expected / 2).squareRoot())
        XCTAssertEqual(second, expected / 2, accuracy: 5 * (expected / 2).squareRoot())
    }

    func testFeedCacheMustBeACache() {
        let bad = Self.text(strategy: "hybrid").replacingOccurrences(of: "feed-cache: feed-cache", with: "feed-cache: feed")
        XCTAssertThrowsError(try ScenarioLoader.load(text: bad, file: "bad.yaml")) { error in
            XCTAssertTrue((error as! ScenarioErrors).rendered().contains("feed-cache"), (error as! ScenarioErrors).rendered())
        }
    }
}
