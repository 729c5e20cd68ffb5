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

    /// The status bar's right side: the cache, the records waiting to upload and the link, at all times
    /// (`cache v3 fresh 2h · 0 waiting · online`).
    public static func statusRight(_ c: CacheSummary?, _ sync: SyncStatus? = nil) -> String {
        var s = cache(c)
        if let sync {
            s += " · \(sync.waiting) waiting"
            s += sync.running && sync.progressTotal > 0 ? " · sending \(sync.progressDone)/\(sync.progressTotal)" : " · " + sync.linkWord
            if sync.refused > 0 { s += " · \(sync.refused) refused" }
        } else if let n = c?.pendingUploads {
            s += " · \(n) to upload"
        }
        return s + " "
    }

    /// The result panel for an inspection, wrapped to `width` columns.
    public static func result(_ entry: SessionEntry, width: Int, twoColumns: Bool) -> [PanelLine] {
        let o = entry.outcome
        let judged = entry.judged
        var lines: [PanelLine] = [PanelLine(" " + banner(judged.verdict), slot(for: judged.verdict), band: true)]
        if let error = entry.recordError {
            lines += TextLayout.wrap("✘ NOT RECORDED: \(error)", width: width).map { PanelLine($0, .error) }
        }
        for reason in judged.reasons {
            let wrapped = TextLayout.wrap(reason.message, width: max(1, width - 2))
            for (i, l) in wrapped.enumerated() { lines.append(PanelLine((i == 0 ? "• " : "  ") + l)) }
        }
        var fields: [(String, String)] = []
        if let p = o.payload {
            fields = [
                ("uid", p.uid), ("product", p.product), ("facility", p.facility), ("machine", p.machine),
                ("manufactured", RFC3339.format(p.manufactured)), ("shift", p.shift ?? "—"), ("market", p.market),
                ("series", p.series), ("operator", p.operator ?? "—"),
            ]
        } else if let pack = o.provenance?.pack {
            lines.append(PanelLine("From the cache's commissioning record (not from a verified code):", .warning))
            fields = [
                ("uid", pack.uid), ("product", pack.gtin), ("facility", pack.facilityID), ("machine", pack.machineID),
                ("manufactured", RFC3339.format(pack.manufactured)), ("market", pack.market), ("series", pack.seriesID),
            ]
        }
        if !fields.isEmpty {
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
        if let report = o.provenance {
            var text = "provenance   "
            if !report.inCache {
                text += "not in the offline cache"
            } else if report.chain.count > 1, let outer = report.chain.last {
                text += "\(report.events.count) event(s), in \(outer.levelName) \(outer.id)"
            } else {
                text += "\(report.events.count) event(s), no containers"
            }
            lines.append(PanelLine(TextLayout.truncate(text + " · F4", to: width)))
        } else if let note = o.provenanceNote {
            lines += TextLayout.wrap(note, width: width).map { PanelLine($0, .muted) }
        }
        var tail = (o.kind == .uid ? "typed UID " : "code ") + o.input
        tail = TextLayout.truncate(tail, to: width)
        lines.append(PanelLine(tail, .muted))
        let cacheText = entry.cache.map { cache($0) } ?? "cache unknown"
        var recorded = entry.recordError == nil ? " · recorded" : ""
        if !entry.followUps.isEmpty { recorded += " · checklist recorded" }
        lines.append(PanelLine("\(clock(entry.at)) · \(cacheText)" + recorded, .muted))
        return lines
    }

    /// The result panel before the first inspection.
    public static func empty(cache c: CacheSummary?, loaded: Bool = true, width: Int) -> [PanelLine] {
        var lines: [PanelLine] = []
        func para(_ text: String, _ slot: ThemeSlot? = nil) {
            lines += TextLayout.wrap(text, width: width).map { PanelLine($0, slot) }
        }
        if c == nil && loaded {
            para("✘ The field store could not be read, so the cache state is unknown.", .error)
            para("Codes are still verified with the keys loaded at start and every inspection is still recorded if the store accepts it. Quit and run `stampwatch doctor` and `stampwatch cache verify`; the log says more.")
        } else if c == nil || c?.freshness == .noCache {
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
        let what = e.outcome.uid ?? e.outcome.input
        var flag = e.recordError == nil ? "" : " NOT RECORDED"
        if e.outcome.kind == .uid { flag += " (typed)" }
        if e.checklistDirty { flag += " *" }
        return clock(e.at) + " " + TextLayout.fit(word(e.judged.verdict), width: 15) + what + flag
    }
}

/// Draws the console: the header with the screens as tabs, the screen shown, the status bar, help.
public enum ConsoleView {
    /// Where each screen's tab sits on the header row (for mouse clicks and tests).
    public static func tabs(_ model: ConsoleModel) -> [(screen: ConsoleScreen, columns: Range<Int>, label: String)] {
        var x = DisplayWidth.of(brand)
        var out: [(ConsoleScreen, Range<Int>, String)] = []
        for screen in ConsoleScreen.allCases {
            let key = model.keyMap.hint(for: screen.action).map { $0 + " " } ?? ""
            let label = screen == model.screen ? "[\(key)\(screen.title)]" : " \(key)\(screen.title) "
            let w = DisplayWidth.of(label)
            out.append((screen, x..<(x + w), label))
            x += w + 1
        }
        return out
    }

    static let brand = " STAMPWATCH "

    public static func render(_ model: ConsoleModel, into buffer: inout Buffer) {
        let look = model.appearance
        buffer.fill(buffer.area, with: look.blank(.base))
        let size = buffer.size
        guard size.width >= ConsoleLayout.minimum.width, size.height >= ConsoleLayout.minimum.height else {
            let text = TextLayout.wrap("Stampwatch needs at least \(ConsoleLayout.minimum) cells; this terminal is \(size). Enlarge it, or press Ctrl-C to quit.", width: max(1, size.width))
            for (i, l) in text.enumerated() { buffer.write(l, x: 0, y: i) }
            return
        }
        let full = Rect(size)
        let header = full.row(0)
        let status = full.row(size.height - 1)
        let body = Rect(x: 0, y: 1, width: size.width, height: size.height - 2)

        // Header: the brand, then each screen as a tab with its key (bracketed when active, not only coloured).
        buffer.fill(header, with: look.blank(.status))
        buffer.write(brand, x: 0, y: 0, maxWidth: header.width, style: look[.title].adding(.bold))
        for tab in tabs(model) where tab.columns.lowerBound < header.maxX {
            let active = tab.screen == model.screen
            buffer.write(tab.label, x: tab.columns.lowerBound, y: 0, maxWidth: header.maxX - tab.columns.lowerBound,
                         style: look[active ? .tabActive : .tabInactive].adding(active ? .bold : []))
        }

        let hints: [KeyHint]
        switch model.screen {
        case .scan:
            renderScan(model, into: &buffer, area: body)
            hints = KeyHint.from(model.keyMap, [(ConsoleKeys.verify, "Verify"), (ConsoleKeys.screenChecklist, "Checklist"), (.help, "Help"), (.quit, "Quit")])
        case .checklist:
            ChecklistView.render(model, into: &buffer, area: body)
            hints = KeyHint.from(model.keyMap, [(ConsoleKeys.markPass, "Pass"), (ConsoleKeys.markFail, "Fail"), (ConsoleKeys.markUnchecked, "Not checked"),
                                                (ConsoleKeys.verify, "Record"), (.back, "Back")])
        case .provenance:
            ProvenanceView.render(model, into: &buffer, area: body)
            hints = KeyHint.from(model.keyMap, [(.down, "Scroll"), (.pageDown, "Page"), (.back, "Back"), (.help, "Help")])
        case .status:
            StatusView.render(model, into: &buffer, area: body)
            hints = KeyHint.from(model.keyMap, [(ConsoleKeys.syncNow, "Sync now"), (ConsoleKeys.refresh, "Refresh"), (.back, "Back"), (.help, "Help")])
        }
        StatusBarView.render(left: model.status, hints: hints, right: ConsoleText.statusRight(model.cache, model.syncLoaded ? model.sync : nil), into: &buffer,
                             area: status, appearance: look)

        if model.showHelp {
            HelpOverlayView.render(keyMap: model.keyMap, title: "Keys", offset: model.helpOffset, into: &buffer, area: buffer.area,
                                   appearance: look)
        }
    }

    /// The scan screen: input, inline message, result panel, session list.
    static func renderScan(_ model: ConsoleModel, into buffer: inout Buffer, area: Rect) {
        let look = model.appearance
        let layout = ConsoleLayout(size: buffer.size)

        let field = BlockView.render(title: "Stamp code or UID, then Enter", focused: !model.showHelp, into: &buffer,
                                     area: layout.input, appearance: look)
        TextInputView.render(model.input, focused: !model.showHelp, placeholder: "Scan a stamp, or type TS1:… or a UID",
                             into: &buffer, area: field, appearance: look)
        if let message = model.inputMessage {
            buffer.write(look.glyphs.cross + " " + message, x: 1, y: layout.message.y, maxWidth: layout.message.width - 1, style: look[.error])
        } else if model.working || !model.queue.isEmpty {
            let n = model.queue.count
            buffer.write("Verifying and recording \(n) entr\(n == 1 ? "y" : "ies")…", x: 1, y: layout.message.y,
                         maxWidth: layout.message.width - 1, style: look[.muted])
        }

        // Result panel.
        let shownIndex = model.shown
        let title = shownIndex.map { $0 == 0 ? "Result" : "Result (earlier inspection)" } ?? "Result"
        let inner = BlockView.render(title: title, into: &buffer, area: layout.result, appearance: look)
        let lines: [PanelLine]
        if let entry = model.shownEntry {
            lines = ConsoleText.result(entry, width: inner.width - 2, twoColumns: inner.width >= 64)
        } else {
            lines = ConsoleText.empty(cache: model.cache, loaded: model.cacheLoaded, width: inner.width - 2)
        }
        PanelLine.draw(lines, into: &buffer, area: inner, appearance: look)

        // Session list.
        let listArea = BlockView.render(title: "Session: \(model.session.count) inspection\(model.session.count == 1 ? "" : "s")",
                                        into: &buffer, area: layout.session, appearance: look)
        if model.session.isEmpty {
            buffer.write("No inspections yet.", x: listArea.x + 1, y: listArea.y, maxWidth: listArea.width - 1, style: look[.muted])
        } else {
            ListView.render(model.sessionList, row: { i in
                let e = model.session[i]
                return ListRow(ConsoleText.sessionRow(e), slot: ConsoleText.slot(for: e.judged.verdict))
            }, into: &buffer, area: listArea, appearance: look, focused: false)
        }
    }
}

extension PanelLine {
    /// Draws panel lines from the top of `area`, with ▼ when some do not fit.
    static func draw(_ lines: [PanelLine], from first: Int = 0, into buffer: inout Buffer, area: Rect, appearance look: Appearance) {
        guard !area.isEmpty else { return }
        for (i, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            let y = area.y + i
            let style = line.slot.map { look[$0] } ?? .plain
            if line.band {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: look.blank(line.slot ?? .base))
                buffer.write(line.text, x: area.x, y: y, maxWidth: area.width, style: style.adding(.bold))
            } else {
                buffer.write(line.text, x: area.x + 1, y: y, maxWidth: area.width - 1, style: style)
            }
        }
        if first > 0 {
            buffer.write(look.glyphs.moreAbove, x: area.maxX - 1, y: area.y, maxWidth: 1, style: look[.muted])
        }
        if lines.count - first > area.height {
            buffer.write(look.glyphs.moreBelow, x: area.maxX - 1, y: area.maxY - 1, maxWidth: 1, style: look[.muted])
        }
    }
}
