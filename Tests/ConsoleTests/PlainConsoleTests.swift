import Console
import FieldStore
import Foundation
import StampCodes
import XCTest

/// `stampwatch --plain`: the linear console for screen readers and slow links.
final class PlainConsoleTests: XCTestCase {
    func testOneLinePerEventVerdictReasonsAndFields() {
        let recorder = Recorder()
        let plain = PlainConsole(environment: makeEnvironment(recorder))
        let banner = plain.banner()
        XCTAssertEqual(banner.first, "Stampwatch console, plain mode. Cache v3 fresh 2h, 0 record(s) waiting to upload.")
        XCTAssertEqual(plain.prompt, "code> ")
        let (lines, done) = plain.handle(Fixtures.genuine)
        XCTAssertFalse(done)
        XCTAssertEqual(lines[0], "GENUINE ✔ MZ0000000000001, recorded.")
        XCTAssertTrue(lines[1].hasPrefix("  reason verified: Signature verified"), lines[1])
        XCTAssertTrue(lines.contains { $0.hasPrefix("  fields: product 06001234500017, facility FAC-MPT-01") }, lines.joined(separator: "\n"))
        XCTAssertFalse(lines.contains { $0.contains("│") || $0.contains("┌") || $0.contains("\u{1B}") }, "no boxes, no escapes")
        XCTAssertEqual(recorder.drafts.count, 1)
    }

    func testTheChecklistIsWalkedLineByLineAndRecorded() {
        let recorder = Recorder()
        let plain = PlainConsole(environment: makeEnvironment(recorder))
        _ = plain.handle(Fixtures.genuine)
        var out = plain.handle(":checklist").lines
        XCTAssertTrue(out[0].hasPrefix("Checklist of series MZ-2026-A"), out[0])
        XCTAssertTrue(out[1].hasPrefix("Feature 1 of 4: Colour-shifting emblem, overt, tool eyes"), out[1])
        XCTAssertTrue(plain.prompt.hasPrefix("mark (p pass, f fail"), plain.prompt)
        out = plain.handle("maybe").lines
        XCTAssertEqual(out, ["Answer p (pass), f (fail), n (not checked), Enter to keep, or :cancel."])
        _ = plain.handle("f")
        _ = plain.handle("p")
        _ = plain.handle("")
        out = plain.handle("p").lines
        XCTAssertTrue(out.isEmpty)
        XCTAssertEqual(plain.prompt, "place [Ressano Garcia]> ")
        _ = plain.handle("")
        out = plain.handle("seal broken").lines
        XCTAssertEqual(out[0], "Checklist recorded: SUSPECT ⚠, 2 pass, 1 fail, 1 not checked.")
        XCTAssertTrue(out[1].contains("checklist-failed") && out[1].contains("Colour-shifting emblem"), out[1])
        XCTAssertEqual(recorder.drafts.count, 2)
        XCTAssertEqual(recorder.drafts[1].notes, "seal broken")
        XCTAssertEqual(recorder.drafts[1].place, "Ressano Garcia")
        XCTAssertEqual(plain.prompt, "code> ")
    }

    func testCommandsAndMistakes() {
        let plain = PlainConsole(environment: makeEnvironment(Recorder()))
        XCTAssertEqual(plain.handle(":provenance").lines, ["No inspection yet: enter a code first."])
        XCTAssertTrue(plain.handle(":help").lines.count >= 3)
        XCTAssertEqual(plain.handle(":frobnicate").lines, ["Unknown command :frobnicate: :help lists the commands."])
        _ = plain.handle("TS1:ABC")
        XCTAssertEqual(plain.handle(":checklist 5").lines, ["There is no inspection 5 in this session: :session lists them."])
        XCTAssertTrue(plain.handle(":session").lines[0].hasPrefix("1. 12:00:00 ✘ MALFORMED"))
        let status = plain.handle(":status").lines
        XCTAssertTrue(status.contains { $0.hasPrefix("State         ✔ fresh") }, status.joined(separator: "\n"))
        XCTAssertTrue(status.contains { $0.hasPrefix("Waiting       1 to upload") }, status.joined(separator: "\n"))
        XCTAssertTrue(plain.handle(":quit").done)
    }

