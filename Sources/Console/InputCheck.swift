/// What the scan input says about its text as it is typed: a pure function, shown inline under the
/// input (never a modal, which would swallow a scanner's next keys).
public enum InputCheck {
    /// The Base45 alphabet (RFC 9285) a code's body is written in.
    static let base45: Set<Character> = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

    /// What the input is.
    public enum Kind: Equatable, Sendable {
        case empty
        /// Starts with `TS1:` (in any case): verify it as a stamp code.
        case code
        /// Anything else: a UID typed by hand.
        case uid
    }

    public static func kind(of text: String) -> Kind {
        if text.isEmpty { return .empty }
        let head = String(text.prefix(4)).uppercased()
        if head == "TS1:" || (text.count < 4 && "TS1:".hasPrefix(head) && head.hasPrefix("T")) { return .code }
        return .uid
    }

    /// The problem with the text so far, in the officer's words, or nil. Characters are never removed:
    /// what the scanner sent is what gets verified (and recorded).
    public static func problem(in text: String) -> String? {
        guard kind(of: text) == .code else { return nil }
        let prefix = String(text.prefix(4))
        if prefix.count == 4 ? prefix != "TS1:" : !"TS1:".hasPrefix(prefix) {
            return "Codes start with upper-case \"TS1:\"; this one will be MALFORMED. Is Caps Lock on?"
        }
        for (i, c) in text.dropFirst(4).enumerated() where !base45.contains(c) {
            let position = i + 5
            let hint = c.isLowercase ? " (lower case: is Caps Lock on?)" : ""
            return "Character \(position) \"\(c)\" is not in a stamp code (0-9, A-Z, space, $%*+-./:)\(hint)."
        }
        return nil
    }
}
