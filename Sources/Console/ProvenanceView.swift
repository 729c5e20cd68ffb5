import FieldStore
import Provenance
import StampCodes
import TerminalUI

/// Where the provenance screen's parts go: a band, the chain (pinned on top), the scrolling timeline.
struct ProvenanceLayout {
    static let chainRows = 4
    var band: Rect
    var chain: Rect
    var scroll: Rect

    init(size: Size) {
        let body = Rect(x: 0, y: 1, width: size.width, height: max(0, size.height - 2))
        let rows = body.rows([.length(1), .length(Self.chainRows + 2), .fill(1)])
        band = rows[0]; chain = rows[1]; scroll = rows[2]
    }

    /// Lines of the scrolling part inside its border.
    var scrollHeight: Int { max(0, scroll.height - 2) }
    /// Text columns inside the scrolling part's border (one column kept for the scroll marks).
    var textWidth: Int { max(1, scroll.width - 4) }
}

/// Pure text of the provenance screen (and the plain mode): the chain, then findings, the events as a
/// timeline with their details, and FCTC items (a)–(j), every value marked with where it comes from.
public enum ProvenanceText {
    /// `[code]`, `[cache]`, `[unknown]`: a word, so the source never rests on colour.
    public static func mark(_ source: ValueSource) -> String { "[\(source.rawValue)]" }

    public static func time(_ t: Int64) -> String {
        let s = RFC3339.format(t)
        // 2026-07-09T10:00:00Z → 2026-07-09 10:00
        guard s.count >= 16 else { return s }
        return String(s.prefix(10)) + " " + String(s.dropFirst(11).prefix(5))
    }

    /// The chain, pack first: `pack    MZ…` / `carton  urn:…  packed 2026-07-09 10:00`.
    public static func chainLines(_ report: ProvenanceReport) -> [String] {
        report.chain.enumerated().map { i, link in
            var s = TextLayout.fit((i == 0 ? "" : "→ ") + link.levelName, width: 11) + link.id
            if let p = link.packedAt { s += "  packed " + time(p) }
            if let u = link.unpackedAt { s += ", taken out " + time(u) }
            return s
        }
    }

    /// The scrolling part for an inspection, wrapped to `width`.
    public static func scrollLines(_ entry: SessionEntry?, width: Int) -> [PanelLine] {
        guard let entry else { return [] }
        guard let report = entry.outcome.provenance else {
            return TextLayout.wrap(entry.outcome.provenanceNote ?? "No provenance for this inspection.", width: width).map { PanelLine($0, .warning) }
        }
        return lines(report, width: width)
    }

    public static func lines(_ report: ProvenanceReport, width: Int) -> [PanelLine] {
        var out: [PanelLine] = []
        func wrap(_ text: String, indent: String = "", first: String = "", _ slot: ThemeSlot? = nil) {
            let w = max(1, width - DisplayWidth.of(indent))
            for (i, l) in TextLayout.wrap(text, width: w).enumerated() {
                out.append(PanelLine((i == 0 ? (first.isEmpty ? indent : first) : indent) + l, slot))
            }
        }
        let reasons = CacheRules.reasons(for: report)
        out.append(PanelLine("What the cache says", .title))
        if reasons.isEmpty { wrap("No concern: the pack is in the cache and matches its commissioning record.", indent: "  ") }
        for r in reasons {
            wrap("\(r.code): \(r.message)", indent: "  ", first: r.verdict == .suspect ? "⚠ " : "• ", r.verdict == .suspect ? .warning : nil)
        }
        out.append(PanelLine(""))
        out.append(PanelLine(report.events.isEmpty ? "Events: none in the cache" : "Events (\(report.events.count)), oldest first", .title))
        for (n, e) in report.events.enumerated() {
            let last = n == report.events.count - 1
            let bar = last ? "  " : "│ "
            wrap(time(e.time) + "  " + e.headline, indent: bar + "  ", first: "● ", .info)
            var details: [String] = []
            if let place = e.bizLocation ?? e.readPoint { details.append("at \(place)") }
            details.append("via \(e.via.joined(separator: ", "))")
            details += e.transactions.map { "\($0.kindName): \($0.id)" }
            details += e.sources.map { "from \($0.type): \($0.id)" }
            details += e.destinations.map { "to \($0.type): \($0.id)" }
            details += e.details.map { "\($0.name): \($0.value)" }
            if !e.fctcItems.isEmpty { details.append("FCTC items " + e.fctcItems.map { "(\($0.rawValue))" }.joined(separator: " ")) }
            if let u = e.unreadable { details.append("(\(u))") }
            for d in details { wrap(d, indent: bar + "    ", first: bar + "  ") }
        }
        out.append(PanelLine(""))
        out.append(PanelLine("FCTC Protocol Art. 8.4.1 items", .title))
        for entry in report.fctc {
            let head = "(\(entry.item.rawValue)) \(entry.title)"
            if entry.values.isEmpty {
                wrap(head + "  " + mark(.unknown), indent: "    ", nil)
            } else {
                wrap(head, indent: "    ")
                for v in entry.values { wrap("\(v.label): \(v.value) \(mark(v.source))", indent: "      ", first: "    ") }
            }
        }
        return out
    }
}

