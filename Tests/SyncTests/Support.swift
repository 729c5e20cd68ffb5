import FieldStore
import Foundation
import StampCrypto
import Sync
import XCTest

/// The repository root, from this file's path (Tests/SyncTests/…).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A scratch folder removed when released.
final class Scratch: @unchecked Sendable {
    let path: String
    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "sync-tests/\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let t0: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z

/// A field store in a scratch folder with `count` inspections recorded as `device`.
func makeStore(_ scratch: Scratch, device: String, count: Int, notes: String = "") throws -> FieldStore {
    let store = try FieldStore.open(at: scratch.file("data/field.sqlite"))
    try record(store, device: device, count: count, notes: notes)
    return store
}

func record(_ store: FieldStore, device: String, count: Int, notes: String = "") throws {
    for i in 0..<count {
        _ = try store.record(InspectionInput(code: "TS1:TEST\(i)", verdict: "genuine", reasonsJSON: "[]", notes: notes, place: "Maputo port",
                                             officerID: "officer-7", cacheVersion: 3, cacheAgeSeconds: 3600, createdAt: t0 + Int64(i)),
                             deviceID: device)
    }
}

/// Every outbox row of the store, any state (via the public API: pending first, then each record by uuid).
func allRows(_ store: FieldStore, uuids: [UUID]) throws -> [OutboxEntry] {
    try uuids.compactMap { try store.outboxEntry($0) }
}

/// The uuids of every record in the store for `device`, in seq order (read back through the inspection API).
func recordedUUIDs(_ store: FieldStore, pendingLimit: Int = 1_000_000) throws -> [UUID] {
    try store.pendingOutbox(limit: pendingLimit, now: Int64.max).map(\.recordUUID)
}

/// Runs `body` with a thread-safe recorder of values.
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    var get: T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
