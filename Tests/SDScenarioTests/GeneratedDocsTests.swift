import Foundation
import XCTest
@testable import SDScenario

/// The committed scenario reference and JSON Schema are what the field specifications generate
/// (`make docs`), every scenario in `scenarios/` passes the schema, and broken files do not.
final class GeneratedDocsTests: XCTestCase {
    /// The top of the source tree.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    func committed(_ path: String) throws -> String {
        let url = Self.root.appendingPathComponent(path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("\(path) is missing: run `make docs`")
            throw XCTSkip("no \(path)")
        }
        return text
    }

    func assertCurrent(_ path: String, _ generated: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try committed(path)
        guard text != generated else { return }
        let a = text.split(separator: "\n", omittingEmptySubsequences: false)
        let b = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let committedLine = first < a.count ? String(a[first]) : "(end of file)"
        let generatedLine = first < b.count ? String(b[first]) : "(end of file)"
        XCTFail("""
            \(path) is stale: run `make docs` and commit the result. First difference at line \(first + 1):
              committed: \(committedLine)
              generated: \(generatedLine)
            """, file: file, line: line)
    }

    func testReferenceIsCurrent() throws {
        try assertCurrent("docs/reference/scenario.md", ScenarioReference.markdown())
    }

    func testJSONSchemaIsCurrent() throws {
        try assertCurrent("docs/scenario.schema.json", ScenarioJSONSchema.text())
    }

    /// Every key the loader accepts appears in the reference, under its kind for component keys.
    func testReferenceListsEveryKey() throws {
        let text = ScenarioReference.markdown()
        for (path, doc) in Schema.documentedFields {
            XCTAssertTrue(text.contains("| `\(doc.key)` |"), "\(path) is not in the reference")
        }
        for kind in Schema.kinds {
            XCTAssertTrue(text.contains("### kind: \(kind.name)\n"), "kind \(kind.name)")
        }
        // The forms the loader accepts that an older hand-written reference missed.
        for needle in ["| `failover` |", "| `replication` |", "`DB.primary`", "`DB.shard-N.primary`", "### kind: feed-service"] {
            XCTAssertTrue(text.contains(needle), needle)
        }
        // feed-service is a kind, not part of `slo`.
        let slo = text.range(of: "## slo")!
        let after = text[slo.upperBound...]
        let nextSection = after.range(of: "\n## ")!.lowerBound
        XCTAssertFalse(after[..<nextSection].contains("feed-service"))
    }

    // MARK: Validating files against the schema (python3 with jsonschema and PyYAML)

    /// Runs tools/check-scenario-schema.py; skips when python3 or its modules are missing.
    func checkSchema(_ files: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "tools/check-scenario-schema.py", "docs/scenario.schema.json"] + files
        process.currentDirectoryURL = Self.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw XCTSkip("python3 is not available: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 { throw XCTSkip("python3 is not installed (tools/install-deps.sh installs it as root)") }
        if process.terminationStatus == 3 {
            throw XCTSkip("python3-jsonschema or python3-yaml is missing (tools/install-deps.sh installs them as root): \(output)")
        }
        return (process.terminationStatus, output)
    }

    func testEveryScenarioValidates() throws {
        let dir = Self.root.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/" + $0 }
        XCTAssertGreaterThan(files.count, 10)
        let (status, output) = try checkSchema(files)
        XCTAssertEqual(status, 0, output)
    }

    /// Files the loader rejects for an unknown key, a missing key, a value of the wrong form or a
    /// failure with two actions are rejected by the schema too.
    func testBrokenFilesFail() throws {
        let bad = "Tests/SDScenarioTests/Fixtures/bad/"
        let schemaBad = "Tests/SDScenarioTests/Fixtures/schema-bad/"
        let cases: [(file: String, mentions: String)] = [
            (bad + "components-list.yaml", "components"),
            (bad + "cache-unknown-policy.yaml", "policy"),
            (bad + "cache-ttl-without-unit.yaml", "ttl"),
            (bad + "gateway-routes-not-mapping.yaml", "routes"),
            (bad + "feed-service-unknown-strategy.yaml", "strategy"),
            (bad + "bare-duration-as-distribution.yaml", "service"),
            (schemaBad + "unknown-keys.yaml", "colour"),
            (schemaBad + "key-of-another-kind.yaml", "hit-ratio"),
            (schemaBad + "two-failure-actions.yaml", "failures/0"),
            (schemaBad + "missing-components.yaml", "components"),
        ]
        // One python process for all (each start costs about a second).
        let (status, output) = try checkSchema(cases.map(\.file))
        XCTAssertEqual(status, 1, output)
        let lines = output.split(separator: "\n")
        for c in cases {
            let mine = lines.filter { $0.hasPrefix(c.file + ": ") }
            XCTAssertFalse(mine.isEmpty, "\(c.file) should fail the schema: \(output)")
            XCTAssertTrue(mine.contains { $0.contains(c.mentions) }, "\(c.file): \(mine)")
        }
    }
}
