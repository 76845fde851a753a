#if canImport(Glibc)
import Glibc
#endif
/// Locale-free number formatting for the text report. Everything here is pure arithmetic on
/// the value, so equal inputs give equal text on every machine.
enum Format {
    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        return (n < 0 ? "-" : "") + group(digits)
    }

    /// Inserts a comma every three digits from the right of a string of digits.
    static func group(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3)
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// `x` with exactly `decimals` digits after the point (rounded half away from zero), the
    /// integer part grouped by thousands. Non-finite values give `n/a`.
    static func fixed(_ x: Double, decimals: Int, grouping: Bool = true) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (x.magnitude * scale).rounded()
        // Beyond 2^63 the digits are meaningless for a terminal report anyway.
        guard scaled < 9.2e18 else { return x.description }
        let n = UInt64(scaled)
        let unit = UInt64(scale)
        let intPart = String(n / unit)
        var text = grouping ? group(intPart) : intPart
        if decimals > 0 {
            let frac = String(n % unit)
            text += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return (x < 0 && n != 0 ? "-" : "") + text
    }

    /// An availability as a percentage with three decimals: `0.99952` → `99.952%`.
    static func availability(_ f: Double) -> String { fixed(f * 100, decimals: 3) + "%" }

    /// A fraction as a percentage with one decimal: `0.7512` → `75.1%`.
    static func percent(_ f: Double) -> String {
        f.isFinite ? fixed(f * 100, decimals: 1) + "%" : "n/a"
    }

    /// A count of seconds with up to three decimals and no trailing zeros: `120`, `0.5`, `1,800`.
    static func seconds(_ s: Double) -> String {
        var text = fixed(s, decimals: 3)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A number with four significant digits and no exponent for everyday magnitudes: `0.9813`,
    /// `12.35`, `1,234`, `2,400,000`; whole numbers exactly.
    static func significant(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        if x == x.rounded() && x.magnitude < 1e15 { return fixed(x, decimals: 0) }
        let m = x.magnitude
        let decimals = m >= 1000 ? 0 : m >= 100 ? 1 : m >= 10 ? 2 : m >= 1 ? 3 : 3 - Int(log10(m).rounded(.down))
        return fixed(x, decimals: min(decimals, 9))
    }

    /// A size in bytes in decimal units with three significant digits: `5.00 MB`, `812 B`.
    static func bytes(_ b: Double) -> String {
        guard b.isFinite else { return "n/a" }
        let units: [(Double, String)] = [(1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        for (scale, name) in units where b.magnitude >= scale {
            let v = b / scale
            return fixed(v, decimals: v.magnitude >= 100 ? 0 : v.magnitude >= 10 ? 1 : 2) + " " + name
        }
        return fixed(b, decimals: 0) + " B"
    }

    private static let units: [(scale: Double, name: String)] = [
        (1e-9, "ns"), (1e-6, "us"), (1e-3, "ms"), (1, "s"),
    ]

    /// Whether a component's extra figure named `name` is a time in seconds (waits, delays, lock
    /// holds, ages, transfer times, latencies), to be shown in a unit rather than as `0.000`.
    static func isDuration(_ name: String) -> Bool {
        ["_delay_", "_wait_mean", "_hold_mean", "_age_", "transfer_time", "latency_"].contains { name.contains($0) }
    }

    /// A component's extra figure for the text report: bytes and times in their units, counts
    /// whole, other figures with three decimals.
    static func extra(_ name: String, _ value: Double) -> String {
        if name.hasSuffix("bytes") || name.contains("bytes_") { return bytes(value) }
        if isDuration(name) { return duration(value) }
        return fixed(value, decimals: value == value.rounded() ? 0 : 3)
    }

    /// A duration in seconds in a human unit chosen by magnitude (ns, us, ms, s) with three
    /// significant digits: `0.0176` → `17.6 ms`, `2.5e-7` → `250 ns`, `3` → `3.00 s`.
    /// Zero is `0`; seconds beyond 999 keep their integer digits (`1,234 s`).
    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "n/a" }
        if s == 0 { return "0" }
        if s < 0 { return "-" + duration(-s) }
        var u = units.lastIndex { s >= $0.scale } ?? 0
        while true {
            let v = s / units[u].scale
            var d = v >= 100 ? 0 : v >= 10 ? 1 : 2
            // Rounding can add a digit (99.96 → 100.0): drop a decimal, or move up a unit.
            while d > 0 && fixed(v, decimals: d, grouping: false).count > 4 { d -= 1 }
            let text = fixed(v, decimals: d)
            if d == 0 && (v * 1).rounded() >= 1000 && u + 1 < units.count {
                u += 1
                continue
            }
            return text + " " + units[u].name
        }
    }
}

/// A plain-text table: columns aligned by padding with spaces, two spaces between columns,
/// no trailing blanks.
struct TextTable {
    /// How a column's cells line up.
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    func render() -> String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in all {
            var line = ""
            for i in 0..<headers.count {
                let cell = i < row.count ? row[i] : ""
                let gap = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { line += "  " }
                line += alignments[i] == .left ? cell + gap : gap + cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
