import StampCodes
import TerminalUI

/// Where each part of the screen goes for a terminal size. 80×24 stacks the result above the session
/// list; from 110 columns the result panel and the session list sit side by side.
public struct ConsoleLayout: Equatable, Sendable {
    public var header: Rect
    public var input: Rect
    public var message: Rect
    public var result: Rect
    public var session: Rect
    public var status: Rect
    public var sideBySide: Bool

    public static let minimum = Size(width: 40, height: 12)

    public init(size: Size) {
        let rows = Rect(size).rows([.length(1), .length(3), .length(1), .fill(1), .length(1)])
        header = rows[0]; input = rows[1]; message = rows[2]; status = rows[4]
        let content = rows[3]
        sideBySide = size.width >= 110
        if sideBySide {
            let cols = content.columns([.fill(3), .fill(2)], spacing: 1)
            result = cols[0]; session = cols[1]
        } else {
            let resultHeight = min(13, max(0, content.height - 5))
            let parts = content.rows([.length(resultHeight), .fill(1)])
            result = parts[0]; session = parts[1]
        }
    }

    /// Rows of the session list inside its border.
    public var sessionRows: Int { max(0, session.height - 2) }
}

/// A line of the result panel: text and the slot that styles it.
public struct PanelLine: Equatable, Sendable {
    public var text: String
    public var slot: ThemeSlot?
    /// Paint the whole line (the verdict banner), not only the text.
    public var band = false
    public init(_ text: String, _ slot: ThemeSlot? = nil, band: Bool = false) { self.text = text; self.slot = slot; self.band = band }
}

/// Pure text for the screens, tested on its own (and usable by a linear, screen-reader-friendly mode).
public enum ConsoleText {
    public static func slot(for verdict: Verdict) -> ThemeSlot {
        switch verdict {
        case .genuine: .verdictGenuine
        case .suspect: .verdictSuspect
        case .unverifiable: .verdictUnverifiable
        case .counterfeit: .verdictCounterfeit
        case .malformed: .verdictMalformed
        }
    }

    /// The verdict as a large word with its symbol: `✔  G E N U I N E`.
    public static func banner(_ verdict: Verdict) -> String {
        verdict.symbol + "  " + verdict.rawValue.uppercased().map(String.init).joined(separator: " ")
    }

    /// The verdict as a short word with its symbol: `✔ GENUINE`.
    public static func word(_ verdict: Verdict) -> String { verdict.symbol + " " + verdict.rawValue.uppercased() }

    public static func age(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    /// Time of day (UTC) of an epoch time: `14:03:09`.
    public static func clock(_ epoch: Int64) -> String {
        let d = ((epoch % 86_400) + 86_400) % 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(d / 3600)):\(two(d / 60 % 60)):\(two(d % 60))"
    }

    /// The cache as one phrase: `cache v3, fresh, 2h old` or `no cache`.
    public static func cache(_ c: CacheSummary?) -> String {
        guard let c else { return "cache unknown" }
        if c.freshness == .noCache || c.version == nil { return "no cache" }
        var s = "cache v\(c.version!) \(c.freshness.rawValue)"
        if let seconds = c.ageSeconds { s += " " + age(seconds) }
        return s
    }

    public static func statusRight(_ c: CacheSummary?) -> String {
        var s = cache(c)
        if let n = c?.pendingUploads { s += " · \(n) to upload" }
        return s + " "
    }

    /// The result panel for an inspection, wrapped to `width` columns.
    public static func result(_ entry: SessionEntry, width: Int, twoColumns: Bool) -> [PanelLine] {
        let r = entry.result
        var lines: [PanelLine] = [PanelLine(" " + banner(r.verdict), slot(for: r.verdict), band: true)]
        if let error = entry.recordError {
            lines += TextLayout.wrap("✘ NOT RECORDED: \(error)", width: width).map { PanelLine($0, .error) }
        }
        for reason in r.reasons {
            let wrapped = TextLayout.wrap(reason.message, width: max(1, width - 2))
            for (i, l) in wrapped.enumerated() { lines.append(PanelLine((i == 0 ? "• " : "  ") + l)) }
        }
        if let p = r.payload {
            let fields: [(String, String)] = [
                ("uid", p.uid), ("product", p.product), ("facility", p.facility), ("machine", p.machine),
                ("manufactured", RFC3339.format(p.manufactured)), ("shift", p.shift ?? "—"), ("market", p.market),
                ("series", p.series), ("operator", p.operator ?? "—"),
            ]
            let label = 13
            if twoColumns {
                let half = (width - 1) / 2
                var i = 0
                while i < fields.count {
                    let left = TextLayout.fit(TextLayout.fit(fields[i].0, width: label) + fields[i].1, width: half)
                    let right = i + 1 < fields.count ? TextLayout.fit(fields[i + 1].0, width: label) + fields[i + 1].1 : ""
                    lines.append(PanelLine(left + " " + right))
                    i += 2
                }
            } else {
                for (k, v) in fields { lines.append(PanelLine(TextLayout.fit(k, width: label) + v)) }
            }
        }
        var tail = "code " + r.input
        tail = TextLayout.truncate(tail, to: width)
        lines.append(PanelLine(tail, .muted))
        let cacheText = entry.cache.map { cache($0) } ?? "cache unknown"
        lines.append(PanelLine("\(clock(entry.at)) · \(cacheText)" + (entry.recordError == nil ? " · recorded" : ""), .muted))
        return lines
    }

