/// One row of a list: its text and, optionally, the slot that styles it (a verdict colour).
public struct ListRow: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var slot: ThemeSlot?
    public init(_ text: String, slot: ThemeSlot? = nil) { self.text = text; self.slot = slot }
    public init(stringLiteral value: String) { self.init(value) }
}

/// A scrolling list. Rows come from a closure by index and only the visible ones are asked for, so
/// a million rows render as fast as ten.
///
/// The selected row is marked by a pointer glyph as well as the `selected` style, and ▲/▼ in the last
/// column say there is more above or below, so neither selection nor scroll position rests on colour.
public enum ListView {
    public static func render(_ state: ListState, row: (Int) -> ListRow, into buffer: inout Buffer, area: Rect,
                              appearance: Appearance, focused: Bool = true) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: appearance.blank(.base))
        let range = state.visibleRange(height: area.height)
        let g = appearance.glyphs
        let overflow = state.count > area.height
        let textWidth = area.width - 2 - (overflow ? 1 : 0)
        for (line, index) in range.enumerated() {
            let y = area.y + line
            let item = row(index)
            let isSelected = index == state.selected
            if let slot = item.slot { buffer.apply(appearance[slot], to: Rect(x: area.x + 2, y: y, width: textWidth, height: 1)) }
            if isSelected {
                buffer.write(g.pointer, x: area.x, y: y, maxWidth: 1, style: appearance[.selected])
            }
            buffer.write(TextLayout.truncate(item.text, to: textWidth, ellipsis: g.ellipsis), x: area.x + 2, y: y, maxWidth: textWidth)
            if isSelected && focused {
                buffer.apply(appearance[.selected], to: Rect(x: area.x, y: y, width: area.width - (overflow ? 1 : 0), height: 1))
            }
        }
        if overflow { drawScrollMarkers(range: range, count: state.count, into: &buffer, area: area, appearance: appearance) }
    }

    /// Convenience for plain text rows.
    public static func render(_ state: ListState, text: (Int) -> String, into buffer: inout Buffer, area: Rect,
                              appearance: Appearance, focused: Bool = true) {
        render(state, row: { ListRow(text($0)) }, into: &buffer, area: area, appearance: appearance, focused: focused)
    }

    static func drawScrollMarkers(range: Range<Int>, count: Int, into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        let x = area.maxX - 1
        if range.lowerBound > 0 { buffer.write(appearance.glyphs.moreAbove, x: x, y: area.y, maxWidth: 1, style: appearance[.muted]) }
        if range.upperBound < count { buffer.write(appearance.glyphs.moreBelow, x: x, y: area.maxY - 1, maxWidth: 1, style: appearance[.muted]) }
    }
}
