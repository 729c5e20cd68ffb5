import Foundation
import GRDB
@testable import Hub
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import StampCrypto
import StrictJSON
import XCTest

/// Exactly-once storage of uploaded records, byte for byte, with per-record status in a signed receipt.
final class UploadTests: XCTestCase, @unchecked Sendable {
    func receipt(_ r: TestResponse, _ hub: HubFixture, file: StaticString = #filePath, line: UInt = #line) throws -> ReceiptBody {
        do { return try ReceiptVerifier.verify(r.bytes, hubKey: hub.signer.key.publicKey) } catch {
            XCTFail("\(error): \(String(buffer: r.body))", file: file, line: line)
            throw error
        }
    }

    func testResendIsAcknowledgedNotDuplicatedAndBytesAreKeptExactly() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let records = (1...3).map { TestRecord(device: device.id, seq: $0, notes: "ação \($0) ✓") }
        try await hub.test(.live) { client in
            try await client.enrol(device)
            let first = try self.receipt(try await client.upload(device, records), hub)
            XCTAssertEqual(first.records.map(\.status), [.stored, .stored, .stored])
            XCTAssertEqual(first.records.map(\.recordUUID), records.map(\.uuid))
            XCTAssertEqual(first.highestContiguousSeq, 3)
            XCTAssertEqual(first.kind, .upload)

            // The answer was lost: the device sends the same batch again.
            let r = try await client.upload(device, records)
            XCTAssertEqual(r.status, .ok)
            let again = try self.receipt(r, hub)
            XCTAssertEqual(again.records.map(\.status), [.duplicate, .duplicate, .duplicate])
            XCTAssertTrue(again.records.allSatisfy { $0.status.isAcknowledged })
            XCTAssertEqual(again.records.map(\.sha256), first.records.map(\.sha256))
            XCTAssertNotEqual(again.receiptID, first.receiptID)
        }
        let stored = try hub.store.records(deviceID: device.id)
        XCTAssertEqual(stored.count, 3)
        XCTAssertEqual(stored.map(\.payload), records.map(\.payload), "stored byte-identical to what the device sent")
        XCTAssertEqual(try hub.store.counts()["receipt"], 2)
    }

    func testSameUUIDWithDifferentContentIsRefusedWith409AndTheFirstVersionStays() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let original = TestRecord(device: device.id, seq: 1, notes: "original")
        var alteredRecord = original
        alteredRecord.payload = inspectionPayload(uuid: original.uuid, device: device.id, seq: 1, notes: "altered")
        let altered = alteredRecord
        let next = TestRecord(device: device.id, seq: 2)
        try await hub.test(.router) { client in
            try await client.enrol(device)
            try await assertStatus(await client.upload(device, [original]), .ok)
            let r = try await client.upload(device, [altered, next])
            XCTAssertEqual(r.status, .conflict)
            let receipt = try self.receipt(r, hub)
            XCTAssertEqual(receipt.records.map(\.status), [.conflict, .stored], "the rest of the batch is stored")
            XCTAssertNotNil(receipt.records[0].error)
            XCTAssertNil(receipt.records[0].sha256)
            XCTAssertEqual(receipt.highestContiguousSeq, 2)
        }
        XCTAssertEqual(try hub.store.records(deviceID: device.id).first?.payload, original.payload)
        XCTAssertEqual(try hub.store.counts()["refused_record"], 1, "the refused version is kept as evidence, not as the record")
    }

    func testASequenceNumberHoldsOneRecordOnly() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1"), other = TestDevice("console-2")
        let first = TestRecord(device: device.id, seq: 1)
        let sameSeq = TestRecord(device: device.id, seq: 1)  // new UUID, same (device, seq)
        try await hub.test(.router) { client in
            try await client.enrol(device)
            try await client.enrol(other)
            try await assertStatus(await client.upload(device, [first]), .ok)
            let r = try await client.upload(device, [sameSeq])
            XCTAssertEqual(r.status, .conflict)
            XCTAssertTrue(try self.receipt(r, hub).records[0].error?.contains("seq 1") ?? false)
            // Another device may use seq 1; it may not reuse a UUID the hub holds for someone else.
            var stolen = TestRecord(device: other.id, seq: 1)
            stolen.uuid = first.uuid
            stolen.payload = inspectionPayload(uuid: first.uuid, device: other.id, seq: 1)
            let c = try await client.upload(other, [stolen, TestRecord(device: other.id, seq: 2)])
            XCTAssertEqual(c.status, .conflict)
            XCTAssertEqual(try self.receipt(c, hub).records.map(\.status), [.conflict, .stored])
            XCTAssertEqual(try self.receipt(c, hub).highestContiguousSeq, 0, "seq 1 of console-2 is still missing")
        }
        XCTAssertEqual(try hub.store.records().count, 2)
    }

    func testGapsHoldBackTheHighestContiguousSequenceNumber() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let r = (1...6).map { TestRecord(device: device.id, seq: $0) }
        try await hub.test(.router) { client in
            try await client.enrol(device)
            var receipt = try self.receipt(try await client.upload(device, [r[0], r[1], r[3], r[5]]), hub)
            XCTAssertEqual(receipt.highestContiguousSeq, 2)
            XCTAssertEqual(receipt.highestSeq, 6)
            receipt = try self.receipt(try await client.upload(device, [r[2]]), hub)
            XCTAssertEqual(receipt.highestContiguousSeq, 4)
            receipt = try self.receipt(try await client.upload(device, [r[4]]), hub)
            XCTAssertEqual(receipt.highestContiguousSeq, 6)

            // The receipt query: what is held from seq 3 on, with hashes.
            let q = try await client.signed(device, .get, "/v1/devices/console-1/receipt?from_seq=3&limit=2")
            XCTAssertEqual(q.status, .ok)
            let status = try self.receipt(q, hub)
            XCTAssertEqual(status.kind, .status)
            XCTAssertEqual(status.records.map(\.seq), [3, 4])
            XCTAssertEqual(status.records.map(\.recordUUID), [r[2].uuid, r[3].uuid])
            XCTAssertEqual(status.records[0].sha256, Hex.encode(SHA256.hash(r[2].payload)))
            XCTAssertEqual(status.highestContiguousSeq, 6)
            let bad = try await client.signed(device, .get, "/v1/devices/console-1/receipt?limit=0")
            XCTAssertEqual(bad.status, .badRequest)
        }
        XCTAssertEqual(try hub.store.deviceSync(device.id)?.contiguousSeq, 6)
    }

    func testInvalidRecordsAreRefusedOneByOneAndMalformedBatchesWhole() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        try await hub.test(.router) { client in
            try await client.enrol(device)
            var wrongDevice = TestRecord(device: device.id, seq: 2)
            wrongDevice.payload = inspectionPayload(uuid: wrongDevice.uuid, device: "someone-else", seq: 2)
            let body = UploadBatch.encode([
                (TestRecord(device: device.id, seq: 1).uuid, 1, "inspection", TestRecord(device: device.id, seq: 1).payload),
                (wrongDevice.uuid, 2, "inspection", wrongDevice.payload),
                ("not-a-uuid", 3, "inspection", [0x7B, 0x7D]),
            ])
            let r = try await client.signed(device, .post, "/v1/devices/console-1/records", body: body)
            XCTAssertEqual(r.status, .unprocessableContent)
            let receipt = try self.receipt(r, hub)
            XCTAssertEqual(receipt.records.map(\.status), [.invalid, .invalid, .invalid], "record 0's payload names another uuid")
            XCTAssertTrue(receipt.records[1].error?.contains("device_id") ?? false)
            XCTAssertEqual(receipt.records[2].recordUUID, "not-a-uuid")

            for bad in ["not json", "{\"records\": []}", "{\"records\": 5}", "[]"] {
                let m = try await client.signed(device, .post, "/v1/devices/console-1/records", body: Array(bad.utf8))
                XCTAssertEqual(m.status, .badRequest, bad)
                XCTAssertEqual(m.headers[.contentType], "application/problem+json")
            }
            let tooMany = batch((1...1001).map { TestRecord(device: device.id, seq: Int64($0)) })
            try await assertStatus(await client.signed(device, .post, "/v1/devices/console-1/records", body: tooMany), .badRequest)
        }
        XCTAssertEqual(try hub.store.counts()["record"], 0)
    }

    func testGzipCompressedUploadsAndUnsupportedEncodings() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let records = (1...50).map { TestRecord(device: device.id, seq: $0, notes: String(repeating: "sealed carton ", count: 20)) }
        let plain = batch(records)
        let gz = Gzip.compress(plain)
        XCTAssertLessThan(gz.count, plain.count / 4)
        try await hub.test(.live) { client in
            try await client.enrol(device)
            let r = try await client.signed(device, .post, "/v1/devices/console-1/records", body: gz, extra: [.contentEncoding: "gzip"])
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            let receipt = try self.receipt(r, hub)
            XCTAssertEqual(receipt.highestContiguousSeq, 50)
            XCTAssertEqual(receipt.requestSHA256, Hex.encode(SHA256.hash(gz)), "the receipt names the body as sent")

            let br = try await client.signed(device, .post, "/v1/devices/console-1/records", body: plain, extra: [.contentEncoding: "br"])
            XCTAssertEqual(br.status, .unsupportedMediaType)
            let corrupt = try await client.signed(device, .post, "/v1/devices/console-1/records", body: Array(gz.prefix(gz.count / 2)),
                                                  extra: [.contentEncoding: "gzip"])
            XCTAssertEqual(corrupt.status, .badRequest)
            // A small body that inflates past the limit is refused, not inflated.
            let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 65 << 20))
            let b = try await client.signed(device, .post, "/v1/devices/console-1/records", body: bomb, extra: [.contentEncoding: "gzip"])
            XCTAssertEqual(b.status, .contentTooLarge)
        }
        XCTAssertEqual(try hub.store.records(deviceID: device.id).map(\.payload), records.map(\.payload))
    }

    func testConcurrentResendsStoreEachRecordOnce() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let records = (1...20).map { TestRecord(device: device.id, seq: $0) }
        try await hub.test(.router) { client in try await client.enrol(device) }
        try await hub.test(.ahc(.http)) { client in
            let statuses = try await withThrowingTaskGroup(of: [RecordStatus].self) { group in
                for _ in 0..<6 {
                    group.addTask { try self.receipt(try await client.upload(device, records), hub).records.map(\.status) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses.count, 6)
            XCTAssertTrue(statuses.allSatisfy { $0.allSatisfy(\.isAcknowledged) }, "every answer acknowledges every record")
            XCTAssertEqual(statuses.flatMap { $0 }.filter { $0 == .stored }.count, 20, "each record stored by exactly one request")
        }
        XCTAssertEqual(try hub.store.records().count, 20)
    }

    func testStoredRecordsCannotBeChangedOrDeletedEvenBySQL() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        try await hub.test(.router) { client in
            try await client.enrol(device)
            try await assertStatus(await client.upload(device, [TestRecord(device: device.id, seq: 1)]), .ok)
        }
        func execute(_ sql: String) throws { try hub.store.pool.write { try $0.execute(sql: sql) } }
        XCTAssertThrowsError(try execute("UPDATE record SET payload = x'00'"))
        XCTAssertThrowsError(try execute("DELETE FROM record"))
        XCTAssertThrowsError(try execute("""
            INSERT INTO record SELECT lower(hex(randomblob(16))), device_id, seq, kind, payload, sha256, received_at, receipt_id FROM record
            """), "(device, seq) is unique in the schema too")
        XCTAssertEqual(try hub.store.records().count, 1)
    }

    func testTheExactlyOnceRuleAsAFunction() {
        let r = IncomingRecord(recordUUID: "u1", deviceID: "d", seq: 3, kind: "inspection", payload: [1, 2, 3])
        let same = ExactlyOnce.Stored(recordUUID: "u1", deviceID: "d", seq: 3, sha256: r.sha256)
        XCTAssertEqual(ExactlyOnce.decide(r, byUUID: nil, bySeq: nil), .store)
        XCTAssertEqual(ExactlyOnce.decide(r, byUUID: same, bySeq: same), .duplicate)
        var other = same
        other.sha256 = "00"
        guard case .conflict = ExactlyOnce.decide(r, byUUID: other, bySeq: other) else { return XCTFail("different content") }
        other = same
        other.seq = 4
        guard case .conflict = ExactlyOnce.decide(r, byUUID: other, bySeq: nil) else { return XCTFail("different seq") }
        other = same
        other.deviceID = "e"
        guard case .conflict = ExactlyOnce.decide(r, byUUID: other, bySeq: nil) else { return XCTFail("different device") }
        guard case .conflict = ExactlyOnce.decide(r, byUUID: nil, bySeq: ExactlyOnce.Stored(recordUUID: "u2", deviceID: "d", seq: 3, sha256: r.sha256)) else {
            return XCTFail("seq taken by another record")
        }
        XCTAssertEqual(ExactlyOnce.highestContiguous(from: 0) { [1, 2, 3, 5].contains($0) }, 3)
        XCTAssertEqual(ExactlyOnce.highestContiguous(from: 5) { _ in false }, 5)
        XCTAssertEqual(ExactlyOnce.httpStatus([ReceiptEntry(recordUUID: "a", seq: 1, status: .stored),
                                               ReceiptEntry(recordUUID: "b", seq: 2, status: .invalid)]), 422)
    }
}
