import StampCodes
import TerminalUI

/// The console as an Elm-style program: `update` is pure apart from the effects it returns, which
/// verify and record through the injected `ConsoleEnvironment`.
///
/// Codes are handled one at a time in the order they were entered (a queue in the model), so a
/// scanner that sends the next code while the store is still writing loses nothing and reorders nothing.
/// The result panel shows a verdict only after its inspection has been recorded (or the store said why
/// not), so a console killed right after the verdict appeared has the record on disk.
public struct ConsoleProgram: Program {
    public typealias Model = ConsoleModel
    public typealias Message = ConsoleMessage

    public let environment: ConsoleEnvironment

    public init(environment: ConsoleEnvironment) { self.environment = environment }

    public func start(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        [refreshCache()]
    }

    public func message(for event: InputEvent) -> ConsoleMessage? { .input(event) }

    public func update(_ model: inout ConsoleModel, _ msg: ConsoleMessage) -> [Effect<ConsoleMessage>] {
        switch msg {
        case .cacheRefreshed(let summary):
            if let summary { model.cache = summary }
            return []
        case .inspected(let entry, let after):
            if !model.queue.isEmpty { model.queue.removeFirst() }
            model.working = false
            model.session.insert(entry, at: 0)
            model.sessionList = ListState(count: model.session.count, selected: 0)
            if let after { model.cache = after }
            let word = entry.result.verdict.rawValue.uppercased()
            model.status = entry.recordError == nil ? "\(word) recorded" : "\(word): NOT RECORDED"
            return startNext(&model)
        case .input(.resize(let size)):
            model.size = size
            return []
        case .input(.mouse):
            return []
        case .input(.paste(let text)):
            model.showHelp = false
            model.escapeArmed = false
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

    // MARK: Keys

    private func handle(_ key: KeyEvent, _ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        let action = model.keyMap.action(for: key, textEntry: !model.input.isEmpty)
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
        switch action {
        case .quit?:
            return [.quit]
        case .help?:
            model.showHelp = true
            model.helpOffset = 0
            return []
        case .repaint?:
            return [.repaint]
        case .some(ConsoleKeys.verify):
            return submit(&model)
        case .back?:
            if !model.input.isEmpty {
                model.input = TextInputState(maxLength: model.input.maxLength)
                model.inputMessage = nil
                model.status = "Input cleared"
                return []
            }
            if model.escapeArmed { return [.quit] }
            model.escapeArmed = true
            model.status = "Esc again to quit"
            return []
        case .up?, .down?, .pageUp?, .pageDown?, .top?, .bottom?:
            model.sessionList.handle(action!, height: max(1, ConsoleLayout(size: model.size).sessionRows))
            return []
        default:
            break
        }
        if model.input.handle(key) {
            model.inputMessage = InputCheck.problem(in: model.input.text)
        }
        return []
    }

    private func submit(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        let text = model.input.text
        switch InputCheck.kind(of: text) {
        case .empty:
            return []
        case .uid:
            model.inputMessage = InputCheck.uidMessage(text, lookupAvailable: environment.uidLookupAvailable)
            return []
        case .code:
            model.input = TextInputState(maxLength: model.input.maxLength)
            model.inputMessage = nil
            model.queue.append(text)
            return startNext(&model)
        }
    }

    /// Starts verifying and recording the oldest queued code, unless one is already in progress.
    private func startNext(_ model: inout ConsoleModel) -> [Effect<ConsoleMessage>] {
        guard !model.working, let code = model.queue.first else { return [] }
        model.working = true
        model.status = "Verifying…"
        let env = environment
        return [.task {
            let before = env.cacheStatus()
            let result = env.verify(code)
            let now = env.now()
            let draft = InspectionDraft(code: code, verdict: result.verdict, reasons: result.reasons, place: env.place,
                                        officerID: env.officerID, cacheVersion: before?.version,
                                        cacheAgeSeconds: before?.ageSeconds, createdAt: now)
            var problem: String?
            do { try env.record(draft) } catch { problem = "\(error)" }
            let after = env.cacheStatus()
            return .inspected(SessionEntry(result: result, at: now, cache: before, recordError: problem), after)
        }]
    }

    private func refreshCache() -> Effect<ConsoleMessage> {
        let env = environment
        return .task(id: "cache") { .cacheRefreshed(env.cacheStatus()) }
    }
}
