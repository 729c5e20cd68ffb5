/// One bar: a label and a value.
public struct Bar: Hashable, Sendable {
    public var label: String
    public var value: Double
    public var slot: ThemeSlot?
    public init(_ label: String, _ value: Double, slot: ThemeSlot? = nil) { self.label = label; self.value = value; self.slot = slot }
}

/// A horizontal bar chart, one bar per row, each with its value written out (the bar is a reading
/// aid, the number is the fact). Eighth blocks give sub-cell resolution; ASCII uses `#`.
public enum BarChartView {
    public static func render(_ bars: [Bar], maximum: Double? = nil, format: (Double) -> String = { formatNumber($0) },
                              into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        guard !area.isEmpty, !bars.isEmpty else { return }
        let g = appearance.glyphs
        let top = maximum ?? bars.map(\.value).max() ?? 0
        let labelWidth = min(area.width / 3, bars.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let values = bars.map { format($0.value) }
        let valueWidth = values.map { DisplayWidth.of($0) }.max() ?? 0
        let barWidth = max(0, area.width - labelWidth - valueWidth - 2)
        for (i, bar) in bars.enumerated() where i < area.height {
            let y = area.y + i
            buffer.write(TextLayout.fit(bar.label, width: labelWidth, ellipsis: g.ellipsis), x: area.x, y: y, maxWidth: labelWidth,
                         style: appearance[.chartLabel])
            let f = top > 0 && bar.value.isFinite ? min(1, max(0, bar.value / top)) : 0
            let eighths = Int((f * Double(barWidth) * 8).rounded())
            var x = area.x + labelWidth + 1
            let style = appearance[bar.slot ?? .chartBar]
            for _ in 0..<(eighths / 8) { x += buffer.write(g.eighths[7], x: x, y: y, maxWidth: 1, style: style) }
            if eighths % 8 > 0, !g.eighths[eighths % 8 - 1].isEmpty {
                x += buffer.write(g.eighths[eighths % 8 - 1], x: x, y: y, maxWidth: 1, style: style)
            }
            buffer.write(TextLayout.fit(values[i], width: valueWidth, alignment: .right), x: area.maxX - valueWidth, y: y, maxWidth: valueWidth)
        }
    }

    /// Whole numbers with thousands separators (1,234), others with one decimal.
    public static func formatNumber(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if v == v.rounded() && abs(v) < 1e15 {
            let digits = String(Int(abs(v)))
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return (v < 0 ? "-" : "") + out
        }
        let tenths = Int((abs(v) * 10).rounded())
        return (v < 0 ? "-" : "") + formatNumber(Double(tenths / 10)) + "." + String(tenths % 10)
    }
}
