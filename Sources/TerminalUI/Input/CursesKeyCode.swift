import CNcursesw

/// Curses function-key codes (what `get_wch` returns with `KEY_CODE_YES`) as key events.
///
/// Pure: the codes are ncurses' ABI constants, so the table is testable without a terminal.
public enum CursesKeyCode {
    public static func decode(_ code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return KeyEvent(.up)
        case KEY_DOWN: return KeyEvent(.down)
        case KEY_LEFT: return KeyEvent(.left)
        case KEY_RIGHT: return KeyEvent(.right)
        case KEY_HOME, KEY_A1: return KeyEvent(.home)
        case KEY_END, KEY_C1, KEY_LL: return KeyEvent(.end)
        case KEY_PPAGE, KEY_A3: return KeyEvent(.pageUp)
        case KEY_NPAGE, KEY_C3: return KeyEvent(.pageDown)
        case KEY_IC: return KeyEvent(.insert)
        case KEY_DC: return KeyEvent(.delete)
        case KEY_BACKSPACE: return KeyEvent(.backspace)
        case KEY_ENTER: return KeyEvent(.enter)
        case KEY_BTAB: return KeyEvent(.tab, .shift)
        case KEY_SR: return KeyEvent(.up, .shift)
        case KEY_SF: return KeyEvent(.down, .shift)
        case KEY_SLEFT: return KeyEvent(.left, .shift)
        case KEY_SRIGHT: return KeyEvent(.right, .shift)
        case KEY_SHOME: return KeyEvent(.home, .shift)
        case KEY_SEND: return KeyEvent(.end, .shift)
        case KEY_SDC: return KeyEvent(.delete, .shift)
        case KEY_SIC: return KeyEvent(.insert, .shift)
        case KEY_SPREVIOUS: return KeyEvent(.pageUp, .shift)
        case KEY_SNEXT: return KeyEvent(.pageDown, .shift)
        case (KEY_F0 + 1)...(KEY_F0 + 63):
            // xterm's terminfo numbers Shift-F1 as F13, Ctrl-F1 as F25, Ctrl-Shift-F1 as F37.
            let n = Int(code - KEY_F0)
            switch n {
            case 1...12: return KeyEvent(.function(n))
            case 13...24: return KeyEvent(.function(n - 12), .shift)
            case 25...36: return KeyEvent(.function(n - 24), .ctrl)
            case 37...48: return KeyEvent(.function(n - 36), [.ctrl, .shift])
            default: return KeyEvent(.function(n))
            }
        default: return nil
        }
    }

    /// Extended keys ncurses numbers above `KEY_MAX`, by terminfo name: `kLFT5` is Ctrl-Left,
    /// the digit being xterm's modifier code (2 shift, 3 alt, 5 ctrl, …).
    public static func decode(name: String) -> KeyEvent? {
        guard name.hasPrefix("k"), let digit = name.last?.wholeNumberValue, digit >= 2, digit <= 8 else { return nil }
        let base = name.dropFirst().dropLast()
        let key: Key
        switch base {
        case "UP": key = .up
        case "DN": key = .down
        case "LFT": key = .left
        case "RIT": key = .right
        case "HOM": key = .home
        case "END": key = .end
        case "NXT": key = .pageDown
        case "PRV": key = .pageUp
        case "DC": key = .delete
        case "IC": key = .insert
        default: return nil
        }
        let bits = digit - 1
        var mods: KeyEvent.Modifiers = []
        if bits & 1 != 0 { mods.insert(.shift) }
        if bits & 2 != 0 { mods.insert(.alt) }
        if bits & 4 != 0 { mods.insert(.ctrl) }
        return KeyEvent(key, mods)
    }
}
