import StampCodes
import TerminalUI

/// The console as an Elm-style program: `update` is pure apart from the effects it returns, which
/// verify, look up and record through the injected `ConsoleEnvironment`.
///
/// Entries are handled one at a time in the order they were entered (a queue in the model), so a
/// scanner that sends the next code while the store is still writing loses nothing and reorders nothing.
/// The result panel shows a verdict only after its inspection has been recorded (or the store said why
/// not), so a console killed right after the verdict appeared has the record on disk. A checklist is
/// recorded when the officer confirms it (Enter on the checklist screen), as a follow-up record that
/// names the first one; the first record is never rewritten.
public struct ConsoleProgram: Program {
    public typealias Model = ConsoleModel
    public typealias Message = ConsoleMessage

    public let environment: ConsoleEnvironment

    public init(environment: ConsoleEnvironment) { self.environment = environment }

    public func start(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        var effects = [refreshCache()]
        // The background sync's changes come in as messages. The subscription effect ends at once (so a test
        // driver still goes idle); the sender it hands over stays valid and posts to the loop from the sync's
        // thread, waking it, for as long as the program runs.
        if let subscribe = environment.syncUpdates {
            effects.append(.stream(id: "sync-updates") { send in
                subscribe { status in send(.syncChanged(status)) }
            })
        }
        return effects
    }

    public func message(for event: InputEvent) -> ConsoleMessage? { .input(event) }

    public func update(_ model: inout ConsoleModel, _ msg: ConsoleMessage) -> [Effect<ConsoleMessage>] {
        switch msg {
        case .cacheRefreshed(let summary, let sync):
            apply(summary, sync, to: &model)
            return []
        case .syncChanged(let sync):
            let ended = model.sync?.running == true && !sync.running
            model.sync = sync
            model.syncLoaded = true
            // A run that ended may have refreshed the cache and changed the counts: read them again.
            return ended ? [refreshCache()] : []
        case .inspected(var entry, let after, let sync):
            if !model.queue.isEmpty { model.queue.removeFirst() }
            model.working = false
            entry.id = model.nextEntryID
            model.nextEntryID += 1
            model.session.insert(entry, at: 0)
            model.sessionList = ListState(count: model.session.count, selected: 0)
            model.provenanceOffset = 0
            model.checklistCursor = 0
            apply(after, sync, to: &model)
            let word = entry.outcome.verdict.rawValue.uppercased()
            model.status = entry.recordError == nil ? "\(word) recorded" : "\(word): NOT RECORDED"
            return startNext(&model)
        case .checklistRecorded(let id, let recordID, let error, let after, let sync):
            apply(after, sync, to: &model)
            guard let i = model.session.firstIndex(where: { $0.id == id }) else { return [] }
            model.session[i].savingChecklist = false
            if let recordID {
                model.session[i].followUps.append(recordID)
                model.session[i].checklistDirty = false
                model.session[i].followUpError = nil
                let word = model.session[i].judged.verdict.rawValue.uppercased()
                model.status = "Checklist recorded: \(word)"
            } else {
                model.session[i].followUpError = error ?? "unknown error"
                model.status = "Checklist NOT RECORDED"
            }
            return []
        case .input(.resize(let size)):
            model.size = size
            return []
        case .input(.mouse(let m)):
            return mouse(m, &model)
        case .input(.paste(let text)):
            model.showHelp = false
            model.escapeArmed = false
            if model.screen == .checklist, let field = checklistField(model) {
                editField(field, &model) { $0.handle(.paste(text)) }
                return []
            }
            model.screen = .scan
            model.input.handle(.paste(text))
            model.inputMessage = InputCheck.problem(in: model.input.text)
            // A scanner in paste mode ends its code with a line break: that is its Enter.
            if text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { return submit(&model) }
            return []
        case .input(.key(let key)):
            return handle(key, &model)
        }
    }

    public func view(_ model: ConsoleModel, into buffer: inout Buffer) {
        ConsoleView.render(model, into: &buffer)
    }

    private func apply(_ summary: CacheSummary?, _ sync: SyncStatus?, to model: inout ConsoleModel) {
        model.cacheLoaded = true
        model.syncLoaded = true
        if let summary { model.cache = summary }
        model.sync = sync ?? model.sync
    }

    // MARK: Keys

    /// The action a key triggers on the current screen, or nil when it is text for a field.
    private func action(for key: KeyEvent, _ model: ConsoleModel) -> Action? {
        let action = model.keyMap.action(for: key)
        guard key.typedCharacter != nil else { return action }
        switch model.screen {
        case .scan:
            // Letters belong to the input; `q` and `?` work only while it is empty.
            return model.input.isEmpty && (action == .quit || action == .help) ? action : nil
        case .checklist where checklistField(model) != nil:
            return nil
        default:
            return action
        }
    }

