import TerminalUI

/// The console's config file (`$XDG_CONFIG_HOME/stampwatch/config`), parsed strictly: every mistake is
/// reported with its line, and a file with mistakes is not used (an officer id or place that silently
/// fell back would end up in court records).
///
/// ```
/// # Stampwatch console settings. `#` starts a comment.
/// [console]
/// theme = sunlight          # default, light, high-contrast, sunlight, or a .theme file's path
/// mouse = off               # on / off
/// ascii = off               # on: plain ASCII lines and symbols even in a UTF-8 locale
///
/// [inspection]
/// officer = OFF-0042        # goes into every inspection record
/// place = Ressano Garcia border post
/// market = MZ               # codes for another market are SUSPECT (market-mismatch)
///
/// [keys]                    # action = key, key…  (the actions are listed by the help overlay, ? or F1)
/// mark-fail = x
/// quit = ctrl-q
/// ```
public struct ConsoleConfig: Equatable, Sendable {
    public var theme: String?
    /// The line `theme` was set on, for messages about the theme.
    public var themeLine: Int?
    public var mouse = false
    public var ascii = false
    public var officerID: String?
    public var place: String?
    public var market: String?
    /// The `[keys]` lines as `bind` lines, line numbers kept (blank lines elsewhere).
    public var keyLines = ""
    public var source = "config"

    public init() {}

    /// The `[sync]` section's lines as written (comments and all), at their line numbers, every other line
    /// blank: what the sync engine's own parser (`Sync.SyncConfigFile`) reads, so its errors name the right line.
    public var syncSection = ""

    /// The sections and the keys each accepts.
    public static let sections: [String: [String]] = [
        "console": ["theme", "mouse", "ascii"],
        "inspection": ["officer", "place", "market"],
        "keys": [],
    ]

    /// Sections this parser accepts but leaves to another part of the program, with their own syntax.
    public static let otherSections: Set<String> = ["sync"]

    /// A check of a section this parser leaves to another part: given the section's text (lines at their
    /// numbers, others blank), the mistakes as (line, message).
    public typealias SectionCheck = (_ text: String) -> [(line: Int, message: String)]

