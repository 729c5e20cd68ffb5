/// Maps colours down to what a terminal can show: truecolor → 256 → 16 → 8 → none.
///
/// Deterministic (nearest by squared RGB distance against the xterm default palette, hue class kept,
/// ties to the lower index) so a theme looks the same on every terminal of a given depth, and tests
/// can pin the result. 24-bit colours reach 16 colours through the 256-colour palette.
extension Color {
    /// This colour as shown at `depth`; `nil` on a monochrome terminal.
    public func mapped(to depth: ColorDepth) -> Color? {
        switch depth {
        case .monochrome:
            return nil
        case .truecolor:
            return self
        case .indexed256:
            if case .rgb(let r, let g, let b) = self { return .indexed(Color.nearest256(r, g, b)) }
            return self
        case .ansi16, .ansi8:
            let index: UInt8
            switch self {
            case .indexed(let n) where n < 16: index = n
            case .indexed(let n): index = Color.nearest16(Color.paletteRGB(n))
            case .rgb(let r, let g, let b): index = Color.nearest16(Color.paletteRGB(Color.nearest256(r, g, b)))
            }
            return .indexed(depth == .ansi8 && index >= 8 ? index - 8 : index)
        }
    }

    /// The RGB value xterm shows for a palette index by default.
    public static func paletteRGB(_ n: UInt8) -> (UInt8, UInt8, UInt8) {
        switch n {
        case 0..<16: return basic16[Int(n)]
        case 16..<232:
            let i = Int(n) - 16
            return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let v = UInt8(8 + 10 * (Int(n) - 232))
            return (v, v, v)
        }
    }

    static let basic16: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The nearest of the 240 cube and grey entries (16–255); the first 16 are left out because
    /// terminals redefine them freely. A coloured input only considers the colour cube and a greyish
    /// one only the greys: by plain distance a dark green is "nearer" to a grey, and a theme's green
    /// must stay green.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        // The nearest of the levels 0, 95, 135, 175, 215, 255 (midpoints 48, 115, 155, 195, 235).
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        if isChromatic((r, g, b)) { return UInt8(16 + 36 * level(r) + 6 * level(g) + level(b)) }
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let grey = UInt8(232 + min(23, max(0, (mean - 3) / 10)))
        let l = level(UInt8(mean))
        let cubeGrey = UInt8(16 + 43 * l)
        return distance(paletteRGB(grey), (r, g, b)) < distance(paletteRGB(cubeGrey), (r, g, b)) ? grey : cubeGrey
    }

    /// The nearest of the 16 basic colours, hue kept the same way: coloured to coloured, grey to grey.
    static func nearest16(_ c: (UInt8, UInt8, UInt8)) -> UInt8 {
        let candidates: [Int] = isChromatic(c) ? [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14] : [0, 7, 8, 15]
        var best = candidates[0]
        var bestDistance = Int.max
        for i in candidates {
            let d = distance(basic16[i], c)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// Saturated enough (a quarter of its brightness) and bright enough to read as a colour, not a grey.
    static func isChromatic(_ c: (UInt8, UInt8, UInt8)) -> Bool {
        let mx = Int(max(c.0, c.1, c.2)), mn = Int(min(c.0, c.1, c.2))
        return mx >= 64 && (mx - mn) * 4 >= mx
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}

extension Style {
    /// This style as a terminal of `depth` shows it: colours mapped down, attributes kept
    /// (so monochrome and `NO_COLOR` still get bold and reverse).
    public func adapted(to depth: ColorDepth) -> Style {
        Style(fg: fg?.mapped(to: depth), bg: bg?.mapped(to: depth), attributes: attributes)
    }
}
