import SDEngine
/// One problem found in a scenario file, positioned like a compiler error.
///
/// Lines and columns count from 1; columns count Unicode scalars, as libyaml does.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file name as it should appear in the output (for example `scenarios/mm1.yaml`).
    public var file: String
    /// The line of the problem, from 1.
    public var line: Int
    /// The column of the problem, from 1.
    public var column: Int
    /// What is wrong, in lowercase, quoting user text with single quotes.
    public var message: String
    /// The text of line `line`, when it exists; shown under the message with a caret.
    public var sourceLine: String?

    /// A diagnostic at `file:line:column`.
    public init(file: String, line: Int, column: Int, message: String, sourceLine: String? = nil) {
        self.file = file; self.line = line; self.column = column
        self.message = message; self.sourceLine = sourceLine
    }

    /// The compiler-style text: `FILE:LINE:COL: error: MESSAGE`, then the source line and a
    /// caret under the column (both left out when the line is unknown). Ends with a newline.
    /// Control characters in the file name, the message (which quotes the file) and the source
    /// line are escaped, so the text is shown on a terminal and never obeyed.
    public func rendered() -> String {
        var out = "\(file):\(line):\(column): error: \(message)\n".escapingControlCharacters(keepingNewlines: true)
        guard let sourceLine else { return out }
        out += sourceLine.escapingControlCharacters() + "\n"
        // Keep tabs so the caret lines up with the text above it in a terminal; an escaped
        // character is as wide as its escape.
        var pad = ""
        var scalars = sourceLine.unicodeScalars.makeIterator()
        for _ in 0..<max(0, column - 1) {
            guard let s = scalars.next() else { pad.append(" "); continue }
            if s == "\t" { pad.append("\t") } else { pad += String(repeating: " ", count: String(s).escapingControlCharacters().count) }
        }
        out += pad + "^\n"
        return out
    }

    /// Same as ``rendered()``.
    public var description: String { rendered() }
}

/// Every problem found in one scenario file. Thrown by ``ScenarioLoader``.
public struct ScenarioErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, sorted by line, then column, then message; exact duplicates removed.
    public var diagnostics: [Diagnostic]

    /// Errors made of `diagnostics`, which are sorted by position and de-duplicated.
    public init(_ diagnostics: [Diagnostic]) {
        var seen: [Diagnostic] = []
        for d in diagnostics.sorted(by: ScenarioErrors.precedes) where seen.last != d {
            seen.append(d)
        }
        self.diagnostics = seen
    }

    /// All diagnostics rendered one after another (see ``Diagnostic/rendered()``).
    public func rendered() -> String {
        diagnostics.map { $0.rendered() }.joined()
    }

    /// Same as ``rendered()``.
    public var description: String { rendered() }

    /// The order diagnostics are reported in.
    static func precedes(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        if a.message != b.message { return a.message < b.message }
        return a.file < b.file
    }
}
