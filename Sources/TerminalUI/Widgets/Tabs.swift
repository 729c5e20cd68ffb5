/// A row of tabs. The active tab is in brackets as well as in the `tab.active` style, and each tab
/// shows its number, which selects it with the digit keys in most screens.
public enum TabsView {
    public static func render(titles: [String], selected: Int, into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        guard area.height > 0, area.width > 0 else { return }
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(row, with: appearance.blank(.tabInactive))
        let labels = titles.enumerated().map { i, t in i == selected ? "[\(i + 1) \(t)]" : " \(i + 1) \(t) " }
        // Scroll the row so the active tab is visible on a narrow screen.
        let widths = labels.map { DisplayWidth.of($0) + 1 }
        var first = 0
        if selected < widths.count {
            while first < selected && widths[first...selected].reduce(0, +) > area.width { first += 1 }
        }
        var x = area.x
        for i in first..<labels.count where x < row.maxX {
            let style = appearance[i == selected ? .tabActive : .tabInactive]
            x += buffer.write(labels[i], x: x, y: area.y, maxWidth: row.maxX - x, style: style)
            x += 1
        }
    }
}
