/// What the terminal can do, decided from the environment and terminfo alone.
///
/// Pure functions of their inputs (as in swift-tui's `EnvironmentResolver`), so every row of the decision
/// table is a unit test and nothing here reads the process environment itself.
public enum TerminalEnvironment {
    /// The colour depth to draw with.
    ///
    /// In order: `NO_COLOR` set and non-empty → monochrome (attributes stay); `TERM=dumb` → monochrome;
    /// a terminal with colour at all and `COLORTERM=truecolor` or `24bit` → truecolor; otherwise the
    /// terminfo colour count: ≥256 → 256, ≥16 → 16, ≥8 → 8, else monochrome. A terminfo count is never
    /// promoted to truecolor without `COLORTERM`, because terminals that lie about 24-bit colour are common
    /// and the 256-colour fallback is always legible.
    public static func colorDepth(environment: [String: String], terminfoColors: Int) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if environment["TERM"]?.lowercased() == "dumb" { return .monochrome }
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        if terminfoColors >= 8 && (colorterm == "truecolor" || colorterm == "24bit") { return .truecolor }
        switch terminfoColors {
        case 256...: return .indexed256
        case 16..<256: return .ansi16
        case 8..<16: return .ansi8
        default: return .monochrome
        }
    }

    /// Whether the locale encodes text as UTF-8: the first of `LC_ALL`, `LC_CTYPE`, `LANG` that is set
    /// and non-empty decides (POSIX precedence); none set means the C locale, which is ASCII.
    public static func isUTF8(_ environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                let v = value.lowercased()
                return v.contains("utf-8") || v.contains("utf8")
            }
        }
        return false
    }
}
