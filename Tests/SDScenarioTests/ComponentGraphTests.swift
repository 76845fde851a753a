import Foundation
import XCTest
import Yams
import SDConfig
@testable import SDScenario

/// The loader checks the component graph on its drafts (with places in the file, before any
/// configuration exists); every analysis reads it from `ComponentKind.edges`. They are one graph:
/// for every scenario, each component's edges agree, key for key and target for target.
final class ComponentGraphTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    /// Edges no file in `scenarios/` declares: a gateway's default and a queue's dead-letter queue.
    static let rareEdges = """
        name: rare-edges
        duration: 10s
        workload:
          - name: w
            arrival: poisson(5/s)
            mix:
              - {type: browse, share: 1, route: [r]}
              - {type: order, share: 1, route: [jobs]}
        components:
          r:
            kind: gateway
            service: constant(1ms)
            routes: {browse: browse}
            default: other
          browse: {kind: server, service: exponential(5ms)}
          other: {kind: server, service: exponential(5ms)}
          jobs: {kind: queue, process: constant(1ms), max-receives: 3, dead-letter: dlq}
          dlq: {kind: queue, consumers: 0}
        """

    func testDraftEdgesAndConfigurationEdgesAreOneGraph() throws {
        let dir = Self.root.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThan(files.count, 10)
        var texts = try files.map { ($0, try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
        texts.append(("rare-edges", Self.rareEdges))
        var roles: Set<String> = []
        for (file, text) in texts {
            let v = Validator(file: file, source: SourceText(text))
            guard var root = try Yams.compose(yaml: text) else { return XCTFail("\(file): empty") }
            let variants = v.readVariants(&root)
            _ = v.readComparisons(&root, variants: variants.map(\.name))
            var draft = v.readScenario(root)
            v.applyScaling(&draft)
            XCTAssertEqual(v.diagnostics.map(\.message), [], file)
            let config = try XCTUnwrap(ScenarioLoader.assemble(draft), file)
            XCTAssertEqual(draft.components.count, config.components.count, file)
            for (d, c) in zip(draft.components, config.components) {
                let drafted = (d.kind?.edges(d) ?? []).map { "\($0.key) -> \($0.ref.name)" }
                let built = c.kind.edges.map { "\($0.role.key) -> \($0.target)" }
                XCTAssertEqual(drafted, built, "\(file): component '\(c.name)'")
                for e in c.kind.edges { roles.insert("\(e.role)".components(separatedBy: "(")[0]) }
            }
        }
        // Every kind of edge is compared at least once.
        XCTAssertEqual(roles, ["call", "spread", "miss", "origin", "route", "fallback", "consume", "deadLetter", "feedCache"])
    }

    func testRequestsFollowTheirTypesRouteAndSkipTheGroupTheirRouteNames() {
        let gateway = ComponentKind.gateway(RouterConfig(workers: 1, service: .constant(0.001),
                                                         routes: [("upload", "media"), ("view", "feed")], fallback: "misc"))
        XCTAssertEqual(gateway.next(type: "view", onRoute: false).map(\.target), ["feed"])
        XCTAssertEqual(gateway.next(type: "like", onRoute: false).map(\.target), ["misc"])
        let lb = ComponentKind.loadBalancer(LoadBalancerConfig(policy: .roundRobin, targets: "app"))
        XCTAssertEqual(lb.next(type: nil, onRoute: true).map(\.target), [])
        XCTAssertEqual(lb.next(type: nil, onRoute: false).map(\.target), ["app"])
        XCTAssertEqual(lb.dependencies, ["app"])
    }
}
