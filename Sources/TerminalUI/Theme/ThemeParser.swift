extension Theme {
    /// Parses a theme file. Every line is checked and every mistake reported (not just the first), so
    /// one edit-and-retry fixes them all. Slots the file leaves out are filled from `fallback`.
    ///
    /// The format, one setting per line, `#` starting a comment:
    /// ```
    /// name = sunlight
    /// verdict.genuine.fg = #2e7d32      # #rrggbb, #rgb, 0–255, a name (bright-red), or default
    /// status.bg = 236
    /// style.selected = reverse bold     # bold dim reverse underline, or none
    /// ```
    public static func parse(_ text: String, source: String = "theme", knownSlots: Set<ThemeSlot> = Set(ThemeSlot.standard),
                             fallback: Theme = .default) -> Result<Theme, ConfigErrors> {
        var name = fallback.name
        var styles: [ThemeSlot: Style] = [:]
        var seen: [String: Int] = [:]
        var errors: [ConfigError] = []

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ message: String) { errors.append(ConfigError(source: source, line: lineNumber, message: message)) }

            let content = stripComment(rawLine).trimmingSpaces
            if content.isEmpty { continue }
            guard let eq = content.firstIndex(of: "=") else {
                fail("expected `key = value`, found \"\(content)\"")
                continue
            }
            let key = content[..<eq].trimmingSpaces.lowercased()
            let value = content[content.index(after: eq)...].trimmingSpaces
            if key.isEmpty { fail("missing key before `=`"); continue }
            if value.isEmpty { fail("missing value for `\(key)`"); continue }
            if let first = seen[key] {
                fail("`\(key)` is already set on line \(first); keep one of them")
                continue
            }
            seen[key] = lineNumber

            if key == "name" {
                name = value
                continue
            }
            let slotName: String
            enum Part { case fg, bg, attributes }
            let part: Part
            if key.hasPrefix("style.") {
                slotName = String(key.dropFirst(6)); part = .attributes
            } else if key.hasSuffix(".fg") {
                slotName = String(key.dropLast(3)); part = .fg
            } else if key.hasSuffix(".bg") {
                slotName = String(key.dropLast(3)); part = .bg
            } else {
                fail("unknown key `\(key)`: use <slot>.fg, <slot>.bg, style.<slot> or name")
                continue
            }
            let slot = ThemeSlot(slotName)
            guard knownSlots.contains(slot) else {
                let hint = ConfigText.suggestion(for: slotName, among: knownSlots.map(\.name)).map { " (did you mean `\($0)`?)" } ?? ""
                fail("unknown slot `\(slotName)`\(hint)")
                continue
            }
            var style = styles[slot] ?? Style()
            switch part {
            case .fg, .bg:
                switch parseColor(value) {
                case .success(let c): if part == .fg { style.fg = c } else { style.bg = c }
                case .failure(let problem): fail(problem.message); continue
                }
            case .attributes:
                switch parseAttributes(value) {
                case .success(let a): style.attributes = a
                case .failure(let problem): fail(problem.message); continue
                }
            }
            styles[slot] = style
        }

        if !errors.isEmpty { return .failure(ConfigErrors(errors: errors)) }
        var merged = fallback.styles
        for (slot, style) in styles { merged[slot] = style }
        return .success(Theme(name: name, styles: merged, definedSlots: Set(styles.keys)))
    }

    /// Parses a theme file, falling back to the default theme when it has mistakes. The errors come
    /// back for the status line and the log, so a typo never leaves an officer with no screen.
    public static func load(_ text: String, source: String = "theme", knownSlots: Set<ThemeSlot> = Set(ThemeSlot.standard))
        -> (theme: Theme, errors: [ConfigError]) {
        switch parse(text, source: source, knownSlots: knownSlots) {
        case .success(let theme): return (theme, [])
        case .failure(let e): return (.default, e.errors)
        }
    }

    /// `#rrggbb`, `#rgb`, a palette number 0–255, a colour name, or `default`/`none` (the terminal's own).
    static func parseColor(_ raw: String) -> Result<Color?, Problem> {
        let v = raw.lowercased()
        if v == "default" || v == "none" { return .success(nil) }
        if v.hasPrefix("#") {
            let hex = Array(v.dropFirst())
            let digits = hex.compactMap { $0.hexDigitValue }
            if digits.count == hex.count && hex.count == 6 {
                return .success(.rgb(UInt8(digits[0] * 16 + digits[1]), UInt8(digits[2] * 16 + digits[3]), UInt8(digits[4] * 16 + digits[5])))
            }
            if digits.count == hex.count && hex.count == 3 {
                return .success(.rgb(UInt8(digits[0] * 17), UInt8(digits[1] * 17), UInt8(digits[2] * 17)))
            }
            return .failure(Problem("`\(raw)` is not a colour: write #rrggbb with six hex digits, like #2e7d32"))
        }
        if let n = Int(v) {
            guard (0...255).contains(n) else { return .failure(Problem("palette colour \(n) is out of range: use 0 to 255")) }
            return .success(.indexed(UInt8(n)))
        }
        let name = v.replacingUnderscores
        if let i = Color.names.firstIndex(of: name) { return .success(.indexed(UInt8(i))) }
        if name == "grey" || name == "gray" { return .success(.brightBlack) }
        return .failure(Problem("unknown colour `\(raw)`: use #rrggbb, a number 0-255, default, or one of \(Color.names.joined(separator: ", "))"))
    }

    /// Space- or comma-separated attribute words.
    static func parseAttributes(_ raw: String) -> Result<Style.Attributes, Problem> {
        var attributes: Style.Attributes = []
        for word in raw.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            switch word {
            case "bold": attributes.insert(.bold)
            case "dim", "faint": attributes.insert(.dim)
            case "reverse", "inverse": attributes.insert(.reverse)
            case "underline": attributes.insert(.underline)
            case "none", "plain", "normal": break
            default: return .failure(Problem("unknown attribute `\(word)`: use bold, dim, reverse, underline or none"))
            }
        }
        return .success(attributes)
    }

    private static func stripComment(_ line: Substring) -> Substring {
        // `#` starts a comment unless it begins a colour value (`= #2e7d32`).
        var inValue = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == "=" { inValue = true }
            if c == "#" {
                let before = line[..<i].trimmingSpaces
                let isColour = inValue && before.hasSuffix("=")
                if !isColour { return line[..<i] }
            }
            i = line.index(after: i)
        }
        return line
    }
}

/// One value that did not parse, before it is given a line number.
struct Problem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
