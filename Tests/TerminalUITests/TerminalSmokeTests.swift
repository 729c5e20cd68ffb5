import Foundation
import TerminalUI
import XCTest

/// The real thing: `tui-demo` on ncurses inside a detached tmux pane (80×24), driven with send-keys and
/// read back with capture-pane. Skipped when tmux is not installed.
///
/// The program runs in another process, so these tests poll the pane (every 20 ms, up to a deadline)
/// for the text they expect; everything else in this suite waits for idleness instead.
final class TerminalSmokeTests: XCTestCase {
    private var socket = ""
    private var tmuxPath = ""

    override func setUpWithError() throws {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("tmux is not installed") }
        tmuxPath = tmux
        guard FileManager.default.isExecutableFile(atPath: Self.demo.path) else { throw XCTSkip("tui-demo was not built at \(Self.demo.path)") }
        socket = "terminalui-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        if !socket.isEmpty { _ = try? tmux(["kill-server"]) }
    }

    /// The demo executable, built next to this test bundle.
    static let demo: URL = {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        let bundle = Bundle(for: TerminalSmokeTests.self).bundleURL
        candidates += [bundle.deletingLastPathComponent(), bundle]
        let dir = candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("tui-demo").path) }
        return (dir ?? bundle.deletingLastPathComponent()).appendingPathComponent("tui-demo")
    }()

    /// A tmux command on this test's own server (`TerminalUI.TmuxServer`).
    @discardableResult
    private func tmux(_ args: [String], startsServer: Bool = false) throws -> String {
        try TmuxServer(tmuxPath: tmuxPath, socket: socket).run(args, startsServer: startsServer)
    }

    private func start(_ extra: [String] = [], env: [String: String] = [:]) throws {
        let args = ["new-session", "-d", "-x", "80", "-y", "24", "-s", "demo"]
        // Through env(1): tmux sets TERM for the pane itself, after any -e.
        let environment = ["LANG": "C.UTF-8", "TERM": "tmux-256color", "SWIFT_BACKTRACE": "enable=no"].merging(env) { $1 }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // A shell runs the demo and then reports its exit status and stays: tmux drops what a dying
        // pane wrote last, so the pane must outlive the program for the restored screen to be read.
        let script = "\"$0\" \"$@\"; echo \"[exit $?]\"; exec sleep 60"
        try tmux(args + ["/usr/bin/env"] + assignments + ["/bin/sh", "-c", script, Self.demo.path] + extra, startsServer: true)
    }

    /// The demo's process id: the child of the pane's shell.
    private func demoPID() throws -> pid_t {
        let shell = try format("#{pane_pid}")
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") where Int(entry) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, String(fields[1]) == shell, stat.contains("(tui-demo)") { return pid_t(entry)! }
        }
        throw XCTSkip("could not find the tui-demo process")
    }

    /// The visible pane, or with `history` also the lines scrolled off its top.
    private func screen(history: Bool = false) throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", "demo"] + (history ? ["-S", "-500"] : [])).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private func format(_ f: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "demo", f]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the pane until `predicate` holds; fails with the last screen if it never does.
    private func waitFor(_ what: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line,
                         _ predicate: ([String]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTFail("timed out waiting for \(what); the pane shows:\n" + last.joined(separator: "\n"), file: file, line: line)
        throw XCTSkip("giving up after the failure above")
    }

    /// Waits for the demo to end and returns its exit status as the shell saw it (128 + n for signal n).
    private func waitForExit(file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var status = -1
        try waitFor("the program to exit", file: file, line: line) { lines in
            guard let l = lines.last(where: { $0.hasPrefix("[exit ") }) else { return false }
            status = Int(l.dropFirst(6).dropLast()) ?? -1
            return true
        }
        return status
    }

    func testDrawsNavigatesShowsHelpTakesInputAndPasteAndRestoresTheTerminal() throws {
        try start()
        try waitFor("the first frame") { $0.contains { $0.contains("Inspections 1/1000000") } }
        var lines = try screen()
        XCTAssertTrue(lines[0].hasPrefix("[1 Inspections]"), lines[0])
        XCTAssertTrue(lines[23].contains("? Help") && lines[23].hasSuffix("80×24"), lines[23])
        XCTAssertEqual(try format("#{alternate_on}"), "1", "the program draws on the alternate screen")

        try tmux(["send-keys", "-t", "demo", "j", "j", "Down"])
        try waitFor("the selection on row 4") { $0.contains { $0.hasPrefix("┃▶        4 row 4 東京 kiosk") } }
        lines = try screen()
        XCTAssertTrue(lines[2].contains("Inspections 4/1000000") || lines[1].contains("Inspections 4/1000000"), lines[1])
        // Wide characters do not shift the verdict column.
        XCTAssertTrue(lines[5].hasSuffix("✓ genuine     ┃"), lines[5])

        try tmux(["send-keys", "-t", "demo", "?"])
        try waitFor("help on ?") { $0.contains { $0.contains("? or F1 or Esc closes") } }
        try tmux(["send-keys", "-t", "demo", "F1"])
        try waitFor("help closed by F1") { !$0.contains { $0.contains("closes") } }
        try tmux(["send-keys", "-t", "demo", "F1"])
        try waitFor("help on F1") { $0.contains { $0.contains("? or F1 or Esc closes") } }
        try tmux(["send-keys", "-t", "demo", "Escape"])
        try waitFor("help closed by Esc") { !$0.contains { $0.contains("closes") } }

        // A scanner: a long code and Enter typed in one burst.
        try tmux(["send-keys", "-t", "demo", "]"])
        try waitFor("the scan tab") { $0.contains { $0.contains("Scan a stamp code") } }
        let code = "TS1:" + String((0..<96).map { Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")[$0 % 36] })
        try tmux(["send-keys", "-t", "demo", "-l", code])
        try tmux(["send-keys", "-t", "demo", "Enter"])
        try waitFor("the verified code") { $0.contains { $0.contains("✓ TS1:0123456789ABCDEF") } }
        lines = try screen()
        XCTAssertTrue(lines[23].contains("Verified: TS1:0123"), lines[23])

        // Bracketed paste: one event, inserted into the field.
        try tmux(["set-buffer", "-b", "p", "PASTED-TEXT"])
        try tmux(["paste-buffer", "-p", "-b", "p", "-t", "demo"])
        try waitFor("the paste") { $0.contains { $0.contains("Pasted 11 characters") } }
        XCTAssertTrue(try screen().contains { $0.contains("PASTED-TEXT") })

        try tmux(["resize-window", "-t", "demo", "-x", "100", "-y", "30"])
        try waitFor("the resize") { $0.count >= 30 && $0[29].hasSuffix("100×30") }

        try tmux(["send-keys", "-t", "demo", "C-c"])
        XCTAssertEqual(try waitForExit(), 0)
        XCTAssertEqual(try format("#{alternate_on}"), "0", "the terminal is back on the normal screen")
        XCTAssertEqual(try format("#{cursor_flag}"), "1", "the cursor is visible again")
        XCTAssertTrue(try screen().contains { $0.contains("tui-demo: verified 1 code(s)") })
    }

    func testTerminalIsRestoredWhenKilledBySIGTERM() throws {
        try start()
        try waitFor("the first frame") { $0.contains { $0.contains("Inspections 1/1000000") } }
        XCTAssertEqual(kill(try demoPID(), SIGTERM), 0)
        XCTAssertEqual(try waitForExit(), 128 + Int(SIGTERM), "the signal is re-raised, so the exit says what happened")
        XCTAssertEqual(try format("#{alternate_on}"), "0")
        XCTAssertEqual(try format("#{cursor_flag}"), "1")
    }

    func testTerminalIsRestoredAfterACrash() throws {
        try start(["--crash"])
        XCTAssertGreaterThan(try waitForExit(), 128, "it died of the crash signal, re-raised after the restore")
        XCTAssertEqual(try format("#{alternate_on}"), "0")
        XCTAssertEqual(try format("#{cursor_flag}"), "1")
        XCTAssertTrue(try screen(history: true).contains { $0.contains("deliberate crash") },
                      "the crash message, held back while the screen was up, is printed after the restore")
    }

    func testMonochromeASCIIRunsOnAPlainTerminal() throws {
        try start(["--ascii"], env: ["TERM": "vt100", "LANG": "C"])
        try waitFor("the first frame") { $0.contains { $0.contains("Inspections 1/1000000") } }
        let lines = try screen()
        XCTAssertTrue(lines[1].hasPrefix("# Inspections"), lines[1])
        XCTAssertTrue(lines[3].hasPrefix("#>"), lines[3])
        try tmux(["send-keys", "-t", "demo", "q"])
        XCTAssertEqual(try waitForExit(), 0)
        XCTAssertTrue(try screen().contains { $0.contains("colours: monochrome") })
    }
}
