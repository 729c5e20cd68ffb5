import DeviceAuth
@testable import FieldStore
import Foundation
@testable import Hub
import StampCrypto
import StrictJSON
import XCTest
@testable import Sync

/// The pure core: batch planning, backoff, receipt checks, the config file.
final class BatchPlannerTests: XCTestCase {
    func entry(_ seq: Int64, payload: Int) -> OutboxEntry {
        OutboxEntry(recordUUID: UUID(), deviceID: "d", seq: seq, kind: "inspection", payload: [UInt8](repeating: 0x61, count: payload),
                    state: .pending, attempts: 0, nextAttemptAt: 0, lastError: nil)
    }

    func testItemSizeIsExactlyWhatTheEncoderWrites() {
        for (seq, size) in [(Int64(1), 1), (9, 2), (10, 3), (12345, 400), (9_999_999_999, 65_536)] {
            let e = entry(seq, payload: size)
            let one = BatchPlanner.encode([e], compress: false)
            XCTAssertEqual(one.jsonBytes, UploadBody.envelopeSize(count: 1) + BatchPlanner.itemSize(e), "seq \(seq), payload \(size)")
            let three = BatchPlanner.encode([e, entry(seq + 1, payload: size), entry(seq + 2, payload: 1)], compress: false)
            XCTAssertEqual(three.jsonBytes, UploadBody.envelopeSize(count: 3) + BatchPlanner.itemSize(e)
                           + BatchPlanner.itemSize(entry(seq + 1, payload: size)) + BatchPlanner.itemSize(entry(seq + 2, payload: 1)))
        }
    }

    func testBatchesRespectRecordAndByteLimitsAndKeepOrder() {
        let entries = (1...1000).map { entry(Int64($0), payload: 300 + $0 % 97) }
        for limits in [BatchLimits(maxRecords: 7, maxBytes: 1 << 30), BatchLimits(maxRecords: 1000, maxBytes: 10_000),
                       BatchLimits(maxRecords: 50, maxBytes: 20_000), BatchLimits(maxRecords: 1, maxBytes: 1)] {
            let batches = BatchPlanner.split(entries, limits: limits)
            XCTAssertEqual(batches.flatMap { $0 }.map(\.seq), entries.map(\.seq), "every record once, in order")
            for b in batches {
                XCTAssertLessThanOrEqual(b.count, limits.maxRecords)
                let encoded = BatchPlanner.encode(b, compress: false)
                XCTAssertTrue(encoded.jsonBytes <= limits.maxBytes || b.count == 1, "\(encoded.jsonBytes) > \(limits.maxBytes)")
            }
            // Greedy: adding the next record to any batch would break a limit.
            for (i, b) in batches.enumerated().dropLast() {
                let next = batches[i + 1][0]
                let bigger = BatchPlanner.encode(b + [next], compress: false)
                XCTAssertTrue(b.count + 1 > limits.maxRecords || bigger.jsonBytes > limits.maxBytes)
            }
        }
    }

    func testARecordLargerThanTheByteLimitGoesAlone() {
        let batches = BatchPlanner.split([entry(1, payload: 10), entry(2, payload: 5000), entry(3, payload: 10)],
                                         limits: BatchLimits(maxRecords: 100, maxBytes: 1000))
        XCTAssertEqual(batches.map { $0.map(\.seq) }, [[1], [2], [3]])
    }

    func testCompressionIsGzipTheHubDecodesAndHashesTheWireBytes() throws {
        let entries = (1...100).map { entry(Int64($0), payload: 400) }
        let plain = BatchPlanner.encode(entries, compress: false)
        let packed = BatchPlanner.encode(entries, compress: true)
        XCTAssertFalse(plain.gzip)
        XCTAssertTrue(packed.gzip)
        XCTAssertLessThan(packed.body.count, plain.body.count / 4)
        XCTAssertEqual(try Gzip.decompress(packed.body, limit: 1 << 24), plain.body)
        XCTAssertEqual(packed.bodySHA256, Hex.encode(SHA256.hash(packed.body)))
        // What the hub parses back is exactly the stored payloads.
        let parsed = try UploadBatch.parse(plain.body, deviceID: "d")
        XCTAssertEqual(parsed.count, 100)
        // A tiny body is not compressed (gzip would make it bigger).
        XCTAssertFalse(BatchPlanner.encode([entry(1, payload: 1)], compress: true).gzip)
    }
}

