import Foundation
import TerminalUI
import XCTest

/// End to end: the real `stampwatch` console in a tmux pane, enrolled against a real `stampwatch-hub serve` on
/// loopback. A code scanned in the console reaches the hub through the console's background sync (no `sync`
/// command), and the status bar ends with nothing waiting and the link online. A `[sync]` section in the config
/// file is accepted (and a mistake in it stops the start, naming its line).
final class ConsoleSyncLiveTests: XCTestCase {
    private var socket = ""
    private var tmuxPath = ""

    override func setUpWithError() throws {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("tmux is not installed")
        }
        tmuxPath = tmux
        socket = "console-sync-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        if !socket.isEmpty { _ = try? tmux(["kill-server"]) }
    }

    func testAScannedCodeReachesTheHubThroughTheConsolesBackgroundSync() throws {
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        // The console's config file with a [sync] section (a short interval; the run after a record comes
        // sooner anyway).
        let configDir = world.scratch.file("config/stampwatch")
        try FileManager.default.createDirectory(atPath: configDir, withIntermediateDirectories: true)
        try "[inspection]\nofficer = OFF-SYNC\n\n[sync]\ninterval = 30   # seconds\nbatch_size = 50\n"
            .write(toFile: configDir + "/config", atomically: true, encoding: .utf8)
        let payload = #"{"uid":"MZ7000000000001","product":"06001234500017","facility":"F1","machine":"M1","manufactured":"2026-06-01T08:00:00Z","market":"MZ-MPM","series":"S1"}"#
        let code = try world.check(runTool(Bin.hub, ["mint", "--keys", world.scratch.file("issuer"), "--payload", payload]), "mint").out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(code.hasPrefix("TS1:"), code)

        try start(env: world.env.merging(["XDG_STATE_HOME": world.scratch.file("state"), "HOME": world.scratch.path]) { $1 })
        // The first run happens at start: the link comes up with nothing to send.
        try waitFor("the console online") { $0.last { !$0.isEmpty }?.contains("0 waiting · online") == true }

        try tmux(["send-keys", "-t", "console", "-l", code])
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("the verdict recorded") { $0.contains { $0.contains("recorded") } }

        // No sync command: the background sync sends it shortly after the record.
        let deadline = Date().addingTimeInterval(30)
        while try world.hubRows().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let hub = try world.hubRows()
        XCTAssertEqual(hub.count, 1, "the hub holds the inspection")
        XCTAssertEqual(hub.first?.seq, 1)
        let stored = String(decoding: hub.first?.payload ?? [], as: UTF8.self)
        XCTAssertTrue(stored.contains("\"officer_id\":\"OFF-SYNC\""), stored)
        try waitFor("nothing waiting, online") { $0.last { !$0.isEmpty }?.contains("0 waiting · online") == true }
        XCTAssertEqual(try world.deviceRows().map(\.state), ["acknowledged"])

        // The Cache & sync screen says so too.
        try tmux(["send-keys", "-t", "console", "F5"])
        try waitFor("the uploads panel") { s in
            s.contains { $0.contains("Link") && $0.contains("online") && $0.contains(world.hubURL) }
                && s.contains { $0.contains("1 stored, 0 refused") }
        }

        // Quitting stops the sync thread and the console ends cleanly.
        try tmux(["send-keys", "-t", "console", "q"])
        try waitFor("the console's exit") { $0.contains { $0.contains("[exit 0]") } }
        let log = try String(contentsOfFile: world.scratch.file("state/stampwatch/console.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("sync: background sync started as console-1"), log)
        XCTAssertTrue(log.contains("this run 1 acknowledged"), log)
    }

    func testAMistakeInTheSyncSectionStopsTheConsoleNamingTheLine() throws {
        let scratch = Scratch()
        let configDir = scratch.file("config/stampwatch")
        try FileManager.default.createDirectory(atPath: configDir, withIntermediateDirectories: true)
        try "[inspection]\nofficer = OFF-1\n[sync]\nbatch_size = 0\n".write(toFile: configDir + "/config", atomically: true, encoding: .utf8)
        let r = try runTool(Bin.stampwatch, ["--plain"], env: ["STAMPWATCH_STORE": scratch.file("data/field.sqlite"),
                                                             "XDG_CONFIG_HOME": scratch.file("config"), "XDG_STATE_HOME": scratch.file("state")])
        XCTAssertEqual(r.status, 78, r.err)
        XCTAssertTrue(r.err.contains("config:4: [sync] batch_size must be a records per batch (integer 1-1000)"), r.err)

        // A correct [sync] section is accepted; a console that is not enrolled says how to enrol.
        try "[inspection]\nofficer = OFF-1\n[sync]\nbatch_size = 10\n".write(toFile: configDir + "/config", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Bin.stampwatch)
        p.arguments = ["--plain"]
        p.environment = ProcessInfo.processInfo.environment.merging(["STAMPWATCH_STORE": scratch.file("data/field.sqlite"),
                                                                     "XDG_CONFIG_HOME": scratch.file("config"),
                                                                     "XDG_STATE_HOME": scratch.file("state")]) { $1 }
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data(":status\n:quit\n".utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("not enrolled with a hub"), out)
        XCTAssertTrue(out.contains("stampwatch device enrol --hub URL --token T"), out)
    }

    // MARK: tmux

    private func start(env: [String: String]) throws {
        let environment = ["LANG": "C.UTF-8", "TERM": "tmux-256color", "SWIFT_BACKTRACE": "enable=no"].merging(env) { $1 }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let script = "\"$0\" \"$@\"; echo \"[exit $?]\"; exec sleep 60"
        try tmux(["new-session", "-d", "-x", "80", "-y", "24", "-s", "console", "/usr/bin/env"] + assignments
                 + ["/bin/sh", "-c", script, Bin.stampwatch], startsServer: true)
    }

    private func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", "console"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private struct GaveUp: Error {}

    private func waitFor(_ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
                         _ predicate: ([String]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); the pane shows:\n" + last.joined(separator: "\n"), file: file, line: line)
        throw GaveUp()
    }

    /// A tmux command on this test's own server (`TerminalUI.TmuxServer`).
    @discardableResult
    private func tmux(_ args: [String], startsServer: Bool = false) throws -> String {
        try TmuxServer(tmuxPath: tmuxPath, socket: socket).run(args, startsServer: startsServer)
    }
}
