import Foundation
import StampCrypto
import StrictJSON
import TUFClient
import XCTest
@testable import TUFRepository

/// `init` and `publish`, checked through the real client: what is written, under which names,
/// which versions change, and when metadata expires.
final class PublishTests: XCTestCase {
    func testInitWritesSeparateKeysAndVersionOneOfEveryRoleThatTheClientTrusts() throws {
        let hub = try HubFixture()
        XCTAssertEqual(Set(tree(hub.metadata).keys),
                       ["1.root.json", "root.json", "1.targets.json", "1.snapshot.json", "timestamp.json"])
        XCTAssertEqual(try hub.file("metadata/root.json"), try hub.file("metadata/1.root.json"))

        // Six Ed25519 keys, one file each, mode 0600, none of them inside the repository.
        let keyFiles = hub.keyFiles()
        XCTAssertEqual(keyFiles.filter { $0.hasPrefix("root-") }.count, 3)
        for role in ["timestamp", "snapshot", "targets"] { XCTAssertEqual(keyFiles.filter { $0.hasPrefix(role + "-") }.count, 1) }
        for name in keyFiles {
            let attributes = try FileManager.default.attributesOfItem(atPath: hub.keys + "/" + name)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, name)
            XCTAssertTrue(try String(contentsOfFile: hub.keys + "/" + name, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        }
        XCTAssertFalse(tree(hub.repo).keys.contains { $0.hasSuffix(".pem") })

        // Root: consistent snapshots, spec 1.0.31, 2 of 3 root keys, one key per other role, all distinct,
        // with securesystemslib key ids.
        let signed = try XCTUnwrap(try hub.metadataJSON("1.root.json")["signed"])
        XCTAssertEqual(signed["consistent_snapshot"]?.boolValue, true)
        XCTAssertEqual(signed["spec_version"]?.stringValue, "1.0.31")
        XCTAssertEqual(signed["_type"]?.stringValue, "root")
        var all: [String] = []
        for (role, count, threshold) in [("root", 3, 2), ("timestamp", 1, 1), ("snapshot", 1, 1), ("targets", 1, 1)] {
            let ids = try XCTUnwrap(signed["roles"]?[role]?["keyids"]?.arrayValue).compactMap(\.stringValue)
            XCTAssertEqual(ids.count, count, role)
            XCTAssertEqual(signed["roles"]?[role]?["threshold"]?.integerValue, Int64(threshold), role)
            all += ids
        }
        XCTAssertEqual(Set(all).count, 6, "every role has its own keys")
        for (id, key) in try XCTUnwrap(signed["keys"]?.objectValue) {
            XCTAssertEqual(key["keytype"]?.stringValue, "ed25519")
            XCTAssertEqual(key["scheme"]?.stringValue, "ed25519")
            XCTAssertEqual(Hex.encode(SHA256.hash(try key.canonicalBytes())), id, "key id is SHA-256 of the canonical key")
            XCTAssertTrue(keyFiles.contains { $0.hasSuffix("-\(id).pem") })
        }

        let console = try Console(hub)
        let report = try console.refresh(hub.repo)
        XCTAssertEqual([report.rootVersion, report.timestampVersion, report.snapshotVersion, report.targetsVersion], [1, 1, 1, 1])
        XCTAssertEqual(console.trustedRoot?.roles["root"]?.threshold, 2)
        XCTAssertEqual(console.trustedRoot?.roles["root"]?.keyIDs.count, 3)
        XCTAssertEqual(console.trustedRoot?.consistentSnapshot, true)
        XCTAssertEqual(console.updater?.trustedTargets["targets"]?.targets.count, 0)
    }

    func testPublishedTargetsAreListedHashPrefixedAndDownloadedByTheClient() throws {
        let hub = try HubFixture()
        let source = Temp.directory("src") + "/field.sqlite"
        let sqlite = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(sqlite).write(to: URL(fileURLWithPath: source))
        let result = try hub.publisher.publish(targets: ["revocations.json": .bytes(bytes("{\"revoked\":[]}")),
                                                        "cache/field.sqlite": .file(source)], now: t0 + 10)
        XCTAssertEqual(result.versions, [.root: 1, .targets: 2, .snapshot: 2, .timestamp: 2])
        XCTAssertEqual(result.signed, [.targets, .snapshot, .timestamp])
        XCTAssertEqual(result.updatedTargets, ["cache/field.sqlite", "revocations.json"])

        // Stored as targets/HASH.NAME, in the name's directory.
        let sha = Hex.encode(SHA256.hash(sqlite))
        XCTAssertEqual(try hub.file("targets/cache/\(sha).field.sqlite"), sqlite)
        let listed = try XCTUnwrap(try hub.metadataJSON("2.targets.json")["signed"]?["targets"]?["cache/field.sqlite"])
        XCTAssertEqual(listed["length"]?.integerValue, 5000)
        XCTAssertEqual(listed["hashes"]?["sha256"]?.stringValue, sha)
        XCTAssertEqual(listed["hashes"]?["sha512"]?.stringValue, Hex.encode(SHA512.hash(sqlite)))
        // Timestamp lists the snapshot, snapshot lists targets.json: version, length, hashes.
        let snapshotEntry = try XCTUnwrap(try hub.metadataJSON("timestamp.json")["signed"]?["meta"]?["snapshot.json"])
        XCTAssertEqual(snapshotEntry["version"]?.integerValue, 2)
        XCTAssertEqual(snapshotEntry["length"]?.integerValue, Int64(try hub.file("metadata/2.snapshot.json").count))
        XCTAssertEqual(snapshotEntry["hashes"]?["sha256"]?.stringValue, Hex.encode(SHA256.hash(try hub.file("metadata/2.snapshot.json"))))
        let targetsEntry = try XCTUnwrap(try hub.metadataJSON("2.snapshot.json")["signed"]?["meta"]?["targets.json"])
        XCTAssertEqual(targetsEntry["version"]?.integerValue, 2)
        XCTAssertEqual(targetsEntry["length"]?.integerValue, Int64(try hub.file("metadata/2.targets.json").count))
        XCTAssertEqual(targetsEntry["hashes"]?["sha512"]?.stringValue, Hex.encode(SHA512.hash(try hub.file("metadata/2.targets.json"))))

        let console = try Console(hub)
        let report = try console.refresh(hub.repo)
        XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [2, 2, 2])
        XCTAssertEqual(try console.download("cache/field.sqlite"), sqlite)
        XCTAssertEqual(try console.download("revocations.json"), bytes("{\"revoked\":[]}"))
    }