    private func handle(_ key: KeyEvent, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        let action = self.action(for: key, model)
        if model.showHelp {
            switch action {
            case .help?, .back?:
                model.showHelp = false
                return []
            case .up?: model.helpOffset = max(0, model.helpOffset - 1); return []
            case .down?: model.helpOffset += 1; return []
            case .pageUp?: model.helpOffset = max(0, model.helpOffset - 10); return []
            case .pageDown?: model.helpOffset += 10; return []
            default:
                // Anything else (a scanner's first character) closes help and is handled as usual.
                model.showHelp = false
            }
        }
        if action != .back { model.escapeArmed = false }
        // Esc twice is a quit too: it keeps the question armed.
        if action != .quit && action != .back { model.quitArmed = false }
        switch action {
        case .quit?:
            return quit(&model)
        case .help?:
            model.showHelp = true
            model.helpOffset = 0
            return []
        case .repaint?:
            return [.repaint]
        case ConsoleKeys.screenScan?: return go(.scan, &model)
        case ConsoleKeys.screenChecklist?: return go(.checklist, &model)
        case ConsoleKeys.screenProvenance?: return go(.provenance, &model)
        case ConsoleKeys.screenStatus?: return go(.status, &model)
        case ConsoleKeys.nextScreen?: return step(1, &model)
        case ConsoleKeys.previousScreen?: return step(-1, &model)
        default:
            break
        }
        switch model.screen {
        case .scan: return scanKey(key, action, &model)
        case .checklist: return checklistKey(key, action, &model)
        case .provenance, .status: return browseKey(key, action, &model)
        }
    }

    private func quit(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        if let dirty = model.session.first(where: \.checklistDirty), !model.quitArmed {
            model.quitArmed = true
            model.status = "Checklist not recorded (\(dirty.outcome.uid ?? "an inspection")): Enter on it records it; quit again to leave it"
            return []
        }
        return [.quit]
    }

    private func go(_ screen: ConsoleScreen, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        model.screen = screen
        model.escapeArmed = false
        switch screen {
        case .status: return [refreshCache()]
        case .checklist:
            let rows = checklistRows(model)
            model.checklistCursor = min(model.checklistCursor, max(0, rows - 1))
            return []
        default: return []
        }
    }

    private func step(_ delta: Int, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        let all = ConsoleScreen.allCases
        let next = all[(model.screen.rawValue + delta + all.count) % all.count]
        return go(next, &model)
    }

    private func scanKey(_ key: KeyEvent, _ action: Action?, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        switch action {
        case ConsoleKeys.verify?:
            if model.input.isEmpty {
                guard model.shownEntry != nil else {
                    model.status = "Scan a stamp first"
                    return []
                }
                return go(.checklist, &model)
            }
            return submit(&model)
        case .back?:
            if !model.input.isEmpty {
                model.input = TextInputState(maxLength: model.input.maxLength)
                model.inputMessage = nil
                model.status = "Input cleared"
                return []
            }
            if model.escapeArmed { return quit(&model) }
            model.escapeArmed = true
            model.status = "Esc again to quit"
            return []
        case .up?, .down?, .pageUp?, .pageDown?:
            moveSession(action!, &model)
            return []
        case .top?, .bottom?, .left?, .right?:
            // With text in the input these move its cursor (handled below).
            guard model.input.isEmpty else { break }
            if action == .left { return step(-1, &model) }
            if action == .right { return step(1, &model) }
            moveSession(action!, &model)
            return []
        default:
            break
        }
        if model.input.handle(key) {
            model.inputMessage = InputCheck.problem(in: model.input.text)
        }
        return []
    }

    private func moveSession(_ action: Action, _ model: inout ConsoleModel) {
        let before = model.sessionList.selected
        model.sessionList.handle(action, height: max(1, ConsoleLayout(size: model.size).sessionRows))
        if model.sessionList.selected != before {
            model.provenanceOffset = 0
            model.checklistCursor = 0
        }
    }

    // MARK: Checklist

    enum ChecklistField { case place, notes }

    /// Feature rows, then the place and notes fields (none without a checklist).
    private func checklistRows(_ model: ConsoleModel) -> Int {
        guard let e = model.shownEntry else { return 0 }
        return (e.checklist?.features.count ?? 0) + 2
    }

    private func checklistField(_ model: ConsoleModel) -> ChecklistField? {
        guard let e = model.shownEntry else { return nil }
        let n = e.checklist?.features.count ?? 0
        if model.checklistCursor == n { return .place }
        if model.checklistCursor == n + 1 { return .notes }
        return nil
    }

