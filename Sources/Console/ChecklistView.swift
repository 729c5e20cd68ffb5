import FieldStore
import StampCodes
import TerminalUI

/// Pure text of the checklist screen, tested on its own and used by the plain mode.
public enum ChecklistText {
    /// One feature row: mark, level, name, tool (`✗ FAIL  overt        Colour-shift ink      loupe`).
    public static func row(_ feature: ChecklistFeature, _ mark: ChecklistMark, width: Int) -> String {
        let tool = ChecklistRules.toolName(feature.tool)
        let fixed = 8 + 13 + 10
        let name = TextLayout.fit(feature.name, width: max(4, width - fixed))
        return TextLayout.fit(mark.label, width: 8) + TextLayout.fit(ChecklistRules.levelName(feature.level), width: 13) + name
            + " " + TextLayout.fit(tool, width: 9)
    }

    /// The header band: the inspection verdict now, the UID and the series.
    public static func band(_ entry: SessionEntry) -> String {
        var s = " " + ConsoleText.word(entry.judged.verdict)
        if let uid = entry.outcome.uid { s += " · " + uid }
        if let c = entry.checklist {
            s += " · series \(c.checklist.series.seriesID)"
            if !c.checklist.series.name.isEmpty { s += " " + c.checklist.series.name }
        } else if let series = entry.outcome.seriesID {
            s += " · series \(series)"
        }
        return s
    }

    /// What happened to the checklist records, in one line.
    public static func recordLine(_ entry: SessionEntry) -> PanelLine {
        if entry.savingChecklist { return PanelLine("Recording the checklist…", .muted) }
        if let e = entry.followUpError { return PanelLine("✘ Checklist NOT RECORDED: \(e). Press Enter to try again.", .error) }
        let what = entry.checklist == nil ? "the notes" : "the checklist"
        if entry.followUps.isEmpty {
            return entry.checklistDirty
                ? PanelLine("Not recorded yet: Enter records \(what) with the inspection's verdict.", .warning)
                : PanelLine(entry.checklist == nil ? "Enter records place and notes. The scan is already recorded."
                                                   : "Mark what you checked; Enter records it. The scan is already recorded.", .muted)
        }
        let n = entry.followUps.count
        return entry.checklistDirty
            ? PanelLine("Changed since it was recorded: Enter records the changes.", .warning)
            : PanelLine("✔ \(entry.checklist == nil ? "Notes" : "Checklist") recorded (\(n == 1 ? "1 record" : "\(n) records"), amending the scan's record).", .success)
    }
}

/// The checklist screen: the series' optical features with the officer's marks, the selected feature's
/// "look for" text, place and notes, and whether it is recorded.
enum ChecklistView {
    static func render(_ model: ConsoleModel, into buffer: inout Buffer, area: Rect) {
        let look = model.appearance
        guard let entry = model.shownEntry else {
            let inner = BlockView.render(title: "Checklist", into: &buffer, area: area, appearance: look)
            var lines: [PanelLine] = []
            for p in ["No inspection yet.", "Scan a stamp on the Scan screen (F2); its series' optical checklist then opens here with Enter on an empty input, or F3."] {
                lines += TextLayout.wrap(p, width: max(1, inner.width - 2)).map { PanelLine($0, .muted) }
            }
            PanelLine.draw(lines, into: &buffer, area: inner, appearance: look)
            return
        }
        let judged = entry.judged
        buffer.fill(area.row(0), with: look.blank(ConsoleText.slot(for: judged.verdict)))
        buffer.write(ChecklistText.band(entry), x: area.x, y: area.y, maxWidth: area.width,
                     style: look[ConsoleText.slot(for: judged.verdict)].adding(.bold))
        let rest = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)

        guard let checklist = entry.checklist else {
            let rows = rest.rows([.fill(1), .length(3)])
            let inner = BlockView.render(title: "Checklist", into: &buffer, area: rows[0], appearance: look)
            let note = (entry.checklistNote ?? "No checklist for this inspection.") + " Place and notes can still be recorded below."
            PanelLine.draw(TextLayout.wrap(note, width: max(1, inner.width - 2)).map { PanelLine($0, .warning) }, into: &buffer,
                           area: inner, appearance: look)
            fields(model, entry, featureCount: 0, into: &buffer, area: rows[1])
            return
        }

