import Foundation
import XCTest

/// The device clock moved with libfaketime (Debian's faketime): expiry is enforced, and winding the clock
/// back cannot make a cache look fresher than its newest signed time.
final class ClockTests: XCTestCase {
    private func faketime() throws -> String {
        let path = "/usr/bin/faketime"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            if ProcessInfo.processInfo.environment["CI"] != nil || ProcessInfo.processInfo.environment["STAMPWATCH_REQUIRE_INTEROP"] != nil {
                XCTFail("faketime is missing: run `make deps`")
            }
            throw XCTSkip("faketime is not installed")
        }
        return path
    }

    func testExpiredMetadataIsRefusedAndAWoundBackClockDoesNotHideAge() throws {
        let ft = try faketime()
        let work = CLI.scratch()
        let p = { (name: String) in work.appendingPathComponent(name).path }
        let device = ["STAMPWATCH_STORE": p("device/field.sqlite"), "XDG_DATA_HOME": p("device")]
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "generate", "--out", p("issuer")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["cache", "build", "--keys", p("issuer"), "--version", "1", "--out", p("snap.sqlite")]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["publish", "--repo", p("repo"), "--keys", p("tk"), "--init", "--target", "cache/MZ/snapshot.sqlite=\(p("snap.sqlite"))"]).status, 0)

        // TUF freeze at the CLI: ten days on, the 7-day timestamp has expired and the refresh fails.
        try FileManager.default.createDirectory(atPath: p("tufdev"), withIntermediateDirectories: true)
        let client = CLI.binDir.appendingPathComponent("tuf-conformance-client").path
        XCTAssertEqual(try CLI.run(client, ["--metadata-dir", p("tufdev"), "init", p("repo/metadata/1.root.json")]).status, 0)
        let later = try CLI.run(ft, ["-f", "+10d", client, "--metadata-dir", p("tufdev"), "--metadata-url", "file://" + p("repo/metadata"), "refresh"])
        XCTAssertEqual(later.status, 1, later.stderr)
        XCTAssertTrue(later.stderr.contains("expired"), later.stderr)
        XCTAssertEqual(try CLI.run(client, ["--metadata-dir", p("tufdev"), "--metadata-url", "file://" + p("repo/metadata"), "refresh"]).status, 0)

        // The console's cache: fresh now, expired 40 days on (and verdicts say so), and a clock wound back
        // a year neither makes it "younger" than its signed publication time nor lets expired metadata in.
        XCTAssertEqual(try CLI.run("stampwatch", ["cache", "update", "--from", p("repo"), "--root", p("repo/metadata/1.root.json")], env: device).status, 0)
        let old = try CLI.run(ft, ["-f", "+40d", CLI.binDir.appendingPathComponent("stampwatch").path, "cache", "status", "--json"], env: device)
        XCTAssertEqual(try CLI.json(old.lines[0])["freshness"] as? String, "expired", old.stdout)
        let code = try CLI.run("stampwatch-hub", ["mint", "--keys", p("issuer"), "--payload", HubKeys.payload(manufactured: ISO8601DateFormatter().string(from: Date()))]).lines[0]
        let verdict = try CLI.run(ft, ["-f", "+40d", CLI.binDir.appendingPathComponent("stampwatch").path, "verify", "--json", code], env: device)
        XCTAssertTrue(verdict.stdout.contains("\"expired-cache\""), verdict.stdout)
        XCTAssertTrue(verdict.stdout.contains("\"cache_freshness\":\"expired\""), verdict.stdout)

        let back = try CLI.run(ft, ["-f", "-365d", CLI.binDir.appendingPathComponent("stampwatch").path, "cache", "status", "--json"], env: device)
        let status = try CLI.json(back.lines[0])
        let published = try XCTUnwrap((status["cache"] as? [String: Any])?["published_at"] as? String)
        let trustedNow = try XCTUnwrap(status["trusted_now"] as? String)
        XCTAssertGreaterThanOrEqual(trustedNow, published, "trusted time never goes below the newest signed time")
        XCTAssertGreaterThanOrEqual(status["age_seconds"] as? Int ?? -1, 0)
    }
}