    func testASecondPublishWithOneChangedTargetGivesTheClientNewVersionsAndTheNewBytes() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one")), "b.txt": .bytes(bytes("bee"))], now: t0 + 10)
        let console = try Console(hub)
        try console.refresh(hub.repo)
        XCTAssertEqual(try console.download("a.txt"), bytes("one"))

        // b.txt given again with the same bytes is no change; a.txt is.
        let result = try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("two")), "b.txt": .bytes(bytes("bee"))], now: t0 + 20)
        XCTAssertEqual(result.updatedTargets, ["a.txt"])
        XCTAssertEqual(result.versions, [.root: 1, .targets: 3, .snapshot: 3, .timestamp: 3])
        let report = try console.refresh(hub.repo, at: t0 + 80)
        XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [3, 3, 3])
        XCTAssertEqual(try console.download("a.txt"), bytes("two"))
        XCTAssertEqual(try console.download("b.txt"), bytes("bee"))
        // The old file stays for clients in the middle of an update.
        XCTAssertEqual(try hub.file("targets/\(Hex.encode(SHA256.hash(bytes("one")))).a.txt"), bytes("one"))
        XCTAssertNotNil(try hub.version("2.targets.json"))
    }

    func testAPublishWithNothingNewIsAHeartbeatThatSignsOnlyANewTimestamp() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one"))], now: t0 + 10)
        let console = try Console(hub)
        try console.refresh(hub.repo)
        let before = tree(hub.metadata)

        let result = try hub.publisher.publish(now: t0 + 3 * day)
        XCTAssertEqual(result.signed, [.timestamp])
        XCTAssertEqual(result.versions, [.root: 1, .targets: 2, .snapshot: 2, .timestamp: 3])
        XCTAssertEqual(result.expires[.timestamp], t0 + 3 * day + 7 * day)
        let after = tree(hub.metadata)
        XCTAssertEqual(after.keys.filter { before[$0] != after[$0] }, ["timestamp.json"])

        // Republishing identical content changes nothing but the timestamp either.
        XCTAssertEqual(try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one"))], now: t0 + 3 * day).signed, [.timestamp])
        // Past the first timestamp's expiry, the heartbeat keeps the console fresh.
        let report = try console.refresh(hub.repo, at: t0 + 8 * day)
        XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [4, 2, 2])
    }

    func testRemovedTargetsAreNoLongerFoundByTheClient() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one")), "dir/b.txt": .bytes(bytes("two"))], now: t0 + 10)
        let result = try hub.publisher.publish(removing: ["dir/b.txt"], now: t0 + 20)
        XCTAssertEqual(result.removedTargets, ["dir/b.txt"])
        XCTAssertEqual(result.signed, [.targets, .snapshot, .timestamp])
        let console = try Console(hub)
        try console.refresh(hub.repo)
        guard case .notFound = try console.lookup("dir/b.txt") else { return XCTFail("dir/b.txt is still listed") }
        XCTAssertEqual(try console.download("a.txt"), bytes("one"))
        XCTAssertEqual(try hub.publisher.publishedTargets().keys.sorted(), ["a.txt"])
    }

    func testExpiryInTheMetadataIsNowPlusTheConfiguredLifetimes() throws {
        // Defaults: root 365, targets 90, snapshot 30, timestamp 7 days.
        let hub = try HubFixture()
        let result = try hub.publisher.publish(targets: ["a": .bytes([1])], now: t0 + 100)
        XCTAssertEqual(result.expires, [.root: t0 + 365 * day, .targets: t0 + 100 + 90 * day,
                                        .snapshot: t0 + 100 + 30 * day, .timestamp: t0 + 100 + 7 * day])
        XCTAssertEqual(try hub.metadataJSON("1.root.json")["signed"]?["expires"]?.stringValue,
                       TUFTime(secondsSince1970: t0 + 365 * day).iso8601)
        let console = try Console(hub)
        try console.refresh(hub.repo, at: t0 + 200)
        XCTAssertEqual(console.trustedRoot?.expires, TUFTime(secondsSince1970: t0 + 365 * day))
        XCTAssertEqual(console.updater?.trustedTargets["targets"]?.expires, TUFTime(secondsSince1970: t0 + 100 + 90 * day))
        XCTAssertEqual(console.updater?.trustedSnapshot?.expires, TUFTime(secondsSince1970: t0 + 100 + 30 * day))
        XCTAssertEqual(console.updater?.trustedTimestamp?.expires, TUFTime(secondsSince1970: t0 + 100 + 7 * day))
        let text = try XCTUnwrap(try hub.metadataJSON("timestamp.json")["signed"]?["expires"]?.stringValue)
        XCTAssertEqual(text.count, 20)
        XCTAssertTrue(text.hasSuffix("Z"))

        // Configured: the client sees the timestamp expire exactly then.
        var configuration = RepositoryConfiguration()
        configuration.lifetimes[.timestamp] = day
        configuration.lifetimes[.snapshot] = 3 * day
        configuration.lifetimes[.targets] = 5 * day
        configuration.lifetimes[.root] = 10 * day
        let short = try HubFixture(configuration: configuration)
        let r = try short.publisher.publish(targets: ["a": .bytes([1])], now: t0)
        XCTAssertEqual(r.expires, [.root: t0 + 10 * day, .targets: t0 + 5 * day, .snapshot: t0 + 3 * day, .timestamp: t0 + day])
        XCTAssertNoThrow(try Console(short).refresh(short.repo, at: t0 + day - 1))
        assertClientRefuses("an expired timestamp", { try Console(short).refresh(short.repo, at: t0 + day) }) {
            if case .expired(let role, _, _, _) = $0 { return role == "timestamp" }
            return false
        }
    }

    func testSnapshotAndTargetsAreRenewedInTheSecondHalfOfTheirLifetime() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a": .bytes([1])], now: t0)
        // 10 days on: targets (90 d) and snapshot (30 d) have more than half their lifetime left.
        XCTAssertEqual(try hub.publisher.publish(now: t0 + 10 * day).signed, [.timestamp])
        // 20 days on: snapshot has 10 of 30 days left, so it is renewed; targets is not.
        let r20 = try hub.publisher.publish(now: t0 + 20 * day)
        XCTAssertEqual(r20.signed, [.snapshot, .timestamp])
        XCTAssertEqual(r20.expires[.snapshot], t0 + 50 * day)
        // 50 days on: targets has 40 of 90 days left.
        let r50 = try hub.publisher.publish(now: t0 + 50 * day)
        XCTAssertEqual(r50.signed, [.targets, .snapshot, .timestamp])
        XCTAssertEqual(r50.expires[.targets], t0 + 140 * day)
        // A console that syncs weekly never sees anything expire.
        let console = try Console(hub)
        XCTAssertEqual(try console.refresh(hub.repo, at: t0 + 56 * day).targetsVersion, 3)
        XCTAssertEqual(try console.download("a"), [1])
    }

    func testRootIsRenewedWhenItsKeysArePresentAndOtherwiseAWarningIsGiven() throws {
        let hub = try HubFixture()
        let console = try Console(hub)
        try console.refresh(hub.repo)
        // Root keys offline: a warning, no new root.
        let offline = Temp.directory("offline")
        for name in hub.keyFiles() where name.hasPrefix("root-") {
            try FileManager.default.moveItem(atPath: hub.keys + "/" + name, toPath: offline + "/" + name)
        }
        let warned = try hub.publisher.publish(now: t0 + 200 * day)
        XCTAssertEqual(warned.versions[.root], 1)
        XCTAssertTrue(warned.warnings.contains { $0.contains("root version 1 expires") }, "\(warned.warnings)")
        // Root keys back: a new root version with the same keys and a new expiry, which the console follows.
        for name in try FileManager.default.contentsOfDirectory(atPath: offline) {
            try FileManager.default.moveItem(atPath: offline + "/" + name, toPath: hub.keys + "/" + name)
        }
        let renewed = try hub.publisher.publish(now: t0 + 201 * day)
        XCTAssertEqual(renewed.signed, [.root, .timestamp])
        XCTAssertEqual(renewed.versions[.root], 2)
        XCTAssertEqual(renewed.expires[.root], t0 + 201 * day + 365 * day)
        XCTAssertEqual(try hub.metadataJSON("2.root.json")["signed"]?["roles"], try hub.metadataJSON("1.root.json")["signed"]?["roles"])
        XCTAssertEqual(try hub.file("metadata/root.json"), try hub.file("metadata/2.root.json"))
        let report = try console.refresh(hub.repo, at: t0 + 201 * day + 60)
        XCTAssertEqual(report.rootVersion, 2)
    }

    func testPruneKeepsTheNewestVersionsEveryRootAndTheFilesTheyList() throws {
        let hub = try HubFixture()
        for i in 1...4 {
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("v\(i)")), "same.txt": .bytes(bytes("same"))], now: t0 + Int64(i))
        }
        try hub.publisher.rotate(role: .timestamp, now: t0 + 10)
        // Snapshots 1...5, targets 1...5 (v1 empty), a.txt in four versions.
        let pruned = try hub.publisher.prune(keepVersions: 2)
        XCTAssertEqual(Set(pruned.removedMetadata), ["1.snapshot.json", "2.snapshot.json", "3.snapshot.json",
                                                     "1.targets.json", "2.targets.json", "3.targets.json"])
        XCTAssertEqual(Set(pruned.removedTargetFiles), Set(["v1", "v2"].map { "\(Hex.encode(SHA256.hash(bytes($0)))).a.txt" }))
        let left = Set(tree(hub.metadata).keys)
        XCTAssertTrue(left.isSuperset(of: ["1.root.json", "2.root.json", "4.snapshot.json", "5.snapshot.json", "4.targets.json", "5.targets.json"]))
        XCTAssertNotNil(try? hub.file("targets/\(Hex.encode(SHA256.hash(bytes("v3")))).a.txt"))
        XCTAssertNotNil(try? hub.file("targets/\(Hex.encode(SHA256.hash(bytes("same")))).same.txt"))

        let console = try Console(hub)
        try console.refresh(hub.repo)
        XCTAssertEqual(try console.download("a.txt"), bytes("v4"))
        XCTAssertEqual(try hub.publisher.prune(keepVersions: 2), PruneResult(removedMetadata: [], removedTargetFiles: [], removedTemporaryFiles: []))
        assertRefused(.usage, "at least 1") { try hub.publisher.prune(keepVersions: 0) }
    }
}
