/// A progress bar with the percentage written out: `███████▍░░░░░░ 53%` (`#######-------  53%` in ASCII).
public enum ProgressBarView {
    public static func render(fraction: Double, label: String? = nil, into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        guard area.width > 0, area.height > 0 else { return }
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let percent = "\(Int((f * 100).rounded(.down)))%"
        let suffix = (label.map { " " + $0 } ?? "") + " " + TextLayout.fit(percent, width: 4, alignment: .right)
        let barWidth = max(0, area.width - DisplayWidth.of(suffix))
        let g = appearance.glyphs
        let eighths = Int((f * Double(barWidth) * 8).rounded(.down))
        let full = eighths / 8, partial = eighths % 8
        var x = area.x
        for _ in 0..<full { x += buffer.write(g.progressDone, x: x, y: area.y, maxWidth: 1, style: appearance[.progressDone]) }
        if full < barWidth && partial > 0 && !g.eighths[partial - 1].isEmpty {
            x += buffer.write(g.eighths[partial - 1], x: x, y: area.y, maxWidth: 1, style: appearance[.progressDone])
        }
        while x < area.x + barWidth { x += buffer.write(g.progressTodo, x: x, y: area.y, maxWidth: 1, style: appearance[.progressTodo]) }
        buffer.write(suffix, x: x, y: area.y, maxWidth: area.maxX - x)
    }
}
