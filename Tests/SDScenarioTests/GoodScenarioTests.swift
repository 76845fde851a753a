import Foundation
import SDEngine
import SDModels
import SDScenario
import XCTest

/// The example scenarios in `scenarios/` load to the expected configurations.
final class GoodScenarioTests: XCTestCase {
    /// `scenarios/` at the top of the source tree.
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scenarios").standardized

    func load(_ name: String) throws -> ModelConfig {
        let path = Self.scenarios.appendingPathComponent(name).path
        do {
            return try ScenarioLoader.load(path: path)
        } catch {
            XCTFail(error.rendered())
            throw error
        }
    }

    func testMM1() throws {
        let expected = ModelConfig(
            name: "mm1",
            description: "One server with Poisson arrivals. Theory says W = 1/(mu - lambda) = 2 s.",
            seed: 1,
            duration: SimDuration(ns: 400_000 * 1_000_000_000),
            warmup: SimDuration(ns: 1000 * 1_000_000_000),
            network: NetworkConfig(latency: nil),
            workloads: [WorkloadConfig(name: "jobs", arrival: .poisson(ratePerSecond: 0.5), route: ["station"])],
            components: [
                ComponentConfig(name: "station", replicas: 1,
                                kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 1), queueLimit: nil))),
            ])
        XCTAssertEqual(try load("mm1.yaml"), expected)
    }

    func testThreeTier() throws {
        let expected = ModelConfig(
            name: "three-tier",
            description: "A load balancer, four app servers, and a cache in front of a database.",
            seed: 7,
            duration: SimDuration(ns: 120_000_000_000),
            warmup: SimDuration(ns: 10_000_000_000),
            network: NetworkConfig(latency: .constant(0.00025)),
            workloads: [
                WorkloadConfig(name: "feed-read", arrival: .poisson(ratePerSecond: 2400), route: ["lb", "app", "cache"]),
            ],
            components: [
                ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .random, targets: "app"))),
                ComponentConfig(name: "app", replicas: 4,
                                kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.01)))),
                ComponentConfig(name: "cache",
                                kind: .cache(CacheConfig(hitRatio: 0.8, workers: 64, service: .constant(0.0005), onMiss: "db"))),
                ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 16, service: .exponential(mean: 0.025)))),
            ])
        let config = try load("three-tier.yaml")
        XCTAssertEqual(config, expected)
        XCTAssertEqual(config.components[1].instanceNames, ["app-1", "app-2", "app-3", "app-4"])
    }

    /// Defaults: seed 1, no warm-up, no description, one worker, round-robin, unlimited queue.
    func testDefaults() throws {
        let text = """
            name: small
            duration: 1m
            workload:
              - name: w
                arrival: exponential(100ms)
                route: [lb, web, c]
            components:
              lb: {kind: load-balancer, targets: web}
              web: {kind: server, replicas: 2, service: "uniform(1ms, 2ms)"}
              c: {kind: cache, hit-ratio: 1, service: constant(0s), queue-limit: 10k}
            """
        let config = try ScenarioLoader.load(text: text, file: "small.yaml")
        XCTAssertEqual(config.seed, 1)
        XCTAssertEqual(config.description, "")
        XCTAssertEqual(config.warmup, .zero)
        XCTAssertEqual(config.duration, SimDuration(ns: 60_000_000_000))
        XCTAssertNil(config.network.latency)
        XCTAssertEqual(config.workloads[0].arrival, .interarrival(.exponential(mean: 0.1)))
        XCTAssertEqual(config.components.map(\.name), ["lb", "web", "c"])
        XCTAssertEqual(config.components[0].kind, .loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "web")))
        XCTAssertEqual(config.components[1].kind, .server(ServerConfig(workers: 1, service: .uniform(low: 0.001, high: 0.002))))
        XCTAssertEqual(config.components[2].kind,
                       .cache(CacheConfig(hitRatio: 1, workers: 1, service: .constant(0), queueLimit: 10_000, onMiss: nil)))
    }

    /// Names that only look like instance names are fine, and misses may go through a load balancer.
    func testNamesAndMissesThroughALoadBalancer() throws {
        let text = """
            name: names
            duration: 10s
            workload:
              - {name: w, arrival: poisson(1/s), route: [front, cache]}
            components:
              front: {kind: server, service: constant(1ms)}
              front-1: {kind: server, service: constant(1ms)}
              cache: {kind: cache, hit-ratio: 0.5, service: constant(1ms), on-miss: db-lb}
              db-lb: {kind: load-balancer, targets: db}
              db: {kind: server, replicas: 3, service: constant(1ms)}
              db-03: {kind: server, service: constant(1ms)}
            """
        let config = try ScenarioLoader.load(text: text, file: "names.yaml")
        XCTAssertEqual(config.components.map(\.name), ["front", "front-1", "cache", "db-lb", "db", "db-03"])
    }

    func testDatabaseReplicas() throws {
        let config = try load("database-replicas.yaml")
        XCTAssertEqual(config.workloads[0].mix.map(\.type), ["read", "write"])
        XCTAssertEqual(config.workloads[0].mix.map(\.isWrite), [false, true])
        XCTAssertEqual(config.workloads[0].keys, .zipf(n: 10_000, exponent: 0.9))
        XCTAssertEqual(config.components[1].kind, .database(DatabaseConfig(
            workers: 8, service: .exponential(mean: 0.002), writeService: .exponential(mean: 0.004), connections: 16,
            queueLimit: 200, readReplicas: 3, replicationLag: .exponential(mean: 0.1), initialBytes: 500e9)))
    }

    func testShardedDatabases() throws {
        let config = try load("sharded-db.yaml")
        XCTAssertEqual(config.components.map(\.name), ["db-hash", "db-range"])
        let common = DatabaseConfig(workers: 4, service: .exponential(mean: 0.001), writeService: .exponential(mean: 0.002),
                                    readReplicas: 1, replicationLag: .exponential(mean: 0.02), shards: 4,
                                    scatterTypes: ["search"], initialBytes: 100e12)
        XCTAssertEqual(config.components[0].kind, .database(common))
        var range = common
        range.sharding = .range
        range.splitAt = SimDuration(seconds: 30)
        XCTAssertEqual(config.components[1].kind, .database(range))
    }

    /// Database defaults: one worker, connections = workers, hash sharding, one shard unless
    /// `ranges` says otherwise, read and write service from `service`, hot threshold 2.
    func testDatabaseDefaults() throws {
        let text = """
            name: db
            duration: 10s
            workload:
              - {name: w, arrival: poisson(1/s), keys: uniform(100), route: [a, b, c]}
            components:
              a: {kind: database, service: constant(1ms)}
              b: {kind: database, read-service: constant(1ms), write-service: constant(3ms), sharding: range, ranges: [10, 20]}
              c: {kind: database, service: constant(1ms), shards: 2, sharding: directory, directory-lookup: constant(1ms),
                  hot-threshold: 1.5, split-hot: false}
            """
        let config = try ScenarioLoader.load(text: text, file: "db.yaml")
        XCTAssertEqual(config.components[0].kind, .database(DatabaseConfig(service: .constant(0.001))))
        guard case .database(let a) = config.components[0].kind, case .database(let b) = config.components[1].kind,
              case .database(let c) = config.components[2].kind else { return XCTFail("not databases") }
        XCTAssertEqual(a.workers, 1)
        XCTAssertNil(a.connections)
        XCTAssertEqual(a.shards, 1)
        XCTAssertEqual(a.sharding, .hash)
        XCTAssertEqual(a.hotThreshold, 2)
        XCTAssertEqual(b.readService, .constant(0.001))
        XCTAssertEqual(b.writeService, .constant(0.003))
        XCTAssertEqual(b.shards, 3)
        XCTAssertEqual(b.ranges, [10, 20])
        XCTAssertEqual(c.directoryLookup, .constant(0.001))
        XCTAssertEqual(c.hotThreshold, 1.5)
        XCTAssertNil(c.splitAt)
    }

    func testMissingFileIsOneDiagnostic() {
        XCTAssertThrowsError(try ScenarioLoader.load(path: "/nonexistent/dir/x.yaml")) { error in
            guard let errors = error as? ScenarioErrors else { return XCTFail("\(error)") }
            XCTAssertEqual(errors.rendered(), "/nonexistent/dir/x.yaml:1:1: error: cannot read file: No such file or directory\n")
        }
    }
}
