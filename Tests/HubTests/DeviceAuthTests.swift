import Foundation
import Hub
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import StampCrypto
import StrictJSON
import XCTest

/// Enrolment with one-time tokens, and the signature every later request carries.
final class DeviceAuthTests: XCTestCase, @unchecked Sendable {
    func testEnrolmentWithAOneTimeTokenAndItsReuseRefused() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        let token = try hub.token(for: device.id, region: "MZ-MPM")
        try await hub.test(.router) { client in
            let r = try await client.signed(device, .post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            XCTAssertEqual(r.json?["device_id"]?.stringValue, "console-1")
            XCTAssertEqual(r.json?["region"]?.stringValue, "MZ-MPM")
            XCTAssertEqual(r.json?["receipt_key"]?["keyid"]?.stringValue, hub.signer.keyID)

            // The same token again, even with the same key: refused.
            let again = try await client.signed(device, .post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
            XCTAssertEqual(again.status, .forbidden)
            XCTAssertEqual(again.problemType, "urn:stampwatch:problem:token-refused")
            // Another key with the used token cannot take the device over.
            let thief = TestDevice("console-1")
            let stolen = try await client.signed(thief, .post, "/v1/devices/console-1/enrolment", body: enrolmentBody(thief, token: token))
            XCTAssertEqual(stolen.status, .forbidden)
        }
        let stored = try XCTUnwrap(try hub.store.deviceSync("console-1"))
        XCTAssertEqual(stored.publicKeySPKI, device.key.publicKey.spkiDER, "the first enrolment's key stays")
        XCTAssertEqual(stored.state, .active)
    }

    func testTokensAreBoundToTheirDeviceAndExpire() async throws {
        let hub = try HubFixture()
        let a = TestDevice("dev-a"), b = TestDevice("dev-b")
        let tokenA = try hub.token(for: a.id, ttl: 600)
        _ = try hub.token(for: b.id)
        try await hub.test(.router) { client in
            let wrongDevice = try await client.signed(b, .post, "/v1/devices/dev-b/enrolment", body: enrolmentBody(b, token: tokenA))
            XCTAssertEqual(wrongDevice.status, .forbidden)
            let unknown = try await client.signed(b, .post, "/v1/devices/dev-b/enrolment", body: enrolmentBody(b, token: String(repeating: "ab", count: 32)))
            XCTAssertEqual(unknown.status, .forbidden)
            hub.clock.now += 601
            let late = try await client.signed(a, .post, "/v1/devices/dev-a/enrolment", body: enrolmentBody(a, token: tokenA))
            XCTAssertEqual(late.status, .forbidden)
            XCTAssertTrue(late.json?["detail"]?.stringValue?.contains("expired") ?? false)
        }
    }

    func testEnrolmentMustBeSignedWithTheKeyItEnrols() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1"), other = TestDevice("console-1")
        let token = try hub.token(for: device.id)
        try await hub.test(.router) { client in
            // Signed by `other`, enrolling `device`'s public key: no proof of possession.
            let r = try await client.signed(other, .post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
            XCTAssertEqual(r.status, .unauthorized)
            let unsigned = try await client.send(.post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
            XCTAssertEqual(unsigned.status, .unauthorized)
            // The token was not consumed by the refused attempts.
            try await client.signed(device, .post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
        }
        XCTAssertEqual(try hub.store.deviceSync("console-1")?.state, .active)
    }

    func testSignedRequestAcceptedAndEveryTamperingRefused() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1"), impostor = TestDevice("console-1"), other = TestDevice("console-2")
        try await hub.test(.live) { client in
            try await client.enrol(device)
            try await client.enrol(other)
            let ok = try await client.signed(device, .get, "/v1/devices/console-1/receipt")
            XCTAssertEqual(ok.status, .ok, String(buffer: ok.body))

            // Unsigned.
            let unsigned = try await client.send(.get, "/v1/devices/console-1/receipt")
            XCTAssertEqual(unsigned.status, .unauthorized)
            // Signed by another key under the device's id.
            let bad = try await client.signed(impostor, .get, "/v1/devices/console-1/receipt")
            XCTAssertEqual(bad.status, .unauthorized)
            XCTAssertTrue(bad.json?["detail"]?.stringValue?.contains("does not verify") ?? false)
            // Signed for one path, sent to another.
            var headers = device.headers("GET", "/v1/devices/console-1/receipt?from_seq=5", body: [], created: hub.clock.now)
            let wrongPath = try await client.send(.get, "/v1/devices/console-1/receipt?from_seq=6", headers: headers)
            XCTAssertEqual(wrongPath.status, .unauthorized)
            // Signed for a GET, sent as a POST with the same (empty) body.
            headers = device.headers("GET", "/v1/devices/console-1/records", body: [], created: hub.clock.now)
            let wrongMethod = try await client.send(.post, "/v1/devices/console-1/records", headers: headers, body: [])
            XCTAssertEqual(wrongMethod.status, .unauthorized)
            // Body changed after signing: the digest no longer matches.
            let body = batch([TestRecord(device: "console-1", seq: 1)])
            headers = device.headers("POST", "/v1/devices/console-1/records", body: body, created: hub.clock.now)
            let changed = try await client.send(.post, "/v1/devices/console-1/records", headers: headers, body: batch([TestRecord(device: "console-1", seq: 1)]))
            XCTAssertEqual(changed.status, .unauthorized)
            // Digest recomputed for the new body but the signature kept: the signature fails.
            let newBody = batch([TestRecord(device: "console-1", seq: 1)])
            headers[HTTPField.Name("Content-Digest")!] = RequestSignature.contentDigest(newBody)
            let resigned = try await client.send(.post, "/v1/devices/console-1/records", headers: headers, body: newBody)
            XCTAssertEqual(resigned.status, .unauthorized)
            // A device signing a request for another device's resource.
            let crossed = try await client.signed(other, .get, "/v1/devices/console-1/receipt")
            XCTAssertEqual(crossed.status, .unauthorized)
            // Stale and future timestamps, outside the 300 s window.
            let stale = try await client.signed(device, .get, "/v1/devices/console-1/receipt", created: hub.clock.now - 301)
            XCTAssertEqual(stale.status, .unauthorized)
            XCTAssertTrue(stale.json?["detail"]?.stringValue?.contains("clock") ?? false)
            let future = try await client.signed(device, .get, "/v1/devices/console-1/receipt", created: hub.clock.now + 301)
            XCTAssertEqual(future.status, .unauthorized)
            let edge = try await client.signed(device, .get, "/v1/devices/console-1/receipt", created: hub.clock.now - 299)
            XCTAssertEqual(edge.status, .ok)

            // Replay within the window: the exact same request twice.
            headers = device.headers("GET", "/v1/devices/console-1/receipt", body: [], created: hub.clock.now)
            let first = try await client.send(.get, "/v1/devices/console-1/receipt", headers: headers)
            XCTAssertEqual(first.status, .ok)
            let replay = try await client.send(.get, "/v1/devices/console-1/receipt", headers: headers)
            XCTAssertEqual(replay.status, .unauthorized)
            XCTAssertTrue(replay.json?["detail"]?.stringValue?.contains("replayed") ?? false)
            // Replay after the window: refused as stale even once the nonce is forgotten.
            hub.clock.now += 1000
            let late = try await client.send(.get, "/v1/devices/console-1/receipt", headers: headers)
            XCTAssertEqual(late.status, .unauthorized)
        }
    }

    func testAReplayedUploadStoresNothingTwiceAndIsRefused() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        try await hub.test(.router) { client in
            try await client.enrol(device)
            let body = batch([TestRecord(device: device.id, seq: 1)])
            let headers = device.headers("POST", "/v1/devices/console-1/records", body: body, created: hub.clock.now)
            let first = try await client.send(.post, "/v1/devices/console-1/records", headers: headers, body: body)
            XCTAssertEqual(first.status, .ok)
            let replay = try await client.send(.post, "/v1/devices/console-1/records", headers: headers, body: body)
            XCTAssertEqual(replay.status, .unauthorized)
        }
        XCTAssertEqual(try hub.store.counts()["record"], 1)
        XCTAssertEqual(try hub.store.counts()["receipt"], 1)
    }

    func testRevokedDeviceIsRefusedAndItsRecordsStay() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-1")
        try await hub.test(.router) { client in
            try await client.enrol(device)
            try await assertStatus(await client.upload(device, [TestRecord(device: device.id, seq: 1)]), .ok)
            try hub.store.revoke(deviceID: device.id, reason: "reported stolen", now: hub.clock.now)
            let r = try await client.upload(device, [TestRecord(device: device.id, seq: 2)])
            XCTAssertEqual(r.status, .forbidden)
            XCTAssertEqual(r.problemType, "urn:stampwatch:problem:revoked")
            XCTAssertTrue(r.json?["detail"]?.stringValue?.contains("reported stolen") ?? false)
            let q = try await client.signed(device, .get, "/v1/devices/console-1/receipt")
            XCTAssertEqual(q.status, .forbidden)
        }
        XCTAssertEqual(try hub.store.records(deviceID: "console-1").map(\.seq), [1])
        XCTAssertThrowsError(try hub.token(for: "console-1"), "a revoked id is never enrolled again")
    }

    func testP256DevicesWorkLikeEd25519Ones() async throws {
        let hub = try HubFixture()
        let device = TestDevice("console-p256", .es256)
        try await hub.test(.live) { client in
            try await client.enrol(device)
            let r = try await client.upload(device, [TestRecord(device: device.id, seq: 1)])
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
        }
    }

    func testRolesKeepConsolesAndCaptureClientsApart() async throws {
        let hub = try HubFixture()
        let console = TestDevice("console-1"), partner = TestDevice("factory-erp")
        let doc = try Data(contentsOf: URL(fileURLWithPath: epcisCorpus + "/Documents/ObjectEvent.json"))
        try await hub.test(.router) { client in
            try await client.enrol(console)
            try await client.enrol(partner, role: .capture)
            let c = try await client.signed(console, .post, "/epcis/capture", body: [UInt8](doc))
            XCTAssertEqual(c.status, .forbidden)
            XCTAssertEqual(c.problemType, "urn:stampwatch:problem:wrong-role")
            let u = try await client.upload(partner, [TestRecord(device: partner.id, seq: 1)])
            XCTAssertEqual(u.status, .forbidden)
        }
    }
}
