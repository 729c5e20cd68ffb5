import DeviceAuth
import FieldStore
import Foundation
import Hub
import StampCrypto
import StrictJSON
import XCTest
@testable import Sync

/// The engine against the in-memory hub double: fast and deterministic. The same behaviours are checked against
/// the real hub over HTTP in LiveHubTests and FaultTests.
final class EngineTests: XCTestCase {
    struct Fixture {
        let scratch: Scratch
        let store: FieldStore
        let hub: InMemoryHub
        let paths: SyncPaths
        let clock: Box<Double>
        var settings = SyncSettings()

        init(_ name: String = #function, count: Int, device: String = "console-1") throws {
            scratch = Scratch(name)
            store = try makeStore(scratch, device: device, count: count)
            hub = InMemoryHub(deviceID: device)
            paths = SyncPaths(store: scratch.file("data/field.sqlite"))
            clock = Box(Double(t0))
            settings.limits = BatchLimits(maxRecords: 10, maxBytes: 1 << 20)
            settings.backoff = BackoffPolicy(baseDelay: 4, maxDelay: 64)
        }

        func engine(key: VerifyingKey?? = nil, refresh: (@Sendable () -> CacheRefreshOutcome)? = nil) -> SyncEngine {
            let k: VerifyingKey? = key ?? hub.hubKey
            let clock = self.clock
            return SyncEngine(store: store, paths: paths, deviceID: hub.deviceID, transport: hub, settings: settings,
                              hubKey: { () throws(SyncError) in k }, cacheRefresh: refresh, now: { clock.get })
        }
    }

    func testEverythingGoesOnceInBatchesAndIsAcknowledged() throws {
        let f = try Fixture(count: 35)
        let s = f.engine().runOnce()
        XCTAssertEqual(s.acknowledged, 35)
        XCTAssertEqual(s.unsent, 0)
        XCTAssertEqual(s.link, .up)
        XCTAssertNil(s.lastError)
        XCTAssertEqual(s.lastSuccessAt, t0)
        XCTAssertEqual(s.lastRun?.batchesSent, 4, "10 + 10 + 10 + 5")
        XCTAssertEqual(f.hub.stored.map(\.seq), Array(1...35))
        XCTAssertTrue(f.hub.sentRequests.allSatisfy { $0.contentEncoding == "gzip" })
        // A second run sends nothing.
        let again = f.engine().runOnce()
        XCTAssertEqual(again.lastRun?.batchesSent, 0)
        XCTAssertEqual(f.hub.sentRequests.count, 4)
    }

    func testALostAnswerIsReconciledByAReceiptQueryNotAResend() throws {
        let f = try Fixture(count: 10)
        f.hub.faults = [.dropAfterCommit]
        let first = f.engine().runOnce()
        XCTAssertEqual(first.acknowledged, 0, "no receipt, nothing acknowledged")
        XCTAssertEqual(first.pending, 10)
        XCTAssertEqual(first.link, .down)
        XCTAssertEqual(f.hub.stored.count, 10, "the hub committed")
        f.clock.set(Double(t0) + 100)
        let second = f.engine().runOnce()
        XCTAssertEqual(second.acknowledged, 10)
        XCTAssertEqual(f.hub.sentRequests.map(\.method), ["POST", "GET"], "the receipt query settled it; nothing was sent twice")
        XCTAssertEqual(f.hub.sentRequests[1].query, "from_seq=1&limit=10")
    }

    func testBusyHubBacksOffHonouringRetryAfterThenDelivers() throws {
        let f = try Fixture(count: 3)
        f.hub.faults = [.status(503, retryAfter: "120")]
        let engine = f.engine()
        let s = engine.runOnce()
        XCTAssertEqual(s.link, .busy)
        XCTAssertEqual(s.pending, 3)
        XCTAssertTrue(s.lastError?.contains("HTTP 503") ?? false, s.lastError ?? "")
        XCTAssertEqual(s.nextAttemptAt, t0 + 120)
        XCTAssertEqual(engine.nextRunDelay(), 120, accuracy: 0.001)
        f.hub.faults = [.status(429, retryAfter: nil)]
        let s2 = engine.runOnce()
        XCTAssertEqual(s2.consecutiveFailures, 2)
        XCTAssertEqual(engine.nextRunDelay(), Backoff.delay(attempt: 2, seed: Backoff.seed(for: "console-1"), retryAfter: nil, now: Double(t0),
                                                            policy: f.settings.backoff), accuracy: 0.001)
        let s3 = engine.runOnce()
        XCTAssertEqual(s3.acknowledged, 3)
        XCTAssertEqual(s3.consecutiveFailures, 0)
        XCTAssertEqual(engine.nextRunDelay(), f.settings.interval, accuracy: 0.001)
    }

    func testAForgedReceiptAcknowledgesNothing() throws {
        let f = try Fixture(count: 4)
        f.hub.faults = [.forgeReceipt]
        let s = f.engine().runOnce()
        XCTAssertEqual(s.acknowledged, 0)
        XCTAssertEqual(s.pending, 4)
        XCTAssertEqual(s.link, .refused)
        XCTAssertTrue(s.lastError?.contains("does not verify with the hub key from the signed cache") ?? false, s.lastError ?? "")
        // The hub did store them; the next honest receipt (a status query) lets them go.
        let s2 = f.engine().runOnce()
        XCTAssertEqual(s2.acknowledged, 4)
    }

