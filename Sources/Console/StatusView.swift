import StampCodes
import TerminalUI

/// Pure text of the cache & sync screen (and the plain mode's `:status`).
public enum StatusText {
    static func when(_ t: Int64?, now: Int64?) -> String {
        guard let t else { return "—" }
        var s = ProvenanceText.time(t)
        if let now {
            let d = now - t
            s += d >= 0 ? " (\(ConsoleText.age(d)) ago)" : " (in \(ConsoleText.age(-d)))"
        }
        return s
    }

    static func pair(_ label: String, _ value: String, width: Int) -> [PanelLine] {
        let l = 14
        return TextLayout.wrap(value, width: max(1, width - l)).enumerated().map { i, v in
            PanelLine((i == 0 ? TextLayout.fit(label, width: l) : String(repeating: " ", count: l)) + v)
        }
    }

    /// The offline cache: state, version, age, where from, the last update and its error, what to do.
    public static func cacheLines(_ c: CacheSummary?, loaded: Bool, now: Int64?, width: Int) -> [PanelLine] {
        func para(_ text: String, _ slot: ThemeSlot? = nil) -> [PanelLine] { TextLayout.wrap(text, width: width).map { PanelLine($0, slot) } }
        guard loaded else { return para("Reading the cache state…", .muted) }
        guard let c else {
            return para("✘ The field store could not be read.", .error)
                + para("Quit, then run `stampwatch doctor` and `stampwatch cache verify`; the log file has the details.")
        }
        var out: [PanelLine] = []
        switch c.freshness {
        case .fresh: out += pair("State", "✔ fresh", width: width)
        case .stale: out += pair("State", "⚠ stale: past its refresh date; verdicts still use it", width: width).map { PanelLine($0.text, .warning) }
        case .expired: out += pair("State", "✘ expired: verdicts carry the expired-cache reason", width: width).map { PanelLine($0.text, .error) }
        case .noCache: out += pair("State", "no cache on this device", width: width).map { PanelLine($0.text, .warning) }
        }
        if let v = c.version {
            out += pair("Version", "v\(v)" + (c.region.map { " · region \($0)" } ?? ""), width: width)
            out += pair("Published", c.publishedAt != nil ? when(c.publishedAt, now: now) : (c.ageSeconds.map { "\(ConsoleText.age($0)) ago" } ?? "—"), width: width)
            out += pair("Applied", when(c.appliedAt, now: now), width: width)
            out += pair("Refresh by", when(c.dueAt, now: now), width: width)
            out += pair("Expires", when(c.expiresHardAt, now: now), width: width)
            if let s = c.source { out += pair("Loaded from", s, width: width) }
        }
        if let u = c.lastUpdate {
            let slot: ThemeSlot? = u.error == nil ? nil : .error
            out += pair("Last update", "\(u.state) \(when(u.finishedAt ?? u.startedAt, now: now)): \(u.target)", width: width).map { PanelLine($0.text, slot) }
            if let e = u.error { out += pair("Its error", e, width: width).map { PanelLine($0.text, .error) } }
            if let s = u.lastSuccessAt { out += pair("Last success", when(s, now: now), width: width) }
        } else {
            out += pair("Last update", "none recorded", width: width)
        }
        switch c.freshness {
        case .fresh: out += para("Nothing to do. The cache refreshes with `stampwatch cache update` when a link is available.", .muted)
        case .stale, .expired: out += para("Update it when you have a link: `stampwatch cache update --from URL|DIR`.", .warning)
        case .noCache:
            out += para("Get one: `stampwatch cache update --from URL|DIR --root ROOT.json` (a hub URL or a USB stick), or try the bundled demo with `make run`. Until then every code is UNVERIFIABLE.", .warning)
        }
        return out
    }

