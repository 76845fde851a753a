import Foundation
import XCTest
@testable import SDScenario

/// The README stays a front page, and every relative link in it and in docs/ leads to a file
/// that exists and, with `#anchor`, to a heading of that file.
final class DocsLinksTests: XCTestCase {
    static let root = GeneratedDocsTests.root

    func testReadmeIsAFrontPage() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        XCTAssertLessThan(lines, 250, "README.md is a front page: move details to docs/ and link them from docs/README.md")
        for needle in ["make demo", "make test", "make check", "docs/README.md"] {
            XCTAssertTrue(text.contains(needle), needle)
        }
    }

    /// Markdown files: README.md and everything under docs/.
    func markdownFiles() -> [URL] {
        var out = [Self.root.appendingPathComponent("README.md")]
        let docs = Self.root.appendingPathComponent("docs")
        if let e = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil) {
            for case let url as URL in e where url.pathExtension == "md" { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// GitHub's anchors of a Markdown file's headings (outside code blocks).
    func anchors(_ text: String) -> Set<String> {
        var out: Set<String> = []
        var inCode = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            guard !inCode, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.drop { $0 == " " }
            out.insert(ReferenceWriter.anchor(String(title)))
        }
        return out
    }

    func testRelativeLinksResolve() throws {
        let files = markdownFiles()
        XCTAssertGreaterThan(files.count, 20)
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            var inCode = false
            for line in text.split(separator: "\n") {
                if line.hasPrefix("```") { inCode.toggle(); continue }
                if inCode { continue }
                var rest = Substring(line)
                while let open = rest.range(of: "](") {
                    let after = rest[open.upperBound...]
                    guard let close = after.firstIndex(of: ")") else { break }
                    let target = String(after[..<close])
                    rest = after[after.index(after: close)...]
                    if target.contains("://") || target.hasPrefix("mailto:") { continue }
                    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let path = String(parts[0]), fragment = parts.count > 1 ? String(parts[1]) : nil
                    let dest = path.isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(path).standardized
                    let name = file.path.replacingOccurrences(of: Self.root.path + "/", with: "")
                    guard FileManager.default.fileExists(atPath: dest.path) else {
                        XCTFail("\(name): link to \(target): no such file")
                        continue
                    }
                    checked += 1
                    if let fragment, dest.pathExtension == "md" {
                        let destText = try String(contentsOf: dest, encoding: .utf8)
                        XCTAssertTrue(anchors(destText).contains(fragment), "\(name): link to \(target): no such heading")
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 50)
    }
}
