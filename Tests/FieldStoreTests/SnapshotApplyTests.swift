import FieldStore
import GRDB
import XCTest

/// Snapshot apply: what is accepted, everything that is refused, and that a refusal changes nothing
/// but the recorded last error.
final class SnapshotApplyTests: XCTestCase {
    var scratch: Scratch!
    var store: FieldStore!

    override func setUpWithError() throws {
        scratch = Scratch(name)
        store = try Fixture.openStore(scratch)
    }

    override func tearDown() {
        store = nil
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    /// Applies v1 and returns its content digest (what "unchanged" is checked against).
    private func applyV1() throws -> String {
        let report = try store.applySnapshot(at: try Fixture.snapshot(scratch), now: Fixture.t0 + 100)
        XCTAssertNil(report.previousVersion)
        return try XCTUnwrap(try store.cacheInfo()).contentSHA256
    }

    /// Runs `apply`, expects a refusal whose text contains `reason`, and checks nothing changed.
    private func assertRefused(_ reason: String, file: StaticString = #filePath, line: UInt = #line,
                               _ apply: () throws -> Void) throws {
        let before = try store.cacheInfo()
        let error = assertFieldStoreError(try apply(), file: file, line: line) { $0.isRefusal }
        XCTAssertTrue(error?.description.contains(reason) ?? false, "\(String(describing: error)) lacks \"\(reason)\"", file: file, line: line)
        XCTAssertEqual(try store.cacheInfo(), before, "the cache in use changed", file: file, line: line)
        XCTAssertEqual(try store.verifyContent(), [], file: file, line: line)
        let status = try store.status(deviceClock: Fixture.t0)
        XCTAssertEqual(status.trusted.lastAttempt?.state, .failed, file: file, line: line)
        XCTAssertTrue(status.lastError?.contains(reason) ?? false, file: file, line: line)
        let staged = try FileManager.default.contentsOfDirectory(atPath: store.path + ".staging")
        XCTAssertEqual(Set(staged), ["lock", "open-lock"], "staged files left behind", file: file, line: line)
    }

    private func tampered(_ sql: String, version: Int64 = 2) throws -> String {
        let path = try Fixture.snapshot(scratch, version: version, name: "tampered-\(UUID().uuidString.prefix(6)).sqlite")
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try q.close()
        return path
    }

    func testApplyRecordsMetaDigestsAndSuccess() throws {
        let digest = try applyV1()
        let info = try XCTUnwrap(try store.cacheInfo())
        XCTAssertEqual(info.version, 1)
        XCTAssertEqual(info.region, "MZ")
        XCTAssertEqual(info.source, "test hub")
        XCTAssertEqual(info.appliedAt, Fixture.t0 + 100)
        XCTAssertEqual(digest.count, 64)
        let status = try store.status(deviceClock: Fixture.t0 + 100)
        XCTAssertEqual(status.trusted.lastAttempt?.state, .succeeded)
        XCTAssertNil(status.lastError)
        XCTAssertEqual(try store.pack(uid: "UID-3")?.market, "MZ")
        // v2 replaces the content entirely.
        let report = try store.applySnapshot(at: try Fixture.snapshot(scratch, version: 2), now: Fixture.t0 + 200)
        XCTAssertEqual(report.previousVersion, 1)
        XCTAssertNil(try store.pack(uid: "UID-3"))
        XCTAssertEqual(try store.pack(uid: "UID-2")?.market, "MZ-MPM")
        XCTAssertEqual(try store.verifyContent(), [])
    }

    func testOlderOrSameVersionIsARollback() throws {
        _ = try applyV1()
        try assertRefused("not newer than the cache in use (version 1)") {
            try store.applySnapshot(at: try Fixture.snapshot(scratch, version: 1, name: "again.sqlite"), now: Fixture.t0)
        }
    }

    func testOtherRegionRefused() throws {
        _ = try applyV1()
        let path = scratch.file("za.sqlite")
        _ = try SnapshotBuilder.build(at: path, descriptor: Fixture.descriptor(2, region: "ZA"), content: Fixture.content())
        try assertRefused("region ZA, the cache in use is for MZ") { try store.applySnapshot(at: path, now: Fixture.t0) }
        // A device configured for a region refuses others even on its first cache.
        let pinned = try Fixture.openStore(scratch, name: "pinned.sqlite") { $0.region = "ZA" }
        XCTAssertTrue(assertFieldStoreError(try pinned.applySnapshot(at: try Fixture.snapshot(scratch), now: 0)) { $0.isRefusal }?
            .description.contains("this device serves ZA") ?? false)
    }

    func testAlteredRowIsCaughtByTheDigest() throws {
        _ = try applyV1()
        let path = try tampered("UPDATE pack SET market = 'ZZ' WHERE uid = 'UID-1'")
        try assertRefused("table pack does not match its recorded digest") { try store.applySnapshot(at: path, now: Fixture.t0) }
    }

    func testFileCannotCarryTrustedStateOrTriggers() throws {
        _ = try applyV1()
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "timestamp", version: 9, expires: Fixture.t0 + 5)], signedTime: Fixture.t0, now: Fixture.t0)
        let smuggled = try tampered("CREATE TABLE trusted_role (role TEXT PRIMARY KEY, version INTEGER, expires INTEGER, updated_at INTEGER); INSERT INTO trusted_role VALUES ('timestamp', 1, 0, 0)")
        try assertRefused("unexpected table \"trusted_role\"") { try store.applySnapshot(at: smuggled, now: Fixture.t0) }
        let trigger = try tampered("CREATE TRIGGER evil AFTER INSERT ON pack BEGIN DELETE FROM watchlist; END")
        try assertRefused("unexpected trigger \"evil\"") { try store.applySnapshot(at: trigger, now: Fixture.t0) }
        let altered = try tampered("DROP TABLE watchlist; CREATE TABLE watchlist (uid TEXT PRIMARY KEY, reason TEXT, since INTEGER, note TEXT) WITHOUT ROWID")
        try assertRefused("table watchlist does not have the expected definition") { try store.applySnapshot(at: altered, now: Fixture.t0) }
        XCTAssertEqual(try store.trustedState().roles["timestamp"]?.version, 9)
    }

    func testNotADatabaseWALModeMissingFileAndWrongKind() throws {
        _ = try applyV1()
        let junk = scratch.file("junk.sqlite")
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: junk))
        try assertRefused("not an SQLite database file") { try store.applySnapshot(at: junk, now: Fixture.t0) }
        let wal = try tampered("PRAGMA journal_mode = WAL")
        try assertRefused("WAL mode") { try store.applySnapshot(at: wal, now: Fixture.t0) }
        try assertRefused("does not exist") { try store.applySnapshot(at: scratch.file("missing.sqlite"), now: Fixture.t0) }
        let delta = scratch.file("delta.sqlite")
        _ = try DeltaBuilder.build(base: try Fixture.snapshot(scratch), target: try Fixture.snapshot(scratch, version: 2), output: delta)
        try assertRefused("unexpected table \"deleted_keyring\"") { try store.applySnapshot(at: delta, now: Fixture.t0) }
    }

    func testTruncatedFileRefused() throws {
        _ = try applyV1()
        let path = try Fixture.snapshot(scratch, version: 2, name: "cut.sqlite")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let before = try store.cacheInfo()
        assertFieldStoreError(try store.applySnapshot(at: path, now: Fixture.t0)) { $0.isRefusal }
        XCTAssertEqual(try store.cacheInfo(), before)
    }

    func testInvalidKeyringAndBrokenReferencesRefused() throws {
        _ = try applyV1()
        var content = Fixture.content(version: 2)
        content.keyring = KeyringDocument(json: #"{"signing_keys": []}"#)
        let badKeyring = scratch.file("badkeyring.sqlite")
        _ = try SnapshotBuilder.build(at: badKeyring, descriptor: Fixture.descriptor(2), content: content)
        try assertRefused("keyring is invalid: keyring.data_keys: is missing") { try store.applySnapshot(at: badKeyring, now: Fixture.t0) }

        content = Fixture.content(version: 2)
        content.facilities.append(Facility(facilityID: "FAC-9", operatorID: "OP-404", name: "ghost", latitude: nil, longitude: nil, region: "MZ"))
        let dangling = scratch.file("dangling.sqlite")
        _ = try SnapshotBuilder.build(at: dangling, descriptor: Fixture.descriptor(2), content: content)
        try assertRefused("refer to missing rows") { try store.applySnapshot(at: dangling, now: Fixture.t0) }
    }

    func testBuilderRefusesBadRowsAndDescriptor() throws {
        var content = Fixture.content()
        content.features[0].position = 1
        content.features.append(content.features[0])  // duplicate primary key
        assertFieldStoreError(try SnapshotBuilder.build(at: scratch.file("dup.sqlite"), descriptor: Fixture.descriptor(1), content: content)) {
            $0.description.contains("series_feature")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("dup.sqlite")))
        assertFieldStoreError(try SnapshotBuilder.build(at: scratch.file("v0.sqlite"), descriptor: Fixture.descriptor(0), content: Fixture.content())) {
            if case .invalidArgument = $0 { return true } else { return false }
        }
    }

    func testReadersSeeOldOrNewNeverAMixture() throws {
        _ = try applyV1()
        let v2 = try Fixture.snapshot(scratch, version: 2)
        let store = self.store!
        let stop = ManagedAtomicFlag()
        let reader = Thread {
            while !stop.isSet {
                // UID-3 exists only in v1, UID-4 only in v2: never both, never neither.
                let r = try? store.lookupBoth()
                if let r, r.0 == r.1 { stop.fail() }
            }
        }
        reader.start()
        try store.applySnapshot(at: v2, now: Fixture.t0)
        stop.set()
        while !reader.isFinished { usleep(1000) }
        XCTAssertFalse(stop.failed, "a reader saw a half-applied cache")
        XCTAssertNotNil(try store.pack(uid: "UID-4"))
    }
}

final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var _set = false
    private var _failed = false
    var isSet: Bool { lock.withLock { _set } }
    var failed: Bool { lock.withLock { _failed } }
    func set() { lock.withLock { _set = true } }
    func fail() { lock.withLock { _failed = true } }
}

extension FieldStore {
    /// Both lookups in one read transaction.
    func lookupBoth() throws -> (Bool, Bool) {
        try rawRead { db in
            (try Bool.fetchOne(db, sql: "SELECT 1 FROM pack WHERE uid = 'UID-3'") ?? false,
             try Bool.fetchOne(db, sql: "SELECT 1 FROM pack WHERE uid = 'UID-4'") ?? false)
        }
    }
}
