/// A key hint for the status bar: the key as shown ("q") and what it does ("Quit").
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var label: String
    public init(_ key: String, _ label: String) { self.key = key; self.label = label }

    /// Hints for actions, with the keys they have in the live key map (unbound actions are left out).
    public static func from(_ keyMap: KeyMap, _ actions: [(Action, String)]) -> [KeyHint] {
        actions.compactMap { action, label in keyMap.hint(for: action).map { KeyHint($0, label) } }
    }
}

/// The bottom line: a message on the left, key hints after it, and state on the right (connectivity,
/// data age). When the line is short, hints go first, then the left text is cut; the right side,
/// which is what an officer must not miss, stays.
public enum StatusBarView {
    public static func render(left: String, hints: [KeyHint] = [], right: String = "", into buffer: inout Buffer, area: Rect,
                              appearance: Appearance) {
        guard area.height > 0, area.width > 0 else { return }
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(row, with: appearance.blank(.status))
        let g = appearance.glyphs
        let rightText = TextLayout.truncate(right, to: area.width, ellipsis: g.ellipsis)
        let rightWidth = DisplayWidth.of(rightText)
        let room = area.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        var x = area.x
        if !left.isEmpty && room > 0 {
            x += buffer.write(" " + TextLayout.truncate(left, to: max(0, room - 1), ellipsis: g.ellipsis), x: x, y: area.y, maxWidth: room)
        }
        for hint in hints {
            let w = 2 + DisplayWidth.of(hint.key) + 1 + DisplayWidth.of(hint.label)
            if x - area.x + w > room { break }
            x += 2
            x += buffer.write(hint.key, x: x, y: area.y, style: appearance[.statusKey])
            x += 1
            x += buffer.write(hint.label, x: x, y: area.y)
        }
        if rightWidth > 0 { buffer.write(rightText, x: area.maxX - rightWidth, y: area.y, maxWidth: rightWidth) }
    }
}