    /// Uploads: the link, what waits, what the hub stored or refused, the run in progress, the last error, and
    /// what to do (enrol, wait, or report).
    public static func syncLines(_ s: SyncStatus?, loaded: Bool, now: Int64?, width: Int, syncNowKey: String? = nil) -> [PanelLine] {
        func para(_ text: String, _ slot: ThemeSlot? = nil) -> [PanelLine] { TextLayout.wrap(text, width: width).map { PanelLine($0, slot) } }
        guard loaded else { return para("Reading the outbox…", .muted) }
        guard let s else { return para("✘ The outbox could not be read. Records already written stay on disk; the log has the details.", .error) }
        var out: [PanelLine] = []
        let link: String
        var linkSlot: ThemeSlot?
        switch s.link {
        case .notRunning: link = "sync not running in this console"
        case .notEnrolled: link = "not enrolled with a hub"; linkSlot = .warning
        case .offline: link = "⚠ offline"; linkSlot = .warning
        case .connecting: link = "connecting…"
        case .online: link = "✔ online"
        case .refused: link = "✘ refused by the hub"; linkSlot = .error
        }
        out += pair("Link", link + (s.hub.map { " · \($0)" } ?? ""), width: width).map { PanelLine($0.text, linkSlot) }
        if let id = s.deviceID { out += pair("Device", id, width: width) }
        if s.running {
            let progress = s.progressTotal > 0 ? "\(s.progressDone) of \(s.progressTotal) records answered" : "starting"
            out += pair("Sending", progress, width: width)
        }
        out += pair("Waiting", "\(s.waiting) to upload (\(s.pending) pending, \(s.inFlight) sent, awaiting receipt)", width: width)
        out += pair("Hub", "\(s.acknowledged) stored, \(s.refused) refused", width: width).map { PanelLine($0.text, s.refused > 0 ? .error : nil) }
        out += pair("Last success", when(s.lastSuccessAt, now: now), width: width)
        if let e = s.lastError { out += pair("Last error", e, width: width).map { PanelLine($0.text, .error) } }
        if let n = s.nextAttemptAt, !s.running, s.link != .notEnrolled { out += pair("Next attempt", when(n, now: now), width: width) }
        switch s.link {
        case .notEnrolled:
            out += para("Sync runs in the background once this console is enrolled: ask the hub operator for a token, run `stampwatch device enrol --hub URL --token T`, then restart the console.", .warning)
        case .refused:
            out += para("Retrying will not help until someone acts on the error above: the records stay on this device. Report it to the hub operator with the device id.", .error)
        case .offline, .connecting, .online:
            if let key = syncNowKey { out += para("\(key): send the waiting records now.", .muted) }
        case .notRunning:
            break
        }
        out += para("Records stay on this device until the hub's signed receipt names them: nothing is lost offline.", .muted)
        if s.refused > 0 { out += para("Refused records are kept: report them to your supervisor with the device id.", .error) }
        return out
    }
}

/// The cache & sync screen: two panels, side by side from 110 columns.
enum StatusView {
    static func render(_ model: ConsoleModel, into buffer: inout Buffer, area: Rect) {
        let look = model.appearance
        let now = model.cache?.publishedAt.flatMap { p in model.cache?.ageSeconds.map { p + $0 } }
        let side = area.width >= 110
        let width = (side ? (area.width - 1) / 2 : area.width) - 4
        let cache = StatusText.cacheLines(model.cache, loaded: model.cacheLoaded, now: now, width: max(1, width))
        let key = model.keyMap.hint(for: ConsoleKeys.syncNow)
        let sync = StatusText.syncLines(model.sync, loaded: model.syncLoaded, now: now, width: max(1, width), syncNowKey: key)
        // Stacked: the cache panel as tall as its text (the uploads panel keeps at least 6 rows).
        let parts = side ? area.columns([.fill(1), .fill(1)], spacing: 1)
                         : area.rows([.length(min(cache.count + 2, max(3, area.height - 6))), .fill(1)])
        let cacheInner = BlockView.render(title: "Offline cache", into: &buffer, area: parts[0], appearance: look)
        PanelLine.draw(cache, into: &buffer, area: cacheInner, appearance: look)
        let syncInner = BlockView.render(title: "Uploads to the hub", into: &buffer, area: parts[1], appearance: look)
        PanelLine.draw(sync, into: &buffer, area: syncInner, appearance: look)
    }
}