final class BackoffTests: XCTestCase {
    let policy = BackoffPolicy(baseDelay: 2, maxDelay: 300, maxRetryAfter: 3600)

    func testEnvelopeDoublesWithJitterAndIsCapped() {
        for seed in [UInt64(0), 1, 42, .max] {
            for attempt in 1...20 {
                let cap = min(300, 2 * pow(2, Double(attempt - 1)))
                let d = Backoff.delay(attempt: attempt, seed: seed, retryAfter: nil, now: 0, policy: policy)
                XCTAssertGreaterThanOrEqual(d, cap / 2, "attempt \(attempt)")
                XCTAssertLessThanOrEqual(d, cap, "attempt \(attempt)")
            }
        }
    }

    func testJitterIsDeterministicPerSeedAndSpreadsDevices() {
        let a = (1...10).map { Backoff.delay(attempt: $0, seed: 7, retryAfter: nil, now: 0, policy: policy) }
        XCTAssertEqual(a, (1...10).map { Backoff.delay(attempt: $0, seed: 7, retryAfter: nil, now: 0, policy: policy) })
        let devices = (0..<200).map { Backoff.delay(attempt: 6, seed: Backoff.seed(for: "console-\($0)"), retryAfter: nil, now: 0, policy: policy) }
        var perSecond: [Int: Int] = [:]
        for d in devices { perSecond[Int(d), default: 0] += 1 }
        XCTAssertGreaterThanOrEqual(perSecond.count, 28, "200 devices spread over the 32 s window")
        XCTAssertLessThanOrEqual(perSecond.values.max() ?? 0, 20, "no second gets a crowd")
        let mean = devices.reduce(0, +) / Double(devices.count)
        XCTAssertEqual(mean, 48, accuracy: 4, "uniform over [32, 64]")
    }

    func testRetryAfterIsHonouredAsDelayOrDateAndCapped() {
        let now = 1_767_225_600.0
        XCTAssertEqual(Backoff.delay(attempt: 1, seed: 1, retryAfter: "120", now: now, policy: policy), 120)
        XCTAssertEqual(Backoff.delay(attempt: 1, seed: 1, retryAfter: "Thu, 01 Jan 2026 00:10:00 GMT", now: now, policy: policy), 600)
        XCTAssertEqual(Backoff.delay(attempt: 1, seed: 1, retryAfter: "999999", now: now, policy: policy), 3600, "capped")
        let own = Backoff.delay(attempt: 9, seed: 1, retryAfter: nil, now: now, policy: policy)
        XCTAssertEqual(Backoff.delay(attempt: 9, seed: 1, retryAfter: "1", now: now, policy: policy), own, "never sooner than our own backoff")
        XCTAssertEqual(Backoff.delay(attempt: 1, seed: 1, retryAfter: "soon", now: now, policy: policy),
                       Backoff.delay(attempt: 1, seed: 1, retryAfter: nil, now: now, policy: policy), "a malformed header is ignored")
        XCTAssertEqual(Backoff.retryAfterSeconds("Wed, 31 Dec 2025 00:00:00 GMT", now: now), 0, "a date in the past: now")
    }
}

final class ReceiptCheckTests: XCTestCase {
    let signer = ReceiptSigner(key: try! SigningKey.generate(.eddsa))

