import Foundation
import StampCrypto
import StrictJSON
import TUFClient
import XCTest
@testable import TUFRepository

/// Key rotation, checked through the real client: the root chain, fast-forward recovery, the
/// 2-of-3 root threshold, and the key files.
final class RotationTests: XCTestCase {
    /// Key ids `role` has in the root metadata file `name`.
    func keyIDs(_ hub: HubFixture, _ role: String, in name: String = "root.json") throws -> [String] {
        try XCTUnwrap(try hub.metadataJSON(name)["signed"]?["roles"]?[role]?["keyids"]?.arrayValue).compactMap(\.stringValue)
    }

    /// Key ids of the signatures on a metadata file.
    func signers(_ hub: HubFixture, _ name: String) throws -> Set<String> {
        Set(try XCTUnwrap(try hub.metadataJSON(name)["signatures"]?.arrayValue).compactMap { $0["keyid"]?.stringValue })
    }

    func testRotatingTheTimestampSnapshotOrTargetsKeysIsFollowedByTheClient() throws {
        for role in [TopLevelRole.timestamp, .snapshot, .targets] {
            let hub = try HubFixture()
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: t0)
            let console = try Console(hub)
            let before = try console.refresh(hub.repo)
            let oldIDs = try keyIDs(hub, role.rawValue)

            let result = try hub.publisher.rotate(role: role, now: t0 + 100)
            XCTAssertEqual(result.versions[.root], 2, "\(role)")
            let newIDs = try keyIDs(hub, role.rawValue)
            XCTAssertEqual(newIDs.count, 1)
            XCTAssertNotEqual(newIDs, oldIDs)
            // The root is signed by the (unchanged) root keys, and the rotated role's metadata by the new key only,
            // under a new version, as is everything that lists it.
            XCTAssertEqual(try signers(hub, "2.root.json"), Set(try keyIDs(hub, "root", in: "1.root.json")))
            let expected: [TopLevelRole] = switch role {
            case .targets: [.targets, .snapshot, .root, .timestamp]
            case .snapshot: [.snapshot, .root, .timestamp]
            default: [.root, .timestamp]
            }
            XCTAssertEqual(result.signed, expected, "\(role)")
            let file = role == .timestamp ? "timestamp.json" : "\(result.versions[role]!).\(role).json"
            XCTAssertEqual(try signers(hub, file), Set(newIDs), "\(role)")
            // Old key retired (moved, not deleted), new key in place.
            XCTAssertEqual(hub.retiredKeyFiles(), ["\(role)-\(oldIDs[0]).pem"])
            XCTAssertTrue(hub.keyFiles().contains("\(role)-\(newIDs[0]).pem"))
            XCTAssertEqual(result.retiredKeyFiles.count, 1)

            let report = try console.refresh(hub.repo, at: t0 + 200)
            XCTAssertEqual(report.previousRootVersion, 1)
            XCTAssertEqual(report.rootVersion, 2)
            XCTAssertEqual(console.trustedRoot?.roles[role.rawValue]?.keyIDs, newIDs)
            XCTAssertGreaterThan(report.timestampVersion, before.timestampVersion)
            let recovered = report.notes.contains { $0.contains("fast-forward attack recovery") }
            XCTAssertEqual(recovered, role != .targets, "\(role): \(report.notes)")
            XCTAssertEqual(try console.download("a.txt"), bytes("alpha"))
            // The hub keeps publishing with the new key.
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("beta"))], now: t0 + 300)
            try console.refresh(hub.repo, at: t0 + 400)
            XCTAssertEqual(try console.download("a.txt"), bytes("beta"))
        }
    }

    func testRotatingTheRootKeysSignsTheNewRootWithTheOldAndTheNewKeys() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: t0)
        let console = try Console(hub)
        try console.refresh(hub.repo)
        let oldRootIDs = try keyIDs(hub, "root")
        let root1 = try hub.file("metadata/1.root.json")

        let result = try hub.publisher.rotate(role: .root, now: t0 + 100)
        XCTAssertEqual(result.signed, [.root, .timestamp])
        let newRootIDs = try keyIDs(hub, "root")
        XCTAssertEqual(newRootIDs.count, 3)
        XCTAssertTrue(Set(newRootIDs).isDisjoint(with: oldRootIDs))
        XCTAssertEqual(try hub.metadataJSON("2.root.json")["signed"]?["roles"]?["root"]?["threshold"]?.integerValue, 2)
        // TUF 5.3.4: signed by a threshold of the old root keys and of the new ones (here all of both).
        XCTAssertEqual(try signers(hub, "2.root.json"), Set(oldRootIDs + newRootIDs))
        // The other roles' keys are untouched, the old root keys are gone from the new root.
        for role in ["timestamp", "snapshot", "targets"] {
            XCTAssertEqual(try keyIDs(hub, role, in: "2.root.json"), try keyIDs(hub, role, in: "1.root.json"))
        }
        let keys = try XCTUnwrap(try hub.metadataJSON("2.root.json")["signed"]?["keys"]?.objectValue)
        XCTAssertEqual(keys.count, 6)
        XCTAssertTrue(oldRootIDs.allSatisfy { keys[$0] == nil })
        XCTAssertEqual(try hub.file("metadata/1.root.json"), root1, "old root versions are never rewritten")
        XCTAssertEqual(Set(hub.retiredKeyFiles()), Set(oldRootIDs.map { "root-\($0).pem" }))

        let report = try console.refresh(hub.repo, at: t0 + 200)
        XCTAssertEqual([report.previousRootVersion, report.rootVersion], [1, 2])
        XCTAssertEqual(console.trustedRoot?.roles["root"]?.keyIDs, newRootIDs)
        XCTAssertEqual(try console.download("a.txt"), bytes("alpha"))
        // The new root keys work for the next rotation.
        XCTAssertEqual(try hub.publisher.rotate(role: .root, now: t0 + 300).versions[.root], 3)
        XCTAssertEqual(try console.refresh(hub.repo, at: t0 + 400).rootVersion, 3)
    }

    func testAConsoleStillTrustingRootVersion1FollowsThroughSeveralRotations() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["cache/db": .bytes(bytes("v1"))], now: t0)
        let console = try Console(hub)   // shipped with 1.root.json, never synced
        try hub.publisher.rotate(role: .root, now: t0 + 10)
        try hub.publisher.publish(targets: ["cache/db": .bytes(bytes("v2"))], now: t0 + 20)
        try hub.publisher.rotate(role: .root, now: t0 + 30)
        try hub.publisher.rotate(role: .timestamp, now: t0 + 40)
        try hub.publisher.rotate(role: .targets, now: t0 + 50)
        // No root key of version 1 is in root version 5, nor any other key of version 1.
        let ids1 = Set(try XCTUnwrap(try hub.metadataJSON("1.root.json")["signed"]?["keys"]?.objectValue).keys)
        let ids5 = Set(try XCTUnwrap(try hub.metadataJSON("5.root.json")["signed"]?["keys"]?.objectValue).keys)
        XCTAssertEqual(ids1.intersection(ids5).count, 1, "only the snapshot key was never rotated")

        let report = try console.refresh(hub.repo, at: t0 + 100)
        XCTAssertEqual([report.previousRootVersion, report.rootVersion], [1, 5])
        XCTAssertEqual(try console.download("cache/db"), bytes("v2"))
        XCTAssertEqual(try console.storedVersion("root.json"), 5)
        XCTAssertEqual(hub.retiredKeyFiles().count, 3 + 3 + 1 + 1)
        XCTAssertEqual(hub.keyFiles().count, 6)
    }

    /// An attacker who stole the online keys makes consoles trust huge versions; rotating the keys
    /// lets the consoles back to the real repository (TUF 5.3.11).
    func testRotationRecoversConsolesFromAFastForwardAttack() throws {
        for role in [TopLevelRole.timestamp, .snapshot] {
            let hub = try HubFixture()
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: t0)
            let stolen = try KeyDirectory(path: hub.keys).loadAll()
            func key(_ r: String) throws -> RoleKey { try XCTUnwrap(stolen[try keyIDs(hub, r)[0]]) }

            // The attacker's mirror: snapshot (when the snapshot key is stolen) and timestamp at version 1000.
            let mirror = try hub.copyRepository()
            var snapshotEntry = try XCTUnwrap(try hub.metadataJSON("timestamp.json")["signed"]?["meta"]?["snapshot.json"])
            if role == .snapshot {
                var s = try XCTUnwrap(try hub.metadataJSON("2.snapshot.json")["signed"]?.objectValue)
                s["version"] = .integer(1000)
                let forged = try Envelope.sign(s, with: [try key("snapshot")])
                try Data(forged).write(to: URL(fileURLWithPath: mirror + "/metadata/1000.snapshot.json"))
                snapshotEntry = metaFileEntry(version: 1000, bytes: forged)
            }
            var t = try XCTUnwrap(try hub.metadataJSON("timestamp.json")["signed"]?.objectValue)
            t["version"] = .integer(1000)
            t["meta"] = .object(JSONObject([("snapshot.json", snapshotEntry)]))
            try Data(try Envelope.sign(t, with: [try key("timestamp")])).write(to: URL(fileURLWithPath: mirror + "/metadata/timestamp.json"))

            let console = try Console(hub)
            let fooled = try console.refresh(mirror)
            XCTAssertEqual(fooled.timestampVersion, 1000)
            // Back on the real repository, the console refuses the real (lower) versions...
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("beta"))], now: t0 + 100)
            assertClientRefuses("a rolled-back \(role)", { try console.refresh(hub.repo, at: t0 + 200) }) {
                if case .rollback = $0 { return true }
                return false
            }
            // ... until the hub rotates the stolen key.
            let rotated = try hub.publisher.rotate(role: role, now: t0 + 300)
            XCTAssertLessThan(rotated.versions[role]!, 1000)
            let report = try console.refresh(hub.repo, at: t0 + 400)
            XCTAssertTrue(report.notes.contains { $0.contains("fast-forward attack recovery") }, "\(report.notes)")
            XCTAssertEqual(report.timestampVersion, rotated.versions[.timestamp])
            XCTAssertEqual(report.snapshotVersion, rotated.versions[.snapshot])
            XCTAssertEqual(try console.download("a.txt"), bytes("beta"))
        }
    }

    func testTheRootThresholdIsTwoOfThreeAndARootSignedByOneRootKeyIsRefused() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: t0)
        let keys = try KeyDirectory(path: hub.keys).loadAll()
        let rootKeys = try keyIDs(hub, "root").map { try XCTUnwrap(keys[$0]) }
        XCTAssertEqual(rootKeys.count, 3)
        XCTAssertEqual(try hub.metadataJSON("1.root.json")["signed"]?["roles"]?["root"]?["threshold"]?.integerValue, 2)

        // An attacker with one root key publishes a root version 2 that hands the targets role to them.
        let attackerKey = try SigningKey.generate(.eddsa)
        let attacker = RoleKey(signingKey: attackerKey, path: "")
        var signed = try XCTUnwrap(try hub.metadataJSON("1.root.json")["signed"]?.objectValue)
        signed["version"] = .integer(2)
        var keyObject = try XCTUnwrap(signed["keys"]?.objectValue)
        keyObject[attacker.keyID] = .object(KeyFormat.publicKeyObject(publicHex: attacker.publicHex))
        signed["keys"] = .object(keyObject)
        var roles = try XCTUnwrap(signed["roles"]?.objectValue)
        roles["targets"] = .object(JSONObject([("keyids", .array([.string(attacker.keyID)])), ("threshold", .integer(1))]))
        signed["roles"] = .object(roles)

        for (label, signers) in [("one root key", [rootKeys[0]]), ("one root key twice", [rootKeys[1], rootKeys[1]]),
                                 ("one root key and a foreign key", [rootKeys[2], attacker])] {
            let mirror = try hub.copyRepository()
            // Two signature entries by the same key are refused outright (the spec allows one per key id).
            let forged = try Envelope.sign(signed, with: signers)
            try Data(forged).write(to: URL(fileURLWithPath: mirror + "/metadata/2.root.json"))
            let console = try Console(hub)
            assertClientRefuses("a root signed by \(label)", { try console.refresh(mirror) }) {
                if case .thresholdNotMet(let role, _, let valid, let threshold, _) = $0 {
                    return role == "root version 2" && valid == 1 && threshold == 2
                }
                if case .malformedMetadata(let role, let path, _) = $0, label == "one root key twice" {
                    return role == "root version 2" && path == "$.signatures[1].keyid"
                }
                return false
            }
            XCTAssertEqual(try console.storedVersion("root.json"), 1, label)
        }
        // Two of the three root keys are enough.
        let mirror = try hub.copyRepository()
        try Data(try Envelope.sign(signed, with: [rootKeys[0], rootKeys[2]])).write(to: URL(fileURLWithPath: mirror + "/metadata/2.root.json"))
        let console = try Console(hub)
        assertClientRefuses("targets signed by the real key after the attacker's root", { try console.refresh(mirror) }) {
            if case .thresholdNotMet(let role, _, _, _, _) = $0 { return role.hasPrefix("targets") }
            return false
        }
        XCTAssertEqual(try console.storedVersion("root.json"), 2, "a threshold of root keys is trusted")

        // And the publisher will not rotate with fewer than two root keys at hand.
        let hub2 = try HubFixture()
        let away = Temp.directory("away")
        for name in hub2.keyFiles().filter({ $0.hasPrefix("root-") }).prefix(2) {
            try FileManager.default.moveItem(atPath: hub2.keys + "/" + name, toPath: away + "/" + name)
        }
        let before = tree(hub2.base)
        assertRefused(.dataError, "requires 2 of the root keys") { try hub2.publisher.rotate(role: .timestamp, now: t0 + 1) }
        assertRefused(.dataError, "requires 2 of the root keys") { try hub2.publisher.rotate(role: .root, now: t0 + 1) }
        XCTAssertEqual(tree(hub2.base), before)
        // Publishing needs no root key at all (root keys stay offline).
        XCTAssertNoThrow(try hub2.publisher.publish(targets: ["x": .bytes([1])], now: t0 + 2))
    }

    func testANewRootSignedByTooFewOfItsOwnNewKeysIsRefused() throws {
        let hub = try HubFixture()
        let keys = try KeyDirectory(path: hub.keys).loadAll()
        let oldRoot = try keyIDs(hub, "root").map { try XCTUnwrap(keys[$0]) }
        let fresh = try KeyDirectory.generate(role: .root, count: 3, in: hub.keys)
        let current = try Root(try Envelope(bytes: try hub.file("metadata/1.root.json"), file: "1.root.json", expectedType: "root"))
        var roles = current.roles
        roles[.root] = RoleEntry(keyIDs: fresh.map(\.keyID), threshold: 2)
        var publicKeys = current.publicKeys.filter { !oldRoot.map(\.keyID).contains($0.key) }
        for k in fresh { publicKeys[k.keyID] = k.publicHex }
        let signed = Root.signed(spec: "1.0.31", version: 2, expires: t0 + 365 * day, keys: publicKeys, roles: roles)
        // All three old keys but only one of the new ones: the new root does not vouch for itself.
        let mirror = try hub.copyRepository()
        try Data(try Envelope.sign(signed, with: oldRoot + [fresh[0]])).write(to: URL(fileURLWithPath: mirror + "/metadata/2.root.json"))
        let console = try Console(hub)
        assertClientRefuses("a new root signed by one of its own keys", { try console.refresh(mirror) }) {
            if case .thresholdNotMet(_, let delegator, 1, 2, _) = $0 { return delegator.contains("new root") }
            return false
        }
    }

    func testARotationInterruptedAtAnyWriteIsRepairedByTheNextPublish() throws {
        // Where a timestamp rotation writes, in order.
        let probe = try HubFixture()
        let recorder = PathRecorder()
        var recording = probe.publisher
        recording.beforeWrite = { path throws(TUFRepositoryError) in recorder.add(path) }
        try recording.rotate(role: .timestamp, now: t0 + 1)
        let points = recorder.paths
        XCTAssertEqual(points.first?.hasPrefix("keys/timestamp-"), true, "new keys first: \(points)")
        XCTAssertEqual(points.suffix(3).map { $0.hasPrefix("keys/retired/") ? "retire" : $0 },
                       ["metadata/root.json", "metadata/timestamp.json", "retire"])

        for (i, point) in points.enumerated() {
            let hub = try HubFixture()
            try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("alpha"))], now: t0)
            let console = try Console(hub)
            try console.refresh(hub.repo)
            var failing = hub.publisher
            let calls = PathRecorder()
            failing.beforeWrite = { path throws(TUFRepositoryError) in
                calls.add(path)
                if calls.paths.count == i + 1 { throw TUFRepositoryError(.ioError, "simulated crash before \(path)") }
            }
            assertRefused(.ioError, "simulated crash") { try failing.rotate(role: .timestamp, now: t0 + 10) }
            // Every operation after the crash finds a repository it can continue from.
            let repaired = try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("beta"))], now: t0 + 20)
            let rotatedRoot = points.firstIndex(of: "metadata/2.root.json")!
            XCTAssertEqual(repaired.versions[.root], i > rotatedRoot ? 2 : 1, "crash before \(point)")
            let report = try console.refresh(hub.repo, at: t0 + 30)
            XCTAssertEqual(report.rootVersion, repaired.versions[.root], point)
            XCTAssertEqual(try console.download("a.txt"), bytes("beta"), point)
            // Keys the current root no longer lists have been retired.
            let active = Set(try XCTUnwrap(try hub.metadataJSON("root.json")["signed"]?["keys"]?.objectValue).keys)
            for name in hub.keyFiles() where !active.contains(where: { name.hasSuffix("-\($0).pem") }) {
                XCTAssertTrue(i <= rotatedRoot && name.hasPrefix("timestamp-"), "\(name) left after a crash before \(point)")
            }
            XCTAssertEqual(Console.fresh(hub)?.rootVersion, repaired.versions[.root])
        }
    }
}

/// Collects write points from the publisher's hook (which is @Sendable).
final class PathRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ path: String) { lock.lock(); list.append(path); lock.unlock() }
    var paths: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

extension Console {
    /// A refresh by a console that only trusts root version 1.
    static func fresh(_ hub: HubFixture, at now: Int64 = t0 + 60) -> RefreshReport? {
        try? Console(hub).refresh(hub.repo, at: now)
    }
}
