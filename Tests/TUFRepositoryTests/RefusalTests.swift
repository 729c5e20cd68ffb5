import Foundation
import StrictJSON
import TUFClient
import XCTest
@testable import TUFRepository

/// Bad input is refused with a clear error of the right kind, and nothing is written.
final class RefusalTests: XCTestCase {
    func testAnUninitialisedRepositoryIsRefused() throws {
        let hub = try HubFixture(initialise: false)
        assertRefused(.noInput, "publish --init") { try hub.publisher.publish(targets: ["a": .bytes([1])], now: t0) }
        assertRefused(.noInput, "publish --init") { try hub.publisher.rotate(role: .timestamp, now: t0) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: hub.repo))
        XCTAssertFalse(FileManager.default.fileExists(atPath: hub.keys))
    }

    func testInitRefusesAnInitialisedRepositoryAndAKeysDirectoryWithRoleKeys() throws {
        let hub = try HubFixture()
        let before = tree(hub.base)
        assertRefused(.cantCreate, "already an initialised") { try hub.publisher.initialise(now: t0) }
        // A new repository next to keys that belong to another one.
        let other = TUFPublisher(repository: Temp.directory("other") + "/repo", keys: hub.keys)
        assertRefused(.cantCreate, "already holds TUF role keys") { try other.initialise(now: t0) }
        XCTAssertEqual(tree(hub.base), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.repositoryDirectory))
    }

    func testMissingTargetFilesAndBadNamesAreRefusedBeforeAnythingIsWritten() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes([1])], now: t0)
        let before = tree(hub.base)
        assertRefused(.noInput, "/nonexistent/field.sqlite for target b") {
            try hub.publisher.publish(targets: ["a.txt": .bytes([2]), "b": .file("/nonexistent/field.sqlite")], now: t0 + 1)
        }
        assertRefused(.dataError, "not a regular file") {
            try hub.publisher.publish(targets: ["b": .file(hub.base)], now: t0 + 1)
        }
        for bad in ["", "/abs", "a//b", "dir/", "../up", "a/../b", ".hidden", "spa ce", "per%cent", "q?x", "ünï", "tab\tx"] {
            assertRefused(.usage, "target name") { try hub.publisher.publish(targets: [bad: .bytes([1])], now: t0 + 1) }
        }
        assertRefused(.usage, "both published and removed") {
            try hub.publisher.publish(targets: ["a.txt": .bytes([3])], removing: ["a.txt"], now: t0 + 1)
        }
        assertRefused(.dataError, "does not list it") { try hub.publisher.publish(removing: ["nope"], now: t0 + 1) }
        XCTAssertEqual(tree(hub.base), before)
    }

    func testKeysThatAreMissingOrDoNotMatchTheRootAreRefused() throws {
        let hub = try HubFixture()
        let other = try HubFixture()
        let before = tree(hub.base)
        let noKeys = TUFPublisher(repository: hub.repo, keys: hub.base + "/elsewhere")
        assertRefused(.noInput, "keys directory") { try noKeys.publish(now: t0 + 1) }
        // Another repository's keys: none is listed in this root.
        let wrongKeys = TUFPublisher(repository: hub.repo, keys: other.keys)
        assertRefused(.dataError, "requires 1 of the timestamp keys") { try wrongKeys.publish(now: t0 + 1) }
        assertRefused(.dataError, "root keys") { try wrongKeys.rotate(role: .snapshot, now: t0 + 1) }
        // An empty keys directory.
        let empty = TUFPublisher(repository: hub.repo, keys: Temp.directory("empty"))
        assertRefused(.noInput, "holds no role keys") { try empty.publish(now: t0 + 1) }
        XCTAssertEqual(tree(hub.base), before)
        XCTAssertEqual(other.keyFiles().count, 6)
    }

    func testAPrivateKeyReadableByOthersIsRefused() throws {
        let hub = try HubFixture()
        let name = try XCTUnwrap(hub.keyFiles().first { $0.hasPrefix("timestamp-") })
        chmod(hub.keys + "/" + name, 0o644)
        assertRefused(.noPermission, "chmod 600") { try hub.publisher.publish(now: t0 + 1) }
        chmod(hub.keys + "/" + name, 0o600)
        XCTAssertNoThrow(try hub.publisher.publish(now: t0 + 1))
    }

    func testKeysInsideTheRepositoryAreRefused() throws {
        let base = Temp.directory("inside")
        for keys in [base + "/repo/keys", base + "/repo", base + "/repo/metadata/../k"] {
            let p = TUFPublisher(repository: base + "/repo", keys: keys)
            assertRefused(.usage, "inside the repository") { try p.initialise(now: t0) }
        }
        XCTAssertEqual(tree(base), [:])
        // Also through a symbolic link to the repository.
        let hub = try HubFixture()
        try FileManager.default.createSymbolicLink(atPath: hub.base + "/link", withDestinationPath: hub.repo)
        let linked = TUFPublisher(repository: hub.base + "/link", keys: hub.repo + "/secret")
        assertRefused(.usage, "inside the repository") { try linked.publish(now: t0 + 1) }
    }

    func testUnknownRolesInvalidConfigurationsAndALockedRepositoryAreRefused() throws {
        XCTAssertNil(TopLevelRole(rawValue: "bogus"))
        var bad = RepositoryConfiguration()
        bad.keyPolicies[.root] = RoleKeyPolicy(keyCount: 2, threshold: 3)
        assertRefused(.usage, "threshold") { try HubFixture(configuration: bad) }
        bad = RepositoryConfiguration()
        bad.lifetimes[.timestamp] = 0
        assertRefused(.usage, "timestamp lifetime") { try HubFixture(configuration: bad) }

        let hub = try HubFixture()
        let lock = try FileSystem.lock(hub.repo + "/.lock")
        assertRefused(.busy, "another stampwatch-hub process") { try hub.publisher.publish(now: t0 + 1) }
        FileSystem.unlock(lock)
        XCTAssertNoThrow(try hub.publisher.publish(now: t0 + 1))
    }

    func testTamperedMetadataIsNotCarriedForward() throws {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes([1])], now: t0)
        let before = tree(hub.metadata)
        // Someone with write access to the repository (but no keys) edits the targets metadata...
        let path = hub.metadata + "/2.targets.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"a.txt\"", with: "\"evil.txt\"").write(toFile: path, atomically: true, encoding: .utf8)
        assertRefused(.dataError, "2.targets.json does not have the length and hashes") { try hub.publisher.publish(now: t0 + 1) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // ... or the timestamp: the publisher would sign on top of it, so it refuses.
        let timestamp = hub.metadata + "/timestamp.json"
        let original = try String(contentsOfFile: timestamp, encoding: .utf8)
        try original.replacingOccurrences(of: "\"version\": 2,\n    \"meta\"", with: "\"version\": 9,\n    \"meta\"")
            .replacingOccurrences(of: "\"_type\": \"timestamp\",", with: "\"_type\": \"timestamp\", \"x\": 1,")
            .write(toFile: timestamp, atomically: true, encoding: .utf8)
        assertRefused(.dataError, "timestamp.json is not signed by the timestamp keys") { try hub.publisher.publish(now: t0 + 1) }
        try original.write(toFile: timestamp, atomically: true, encoding: .utf8)
        XCTAssertEqual(tree(hub.metadata), before)
        XCTAssertNoThrow(try hub.publisher.publish(now: t0 + 1))

        // A root version that is not signed by the previous root breaks the chain.
        let chain = try HubFixture()
        try chain.publisher.rotate(role: .targets, now: t0)
        let root2 = chain.metadata + "/2.root.json"
        let tampered = try String(contentsOfFile: root2, encoding: .utf8).replacingOccurrences(of: "\"threshold\": 2", with: "\"threshold\": 1")
        try tampered.write(toFile: root2, atomically: true, encoding: .utf8)
        assertRefused(.dataError, "2.root.json is not signed") { try chain.publisher.publish(now: t0 + 1) }
    }
}
