import SDEngine
/// A JSON value with ordered objects, written by a small deterministic writer.
///
/// Objects are arrays of `(key, value)` pairs, so keys come out in the order they were put in;
/// nothing is ever iterated in hash order. Equal values always render to identical bytes.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A signed integer, written without a fraction.
    case int(Int64)
    /// An unsigned integer (seeds), written without a fraction.
    case uint(UInt64)
    /// A floating-point number, written in Swift's shortest round-trip form; non-finite values become `null`.
    case double(Double)
    /// A string, escaped per RFC 8259.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object whose keys keep their order.
    case object([(String, JSONValue)])

    /// Values are equal when their kinds, keys (in order) and contents are equal.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.uint(x), .uint(y)): return x == y
        case let (.double(x), .double(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// An integer value from a Swift `Int`.
    public static func integer(_ v: Int) -> JSONValue { .int(Int64(v)) }

    /// A double, or `null` when `v` is nil.
    public static func optional(_ v: Double?) -> JSONValue { v.map { .double($0) } ?? .null }

    /// The value as JSON text. With `indent` > 0 the text is pretty-printed with that many spaces
    /// per level (arrays holding only scalars stay on one line); with 0 it is compact. No trailing newline.
    public func rendered(indent: Int = 2) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d): out += JSONValue.number(d)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if indent == 0 || items.allSatisfy(\.isScalar) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += indent == 0 ? "," : ", " }
                    item.write(to: &out, indent: indent, level: level + 1)
                }
                out += "]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                JSONValue.pad(&out, indent * (level + 1))
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out += "\n"
            JSONValue.pad(&out, indent * level)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if indent == 0 {
                    if i > 0 { out += "," }
                } else {
                    out += i == 0 ? "\n" : ",\n"
                    JSONValue.pad(&out, indent * (level + 1))
                }
                JSONValue.writeString(key, to: &out)
                out += indent == 0 ? ":" : ": "
                value.write(to: &out, indent: indent, level: level + 1)
            }
            if indent > 0 {
                out += "\n"
                JSONValue.pad(&out, indent * level)
            }
            out += "}"
        }
    }

    private static func pad(_ out: inout String, _ n: Int) {
        out += String(repeating: " ", count: n)
    }

    /// A finite double in Swift's shortest round-trip form (`120.0`, `0.1`, `1e-05`, `1e+20`), all of
    /// which are valid JSON numbers; `null` for NaN and infinities.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    /// Writes `s` as a JSON string: quotes, backslash and control characters escaped (RFC 8259 §7,
    /// and also DEL, C1 and bidirectional overrides, so the document is safe on a terminal);
    /// everything else, including non-ASCII text, is written as UTF-8.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.isTerminalControl {   // also DEL, C1 and bidirectional overrides, which terminals obey
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
