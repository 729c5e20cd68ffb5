import StampCodes
import TerminalUI

/// The linear console (`stampwatch --plain`), for screen readers and very slow links: no boxes, no
/// redraws, one line per event. It reads one line at a time (a code, a UID, or a `:command`) and answers
/// with lines; the same inspection pipeline and records as the full-screen console.
///
/// The shell feeds it lines and prints what comes back; everything here is a plain function of the lines
/// given, so tests drive it without a terminal.
public final class PlainConsole {
    enum Mode {
        case scan
        /// Walking the checklist of session entry `entry` (index into `session`), at feature `feature`.
        case feature(entry: Int, feature: Int)
        case place(entry: Int)
        case notes(entry: Int)
    }

    public let environment: ConsoleEnvironment
    public private(set) var session: [SessionEntry] = []
    var mode = Mode.scan
    private var nextID = 1

    public init(environment: ConsoleEnvironment) { self.environment = environment }

    /// The lines printed at start: what this is, the cache, and how to use it.
    public func banner() -> [String] {
        let c = environment.cacheStatus()
        var out = ["Stampwatch console, plain mode. \(ConsoleText.cache(c).prefix(1).uppercased() + ConsoleText.cache(c).dropFirst())"
                   + (c?.pendingUploads.map { ", \($0) record(s) waiting to upload." } ?? ".")]
        if c == nil {
            out.append("The field store could not be read: run `stampwatch doctor` and `stampwatch cache verify`.")
        } else if c?.freshness == .noCache {
            out.append("No offline cache on this device: codes are UNVERIFIABLE. Get one with `stampwatch cache update --from URL|DIR --root ROOT.json`, or run the demo with `make run`.")
        }
        out.append("Type or scan a code (TS1:…) or a UID, then Enter. Commands: :checklist, :provenance, :status, :session, :help, :quit.")
        return out
    }

    /// What to show before reading the next line.
    public var prompt: String {
        switch mode {
        case .scan: "code> "
        case .feature: "mark (p pass, f fail, n not checked, Enter keep, :cancel)> "
        case .place(let i): "place [\(session[i].place.text)]> "
        case .notes: "notes (Enter for none)> "
        }
    }

