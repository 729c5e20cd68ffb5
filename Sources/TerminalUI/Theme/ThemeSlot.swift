/// A named place in the UI that a theme styles (`status`, `selected`, `verdict.genuine`).
///
/// Widgets and screens ask the theme for slots, never for colours, so a theme file can restyle
/// everything and the monochrome fallback has one place to act.
public struct ThemeSlot: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }
    public static func < (a: ThemeSlot, b: ThemeSlot) -> Bool { a.name < b.name }

    // Text and panels
    /// Ordinary text on the screen background; every region is painted with it first.
    public static let base: ThemeSlot = "base"
    /// Secondary text: hints, timestamps, placeholders.
    public static let muted: ThemeSlot = "muted"
    public static let title: ThemeSlot = "title"
    public static let border: ThemeSlot = "border"
    /// The border of the panel that has the keyboard.
    public static let borderFocus: ThemeSlot = "border.focus"
    /// Column titles of a table.
    public static let header: ThemeSlot = "header"
    /// The selected row of a list or table.
    public static let selected: ThemeSlot = "selected"
    /// Matched text (search hits).
    public static let highlight: ThemeSlot = "highlight"

    // Chrome
    public static let status: ThemeSlot = "status"
    /// Key names in the status bar's hints.
    public static let statusKey: ThemeSlot = "status.key"
    public static let tabActive: ThemeSlot = "tab.active"
    public static let tabInactive: ThemeSlot = "tab.inactive"

    // Input
    public static let input: ThemeSlot = "input"
    public static let inputFocus: ThemeSlot = "input.focus"
    public static let placeholder: ThemeSlot = "placeholder"
    public static let label: ThemeSlot = "label"
    public static let button: ThemeSlot = "button"
    public static let buttonFocus: ThemeSlot = "button.focus"

    // Messages
    public static let error: ThemeSlot = "error"
    public static let warning: ThemeSlot = "warning"
    public static let success: ThemeSlot = "success"
    public static let info: ThemeSlot = "info"

    // Overlays
    public static let modal: ThemeSlot = "modal"
    public static let modalTitle: ThemeSlot = "modal.title"
    public static let helpKey: ThemeSlot = "help.key"
    public static let helpText: ThemeSlot = "help.text"
    public static let helpGroup: ThemeSlot = "help.group"

    // Figures
    public static let progressDone: ThemeSlot = "progress.done"
    public static let progressTodo: ThemeSlot = "progress.todo"
    public static let chartBar: ThemeSlot = "chart.bar"
    public static let chartLabel: ThemeSlot = "chart.label"
    public static let sparkline: ThemeSlot = "sparkline"
    public static let timelineTime: ThemeSlot = "timeline.time"
    public static let timelineMarker: ThemeSlot = "timeline.marker"

    // Verdicts, for the console's screens: every theme must style all five.
    public static let verdictGenuine: ThemeSlot = "verdict.genuine"
    public static let verdictSuspect: ThemeSlot = "verdict.suspect"
    public static let verdictUnverifiable: ThemeSlot = "verdict.unverifiable"
    public static let verdictCounterfeit: ThemeSlot = "verdict.counterfeit"
    public static let verdictMalformed: ThemeSlot = "verdict.malformed"

    /// Every slot the widgets and the console use; a complete theme file defines all of them.
    public static let standard: [ThemeSlot] = [
        .base, .muted, .title, .border, .borderFocus, .header, .selected, .highlight,
        .status, .statusKey, .tabActive, .tabInactive,
        .input, .inputFocus, .placeholder, .label, .button, .buttonFocus,
        .error, .warning, .success, .info,
        .modal, .modalTitle, .helpKey, .helpText, .helpGroup,
        .progressDone, .progressTodo, .chartBar, .chartLabel, .sparkline, .timelineTime, .timelineMarker,
        .verdictGenuine, .verdictSuspect, .verdictUnverifiable, .verdictCounterfeit, .verdictMalformed,
    ]
}
