/// Fitting text into columns by display width: truncation with an ellipsis, padding, alignment and
/// word wrapping. All widths are terminal columns (`DisplayWidth`), never character counts, so CJK
/// and emoji line up.
public enum TextLayout {
    public enum Alignment: Sendable, Hashable { case left, right, center }

    /// `text` cut to at most `width` columns, ending in `ellipsis` when it was cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let total = DisplayWidth.of(text)
        if total <= width { return text }
        let e = DisplayWidth.of(ellipsis)
        let room = width - e
        if room < 0 { return prefix(text, columns: width) }
        return prefix(text, columns: room) + ellipsis
    }

    /// The longest start of `text` that fits in `columns` (a wide character that would straddle the
    /// limit is left out).
    public static func prefix(_ text: String, columns: Int) -> String {
        var used = 0
        var out = ""
        for c in text {
            let w = DisplayWidth.of(c)
            if used + w > columns { break }
            out.append(c)
            used += w
        }
        return out
    }

    /// `text` fitted to exactly `width` columns: truncated, then padded with spaces on the side the
    /// alignment leaves free.
    public static func fit(_ text: String, width: Int, alignment: Alignment = .left, ellipsis: String = "…") -> String {
        let t = truncate(text, to: width, ellipsis: ellipsis)
        let gap = max(0, width - DisplayWidth.of(t))
        switch alignment {
        case .left: return t + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + t
        case .center: return String(repeating: " ", count: gap / 2) + t + String(repeating: " ", count: gap - gap / 2)
        }
    }

    /// Word-wraps text into lines of at most `width` columns. Existing line breaks are kept; a word
    /// longer than a line is broken between graphemes.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = DisplayWidth.of(w)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + w
                    lineWidth += 1 + ww
                    continue
                }
                if lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                while ww > width {
                    let head = prefix(w, columns: width)
                    let cut = head.isEmpty ? String(w.prefix(1)) : head
                    lines.append(cut)
                    w = String(w.dropFirst(cut.count))
                    ww = DisplayWidth.of(w)
                }
                line = w
                lineWidth = ww
            }
            lines.append(line)
        }
        return lines
    }
}
