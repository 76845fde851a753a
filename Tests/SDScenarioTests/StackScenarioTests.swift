import SDEngine
import SDModels
import SDScenario
import XCTest
import SDConfig
import SDAnalysis

/// Machine scheduling, replica placement, processes and CPU around calls, as written in a scenario.
final class StackScenarioTests: XCTestCase {
    func testStackKeysLoad() throws {
        let text = """
        name: stack
        duration: 60s
        workload:
          - name: pages
            arrival: poisson(100/s)
            route: [lb, app]
        machines:
          box:
            cores: 2
            scheduling: processor-sharing
          sliced:
            cores: 4
            scheduling: round-robin
            quantum: 4ms
        components:
          lb:
            kind: load-balancer
            targets: app
          app:
            kind: server
            replicas: 2
            machine: box
            placement: together
            processes: 2
            threads: 8
            process-lock: true
            service: exponential(2ms)
            calls: [db]
            after-calls: [constant(0.3ms)]
            call-cost: constant(0.1ms)
          db:
            kind: server
            workers: 4
            service: exponential(1ms)
            machine: sliced
        """
        let config: ModelConfig
        do { config = try ScenarioLoader.load(text: text, file: "stack.yaml") } catch {
            return XCTFail(error.rendered())
        }
        XCTAssertEqual(config.machines.map(\.scheduling), [.processorSharing, .roundRobin(quantum: SimDuration(seconds: 0.004))])
        let app = config.components.first { $0.name == "app" }!
        XCTAssertEqual(app.placement, .together)
        XCTAssertEqual(app.machineInstance(replica: 1), "box")
        var expected = ServerConfig.processes(2, threads: 8, lock: true, service: .exponential(mean: 0.002), calls: ["db"],
                                              afterCalls: [.constant(0.0003)], callCost: .constant(0.0001))
        expected.queueLimit = nil
        XCTAssertEqual(app.kind, .server(expected))
        let r = Runner.runOnce(config).result
        XCTAssertEqual(r.machines.map(\.name), ["box", "sliced"])
        XCTAssertEqual(r.machines[0].components, ["app-1", "app-2"])
        XCTAssertGreaterThan(r.workloads[0].completed, 0)
    }
}
