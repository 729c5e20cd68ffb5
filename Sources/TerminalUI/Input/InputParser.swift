/// What a backend reads before interpretation: a character code, a curses key code, or an event the
/// backend already decoded (resize and mouse need the curses state to read).
public enum RawInput: Hashable, Sendable {
    /// A Unicode scalar as typed, including control codes and ESC.
    case scalar(Unicode.Scalar)
    /// A curses function-key code (`get_wch` returned `KEY_CODE_YES`).
    case keyCode(Int32)
    /// A curses extended key by its terminfo name (`kLFT5` is Ctrl-Left), for codes above `KEY_MAX`.
    case keyName(String)
    case resize(Size)
    case mouse(MouseEvent)
}

/// Turns raw terminal input into events: control codes, escape sequences (CSI, SS3, SGR mouse),
/// Alt-prefixed keys, bracketed paste (`ESC[200~` … `ESC[201~`) as one event, and scalars that
/// belong to one grapheme (accents, emoji sequences) merged into one character.
///
/// A pure state machine: `feed` input in order, `takeEvents` when a batch is done. Sequences may arrive
/// split across reads (a slow SSH link), so state carries over; `pendingTimeout` says how long to wait
/// for the rest before `flush` gives up on it (a lone ESC is the Esc key). Nothing typed is dropped or
/// reordered, however fast it comes.
public struct InputParser: Sendable {
    enum State: Hashable, Sendable {
        case ground
        case escape
        case csi([Unicode.Scalar])
        case ss3
        case paste([Unicode.Scalar])
    }

    private(set) var state: State = .ground
    private var events: [InputEvent] = []
    /// A CR was just seen: an LF right after it is the same Enter (scanners often send CR LF).
    private var afterCR = false

