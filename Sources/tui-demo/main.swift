// tui-demo: a small full-screen program built from TerminalUI, for trying the toolkit by hand and for
// the real-terminal smoke test (tmux drives it). Not part of the console.
//
//   tui-demo [--theme default|light|high-contrast|sunlight] [--ascii] [--mouse] [--crash]
//   tui-demo --bench      measure rendering at 200×60 in memory and print the figures
import Foundation
import TerminalUI

struct Demo: Program {
    struct Model {
        var appearance: Appearance
        var keyMap = KeyMap.standard
        var tab = 0
        var table = ListState(count: 1_000_000)
        var tableHeight = 20
        var input = TextInputState()
        var verified: [String] = []
        var status = "ready"
        var showHelp = false
        var size = Size(width: 0, height: 0)
        var crash = false
    }

    enum Message: Sendable {
        case input(InputEvent)
        case verified(String)
    }

    static let tabs = ["Inspections", "Scan"]

    func start(_ model: inout Model) -> [Effect<Message>] {
        if model.crash { fatalError("tui-demo --crash: a deliberate crash, to show the terminal is restored") }
        return []
    }

    func message(for event: InputEvent) -> Message? { .input(event) }

    func update(_ model: inout Model, _ msg: Message) -> [Effect<Message>] {
        switch msg {
        case .verified(let code):
            model.verified.append(code)
            model.status = "Verified: \(code)"
            return []
        case .input(.resize(let size)):
            model.size = size
            model.tableHeight = max(1, size.height - 4)
            model.status = "resized to \(size)"
            return []
        case .input(.paste(let text)):
            model.status = "Pasted \(text.count) characters"
            if model.tab == 1 { model.input.handle(.paste(text)) }
            return []
        case .input(.mouse(let m)):
            model.status = "mouse \(m.kind) at \(m.position.x),\(m.position.y)"
            return []
        case .input(.key(let key)):
            let typing = model.tab == 1
            let action = model.keyMap.action(for: key, textEntry: typing)
            switch action {
            case .help?: model.showHelp.toggle(); return []
            case .quit?: return [.quit]
            case .repaint?: return [.repaint]
            case .back? where model.showHelp: model.showHelp = false; return []
            case .nextTab?, .focusNext?: model.tab = (model.tab + 1) % Self.tabs.count; return []
            case .previousTab?, .focusPrevious?: model.tab = (model.tab + Self.tabs.count - 1) % Self.tabs.count; return []
            default: break
            }
            if typing {
                if action == .select {
                    let code = model.input.text
                    model.input = TextInputState()
                    model.status = "verifying \(code)…"
                    return [.task {
                        try? await Task.sleep(for: .milliseconds(20))  // stands in for real verification work
                        return .verified(code)
                    }]
                }
                if action == .back { model.tab = 0; return [] }
                model.input.handle(key)
                return []
            }
            if let action { model.table.handle(action, height: model.tableHeight) }
            return []
        }
    }

    func view(_ model: Model, into buffer: inout Buffer) {
        let look = model.appearance
        buffer.fill(buffer.area, with: look.blank(.base))
        let rows = buffer.area.rows([.length(1), .fill(1), .length(1)])
        TabsView.render(titles: Self.tabs, selected: model.tab, into: &buffer, area: rows[0], appearance: look)
        if model.tab == 0 {
            let inner = BlockView.render(title: "Inspections \(model.table.selected + 1)/\(model.table.count)", focused: true,
                                         into: &buffer, area: rows[1], appearance: look)
            TableView.render(model.table, columns: [
                TableColumn("#", width: .length(8), alignment: .right),
                TableColumn("Place", width: .fill(1)),
                TableColumn("Verdict", width: .length(13)),
            ], cells: { i in ["\(i + 1)", "row \(i + 1) 東京 kiosk", i % 7 == 0 ? "✗ counterfeit" : "✓ genuine"] },
               rowSlot: { $0 % 7 == 0 ? .verdictCounterfeit : .verdictGenuine }, into: &buffer, area: inner, appearance: look)
        } else {
            let inner = BlockView.render(title: "Scan a stamp code", focused: true, into: &buffer, area: rows[1], appearance: look)
            let parts = inner.rows([.length(1), .length(1), .fill(1)])
            TextInputView.render(model.input, focused: true, placeholder: "scan or type a code, then Enter", into: &buffer,
                                 area: parts[0], appearance: look)
            ListView.render(ListState(count: model.verified.count, selected: max(0, model.verified.count - 1)),
                            text: { "✓ " + model.verified[$0] }, into: &buffer, area: parts[2], appearance: look, focused: false)
        }
        StatusBarView.render(left: model.status,
                             hints: KeyHint.from(model.keyMap, [(.help, "Help"), (.nextTab, "Next tab"), (.quit, "Quit")]),
                             right: "\(buffer.width)×\(buffer.height)", into: &buffer, area: rows[2], appearance: look)
        if model.showHelp { HelpOverlayView.render(keyMap: model.keyMap, into: &buffer, area: buffer.area, appearance: look) }
    }
}

