/// Named actions and the keys that trigger them, remappable from config lines.
///
/// The standard map has vim keys beside the arrows (j/k, g/G, Ctrl-F/B) and help on both `?` and F1.
/// A key belongs to one action at most: binding it elsewhere takes it away from where it was.
public struct KeyMap: Hashable, Sendable {
    /// Bindings in help order.
    public private(set) var bindings: [KeyBinding]
    private var actionByKey: [KeyEvent: Action] = [:]

    public init(_ bindings: [KeyBinding]) {
        self.bindings = []
        for b in bindings { add(b) }
    }

    /// The action `key` triggers. In text entry (a focused input), keys that type a character never
    /// trigger actions, so typing `q` or `j` into a field does not quit or move.
    public func action(for key: KeyEvent, textEntry: Bool = false) -> Action? {
        if textEntry && key.typedCharacter != nil { return nil }
        return actionByKey[key]
    }

    public func keys(for action: Action) -> [KeyEvent] {
        bindings.first { $0.action == action }?.keys ?? []
    }

    /// The first key of an action as the status bar shows it ("q"), or nil when unbound.
    public func hint(for action: Action) -> String? { keys(for: action).first?.displayName }

    public var actions: [Action] { bindings.map(\.action) }

    /// Adds an action (an app's own), or replaces an existing one's keys, summary and group.
    public mutating func add(_ binding: KeyBinding) {
        if let i = bindings.firstIndex(where: { $0.action == binding.action }) {
            bindings[i] = KeyBinding(binding.action, [], binding.summary, group: binding.group)
        } else {
            bindings.append(KeyBinding(binding.action, [], binding.summary, group: binding.group))
        }
        bind(binding.action, to: binding.keys)
    }

    /// Gives `action` exactly these keys, taking each key away from any other action.
    public mutating func bind(_ action: Action, to keys: [KeyEvent]) {
        guard let i = bindings.firstIndex(where: { $0.action == action }) else { return }
        for old in bindings[i].keys where actionByKey[old] == action { actionByKey[old] = nil }
        var unique: [KeyEvent] = []
        for k in keys where !unique.contains(k) { unique.append(k) }
        for k in unique {
            if let other = actionByKey[k], other != action, let j = bindings.firstIndex(where: { $0.action == other }) {
                bindings[j].keys.removeAll { $0 == k }
            }
            actionByKey[k] = action
        }
        bindings[i].keys = unique
    }

    /// Applies key-map lines, in order, and returns every mistake (the valid lines still apply):
    /// ```
    /// # comments start with #
    /// bind quit = q, ctrl-c
    /// bind down = j, down, ctrl-n
    /// bind search = none          # leaves search unbound
    /// ```
    public mutating func apply(config text: String, source: String = "keys") -> [ConfigError] {
        var errors: [ConfigError] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ message: String) { errors.append(ConfigError(source: source, line: lineNumber, message: message)) }
            let line = Self.stripComment(raw).trimmingSpaces
            if line.isEmpty { continue }
            guard line.lowercased().hasPrefix("bind ") || line.lowercased().hasPrefix("bind\t") else {
                fail("expected `bind <action> = <key>, <key>…`, found \"\(line)\"")
                continue
            }
            let rest = line.dropFirst(5)
            guard let eq = rest.firstIndex(of: "=") else {
                fail("missing `=`: write `bind \(rest.trimmingSpaces) = <key>, <key>…`")
                continue
            }
            let action = Action(rest[..<eq].trimmingSpaces.lowercased())
            guard actions.contains(action) else {
                let hint = ConfigText.suggestion(for: action.name, among: actions.map(\.name)).map { " (did you mean `\($0)`?)" } ?? ""
                fail("unknown action `\(action.name)`\(hint); actions are: \(actions.map(\.name).joined(separator: ", "))")
                continue
            }
            let list = rest[rest.index(after: eq)...].trimmingSpaces
            if list.isEmpty {
                fail("no keys for `\(action.name)`: list keys, or write `none` to leave it unbound")
                continue
            }
            if list.lowercased() == "none" {
                bind(action, to: [])
                continue
            }
            var keys: [KeyEvent] = []
            var bad: [String] = []
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                let n = name.trimmingSpaces
                if let k = KeyEvent(name: n) { keys.append(k) } else { bad.append(n.isEmpty ? "(empty)" : n) }
            }
            if !bad.isEmpty {
                fail("unknown key \(bad.map { "`\($0)`" }.joined(separator: ", ")): use names like q, ctrl-c, alt-x, shift-tab, enter, esc, up, pgdn, home, f1, space, comma")
                continue
            }
            bind(action, to: keys)
        }
        return errors
    }

    /// `#` at the start of a line or after a space starts a comment (`bind x = hash` names the key).
    private static func stripComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        for i in line.indices {
            if line[i] == "#" && (previous == " " || previous == "\t") { return line[..<i] }
            previous = line[i]
        }
        return line
    }

    /// The standard map: arrows and vim keys, help on `?` and F1.
    public static let standard = KeyMap([
        KeyBinding(.up, [KeyEvent(.up), .char("k")], "Move up", group: "Navigation"),
        KeyBinding(.down, [KeyEvent(.down), .char("j")], "Move down", group: "Navigation"),
        KeyBinding(.left, [KeyEvent(.left), .char("h")], "Move left", group: "Navigation"),
        KeyBinding(.right, [KeyEvent(.right), .char("l")], "Move right", group: "Navigation"),
        KeyBinding(.pageUp, [KeyEvent(.pageUp), .ctrl("b")], "Page up", group: "Navigation"),
        KeyBinding(.pageDown, [KeyEvent(.pageDown), .ctrl("f")], "Page down", group: "Navigation"),
        KeyBinding(.top, [KeyEvent(.home), .char("g")], "First row", group: "Navigation"),
        KeyBinding(.bottom, [KeyEvent(.end), .char("G")], "Last row", group: "Navigation"),
        KeyBinding(.focusNext, [KeyEvent(.tab)], "Next field or panel", group: "Navigation"),
        KeyBinding(.focusPrevious, [KeyEvent(.tab, .shift)], "Previous field or panel", group: "Navigation"),
        KeyBinding(.nextTab, [.char("]")], "Next tab", group: "Navigation"),
        KeyBinding(.previousTab, [.char("[")], "Previous tab", group: "Navigation"),
        KeyBinding(.select, [KeyEvent(.enter)], "Open or confirm", group: "Actions"),
        KeyBinding(.back, [KeyEvent(.escape)], "Back or cancel", group: "Actions"),
        KeyBinding(.search, [.char("/")], "Search", group: "Actions"),
        KeyBinding(.help, [.char("?"), KeyEvent(.function(1))], "Show or hide this help", group: "General"),
        KeyBinding(.repaint, [.ctrl("l")], "Redraw the screen", group: "General"),
        KeyBinding(.quit, [.char("q"), .ctrl("c")], "Quit", group: "General"),
    ])
}
