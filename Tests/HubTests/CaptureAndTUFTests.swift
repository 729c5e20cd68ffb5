import EPCIS
import Foundation
import Hub
import HTTPTypes
import HummingbirdTesting
import StrictJSON
import XCTest

/// EPCIS capture (validated, stored whole or not at all) and the TUF repository as static files.
final class CaptureTests: XCTestCase, @unchecked Sendable {
    func corpus(_ folder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: epcisCorpus + "/\(folder)/\(name)")))
    }

    func testValidCorpusDocumentsAreCapturedAndARepeatIsAcknowledged() async throws {
        let hub = try HubFixture()
        let partner = TestDevice("factory-erp")
        let doc = try corpus("Documents", "ObjectEvent_all_possible_fields.json")
        let second = try corpus("Documents", "AggregationEvent.json")
        guard case .success(let parsed) = EPCISReader.read(doc) else { return XCTFail("corpus document should be valid") }
        try await hub.test(.live) { client in
            try await client.enrol(partner, role: .capture)
            let r = try await client.signed(partner, .post, "/epcis/capture", body: doc, extra: [.contentType: "application/ld+json"])
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            let events = r.json?["events"]?.arrayValue ?? []
            XCTAssertEqual(events.count, parsed.events.count)
            XCTAssertTrue(events.allSatisfy { $0["status"]?.stringValue == "stored" })
            let id = r.json?["capture_id"]?.stringValue
            // The same document again (a retry): acknowledged, nothing new stored.
            let again = try await client.signed(partner, .post, "/epcis/capture", body: doc)
            XCTAssertEqual(again.status, .ok)
            XCTAssertEqual(again.json?["repeated"]?.boolValue, true)
            XCTAssertEqual(again.json?["capture_id"]?.stringValue, id)
            // gzip works for capture too.
            let gz = try await client.signed(partner, .post, "/epcis/capture", body: Gzip.compress(second), extra: [.contentEncoding: "gzip"])
            XCTAssertEqual(gz.status, .created, String(buffer: gz.body))
        }
        let counts = try hub.store.counts()
        XCTAssertEqual(counts["capture"], 2)
        XCTAssertGreaterThanOrEqual(counts["epcis_event"] ?? 0, parsed.events.count + 1)
    }

    func testAnInvalidDocumentIsRejectedWholeWithOneErrorPerProblem() async throws {
        let hub = try HubFixture()
        let partner = TestDevice("factory-erp")
        let bad = try corpus("Invalid", "Combination_of_multiple_invalid_fields.json")
        guard case .failure(let expected) = EPCISReader.read(bad) else { return XCTFail("corpus document should be invalid") }
        XCTAssertGreaterThan(expected.issues.count, 1)
        try await hub.test(.router) { client in
            try await client.enrol(partner, role: .capture)
            let r = try await client.signed(partner, .post, "/epcis/capture", body: bad)
            XCTAssertEqual(r.status, .unprocessableContent)
            XCTAssertEqual(r.headers[.contentType], "application/problem+json")
            let errors = r.json?["errors"]?.arrayValue ?? []
            XCTAssertEqual(errors.count, expected.issues.count)
            XCTAssertEqual(errors.map { $0["error"]?.stringValue ?? "" }, expected.issues.map(\.description))
            XCTAssertEqual(errors.first?["field"]?.stringValue, expected.issues.first?.field)

            let notJSON = try await client.signed(partner, .post, "/epcis/capture", body: Array("{\"type\": ".utf8))
            XCTAssertEqual(notJSON.status, .badRequest)
            XCTAssertEqual(notJSON.json?["errors"]?.arrayValue?.count, 1)
            for name in try FileManager.default.contentsOfDirectory(atPath: epcisCorpus + "/Invalid").sorted() where name.hasSuffix(".json") {
                let r = try await client.signed(partner, .post, "/epcis/capture", body: try self.corpus("Invalid", name))
                XCTAssertTrue([400, 422].contains(r.status.code), "\(name): \(r.status)")
            }
        }
        XCTAssertEqual(try hub.store.counts()["capture"], 0)
        XCTAssertEqual(try hub.store.counts()["epcis_event"], 0)
    }

    func testAnEventIDReusedForOtherContentIsAConflictAndNothingIsStored() async throws {
        let hub = try HubFixture()
        let partner = TestDevice("factory-erp")
        let doc = try corpus("Documents", "ObjectEvent_all_possible_fields.json")
        guard case .success(let parsed) = EPCISReader.read(doc), let eventID = parsed.events.first?.eventID else {
            throw XCTSkip("the corpus document has no eventID")
        }
        // The same document with the first event's time moved: same eventID, other content.
        var text = String(decoding: doc, as: UTF8.self)
        guard let t = parsed.events.first?.eventTime.text, let range = text.range(of: t) else { throw XCTSkip("no eventTime") }
        text.replaceSubrange(range, with: "2001-01-01T00:00:00.000Z")
        let altered = Array(text.utf8)
        try await hub.test(.router) { client in
            try await client.enrol(partner, role: .capture)
            try await assertStatus(await client.signed(partner, .post, "/epcis/capture", body: doc), .created)
            let r = try await client.signed(partner, .post, "/epcis/capture", body: altered)
            XCTAssertEqual(r.status, .conflict, String(buffer: r.body))
            XCTAssertTrue(r.json?["detail"]?.stringValue?.contains(eventID) ?? false)
        }
        XCTAssertEqual(try hub.store.counts()["capture"], 1)
    }
}

