/// Text made safe for HTML and SVG: in element content and in double- or single-quoted attributes.
public enum HTML {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references; control characters
    /// other than tab and newline (which no scenario needs, and which XML forbids) become U+FFFD.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// `s` cut to `limit` characters (with an ellipsis) for a label where space is short; the
    /// full text goes in a tooltip.
    public static func short(_ s: String, _ limit: Int = 32) -> String {
        let oneLine = String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        return oneLine.count <= limit ? oneLine : String(oneLine.prefix(limit - 1)) + "…"
    }
}

/// A line of a chart: its name and its points (a nil y leaves a gap).
public struct ChartSeries: Sendable {
    /// Legend text.
    public var name: String
    /// Points in data units, x increasing.
    public var points: [(x: Double, y: Double?)]
    /// Dashed line (a second figure of the same subject, such as p50 beside p99).
    public var dashed: Bool
    /// A series.
    public init(name: String, points: [(x: Double, y: Double?)], dashed: Bool = false) {
        self.name = name; self.points = points; self.dashed = dashed
    }
}

/// A shaded span of the x axis (a failure window) with a label.
public struct ChartWindow: Sendable, Equatable {
    /// Start and end, in x units.
    public var from: Double, to: Double
    /// What happened.
    public var label: String
    /// A window.
    public init(from: Double, to: Double, label: String) { self.from = from; self.to = to; self.label = label }
}

/// Charts as inline SVG, drawn by sdsim itself: no script, no font, no network. Every chart is an
/// `<svg class="chart" data-series="N">` whose lines (or bar sets) are `<g class="series">`
/// elements, so a test, or a reader's tool, can count what was drawn.
public enum SVGChart {
    /// Colours of successive series (Okabe–Ito, readable by colour-blind readers), then repeated.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    static let width = 760.0, height = 300.0
    static let left = 78.0, right = 16.0, top = 30.0, bottom = 40.0