    /// Longest control sequence accepted; anything longer is noise, dropped rather than buffered forever.
    static let maxSequenceLength = 32
    static let pasteEnd: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]

    public init() {}

    /// How long to wait for more input before calling `flush`, or nil when nothing is pending.
    /// Short after a lone ESC (the curses ESCDELAY already ran), longer inside a sequence or a paste.
    public var pendingTimeout: Duration? {
        switch state {
        case .ground: nil
        case .escape: .milliseconds(30)
        case .csi, .ss3: .milliseconds(300)
        case .paste: .seconds(1)
        }
    }

    public var isInPaste: Bool { if case .paste = state { true } else { false } }

    /// The events decoded so far, in input order.
    public mutating func takeEvents() -> [InputEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Gives up waiting: a pending ESC becomes the Esc key, an unfinished sequence is dropped, an
    /// unterminated paste is delivered as it stands.
    public mutating func flush() {
        afterCR = false
        switch state {
        case .ground: break
        case .escape: emit(.escape)
        case .csi, .ss3: break
        case .paste(let text): events.append(.paste(Self.pasteText(text)))
        }
        state = .ground
    }

    public mutating func feed(_ input: RawInput) {
        switch input {
        case .scalar(let s): feedScalar(s)
        case .keyCode(let code):
            if let key = CursesKeyCode.decode(code) { feedKey(key) }
        case .keyName(let name):
            if let key = CursesKeyCode.decode(name: name) { feedKey(key) }
        case .resize(let size): events.append(.resize(size))
        case .mouse(let m): if !isInPaste { events.append(.mouse(m)) }
        }
    }

    public mutating func feed<S: Sequence>(_ inputs: S) where S.Element == RawInput {
        for i in inputs { feed(i) }
    }

    /// Feeds raw bytes-as-text (each scalar), as a terminal would send them.
    public mutating func feed(text: String) {
        for s in text.unicodeScalars { feedScalar(s) }
    }

    private mutating func feedKey(_ key: KeyEvent) {
        if case .paste(var text) = state {
            // Curses decoded part of the pasted text as a key: keep the text it stands for.
            switch key.key {
            case .enter: text.append("\n")
            case .tab: text.append("\t")
            default: break
            }
            state = .paste(text)
            return
        }
        if state == .escape {
            state = .ground
            var k = key
            k.modifiers.insert(.alt)
            afterCR = false
            events.append(.key(k))
            return
        }
        if state != .ground { state = .ground }
        afterCR = false
        events.append(.key(key))
    }

    private mutating func feedScalar(_ s: Unicode.Scalar) {
        switch state {
        case .ground:
            ground(s)
        case .escape:
            switch s {
            case "[": state = .csi([])
            case "O": state = .ss3
            case "\u{1B}": emit(.escape)
            default:
                state = .ground
                let before = events.count
                ground(s)
                if events.count > before, case .key(var k) = events[events.count - 1] {
                    k.modifiers.insert(.alt)
                    events[events.count - 1] = .key(k)
                }
            }
        case .csi(var params):
            let v = s.value
            if v >= 0x20 && v <= 0x3F {
                params.append(s)
                state = params.count > Self.maxSequenceLength ? .ground : .csi(params)
            } else if v >= 0x40 && v <= 0x7E {
                state = .ground
                csi(params, final: s)
            } else {
                state = .ground  // a broken sequence: drop it, keep the input that interrupted it
                ground(s)
            }
        case .ss3:
            state = .ground
            switch s {
            case "A": emit(.up)
            case "B": emit(.down)
            case "C": emit(.right)
            case "D": emit(.left)
            case "H": emit(.home)
            case "F": emit(.end)
            case "M": emit(.enter)
            case "P", "Q", "R", "S": emit(.function(Int(s.value - 0x50 + 1)))
            default: break
            }
        case .paste(var text):
            text.append(s)
            if text.count >= Self.pasteEnd.count && Array(text.suffix(Self.pasteEnd.count)) == Self.pasteEnd {
                text.removeLast(Self.pasteEnd.count)
                state = .ground
                events.append(.paste(Self.pasteText(text)))
            } else {
                state = .paste(text)
            }
        }
    }

    private mutating func ground(_ s: Unicode.Scalar) {
        let v = s.value
        let wasCR = afterCR
        afterCR = false
        switch v {
        case 0x1B: state = .escape
        case 0x0D: afterCR = true; emit(.enter)
        case 0x0A: if !wasCR { emit(.enter) }
        case 0x09: emit(.tab)
        case 0x08, 0x7F: emit(.backspace)
        case 0x00: emit(.character(" "), .ctrl)
        case 0x01...0x1A: emit(.character(Character(Unicode.Scalar(v + 0x60)!)), .ctrl)
        case 0x1C...0x1F: emit(.character(Character(Unicode.Scalar(v + 0x40)!)), .ctrl)
        case 0x80...0x9F: break  // C1 controls: never typed on purpose
        default: character(s)
        }
    }

    /// A printable scalar: joins the character just typed when they form one grapheme (e + ◌́, 👍 + 🏽).
    private mutating func character(_ s: Unicode.Scalar) {
        if case .key(let last)? = events.last, last.modifiers.isEmpty, case .character(let c) = last.key {
            var joined = String(c)
            joined.unicodeScalars.append(s)
            if joined.count == 1 {
                events[events.count - 1] = .key(KeyEvent(.character(joined.first!)))
                return
            }
        }
        events.append(.key(KeyEvent(.character(Character(s)))))
    }

    private mutating func csi(_ params: [Unicode.Scalar], final: Unicode.Scalar) {
        var text = ""
        text.unicodeScalars.append(contentsOf: params)
        if text.hasPrefix("<") {
            mouse(String(text.dropFirst()), pressed: final == "M")
            return
        }
        let fields = text.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = fields.first.flatMap { $0 } ?? 1
        var mods: KeyEvent.Modifiers = []
        if fields.count >= 2, let m = fields[1], m >= 2 {
            let bits = m - 1
            if bits & 1 != 0 { mods.insert(.shift) }
            if bits & 2 != 0 { mods.insert(.alt) }
            if bits & 4 != 0 { mods.insert(.ctrl) }
        }
        switch final {
        case "A": emit(.up, mods)
        case "B": emit(.down, mods)
        case "C": emit(.right, mods)
        case "D": emit(.left, mods)
        case "H": emit(.home, mods)
        case "F": emit(.end, mods)
        case "Z": emit(.tab, mods.union(.shift))
        case "P", "Q", "R", "S": emit(.function(Int(final.value - 0x50 + 1)), mods)
        case "~":
            switch first {
            case 200: state = .paste([])
            case 201: break  // an end without a start: nothing to deliver
            case 1, 7: emit(.home, mods)
            case 2: emit(.insert, mods)
            case 3: emit(.delete, mods)
            case 4, 8: emit(.end, mods)
            case 5: emit(.pageUp, mods)
            case 6: emit(.pageDown, mods)
            case 11...15: emit(.function(first - 10), mods)
            case 17...21: emit(.function(first - 11), mods)
            case 23...26: emit(.function(first - 12), mods)
            case 28...29, 31...34: emit(.function(first < 30 ? first - 13 : first - 14), mods)
            default: break
            }
        default: break  // focus reports and other sequences we do not use
        }
    }

    /// SGR mouse report `ESC[<b;x;yM` (press) or `…m` (release), 1-based coordinates.
    private mutating func mouse(_ body: String, pressed: Bool) {
        let parts = body.split(separator: ";").compactMap { Int($0) }
        guard parts.count == 3 else { return }
        let b = parts[0]
        let position = Position(x: parts[1] - 1, y: parts[2] - 1)
        let kind: MouseEvent.Kind
        if b & 64 != 0 {
            kind = b & 1 == 0 ? .scrollUp : .scrollDown
        } else if b & 32 != 0 {
            kind = .move
        } else {
            let button = (b & 3) + 1
            kind = pressed ? .press(button) : .release(button)
        }
        events.append(.mouse(MouseEvent(kind, at: position)))
    }

    private mutating func emit(_ key: Key, _ modifiers: KeyEvent.Modifiers = []) {
        events.append(.key(KeyEvent(key, modifiers)))
    }

    /// Pasted text with line endings made uniform (terminals send CR for newlines).
    static func pasteText(_ scalars: [Unicode.Scalar]) -> String {
        var s = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\r" {
                s.append("\n")
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
            } else {
                s.append(c)
            }
            i += 1
        }
        return String(s)
    }
}