    private func editField(_ field: ChecklistField, _ model: inout ConsoleModel, _ edit: (inout TextInputState) -> Bool) {
        guard let i = model.shown else { return }
        let changed: Bool
        switch field {
        case .place: changed = edit(&model.session[i].place)
        case .notes: changed = edit(&model.session[i].notes)
        }
        if changed { model.session[i].checklistDirty = true }
    }

    private func checklistKey(_ key: KeyEvent, _ action: Action?, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        guard let i = model.shown else {
            return typedElsewhere(key, action, &model)
        }
        let rows = checklistRows(model)
        let field = checklistField(model)
        switch action {
        case ConsoleKeys.verify?:
            return recordChecklist(&model)
        case .back?:
            model.screen = .scan
            return []
        case .up?: model.checklistCursor = max(0, model.checklistCursor - 1); return []
        case .down?: model.checklistCursor = min(rows - 1, model.checklistCursor + 1); return []
        case .pageUp?: model.checklistCursor = max(0, model.checklistCursor - 5); return []
        case .pageDown?: model.checklistCursor = min(rows - 1, model.checklistCursor + 5); return []
        case .top? where field == nil: model.checklistCursor = 0; return []
        case .bottom? where field == nil: model.checklistCursor = rows - 1; return []
        case .left?, .right?, ConsoleKeys.markPass?, ConsoleKeys.markFail?, ConsoleKeys.markUnchecked?:
            if field == nil, var checklist = model.session[i].checklist, model.checklistCursor < checklist.marks.count {
                let c = model.checklistCursor
                switch action! {
                case .left: checklist.marks[c] = checklist.marks[c].previous
                case .right: checklist.marks[c] = checklist.marks[c].next
                case ConsoleKeys.markPass: checklist.marks[c] = .pass
                case ConsoleKeys.markFail: checklist.marks[c] = .fail
                default: checklist.marks[c] = .notChecked
                }
                model.session[i].checklist = checklist
                model.session[i].checklistDirty = true
                model.status = "\(checklist.features[c].name): \(checklist.marks[c].label)"
                // One key per feature: marking moves on to the next one.
                if action != .left && action != .right { model.checklistCursor = min(rows - 1, c + 1) }
                return []
            }
        default:
            break
        }
        if let field {
            editField(field, &model) { $0.handle(key) }
            return []
        }
        return typedElsewhere(key, action, &model)
    }

    private func recordChecklist(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        guard let i = model.shown else { return [] }
        let entry = model.session[i]
        let checklist = entry.checklist
        guard !entry.savingChecklist else { return [] }
        model.session[i].savingChecklist = true
        model.status = checklist == nil ? "Recording the notes…" : "Recording the checklist…"
        let judged = entry.judged
        let env = environment
        let draft = InspectionDraft(code: entry.outcome.input, verdict: judged.verdict, reasons: judged.reasons,
                                    checklistJSON: ChecklistRules.json(checklist, amends: entry.recordID), notes: entry.notes.text,
                                    place: entry.place.text, officerID: env.officerID, cacheVersion: entry.cache?.version,
                                    cacheAgeSeconds: entry.cache?.ageSeconds, createdAt: env.now())
        let id = entry.id
        return [.task {
            do {
                let recordID = try env.record(draft)
                return .checklistRecorded(entry: id, recordID: recordID, error: nil, env.cacheStatus(), env.syncStatus())
            } catch {
                env.log("checklist record for \(draft.code.prefix(40)) failed: \(error)")
                return .checklistRecorded(entry: id, recordID: nil, error: "\(error)", env.cacheStatus(), env.syncStatus())
            }
        }]
    }

    // MARK: Provenance and status

    private func browseKey(_ key: KeyEvent, _ action: Action?, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        switch action {
        case .back?:
            model.screen = .scan
            return []
        case .left?: return step(-1, &model)
        case .right?: return step(1, &model)
        case ConsoleKeys.refresh? where model.screen == .status:
            model.status = "Reading the cache and outbox…"
            return [refreshCache()]
        case ConsoleKeys.syncNow? where model.screen == .status:
            guard let syncNow = environment.syncNow else {
                model.status = model.sync?.link == .notEnrolled
                    ? "Not enrolled: run `stampwatch device enrol --hub URL --token T`, then restart the console"
                    : "No background sync in this console"
                return []
            }
            model.status = model.sync?.running == true ? "A sync is running; another follows it" : "Sync requested"
            // Only a signal to the sync thread: it returns at once.
            return [.task { syncNow(); return nil }]
        case .up?, .down?, .pageUp?, .pageDown?, .top?, .bottom?:
            guard model.screen == .provenance else { return [] }
            let page = max(1, ProvenanceLayout(size: model.size).scrollHeight - 1)
            let total = ProvenanceText.scrollLines(model.shownEntry, width: ProvenanceLayout(size: model.size).textWidth).count
            let maxOffset = max(0, total - ProvenanceLayout(size: model.size).scrollHeight)
            var o = model.provenanceOffset
            switch action! {
            case .up: o -= 1
            case .down: o += 1
            case .pageUp: o -= page
            case .pageDown: o += page
            case .top: o = 0
            default: o = maxOffset
            }
            model.provenanceOffset = max(0, min(o, maxOffset))
            return []
        default:
            return typedElsewhere(key, action, &model)
        }
    }

