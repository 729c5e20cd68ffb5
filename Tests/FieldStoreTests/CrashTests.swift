import FieldStore
import Foundation
import XCTest

/// `kill -9` at random moments: during a snapshot apply, during a delta apply, and right after
/// `record` returned. The child is the real `fieldstore-crash-helper` process.
///
/// What must hold after every kill: the store opens (quick_check passes), its content is exactly the
/// old version or exactly the new one (per-table digests recomputed), an interrupted update is
/// reported as such, and no staged file is left.
final class CrashTests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws { scratch = Scratch(name) }

    override func tearDown() {
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    /// A store at v1 (closed, WAL folded in) plus the v2 snapshot and the v1→v2 delta.
    private func prepare(packs: Int) throws -> (pristine: String, v2: String, delta: String, v1Digest: String) {
        let base = SyntheticCache(packs: packs)
        var target = base
        target.changedPacks = 0..<(packs / 3)
        target.droppedPacks = (packs / 3)..<(packs / 3 + 100)
        let v1 = scratch.file("v1.sqlite"), v2 = scratch.file("v2.sqlite"), delta = scratch.file("d12.sqlite")
        _ = try base.buildSnapshot(at: v1, version: 1)
        _ = try target.buildSnapshot(at: v2, version: 2, publishedAt: base.start + 3600)
        _ = try DeltaBuilder.build(base: v1, target: v2, output: delta)
        let pristine = scratch.file("pristine.sqlite")
        let store = try FieldStore.open(at: pristine)
        try store.applySnapshot(at: v1, now: base.start)
        let digest = try XCTUnwrap(try store.cacheInfo()).contentSHA256
        try store.checkpoint()
        try store.close()
        return (pristine, v2, delta, digest)
    }

    private func copyOf(_ pristine: String, _ name: String) throws -> String {
        let path = scratch.file(name)
        try FileManager.default.copyItem(atPath: pristine, toPath: path)
        if FileManager.default.fileExists(atPath: pristine + "-wal") { try FileManager.default.copyItem(atPath: pristine + "-wal", toPath: path + "-wal") }
        return path
    }

    private struct Outcome { var version: Int64; var interrupted: Bool }

    /// Opens the store after a kill and checks it is one whole version.
    private func checkAfterKill(_ db: String, v1Digest: String, v2Digest: String, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let store = try FieldStore.open(at: db)  // quick_check at open
        defer { try? store.close() }
        let info = try XCTUnwrap(try store.cacheInfo(), file: file, line: line)
        XCTAssertTrue([1, 2].contains(info.version), file: file, line: line)
        XCTAssertEqual(info.contentSHA256, info.version == 1 ? v1Digest : v2Digest, file: file, line: line)
        XCTAssertEqual(try store.verifyContent(), [], "content is not exactly one version", file: file, line: line)
        let attempt = try store.trustedState().lastAttempt
        if info.version == 2 {
            XCTAssertEqual(attempt?.state, .succeeded, file: file, line: line)
        } else {
            XCTAssertTrue(attempt?.state == .interrupted || attempt?.state == .succeeded, "\(String(describing: attempt))", file: file, line: line)
        }
        if attempt?.state == .interrupted {
            XCTAssertTrue(attempt?.error?.contains("was interrupted") ?? false, file: file, line: line)
            XCTAssertEqual(try store.status(deviceClock: 0).lastError, attempt?.error, file: file, line: line)
        }
        let left = Set((try? FileManager.default.contentsOfDirectory(atPath: db + ".staging")) ?? [])
        XCTAssertTrue(left.isSubset(of: ["lock", "open-lock"]), "left behind: \(left)", file: file, line: line)
        return Outcome(version: info.version, interrupted: attempt?.state == .interrupted)
    }

    private func killDuringApply(command: String, file updateFile: String, iterations: Int, prepared: (pristine: String, v2: String, delta: String, v1Digest: String)) throws {
        // Reference run, uninterrupted: how long the whole child takes, and the v2 digest.
        let reference = try copyOf(prepared.pristine, "reference.sqlite")
        let start = Date()
        let run = try Helper.run([command, reference, updateFile, "1767300000"])
        let duration = Date().timeIntervalSince(start)
        XCTAssertEqual(run.status, 0, run.lines.joined(separator: "\n"))
        XCTAssertTrue(run.lines.first?.hasPrefix("applied 2") ?? false, run.lines.joined())
        let v2Digest = try XCTUnwrap(try { let s = try FieldStore.open(at: reference); defer { try? s.close() }; return try s.cacheInfo()?.contentSHA256 }())

        var outcomes: [Outcome] = []
        for k in 0..<iterations {
            let db = try copyOf(prepared.pristine, "kill-\(k).sqlite")
            let (process, _) = try Helper.start([command, db, updateFile, "1767300000"])
            // Spread over the whole run and a little past it (the last kills may find the child done).
            let fraction = 1.15 * (Double(k) + Double.random(in: 0.2...0.8)) / Double(iterations)
            usleep(UInt32(duration * fraction * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            outcomes.append(try checkAfterKill(db, v1Digest: prepared.v1Digest, v2Digest: v2Digest))
        }
        let summary = outcomes.map { "v\($0.version)\($0.interrupted ? " (interrupted)" : "")" }.joined(separator: ", ")
        print("\(command): reference run \(String(format: "%.2f", duration)) s; after kills: \(summary)")
        XCTAssertTrue(outcomes.contains { $0.interrupted }, "no kill landed inside an apply: \(summary)")
    }

    func testKillDuringSnapshotApplyLeavesOneWholeVersion() throws {
        let prepared = try prepare(packs: 12_000)
        try killDuringApply(command: "apply-snapshot", file: prepared.v2, iterations: 8, prepared: prepared)
    }

    func testKillDuringDeltaApplyLeavesOneWholeVersion() throws {
        let prepared = try prepare(packs: 12_000)
        try killDuringApply(command: "apply-delta", file: prepared.delta, iterations: 6, prepared: prepared)
    }

    /// Every record whose `record()` returned before the kill is there, with its outbox row, and the
    /// sequence has no gap and continues after the crash.
    func testKillRightAfterRecordReturnsLosesNothing() throws {
        let db = scratch.file("outbox.sqlite")
        try FieldStore.open(at: db).close()
        let (process, out) = try Helper.start(["record", db, "device-A", "100000"])
        var printed: [(UUID, Int64)] = []
        var buffer = ""
        let want = Int.random(in: 20...60)
        while printed.count < want {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            while let nl = buffer.firstIndex(of: "\n") {
                let line = buffer[..<nl]
                buffer.removeSubrange(...nl)
                let parts = line.split(separator: " ")
                if parts.count == 2, let u = UUID(uuidString: String(parts[0])), let s = Int64(parts[1]) { printed.append((u, s)) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertGreaterThanOrEqual(printed.count, want)

        let store = try FieldStore.open(at: db)
        for (uuid, seq) in printed {
            let stored = try XCTUnwrap(try store.inspection(uuid), "record \(seq) lost")
            XCTAssertEqual(stored.seq, seq)
            let entry = try XCTUnwrap(try store.outboxEntry(uuid), "outbox row \(seq) lost")
            XCTAssertEqual(entry.state, .pending)
            XCTAssertEqual(entry.seq, seq)
        }
        let seqs = try store.sequenceNumbers(deviceID: "device-A")
        XCTAssertEqual(seqs, Array(1...Int64(seqs.count)), "gap or duplicate")
        XCTAssertGreaterThanOrEqual(seqs.count, printed.count)
        let next = try store.record(Fixture.inspection(), deviceID: "device-A")
        XCTAssertEqual(next.seq, Int64(seqs.count) + 1)
    }

    /// Two processes recording for the same device at once: every number once, none missing.
    func testConcurrentProcessesShareOneGapFreeSequence() throws {
        let db = scratch.file("shared.sqlite")
        try FieldStore.open(at: db).close()
        let a = try Helper.start(["record", db, "device-A", "150"])
        let b = try Helper.start(["record", db, "device-A", "150"])
        let outA = a.1.fileHandleForReading.readDataToEndOfFile(), outB = b.1.fileHandleForReading.readDataToEndOfFile()
        a.0.waitUntilExit()
        b.0.waitUntilExit()
        XCTAssertEqual(a.0.terminationStatus, 0, String(decoding: outA, as: UTF8.self).suffix(300).description)
        XCTAssertEqual(b.0.terminationStatus, 0, String(decoding: outB, as: UTF8.self).suffix(300).description)
        let store = try FieldStore.open(at: db)
        XCTAssertEqual(try store.sequenceNumbers(deviceID: "device-A"), Array(1...300))
    }
}
