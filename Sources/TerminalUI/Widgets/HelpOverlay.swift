/// The help overlay, built from the live key map, so it always shows the keys as remapped.
///
/// Opened by the `help` action (`?` and F1 in the standard map); it lists every bound action by
/// group with its keys, and says how to close it.
public enum HelpOverlayView {
    /// The overlay's lines: group headings, then `keys  summary` rows. Pure, so tests (and a
    /// screen-reader-friendly linear mode) can use the text without drawing.
    public static func lines(for keyMap: KeyMap) -> [(keys: String, summary: String, isGroup: Bool)] {
        var out: [(String, String, Bool)] = []
        var groups: [String] = []
        for b in keyMap.bindings where !groups.contains(b.group) { groups.append(b.group) }
        for group in groups {
            let members = keyMap.bindings.filter { $0.group == group && !$0.keys.isEmpty }
            guard !members.isEmpty else { continue }
            if !out.isEmpty { out.append(("", "", false)) }
            out.append((group, "", true))
            for b in members { out.append((b.keys.map(\.displayName).joined(separator: ", "), b.summary, false)) }
        }
        return out
    }

    /// Draws the overlay centred over `area`. When one column is too tall and two fit side by side, the
    /// groups are split over two columns (so 80×24 shows every key); what still does not fit scrolls
    /// from line `offset`, with ▲/▼ saying so.
    public static func render(keyMap: KeyMap, title: String = "Keys", offset: Int = 0, into buffer: inout Buffer, area: Rect,
                              appearance: Appearance) {
        let rows = lines(for: keyMap)
        let g = appearance.glyphs
        let keysWidth = min(24, rows.filter { !$0.isGroup }.map { DisplayWidth.of($0.keys) }.max() ?? 0)
        let summaryWidth = rows.map { DisplayWidth.of($0.summary) }.max() ?? 0
        let columnWidth = max(keysWidth + 2 + summaryWidth, rows.filter(\.isGroup).map { DisplayWidth.of($0.keys) }.max() ?? 0)
        let closeKeys = keyMap.keys(for: .help).map(\.displayName) + keyMap.keys(for: .back).map(\.displayName)
        let footer = closeKeys.isEmpty ? "" : closeKeys.joined(separator: " or ") + " closes"
        let gap = 2

        // Chrome: border (2) and a space either side (2) across; border (2) and the footer (1) down.
        let bodyRoom = max(0, area.height - 3)
        var columns = [rows]
        if rows.count > bodyRoom && 2 * columnWidth + gap + 4 <= area.width {
            columns = splitInTwo(rows)
        }
        let contentWidth = columns.count == 2 ? 2 * columnWidth + gap : columnWidth
        let tallest = columns.map(\.count).max() ?? 0
        let width = min(area.width, max(contentWidth, DisplayWidth.of(footer)) + 4)
        let height = min(area.height, tallest + 3)
        let box = area.centered(width: width, height: height)
        guard box.width >= 6, box.height >= 3 else { return }
        buffer.fill(box, with: appearance.blank(.modal))
        let inner = BlockView.render(title: title, focused: true, into: &buffer, area: box, appearance: appearance)
        let text = inner.inset(horizontal: 1, vertical: 0)
        let bodyHeight = max(0, text.height - 1)
        let start = max(0, min(offset, tallest - bodyHeight))
        for (c, column) in columns.enumerated() {
            let x0 = text.x + c * (columnWidth + gap)
            let room = max(0, text.maxX - x0)
            for (i, row) in column.dropFirst(start).prefix(bodyHeight).enumerated() {
                let y = text.y + i
                if row.isGroup {
                    buffer.write(row.keys, x: x0, y: y, maxWidth: room, style: appearance[.helpGroup])
                } else {
                    buffer.write(TextLayout.truncate(row.keys, to: keysWidth, ellipsis: g.ellipsis), x: x0, y: y,
                                 maxWidth: min(keysWidth, room), style: appearance[.helpKey])
                    buffer.write(row.summary, x: x0 + keysWidth + 2, y: y, maxWidth: max(0, min(room, columnWidth) - keysWidth - 2),
                                 style: appearance[.helpText])
                }
            }
        }
        // Scroll marks sit on the right border, where they cannot cover text.
        if start > 0 { buffer.write(g.moreAbove, x: box.maxX - 1, y: text.y, maxWidth: 1, style: appearance[.borderFocus]) }
        if start + bodyHeight < tallest {
            buffer.write(g.moreBelow, x: box.maxX - 1, y: text.y + bodyHeight - 1, maxWidth: 1, style: appearance[.borderFocus])
        }
        if !footer.isEmpty {
            buffer.write(TextLayout.truncate(footer, to: text.width, ellipsis: g.ellipsis), x: text.x, y: text.maxY - 1, maxWidth: text.width,
                         style: appearance[.muted])
        }
    }

    /// Splits the lines between groups so the taller column is as short as possible.
    static func splitInTwo(_ rows: [(keys: String, summary: String, isGroup: Bool)]) -> [[(keys: String, summary: String, isGroup: Bool)]] {
        let starts = rows.indices.filter { rows[$0].isGroup && $0 > 0 }
        guard let best = starts.min(by: { max($0, rows.count - $0 - 1) < max($1, rows.count - $1 - 1) }) else { return [rows] }
        // The blank line before a group heading belongs to neither column.
        let left = Array(rows[..<best]).dropLastBlank
        return [left, Array(rows[best...])]
    }
}

extension Array where Element == (keys: String, summary: String, isGroup: Bool) {
    fileprivate var dropLastBlank: [Element] {
        if let last, last.keys.isEmpty && last.summary.isEmpty { return Array(dropLast()) }
        return self
    }
}
