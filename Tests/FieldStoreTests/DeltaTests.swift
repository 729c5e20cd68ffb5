import FieldStore
import Foundation
import GRDB
import XCTest

/// Deltas: built from two snapshots, applied only on their exact base, ending at exactly the target.
final class DeltaTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = Scratch(name) }

    override func tearDown() {
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    func testDeltaTakesV1ToExactlyV2() throws {
        let v1 = try Fixture.snapshot(scratch, version: 1), v2 = try Fixture.snapshot(scratch, version: 2)
        let deltaPath = scratch.file("d12.sqlite")
        let meta = try DeltaBuilder.build(base: v1, target: v2, output: deltaPath)
        XCTAssertEqual(meta.baseVersion, 1)
        XCTAssertEqual(meta.version, 2)
        XCTAssertEqual(meta.tableDigests["pack"]?.rows, 2)          // UID-2 changed, UID-4 added
        XCTAssertEqual(meta.deletedDigests["pack"]?.rows, 1)        // UID-3 gone
        XCTAssertEqual(meta.tableDigests["keyring"]?.rows, 0)       // unchanged tables carry nothing
        XCTAssertEqual(meta.deletedDigests["event_epc"]?.rows, 1)

        let viaDelta = try Fixture.openStore(scratch, name: "a.sqlite")
        try viaDelta.applySnapshot(at: v1, now: Fixture.t0)
        let report = try viaDelta.applyDelta(at: deltaPath, now: Fixture.t0 + 10)
        XCTAssertEqual(report.previousVersion, 1)
        let viaSnapshot = try Fixture.openStore(scratch, name: "b.sqlite")
        try viaSnapshot.applySnapshot(at: v2, now: Fixture.t0)
        let a = try XCTUnwrap(try viaDelta.cacheInfo()), b = try XCTUnwrap(try viaSnapshot.cacheInfo())
        XCTAssertEqual(a.contentSHA256, b.contentSHA256)
        XCTAssertEqual(a.version, 2)
        XCTAssertEqual(a.kind, .delta)
        XCTAssertEqual(try viaDelta.verifyContent(), [])
        XCTAssertNil(try viaDelta.pack(uid: "UID-3"))
        XCTAssertEqual(try viaDelta.pack(uid: "UID-2")?.market, "MZ-MPM")
        XCTAssertEqual(try viaDelta.watchlistEntry(uid: "UID-1")?.reason, .recalled)
        XCTAssertEqual(try viaDelta.dashboard(operator: "*").first?.value, 43)
    }

    func testWrongBaseVersionIsRefusedAndNamed() throws {
        let v1 = try Fixture.snapshot(scratch, version: 1), v2 = try Fixture.snapshot(scratch, version: 2)
        var c3 = Fixture.content(version: 2)
        c3.products.append(Product(gtin: "06100000000024", brand: "Lua"))
        let v3 = scratch.file("v3.sqlite")
        _ = try SnapshotBuilder.build(at: v3, descriptor: Fixture.descriptor(3), content: c3)
        let d23 = scratch.file("d23.sqlite")
        _ = try DeltaBuilder.build(base: v2, target: v3, output: d23)

        let store = try Fixture.openStore(scratch)
        let empty = assertFieldStoreError(try store.applyDelta(at: d23, now: 0)) { $0.isRefusal }
        XCTAssertTrue(empty?.description.contains("no cache is in use: apply a snapshot first") ?? false)
        try store.applySnapshot(at: v1, now: 0)
        let wrong = assertFieldStoreError(try store.applyDelta(at: d23, now: 0)) { $0.isRefusal }
        XCTAssertTrue(wrong?.description.contains("delta from version 2, but the cache in use is version 1") ?? false, "\(String(describing: wrong))")
        XCTAssertEqual(try store.cacheInfo()?.version, 1)
        XCTAssertEqual(try store.status(deviceClock: 0).trusted.lastAttempt?.state, .failed)
        // The right chain works, and re-applying a delta already applied is a refused rollback.
        let d12 = scratch.file("d12.sqlite")
        _ = try DeltaBuilder.build(base: v1, target: v2, output: d12)
        try store.applyDelta(at: d12, now: 0)
        try store.applyDelta(at: d23, now: 0)
        XCTAssertEqual(try store.product(gtin: "06100000000024")?.brand, "Lua")
        XCTAssertTrue(assertFieldStoreError(try store.applyDelta(at: d12, now: 0)) { $0.isRefusal }?.description.contains("not newer") ?? false)
    }

    func testSameVersionDifferentContentIsNotTheBase() throws {
        // A store at "version 1" whose content differs from the hub's version 1 must not take the delta.
        var other = Fixture.content()
        other.products[0].brand = "Other"
        let otherV1 = scratch.file("other-v1.sqlite")
        _ = try SnapshotBuilder.build(at: otherV1, descriptor: Fixture.descriptor(1), content: other)
        let d12 = scratch.file("d12.sqlite")
        _ = try DeltaBuilder.build(base: try Fixture.snapshot(scratch, version: 1), target: try Fixture.snapshot(scratch, version: 2), output: d12)
        let store = try Fixture.openStore(scratch)
        try store.applySnapshot(at: otherV1, now: 0)
        let e = assertFieldStoreError(try store.applyDelta(at: d12, now: 0)) { $0.isRefusal }
        XCTAssertTrue(e?.description.contains("table product of the cache in use does not match the delta's base") ?? false)
        XCTAssertEqual(try store.product(gtin: "06100000000017")?.brand, "Other")
    }

    func testTamperedDeltaRefused() throws {
        let v1 = try Fixture.snapshot(scratch, version: 1)
        let d12 = scratch.file("d12.sqlite")
        _ = try DeltaBuilder.build(base: v1, target: try Fixture.snapshot(scratch, version: 2), output: d12)
        let q = try DatabaseQueue(path: d12)
        try q.write { db in try db.execute(sql: "INSERT INTO deleted_watchlist (uid) VALUES ('UID-3')") }
        try q.close()
        let store = try Fixture.openStore(scratch)
        try store.applySnapshot(at: v1, now: 0)
        let e = assertFieldStoreError(try store.applyDelta(at: d12, now: 0)) { $0.isRefusal }
        XCTAssertTrue(e?.description.contains("deleted_watchlist does not match its recorded digest") ?? false)
        XCTAssertEqual(try store.watchlistEntry(uid: "UID-3")?.reason, .stolen)
    }

    func testBuilderRefusesMismatchedInputs() throws {
        let v1 = try Fixture.snapshot(scratch, version: 1), v2 = try Fixture.snapshot(scratch, version: 2)
        assertFieldStoreError(try DeltaBuilder.build(base: v2, target: v1, output: scratch.file("x.sqlite"))) {
            $0.description.contains("not above base version")
        }
        let za = scratch.file("za.sqlite")
        _ = try SnapshotBuilder.build(at: za, descriptor: Fixture.descriptor(3, region: "ZA"), content: Fixture.content())
        assertFieldStoreError(try DeltaBuilder.build(base: v1, target: za, output: scratch.file("y.sqlite"))) {
            $0.description.contains("region")
        }
    }

    /// A delta touching over 100,000 rows (pack upserts and deletes). Prints the apply time; the
    /// assertion is on the result, not the time.
    func testDeltaTouchingMoreThan100kRows() throws {
        let n = 110_000
        func build(_ path: String, version: Int64, changed: Bool) throws {
            _ = try SnapshotBuilder.build(at: path, descriptor: Fixture.descriptor(version)) { sink in
                for i in 0..<n {
                    if changed && i % 11 == 0 { continue }  // 10,000 deleted
                    try sink.add(Pack(uid: String(format: "U%09d", i), gtin: "06100000000017", facilityID: "FAC-1", machineID: "M-1",
                                      manufactured: Fixture.t0 + Int64(i), market: changed ? "MZ-MPM" : "MZ", seriesID: "S2026"))
                }
            }
        }
        let v1 = scratch.file("big1.sqlite"), v2 = scratch.file("big2.sqlite"), delta = scratch.file("bigd.sqlite")
        try build(v1, version: 1, changed: false)
        try build(v2, version: 2, changed: true)
        var t = Date()
        let meta = try DeltaBuilder.build(base: v1, target: v2, output: delta)
        let buildTime = Date().timeIntervalSince(t)
        XCTAssertEqual(meta.tableDigests["pack"]?.rows, 100_000)
        XCTAssertEqual(meta.deletedDigests["pack"]?.rows, 10_000)
        let store = try Fixture.openStore(scratch)
        try store.applySnapshot(at: v1, now: 0)
        t = Date()
        let report = try store.applyDelta(at: delta, now: 0)
        let applyTime = Date().timeIntervalSince(t)
        print(String(format: "delta of 110,000 rows: build %.2f s, apply %.2f s (verify %.2f, swap %.2f), file %d kB", buildTime, applyTime,
                     report.verifySeconds, report.swapSeconds,
                     ((try FileManager.default.attributesOfItem(atPath: delta)[.size] as? NSNumber)?.intValue ?? 0) / 1000))
        XCTAssertEqual(try store.pack(uid: "U000000001")?.market, "MZ-MPM")
        XCTAssertNil(try store.pack(uid: "U000000000"))
        XCTAssertEqual(try store.verifyContent(), [])
    }
}
