import Foundation
import XCTest
@testable import SDScenario

/// The scenario files the tutorial and the how-to guides show are whole and load: a block that
/// starts with `name:` is a complete scenario, and a copy of a file in `scenarios/` (a block whose
/// first line is `# scenarios/NAME.yaml`) is that file, byte for byte.
final class TutorialFilesTests: XCTestCase {
    static let docs = GeneratedDocsTests.root.appendingPathComponent("docs")
    /// Files shown broken on purpose, to show the diagnostics.
    static let brokenOnPurpose = ["broken", "too-big"]

    /// Every ```yaml block of the Markdown files in `folder`, with the file it is in.
    func yamlBlocks(_ folder: String) throws -> [(file: String, text: String)] {
        let dir = Self.docs.appendingPathComponent(folder)
        var out: [(file: String, text: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".md") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            var block: [Substring]?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if block == nil, line == "```yaml" { block = [] } else if block != nil, line == "```" {
                    out.append(("\(folder)/\(name)", block!.joined(separator: "\n") + "\n"))
                    block = nil
                } else if block != nil { block!.append(line) }
            }
        }
        return out
    }

    func testShownScenariosAreWholeAndLoad() throws {
        var loaded = 0
        for folder in ["tutorial", "how-to"] {
            for (file, text) in try yamlBlocks(folder) {
                if text.hasPrefix("# scenarios/") {
                    let path = String(text.prefix { $0 != "\n" }.dropFirst(2))
                    let body = String(text.drop { $0 != "\n" }.dropFirst())
                    let original = try String(contentsOf: GeneratedDocsTests.root.appendingPathComponent(path), encoding: .utf8)
                    XCTAssertEqual(body, original, "\(file): the copy of \(path) differs from the file; paste it again")
                    continue
                }
                guard text.hasPrefix("name: ") else { continue }
                let name = String(text.dropFirst("name: ".count).prefix { $0 != "\n" })
                if Self.brokenOnPurpose.contains(name) { continue }
                do {
                    _ = try ScenarioLoader.load(text: text, file: "\(file) (\(name))")
                    loaded += 1
                } catch {
                    XCTFail("\(file): scenario '\(name)' does not load: \(error)")
                }
            }
        }
        XCTAssertGreaterThan(loaded, 15)
    }
}
