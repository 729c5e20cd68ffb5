import StampCodes
import TerminalUI

/// The console's screens, in tab order.
public enum ConsoleScreen: Int, Sendable, CaseIterable {
    case scan, checklist, provenance, status

    public var title: String {
        switch self {
        case .scan: "Scan"
        case .checklist: "Checklist"
        case .provenance: "Provenance"
        case .status: "Cache & sync"
        }
    }

    /// The action that opens this screen.
    public var action: Action {
        switch self {
        case .scan: ConsoleKeys.screenScan
        case .checklist: ConsoleKeys.screenChecklist
        case .provenance: ConsoleKeys.screenProvenance
        case .status: ConsoleKeys.screenStatus
        }
    }
}

/// One inspection made in this session, newest first in the model's list.
public struct SessionEntry: Sendable {
    /// Unique in the session (messages about a checklist record name the entry by it).
    public var id: Int
    public var outcome: InspectionOutcome
    /// Epoch seconds of the inspection.
    public var at: Int64
    public var cache: CacheSummary?
    /// The first record's id, once it is on disk.
    public var recordID: String?
    /// nil when recorded; otherwise why the store refused it (shown, never hidden).
    public var recordError: String?
    /// The series' checklist with the officer's marks (nil when the cache has none for this inspection).
    public var checklist: ChecklistState?
    /// Why there is no checklist, in the officer's words.
    public var checklistNote: String?
    public var place: TextInputState
    public var notes = TextInputState(maxLength: 2000)
    /// Ids of the checklist records written for this inspection, oldest first.
    public var followUps: [String] = []
    /// Marks, place or notes changed since the last checklist record (or none was written yet and something changed).
    public var checklistDirty = false
    public var savingChecklist = false
    /// Why the last checklist record failed, if it did.
    public var followUpError: String?

    public init(id: Int, outcome: InspectionOutcome, at: Int64, cache: CacheSummary?, recordID: String?, recordError: String?,
                checklist: ChecklistState? = nil, checklistNote: String? = nil, place: String = "") {
        self.id = id; self.outcome = outcome; self.at = at; self.cache = cache; self.recordID = recordID
        self.recordError = recordError; self.checklist = checklist; self.checklistNote = checklistNote
        self.place = TextInputState(place, maxLength: 200)
    }

    /// The inspection's verdict and reasons now: the scan's, with the checklist's marks applied.
    public var judged: (verdict: Verdict, reasons: [Reason]) {
        guard let checklist else { return (outcome.verdict, outcome.reasons) }
        return ChecklistRules.apply(checklist, to: outcome)
    }
}

/// The console's state: the screen shown, the scan input, the session's inspections, overlays.
public struct ConsoleModel: Sendable {
    public var screen: ConsoleScreen = .scan
    public var input = TextInputState(maxLength: 8192)
    /// The inline message under the input (a wrong character).
    public var inputMessage: String?
    /// Entries waiting to be inspected and recorded, oldest first (a scanner can outrun the store).
    public var queue: [String] = []
    /// True while the entry at the head of the queue is being inspected and recorded.
    public var working = false
    /// Inspections made so far, most recent first.
    public var session: [SessionEntry] = []
    public var sessionList = ListState(count: 0)
    /// Index in `session` of the inspection the result panel, checklist and provenance show (the selected row).
    public var shown: Int? { session.isEmpty ? nil : sessionList.selected }
    public var cache: CacheSummary?
    /// False until the first cache reading came back (the status screen shows "reading…").
    public var cacheLoaded = false
    public var sync: SyncStatus?
    public var syncLoaded = false
    /// The checklist row with the keyboard: features first, then the place and notes fields.
    public var checklistCursor = 0
    /// The first line of the provenance screen's scrolling part.
    public var provenanceOffset = 0
    public var showHelp = false
    public var helpOffset = 0
    /// Esc was pressed once on an empty scan input; a second Esc quits.
    public var escapeArmed = false
    /// Quit was asked with an unrecorded checklist; asking again quits.
    public var quitArmed = false
    /// A short line for the status bar's left side.
    public var status = ""
    public var keyMap: KeyMap
    public var appearance: Appearance
    public var size: Size
    var nextEntryID = 1

    public init(keyMap: KeyMap = ConsoleKeys.standard, appearance: Appearance = Appearance(theme: .default),
                size: Size = Size(width: 80, height: 24), cache: CacheSummary? = nil, status: String = "") {
        self.keyMap = keyMap
        self.appearance = appearance
        self.size = size
        self.cache = cache
        self.status = status
    }

