/// A bordered panel with an optional title; returns the inner area to draw the content in.
///
/// The focused panel is drawn with heavy lines (`━┃`, or `=` in ASCII) as well as the focus colour,
/// so focus is visible on a monochrome terminal too.
public enum BlockView {
    @discardableResult
    public static func render(title: String? = nil, focused: Bool = false, into buffer: inout Buffer, area: Rect,
                              appearance: Appearance) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let g = appearance.glyphs
        let style = appearance[focused ? .borderFocus : .border]
        let h = focused ? g.heavyHorizontal : g.horizontal
        let v = focused ? g.heavyVertical : g.vertical
        let corners = focused ? g.heavyCorners : [g.topLeft, g.topRight, g.bottomLeft, g.bottomRight]
        let top = area.y, bottom = area.maxY - 1, left = area.x, right = area.maxX - 1
        for x in (left + 1)..<right {
            buffer.write(h, x: x, y: top, style: style)
            buffer.write(h, x: x, y: bottom, style: style)
        }
        for y in (top + 1)..<bottom {
            buffer.write(v, x: left, y: y, style: style)
            buffer.write(v, x: right, y: y, style: style)
        }
        buffer.write(corners[0], x: left, y: top, style: style)
        buffer.write(corners[1], x: right, y: top, style: style)
        buffer.write(corners[2], x: left, y: bottom, style: style)
        buffer.write(corners[3], x: right, y: bottom, style: style)
        if let title, !title.isEmpty, area.width > 4 {
            let text = " " + TextLayout.truncate(title, to: area.width - 4, ellipsis: g.ellipsis) + " "
            buffer.write(text, x: left + 1, y: top, maxWidth: area.width - 2, style: appearance[.title])
        }
        return area.inset(by: 1)
    }
}