    /// - Parameter sync: checks the `[sync]` section (the console passes `Sync.SyncConfigFile.parse`); without
    ///   it the section is kept in `syncSection` unchecked.
    public static func parse(_ text: String, source: String = "config", sync: SectionCheck? = nil) -> Result<ConsoleConfig, ConfigErrors> {
        var config = ConsoleConfig()
        config.source = source
        var errors: [ConfigError] = []
        var section: String?
        var seen: [String: Int] = [:]
        var keyLines: [String] = []
        var syncLines: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let lineNumber = index + 1
            keyLines.append("")
            syncLines.append("")
            func fail(_ message: String) { errors.append(ConfigError(source: source, line: lineNumber, message: message)) }
            let line = stripComment(raw).trimmingCharacters
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { fail("a section header is `[name]`, found \"\(line)\""); continue }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters.lowercased()
                if otherSections.contains(name) {
                    section = name
                    syncLines[index] = "[\(name)]"
                    continue
                }
                guard sections[name] != nil else {
                    fail("unknown section `[\(name)]`: sections are [console], [inspection], [keys] and [sync]")
                    section = nil
                    continue
                }
                section = name
                continue
            }
            if section == "sync" {
                syncLines[index] = String(raw)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { fail("expected `key = value`, found \"\(line)\""); continue }
            let key = String(line[..<eq]).trimmingCharacters.lowercased()
            let value = String(line[line.index(after: eq)...]).trimmingCharacters
            guard let section else {
                fail("`\(key)` is outside a section: put it under [console], [inspection], [keys] or [sync]")
                continue
            }
            if key.isEmpty { fail("missing key before `=`"); continue }
            if section == "keys" {
                keyLines[index] = "bind \(key) = \(value)"
                continue
            }
            let allowed = sections[section]!
            guard allowed.contains(key) else {
                fail("unknown key `\(key)` in [\(section)]: use \(allowed.joined(separator: ", "))")
                continue
            }
            if let first = seen["\(section).\(key)"] {
                fail("`\(key)` is already set on line \(first); keep one of them")
                continue
            }
            seen["\(section).\(key)"] = lineNumber
            switch key {
            case "theme":
                guard !value.isEmpty else { fail("`theme` needs a name (default, light, high-contrast, sunlight) or a file path"); continue }
                config.theme = value
                config.themeLine = lineNumber
            case "mouse", "ascii":
                guard let b = boolean(value) else { fail("`\(key)` is on or off, found \"\(value)\""); continue }
                if key == "mouse" { config.mouse = b } else { config.ascii = b }
            case "officer":
                guard !value.isEmpty else { fail("`officer` is empty: write the officer id, or remove the line"); continue }
                config.officerID = value
            case "place":
                guard !value.isEmpty else { fail("`place` is empty: write the place, or remove the line"); continue }
                config.place = value
            case "market":
                guard isMarket(value) else {
                    fail("`market` is an ISO 3166 code like MZ or MZ-MPM (upper case), found \"\(value)\""); continue
                }
                config.market = value
            default:
                break
            }
        }
        config.keyLines = keyLines.joined(separator: "\n")
        config.syncSection = syncLines.joined(separator: "\n")
        if let sync {
            errors += sync(config.syncSection).map { ConfigError(source: source, line: $0.line, message: "[sync] " + $0.message) }
        }
        // The key lines are checked against the console's actions now, so a typo is caught with its line.
        var keyMap = ConsoleKeys.standard
        errors += keyMap.apply(config: config.keyLines, source: source)
        if !errors.isEmpty { return .failure(ConfigErrors(errors: errors.sorted { $0.line < $1.line })) }
        return .success(config)
    }

    /// The console's key map with this file's `[keys]` applied.
    public var keyMap: KeyMap {
        var map = ConsoleKeys.standard
        _ = map.apply(config: keyLines, source: source)
        return map
    }

    static func boolean(_ v: String) -> Bool? {
        switch v.lowercased() {
        case "on", "yes", "true", "1": true
        case "off", "no", "false", "0": false
        default: nil
        }
    }

    static func isMarket(_ v: String) -> Bool {
        let b = Array(v.utf8)
        func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func alnum(_ c: UInt8) -> Bool { upper(c) || (c >= 0x30 && c <= 0x39) }
        guard b.count == 2 || (4...6).contains(b.count), upper(b[0]), upper(b[1]) else { return false }
        return b.count == 2 || (b[2] == UInt8(ascii: "-") && b[3...].allSatisfy(alnum))
    }

    /// `#` at the start of a line or after a space or tab starts a comment; a `#` right after another
    /// character is kept (`place = Gate#3`).
    static func stripComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        for i in line.indices {
            if line[i] == "#" && (previous == " " || previous == "\t") { return line[..<i] }
            previous = line[i]
        }
        return line
    }
}

/// Finds a theme by name or path and loads it, falling back to the default theme with a message that
/// names the file and line when it is broken. Pure: files are read through `read`.
public enum ThemeResolver {
    public struct Resolved: Sendable {
        public var theme: Theme
        /// What went wrong, one message per problem (empty when the theme loaded).
        public var problems: [String]
    }

    /// `name` is a built-in theme (default, light, high-contrast, sunlight), a file in one of
    /// `directories` (`NAME.theme`, searched in order, e.g. `$XDG_CONFIG_HOME/stampwatch/themes`), or a path.
    public static func resolve(_ name: String, directories: [String], read: (String) -> String?) -> Resolved {
        var candidates: [String] = []
        if name.contains("/") || name.hasSuffix(".theme") {
            candidates = [name]
        } else {
            candidates = directories.map { $0 + "/" + name + ".theme" }
        }
        for path in candidates {
            guard let text = read(path) else { continue }
            let (theme, errors) = Theme.load(text, source: path)
            if errors.isEmpty { return Resolved(theme: theme, problems: []) }
            return Resolved(theme: .default, problems: errors.map { "theme \($0.description); using the default theme" })
        }
        if let builtin = Theme.builtins[name] { return Resolved(theme: builtin, problems: []) }
        let names = Theme.builtins.keys.sorted().joined(separator: ", ")
        let looked = candidates.isEmpty ? "" : " (looked for \(candidates.joined(separator: ", ")))"
        return Resolved(theme: .default, problems: ["unknown theme `\(name)`\(looked): use one of \(names), or a .theme file's path; using the default theme"])
    }
}

extension StringProtocol {
    fileprivate var trimmingCharacters: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
