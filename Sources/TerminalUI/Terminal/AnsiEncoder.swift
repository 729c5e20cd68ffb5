/// Encodes a diff as the ANSI/VT bytes a plain terminal writer would send: cursor moves only where
/// the cells are not contiguous, SGR only where the style changes.
///
/// The in-memory backend counts these bytes so tests and benchmarks can see what a frame costs on a
/// slow SSH link; curses itself is usually a little smarter (relative moves, erase-to-end-of-line).
public struct AnsiEncoder: Sendable {
    public var depth: ColorDepth
    public init(depth: ColorDepth) { self.depth = depth }

    public func encode(_ updates: [CellUpdate], cursor: Position?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(updates.count * 2 + 16)
        var at: Position? = nil
        var style: Style? = nil
        for u in updates {
            if at != Position(x: u.x, y: u.y) {
                out += Array("\u{1B}[\(u.y + 1);\(u.x + 1)H".utf8)
            }
            let s = u.cell.style.adapted(to: depth)
            if s != style {
                out += sgr(s)
                style = s
            }
            out += Array(u.cell.symbol.utf8)
            at = Position(x: u.x + Int(u.cell.width), y: u.y)
        }
        if style != nil && style != .plain { out += Array("\u{1B}[0m".utf8) }
        if let c = cursor {
            out += Array("\u{1B}[\(c.y + 1);\(c.x + 1)H\u{1B}[?25h".utf8)
        } else {
            out += Array("\u{1B}[?25l".utf8)
        }
        return out
    }

    func sgr(_ s: Style) -> [UInt8] {
        var codes = ["0"]
        if s.attributes.contains(.bold) { codes.append("1") }
        if s.attributes.contains(.dim) { codes.append("2") }
        if s.attributes.contains(.underline) { codes.append("4") }
        if s.attributes.contains(.reverse) { codes.append("7") }
        if let fg = s.fg { codes.append(colorCode(fg, foreground: true)) }
        if let bg = s.bg { codes.append(colorCode(bg, foreground: false)) }
        return Array("\u{1B}[\(codes.joined(separator: ";"))m".utf8)
    }

    func colorCode(_ c: Color, foreground: Bool) -> String {
        switch c {
        case .indexed(let n) where n < 8: return "\((foreground ? 30 : 40) + Int(n))"
        case .indexed(let n) where n < 16: return "\((foreground ? 90 : 100) + Int(n) - 8)"
        case .indexed(let n): return "\(foreground ? 38 : 48);5;\(n)"
        case .rgb(let r, let g, let b): return "\(foreground ? 38 : 48);2;\(r);\(g);\(b)"
        }
    }
}