    /// A character typed on a screen without a text field, that is no key there: a scanner sending a
    /// code while the officer looks at another screen. Back to Scan with it, so nothing is lost.
    private func typedElsewhere(_ key: KeyEvent, _ action: Action?, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        guard action == nil, key.typedCharacter != nil else { return [] }
        model.screen = .scan
        if model.input.handle(key) { model.inputMessage = InputCheck.problem(in: model.input.text) }
        return []
    }

    // MARK: Mouse (optional: --mouse or `mouse = on`)

    private func mouse(_ m: MouseEvent, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        switch m.kind {
        case .scrollUp: return handle(model.keyMap.keys(for: .up).first ?? KeyEvent(.up), &model)
        case .scrollDown: return handle(model.keyMap.keys(for: .down).first ?? KeyEvent(.down), &model)
        case .click(1), .press(1):
            if m.position.y == 0, let hit = ConsoleView.tabs(model).first(where: { $0.columns.contains(m.position.x) }) {
                return go(hit.screen, &model)
            }
            return []
        default:
            return []
        }
    }

    // MARK: Inspecting

    private func submit(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        let text = model.input.text
        guard InputCheck.kind(of: text) != .empty else { return [] }
        model.input = TextInputState(maxLength: model.input.maxLength)
        model.inputMessage = nil
        model.queue.append(text)
        return startNext(&model)
    }

    /// Starts inspecting and recording the oldest queued entry, unless one is already in progress.
    private func startNext(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        guard !model.working, let text = model.queue.first else { return [] }
        model.working = true
        let isUID = InputCheck.kind(of: text) == .uid
        model.status = isUID ? "Looking up the UID in the cache…" : "Verifying…"
        let env = environment
        return [.task { .inspected(Self.inspect(text, env), env.cacheStatus(), env.syncStatus()) }]
    }

    /// Inspects one entry and records it; the entry's id is given when the result arrives.
    static func inspect(_ text: String, _ env: ConsoleEnvironment) -> SessionEntry {
        let before = env.cacheStatus()
        let outcome = InputCheck.kind(of: text) == .uid
            ? Inspector.lookUp(uid: text, environment: env)
            : Inspector.inspect(code: text, environment: env)
        let now = env.now()
        let draft = InspectionDraft(code: text, verdict: outcome.verdict, reasons: outcome.reasons, place: env.place,
                                    officerID: env.officerID, cacheVersion: before?.version, cacheAgeSeconds: before?.ageSeconds,
                                    createdAt: now)
        var recordID: String?
        var recordError: String?
        do {
            recordID = try env.record(draft)
        } catch {
            recordError = "\(error)"
            env.log("inspection record for \(text.prefix(40)) failed: \(error)")
        }
        var checklist: ChecklistState?
        var note: String?
        if let series = outcome.seriesID {
            do {
                if let c = try env.checklist(series) {
                    checklist = ChecklistState(c)
                    if c.features.isEmpty { note = "The cache lists no optical features for series \(series)." }
                } else {
                    note = "The offline cache has no checklist for stamp series \(series). Update the cache, or inspect by the printed guide."
                }
            } catch {
                env.log("checklist for series \(series) failed: \(error)")
                note = "The checklist could not be read from the cache (\(error)). Run `stampwatch cache verify`."
            }
        } else {
            note = outcome.kind == .uid
                ? "The cache does not know this UID's stamp series, so there is no checklist. Scan the stamp's code."
                : "No checklist: the code could not be decrypted, so its stamp series is unknown. Inspect by the printed guide."
        }
        return SessionEntry(id: 0, outcome: outcome, at: now, cache: before, recordID: recordID, recordError: recordError,
                            checklist: checklist, checklistNote: note, place: env.place)
    }

    private func refreshCache() -> Effect<ConsoleMessage> {
        let env = environment
        return .task(id: "cache") { .cacheRefreshed(env.cacheStatus(), env.syncStatus()) }
    }
}
