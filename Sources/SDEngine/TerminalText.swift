/// Text from a scenario file on its way to a terminal.
///
/// Control characters in a name, a description, a lesson or a value quoted in a diagnostic could
/// move the cursor, recolour or clear the screen, or forge lines of a report. Every text that
/// reaches stdout or stderr as text passes through ``escapingControlCharacters(keepingNewlines:)``:
/// the one place that decides what is shown literally.
extension String {
    /// The text with every control character (C0, DEL, C1) and every bidirectional formatting
    /// character shown as `\u{XX}`, so that it is printed, never obeyed. Newlines are kept when
    /// `keepingNewlines` (a multi-line lesson or report); tabs are always kept.
    public func escapingControlCharacters(keepingNewlines: Bool = false) -> String {
        guard unicodeScalars.contains(where: { String.needsEscape($0, keepingNewlines: keepingNewlines) }) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if String.needsEscape(scalar, keepingNewlines: keepingNewlines) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether the text holds a control character (names may not).
    public var firstControlCharacter: (offset: Int, scalar: Unicode.Scalar)? {
        for (i, s) in unicodeScalars.enumerated() where s.isTerminalControl {
            return (i, s)
        }
        return nil
    }

    static func needsEscape(_ s: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        switch s.value {
        case 0x0A: return !keepingNewlines
        case 0x09: return false
        default: return s.isTerminalControl
        }
    }
}

extension Unicode.Scalar {
    /// A control character (C0 including tab and newline, DEL, C1) or a bidirectional formatting
    /// character: what a terminal may obey instead of showing.
    public var isTerminalControl: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true   // bidirectional overrides
        default: return false
        }
    }
}
