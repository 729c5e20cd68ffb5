/// A table column: a title, a width rule, and which side the text keeps to.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: Constraint
    public var alignment: TextLayout.Alignment
    public init(_ title: String, width: Constraint, alignment: TextLayout.Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// A scrolling table with a header row. Cells come from a closure by row index, asked only for the
/// visible rows; each cell is fitted to its column by display width, so CJK and emoji never push the
/// next column out of line.
public enum TableView {
    public static func render(_ state: ListState, columns: [TableColumn], cells: (Int) -> [String], rowSlot: ((Int) -> ThemeSlot?)? = nil,
                              into buffer: inout Buffer, area: Rect, appearance: Appearance, focused: Bool = true) {
        guard area.height >= 1, area.width > 2 else { return }
        buffer.fill(area, with: appearance.blank(.base))
        let g = appearance.glyphs
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let overflow = state.count > body.height
        let content = Rect(x: area.x + 2, y: area.y, width: area.width - 2 - (overflow ? 1 : 0), height: area.height)
        let slots = content.columns(columns.map(\.width), spacing: 1)

        let header = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(header, with: appearance.blank(.header))
        for (column, slot) in zip(columns, slots) where slot.width > 0 {
            buffer.write(TextLayout.fit(column.title, width: slot.width, alignment: column.alignment, ellipsis: g.ellipsis),
                         x: slot.x, y: area.y, maxWidth: slot.width)
        }

        let range = state.visibleRange(height: body.height)
        for (line, index) in range.enumerated() {
            let y = body.y + line
            let values = cells(index)
            if let slot = rowSlot?(index) { buffer.apply(appearance[slot], to: Rect(x: content.x, y: y, width: content.width, height: 1)) }
            for (i, (column, slot)) in zip(columns, slots).enumerated() where slot.width > 0 {
                let text = i < values.count ? values[i] : ""
                buffer.write(TextLayout.fit(text, width: slot.width, alignment: column.alignment, ellipsis: g.ellipsis),
                             x: slot.x, y: y, maxWidth: slot.width)
            }
            if index == state.selected {
                buffer.write(g.pointer, x: area.x, y: y, maxWidth: 1, style: appearance[.selected])
                if focused { buffer.apply(appearance[.selected], to: Rect(x: area.x, y: y, width: area.width - (overflow ? 1 : 0), height: 1)) }
            }
        }
        if overflow { ListView.drawScrollMarkers(range: range, count: state.count, into: &buffer, area: body, appearance: appearance) }
    }
}
