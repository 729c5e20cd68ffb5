/// A one-line text field's content and cursor, with the editing keys of a shell prompt:
/// ←/→, Home/End and Ctrl-A/E, Backspace/Delete, Ctrl-K (to end), Ctrl-U (to start), Ctrl-W (word
/// before), Alt-B/F and Ctrl-←/→ (by word). Pasted text is inserted at the cursor in one go.
public struct TextInputState: Hashable, Sendable {
    /// Graphemes, so the cursor never lands inside an accent or an emoji.
    public private(set) var characters: [Character]
    /// Position of the cursor, 0...characters.count.
    public private(set) var cursor: Int
    /// The most graphemes the field accepts (typed or pasted input beyond it is cut off).
    public var maxLength: Int?

    public init(_ text: String = "", maxLength: Int? = nil) {
        self.maxLength = maxLength
        var chars = Array(text)
        if let maxLength, chars.count > maxLength { chars.removeLast(chars.count - maxLength) }
        characters = chars
        cursor = chars.count
    }

    public var text: String {
        get { String(characters) }
        set { self = TextInputState(newValue, maxLength: maxLength) }
    }

    public var isEmpty: Bool { characters.isEmpty }

    /// Applies a key or paste; returns false for input the field does not use (Enter, Tab, Esc,
    /// arrows up and down), so the form or screen can act on it.
    @discardableResult
    public mutating func handle(_ event: InputEvent) -> Bool {
        switch event {
        case .paste(let text):
            insert(Self.singleLine(text))
            return true
        case .key(let k):
            return handle(k)
        case .resize, .mouse:
            return false
        }
    }

    @discardableResult
    public mutating func handle(_ k: KeyEvent) -> Bool {
        if let c = k.typedCharacter {
            insert(String(c))
            return true
        }
        let ctrl = k.modifiers.contains(.ctrl), alt = k.modifiers.contains(.alt)
        switch k.key {
        case .left where ctrl: moveWordLeft()
        case .right where ctrl: moveWordRight()
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = characters.count
        case .backspace where alt: deleteWordBackward()
        case .backspace: backspace()
        case .delete: deleteForward()
        case .character(let c) where ctrl:
            switch c {
            case "a": cursor = 0
            case "e": cursor = characters.count
            case "b": cursor = max(0, cursor - 1)
            case "f": cursor = min(characters.count, cursor + 1)
            case "d": deleteForward()
            case "h": backspace()
            case "k": characters.removeSubrange(cursor...)
            case "u": characters.removeSubrange(..<cursor); cursor = 0
            case "w": deleteWordBackward()
            default: return false
            }
        case .character(let c) where alt:
            switch c {
            case "b": moveWordLeft()
            case "f": moveWordRight()
            case "d": deleteWordForward()
            default: return false
            }
        default:
            return false
        }
        return true
    }

    /// Inserts text at the cursor (cut to `maxLength`).
    public mutating func insert(_ text: String) {
        var new = Array(text)
        if let maxLength { new = Array(new.prefix(max(0, maxLength - characters.count))) }
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Ctrl-W: the word before the cursor and the spaces after it, as in a shell.
    public mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    public mutating func deleteWordForward() {
        let end = wordEnd(after: cursor)
        characters.removeSubrange(cursor..<end)
    }

    public mutating func moveWordLeft() { cursor = wordStart(before: cursor) }
    public mutating func moveWordRight() { cursor = wordEnd(after: cursor) }

    private func wordStart(before i: Int) -> Int {
        var j = i
        while j > 0 && characters[j - 1].isWhitespace { j -= 1 }
        while j > 0 && !characters[j - 1].isWhitespace { j -= 1 }
        return j
    }

    private func wordEnd(after i: Int) -> Int {
        var j = i
        while j < characters.count && characters[j].isWhitespace { j += 1 }
        while j < characters.count && !characters[j].isWhitespace { j += 1 }
        return j
    }

    /// Pasted text for a one-line field: a trailing line break dropped (scanners and copied lines end
    /// with one), other line breaks and tabs made spaces, control characters removed.
    static func singleLine(_ text: String) -> String {
        var s = Substring(text)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s.removeLast() }
        var out = ""
        for c in s {
            if c == "\n" || c == "\r" || c == "\r\n" || c == "\t" { out.append(" "); continue }
            if let v = c.unicodeScalars.first?.value, v < 0x20 || (v >= 0x7F && v < 0xA0) { continue }
            out.append(c)
        }
        return out
    }
}

/// Draws a text field, scrolled sideways so the cursor is always visible, and places the terminal
/// cursor there when focused.
public enum TextInputView {
    public static func render(_ state: TextInputState, focused: Bool, placeholder: String = "", mask: Character? = nil,
                              into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        guard area.width > 0, area.height > 0 else { return }
        let field = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(field, with: appearance.blank(focused ? .inputFocus : .input))
        if state.isEmpty && !placeholder.isEmpty {
            buffer.write(TextLayout.truncate(placeholder, to: field.width - 1, ellipsis: appearance.glyphs.ellipsis),
                         x: field.x, y: field.y, maxWidth: field.width - 1, style: appearance[.placeholder])
        }
        let chars = mask.map { m in state.characters.map { _ in m } } ?? state.characters
        let widths = chars.map { DisplayWidth.of($0) }
        // The first visible grapheme: as far left as possible while the cursor cell still fits.
        var start = 0
        var before = widths[0..<state.cursor].reduce(0, +)
        while before > field.width - 1 && start < state.cursor {
            before -= widths[start]
            start += 1
        }
        var x = field.x
        var i = start
        while i < chars.count && x + widths[i] <= field.maxX {
            buffer.write(String(chars[i]), x: x, y: field.y, maxWidth: field.maxX - x)
            x += widths[i]
            i += 1
        }
        if focused { buffer.cursor = Position(x: field.x + before, y: field.y) }
    }
}
