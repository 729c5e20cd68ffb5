import FieldStore
import Foundation
import StrictJSON
import XCTest

/// The outbox: one transaction per record, gap-free numbers, exact payload bytes, and nothing deleted
/// without a receipt naming it.
final class OutboxTests: XCTestCase {
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

    func testRecordWritesInspectionAndOutboxRowWithExactPayload() throws {
        let uuid = UUID()
        let r = try store.record(Fixture.inspection(1, createdAt: 1000), deviceID: "device-A", uuid: uuid)
        XCTAssertEqual(r.seq, 1)
        XCTAssertEqual(r.recordUUID, uuid)
        let stored = try XCTUnwrap(try store.inspection(uuid))
        XCTAssertEqual(stored.input, Fixture.inspection(1, createdAt: 1000))
        let entry = try XCTUnwrap(try store.outboxEntry(uuid))
        XCTAssertEqual(entry.payload, r.payload)
        XCTAssertEqual(entry.state, .pending)
        XCTAssertEqual(entry.kind, "inspection")
        let json = try JSONParser.parse(r.payload)
        XCTAssertEqual(json["record_uuid"]?.stringValue, uuid.uuidString.lowercased())
        XCTAssertEqual(json["seq"]?.integerValue, 1)
        XCTAssertEqual(json["device_id"]?.stringValue, "device-A")
        XCTAssertEqual(json["reasons"]?[0]?["code"]?.stringValue, "verified")
        XCTAssertEqual(json["cache_version"]?.integerValue, 1)
        XCTAssertEqual(json["created_at"]?.integerValue, 1000)
        XCTAssertThrowsError(try store.rawWrite("UPDATE outbox SET payload = x'00'"), "payload bytes are immutable")
        XCTAssertThrowsError(try store.rawWrite("UPDATE inspection SET verdict = 'counterfeit'"), "inspections are immutable")
    }

    func testSequencesArePerDeviceAndARefusedRecordUsesNoNumber() throws {
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "A").seq, 1)
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "A").seq, 2)
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "B").seq, 1)
        var bad = Fixture.inspection()
        bad.reasonsJSON = "[{oops"
        assertFieldStoreError(try store.record(bad, deviceID: "A")) { $0.description.contains("reasons are not valid JSON") }
        let dup = UUID()
        _ = try store.record(Fixture.inspection(), deviceID: "A", uuid: dup)
        assertFieldStoreError(try store.record(Fixture.inspection(), deviceID: "A", uuid: dup)) { _ in true }
        XCTAssertEqual(try store.record(Fixture.inspection(), deviceID: "A").seq, 4)
        XCTAssertEqual(try store.sequenceNumbers(deviceID: "A"), [1, 2, 3, 4])
        assertFieldStoreError(try store.record(Fixture.inspection(), deviceID: "")) { _ in true }
    }

    func testConcurrentRecordersInOneProcess() throws {
        let store = self.store!
        let failures = ManagedAtomicFlag()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<40 {
                do { _ = try store.record(Fixture.inspection(worker * 100 + i), deviceID: "device-A") } catch { failures.fail() }
            }
        }
        XCTAssertFalse(failures.failed)
        XCTAssertEqual(try store.sequenceNumbers(deviceID: "device-A"), Array(1...320))
    }

    func testSendStatesAndReopenPutsInFlightBackToPending() throws {
        let a = try store.record(Fixture.inspection(1, createdAt: 100), deviceID: "D")
        let b = try store.record(Fixture.inspection(2, createdAt: 100), deviceID: "D")
        let c = try store.record(Fixture.inspection(3, createdAt: 100), deviceID: "D")
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: 100).map(\.seq), [1, 2, 3])
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: 99), [], "not due yet")
        try store.markInFlight([a.recordUUID, b.recordUUID])
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: 100).map(\.seq), [3])
        try store.markSendFailed([a.recordUUID], error: "timeout", retryAt: 500)
        XCTAssertEqual(try store.outboxEntry(a.recordUUID)?.lastError, "timeout")
        XCTAssertEqual(try store.outboxEntry(a.recordUUID)?.attempts, 1)
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: 100).map(\.seq), [3])
        XCTAssertEqual(try store.pendingOutbox(limit: 10, now: 500).map(\.seq), [1, 3])
        try store.markRefused(c.recordUUID, reason: "unknown device")
        XCTAssertEqual(try store.outboxEntry(c.recordUUID)?.state, .refused)
        XCTAssertEqual(try store.outboxEntry(b.recordUUID)?.state, .inFlight)
        try store.close()
        let reopened = try Fixture.openStore(scratch)
        XCTAssertEqual(try reopened.outboxEntry(b.recordUUID)?.state, .pending, "a send cut by a crash is retried")
        XCTAssertEqual(try reopened.outboxCounts(), [.pending: 2, .refused: 1])
    }

    func testOnlyAReceiptLetsRecordsGo() throws {
        let a = try store.record(Fixture.inspection(1), deviceID: "D")
        let b = try store.record(Fixture.inspection(2), deviceID: "D")
        let c = try store.record(Fixture.inspection(3), deviceID: "D")
        XCTAssertThrowsError(try store.rawWrite("DELETE FROM outbox WHERE seq = 1"))
        XCTAssertThrowsError(try store.rawWrite("DELETE FROM inspection WHERE seq = 1"))
        XCTAssertNotNil(try store.inspection(a.recordUUID))

        let stranger = UUID()
        let unknown = try store.acknowledge(VerifiedReceipt(receiptID: "R-1", acknowledged: [a.recordUUID, stranger], raw: [1, 2]),
                                            receivedAt: 10)
        XCTAssertEqual(unknown, [stranger])
        XCTAssertEqual(try store.outboxEntry(a.recordUUID)?.state, .acknowledged)
        XCTAssertEqual(try store.outboxEntry(b.recordUUID)?.state, .pending)
        XCTAssertNotNil(try store.inspection(a.recordUUID), "acknowledging alone keeps the record")

        try store.acknowledge(VerifiedReceipt(receiptID: "R-2", acknowledged: [a.recordUUID, b.recordUUID], raw: [3]), receivedAt: 20,
                              deleteRecords: true)
        XCTAssertNil(try store.inspection(a.recordUUID))
        XCTAssertNil(try store.outboxEntry(b.recordUUID))
        XCTAssertNotNil(try store.inspection(c.recordUUID), "a record no receipt names stays")
        XCTAssertEqual(try store.record(Fixture.inspection(4), deviceID: "D").seq, 4, "deleting never frees a number for reuse")
    }
}