    /// The result panel before the first inspection.
    public static func empty(cache c: CacheSummary?, width: Int) -> [PanelLine] {
        var lines: [PanelLine] = []
        func para(_ text: String, _ slot: ThemeSlot? = nil) {
            lines += TextLayout.wrap(text, width: width).map { PanelLine($0, slot) }
        }
        if c == nil || c?.freshness == .noCache {
            para("No offline cache on this device yet.", .warning)
            para("Codes still get answers, but without keys they are ? UNVERIFIABLE. Load the signed cache with:")
            para("  stampwatch cache update --from URL|DIR --root ROOT.json", .info)
            para("or try the bundled demo:  make run", .info)
        } else {
            para("Ready. Scan a stamp: the scanner types the code and presses Enter.")
            para("Or type a code (TS1:…) by hand and press Enter.")
            para("Using \(cache(c)).", .muted)
            if c?.freshness == .stale { para("⚠ The cache is stale: run `stampwatch cache update` when a link is available.", .warning) }
            if c?.freshness == .expired { para("✘ The cache is expired: verdicts may miss revocations. Update it.", .error) }
        }
        return lines
    }

    /// One row of the session list: time, verdict, and the uid (or the start of the code).
    public static func sessionRow(_ e: SessionEntry) -> String {
        let what = e.result.payload?.uid ?? e.result.input
        let flag = e.recordError == nil ? "" : " NOT RECORDED"
        return clock(e.at) + " " + TextLayout.fit(word(e.result.verdict), width: 14) + what + flag
    }
}

/// Draws the console.
public enum ConsoleView {
    public static func render(_ model: ConsoleModel, into buffer: inout Buffer) {
        let look = model.appearance
        buffer.fill(buffer.area, with: look.blank(.base))
        let size = buffer.size
        guard size.width >= ConsoleLayout.minimum.width, size.height >= ConsoleLayout.minimum.height else {
            let text = TextLayout.wrap("Stampwatch needs at least \(ConsoleLayout.minimum) cells; this terminal is \(size). Enlarge it, or press Ctrl-C to quit.", width: max(1, size.width))
            for (i, l) in text.enumerated() { buffer.write(l, x: 0, y: i) }
            return
        }
        let layout = ConsoleLayout(size: size)

        // Header.
        buffer.fill(layout.header, with: look.blank(.status))
        buffer.write(" STAMPWATCH · scan a tax stamp", x: 0, y: layout.header.y, maxWidth: layout.header.width, style: look[.title].adding(.bold))

        // Input and its inline message.
        let field = BlockView.render(title: "Stamp code or UID, then Enter", focused: !model.showHelp, into: &buffer,
                                     area: layout.input, appearance: look)
        TextInputView.render(model.input, focused: !model.showHelp, placeholder: "Scan a stamp, or type TS1:… or a UID",
                             into: &buffer, area: field, appearance: look)
        if let message = model.inputMessage {
            buffer.write(look.glyphs.cross + " " + message, x: 1, y: layout.message.y, maxWidth: layout.message.width - 1, style: look[.error])
        } else if model.working || !model.queue.isEmpty {
            let n = model.queue.count
            buffer.write("Verifying and recording \(n) code\(n == 1 ? "" : "s")…", x: 1, y: layout.message.y,
                         maxWidth: layout.message.width - 1, style: look[.muted])
        }

        // Result panel.
        let shownIndex = model.shown
        let title = shownIndex.map { $0 == 0 ? "Result" : "Result (earlier inspection)" } ?? "Result"
        let inner = BlockView.render(title: title, into: &buffer, area: layout.result, appearance: look)
        let lines: [PanelLine]
        if let i = shownIndex, i < model.session.count {
            lines = ConsoleText.result(model.session[i], width: inner.width - 2, twoColumns: inner.width >= 64)
        } else {
            lines = ConsoleText.empty(cache: model.cache, width: inner.width - 2)
        }
        for (i, line) in lines.prefix(inner.height).enumerated() {
            let y = inner.y + i
            let style = line.slot.map { look[$0] } ?? .plain
            if line.band {
                buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: look.blank(line.slot ?? .base))
                buffer.write(line.text, x: inner.x, y: y, maxWidth: inner.width, style: style.adding(.bold))
            } else {
                buffer.write(line.text, x: inner.x + 1, y: y, maxWidth: inner.width - 1, style: style)
            }
        }
        if lines.count > inner.height, inner.height > 0 {
            buffer.write(look.glyphs.moreBelow, x: inner.maxX - 1, y: inner.maxY - 1, maxWidth: 1, style: look[.muted])
        }

        // Session list.
        let listArea = BlockView.render(title: "Session: \(model.session.count) inspection\(model.session.count == 1 ? "" : "s")",
                                        into: &buffer, area: layout.session, appearance: look)
        if model.session.isEmpty {
            buffer.write("No inspections yet.", x: listArea.x + 1, y: listArea.y, maxWidth: listArea.width - 1, style: look[.muted])
        } else {
            ListView.render(model.sessionList, row: { i in
                let e = model.session[i]
                return ListRow(ConsoleText.sessionRow(e), slot: ConsoleText.slot(for: e.result.verdict))
            }, into: &buffer, area: listArea, appearance: look, focused: false)
        }

        // Status bar.
        let hints = KeyHint.from(model.keyMap, [(ConsoleKeys.verify, "Verify"), (.help, "Help"), (.quit, "Quit")])
        StatusBarView.render(left: model.status, hints: hints, right: ConsoleText.statusRight(model.cache), into: &buffer,
                             area: layout.status, appearance: look)

        if model.showHelp {
            HelpOverlayView.render(keyMap: model.keyMap, title: "Keys", offset: model.helpOffset, into: &buffer, area: buffer.area,
                                   appearance: look)
        }
    }
}
