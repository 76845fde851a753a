import Foundation
import SDEngine
import SDModels
import SDScenario
import XCTest
import SDConfig
import SDAnalysis

/// `population:` and `kind: feed-service` load to the configurations they promise.
final class PopulationScenarioTests: XCTestCase {
    func testInstagramLoads() throws {
        let path = GoodScenarioTests.scenarios.appendingPathComponent("instagram.yaml").path
        let config = try ScenarioLoader.load(path: path)
        let p = try XCTUnwrap(config.population)
        XCTAssertEqual(p.users, 10_000_000)
        XCTAssertEqual(p.dailyActive, 0.5)
        XCTAssertEqual(p.dailyCycle, 1.7)
        XCTAssertEqual(p.weeklyCycle, 1.1)
        XCTAssertEqual(p.startHour, 20, "time 0 defaults to the peak hour")
        XCTAssertEqual(p.activities.map(\.type), ["upload", "feed-read", "photo-view", "follow", "unfollow"])
        XCTAssertEqual(p.activities[0].perUserPerDay, 4.0 / 30, accuracy: 1e-15)
        XCTAssertEqual(p.activities[0].copies, [], "the thumbnail worker writes the thumbnails as objects of their own")
        XCTAssertEqual(p.activities[2].keys, .zipf(n: 100_000_000, exponent: 1), "photo views are keyed by photo, not by user")
        XCTAssertEqual(p.followers, FollowerLaw(exponent: 2.3))
        XCTAssertEqual(p.celebrities, 10)
        // Each activity is a workload with a cyclic arrival process, keyed by user id unless it says otherwise.
        XCTAssertEqual(config.workloads.map(\.name), ["upload", "feed-read", "photo-view", "follow", "unfollow"])
        XCTAssertEqual(config.workloads[1].keys, .uniform(n: 10_000_000))
        XCTAssertEqual(config.workloads[2].keys, .zipf(n: 100_000_000, exponent: 1))
        guard case .cyclic(let rate) = config.workloads[0].arrival else { return XCTFail("uploads are not cyclic") }
        // 4 uploads a month per daily-active user = 2 per monthly user: 7.72/s, 100 TB of originals a month.
        XCTAssertEqual(rate.mean, 10e6 * 0.5 * 4 / 30 / 86_400, accuracy: 1e-12)
        XCTAssertTrue(config.workloads[0].mix[0].isWrite)
        XCTAssertFalse(config.workloads[1].mix[0].isWrite)
        guard case .feedService(let feed)? = config.components.first(where: { $0.name == "feed" })?.kind else {
            return XCTFail("no feed service")
        }
        XCTAssertEqual(feed.strategy, .hybrid)
        XCTAssertEqual(feed.celebrityThreshold, 100_000)
        XCTAssertEqual(feed.perFollower, 50e-6, accuracy: 1e-15)
    }

    func testPerUserPeriodsAndDefaults() throws {
        let text = """
            name: periods
            duration: 10s
            population:
              users: 1k
              activities:
                - {type: a, per-user: 24/hour, route: [app]}
                - {type: b, per-user: 7/week, route: [app]}
                - {type: c, per-user: 365/year, route: [app]}
                - {type: d, per-user: 0.5/d, route: [app]}
            components:
              app: {kind: server, service: constant(1ms)}
            """
        let p = try XCTUnwrap(try ScenarioLoader.load(text: text, file: "periods.yaml").population)
        XCTAssertEqual(p.activities.map(\.perUserPerDay), [576, 1, 1, 0.5])
        XCTAssertEqual(p.dailyActive, 1)
        XCTAssertEqual(p.dailyCycle, 1)
        XCTAssertEqual(p.peakHour, 20)
        XCTAssertEqual(p.celebrities, 0)
    }
}
