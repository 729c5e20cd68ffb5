/// A width×height grid of cells that a view draws into; the backend shows the difference from the last one.
///
/// Drawing is clipped to the grid and never breaks alignment: a wide grapheme always owns two cells,
/// overwriting either half of one blanks the other half, and a wide grapheme that would cross the right
/// edge (of the grid or of the `maxWidth` given) is drawn as a space instead.
public struct Buffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should show (a focused text input sets it); `nil` hides it.
    public var cursor: Position?

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = [Cell](repeating: fill, count: self.width * self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    public var size: Size { Size(width: width, height: height) }
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Puts one cell, keeping wide graphemes whole: whatever wide grapheme the cell lands on is blanked,
    /// and a wide cell takes its right neighbour as its continuation (or becomes a space at the edge).
    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height, !cell.isContinuation else { return }
        var cell = cell
        if cell.isWide && x + 1 >= width { cell = Cell(" ", style: cell.style) }
        let i = y * width + x
        breakWide(at: i, x: x)
        cells[i] = cell
        if cell.isWide {
            breakWide(at: i + 1, x: x + 1)
            cells[i + 1] = .continuation(cell.style)
        }
    }

    /// Before cell `i` is overwritten: blank the other half of any wide grapheme it belongs to.
    @inline(__always)
    private mutating func breakWide(at i: Int, x: Int) {
        let old = cells[i]
        if old.isContinuation, x > 0 {
            cells[i - 1] = Cell(symbol: " ", style: cells[i - 1].style, width: 1)
        } else if old.isWide, x + 1 < width {
            cells[i + 1] = Cell(symbol: " ", style: old.style, width: 1)
        }
    }

    /// Writes text from (x, y) rightwards, at most `maxWidth` columns, patching `style` over what is
    /// there. Returns the columns used. Control characters show as `?` (tabs as a space) because they
    /// would move the real terminal's cursor; a stray zero-width grapheme joins the cell before it.
    @discardableResult
    public mutating func write<S: StringProtocol>(_ text: S, x: Int, y: Int, maxWidth: Int = .max, style: Style = .plain) -> Int {
        guard y >= 0, y < height, maxWidth > 0 else { return 0 }
        let right = x > width ? x : min(width, x + min(maxWidth, width))
        var cx = x
        for ch in text {
            if cx >= right { break }
            var symbol = ch
            var w = DisplayWidth.of(ch)
            if w == 0 {
                if let v = ch.unicodeScalars.first?.value, v < 0x20 || (v >= 0x7F && v < 0xA0) {
                    symbol = v == 0x09 ? " " : "?"
                    w = 1
                } else {
                    if cx > x, cx - 1 < width, cx - 1 >= 0 {
                        var j = y * width + cx - 1
                        if cells[j].isContinuation { j -= 1 }
                        cells[j].append(ch)
                    }
                    continue
                }
            }
            if cx < 0 { cx += w; continue }  // clipped on the left
            if cx + w > right {
                set(cx, y, Cell(symbol: " ", style: self[cx, y].style.patched(with: style), width: 1))
                cx += 1
                break
            }
            let base = self[cx, y].style.patched(with: style)
            set(cx, y, Cell(symbol: String(symbol), style: base, width: UInt8(w)))
            cx += w
        }
        return max(0, cx - x)
    }

    /// Fills a rectangle with one cell (clipped to the buffer).
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        if cell.isWide {
            for y in r.y..<r.maxY { for x in r.x..<r.maxX { set(x, y, cell) } }
            return
        }
        // A narrow fill can only split a wide grapheme at the rectangle's left and right edges.
        for y in r.y..<r.maxY {
            let row = y * width
            breakWide(at: row + r.x, x: r.x)
            breakWide(at: row + r.maxX - 1, x: r.maxX - 1)
            for i in (row + r.x)..<(row + r.maxX) { cells[i] = cell }
        }
    }

    /// Patches a style over every cell in a rectangle, keeping the symbols (highlighting a row).
    public mutating func apply(_ style: Style, to rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = cells[y * width + x].style.patched(with: style) }
        }
    }

    /// Replaces the style of every cell in a rectangle.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = style }
        }
    }

    /// The text of row `y` as a terminal shows it (continuation cells add nothing).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = ""
        s.reserveCapacity(width)
        for x in 0..<width { s += cells[y * width + x].symbol }
        return s
    }

    /// Every row's text, top to bottom: what screen snapshots compare.
    public var lines: [String] { (0..<height).map(line) }
}
