/// Something a key can do, by name (`quit`, `down`, `help`): the vocabulary of key-map files.
///
/// Screens match on actions, never on keys, so every key can be remapped.
public struct Action: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }
    public static func < (a: Action, b: Action) -> Bool { a.name < b.name }

    public static let quit: Action = "quit"
    public static let help: Action = "help"
    public static let up: Action = "up"
    public static let down: Action = "down"
    public static let left: Action = "left"
    public static let right: Action = "right"
    public static let pageUp: Action = "page-up"
    public static let pageDown: Action = "page-down"
    public static let top: Action = "top"
    public static let bottom: Action = "bottom"
    public static let select: Action = "select"
    public static let back: Action = "back"
    public static let focusNext: Action = "focus-next"
    public static let focusPrevious: Action = "focus-previous"
    public static let nextTab: Action = "next-tab"
    public static let previousTab: Action = "previous-tab"
    public static let search: Action = "search"
    public static let repaint: Action = "repaint"
}

/// One action with its keys and what the help overlay says about it.
public struct KeyBinding: Hashable, Sendable {
    public var action: Action
    public var keys: [KeyEvent]
    /// A few words for the help overlay ("Move down").
    public var summary: String
    /// The help overlay's heading for this binding ("Navigation").
    public var group: String

    public init(_ action: Action, _ keys: [KeyEvent], _ summary: String, group: String) {
        self.action = action
        self.keys = keys
        self.summary = summary
        self.group = group
    }
}
