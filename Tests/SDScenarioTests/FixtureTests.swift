import Foundation
import SDScenario
import XCTest
import SDConfig

/// Runs every broken scenario in `Fixtures/bad/` and compares the rendered diagnostics with
/// the `.expected` file next to it (rendered with the file named `bad/NAME.yaml`).
///
/// To (re)write the `.expected` files after changing messages, run
///
///     SDSIM_RECORD=1 swift test --scratch-path .build-scenario --filter SDScenarioTests.FixtureTests
///
/// which writes them into the source tree (`Tests/SDScenarioTests/Fixtures/bad/`) instead of
/// comparing; then review the diff before committing.
final class FixtureTests: XCTestCase {
    /// The fixtures in the source tree, where recording writes.
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bad")

    /// The fixtures as shipped with the test bundle.
    static var bundleDirectory: URL? {
        Bundle.module.resourceURL?.appendingPathComponent("Fixtures/bad")
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["SDSIM_RECORD"] == "1" }

    /// Names (without `.yaml`) of the fixtures in `directory`, sorted.
    static func fixtureNames(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }
            .map { String($0.dropLast(5)) }
            .sorted()
    }

    /// The rendered diagnostics for one fixture text, or a marker when it loads without error.
    static func render(_ text: String, name: String) -> String {
        do {
            _ = try ScenarioLoader.load(text: text, file: "bad/\(name).yaml")
            return "<loaded without errors>\n"
        } catch {
            return error.rendered()
        }
    }

    func testEveryBadFixtureMatchesItsExpectedOutput() throws {
        let directory = Self.recording ? Self.sourceDirectory : try XCTUnwrap(Self.bundleDirectory)
        let names = try Self.fixtureNames(in: directory)
        XCTAssertGreaterThanOrEqual(names.count, 30, "the catalogue should hold at least 30 fixtures")
        for name in names {
            let yaml = directory.appendingPathComponent("\(name).yaml")
            let expectedURL = directory.appendingPathComponent("\(name).expected")
            let text = try String(contentsOf: yaml, encoding: .utf8)
            let actual = Self.render(text, name: name)
            XCTAssertFalse(actual.hasPrefix("<loaded"), "\(name).yaml should not load")
            if Self.recording {
                try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
                XCTFail("missing \(name).expected; record it with SDSIM_RECORD=1")
                continue
            }
            XCTAssertEqual(actual, expected, "diagnostics for \(name).yaml changed")
        }
    }

    func testEveryExpectedFileHasAFixture() throws {
        let directory = try XCTUnwrap(Self.bundleDirectory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        for file in files where file.hasSuffix(".expected") {
            let yaml = String(file.dropLast(9)) + ".yaml"
            XCTAssertTrue(files.contains(yaml), "\(file) has no \(yaml)")
        }
    }

}
