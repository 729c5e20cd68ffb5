/// One labelled field of a form, with the rule that checks it.
public struct FormField: Sendable {
    public var id: String
    public var label: String
    public var input: TextInputState
    public var placeholder: String
    /// Returns what is wrong with the value, in the officer's words, or nil when it is fine.
    public var validate: @Sendable (String) -> String?
    /// The message from the last check, shown under the field.
    public var error: String?

    public init(id: String, label: String, value: String = "", placeholder: String = "", maxLength: Int? = nil,
                validate: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.id = id
        self.label = label
        self.input = TextInputState(value, maxLength: maxLength)
        self.placeholder = placeholder
        self.validate = validate
    }

    public var value: String { input.text }
}

/// A form's fields and which one has the keyboard.
///
/// A field is checked when focus leaves it and all are checked on submit; a field's message clears as
/// soon as it is edited. Tab/Shift-Tab and ↓/↑ move between fields, Enter submits, Esc cancels (all
/// through the key map, so they follow remapping).
public struct FormState: Sendable {
    public var fields: [FormField]
    public private(set) var focus: Int

    public enum Outcome: Hashable, Sendable {
        /// The form did not use the input.
        case ignored
        case edited
        case moved
        /// Every field passed: the values by field id.
        case submitted([String: String])
        /// Submit refused: this many fields have messages; focus is on the first of them.
        case invalid(Int)
        case cancelled
    }

    public init(fields: [FormField], focus: Int = 0) {
        self.fields = fields
        self.focus = fields.isEmpty ? 0 : min(max(0, focus), fields.count - 1)
    }

    public var values: [String: String] { Dictionary(fields.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a }) }
    public var errors: [String: String] {
        Dictionary(fields.compactMap { f in f.error.map { (f.id, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    public mutating func handle(_ event: InputEvent, keyMap: KeyMap = .standard) -> Outcome {
        guard !fields.isEmpty else { return .ignored }
        if case .key(let k) = event, let action = keyMap.action(for: k, textEntry: true) {
            switch action {
            case .focusNext, .down: return moveFocus(to: focus + 1)
            case .focusPrevious, .up: return moveFocus(to: focus - 1)
            case .select: return submit()
            case .back: return .cancelled
            default: break
            }
        }
        if fields[focus].input.handle(event) {
            fields[focus].error = nil
            return .edited
        }
        return .ignored
    }

    /// Checks every field; submits when all pass.
    public mutating func submit() -> Outcome {
        var bad = 0
        for i in fields.indices {
            fields[i].error = fields[i].validate(fields[i].value)
            if fields[i].error != nil { bad += 1 }
        }
        if bad == 0 { return .submitted(values) }
        focus = fields.firstIndex { $0.error != nil } ?? focus
        return .invalid(bad)
    }

    /// Moves focus (wrapping), checking the field being left.
    public mutating func moveFocus(to index: Int) -> Outcome {
        fields[focus].error = fields[focus].validate(fields[focus].value)
        focus = (index % fields.count + fields.count) % fields.count
        return .moved
    }
}

/// Draws a form: one row per field (label, then the input) and, under a field with a problem, its
/// message after a ✗ mark, so errors are read, not just seen in red.
public enum FormView {
    /// Rows the form needs: a field row, plus a message row when the field has one.
    public static func height(of state: FormState) -> Int {
        state.fields.reduce(0) { $0 + 1 + ($1.error == nil ? 0 : 1) }
    }

    public static func render(_ state: FormState, into buffer: inout Buffer, area: Rect, appearance: Appearance, focused: Bool = true) {
        guard !area.isEmpty else { return }
        let g = appearance.glyphs
        let labelWidth = min(area.width / 3, (state.fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 3)
        var y = area.y
        for (i, field) in state.fields.enumerated() where y < area.maxY {
            let isFocused = focused && i == state.focus
            let marker = isFocused ? g.pointer + " " : "  "
            buffer.write(marker, x: area.x, y: y, maxWidth: 2, style: .bold)
            buffer.write(TextLayout.truncate(field.label, to: labelWidth - 3, ellipsis: g.ellipsis), x: area.x + 2, y: y,
                         maxWidth: labelWidth - 3, style: appearance[.label])
            let inputArea = Rect(x: area.x + labelWidth, y: y, width: area.width - labelWidth, height: 1)
            TextInputView.render(field.input, focused: isFocused, placeholder: field.placeholder,
                                 into: &buffer, area: inputArea, appearance: appearance)
            y += 1
            if let error = field.error, y < area.maxY {
                let text = g.cross + " " + error
                buffer.write(TextLayout.truncate(text, to: area.width - labelWidth, ellipsis: g.ellipsis), x: area.x + labelWidth, y: y,
                             maxWidth: area.width - labelWidth, style: appearance[.error])
                y += 1
            }
        }
    }
}
