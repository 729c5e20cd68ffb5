import FieldStore
import Foundation
import XCTest

/// A full disk: nothing half-written, a clear "disk is full" error, the previous cache and every
/// earlier record intact. Two ways to fill it: RLIMIT_FSIZE in a child process (always available,
/// SIGXFSZ ignored so writes fail with EFBIG), and a small tmpfs (when this machine lets us mount).
final class DiskFullTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = Scratch(name) }

    override func tearDown() {
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    func testRecordOnAFullDiskFailsCleanlyAndConsumesNoSequenceNumber() throws {
        let db = scratch.file("store.sqlite")
        let store = try FieldStore.open(at: db)
        _ = try store.record(Fixture.inspection(), deviceID: "device-A")
        try store.close()
        // 40 kB: the 32 kB shared-memory file fits, a transaction's WAL frames do not.
        let run = try Helper.run(["record", db, "device-A", "3"], env: ["FIELDSTORE_FSIZE_LIMIT": "40960"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.lines.last?.contains("the disk is full") ?? false, run.lines.joined(separator: "\n"))
        let reopened = try FieldStore.open(at: db)
        XCTAssertEqual(try reopened.sequenceNumbers(deviceID: "device-A"), [1])
        XCTAssertEqual(try reopened.record(Fixture.inspection(), deviceID: "device-A").seq, 2)
    }

    func testSnapshotLargerThanTheSpaceLeftIsRefusedWithTheCacheKept() throws {
        let db = scratch.file("store.sqlite")
        let store = try FieldStore.open(at: db)
        try store.applySnapshot(at: try Fixture.snapshot(scratch), now: Fixture.t0)
        try store.close()
        let v2 = scratch.file("v2.sqlite")
        _ = try SyntheticCache(packs: 2000).buildSnapshot(at: v2, version: 2)
        let run = try Helper.run(["apply-snapshot", db, v2, "\(Fixture.t0)"], env: ["FIELDSTORE_FSIZE_LIMIT": "65536"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.lines.last?.contains("disk is full") ?? false, run.lines.joined(separator: "\n"))
        let reopened = try FieldStore.open(at: db)
        XCTAssertEqual(try reopened.cacheInfo()?.version, 1)
        XCTAssertEqual(try reopened.verifyContent(), [])
        XCTAssertNotNil(try reopened.pack(uid: "UID-1"))
    }

    /// The swap itself runs out of space (SQLITE_FULL in the middle of the transaction).
    func testSwapRunningOutOfSpaceOnTmpfsRollsBack() throws {
        let v1 = scratch.file("v1.sqlite"), v2 = scratch.file("v2.sqlite")
        var target = SyntheticCache(packs: 12_000)
        _ = try target.buildSnapshot(at: v1, version: 1)
        target.changedPacks = 0..<6000
        _ = try target.buildSnapshot(at: v2, version: 2)
        let size = { (p: String) in ((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.intValue) ?? 0 }
        // Room for the store and the staged copy, but not for the WAL of the swap.
        let mountSize = size(v1) + size(v2) + 1_000_000
        let mnt = scratch.file("mnt")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(mountSize)", "tmpfs", mnt]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (not root, or not permitted); the RLIMIT_FSIZE tests cover the full disk")
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mnt]
            try? umount.run()
            umount.waitUntilExit()
        }
        let store = try FieldStore.open(at: mnt + "/store.sqlite")
        try store.applySnapshot(at: v1, now: Fixture.t0)
        let before = try XCTUnwrap(try store.cacheInfo())
        let error = assertFieldStoreError(try store.applySnapshot(at: v2, now: Fixture.t0 + 1)) { $0.isDiskFull }
        XCTAssertTrue(error?.description.contains("nothing was changed") ?? false)
        XCTAssertEqual(try store.cacheInfo(), before)
        XCTAssertEqual(try store.verifyContent(), [])
        XCTAssertTrue(try store.status(deviceClock: Fixture.t0).lastError?.contains("disk is full") ?? false)
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "device-A").seq, 1, "recording still works once the staged copy is gone")
        try store.close()
    }
}