    /// Handles one line; returns the lines to print and whether the session is over.
    public func handle(_ line: String) -> (lines: [String], done: Bool) {
        let text = String(line.drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\r" }.reversed())
        switch mode {
        case .scan: return scan(text)
        case .feature(let i, let f): return (feature(i, f, text), false)
        case .place(let i):
            if text == ":cancel" { mode = .scan; return (["Checklist not recorded (cancelled)."], false) }
            if !text.isEmpty { session[i].place = TextInputState(text, maxLength: 200) }
            mode = .notes(entry: i)
            return ([], false)
        case .notes(let i):
            if text == ":cancel" { mode = .scan; return (["Checklist not recorded (cancelled)."], false) }
            session[i].notes = TextInputState(text, maxLength: 2000)
            mode = .scan
            return (recordChecklist(i), false)
        }
    }

    private func scan(_ text: String) -> (lines: [String], done: Bool) {
        switch text.lowercased() {
        case "": return ([], false)
        case ":quit", ":q", ":exit": return (["\(session.count) inspection(s) this session."], true)
        case ":help", ":?":
            return ([
                "Enter a code as the scanner types it (TS1:…), or a UID by hand (looked up in the cache only, not verified).",
                ":checklist walks the optical checklist of the last inspection and records it; :checklist N for the Nth of :session.",
                ":provenance shows the last inspection's chain, events and FCTC items (a)-(j) with their sources; :provenance N likewise.",
                ":status shows the cache and the uploads waiting; :session lists this session's inspections; :quit ends (so does Ctrl-D).",
            ], false)
        case ":status":
            let c = environment.cacheStatus()
            let lines = StatusText.cacheLines(c, loaded: true, now: environment.now(), width: 10_000)
                + StatusText.syncLines(environment.syncStatus(), loaded: true, now: environment.now(), width: 10_000)
            return (lines.map(\.text).filter { !$0.isEmpty }, false)
        case ":session":
            if session.isEmpty { return (["No inspections yet."], false) }
            return (session.enumerated().map { "\(session.count - $0.offset). " + ConsoleText.sessionRow($0.element) }.reversed(), false)
        default:
            break
        }
        if text.hasPrefix(":") {
            let parts = text.split(separator: " ")
            let command = parts[0].lowercased()
            guard [":provenance", ":p", ":checklist", ":c"].contains(command) else {
                return (["Unknown command \(command): :help lists the commands."], false)
            }
            var index = session.count - 1
            if parts.count > 1 {
                guard let n = Int(parts[1]), n >= 1, n <= session.count else {
                    return (["There is no inspection \(parts[1]) in this session: :session lists them."], false)
                }
                index = n - 1
            }
            guard index >= 0 else { return (["No inspection yet: enter a code first."], false) }
            let i = session.count - 1 - index  // session is newest first
            switch command {
            case ":provenance", ":p":
                guard let report = session[i].outcome.provenance else {
                    return ([session[i].outcome.provenanceNote ?? "No provenance for this inspection."], false)
                }
                return (report.textLines(), false)
            case ":checklist", ":c":
                return (startChecklist(i), false)
            default:
                return (["Unknown command \(command): :help lists the commands."], false)
            }
        }
        if let problem = InputCheck.problem(in: text) { return (["Warning: " + problem] + inspect(text), false) }
        return (inspect(text), false)
    }

    private func inspect(_ text: String) -> [String] {
        var entry = ConsoleProgram.inspect(text, environment)
        entry.id = nextID
        nextID += 1
        session.insert(entry, at: 0)
        return Self.describe(entry)
    }

    /// An inspection as lines: verdict, record state, reasons, fields, provenance in one line.
    static func describe(_ entry: SessionEntry) -> [String] {
        let o = entry.outcome
        let judged = entry.judged
        var head = "\(judged.verdict.rawValue.uppercased()) \(judged.verdict.symbol)"
        if let uid = o.uid { head += " " + uid }
        head += entry.recordError == nil ? ", recorded." : ", NOT RECORDED: \(entry.recordError!)"
        var out = [head]
        for r in judged.reasons { out.append("  reason \(r.code): \(r.message)") }
        if let p = o.payload {
            out.append("  fields: product \(p.product), facility \(p.facility), machine \(p.machine), manufactured \(RFC3339.format(p.manufactured)), shift \(p.shift ?? "-"), market \(p.market), series \(p.series), operator \(p.operator ?? "-")")
        }
        if let report = o.provenance {
            out.append("  provenance: \(report.inCache ? "in the cache" : "not in the cache"), \(report.chain.count - 1) container(s), \(report.events.count) event(s); :provenance for details")
        } else if let note = o.provenanceNote {
            out.append("  " + note)
        }
        if entry.checklist != nil { out.append("  :checklist walks this stamp series' optical checklist.") }
        return out
    }

    private func startChecklist(_ i: Int) -> [String] {
        guard let checklist = session[i].checklist, !checklist.features.isEmpty else {
            return [session[i].checklistNote ?? "No checklist for this inspection."]
        }
        mode = .feature(entry: i, feature: 0)
        let s = checklist.checklist.series
        return ["Checklist of series \(s.seriesID) \(s.name): \(checklist.features.count) feature(s) for \(session[i].outcome.uid ?? "this inspection")."]
            + featureLines(i, 0)
    }

    private func featureLines(_ i: Int, _ f: Int) -> [String] {
        let checklist = session[i].checklist!
        let feature = checklist.features[f]
        return ["Feature \(f + 1) of \(checklist.features.count): \(feature.name), \(ChecklistRules.levelName(feature.level)), tool \(ChecklistRules.toolName(feature.tool)), now \(checklist.marks[f].rawValue). Look for: \(feature.lookFor)"]
    }

    private func feature(_ i: Int, _ f: Int, _ text: String) -> [String] {
        if text == ":cancel" { mode = .scan; return ["Checklist not recorded (cancelled); the marks so far are kept for :checklist."] }
        var mark: ChecklistMark?
        switch text.lowercased() {
        case "p", "pass": mark = .pass
        case "f", "fail": mark = .fail
        case "n", "not checked", "skip": mark = .notChecked
        case "": mark = nil
        default: return ["Answer p (pass), f (fail), n (not checked), Enter to keep, or :cancel."]
        }
        if let mark {
            session[i].checklist!.marks[f] = mark
            session[i].checklistDirty = true
        }
        let count = session[i].checklist!.features.count
        if f + 1 < count {
            mode = .feature(entry: i, feature: f + 1)
            return featureLines(i, f + 1)
        }
        mode = .place(entry: i)
        return []
    }

    private func recordChecklist(_ i: Int) -> [String] {
        let entry = session[i]
        guard let checklist = entry.checklist else { return [] }
        let judged = entry.judged
        let draft = InspectionDraft(code: entry.outcome.input, verdict: judged.verdict, reasons: judged.reasons,
                                    checklistJSON: ChecklistRules.json(checklist, amends: entry.recordID), notes: entry.notes.text,
                                    place: entry.place.text, officerID: environment.officerID, cacheVersion: entry.cache?.version,
                                    cacheAgeSeconds: entry.cache?.ageSeconds, createdAt: environment.now())
        do {
            let id = try environment.record(draft)
            session[i].followUps.append(id)
            session[i].checklistDirty = false
        } catch {
            environment.log("checklist record failed: \(error)")
            return ["Checklist NOT RECORDED: \(error). :checklist to try again."]
        }
        var out = ["Checklist recorded: \(judged.verdict.rawValue.uppercased()) \(judged.verdict.symbol), \(checklist.count(.pass)) pass, \(checklist.count(.fail)) fail, \(checklist.count(.notChecked)) not checked."]
        for r in ChecklistRules.reasons(checklist) { out.append("  reason \(r.code): \(r.message)") }
        return out
    }
}
