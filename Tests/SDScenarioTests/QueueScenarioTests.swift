import Foundation
import SDEngine
import SDModels
import SDScenario
import XCTest
import SDConfig
import SDAnalysis

/// Scenario files with queues, polled tables and object stores load to the expected configurations.
final class QueueScenarioTests: XCTestCase {
    func load(_ text: String) throws -> ModelConfig {
        do {
            return try ScenarioLoader.load(text: text, file: "test.yaml")
        } catch {
            XCTFail(error.rendered())
            throw error
        }
    }

    func loadShipped(_ name: String) throws -> ModelConfig {
        let path = GoodScenarioTests.scenarios.appendingPathComponent(name).path
        do {
            return try ScenarioLoader.load(path: path)
        } catch {
            XCTFail(error.rendered())
            throw error
        }
    }

    func component(_ config: ModelConfig, _ name: String) -> ComponentKind? {
        config.components.first { $0.name == name }?.kind
    }

    func testQueueVsPollingScenario() throws {
        let config = try loadShipped("queue-vs-polling.yaml")
        XCTAssertEqual(component(config, "email-queue"), .queue(QueueConfig(
            workers: 16, service: .constant(0.003), consumers: 4, process: .exponential(mean: 0.04), calls: ["mailer"],
            visibilityTimeout: SimDuration(seconds: 30), maxReceives: 5, failureRate: 0.02)))
        XCTAssertEqual(component(config, "email-table"), .polledTable(PolledTableConfig(
            workers: 4, service: .exponential(mean: 0.002), pollers: 4, pollInterval: SimDuration(seconds: 1),
            pollService: .exponential(mean: 0.015), batch: 50, process: .exponential(mean: 0.04), calls: ["mailer-b"])))
    }

    func testObjectStoreScenario() throws {
        let config = try loadShipped("object-store.yaml")
        XCTAssertEqual(component(config, "photos"), .objectStore(ObjectStoreConfig(
            connections: 1000, firstByte: .lognormal(mean: 0.03, cv: 0.5), bandwidth: 50e6, prefixRateLimit: 3500,
            prefixes: 1, replicationFactor: 3, initialBytes: 20e12)))
        XCTAssertEqual(config.workloads[0].mix.map(\.isWrite), [true, false])
    }

    /// Defaults: an instant enqueue on one worker, one consumer, a 30 s visibility timeout, no
    /// receive limit, a depth sample a second; a queue nobody reads needs no 'process'; a dead-letter
    /// queue named by another; a polled table's one poller and batch of 10; an object store's 50
    /// connections, no rate limit, one copy.
    func testDefaults() throws {
        let config = try load("""
            name: defaults
            duration: 1m
            workload:
              - name: w
                arrival: poisson(1/s)
                route: [jobs, table, store]
            components:
              jobs: {kind: queue, process: constant(1ms), max-receives: 3, dead-letter: dlq}
              dlq: {kind: queue, consumers: 0}
              counted: {kind: queue, process: constant(1ms), max-receives: 2, dead-letter: true, sample-every: 10s}
              table: {kind: polled-table, service: constant(1ms), poll-interval: 1s, poll-service: constant(5ms), process: constant(1ms)}
              store: {kind: object-store, first-byte: constant(10ms), bandwidth: 1GiB/s}
            """)
        XCTAssertEqual(component(config, "jobs"), .queue(QueueConfig(process: .constant(0.001), maxReceives: 3, deadLetterQueue: "dlq")))
        XCTAssertEqual(component(config, "dlq"), .queue(QueueConfig(consumers: 0)))
        XCTAssertEqual(component(config, "counted"), .queue(QueueConfig(process: .constant(0.001), maxReceives: 2,
                                                                       sampleEvery: SimDuration(seconds: 10))))
        XCTAssertEqual(component(config, "table"), .polledTable(PolledTableConfig(
            service: .constant(0.001), pollInterval: SimDuration(seconds: 1), pollService: .constant(0.005), process: .constant(0.001))))
        XCTAssertEqual(component(config, "store"), .objectStore(ObjectStoreConfig(firstByte: .constant(0.01), bandwidth: 1_073_741_824)))
        // And it runs, every message accounted for.
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.workloads[0].failed, 0)
        XCTAssertEqual(r.components.map(\.kind), ["queue", "queue", "queue", "polled-table", "object-store"])
    }

    /// A queue's consumers can call another queue (a pipeline), and a load balancer can spread
    /// producers over a replicated queue.
    func testQueuesCompose() throws {
        let config = try load("""
            name: pipeline
            duration: 200s
            workload:
              - name: w
                arrival: poisson(20/s)
                route: [lb, first]
            components:
              lb: {kind: load-balancer, targets: first}
              first: {kind: queue, replicas: 2, consumers: 2, process: exponential(10ms), calls: [second]}
              second: {kind: queue, consumers: 2, process: exponential(10ms)}
            """)
        let r = Runner.runOnce(config).result
        let first = r.components.filter { $0.group == "first" }
        let second = r.components.first { $0.name == "second" }!
        let enqueued = { (c: ComponentResult) in c.extra.first { $0.name == "enqueued" }!.value }
        let acked = first.reduce(0.0) { $0 + $1.extra.first { $0.name == "acknowledged" }!.value }
        XCTAssertEqual(first.reduce(0.0) { $0 + enqueued($1) }, Double(r.workloads[0].arrived))
        XCTAssertEqual(enqueued(second), acked, "each message processed by 'first' enqueues one on 'second'")
    }
}