    func entry(_ seq: Int64) -> OutboxEntry {
        let uuid = UUID()
        return OutboxEntry(recordUUID: uuid, deviceID: "d1", seq: seq, kind: "inspection", payload: Array("{\"seq\":\(seq)}".utf8),
                           state: .inFlight, attempts: 1, nextAttemptAt: 0, lastError: nil)
    }

    func receipt(_ entries: [ReceiptEntry], kind: ReceiptBody.Kind = .upload, device: String = "d1", request: String? = "abc",
                 signer: ReceiptSigner? = nil) -> [UInt8] {
        try! (signer ?? self.signer).sign(ReceiptBody(kind: kind, receiptID: "r1", deviceID: device, issuedAt: t0,
                                                      requestSHA256: kind == .upload ? request : nil, records: entries,
                                                      highestContiguousSeq: 3, highestSeq: 3))
    }

    func stored(_ e: OutboxEntry, _ status: RecordStatus = .stored, sha: String? = nil, seq: Int64? = nil) -> ReceiptEntry {
        ReceiptEntry(recordUUID: e.recordUUID.uuidString.lowercased(), seq: seq ?? e.seq, status: status,
                     sha256: sha ?? Hex.encode(SHA256.hash(e.payload)))
    }

    func testOnlyRecordsNamedWithTheirOwnSeqAndHashAreAcknowledged() throws {
        let es = (1...6).map { entry(Int64($0)) }
        let bytes = receipt([stored(es[0]), stored(es[1], .duplicate), stored(es[2], sha: String(repeating: "0", count: 64)),
                             stored(es[3], seq: 99),
                             ReceiptEntry(recordUUID: es[4].recordUUID.uuidString.lowercased(), seq: 5, status: .conflict,
                                          error: "seq 5 of device d1 already holds record X")])
        let o = try ReceiptCheck.check(bytes, hubKey: signer.key.publicKey, deviceID: "d1", expecting: .upload(requestSHA256: "abc"), entries: es)
        XCTAssertEqual(o.acknowledged, [es[0].recordUUID, es[1].recordUUID])
        XCTAssertEqual(o.refused.map(\.recordUUID), [es[2].recordUUID, es[3].recordUUID, es[4].recordUUID])
        XCTAssertTrue(o.refused[2].reason.contains("already holds record X"), o.refused[2].reason)
        XCTAssertTrue(o.refused[0].reason.contains("other content"))
        XCTAssertEqual(o.unanswered, [es[5].recordUUID])
        XCTAssertEqual(o.raw, bytes)
    }

    func testForgedWrongDeviceAndWrongRequestReceiptsAreRejectedWhole() {
        let es = [entry(1)]
        let forger = ReceiptSigner(key: try! SigningKey.generate(.eddsa))
        let cases: [([UInt8], ReceiptCheck.Expectation, String)] = [
            (receipt([stored(es[0])], signer: forger), .upload(requestSHA256: "abc"), "does not verify"),
            (receipt([stored(es[0])], device: "d2"), .upload(requestSHA256: "abc"), "device d2"),
            (receipt([stored(es[0])], request: "other"), .upload(requestSHA256: "abc"), "another request"),
            (receipt([stored(es[0])], kind: .status), .upload(requestSHA256: "abc"), "another request"),
            (receipt([stored(es[0])]), .status, "status receipt"),
            (Array("not json".utf8), .status, "does not verify"),
        ]
        for (bytes, expectation, words) in cases {
            XCTAssertThrowsError(try ReceiptCheck.check(bytes, hubKey: signer.key.publicKey, deviceID: "d1", expecting: expectation, entries: es)) {
                XCTAssertTrue(($0 as! ReceiptRejection).message.contains(words), "\($0)")
            }
        }
        // A receipt whose signed part was edited after signing.
        var tampered = String(decoding: receipt([stored(es[0], .conflict)]), as: UTF8.self)
        tampered = tampered.replacingOccurrences(of: "\"conflict\"", with: "\"stored\"")
        XCTAssertThrowsError(try ReceiptCheck.check(Array(tampered.utf8), hubKey: signer.key.publicKey, deviceID: "d1",
                                                    expecting: .upload(requestSHA256: "abc"), entries: es))
    }