    func testNoCacheBannerSaysHowToGetOne() {
        let plain = PlainConsole(environment: makeEnvironment(Recorder(), keyring: .empty, cache: nil))
        let banner = plain.banner()
        XCTAssertTrue(banner[1].contains("stampwatch cache update --from URL|DIR"), banner.joined(separator: "\n"))
        XCTAssertTrue(banner[1].contains("make run"))
        XCTAssertTrue(plain.handle(Fixtures.genuine).lines[0].hasPrefix("UNVERIFIABLE ?"))
    }

    /// The real binary with its stdin and stdout on pipes (no terminal needed in plain mode).
    func testTheBinaryInPlainModeVerifiesChecksAndRecordsOnTheDemoCache() throws {
        let binary = ConsoleTmuxTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("stampwatch was not built at \(binary.path)") }
        let store = try Demo.store()
        let stolen = Demo.sample(.stolen)
        let series = try XCTUnwrap(try store.pack(uid: stolen.uid!)?.seriesID)
        let features = try XCTUnwrap(try store.checklist(series: series)).features.count
        let path = store.path
        try store.close()
        let home = NSTemporaryDirectory() + "plain-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let marks = ["f", "p"] + Array(repeating: "", count: features - 2)
        let input = ([Demo.sample(.genuineDomestic).code, stolen.code, ":checklist"] + marks + ["Gate 3", "torn", ":provenance", ":quit"])
            .joined(separator: "\n") + "\n"
        let p = Process()
        p.executableURL = binary
        p.arguments = ["--plain"]
        p.environment = ["STAMPWATCH_STORE": path, "XDG_CONFIG_HOME": home + "/config", "XDG_STATE_HOME": home + "/state",
                         "STAMPWATCH_DEVICE_ID": "plain-device", "STAMPWATCH_OFFICER": "OFF-P", "LANG": "C.UTF-8", "HOME": home]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin; p.standardOutput = stdout; p.standardError = stderr
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, err)
        XCTAssertTrue(out.contains("GENUINE ✔ \(Demo.sample(.genuineDomestic).uid!), recorded."), out)
        XCTAssertTrue(out.contains("SUSPECT ⚠ \(stolen.uid!), recorded."), out)
        XCTAssertTrue(out.contains("reason watchlist-stolen:"), out)
        XCTAssertTrue(out.contains("Checklist recorded: SUSPECT ⚠"), out)
        XCTAssertTrue(out.contains("Provenance of \(stolen.uid!)"), out)
        XCTAssertTrue(out.contains("No officer id") == false, "the officer came from the environment")
        XCTAssertFalse(out.contains("\u{1B}["), "no escape sequences in plain mode")
        let reopened = try FieldStore.open(at: path)
        XCTAssertEqual(try reopened.sequenceNumbers(deviceID: "plain-device"), [1, 2, 3])
        let rows = try reopened.pendingOutbox(limit: 10, now: .max)
        let last = String(decoding: rows[2].payload, as: UTF8.self)
        XCTAssertTrue(last.contains("\"notes\":\"torn\"") && last.contains("\"place\":\"Gate 3\"") && last.contains("\"officer_id\":\"OFF-P\""), last)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/state/stampwatch/console.log"), "the log is a file")
    }

    func testABrokenConfigStopsTheStartNamingTheLine() throws {
        let binary = ConsoleTmuxTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("stampwatch was not built at \(binary.path)") }
        let home = NSTemporaryDirectory() + "plain-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/config/stampwatch", withIntermediateDirectories: true)
        try "[inspection]\nofficer = OFF-1\nplace =\n".write(toFile: home + "/config/stampwatch/config", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["--plain"]
        p.environment = ["STAMPWATCH_STORE": home + "/data/field.sqlite", "XDG_CONFIG_HOME": home + "/config", "XDG_STATE_HOME": home + "/state",
                         "STAMPWATCH_DEVICE_ID": "d", "HOME": home]
        let stderr = Pipe()
        p.standardInput = FileHandle.nullDevice; p.standardOutput = FileHandle.nullDevice; p.standardError = stderr
        try p.run()
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 78, err)
        XCTAssertTrue(err.contains("\(home)/config/stampwatch/config:3: `place` is empty"), err)
    }
}
