/// A one-row trend line from the last `area.width` values: `▁▂▄▇█▅▃` (`_.-=#+:` in ASCII).
public enum SparklineView {
    public static func render(_ values: [Double], minimum: Double? = nil, maximum: Double? = nil, into buffer: inout Buffer,
                              area: Rect, appearance: Appearance) {
        guard !area.isEmpty, !values.isEmpty else { return }
        let shown = values.suffix(area.width)
        let finite = shown.filter(\.isFinite)
        let lo = minimum ?? min(0, finite.min() ?? 0)
        let hi = maximum ?? finite.max() ?? 0
        let levels = appearance.glyphs.levels
        var x = area.x
        for v in shown {
            let level: Int
            if !v.isFinite || hi <= lo { level = 0 } else {
                level = Int(((min(hi, max(lo, v)) - lo) / (hi - lo) * Double(levels.count - 1)).rounded())
            }
            buffer.write(levels[level], x: x, y: area.y, maxWidth: 1, style: appearance[.sparkline])
            x += 1
        }
    }
}
