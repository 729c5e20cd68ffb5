import TerminalUI
import XCTest

/// A toy console: a code field (a scanner types into it), a list of verified codes, help on ?/F1.
struct ToyConsole: Program {
    struct Model {
        var input = TextInputState()
        var inputFocused = true
        var codes: [String] = []
        var list = ListState(count: 0)
        var status = "ready"
        var showHelp = false
        var keyMap = KeyMap.standard
        var searches: [String] = []
    }

    enum Message: Sendable {
        case input(InputEvent)
        case verified(String)
        case progress(Int)
        case searched(String)
    }

    var appearance = Appearance(theme: .default, glyphs: .ascii)

    func message(for event: InputEvent) -> Message? { .input(event) }

    func update(_ model: inout Model, _ msg: Message) -> [Effect<Message>] {
        switch msg {
        case .verified(let code):
            model.codes.append(code)
            model.list.setCount(model.codes.count)
            model.status = "verified \(model.codes.count)"
            return []
        case .progress(let n):
            model.status = "sync \(n)%"
            return []
        case .searched(let q):
            model.searches.append(q)
            return []
        case .input(let event):
            if case .resize = event { return [] }
            guard case .key(let key) = event else {
                if model.inputFocused { model.input.handle(event) }
                return []
            }
            let action = model.keyMap.action(for: key, textEntry: model.inputFocused)
            if action == .help { model.showHelp.toggle(); return [] }
            if action == .quit { return [.quit] }
            if model.inputFocused {
                switch action {
                case .select?:
                    let code = model.input.text
                    model.input = TextInputState()
                    model.status = "verifying"
                    return [.task { await Self.verify(code) }]
                case .back?: model.inputFocused = false
                default: model.input.handle(event)
                }
                return []
            }
            switch action {
            case .focusNext?: model.inputFocused = true
            case .search?:
                // Two searches in a row: only the last one's result may arrive.
                return [.task(id: "search") { try? await Task.sleep(for: .seconds(30)); return .searched("slow") },
                        .task(id: "search") { .searched("fast") }]
            case .refresh?: return [.stream { send in for p in [25, 50, 100] { send(.progress(p)) } }]
            case let a?: model.list.handle(a, height: 10)
            case nil: break
            }
            return []
        }
    }

    static func verify(_ code: String) async -> Message {
        await Task.yield()   // really asynchronous: the result arrives in a later batch
        return .verified(code)
    }

    func view(_ model: Model, into buffer: inout Buffer) {
        let rows = buffer.area.rows([.length(1), .fill(1), .length(1)])
        buffer.write("Code:", x: 0, y: 0)
        TextInputView.render(model.input, focused: model.inputFocused, into: &buffer, area: Rect(x: 6, y: 0, width: rows[0].width - 6, height: 1),
                             appearance: appearance)
        ListView.render(model.list, text: { model.codes[$0] }, into: &buffer, area: rows[1], appearance: appearance, focused: !model.inputFocused)
        StatusBarView.render(left: model.status, into: &buffer, area: rows[2], appearance: appearance)
        if model.showHelp { HelpOverlayView.render(keyMap: model.keyMap, into: &buffer, area: buffer.area, appearance: appearance) }
    }
}

extension Action {
    static let refresh: Action = "refresh"
}

final class RuntimeTests: XCTestCase {
    private func driver(_ size: Size = Size(width: 80, height: 24)) -> ProgramDriver<ToyConsole> {
        var model = ToyConsole.Model()
        model.keyMap.add(KeyBinding(.refresh, [.char("r")], "Sync now", group: "Actions"))
        return ProgramDriver(program: ToyConsole(), model: model, size: size)
    }

    func testFirstFrameIsDrawnAtStart() {
        let d = driver()
        XCTAssertEqual(d.lines[0], "Code:" + String(repeating: " ", count: 75))
        XCTAssertEqual(d.lines[23].trimmingCharacters(in: .whitespaces), "ready")
        XCTAssertEqual(d.backend.cursor, Position(x: 6, y: 0))
    }

