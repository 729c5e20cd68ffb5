import FieldStore
import Foundation
import StampCodes
import StampCrypto
import TerminalUI
import XCTest

/// End to end: the built `stampwatch` (no subcommand) in a detached tmux pane at 80×24, a code typed
/// as a scanner types it, the verdict read back with capture-pane, then kill -9 and the inspection
/// found in the field store. Skipped when tmux or the binary (`.build/debug/stampwatch`) is missing.
final class ConsoleTmuxTests: XCTestCase {
    private var socket = ""
    private var tmuxPath = ""
    private var dir = ""

    override func setUpWithError() throws {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("tmux is not installed") }
        tmuxPath = tmux
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("stampwatch was not built at \(Self.binary.path)")
        }
        socket = "console-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        dir = NSTemporaryDirectory() + "console-tmux-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if !socket.isEmpty { _ = try? tmux(["kill-server"]) }
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// `stampwatch`, built next to this test bundle (`.build/debug/stampwatch`).
    static let binary: URL = {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        let bundle = Bundle(for: ConsoleTmuxTests.self).bundleURL
        candidates += [bundle.deletingLastPathComponent(), bundle]
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("stampwatch").path) }
        return (found ?? bundle.deletingLastPathComponent()).appendingPathComponent("stampwatch")
    }()

    func testScannedCodeShowsGenuineAndIsOnDiskAfterKill9() throws {
        let keyringPath = dir + "/keyring.json"
        let key = Fixtures.signingKey
        let keyring: [String: Any] = [
            "signing_keys": [["kid": hex(signingKeyID(key.publicKey)), "alg": "ES256", "public_key_pem": key.publicKey.spkiPEM,
                              "issuer": "Test issuer", "not_before": "2025-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"]],
            "data_keys": [["kid": hex(Fixtures.dataKey.kid), "alg": "A256GCM", "key": Data(Fixtures.dataKey.key).base64EncodedString(),
                           "not_before": "2025-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"]],
        ]
        try JSONSerialization.data(withJSONObject: keyring).write(to: URL(fileURLWithPath: keyringPath))
        let store = dir + "/data/field.sqlite"
        try start(env: ["STAMPWATCH_STORE": store, "XDG_DATA_HOME": dir + "/data", "STAMPWATCH_KEYRING": keyringPath,
                        "STAMPWATCH_DEVICE_ID": "tmux-device", "STAMPWATCH_OFFICER": "OFF-9"])
        try waitFor("the console") { $0.contains { $0.contains("STAMPWATCH") } }

        let code = Fixtures.genuine
        try tmux(["send-keys", "-t", "console", "-l", code])
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("the verdict") { $0.contains { $0.contains("✔  G E N U I N E") } }
        XCTAssertTrue(try screen().contains { $0.contains("uid          MZ0000000000001") })

        let pid = try consolePID()
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        // Gone once the pane's shell has reaped it (a killed console cannot restore the screen, so the
        // pane is not the place to look).
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)") && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(pid)"), "the console was killed")

        let fieldStore = try FieldStore.open(at: store)
        XCTAssertEqual(try fieldStore.sequenceNumbers(deviceID: "tmux-device"), [1])
        let pending = try fieldStore.pendingOutbox(limit: 10, now: Int64.max)
        XCTAssertEqual(pending.count, 1)
        let payload = String(decoding: pending.first?.payload ?? [], as: UTF8.self)
        XCTAssertTrue(payload.contains("\"verdict\":\"genuine\""), payload)
        XCTAssertTrue(payload.contains("\"officer_id\":\"OFF-9\""), payload)
        XCTAssertTrue(payload.contains(code.replacingOccurrences(of: "/", with: "\\/")) || payload.contains(code), payload)
    }

    /// The whole workflow on the demo cache: a genuine code, a planted stolen one (SUSPECT from the
    /// watchlist), the checklist with a failed overt feature, the provenance, a resize, then kill -9 and
    /// the three records on disk with the officer and place from the config file.
    func testInspectorWorkflowOnTheDemoCacheSurvivesKill9() throws {
        let store = try Demo.store("tmux-\(getpid())-\(UUID().uuidString.prefix(6))")
        let storePath = store.path
        try store.close()
        try FileManager.default.createDirectory(atPath: dir + "/config/stampwatch", withIntermediateDirectories: true)
        try "[inspection]\nofficer = OFF-TMUX\nplace = Ressano Garcia, lane 2\n".write(toFile: dir + "/config/stampwatch/config", atomically: true, encoding: .utf8)
        try start(env: ["STAMPWATCH_STORE": storePath, "STAMPWATCH_DEVICE_ID": "tmux-demo"])
        try waitFor("the console on the demo cache") { $0.contains { $0.contains("Ready. Scan a stamp") } && $0.contains { $0.contains("cache v") && $0.contains("fresh") } }

        try tmux(["send-keys", "-t", "console", "-l", Demo.sample(.genuineDomestic).code])
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("GENUINE") { $0.contains { $0.contains("✔  G E N U I N E") } }

        let stolen = Demo.sample(.stolen)
        try tmux(["send-keys", "-t", "console", "-l", stolen.code])
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("SUSPECT from the watchlist") { s in
            s.contains { $0.contains("⚠  S U S P E C T") } && s.contains { $0.contains("on the watchlist, reported stolen") }
        }

        try tmux(["send-keys", "-t", "console", "Enter"])  // empty input: the checklist
        try waitFor("the checklist") { $0.contains { $0.contains("Optical features") } && $0.contains { $0.contains("Colour-shifting emblem") } }
        try tmux(["send-keys", "-t", "console", "f"])
        try waitFor("the failed feature") { $0.contains { $0.contains("✗ FAIL  overt        Colour-shifting emblem") } }
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("the checklist recorded") { $0.contains { $0.contains("✔ Checklist recorded") } }
        XCTAssertTrue(try screen().contains { $0.contains("The overt feature “Colour-shifting emblem” failed") })

        try tmux(["send-keys", "-t", "console", "F4"])
        try waitFor("the provenance") { s in
            s.contains { $0.contains("Chain: pack → carton → case → pallet") } && s.contains { $0.contains("pack       \(stolen.uid!)") }
                && s.contains { $0.contains("watchlist-stolen") }
        }

        try tmux(["resize-window", "-t", "console", "-x", "132", "-y", "43"])
        try waitFor("the wide layout") { s in
            s.count >= 43 && s.contains { $0.hasPrefix("┌ Chain") && $0.hasSuffix("┐") && $0.count == 132 }
        }
        try tmux(["send-keys", "-t", "console", "F2"])
        try waitFor("the result beside the session list") { s in
            s.contains { $0.contains("S U S P E C T") && $0.contains("▶") && $0.contains(stolen.uid!) }
        }

        let pid = try consolePID()
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)") && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }

        let reopened = try FieldStore.open(at: storePath)
        XCTAssertEqual(try reopened.sequenceNumbers(deviceID: "tmux-demo"), [1, 2, 3])
        let rows = try reopened.pendingOutbox(limit: 10, now: Int64.max)
        let payloads = rows.map { String(decoding: $0.payload, as: UTF8.self) }
        XCTAssertTrue(payloads[0].contains("\"verdict\":\"genuine\""), payloads[0])
        XCTAssertTrue(payloads[1].contains("\"verdict\":\"suspect\"") && payloads[1].contains("watchlist-stolen"), payloads[1])
        XCTAssertTrue(payloads[2].contains("\"amends\":\"\(rows[1].recordUUID.uuidString.lowercased())\""), payloads[2])
        XCTAssertTrue(payloads[2].contains("\"result\":\"fail\"") && payloads[2].contains("checklist-failed"), payloads[2])
        for p in payloads {
            XCTAssertTrue(p.contains("\"officer_id\":\"OFF-TMUX\"") && p.contains("\"place\":\"Ressano Garcia, lane 2\""), p)
        }
    }

    func testFirstStartWithoutACacheExplainsAndQRestoresTheTerminal() throws {
        try start(env: ["STAMPWATCH_STORE": dir + "/data/field.sqlite", "XDG_DATA_HOME": dir + "/data", "STAMPWATCH_KEYRING": "",
                        "STAMPWATCH_DEVICE_ID": "tmux-device"])
        try waitFor("the empty state") { $0.contains { $0.contains("No offline cache on this device yet.") } }
        // Every code still gets an answer.
        try tmux(["send-keys", "-t", "console", "-l", Fixtures.genuine])
        try tmux(["send-keys", "-t", "console", "Enter"])
        try waitFor("the verdict") { $0.contains { $0.contains("?  U N V E R I F I A B L E") } }
        try tmux(["send-keys", "-t", "console", "q"])
        try waitFor("the exit") { $0.contains { $0.hasPrefix("[exit 0]") } }
        let alternate = try tmux(["display-message", "-p", "-t", "console", "#{alternate_on}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(alternate, "0", "the terminal is back on the normal screen")
        XCTAssertTrue(try screen().contains { $0.contains("1 inspection(s) this session") })
    }

    // MARK: tmux

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in let h = String(b, radix: 16); return h.count == 1 ? "0" + h : h }.joined()
    }

    private func start(env: [String: String]) throws {
        let environment = ["LANG": "C.UTF-8", "TERM": "tmux-256color", "SWIFT_BACKTRACE": "enable=no", "HOME": dir,
                           "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"].merging(env) { $1 }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // The pane outlives the program so its exit status can be read.
        let script = "\"$0\" \"$@\"; echo \"[exit $?]\"; exec sleep 60"
        try tmux(["new-session", "-d", "-x", "80", "-y", "24", "-s", "console", "/usr/bin/env"] + assignments
                 + ["/bin/sh", "-c", script, Self.binary.path], startsServer: true)
    }

    private func consolePID() throws -> pid_t {
        let shell = try tmux(["display-message", "-p", "-t", "console", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") where Int(entry) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, String(fields[1]) == shell, stat.contains("(stampwatch)") { return pid_t(entry)! }
        }
        throw XCTSkip("could not find the stampwatch process")
    }

    private func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", "console"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private func waitFor(_ what: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                         _ predicate: ([String]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); the pane shows:\n" + last.joined(separator: "\n"), file: file, line: line)
        throw XCTSkip("giving up after the failure above")
    }

    /// A tmux command on this test's own server (`TerminalUI.TmuxServer`).
    @discardableResult
    private func tmux(_ args: [String], startsServer: Bool = false) throws -> String {
        try TmuxServer(tmuxPath: tmuxPath, socket: socket).run(args, startsServer: startsServer)
    }
}