    /// Round tick values covering `low...high` (1, 2 or 5 × a power of ten apart), about `count` of them.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        var step = 1.0
        while step > raw { step /= 10 }
        while step * 10 <= raw { step *= 10 }
        for m in [1.0, 2, 5, 10] where step * m >= raw { step *= m; break }
        // Multiples of the step, computed from integers so that 3 × 0.2 is written 0.6.
        let inverse = step < 1 ? (1 / step).rounded() : 0
        func tick(_ k: Double) -> Double { inverse > 0 ? k / inverse : k * step }
        var out: [Double] = []
        var k = (low / step).rounded(.up)
        while tick(k) <= high + step * 1e-9 { out.append(k == 0 ? 0 : tick(k)); k += 1 }
        return out
    }

    static func number(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A line chart over simulated time. `format` writes y values for the axis; `yMax` fixes the
    /// top of the y axis (availability: 1), else it fits the data; `xFormat` writes x values (default: seconds).
    public static func lines(title: String, yLabel: String, series: [ChartSeries], windows: [ChartWindow] = [],
                             xRange: ClosedRange<Double>, yMax: Double? = nil, yMin: Double? = nil,
                             xLabel: String = "simulated time (s)", xFormat: ((Double) -> String)? = nil,
                             format: (Double) -> String) -> String {
        let values = series.flatMap { $0.points.compactMap(\.y) }.filter(\.isFinite)
        var lo = yMin ?? min(0, values.min() ?? 0)
        var hi = yMax ?? (values.max() ?? 1)
        if hi <= lo { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.1) }
        if yMax == nil { hi += (hi - lo) * 0.05 }
        let yTicks = ticks(lo, hi)
        if yMin == nil, let first = yTicks.first, first < lo { lo = first }
        let x0 = xRange.lowerBound, x1 = max(xRange.upperBound, x0 + 1e-9)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (min(max(y, lo), hi) - lo) / (hi - lo) * plotH }

        var svg = "<svg class=\"chart\" data-series=\"\(series.count)\" viewBox=\"0 0 \(number(width)) \(number(height + legendHeight(series)))\" "
            + "role=\"img\" aria-label=\"\(HTML.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        svg += "<title>\(HTML.escape(title))</title>\n"
        svg += "<text class=\"chart-title\" x=\"\(number(left))\" y=\"18\">\(HTML.escape(title))</text>\n"
        for w in windows {
            let a = px(max(w.from, x0)), b = px(min(w.to, x1))
            guard b > a else { continue }
            svg += "<g class=\"window\"><title>\(HTML.escape(w.label))</title>"
                + "<rect x=\"\(number(a))\" y=\"\(number(top))\" width=\"\(number(max(b - a, 1)))\" height=\"\(number(plotH))\"/>"
                + "<text x=\"\(number(a + 3))\" y=\"\(number(top + 12))\">\(HTML.escape(HTML.short(w.label, 24)))</text></g>\n"
        }
        // Axes and grid.
        svg += "<g class=\"axis\">"
        for t in yTicks {
            svg += "<line class=\"grid\" x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(number(py(t)))\" y2=\"\(number(py(t)))\"/>"
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(py(t) + 4))\" text-anchor=\"end\">\(HTML.escape(format(t)))</text>"
        }
        for t in ticks(x0, x1, count: 8) {
            svg += "<line x1=\"\(number(px(t)))\" x2=\"\(number(px(t)))\" y1=\"\(number(top + plotH))\" y2=\"\(number(top + plotH + 4))\"/>"
            svg += "<text x=\"\(number(px(t)))\" y=\"\(number(top + plotH + 16))\" text-anchor=\"middle\">\(HTML.escape((xFormat ?? Format.seconds)(t)))</text>"
        }
        svg += "<line x1=\"\(number(left))\" x2=\"\(number(left))\" y1=\"\(number(top))\" y2=\"\(number(top + plotH))\"/>"
        svg += "<line x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(number(top + plotH))\" y2=\"\(number(top + plotH))\"/>"
        svg += "<text x=\"\(number(left + plotW / 2))\" y=\"\(number(top + plotH + 32))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        svg += "<text x=\"14\" y=\"\(number(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(number(top + plotH / 2)))\">\(HTML.escape(yLabel))</text>"
        svg += "</g>\n"
        for (i, s) in series.enumerated() {
            let colour = palette[i % palette.count]
            var d = "", pen = false, dots = ""
            for p in s.points {
                guard let y = p.y, y.isFinite else { pen = false; continue }
                d += (pen ? "L" : "M") + number(px(p.x)) + " " + number(py(y)) + " "
                if !pen { dots += "<circle cx=\"\(number(px(p.x)))\" cy=\"\(number(py(y)))\" r=\"1.5\"/>" }
                pen = true
            }
            svg += "<g class=\"series\" data-name=\"\(HTML.escape(s.name))\" stroke=\"\(colour)\" fill=\"\(colour)\">"
                + "<title>\(HTML.escape(s.name))</title>"
                + "<path d=\"\(d.isEmpty ? "M0 0" : String(d.dropLast()))\" fill=\"none\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
                + dots + "</g>\n"
        }
        svg += legend(series, y: height)
        return svg + "</svg>\n"
    }

    static func legendHeight(_ series: [ChartSeries]) -> Double { Double((series.count + 2) / 3) * 18 }

    static func legend(_ series: [ChartSeries], y: Double) -> String {
        var out = "<g class=\"legend\">"
        for (i, s) in series.enumerated() {
            let colour = palette[i % palette.count]
            let x = left + Double(i % 3) * 225, yy = y + Double(i / 3) * 18 + 4
            out += "<line x1=\"\(number(x))\" x2=\"\(number(x + 22))\" y1=\"\(number(yy))\" y2=\"\(number(yy))\" stroke=\"\(colour)\" stroke-width=\"2.5\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            out += "<text x=\"\(number(x + 28))\" y=\"\(number(yy + 4))\"><title>\(HTML.escape(s.name))</title>\(HTML.escape(HTML.short(s.name, 30)))</text>"
        }
        return out + "</g>\n"
    }

    /// A horizontal bar chart: one bar per label (one series). `marked` bars are drawn in the
    /// warning colour; `threshold` draws a vertical line (an SLO) with its label.
    public static func bars(title: String, labels: [String], values: [Double?], marked: [Bool] = [],
                            threshold: (value: Double, label: String)? = nil, xMax: Double? = nil,
                            format: (Double) -> String) -> String {
        let rowH = 24.0, labelW = 170.0
        let h = top + Double(labels.count) * rowH + 30
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        let hi = max(xMax ?? (finite.max() ?? 1) * 1.1, threshold?.value ?? 0, 1e-300)
        let plotW = width - labelW - right - 60
        func px(_ x: Double) -> Double { labelW + min(max(x, 0), hi) / hi * plotW }
        var svg = "<svg class=\"chart\" data-series=\"1\" viewBox=\"0 0 \(number(width)) \(number(h))\" role=\"img\" "
            + "aria-label=\"\(HTML.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>\(HTML.escape(title))</title>\n"
        svg += "<text class=\"chart-title\" x=\"8\" y=\"18\">\(HTML.escape(title))</text>\n"
        svg += "<g class=\"series\" data-name=\"\(HTML.escape(title))\">"
        for (i, label) in labels.enumerated() {
            let y = top + Double(i) * rowH
            let v = i < values.count ? values[i] : nil
            let warn = i < marked.count && marked[i]
            svg += "<text class=\"bar-label\" x=\"\(number(labelW - 6))\" y=\"\(number(y + 15))\" text-anchor=\"end\"><title>\(HTML.escape(label))</title>\(HTML.escape(HTML.short(label, 24)))</text>"
            if let v, v.isFinite {
                svg += "<rect class=\"bar\(warn ? " warn" : "")\" x=\"\(number(labelW))\" y=\"\(number(y + 3))\" width=\"\(number(max(px(v) - labelW, 1)))\" height=\"\(number(rowH - 8))\"><title>\(HTML.escape(label)): \(HTML.escape(format(v)))</title></rect>"
                svg += "<text x=\"\(number(px(v) + 4))\" y=\"\(number(y + 15))\">\(HTML.escape(format(v)))</text>"
            } else {
                svg += "<text x=\"\(number(labelW + 4))\" y=\"\(number(y + 15))\">n/a</text>"
            }
        }
        svg += "</g>\n"
        if let t = threshold {
            let x = px(t.value)
            svg += "<g class=\"threshold\"><line x1=\"\(number(x))\" x2=\"\(number(x))\" y1=\"\(number(top - 4))\" y2=\"\(number(h - 24))\"/>"
                + "<text x=\"\(number(x))\" y=\"\(number(h - 10))\" text-anchor=\"middle\">\(HTML.escape(t.label))</text></g>\n"
        }
        return svg + "</svg>\n"
    }
}
