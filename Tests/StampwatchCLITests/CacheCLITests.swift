import Foundation
import XCTest

/// The signed offline cache end to end with the real executables: the hub builds and publishes, the device
/// updates over TUF (snapshot, then delta), verifies codes with the cached keyring, and survives tampering.
final class CacheCLITests: XCTestCase {
    func testUpdateFromAPublishedRepositoryThenVerifyOffline() throws {
        let work = CLI.scratch()
        let p = { (name: String) in work.appendingPathComponent(name).path }
        let device = ["STAMPWATCH_STORE": p("device/field.sqlite"), "XDG_DATA_HOME": p("device")]
        func hub(_ args: [String]) throws -> CLI.Result { try CLI.run("stampwatch-hub", args) }
        func console(_ args: [String], stdin: Data? = nil) throws -> CLI.Result { try CLI.run("stampwatch", args, stdin: stdin, env: device) }

        XCTAssertEqual(try hub(["keys", "generate", "--out", p("issuer"), "--not-before", "2025-01-01T00:00:00Z"]).status, 0)
        XCTAssertEqual(try hub(["cache", "build", "--keys", p("issuer"), "--version", "1", "--out", p("snap1.sqlite")]).status, 0)
        let published = try hub(["publish", "--repo", p("repo"), "--keys", p("tufkeys"), "--init", "--target", "cache/MZ/snapshot.sqlite=\(p("snap1.sqlite"))"])
        XCTAssertEqual(published.status, 0, published.stderr)

        // Before any update: status says how to get a cache, and the first update needs the trusted root.
        let none = try console(["cache", "status", "--json"])
        XCTAssertEqual(none.status, 0)
        XCTAssertEqual(try CLI.json(none.lines[0])["freshness"] as? String, "none")
        XCTAssertEqual(try console(["cache", "update", "--from", p("repo")]).status, 78)

        let first = try console(["cache", "update", "--from", p("repo"), "--root", p("repo/metadata/1.root.json")])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("none -> 1"), first.stdout)
        let status = try CLI.json(try console(["cache", "status", "--json"]).lines[0])
        XCTAssertEqual((status["cache"] as? [String: Any])?["version"] as? Int, 1)
        XCTAssertEqual(status["freshness"] as? String, "fresh")

        // Verification now uses the cached keyring, and says which cache it used.
        let code = try CLI.run("stampwatch-hub", ["mint", "--keys", p("issuer"), "--payload", HubKeys.payload()]).lines[0]
        let verified = try console(["verify", "--json", "--at", "2026-11-29T12:00:00Z", code])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let result = try CLI.json(verified.lines[0])
        XCTAssertEqual(result["verdict"] as? String, "genuine")
        XCTAssertEqual(result["cache_version"] as? Int, 1)
        XCTAssertEqual(result["cache_freshness"] as? String, "fresh")