        // Features (as tall as the list, leaving the detail at least 4 rows), the selected one's "look for"
        // with the checklist's findings, the two fields and the record line.
        let listHeight = min(checklist.features.count + 2, max(3, rest.height - 3 - 4))
        let rows = rest.rows([.length(listHeight), .fill(1), .length(3)])
        let counts = "\(checklist.count(.pass)) pass · \(checklist.count(.fail)) fail · \(checklist.count(.notChecked)) not checked"
        let listArea = BlockView.render(title: "Optical features: \(counts)", focused: model.checklistCursor < checklist.features.count,
                                        into: &buffer, area: rows[0], appearance: look)
        let cursor = min(model.checklistCursor, max(0, checklist.features.count - 1))
        var state = ListState(count: checklist.features.count)
        state.select(cursor, height: listArea.height)
        ListView.render(state, row: { i in
            let mark = checklist.marks[i]
            let slot: ThemeSlot? = mark == .fail ? .error : (mark == .pass ? .success : nil)
            return ListRow(ChecklistText.row(checklist.features[i], mark, width: listArea.width - 3), slot: slot)
        }, into: &buffer, area: listArea, appearance: look, focused: model.checklistCursor < checklist.features.count)

        let feature = checklist.features.isEmpty ? nil : checklist.features[cursor]
        let detail = BlockView.render(title: feature.map { "Look for: \($0.name)" } ?? "Look for", into: &buffer, area: rows[1],
                                      appearance: look)
        var lines: [PanelLine] = []
        if let feature {
            lines += TextLayout.wrap(feature.lookFor, width: max(1, detail.width - 2)).map { PanelLine($0) }
            lines.append(PanelLine("\(ChecklistRules.levelName(feature.level)) feature · tool: \(ChecklistRules.toolName(feature.tool))", .muted))
            let findings = ChecklistRules.reasons(checklist)
            if !findings.isEmpty {
                lines.append(PanelLine(""))
                for r in findings {
                    for (k, l) in TextLayout.wrap(r.message, width: max(1, detail.width - 4)).enumerated() {
                        lines.append(PanelLine((k == 0 ? (r.verdict == .suspect ? "⚠ " : "• ") : "  ") + l, r.verdict == .suspect ? .warning : nil))
                    }
                }
            }
        } else {
            lines += TextLayout.wrap(entry.checklistNote ?? "No features.", width: max(1, detail.width - 2)).map { PanelLine($0, .muted) }
        }
        PanelLine.draw(lines, into: &buffer, area: detail, appearance: look)
        fields(model, entry, featureCount: checklist.features.count, into: &buffer, area: rows[2])
    }

    /// Place, notes and the record line.
    private static func fields(_ model: ConsoleModel, _ entry: SessionEntry, featureCount: Int, into buffer: inout Buffer, area: Rect) {
        let look = model.appearance
        let label = 8
        for (i, (name, input, placeholder)) in [("Place", entry.place, "where the inspection is made"),
                                                ("Notes", entry.notes, "what you saw (optional)")].enumerated() {
            let y = area.y + i
            guard y < area.maxY else { break }
            let focused = model.checklistCursor == featureCount + i && !model.showHelp
            buffer.write((focused ? look.glyphs.pointer : " ") + " " + name, x: area.x, y: y, maxWidth: label,
                         style: focused ? look[.label].adding(.bold) : look[.label])
            TextInputView.render(input, focused: focused, placeholder: placeholder, into: &buffer,
                                 area: Rect(x: area.x + label, y: y, width: max(0, area.width - label - 1), height: 1), appearance: look)
        }
        if area.height >= 3 {
            let line = ChecklistText.recordLine(entry)
            buffer.write(line.text, x: area.x + 1, y: area.y + 2, maxWidth: area.width - 1, style: line.slot.map { look[$0] } ?? .plain)
        }
    }
}
