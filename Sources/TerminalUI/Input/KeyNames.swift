/// Key names as people write them in key-map files (`ctrl-c`, `pgdn`, `shift-tab`, `f1`, `j`) and as
/// the help overlay shows them (`Ctrl-C`, `PgDn`, `Shift-Tab`, `F1`, `j`).
extension KeyEvent {
    /// Parses a key name; nil when it names no key. Names are case-insensitive except a single
    /// character, which is taken as typed (`Q` is Shift-q). `space` and `comma` name the characters
    /// that the config syntax uses itself.
    public init?(name raw: String) {
        let name = raw.trimmingSpaces
        guard !name.isEmpty else { return nil }
        if name.count == 1 {
            self.init(.character(name.first!))
            return
        }
        var mods: Modifiers = []
        var rest = Substring(name)
        while true {
            let lower = rest.lowercased()
            if lower.hasPrefix("ctrl-") || lower.hasPrefix("ctrl+") { mods.insert(.ctrl); rest = rest.dropFirst(5) }
            else if lower.hasPrefix("c-") { mods.insert(.ctrl); rest = rest.dropFirst(2) }
            else if lower.hasPrefix("alt-") || lower.hasPrefix("alt+") { mods.insert(.alt); rest = rest.dropFirst(4) }
            else if lower.hasPrefix("m-") { mods.insert(.alt); rest = rest.dropFirst(2) }
            else if lower.hasPrefix("shift-") || lower.hasPrefix("shift+") { mods.insert(.shift); rest = rest.dropFirst(6) }
            else { break }
        }
        guard !rest.isEmpty else { return nil }
        if rest.count == 1 {
            var c = rest.first!
            // Ctrl-letters arrive as control codes, which are case-blind: store them lowercase.
            if mods.contains(.ctrl), c.isLetter { c = Character(c.lowercased()) }
            self.init(.character(c), mods)
            return
        }
        let key: Key
        switch rest.lowercased() {
        case "up": key = .up
        case "down": key = .down
        case "left": key = .left
        case "right": key = .right
        case "pgup", "pageup", "page-up", "prior": key = .pageUp
        case "pgdn", "pgdown", "pagedown", "page-down", "next": key = .pageDown
        case "home": key = .home
        case "end": key = .end
        case "insert", "ins": key = .insert
        case "delete", "del": key = .delete
        case "backspace", "bs": key = .backspace
        case "enter", "return", "ret": key = .enter
        case "tab": key = .tab
        case "btab", "backtab": key = .tab; mods.insert(.shift)
        case "esc", "escape": key = .escape
        case "space": key = .character(" ")
        case "comma": key = .character(",")
        case "hash": key = .character("#")
        case "equals": key = .character("=")
        default:
            let lower = rest.lowercased()
            guard lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) else { return nil }
            key = .function(n)
        }
        self.init(key, mods)
    }

    /// The name to show people, in a form `init(name:)` reads back.
    public var displayName: String {
        var parts: [String] = []
        if modifiers.contains(.ctrl) { parts.append("Ctrl") }
        if modifiers.contains(.alt) { parts.append("Alt") }
        if modifiers.contains(.shift) { parts.append("Shift") }
        let base: String
        switch key {
        case .character(" "): base = "Space"
        case .character(","): base = "Comma"
        case .character(let c): base = modifiers.contains(.ctrl) ? c.uppercased() : String(c)
        case .up: base = "Up"
        case .down: base = "Down"
        case .left: base = "Left"
        case .right: base = "Right"
        case .pageUp: base = "PgUp"
        case .pageDown: base = "PgDn"
        case .home: base = "Home"
        case .end: base = "End"
        case .insert: base = "Ins"
        case .delete: base = "Del"
        case .backspace: base = "Backspace"
        case .enter: base = "Enter"
        case .tab: base = "Tab"
        case .escape: base = "Esc"
        case .function(let n): base = "F\(n)"
        }
        parts.append(base)
        return parts.joined(separator: "-")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Foundation-free).
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
