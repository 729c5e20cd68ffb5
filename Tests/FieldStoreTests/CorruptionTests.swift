import FieldStore
import Foundation
import GRDB
import XCTest

/// A damaged or altered store file: detected at open with a clear error, and the recovery fallback
/// keeps the evidence file and saves the device's records and trusted state.
final class CorruptionTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = Scratch(name) }

    override func tearDown() {
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    /// A closed store with a cache of 3,000 packs, 5 inspections and trusted state.
    private func populatedStore() throws -> String {
        let path = scratch.file("store.sqlite")
        let store = try FieldStore.open(at: path)
        let snapshot = scratch.file("v1.sqlite")
        _ = try SyntheticCache(packs: 3000).buildSnapshot(at: snapshot, version: 1)
        try store.applySnapshot(at: snapshot, now: Fixture.t0)
        for i in 0..<5 { _ = try store.record(Fixture.inspection(i), deviceID: "device-A") }
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "timestamp", version: 12, expires: Fixture.t0 + Fixture.day)],
                                        signedTime: Fixture.t0 + 500, now: Fixture.t0)
        try store.close()
        return path
    }

    private func overwrite(_ path: String, offset: Int, bytes: [UInt8]) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    func testDamagedPagesAreDetectedAtOpenAndRecoveryKeepsRecords() throws {
        let path = try populatedStore()
        let (pages, pageSize) = try DatabaseQueue(path: path).read { db in
            (try Int.fetchAll(db, sql: "SELECT pageno FROM dbstat WHERE name = 'pack' AND pagetype = 'leaf' LIMIT 3"),
             try Int.fetchOne(db, sql: "PRAGMA page_size")!)
        }
        XCTAssertEqual(pages.count, 3)
        for p in pages { try overwrite(path, offset: (p - 1) * pageSize, bytes: [UInt8](repeating: 0xFF, count: pageSize)) }

        let refused = assertFieldStoreError(try FieldStore.open(at: path)) { $0.isDamaged }
        XCTAssertTrue(refused?.description.contains("is damaged (") ?? false, "\(String(describing: refused))")
        XCTAssertTrue(refused?.description.contains(path) ?? false)

        var options = FieldStore.Options()
        options.recoverIfDamaged = true
        let store = try FieldStore.open(at: path, options: options)
        let report = try XCTUnwrap(store.recovery)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report.damagedFile), "the damaged file must be kept")
        XCTAssertEqual(report.salvaged["inspection"], 5)
        XCTAssertEqual(report.salvaged["outbox"], 5)
        XCTAssertTrue(report.description.contains("The cache must be downloaded again"))
        XCTAssertNil(try store.cacheInfo(), "damaged cache content is never carried over")
        XCTAssertEqual(try store.trustedState().roles["timestamp"]?.version, 12)
        XCTAssertEqual(try store.trustedState().maxSignedTime, Fixture.t0 + 500)
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: Fixture.t0 + 10).map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertEqual(try store.record(Fixture.inspection(9), deviceID: "device-A").seq, 6, "the sequence continues")
        XCTAssertEqual(try store.quickCheck(), ["ok"])
    }

    func testGarbageHeaderIsDamagedAndRecoveryStartsFresh() throws {
        let path = try populatedStore()
        try overwrite(path, offset: 0, bytes: Array("this is not sqlite".utf8))
        assertFieldStoreError(try FieldStore.open(at: path)) { $0.isDamaged }
        var options = FieldStore.Options()
        options.recoverIfDamaged = true
        let store = try FieldStore.open(at: path, options: options)
        let report = try XCTUnwrap(store.recovery)
        XCTAssertFalse(report.problems.isEmpty, "losing the records must be reported")
        XCTAssertTrue(FileManager.default.fileExists(atPath: report.damagedFile))
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "device-A").seq, 1)
    }

    func testContentAlteredBehindTheStoresBackIsFoundByVerifyContent() throws {
        let path = try populatedStore()
        let store = try FieldStore.open(at: path)
        XCTAssertEqual(try store.verifyContent(), [])
        XCTAssertEqual(try store.verifyStore(jobs: 2).tables, [])
        XCTAssertEqual(try store.verifyStore(jobs: 2).quickCheck, [])
        try store.rawWrite("UPDATE watchlist SET reason = 'recalled' WHERE uid IN (SELECT uid FROM watchlist LIMIT 1)")
        try store.rawWrite("DELETE FROM pack WHERE uid IN (SELECT uid FROM pack LIMIT 1)")
        XCTAssertEqual(try store.verifyContent(), ["watchlist", "pack"])
        // The parallel check (what `stampwatch cache verify` runs) finds the same tables, in schema order.
        for jobs in [1, 2, 4] {
            XCTAssertEqual(try store.verifyStore(jobs: jobs).tables, ["watchlist", "pack"], "jobs \(jobs)")
        }
    }
}