    func testScannerBurstIsReadWholeInOrderAndRenderedOnce() throws {
        let d = driver()
        let code = "TS1:" + String((0..<100).map { Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:")[$0 % 44] })
        d.type(code + "\n")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.codes, [code], "no character dropped or reordered")
        XCTAssertEqual(d.model.status, "verified 1")
        XCTAssertEqual(d.runtime.framesRendered, 3, "start, the burst (one render for 105 keys), the effect's result")
        assertScreen(d.lines, [
            "Code:",
            "> " + code.prefix(77) + "~",   // the selected row, cut with the ASCII ellipsis
        ] + Array(repeating: "", count: 21) + [" verified 1"])
    }

    func testManyScansBackToBack() throws {
        let d = driver()
        for i in 0..<50 { d.type("CODE-\(i)\r") }
        try d.waitUntilIdle()
        XCTAssertEqual(Set(d.model.codes), Set((0..<50).map { "CODE-\($0)" }))
        XCTAssertEqual(d.model.codes.count, 50)
    }

    func testTypingQInTheFieldDoesNotQuitButCtrlCDoes() throws {
        let d = driver()
        d.type("q")
        try d.waitUntilIdle()
        XCTAssertFalse(d.isFinished)
        XCTAssertEqual(d.model.input.text, "q")
        d.press(.character("c"), .ctrl)
        try d.waitUntilIdle()
        XCTAssertTrue(d.isFinished)
    }

    func testHelpOpensOnQuestionMarkAndF1AndListsTheLiveKeys() throws {
        let d = driver()
        d.press(.escape)                 // leave the field: ? is now a key, not a character
        d.type("?")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.contains { $0.contains("Sync now") && $0.contains("r") }, d.lines.joined(separator: "\n"))
        XCTAssertTrue(d.lines.contains { $0.contains("? or F1 or Esc closes") })
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines.contains { $0.contains("Sync now") })
        d.press(.tab)                    // back in the field, F1 still opens help
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertTrue(d.model.showHelp)
        XCTAssertTrue(d.model.inputFocused)
    }

    func testBracketedPasteArrivesAsOneInsertion() throws {
        let d = driver()
        d.type("[]")
        d.press(.left)
        d.send(raw: "\u{1B}[200~TS1:PASTED\r\n\u{1B}[201~")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.input.text, "[TS1:PASTED]")
        XCTAssertEqual(d.model.codes, [], "a pasted newline never submits")
    }

    func testStreamedEffectDeliversEveryMessageInOrder() throws {
        let d = driver()
        d.press(.escape)
        d.type("r")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.status, "sync 100%")
        XCTAssertEqual(d.runtime.runningEffects, 0)
    }

    func testRestartingATaskWithTheSameIdCancelsTheOldOneAndDropsItsResult() throws {
        let d = driver()
        d.press(.escape)
        d.type("/")
        try d.waitUntilIdle(timeout: .seconds(5))   // the 30-second search was cancelled, not awaited
        XCTAssertEqual(d.model.searches, ["fast"])
    }

    func testResizeRedrawsEverythingAtTheNewSize() throws {
        let d = driver()
        d.type("abc")
        try d.waitUntilIdle()
        d.backend.resetStatistics()
        d.resize(to: Size(width: 132, height: 43))
        try d.waitUntilIdle()
        XCTAssertEqual(d.lines.count, 43)
        XCTAssertEqual(d.lines[42].trimmingCharacters(in: .whitespaces), "ready")
        XCTAssertEqual(d.backend.statistics.cellsWritten, 132 * 43)
        XCTAssertEqual(d.lines[0].count, 132)
    }

    func testAKeyPressRewritesOnlyWhatChanged() throws {
        let d = driver()
        d.type("abc")
        try d.waitUntilIdle()
        d.backend.resetStatistics()
        d.type("d")
        try d.waitUntilIdle()
        XCTAssertEqual(d.backend.statistics.cellsWritten, 1)
        // One cell in the field's colours plus the cursor: a cursor move, one SGR, the byte, and the cursor again.
        XCTAssertLessThan(d.backend.statistics.bytesWritten, 64)
    }

    func testRepaintEffectRedrawsTheWholeScreen() throws {
        struct Repaint: Program {
            enum Message: Sendable { case key }
            func message(for event: InputEvent) -> Message? { .key }
            func update(_ model: inout Int, _ msg: Message) -> [Effect<Message>] { [.repaint] }
            func view(_ model: Int, into buffer: inout Buffer) { buffer.write("x", x: 0, y: 0) }
        }
        let d = ProgramDriver(program: Repaint(), model: 0, size: Size(width: 20, height: 5))
        d.backend.resetStatistics()
        d.press(.character("l"), .ctrl)
        try d.waitUntilIdle()
        XCTAssertEqual(d.backend.statistics.fullRepaints, 1)
        XCTAssertEqual(d.backend.statistics.cellsWritten, 100)
    }

    func testStartEffectsRunAndQuitStopsEverything() throws {
        struct Starter: Program {
            enum Message: Sendable { case loaded(Int), key }
            func start(_ model: inout [Int]) -> [Effect<Message>] { [.task { .loaded(42) }] }
            func message(for event: InputEvent) -> Message? { .key }
            func update(_ model: inout [Int], _ msg: Message) -> [Effect<Message>] {
                switch msg {
                case .loaded(let n): model.append(n); return []
                case .key: return [.quit, .task { try? await Task.sleep(for: .seconds(30)); return .loaded(0) }]
                }
            }
            func view(_ model: [Int], into buffer: inout Buffer) { buffer.write("\(model)", x: 0, y: 0) }
        }
        let d = ProgramDriver(program: Starter(), model: [], size: Size(width: 20, height: 2))
        try d.waitUntilIdle()
        XCTAssertEqual(d.lines[0].trimmingCharacters(in: .whitespaces), "[42]")
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertTrue(d.isFinished)
    }

    func testEffectMapLiftsAChildScreensEffects() throws {
        enum Child: Sendable, Equatable { case done(Int) }
        enum Parent: Sendable, Equatable { case child(Child) }
        let effect = Effect<Child>.task { .done(7) }.map(Parent.child)
        struct Host: Program {
            let first: Effect<Parent>
            func start(_ model: inout [Parent]) -> [Effect<Parent>] { [first] }
            func message(for event: InputEvent) -> Parent? { nil }
            func update(_ model: inout [Parent], _ msg: Parent) -> [Effect<Parent>] { model.append(msg); return [] }
            func view(_ model: [Parent], into buffer: inout Buffer) {}
        }
        let d = ProgramDriver(program: Host(first: effect), model: [], size: Size(width: 4, height: 1))
        try d.waitUntilIdle()
        XCTAssertEqual(d.model, [.child(.done(7))])
    }

    func testRunRestoresTheTerminalOnQuit() throws {
        struct Quitter: Program {
            enum Message: Sendable { case key }
            func message(for event: InputEvent) -> Message? { .key }
            func update(_ model: inout Int, _ msg: Message) -> [Effect<Message>] { model += 1; return [.quit] }
            func view(_ model: Int, into buffer: inout Buffer) {}
        }
        let backend = MemoryBackend(width: 10, height: 2)
        backend.press(.enter)
        let final = try Runtime(program: Quitter(), model: 0, backend: backend).run()
        XCTAssertEqual(final, 1)
        XCTAssertEqual(backend.restoreCount, 1)
        XCTAssertFalse(backend.isSetUp)
    }
}