    /// The inspection shown, if any.
    public var shownEntry: SessionEntry? { shown.flatMap { $0 < session.count ? session[$0] : nil } }
}

/// Everything that can happen to the console.
public enum ConsoleMessage: Sendable {
    case input(InputEvent)
    /// The head of the queue was inspected and (unless `recordError`) recorded; then the cache, outbox and sync figures.
    case inspected(SessionEntry, CacheSummary?, SyncStatus?)
    /// A checklist follow-up record for the entry with this id was written (record id) or refused (error).
    case checklistRecorded(entry: Int, recordID: String?, error: String?, CacheSummary?, SyncStatus?)
    /// Fresh cache, outbox and sync figures.
    case cacheRefreshed(CacheSummary?, SyncStatus?)
    /// The background sync's status changed (a run started, made progress or ended).
    case syncChanged(SyncStatus)
}

/// The console's key map. On the scan screen, keys that type a character go to the input (so a UID typed
/// by hand never triggers navigation), except `q` and `?` on an empty input.
public enum ConsoleKeys {
    public static let verify: Action = "verify"
    public static let markPass: Action = "mark-pass"
    public static let markFail: Action = "mark-fail"
    public static let markUnchecked: Action = "mark-not-checked"
    public static let screenScan: Action = "screen-scan"
    public static let screenChecklist: Action = "screen-checklist"
    public static let screenProvenance: Action = "screen-provenance"
    public static let screenStatus: Action = "screen-status"
    public static let nextScreen: Action = "next-screen"
    public static let previousScreen: Action = "previous-screen"
    public static let refresh: Action = "refresh"
    public static let syncNow: Action = "sync-now"

    public static let standard = KeyMap([
        KeyBinding(verify, [KeyEvent(.enter)], "Scan: verify (empty input: checklist); Checklist: record", group: "Inspection"),
        KeyBinding(.back, [KeyEvent(.escape)], "Clear the input; back to Scan; twice: quit", group: "Inspection"),
        KeyBinding(markPass, [.char("p")], "Checklist: mark the feature passed", group: "Inspection"),
        KeyBinding(markFail, [.char("f")], "Checklist: mark the feature failed", group: "Inspection"),
        KeyBinding(markUnchecked, [.char("n")], "Checklist: mark the feature not checked", group: "Inspection"),
        KeyBinding(.left, [KeyEvent(.left), .char("h")], "Checklist: previous mark; else previous screen", group: "Inspection"),
        KeyBinding(.right, [KeyEvent(.right), .char("l")], "Checklist: next mark; else next screen", group: "Inspection"),
        KeyBinding(screenScan, [KeyEvent(.function(2))], "Scan screen", group: "Screens"),
        KeyBinding(screenChecklist, [KeyEvent(.function(3))], "Checklist of the inspection shown", group: "Screens"),
        KeyBinding(screenProvenance, [KeyEvent(.function(4))], "Provenance of the inspection shown", group: "Screens"),
        KeyBinding(screenStatus, [KeyEvent(.function(5))], "Cache and sync status", group: "Screens"),
        KeyBinding(nextScreen, [KeyEvent(.tab)], "Next screen", group: "Screens"),
        KeyBinding(previousScreen, [KeyEvent(.tab, .shift)], "Previous screen", group: "Screens"),
        KeyBinding(.up, [KeyEvent(.up), .char("k")], "Newer inspection, previous feature, scroll up", group: "Moving"),
        KeyBinding(.down, [KeyEvent(.down), .char("j")], "Older inspection, next feature, scroll down", group: "Moving"),
        KeyBinding(.pageUp, [KeyEvent(.pageUp), .ctrl("b")], "Page up", group: "Moving"),
        KeyBinding(.pageDown, [KeyEvent(.pageDown), .ctrl("f")], "Page down", group: "Moving"),
        KeyBinding(.top, [KeyEvent(.home), .char("g")], "Top", group: "Moving"),
        KeyBinding(.bottom, [KeyEvent(.end), .char("G")], "Bottom", group: "Moving"),
        KeyBinding(.help, [.char("?"), KeyEvent(.function(1))], "Show or hide this help", group: "General"),
        KeyBinding(refresh, [.char("r")], "Cache & sync: read the figures again", group: "General"),
        KeyBinding(syncNow, [.char("s")], "Cache & sync: send waiting records to the hub now", group: "General"),
        KeyBinding(.repaint, [.ctrl("l")], "Redraw the screen", group: "General"),
        KeyBinding(.quit, [.char("q"), .ctrl("c")], "Quit (q only when no text is being typed)", group: "General"),
    ])
}
