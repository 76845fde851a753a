import Foundation
import SDScenario
import XCTest
import SDConfig

/// Rendering and ordering of diagnostics.
final class DiagnosticTests: XCTestCase {
    func testRendering() {
        let d = Diagnostic(file: "a.yaml", line: 3, column: 5, message: "bad", sourceLine: "    workers: 0")
        XCTAssertEqual(d.rendered(), "a.yaml:3:5: error: bad\n    workers: 0\n    ^\n")
        let noSource = Diagnostic(file: "a.yaml", line: 1, column: 1, message: "empty", sourceLine: nil)
        XCTAssertEqual(noSource.rendered(), "a.yaml:1:1: error: empty\n")
        let tab = Diagnostic(file: "a.yaml", line: 1, column: 3, message: "x", sourceLine: "\tk: v")
        XCTAssertEqual(tab.rendered(), "a.yaml:1:3: error: x\n\tk: v\n\t ^\n")
    }

    func testOrderingByLineColumnThenMessage() {
        let ds = [
            Diagnostic(file: "f", line: 2, column: 1, message: "b"),
            Diagnostic(file: "f", line: 1, column: 9, message: "z"),
            Diagnostic(file: "f", line: 2, column: 1, message: "a"),
            Diagnostic(file: "f", line: 1, column: 2, message: "y"),
        ]
        let sorted = ScenarioErrors(ds).diagnostics.map(\.message)
        XCTAssertEqual(sorted, ["y", "z", "a", "b"])
    }

    /// Every problem of a file is reported in one pass, in order of position.
    func testSeveralErrorsAreAllReportedInOrder() throws {
        let text = """
            name: demo
            duration: 10
            warmup: -1s
            workload:
              - name: w
                arrival: poisson(5)
                route: [ap]
            components:
              app:
                kind: sever
                workers: 0
            """
        XCTAssertThrowsError(try ScenarioLoader.load(text: text, file: "demo.yaml")) { error in
            guard let errors = error as? ScenarioErrors else { return XCTFail("\(error)") }
            let positions = errors.diagnostics.map { [$0.line, $0.column] }
            XCTAssertEqual(positions, [[2, 13], [3, 9], [6, 23], [7, 13], [10, 11], [11, 14]], errors.rendered())
            XCTAssertEqual(positions, positions.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
        }
    }

    /// Strange input never crashes and always gives at least one positioned diagnostic.
    func testOddInputsGiveDiagnostics() {
        let inputs = [
            "", "   \n", "# just a comment\n", "42", "- a\n- b", "name: [", "{", "name: x\nname: y\n", "\u{0}",
            "name: x\nduration: 1s\nworkload: [{}]\ncomponents: {a: {}}\n",
            "name: x\nduration: 1s\nworkload: [{name: [], arrival: {}, route: {}}]\ncomponents: {a: [], b: ~}\n",
            "? [a]\n: b\n", "name: &a x\nduration: *a\n", "---\nname: a\n---\nname: b\n",
            "name: x\nduration: 1e999999999999999999s\n",
        ]
        for input in inputs {
            XCTAssertThrowsError(try ScenarioLoader.load(text: input, file: "odd.yaml"), input) { error in
                guard let errors = error as? ScenarioErrors else { return XCTFail("\(error)") }
                XCTAssertFalse(errors.diagnostics.isEmpty, input)
                for d in errors.diagnostics {
                    XCTAssertTrue(d.rendered().hasPrefix("odd.yaml:\(d.line):\(d.column): error: "), d.rendered())
                    XCTAssertEqual(d.message, d.message.trimmingCharacters(in: .whitespaces))
                }
            }
        }
    }
}
