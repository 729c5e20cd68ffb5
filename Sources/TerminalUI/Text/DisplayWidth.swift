/// How many terminal columns text occupies: 0, 1 or 2 per grapheme.
///
/// A pure function of Unicode data (the generated `UnicodeWidthTables`), never the host's `wcwidth`,
/// so a screen lays out the same on every machine and in every test. Wide means East Asian Wide or
/// Fullwidth, or emoji presentation; zero means combining marks, format characters and Hangul medial and
/// final jamo. Terminals disagree on a few emoji sequences; this follows the Unicode defaults, which is
/// what current xterm, tmux and VTE do.
public enum DisplayWidth {
    /// The width of one scalar on its own: 0 (combining, format, control), 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }          // printable ASCII: the hot path
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }  // C0/C1 controls have no width of their own
        if v < 0x300 { return 1 }                        // Latin-1 and friends (the soft hyphen is visible)
        if contains(UnicodeWidthTables.zeroWidth, v) { return 0 }
        if contains(UnicodeWidthTables.wide, v) || contains(UnicodeWidthTables.emojiPresentation, v) { return 2 }
        return 1
    }

    /// The width of one grapheme cluster (a Swift `Character`).
    ///
    /// The base scalar decides; a variation selector 16 asks for emoji presentation (two columns), a
    /// regional-indicator pair (a flag) is two columns, and nothing is wider than two.
    public static func of(_ character: Character) -> Int {
        if let a = character.asciiValue { return a >= 0x20 && a < 0x7F ? 1 : 0 }  // the hot path (CR LF is a control)
        var iterator = character.unicodeScalars.makeIterator()
        guard let first = iterator.next() else { return 0 }
        var width = of(first)
        var base: Unicode.Scalar? = width > 0 ? first : nil
        while let s = iterator.next() {
            if s.value == 0xFE0F, let b = base, width == 1, b.properties.isEmoji { width = 2; continue }
            if base == nil {
                let w = of(s)
                if w > 0 { base = s; width = w }
            }
        }
        return min(width, 2)
    }

    /// The width of a string: the sum of its graphemes' widths.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        for c in text { total += of(c) }
        return total
    }

    /// Binary search in sorted, non-overlapping ranges.
    @inline(__always)
    static func contains(_ table: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var lo = 0
        var hi = table.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let r = table[mid]
            if value < r.lowerBound { hi = mid - 1 } else if value > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }
}