/// Rough rendering costs at 200×60, in memory (no terminal), as the issue asks: full redraw and a
/// one-line change, in time and in bytes an ANSI writer would send.
func bench() {
    let size = Size(width: 200, height: 60)
    let look = Appearance(theme: .default, glyphs: .unicode)
    var model = Demo.Model(appearance: look)
    model.size = size
    let demo = Demo()
    func frame(_ m: Demo.Model) -> Buffer {
        var b = Buffer(size: size)
        demo.view(m, into: &b)
        return b
    }
    func time(_ runs: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(runs) / 1_000
    }
    let backend = MemoryBackend(width: size.width, height: size.height, colorDepth: .indexed256)
    var screen = Screen()
    let first = frame(model)
    let viewMicros = time(200) { _ = frame(model) }
    let fullMicros = time(200) { _ = first.diff(from: nil) }
    screen.present(first, on: backend)
    let full = backend.statistics
    backend.resetStatistics()
    var moved = model
    moved.table.handle(.down, height: 56)
    let second = frame(moved)
    let lineMicros = time(200) { _ = second.diff(from: first) }
    screen.present(second, on: backend)
    let line = backend.statistics
    backend.resetStatistics()
    var status = moved
    status.status = "Verified: TS1:0042"
    let third = frame(status)
    let statusMicros = time(200) { _ = third.diff(from: second) }
    screen.present(third, on: backend)
    let statusLine = backend.statistics
    let endToEnd = time(200) {
        var s = Screen()
        s.present(first, on: MemoryBackend(width: size.width, height: size.height))
        s.present(second, on: MemoryBackend(width: size.width, height: size.height))
    }
    print("TerminalUI rendering at \(size) (12,000 cells), 256 colours:")
    print(String(format: "  view (draw the demo screen into a buffer):  %8.1f µs", viewMicros))
    print(String(format: "  full redraw diff:                            %8.1f µs, %d cells, %d bytes", fullMicros, full.cellsWritten, full.bytesWritten))
    print(String(format: "  selection moves one row (diff):              %8.1f µs, %d cells, %d bytes", lineMicros, line.cellsWritten, line.bytesWritten))
    print(String(format: "  status line text changes (diff):             %8.1f µs, %d cells, %d bytes", statusMicros, statusLine.cellsWritten, statusLine.bytesWritten))
    print(String(format: "  two frames through Screen + MemoryBackend:   %8.1f µs", endToEnd))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--bench") {
    bench()
    exit(0)
}
let environment = ProcessInfo.processInfo.environment
var themeName = "default"
if let i = arguments.firstIndex(of: "--theme"), i + 1 < arguments.count { themeName = arguments[i + 1] }
guard let theme = Theme.builtins[themeName] else {
    FileHandle.standardError.write("tui-demo: unknown theme \(themeName); use one of \(Theme.builtins.keys.sorted().joined(separator: ", "))\n".data(using: .utf8)!)
    exit(64)
}
var options = NcursesBackend.Options()
options.mouse = arguments.contains("--mouse")
let backend = NcursesBackend(options: options)
var model = Demo.Model(appearance: Appearance(theme: theme))
model.crash = arguments.contains("--crash")
do {
    // The appearance depends on what the terminal turned out to support, known only after setup.
    try backend.setup()
    var adapted = model
    adapted.appearance = Appearance.forTerminal(theme: theme, depth: backend.colorDepth, environment: environment)
    if arguments.contains("--ascii") { adapted.appearance.glyphs = .ascii }
    adapted.size = backend.size
    adapted.tableHeight = max(1, backend.size.height - 4)
    let final = try Runtime(program: Demo(), model: adapted, backend: backend).run()
    print("tui-demo: verified \(final.verified.count) code(s); colours: \(backend.colorDepth)")
} catch {
    FileHandle.standardError.write("tui-demo: \(error)\n".data(using: .utf8)!)
    exit(69)
}
