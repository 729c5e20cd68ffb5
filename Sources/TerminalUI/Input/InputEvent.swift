/// A key on the keyboard, without modifiers.
public enum Key: Hashable, Sendable {
    /// Any printable grapheme, full Unicode (a scanner's code, a name with accents, CJK).
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case insert, delete, backspace
    case enter, tab, escape
    /// F1 to F12 (and beyond, if the terminal sends them).
    case function(Int)
}

/// A key press: a key and the modifiers the terminal reported.
///
/// Ctrl-letter is `.character("a")` with `.ctrl`. Shifted letters are their capital character, not a
/// modifier; Shift-Tab is `.tab` with `.shift`.
public struct KeyEvent: Hashable, Sendable {
    public struct Modifiers: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let shift = Modifiers(rawValue: 1)
        public static let alt = Modifiers(rawValue: 2)
        public static let ctrl = Modifiers(rawValue: 4)
    }

    public var key: Key
    public var modifiers: Modifiers

    public init(_ key: Key, _ modifiers: Modifiers = []) {
        self.key = key
        self.modifiers = modifiers
    }

    /// Ctrl plus a letter, as `bind` lines name it (`ctrl-c`).
    public static func ctrl(_ letter: Character) -> KeyEvent { KeyEvent(.character(letter), .ctrl) }
    public static func char(_ c: Character) -> KeyEvent { KeyEvent(.character(c)) }

    /// The character this press types into a text field, if it types one.
    public var typedCharacter: Character? {
        if case .character(let c) = key, modifiers.isDisjoint(with: [.ctrl, .alt]) { return c }
        return nil
    }
}

/// A mouse action, in screen cells. Only reported when the backend enables the mouse.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press(Int), release(Int), click(Int), scrollUp, scrollDown, move }
    public var kind: Kind
    public var position: Position
    public init(_ kind: Kind, at position: Position) { self.kind = kind; self.position = position }
}

/// Everything the terminal can tell a program.
public enum InputEvent: Hashable, Sendable {
    case key(KeyEvent)
    /// Text pasted in one go (bracketed paste), delivered whole so it never triggers key bindings.
    case paste(String)
    case resize(Size)
    case mouse(MouseEvent)

    public static func key(_ key: Key, _ modifiers: KeyEvent.Modifiers = []) -> InputEvent { .key(KeyEvent(key, modifiers)) }
}
