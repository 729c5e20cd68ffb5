import Foundation
import XCTest

/// The hub publishes a signed cache with `stampwatch-hub publish`; the TUF client CLI refreshes and downloads it.
final class PublishCLITests: XCTestCase {
    func testPublishedRepositoryIsVerifiedByTheClientAndRotationIsFollowed() throws {
        let work = CLI.scratch()
        let repo = work.appendingPathComponent("repo").path, keys = work.appendingPathComponent("keys").path
        let payload = work.appendingPathComponent("keyring.json")
        try Data("{\"signing_keys\": [], \"data_keys\": []}\n".utf8).write(to: payload)

        let first = try CLI.run("stampwatch-hub", ["publish", "--repo", repo, "--keys", keys, "--init", "--target", "cache/keyring.json=\(payload.path)"])
        XCTAssertEqual(first.status, 0, first.stderr)

        let device = work.appendingPathComponent("device").path, downloads = work.appendingPathComponent("dl").path
        try FileManager.default.createDirectory(atPath: device, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        XCTAssertEqual(try CLI.run("tuf-conformance-client", ["--metadata-dir", device, "init", repo + "/metadata/1.root.json"]).status, 0)
        let fetch = ["--metadata-dir", device, "--metadata-url", "file://" + repo + "/metadata", "--target-name", "cache/keyring.json",
                     "--target-base-url", "file://" + repo + "/targets", "--target-dir", downloads, "download"]
        let dl = try CLI.run("tuf-conformance-client", fetch)
        XCTAssertEqual(dl.status, 0, dl.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: downloads + "/cache%2Fkeyring.json")), try Data(contentsOf: payload))

        // Rotate the timestamp key and publish new content: the client follows.
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "rotate", "timestamp", "--repo", repo, "--keys", keys]).status, 0)
        try Data("{\"signing_keys\": [], \"data_keys\": [], \"v\": 2}\n".utf8).write(to: payload)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["publish", "--repo", repo, "--keys", keys, "--target", "cache/keyring.json=\(payload.path)"]).status, 0)
        let again = try CLI.run("tuf-conformance-client", fetch)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: downloads + "/cache%2Fkeyring.json")), try Data(contentsOf: payload))

        // A tampered target is refused and the good copy stays.
        let stored = try FileManager.default.subpathsOfDirectory(atPath: repo + "/targets").filter { $0.hasSuffix("keyring.json") }
        for name in stored { try Data("tampered".utf8).write(to: URL(fileURLWithPath: repo + "/targets/" + name)) }
        try FileManager.default.removeItem(atPath: downloads + "/cache%2Fkeyring.json")
        XCTAssertEqual(try CLI.run("tuf-conformance-client", fetch).status, 1)
    }

    func testPublishRefusesBadInputWithoutWritingAnything() throws {
        let work = CLI.scratch()
        let repo = work.appendingPathComponent("repo").path, keys = work.appendingPathComponent("keys").path
        let noRepo = try CLI.run("stampwatch-hub", ["publish", "--repo", repo, "--keys", keys])
        XCTAssertNotEqual(noRepo.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo + "/metadata/timestamp.json"))
        let missing = try CLI.run("stampwatch-hub", ["publish", "--repo", repo, "--keys", keys, "--init", "--target", "a=/nonexistent"])
        XCTAssertEqual(missing.status, 66, missing.stderr)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "rotate", "bogus", "--repo", repo, "--keys", keys]).status, 64)
    }
}