        // Version 2 arrives as a delta; a second update finds nothing new.
        XCTAssertEqual(try hub(["cache", "build", "--keys", p("issuer"), "--version", "2", "--out", p("snap2.sqlite"),
                                "--base", p("snap1.sqlite"), "--delta-out", p("delta1.sqlite")]).status, 0)
        XCTAssertEqual(try hub(["publish", "--repo", p("repo"), "--keys", p("tufkeys"), "--target", "cache/MZ/snapshot.sqlite=\(p("snap2.sqlite"))",
                                "--target", "cache/MZ/delta-from-1.sqlite=\(p("delta1.sqlite"))"]).status, 0)
        let second = try console(["cache", "update", "--from", p("repo")])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("1 -> 2 (delta"), second.stdout)
        XCTAssertTrue(try console(["cache", "update", "--from", p("repo")]).stdout.contains("up to date"))
        XCTAssertEqual(try console(["cache", "verify"]).status, 0)

        // A tampered repository is refused and version 2 stays in use, with the error on record.
        XCTAssertEqual(try hub(["cache", "build", "--keys", p("issuer"), "--version", "3", "--out", p("snap3.sqlite")]).status, 0)
        XCTAssertEqual(try hub(["publish", "--repo", p("repo"), "--keys", p("tufkeys"), "--target", "cache/MZ/snapshot.sqlite=\(p("snap3.sqlite"))"]).status, 0)
        for name in try FileManager.default.subpathsOfDirectory(atPath: p("repo/targets")) where name.hasSuffix("snapshot.sqlite") {
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: p("repo/targets/" + name)))
            try h.seek(toOffset: 200)
            h.write(Data([0xFF, 0xFF, 0xFF]))
            try h.close()
        }
        let refused = try console(["cache", "update", "--from", p("repo")])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("previous cache stays in use"), refused.stderr)
        let after = try CLI.json(try console(["cache", "status", "--json"]).lines[0])
        XCTAssertEqual((after["cache"] as? [String: Any])?["version"] as? Int, 2)
        XCTAssertNotNil(after["last_error"] as? String)
        XCTAssertEqual(try console(["verify", "--json", "--at", "2026-11-29T12:00:00Z", code]).status, 0)
    }

    func testCacheVerifyReportsATamperedStore() throws {
        let work = CLI.scratch()
        let p = { (name: String) in work.appendingPathComponent(name).path }
        let device = ["STAMPWATCH_STORE": p("device/field.sqlite"), "XDG_DATA_HOME": p("device")]
        XCTAssertEqual(try CLI.run("stampwatch", ["cache", "verify"], env: device).status, 66)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "generate", "--out", p("issuer")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["cache", "build", "--keys", p("issuer"), "--version", "1", "--out", p("snap.sqlite")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["publish", "--repo", p("repo"), "--keys", p("tk"), "--init", "--target", "cache/MZ/snapshot.sqlite=\(p("snap.sqlite"))"]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch", ["cache", "update", "--from", p("repo"), "--root", p("repo/metadata/1.root.json")], env: device).status, 0)
        let clean = try CLI.run("stampwatch", ["cache", "verify"], env: device)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertTrue(clean.stdout.contains("signed files: \(try FileManager.default.attributesOfItem(atPath: p("snap.sqlite"))[.size] as! Int) bytes"), clean.stdout)

        // A flipped byte in the kept signed file is found and the file is named.
        let kept = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: p("device/tuf/targets")).first)
        let original = try Data(contentsOf: URL(fileURLWithPath: p("device/tuf/targets/" + kept)))
        var flipped = original
        flipped[100] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: p("device/tuf/targets/" + kept)))
        let bad = try CLI.run("stampwatch", ["cache", "verify"], env: device)
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.contains(kept) && bad.stderr.contains("differs from what was signed"), bad.stderr)
        try original.write(to: URL(fileURLWithPath: p("device/tuf/targets/" + kept)))

        // Change the cached keyring behind the store's back (as a tampered disk would).
        let py = try CLI.run("/usr/bin/env", ["python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update keyring set json = json || ' '\"); c.commit()", p("device/field.sqlite")])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try CLI.run("stampwatch", ["cache", "verify"], env: device)
        XCTAssertEqual(r.status, 65, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("corrupt"), r.stderr)
    }
}

final class CacheOverHTTPTests: XCTestCase {
    func testUpdateOverHTTPNeedsTheExplicitLoopbackAllowance() throws {
        let work = CLI.scratch()
        let p = { (name: String) in work.appendingPathComponent(name).path }
        let device = ["STAMPWATCH_STORE": p("device/field.sqlite"), "XDG_DATA_HOME": p("device")]
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "generate", "--out", p("issuer")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["cache", "build", "--keys", p("issuer"), "--version", "1", "--out", p("snap.sqlite")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["publish", "--repo", p("repo"), "--keys", p("tk"), "--init", "--target", "cache/MZ/snapshot.sqlite=\(p("snap.sqlite"))"]).status, 0)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", p("repo")]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let banner = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let words = banner.split(separator: " ")
        let port = try XCTUnwrap(words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) }, banner)
        let url = "http://127.0.0.1:\(port)"

        let refused = try CLI.run("stampwatch", ["cache", "update", "--from", url, "--root", p("repo/metadata/1.root.json")], env: device)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("previous cache stays in use"), refused.stderr)
        let ok = try CLI.run("stampwatch", ["cache", "update", "--from", url, "--insecure-loopback"], env: device)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("none -> 1"), ok.stdout)
        XCTAssertTrue(ok.stderr.contains("downloading cache/MZ/snapshot.sqlite"), ok.stderr)
    }
}
