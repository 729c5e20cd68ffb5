import StampCodes
import TerminalUI

/// One inspection made in this session, newest first in the model's list.
public struct SessionEntry: Sendable {
    public var result: VerificationResult
    /// Epoch seconds of the inspection.
    public var at: Int64
    public var cache: CacheSummary?
    /// nil when recorded; otherwise why the store refused it (shown, never hidden).
    public var recordError: String?
}

/// The console's state: the scan input, the inspection shown, the session's inspections, overlays.
public struct ConsoleModel: Sendable {
    public var input = TextInputState(maxLength: 8192)
    /// The inline message under the input (a wrong character, a UID that cannot be looked up).
    public var inputMessage: String?
    /// Codes entered and waiting to be verified and recorded, oldest first (a scanner can outrun the store).
    public var queue: [String] = []
    /// True while the inspection at the head of the queue is being verified and recorded.
    public var working = false
    /// Inspections made so far, most recent first.
    public var session: [SessionEntry] = []
    public var sessionList = ListState(count: 0)
    /// Index in `session` of the inspection the result panel shows (the selected row).
    public var shown: Int? { session.isEmpty ? nil : sessionList.selected }
    public var cache: CacheSummary?
    public var showHelp = false
    public var helpOffset = 0
    /// Esc was pressed once on an empty input; a second Esc quits.
    public var escapeArmed = false
    /// A short line for the status bar's left side.
    public var status = ""
    public var keyMap: KeyMap
    public var appearance: Appearance
    public var size: Size

    public init(keyMap: KeyMap = ConsoleKeys.standard, appearance: Appearance = Appearance(theme: .default),
                size: Size = Size(width: 80, height: 24), cache: CacheSummary? = nil) {
        self.keyMap = keyMap
        self.appearance = appearance
        self.size = size
        self.cache = cache
    }
}

/// Everything that can happen to the console.
public enum ConsoleMessage: Sendable {
    case input(InputEvent)
    /// The head of the queue was verified and (unless `recordError`) recorded; then the cache and outbox figures.
    case inspected(SessionEntry, CacheSummary?)
    /// Fresh cache and outbox figures.
    case cacheRefreshed(CacheSummary?)
}

/// The console's key map: Enter verifies, arrows move in the session list, help on `?` and F1.
/// Letters are left to the input, so a UID typed by hand never triggers navigation.
public enum ConsoleKeys {
    public static let verify: Action = "verify"

    public static let standard = KeyMap([
        KeyBinding(verify, [KeyEvent(.enter)], "Verify the code and record the inspection", group: "Scan"),
        KeyBinding(.back, [KeyEvent(.escape)], "Clear the input (twice on an empty input: quit)", group: "Scan"),
        KeyBinding(.up, [KeyEvent(.up)], "Newer inspection", group: "Session"),
        KeyBinding(.down, [KeyEvent(.down)], "Older inspection", group: "Session"),
        KeyBinding(.pageUp, [KeyEvent(.pageUp)], "Page up", group: "Session"),
        KeyBinding(.pageDown, [KeyEvent(.pageDown)], "Page down", group: "Session"),
        KeyBinding(.help, [.char("?"), KeyEvent(.function(1))], "Show or hide this help", group: "General"),
        KeyBinding(.repaint, [.ctrl("l")], "Redraw the screen", group: "General"),
        KeyBinding(.quit, [.char("q"), .ctrl("c")], "Quit (q only when the input is empty)", group: "General"),
    ])
}
