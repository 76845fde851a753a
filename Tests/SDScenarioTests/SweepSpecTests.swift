import SDConfig
import SDModels
import SDScenario
import XCTest

/// `--vary` values and `--slo` terms.
final class SweepSpecTests: XCTestCase {
    func spec(_ s: String) -> SweepSpec? { try? SweepSpec.parse(s).get() }

    func testRangesListsAndSteps() {
        XCTAssertEqual(spec("workload.reads.arrival=poisson(100/s)..poisson(900/s):5")?.values,
                       ["poisson(100/s)", "poisson(300/s)", "poisson(500/s)", "poisson(700/s)", "poisson(900/s)"])
        XCTAssertEqual(spec("workload.reads.arrival=poisson(100/s)..900:3")?.coordinates, [100, 500, 900])
        XCTAssertEqual(spec("components.app.replicas=2..6")?.values, ["2", "3", "4", "5", "6"])
        XCTAssertEqual(spec("components.app.replicas=1..100")?.values.count, 5)
        XCTAssertEqual(spec("x=0.5..1:3")?.values, ["0.5", "0.75", "1"])
        XCTAssertEqual(spec("workload.w.keys=zipf(100k, 1.0),uniform(10)")?.values, ["zipf(100k, 1.0)", "uniform(10)"])
        XCTAssertNil(spec("x=poisson(1/s)..uniform(2/s)"))
        XCTAssertNil(spec("novalue"))
        XCTAssertNil(spec("x=a..b"))
    }

    func testSLOTerms() throws {
        let slo = try SLOParser.parse("p99<100ms, availability>=99.9%").get()
        XCTAssertEqual(slo.terms.map(\.metric), ["p99", "availability"])
        XCTAssertEqual(slo.terms[0].bound, 0.1, accuracy: 1e-12)
        XCTAssertEqual(slo.terms[1].bound, 0.999, accuracy: 1e-12)
        XCTAssertTrue(slo.terms[0].holds(0.05))
        XCTAssertFalse(slo.terms[1].holds(0.99))
        for bad in ["p99<100", "p98<1s", "availability>=2", "mean==1s", ""] {
            XCTAssertThrowsError(try SLOParser.parse(bad).get(), bad)
        }
    }
}
