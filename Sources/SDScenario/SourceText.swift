import Yams

/// A node of the YAML tree (Yams' `Node`; SDModels has a `Node` of its own).
typealias YAMLNode = Yams.Node

/// The lines of a scenario file, for showing the line of a diagnostic and refining its column.
struct SourceText {
    /// The lines, without line terminators. A final newline does not start an extra line.
    let lines: [String]

    init(_ text: String) {
        // "\r\n" is one Character in Swift; YAML also accepts a lone "\r" as a line break.
        var parts = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .map(String.init)
        if parts.last == "" { parts.removeLast() }
        if let first = parts.first, first.hasPrefix("\u{FEFF}") { parts[0] = String(first.dropFirst()) }
        lines = parts
    }

    /// Line `n` (from 1), if the file has it.
    func line(_ n: Int) -> String? {
        n >= 1 && n <= lines.count ? lines[n - 1] : nil
    }

    /// The column (from 1) of the character `offset` scalars into scalar `node`'s value.
    ///
    /// Only exact when the value is written on one line exactly as it reads (plain, or quoted
    /// without escapes); otherwise the node's own column is returned.
    func column(of node: YAMLNode, offset: Int?) -> Int {
        let base = node.mark?.column ?? 1
        guard let offset, offset > 0, let mark = node.mark, let scalar = node.scalar,
              let text = line(mark.line) else { return base }
        var start = mark.column - 1
        switch scalar.style {
        case .plain, .any: break
        case .singleQuoted, .doubleQuoted: start += 1
        case .literal, .folded: return base
        }
        let lineScalars = Array(text.unicodeScalars)
        let value = Array(scalar.string.unicodeScalars)
        guard start >= 0, start + value.count <= lineScalars.count,
              Array(lineScalars[start..<(start + value.count)]) == value else { return base }
        return start + min(offset, value.count) + 1
    }

    /// Where the next key of a block mapping with the same indentation as the key at
    /// (`line`, `column`) is named `key`, if it is written plainly; used to point at the second
    /// of two duplicated keys, which Yams does not report.
    func repeatedKey(_ key: String, after line: Int, column: Int) -> Int? {
        var n = line + 1
        let indent = column - 1
        while let text = self.line(n) {
            let scalars = Array(text.unicodeScalars)
            let firstNonSpace = scalars.firstIndex { $0 != " " } ?? scalars.count
            let isBlankOrComment = firstNonSpace == scalars.count || scalars[firstNonSpace] == "#"
            if !isBlankOrComment {
                if firstNonSpace < indent { return nil }
                if firstNonSpace == indent {
                    let rest = String(String.UnicodeScalarView(scalars[indent...]))
                    for spelled in [key, "'\(key)'", "\"\(key)\""] where rest.hasPrefix(spelled) {
                        let after = rest.dropFirst(spelled.count).drop { $0 == " " }
                        if after.hasPrefix(":") { return n }
                    }
                }
            }
            n += 1
        }
        return nil
    }
}
