/// One event on a timeline: when, what, and optionally more detail and the slot that styles it.
public struct TimelineEvent: Hashable, Sendable {
    public var time: String
    public var title: String
    public var detail: String?
    public var slot: ThemeSlot?
    public init(time: String, title: String, detail: String? = nil, slot: ThemeSlot? = nil) {
        self.time = time
        self.title = title
        self.detail = detail
        self.slot = slot
    }
}

/// A vertical timeline (a stamp's journey: made, shipped, seen): a marker per event joined by a
/// connector line, times in their own column.
/// ```
/// ● 2026-06-01 08:00  Manufactured
/// │                   Factory F1, machine M1
/// ● 2026-06-03 14:20  Shipped
/// ```
public enum TimelineView {
    /// Draws events from `first` on, as many as fit.
    public static func render(_ events: [TimelineEvent], first: Int = 0, into buffer: inout Buffer, area: Rect, appearance: Appearance) {
        guard !area.isEmpty, first < events.count else { return }
        let g = appearance.glyphs
        let shown = events[max(0, first)...]
        let timeWidth = min(area.width / 2, shown.map { DisplayWidth.of($0.time) }.max() ?? 0)
        let textX = area.x + 2 + timeWidth + 2
        let textWidth = max(0, area.maxX - textX)
        // Room to spare: a connector row after each event without detail lines reads as a line, not a list.
        let details = shown.map { $0.detail.map { TextLayout.wrap($0, width: textWidth) } ?? [] }
        let needed = details.reduce(0) { $0 + 1 + $1.count } + zip(shown.indices, details).filter { $0 < events.count - 1 && $1.isEmpty }.count
        let spacious = needed <= area.height
        var y = area.y
        for (k, (n, event)) in zip(shown.indices, shown).enumerated() where y < area.maxY {
            let isLast = n == events.count - 1
            buffer.write(g.bullet, x: area.x, y: y, maxWidth: 1, style: appearance[.timelineMarker])
            buffer.write(TextLayout.truncate(event.time, to: timeWidth, ellipsis: g.ellipsis), x: area.x + 2, y: y, maxWidth: timeWidth,
                         style: appearance[.timelineTime])
            buffer.write(TextLayout.truncate(event.title, to: textWidth, ellipsis: g.ellipsis), x: textX, y: y, maxWidth: textWidth,
                         style: event.slot.map { appearance[$0] } ?? .plain)
            y += 1
            if !details[k].isEmpty {
                for line in details[k] where y < area.maxY {
                    if !isLast { buffer.write(g.connector, x: area.x, y: y, maxWidth: 1, style: appearance[.timelineMarker]) }
                    buffer.write(line, x: textX, y: y, maxWidth: textWidth, style: appearance[.muted])
                    y += 1
                }
            }
            if !isLast && y < area.maxY && details[k].isEmpty && spacious {
                buffer.write(g.connector, x: area.x, y: y, maxWidth: 1, style: appearance[.timelineMarker])
                y += 1
            }
        }
    }
}
