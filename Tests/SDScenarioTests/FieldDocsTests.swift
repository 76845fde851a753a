import XCTest
@testable import SDScenario
import SDConfig

/// Every key of the scenario format says what it means and what its value looks like, so the
/// generated reference and JSON Schema (`make docs`) cover it.
final class FieldDocsTests: XCTestCase {
    func testEveryFieldHasHelpAndShape() {
        let fields = Schema.documentedFields
        XCTAssertGreaterThan(fields.count, 100)
        let noHelp = fields.filter { $0.doc.help.trimmingCharacters(in: .whitespaces).isEmpty }.map(\.path)
        XCTAssertEqual(noHelp, [], "keys without a help text: give their FieldSpec a 'help:' (then run `make docs`)")
        let noShape = fields.filter { if case .unspecified = $0.doc.shape { return true } else { return false } }.map(\.path)
        XCTAssertEqual(noShape, [], "keys without a value shape: give their FieldSpec a 'shape:' (then run `make docs`)")
    }

    func testEveryKindHasHelp() {
        let noHelp = Schema.kinds.filter { $0.help.trimmingCharacters(in: .whitespaces).isEmpty }.map(\.name)
        XCTAssertEqual(noHelp, [], "kinds without a help text: give their ComponentKindSpec a 'help:'")
    }

    /// The walk reaches nested tables: a key only a nested mapping has is listed.
    func testNestedTablesAreReached() {
        let paths = Set(Schema.documentedFields.map(\.path))
        for p in ["workload[].retry.max", "workload[].mix[].share", "population.activities[].per-user",
                  "components.*(database).failover.detection", "components.*(load-balancer).health-check.interval",
                  "machines.*.cores", "failures[].crash", "slo.p99"] {
            XCTAssertTrue(paths.contains(p), p)
        }
    }
}