final class TUFServingTests: XCTestCase, @unchecked Sendable {
    func repository(_ scratch: Scratch) throws -> String {
        let repo = scratch.file("repo")
        try FileManager.default.createDirectory(atPath: repo + "/metadata", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo + "/targets/cache/MZ", withIntermediateDirectories: true)
        try Data("{\"signed\":{}}".utf8).write(to: URL(fileURLWithPath: repo + "/metadata/timestamp.json"))
        try Data((0..<1000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: repo + "/targets/cache/MZ/snapshot.sqlite"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: scratch.file("outside.txt")))
        return repo
    }

    func testMetadataIsPublicAndTargetsNeedAnEnrolledConsole() async throws {
        let scratch = Scratch()
        let hub = try HubFixture(options: HubOptions(tufRepository: try repository(scratch)))
        let device = TestDevice("console-1"), partner = TestDevice("factory-erp")
        try await hub.test(.live) { client in
            let meta = try await client.send(.get, "/tuf/metadata/timestamp.json")
            XCTAssertEqual(meta.status, .ok)
            XCTAssertEqual(String(buffer: meta.body), "{\"signed\":{}}")
            try await assertStatus(await client.send(.get, "/tuf/metadata/nothing.json"), .notFound)
            try await assertStatus(await client.send(.get, "/tuf/metadata/..json"), .notFound)

            let target = "/tuf/targets/cache/MZ/snapshot.sqlite"
            try await assertStatus(await client.send(.get, target), .unauthorized)
            try await client.enrol(device)
            try await client.enrol(partner, role: .capture)
            let whole = try await client.signed(device, .get, target)
            XCTAssertEqual(whole.status, .ok)
            XCTAssertEqual(whole.bytes, (0..<1000).map { UInt8($0 % 251) })
            XCTAssertEqual(whole.headers[.acceptRanges], "bytes")
            try await assertStatus(await client.signed(partner, .get, target), .forbidden)

            // Resuming an interrupted download.
            let tail = try await client.signed(device, .get, target, extra: [.range: "bytes=900-"])
            XCTAssertEqual(tail.status, .partialContent)
            XCTAssertEqual(tail.bytes, (900..<1000).map { UInt8($0 % 251) })
            XCTAssertEqual(tail.headers[.contentRange], "bytes 900-999/1000")
            let middle = try await client.signed(device, .get, target, extra: [.range: "bytes=10-19"])
            XCTAssertEqual(middle.bytes, (10..<20).map { UInt8($0 % 251) })
            let suffix = try await client.signed(device, .get, target, extra: [.range: "bytes=-5"])
            XCTAssertEqual(suffix.bytes, (995..<1000).map { UInt8($0 % 251) })
            let beyond = try await client.signed(device, .get, target, extra: [.range: "bytes=1000-"])
            XCTAssertEqual(beyond.status, .rangeNotSatisfiable)
            XCTAssertEqual(beyond.headers[.contentRange], "bytes */1000")

            // No way out of the repository.
            for path in ["/tuf/targets/../outside.txt", "/tuf/targets/%2e%2e/outside.txt", "/tuf/targets/cache/.hidden", "/tuf/targets/cache/MZ"] {
                let r = try await client.signed(device, .get, path)
                XCTAssertTrue([400, 404].contains(r.status.code), "\(path): \(r.status)")
                XCTAssertNotEqual(String(buffer: r.body), "secret")
            }
        }
    }

    func testPublicTargetsWhenAskedForAndNoRepositoryAt404() async throws {
        let scratch = Scratch()
        let open = try HubFixture(options: HubOptions(tufRepository: try repository(scratch), publicTUFTargets: true))
        try await open.test(.router) { client in
            try await assertStatus(await client.send(.get, "/tuf/targets/cache/MZ/snapshot.sqlite"), .ok)
        }
        let none = try HubFixture()
        try await none.test(.router) { client in
            try await assertStatus(await client.send(.get, "/tuf/metadata/root.json"), .notFound)
        }
    }

    func testHealthReportsTheReceiptKey() async throws {
        let hub = try HubFixture()
        try await hub.test(.live) { client in
            let r = try await client.send(.get, "/health")
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.json?["status"]?.stringValue, "ok")
            XCTAssertEqual(r.json?["receipt_key"]?["keyid"]?.stringValue, hub.signer.keyID)
            try await assertStatus(await client.client.executeRequest(uri: "/nothing-here", method: .get, headers: [:], body: nil), .notFound)
        }
    }
}
