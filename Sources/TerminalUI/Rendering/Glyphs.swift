/// The drawing characters widgets use, in a Unicode set and a plain-ASCII set for non-UTF-8 locales
/// (old serial consoles, `LANG=C` over SSH), so nothing turns into mojibake.
public struct Glyphs: Hashable, Sendable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    /// The focused panel's border: a different shape, not only a different colour.
    public var heavyHorizontal: String
    public var heavyVertical: String
    /// Top left, top right, bottom left, bottom right.
    public var heavyCorners: [String]
    /// Marks text cut short.
    public var ellipsis: String
    /// Points at the selected row (so selection does not rest on colour alone).
    public var pointer: String
    /// Timeline: an event's marker and the line joining events.
    public var bullet: String
    public var connector: String
    /// Validation: an error marker and an ok marker.
    public var cross: String
    public var check: String
    /// Bars: partial blocks from one eighth up to a full block (8 entries).
    public var eighths: [String]
    /// Sparklines: 8 levels from lowest to highest.
    public var levels: [String]
    /// Progress: done and to-do cells.
    public var progressDone: String
    public var progressTodo: String
    /// Tells a left and right scroll indicator apart from text.
    public var moreAbove: String
    public var moreBelow: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        heavyHorizontal: "━", heavyVertical: "┃", heavyCorners: ["┏", "┓", "┗", "┛"],
        ellipsis: "…", pointer: "▶", bullet: "●", connector: "│", cross: "✗", check: "✓",
        eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        progressDone: "█", progressTodo: "░", moreAbove: "▲", moreBelow: "▼")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        heavyHorizontal: "=", heavyVertical: "#", heavyCorners: ["#", "#", "#", "#"],
        ellipsis: "~", pointer: ">", bullet: "*", connector: "|", cross: "x", check: "+",
        eighths: ["", "", "", "", "#", "#", "#", "#"],
        levels: ["_", ".", "-", ":", "=", "+", "*", "#"],
        progressDone: "#", progressTodo: "-", moreAbove: "^", moreBelow: "v")

    /// Unicode when the locale says UTF-8, ASCII otherwise.
    public static func forEnvironment(_ environment: [String: String]) -> Glyphs {
        TerminalEnvironment.isUTF8(environment) ? .unicode : .ascii
    }
}
