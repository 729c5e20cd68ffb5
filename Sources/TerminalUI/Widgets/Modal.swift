/// A dialog's text and buttons, and which button has focus.
public struct ModalState: Hashable, Sendable {
    public var title: String
    public var message: String
    public var buttons: [String]
    public private(set) var focused: Int

    public enum Outcome: Hashable, Sendable { case ignored, moved, chosen(Int), dismissed }

    public init(title: String, message: String, buttons: [String] = ["OK"], focused: Int = 0) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.focused = buttons.isEmpty ? 0 : min(max(0, focused), buttons.count - 1)
    }

    /// ←/→ and Tab move between buttons, Enter chooses, Esc dismisses; a button's first letter
    /// chooses it directly when no other button starts with the same letter.
    public mutating func handle(_ event: InputEvent, keyMap: KeyMap = .standard) -> Outcome {
        guard case .key(let k) = event else { return .ignored }
        switch keyMap.action(for: k) {
        case .left?, .focusPrevious?, .up?:
            focused = (focused - 1 + max(1, buttons.count)) % max(1, buttons.count)
            return .moved
        case .right?, .focusNext?, .down?:
            focused = (focused + 1) % max(1, buttons.count)
            return .moved
        case .select?: return buttons.isEmpty ? .dismissed : .chosen(focused)
        case .back?: return .dismissed
        default: break
        }
        if let c = k.typedCharacter {
            let matches = buttons.indices.filter { buttons[$0].lowercased().first == Character(c.lowercased()) }
            if matches.count == 1 { return .chosen(matches[0]) }
        }
        return .ignored
    }
}

/// Draws a dialog centred over `area`: a bordered box, the message word-wrapped, and the buttons,
/// the focused one in brackets (and the focus style), so the choice is visible without colour.
public enum ModalView {
    public static func render(_ state: ModalState, into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        let width = min(area.width, max(24, min(64, DisplayWidth.of(state.message) + 6)))
        let lines = TextLayout.wrap(state.message, width: max(1, width - 4))
        let height = min(area.height, lines.count + 4 + (state.buttons.isEmpty ? 0 : 2))
        let box = area.centered(width: width, height: height)
        guard box.width >= 4, box.height >= 3 else { return }
        buffer.fill(box, with: appearance.blank(.modal))
        let inner = BlockView.render(title: state.title, focused: true, into: &buffer, area: box, appearance: appearance)
        buffer.apply(appearance[.modalTitle], to: Rect(x: box.x + 1, y: box.y, width: box.width - 2, height: 1).intersection(
            Rect(x: box.x + 2, y: box.y, width: DisplayWidth.of(state.title), height: 1)))
        let text = inner.inset(horizontal: 1, vertical: 1)
        for (i, line) in lines.enumerated() where i < text.height - (state.buttons.isEmpty ? 0 : 2) {
            buffer.write(line, x: text.x, y: text.y + i, maxWidth: text.width)
        }
        guard !state.buttons.isEmpty, text.height >= 1 else { return }
        let labels = state.buttons.enumerated().map { i, b in i == state.focused ? "[ \(b) ]" : "  \(b)  " }
        let total = labels.map { DisplayWidth.of($0) }.reduce(0, +) + 2 * (labels.count - 1)
        var x = text.x + max(0, (text.width - total) / 2)
        let y = text.maxY - 1
        for (i, label) in labels.enumerated() {
            let slot: ThemeSlot = i == state.focused ? .buttonFocus : .button
            x += buffer.write(label, x: x, y: y, maxWidth: max(0, text.maxX - x), style: appearance[slot]) + 2
        }
    }
}
