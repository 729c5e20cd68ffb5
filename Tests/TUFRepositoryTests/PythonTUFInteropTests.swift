import Foundation
import StampCrypto
import StrictJSON
import XCTest
@testable import TUFRepository

/// The published repository, read by an independent implementation: python-tuf's own client
/// (`tuf.ngclient.Updater`), through Tests/tuf/check_published.py.
///
/// python-tuf reads the system clock, so these repositories are published with the real time.
final class PythonTUFInteropTests: XCTestCase {
    static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = projectRoot.appendingPathComponent("Tests/tuf/check_published.py").path

    /// The project venv's python; missing, it fails under CI or STAMPWATCH_REQUIRE_INTEROP and skips otherwise.
    static func python() throws -> String {
        let venv = projectRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            let env = ProcessInfo.processInfo.environment
            if env["STAMPWATCH_REQUIRE_INTEROP"] != nil || env["CI"] != nil {
                XCTFail("the Python venv is missing: run `make deps` (Tests/tuf/requirements.txt)")
            }
            throw XCTSkip("no .venv: run `make deps` to enable the python-tuf cross-check")
        }
        return venv
    }

    /// Runs check_published.py; returns its exit status and the JSON it printed.
    func check(_ repo: String, _ arguments: [String]) throws -> (status: Int32, result: JSONValue) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.python())
        p.arguments = [Self.script, repo] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let json = try? JSONParser.parse(Array(data)) else {
            XCTFail("check_published.py printed no JSON (status \(p.terminationStatus)): \(String(decoding: data + errors, as: UTF8.self))")
            return (p.terminationStatus, .null)
        }
        return (p.terminationStatus, json)
    }

    func assertTrusted(_ result: JSONValue, _ versions: [TopLevelRole: Int64], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result["ok"]?.boolValue, true, "\(result)", file: file, line: line)
        for (role, v) in versions {
            XCTAssertEqual(result["trusted"]?[role.rawValue]?.integerValue, v, "\(role) in \(result)", file: file, line: line)
        }
    }

    func assertDownloaded(_ result: JSONValue, _ name: String, _ content: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result["downloads"]?[name]?["sha256"]?.stringValue, Hex.encode(SHA256.hash(content)), name, file: file, line: line)
        XCTAssertEqual(result["downloads"]?[name]?["length"]?.integerValue, Int64(content.count), name, file: file, line: line)
    }

    func testPythonTUFRefreshesDownloadsAndFollowsRotations() throws {
        _ = try Self.python()
        let now = Int64(Date().timeIntervalSince1970)
        let hub = try HubFixture(now: now)
        let sqlite = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let first = try hub.publisher.publish(targets: ["revocations.json": .bytes(bytes("[]")), "cache/field.sqlite": .bytes(sqlite)], now: now)

        // Over HTTP (python's http.server on 127.0.0.1 and python-tuf's default fetcher).
        let device = Temp.directory("python-client")
        let (status, synced) = try check(hub.repo, ["--client", device, "--http", "--download", "revocations.json", "--download", "cache/field.sqlite"])
        XCTAssertEqual(status, 0)
        assertTrusted(synced, first.versions)
        assertDownloaded(synced, "cache/field.sqlite", sqlite)
        assertDownloaded(synced, "revocations.json", bytes("[]"))

        // A changed target and every kind of rotation; the same device syncs again, from files this time.
        try hub.publisher.publish(targets: ["revocations.json": .bytes(bytes("[\"MZ-1\"]"))], now: now + 1)
        try hub.publisher.rotate(role: .root, now: now + 2)
        try hub.publisher.rotate(role: .timestamp, now: now + 3)
        try hub.publisher.rotate(role: .snapshot, now: now + 4)
        let last = try hub.publisher.rotate(role: .targets, now: now + 5)
        XCTAssertEqual(last.versions[.root], 5)
        let (status2, again) = try check(hub.repo, ["--client", device, "--download", "revocations.json", "--download", "cache/field.sqlite"])
        XCTAssertEqual(status2, 0)
        assertTrusted(again, last.versions)
        assertDownloaded(again, "revocations.json", bytes("[\"MZ-1\"]"))
        assertDownloaded(again, "cache/field.sqlite", sqlite)

        // A device that only knows root version 1 walks the whole chain.
        let (status3, fresh) = try check(hub.repo, ["--download", "revocations.json"])
        XCTAssertEqual(status3, 0)
        assertTrusted(fresh, last.versions)

        // After pruning, the current version still verifies.
        try hub.publisher.prune(keepVersions: 1)
        let (status4, pruned) = try check(hub.repo, ["--download", "cache/field.sqlite"])
        XCTAssertEqual(status4, 0)
        assertDownloaded(pruned, "cache/field.sqlite", sqlite)
    }

    func testPythonTUFRefusesARootSignedByOneOfTheTwoRequiredRootKeys() throws {
        _ = try Self.python()
        let now = Int64(Date().timeIntervalSince1970)
        let hub = try HubFixture(now: now)
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: now)
        let keys = try KeyDirectory(path: hub.keys).loadAll()
        let root1 = try hub.metadataJSON("1.root.json")
        let rootKeyIDs = try XCTUnwrap(root1["signed"]?["roles"]?["root"]?["keyids"]?.arrayValue).compactMap(\.stringValue)
        var signed = try XCTUnwrap(root1["signed"]?.objectValue)
        signed["version"] = .integer(2)
        let mirror = try hub.copyRepository()
        try Data(try Envelope.sign(signed, with: [try XCTUnwrap(keys[rootKeyIDs[0]])]))
            .write(to: URL(fileURLWithPath: mirror + "/metadata/2.root.json"))
        let (status, refused) = try check(mirror, [])
        XCTAssertEqual(status, 1)
        XCTAssertEqual(refused["ok"]?.boolValue, false)
        XCTAssertTrue(refused["error"]?.stringValue?.contains("UnsignedMetadataError") == true, "\(refused)")
        XCTAssertEqual(refused["trusted"]?["root"]?.integerValue, 1)
        // Signed by two, python-tuf accepts it.
        try Data(try Envelope.sign(signed, with: [try XCTUnwrap(keys[rootKeyIDs[0]]), try XCTUnwrap(keys[rootKeyIDs[2]])]))
            .write(to: URL(fileURLWithPath: mirror + "/metadata/2.root.json"))
        let (status2, accepted) = try check(mirror, ["--download", "a.txt"])
        XCTAssertEqual(status2, 0)
        assertTrusted(accepted, [.root: 2])
    }
}