/// The provenance screen: who made the pack and where it went, as a scrollable timeline.
enum ProvenanceView {
    static func render(_ model: ConsoleModel, into buffer: inout Buffer, area: Rect) {
        let look = model.appearance
        let layout = ProvenanceLayout(size: buffer.size)
        guard let entry = model.shownEntry else {
            let inner = BlockView.render(title: "Provenance", into: &buffer, area: area, appearance: look)
            var lines: [PanelLine] = []
            for p in ["No inspection yet.", "Scan a stamp on the Scan screen (F2): the chain pack → carton → case → pallet and the events the cache holds for it show here (F4)."] {
                lines += TextLayout.wrap(p, width: max(1, inner.width - 2)).map { PanelLine($0, .muted) }
            }
            PanelLine.draw(lines, into: &buffer, area: inner, appearance: look)
            return
        }
        let o = entry.outcome
        let slot = ConsoleText.slot(for: entry.judged.verdict)
        buffer.fill(layout.band, with: look.blank(slot))
        var band = " Provenance of \(o.uid ?? "an unreadable code") · \(ConsoleText.word(entry.judged.verdict))"
        if o.kind == .uid { band += " · typed UID, NOT VERIFIED" }
        buffer.write(band, x: layout.band.x, y: layout.band.y, maxWidth: layout.band.width, style: look[slot].adding(.bold))

        let chainInner = BlockView.render(title: "Chain: pack → carton → case → pallet", into: &buffer, area: layout.chain, appearance: look)
        var chain = o.provenance.map(ProvenanceText.chainLines) ?? []
        if o.provenance != nil && chain.count <= 1 { chain.append("The cache holds no containers for this pack.") }
        if chain.count > ProvenanceLayout.chainRows {
            let more = chain.count - ProvenanceLayout.chainRows + 1
            chain = Array(chain.prefix(ProvenanceLayout.chainRows - 1)) + ["… and \(more) more container(s) in the events below"]
        }
        if o.provenance == nil { chain = ["—"] }
        for (i, line) in chain.prefix(chainInner.height).enumerated() {
            buffer.write(line, x: chainInner.x + 1, y: chainInner.y + i, maxWidth: chainInner.width - 1)
        }

        let lines = ProvenanceText.scrollLines(entry, width: layout.textWidth)
        let height = layout.scrollHeight
        let first = max(0, min(model.provenanceOffset, lines.count - height))
        let range = lines.isEmpty ? "" : " · lines \(first + 1)–\(min(lines.count, first + height)) of \(lines.count)"
        let inner = BlockView.render(title: "Findings, events and FCTC items\(range)", focused: true, into: &buffer, area: layout.scroll,
                                     appearance: look)
        PanelLine.draw(lines, from: first, into: &buffer, area: inner, appearance: look)
    }
}
