import Foundation
import SDConfig
import SDAnalysis
import SDScenario
import XCTest

/// A request's frame counts the calls a component makes in one byte, and the coordinator of an
/// atomic transaction numbers its commits after its prepares: past 99 calls, calls were made
/// twice (non-atomic) or taken for commits, silently. The loader refuses more than
/// `ComponentEdge.maxCalls` (fixture `server-too-many-calls`); at the limit every call is made once.
final class CallLimitTests: XCTestCase {
    static func scenario(calls n: Int, atomic: Bool, machines: Bool) -> String {
        var text = """
            name: calls-\(n)
            duration: 20s
            workload:
              - name: w
                arrival: poisson(5/s)
                route: [api]
            components:
              api:
                kind: server
                service: constant(1ms)
                atomic: \(atomic)
                calls: [\((0..<n).map { "s\($0)" }.joined(separator: ", "))]

            """
        if machines { text += "    machine: front\n" }
        for i in 0..<n { text += "  s\(i): {kind: server, service: constant(10us)\(machines ? ", machine: back" : "")}\n" }
        if machines { text += "machines:\n  front: {cores: 4}\n  back: {cores: 64}\n" }
        return text
    }

    func testAServerAtTheLimitCallsEachComponentOncePerRequest() throws {
        for (atomic, machines) in [(false, false), (true, false), (true, true)] {
            let config = try ScenarioLoader.load(text: Self.scenario(calls: ComponentEdge.maxCalls, atomic: atomic, machines: machines),
                                                 file: "calls.yaml")
            let r = Runner.runOnce(config).result
            let api = try XCTUnwrap(r.components.first { $0.name == "api" })
            XCTAssertGreaterThan(api.completed, 50)
            XCTAssertEqual(r.workloads[0].failed, 0)
            for c in r.components where c.name.hasPrefix("s") {
                // A two-phase commit's commit goes to the worker that holds the lock: one arrival per request.
                XCTAssertEqual(c.arrived, api.completed, "\(c.name), atomic \(atomic), machines \(machines)")
            }
        }
    }

    func testMoreCallsThanTheLimitAreRefusedAtLoadTime() {
        XCTAssertThrowsError(try ScenarioLoader.load(text: Self.scenario(calls: ComponentEdge.maxCalls + 1, atomic: false, machines: false),
                                                     file: "calls.yaml")) { error in
            XCTAssertTrue("\(error)".contains("at most \(ComponentEdge.maxCalls) calls"), "\(error)")
        }
    }
}
