import SDConfig
import SDModels
import SDScenario
import XCTest

/// `--set PATH=VALUE` and `variants:`: overrides applied to the YAML tree before validation.
final class OverrideTests: XCTestCase {
    let base = """
        name: demo
        duration: 60s
        workload:
          - name: reads
            arrival: poisson(50/s)
            route: [lb, app]
        machines:
          small:
            cores: 2
            cost: 0.10/h
        components:
          lb:
            kind: load-balancer
            targets: app
          app:
            kind: server
            replicas: 4
            workers: 2
            service: exponential(10ms)
            machine: small
        """

    func load(_ text: String, _ sets: [String] = [], variant: String? = nil) throws -> ModelConfig {
        try ScenarioLoader.load(text: text, file: "demo.yaml", overrides: sets.compactMap(Override.parse), variant: variant)
    }

    func errors(_ text: String, _ sets: [String] = [], variant: String? = nil) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.loadSystems(text: text, file: "demo.yaml", overrides: sets.compactMap(Override.parse), variant: variant)
            XCTFail("expected errors")
            return []
        } catch {
            return error.diagnostics
        }
    }

    func testSetReplacesValuesAndAddsKeys() throws {
        let c = try load(base, ["components.app.replicas=8", "workload.reads.arrival=poisson(90/s)", "machines.small.cores=4",
                                "components.app.queue-limit=100", "duration=2m", "workload.0.type=lookup"])
        let app = try XCTUnwrap(c.components.first { $0.name == "app" })
        XCTAssertEqual(app.replicas, 8)
        guard case .server(let s) = app.kind else { return XCTFail() }
        XCTAssertEqual(s.queueLimit, 100)
        XCTAssertEqual(c.workloads[0].arrival, .poisson(ratePerSecond: 90))
        XCTAssertEqual(c.workloads[0].mix[0].type, "lookup")
        XCTAssertEqual(c.machines[0].cores, 4)
        XCTAssertEqual(c.duration.ns, 120_000_000_000)
    }

    func testUnknownPathsAndBadValuesAreLocatedWithSuggestions() {
        let d = errors(base, ["components.ap.replicas=2", "components.app.workers=zero", "components.app.replicaz=3",
                              "workload.raeds.arrival=poisson(1/s)", "duration.x=1", "components.app.replicas=0"])
        let rendered = d.map { $0.rendered() }.joined()
        XCTAssertEqual(d.map(\.file), Array(repeating: "--set", count: 6), rendered)
        XCTAssertEqual(d.map { [$0.line, $0.column] }, [[1, 12], [2, 24], [3, 16], [4, 10], [5, 10], [6, 25]], rendered)
        XCTAssertTrue(d[0].message.contains("did you mean 'app'?"), rendered)
        XCTAssertTrue(d[1].message.contains("invalid count 'zero'"), rendered)
        XCTAssertTrue(d[2].message.contains("unknown key 'replicaz' in component 'app'; did you mean 'replicas'?"), rendered)
        XCTAssertTrue(d[3].message.contains("did you mean 'reads'?"), rendered)
        XCTAssertTrue(d[4].message.contains("single value"), rendered)
        XCTAssertTrue(d[5].message.contains("at least 1"), rendered)
        XCTAssertEqual(d[1].sourceLine, "components.app.workers=zero")
        XCTAssertTrue(rendered.contains("--set:2:24: error: invalid count 'zero'"), rendered)
    }

    let withVariants = """
        name: demo
        duration: 60s
        workload:
          - name: reads
            arrival: poisson(50/s)
            route: [lb, app]
        components:
          lb:
            kind: load-balancer
            targets: app
          app:
            kind: server
            replicas: 4
            service: exponential(10ms)
        variants:
          small: {components.app.replicas: 2}
          big:
            components.app.replicas: 8
            components.app.workers: 2
        expect:
          - reads.availability > 99%
          - big.p99 < small.p99
          - small.reads.mean > big.reads.mean
        """

    func testVariantsAreCompleteSystemsWithTheirOwnValues() throws {
        let found = try ScenarioLoader.loadSystems(text: withVariants, file: "demo.yaml")
        XCTAssertTrue(found.fromVariants)
        XCTAssertEqual(found.systems.map(\.name), ["small", "big"])
        XCTAssertEqual(found.systems.map { $0.config.components[1].replicas }, [2, 8])
        // Expectations about one system stay with every system; those comparing variants are set apart.
        XCTAssertEqual(found.systems[0].config.expectations.map(\.text), ["reads.availability > 99%"])
        XCTAssertEqual(found.comparisons.map(\.text), ["big.p99 < small.p99", "small.reads.mean > big.reads.mean"])
        XCTAssertEqual(found.comparisons[1].left, SystemFigureRef(system: "small", subject: "reads", metric: "mean"))
        // --set applies after the variant's values; the file's own values are one system too.
        guard case .server(let big) = try load(withVariants, ["components.app.workers=3"], variant: "big").components[1].kind else {
            return XCTFail("not a server")
        }
        XCTAssertEqual(big.workers, 3)
        XCTAssertEqual(try load(withVariants).components[1].replicas, 4)
    }

    func testVariantErrorsAreLocatedInTheFile() {
        let text = withVariants.replacingOccurrences(of: "components.app.workers: 2", with: "components.app.wrokers: 2")
            .replacingOccurrences(of: "{components.app.replicas: 2}", with: "{components.app.replicas: -1}")
            .replacingOccurrences(of: "- big.p99 < small.p99", with: "- big.p99 < smal.p99")
        let d = errors(text)
        let rendered = d.map { $0.rendered() }.joined()
        XCTAssertEqual(d.map { [$0.line, $0.column] }, [[16, 36], [19, 20], [22, 15]], rendered)
        XCTAssertTrue(d[1].message.contains("did you mean 'workers'?"), rendered)
        XCTAssertTrue(d[2].message.contains("neither a variant's figure nor a value; did you mean 'small'?"), rendered)
        XCTAssertTrue(errors(withVariants, variant: "bgi").first?.message.contains("did you mean 'big'?") ?? false)
    }
}