    func testHubKeyFileRoundTripAndRefusals() throws {
        let key = try HubReceiptKey.parse(signer.publicKeyJSON.serializedBytes(sortedKeys: true))
        XCTAssertEqual(key.spkiDER, signer.key.publicKey.spkiDER)
        var wrongID = signer.publicKeyJSON
        wrongID = ["keyid": .string(String(repeating: "a", count: 64)), "keytype": "ed25519", "scheme": "ed25519",
                   "keyval": wrongID["keyval"]!]
        XCTAssertThrowsError(try HubReceiptKey.parse(wrongID.serializedBytes()))
        XCTAssertThrowsError(try HubReceiptKey.parse(Array("{}".utf8)))
    }
}

final class ConfigFileTests: XCTestCase {
    func testSyncSectionIsReadAndOtherSectionsSkipped() throws {
        let text = """
        # console settings
        [console]
        theme = "dark"   # not ours
        [sync]
        hub = "https://hub.example"  # the API root
        pin = 'sha256//AAAA#notacomment='
        batch_size = 50
        batch_bytes = 32_768
        interval = 30.5
        compress = false
        backoff_base = 1
        [other]
        batch_size = "ignored"
        """
        let o = try SyncConfigFile.parse(text)
        XCTAssertEqual(o.hubURL, "https://hub.example")
        XCTAssertEqual(o.pin, "sha256//AAAA#notacomment=")
        XCTAssertEqual(o.batchRecords, 50)
        XCTAssertEqual(o.batchBytes, 32_768)
        XCTAssertEqual(o.interval, 30.5)
        XCTAssertEqual(o.compress, false)
        var s = SyncSettings()
        s.apply(o)
        var flags = SyncSettingsOverlay()
        flags.batchRecords = 5
        s.apply(flags)
        XCTAssertEqual(s.limits, BatchLimits(maxRecords: 5, maxBytes: 32_768, compress: false), "flags override the file")
        XCTAssertEqual(s.backoff.baseDelay, 1)
    }

    func testErrorsNameTheLineAndWhatIsExpected() {
        let bad: [(String, Int, String)] = [
            ("[sync]\nbatch_size = 0", 2, "integer 1-1000"),
            ("[sync]\n\nhub = https://x", 3, "not a TOML"),
            ("[sync]\ncolour = 1", 2, "unknown key"),
            ("[sync]\ninterval = \"soon\"", 2, "seconds"),
            ("[sync]\nhub = \"a\"\nhub = \"b\"", 3, "twice"),
            ("[sync\nhub = \"a\"", 1, "section header"),
            ("[sync]\ncompress = yes", 2, "not a TOML"),
        ]
        for (text, line, words) in bad {
            XCTAssertThrowsError(try SyncConfigFile.parse(text), text) {
                let f = $0 as! SyncConfigFile.Failure
                XCTAssertEqual(f.line, line, text)
                XCTAssertTrue(f.description.contains(words), "\(f)")
            }
        }
    }
}

final class HubReceiptCompressionTests: XCTestCase {
    func testAcceptEncodingIsReadAsRFC9110Says() {
        XCTAssertTrue(HubServer.acceptsGzip("gzip"))
        XCTAssertTrue(HubServer.acceptsGzip("deflate, gzip;q=0.5, br"))
        XCTAssertTrue(HubServer.acceptsGzip("*"))
        XCTAssertTrue(HubServer.acceptsGzip("X-GZIP"))
        XCTAssertFalse(HubServer.acceptsGzip(nil))
        XCTAssertFalse(HubServer.acceptsGzip("identity"))
        XCTAssertFalse(HubServer.acceptsGzip("gzip;q=0"))
        XCTAssertFalse(HubServer.acceptsGzip("br, deflate"))
    }
}