    func testARecordTheReceiptLeavesOutStaysPending() throws {
        let f = try Fixture(count: 3)
        f.hub.faults = [.omitFirst]
        let s = f.engine().runOnce()
        XCTAssertEqual(s.acknowledged, 2)
        XCTAssertEqual(s.pending, 1, "not named, not acknowledged; and not resent in the same run")
        XCTAssertEqual(f.hub.sentRequests.count, 1)
        XCTAssertEqual(f.engine().runOnce().acknowledged, 3)
    }

    func testAConflictKeepsTheRecordFlaggedRefusedWithTheHubsReason() throws {
        let f = try Fixture(count: 3)
        let second = try f.store.pendingOutbox(limit: 10, now: .max)[1]
        f.hub.plant(uuid: UUID().uuidString.lowercased(), seq: 2, payload: Array("{\"other\":true}".utf8))
        let s = f.engine().runOnce()
        XCTAssertEqual(s.acknowledged, 2)
        XCTAssertEqual(s.refused, 1)
        XCTAssertEqual(s.unsent, 0)
        XCTAssertNil(s.lastError, "a refusal is the record's state, not a link error")
        let row = try XCTUnwrap(f.store.outboxEntry(second.recordUUID))
        XCTAssertEqual(row.state, .refused)
        XCTAssertTrue(row.lastError?.contains("seq 2 of device console-1 already holds record") ?? false, row.lastError ?? "")
        XCTAssertNotNil(try f.store.inspection(second.recordUUID), "the record stays on the device")
        XCTAssertEqual(f.engine().runOnce().lastRun?.batchesSent, 0, "a refused record is not sent again")
    }

    func testARevokedDeviceKeepsItsRecordsAndSaysSo() throws {
        let f = try Fixture(count: 2)
        f.hub.revoked = true
        let s = f.engine().runOnce()
        XCTAssertEqual(s.pending, 2)
        XCTAssertEqual(s.link, .refused)
        XCTAssertTrue(s.lastError?.contains("revoked this device") ?? false, s.lastError ?? "")
    }

    func testWithoutTheHubKeyNothingIsSentOrAcknowledgedAndTheRefreshIsTriedFirst() throws {
        let f = try Fixture(count: 2)
        let calls = Box(0)
        let s = f.engine(key: .some(nil), refresh: { calls.update { $0 += 1 }; return CacheRefreshOutcome(ok: false, message: "no root") }).runOnce()
        XCTAssertEqual(calls.get, 1)
        XCTAssertEqual(s.pending, 2)
        XCTAssertFalse(s.hasHubKey)
        XCTAssertTrue(s.lastError?.contains("receipt key is not in the signed cache") ?? false, s.lastError ?? "")
        XCTAssertTrue(f.hub.sentRequests.isEmpty)
    }

    func testCacheRefreshRunsAfterASuccessfulUploadOnly() throws {
        let f = try Fixture(count: 2)
        let calls = Box(0)
        let refresh: @Sendable () -> CacheRefreshOutcome = { calls.update { $0 += 1 }; return CacheRefreshOutcome(ok: true, message: "cache is up to date") }
        f.hub.faults = [.cannotConnect]
        XCTAssertNil(f.engine(refresh: refresh).runOnce().lastRun?.cacheRefresh)
        XCTAssertEqual(calls.get, 0)
        let s = f.engine(refresh: refresh).runOnce()
        XCTAssertEqual(calls.get, 1)
        XCTAssertEqual(s.lastRun?.cacheRefresh, "cache is up to date")
    }

    func testRecordsOfAnotherDeviceIdAreNeverSentOrTouched() throws {
        let f = try Fixture(count: 3)
        try record(f.store, device: "console-old", count: 2)
        let s = f.engine().runOnce()
        XCTAssertEqual(s.acknowledged, 3)
        XCTAssertEqual(s.pending, 2, "console-old's records stay pending")
        XCTAssertEqual(f.hub.stored.count, 3)
    }

    func testStatusIsReadableWhileARunIsInProgress() throws {
        let f = try Fixture(count: 30)
        let engine = f.engine()
        let seen = Box<[SyncProgress]>([])
        let s = engine.runOnce { p in
            seen.update { $0.append(p) }
            _ = engine.status()  // the UI thread may ask at any time
        }
        XCTAssertEqual(s.acknowledged, 30)
        XCTAssertEqual(seen.get.first?.done, 0)
        XCTAssertEqual(seen.get.last?.done, 30)
        XCTAssertEqual(seen.get.last?.total, 30)
    }

    func testDeleteAcknowledgedRemovesOnlyWhatAReceiptNamed() throws {
        var f = try Fixture(count: 5)
        f.settings.deleteAcknowledged = true
        let uuids = try recordedUUIDs(f.store)
        f.hub.faults = [.omitFirst]
        _ = f.engine().runOnce()
        XCTAssertNotNil(try f.store.inspection(uuids[0]), "not named: kept")
        XCTAssertNil(try f.store.inspection(uuids[1]))
    }

    func testOneRunAtATimeAcrossProcesses() throws {
        let f = try Fixture(count: 2)
        let fd = open(f.paths.dataDirectory + "/sync.lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0, "the test holds the lock, as another process would")
        let s = f.engine().runOnce()
        XCTAssertNil(s.lastRun)
        XCTAssertTrue(s.lastError?.contains("another sync is running") ?? false)
        XCTAssertTrue(f.hub.sentRequests.isEmpty)
        flock(fd, LOCK_UN)
        close(fd)
        XCTAssertEqual(f.engine().runOnce().acknowledged, 2)
    }
}
