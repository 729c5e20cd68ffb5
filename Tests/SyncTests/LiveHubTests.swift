import DeviceAuth
import FieldStore
import Foundation
import HTTP
import StampCrypto
import StrictJSON
import Sync
import XCTest

/// `stampwatch device` and `stampwatch sync` as subprocesses against a real `stampwatch-hub serve` on loopback.
final class LiveHubTests: XCTestCase {
    func json(_ r: Ran, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        let last = r.out.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try? JSONParser.parse(Array(last.utf8)), "not JSON: \(r.out) \(r.err)", file: file, line: line)
    }

    func assertSameRecords(_ world: LiveWorld, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let device = try world.deviceRows(), hub = try world.hubRows()
        XCTAssertEqual(device.count, count, file: file, line: line)
        XCTAssertEqual(hub.map(\.seq), Array(1...Int64(count)), "no gaps, no duplicates", file: file, line: line)
        XCTAssertEqual(hub.map(\.uuid), device.map(\.uuid), file: file, line: line)
        XCTAssertTrue(zip(hub, device).allSatisfy { $0.payload == $1.payload }, "byte-identical payloads", file: file, line: line)
        XCTAssertEqual(device.filter { $0.state != "acknowledged" }.count, 0, "nothing unacknowledged on the device", file: file, line: line)
    }

    func testEnrolUpdateAndSyncDeliverEveryRecordByteIdentical() throws {
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        let status = try world.console(["device", "status", "--json"])
        XCTAssertEqual(status.status, 0, status.err)
        let s = try json(status)
        XCTAssertEqual(s["identity"]?["device_id"]?.stringValue, "console-1")
        XCTAssertNotNil(s["hub_receipt_key"]?.stringValue, "the receipt key came with the signed cache")
        let keyMode = try FileManager.default.attributesOfItem(atPath: world.scratch.file("device/device/device-key.pem"))[.posixPermissions] as? Int
        XCTAssertEqual(keyMode, 0o600)

        try world.record(450)
        let r = try world.console(["sync", "--once", "--json", "--batch-size", "100"])
        XCTAssertEqual(r.status, 0, r.err)
        let j = try json(r)
        XCTAssertEqual(j["acknowledged"]?.integerValue, 450)
        XCTAssertEqual(j["pending"]?.integerValue, 0)
        XCTAssertEqual(j["run"]?["batches"]?.integerValue, 5)
        XCTAssertEqual(j["run"]?["cache_refresh_ok"], .bool(true))
        XCTAssertLessThan(j["run"]!["bytes_sent"]!.integerValue!, j["run"]!["json_bytes"]!.integerValue! / 3, "gzip on the wire")
        try assertSameRecords(world, count: 450)
        XCTAssertEqual(try world.hubCount("refused_record"), 0)
        // Receipts travel gzip-compressed when the console accepts it (libcurl decodes them), and verify as sent.
        let identity = try XCTUnwrap(try DeviceIdentity.load(SyncPaths(store: world.store)))
        let url = world.hubURL + "/v1/devices/console-1/receipt?from_seq=1&limit=450"
        var options = TransferOptions()
        options.allowInsecureLoopback = true
        let receipt = try HTTPClient().send(HTTPRequest(url: url, headers: try DeviceRequestSigner(deviceID: "console-1", key: identity.key).headers(forGet: url),
                                                        options: options))
        XCTAssertEqual(receipt.status, 200)
        XCTAssertEqual(receipt.headers["Content-Encoding"], "gzip")
        let hubKey = try XCTUnwrap(try HubReceiptKey.load(SyncPaths(store: world.store)))
        XCTAssertEqual(try ReceiptVerifier.verify(receipt.body, hubKey: hubKey).records.count, 450)
        // Plain lines without a terminal.
        try world.record(3)
        let text = try world.console(["sync", "--once"])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.err.contains("3 acknowledged"), text.err)
    }

    func testEnrolmentErrorsSayWhatIsWrong() throws {
        let world = try LiveWorld()
        try world.startHub()
        let token = try world.token()
        XCTAssertEqual(try world.console(["device", "enrol", "--hub", world.hubURL, "--token", token, "--allow-insecure-loopback"]).status, 0)

        let again = try world.console(["device", "enrol", "--hub", world.hubURL, "--token", token, "--allow-insecure-loopback"])
        XCTAssertEqual(again.status, 78, "already enrolled")
        XCTAssertTrue(again.err.contains("already enrolled as console-1"), again.err)

        // The same (used) token from another console.
        let other = ["STAMPWATCH_STORE": world.scratch.file("other/field.sqlite")]
        let used = try world.console(["device", "enrol", "--hub", world.hubURL, "--token", token, "--allow-insecure-loopback"], extraEnv: other)
        XCTAssertEqual(used.status, 65)
        XCTAssertTrue(used.err.contains("refused the enrolment token") && used.err.contains("new one"), used.err)

        // An expired token.
        let world2 = try LiveWorld(deviceID: "console-2")
        try world2.startHub()
        let short = try world2.token(ttl: 1)
        Thread.sleep(forTimeInterval: 2.2)
        let expired = try world2.console(["device", "enrol", "--hub", world2.hubURL, "--token", short, "--allow-insecure-loopback"])
        XCTAssertEqual(expired.status, 65)
        XCTAssertTrue(expired.err.contains("expire"), expired.err)

        // The hub is down.
        _ = world2.hubProcess?.terminate()
        let down = try world2.console(["device", "enrol", "--hub", world2.hubURL, "--token", try world2.token(), "--allow-insecure-loopback"])
        XCTAssertEqual(down.status, 69)
        XCTAssertTrue(down.err.contains("cannot reach the hub"), down.err)

        // Not a token; plain http to a non-loopback host.
        XCTAssertEqual(try world2.console(["device", "enrol", "--hub", world2.hubURL, "--token", "nonsense"]).status, 64)
        let remote = try world2.console(["device", "enrol", "--hub", "http://192.0.2.1:8443", "--token", "x:ab", "--allow-insecure-loopback"])
        XCTAssertEqual(remote.status, 78, remote.err)
        XCTAssertTrue(remote.err.contains("http://"), remote.err)

        // Sync before enrolment.
        let notEnrolled = try world2.console(["sync", "--once"])
        XCTAssertEqual(notEnrolled.status, 78)
        XCTAssertTrue(notEnrolled.err.contains("not enrolled"), notEnrolled.err)
    }

    func testAnEnrolmentWhoseAnswerWasLostFinishesWhenRunAgain() throws {
        let world = try LiveWorld()
        try world.startHub()
        let token = try world.token()
        let proxy = try FaultProxy(upstream: world.port, faults: "drop_after_send=1")
        let lost = try world.console(["device", "enrol", "--hub", proxy.url, "--token", token, "--allow-insecure-loopback"])
        XCTAssertEqual(lost.status, 69, lost.err)
        XCTAssertTrue(lost.err.contains("run the same command again"), lost.err)
        proxy.faults("pass=1")
        let again = try world.console(["device", "enrol", "--hub", proxy.url, "--token", token, "--allow-insecure-loopback"])
        XCTAssertEqual(again.status, 0, "the hub took the key the first time; the console finds out: \(again.err)")
        let identity = try XCTUnwrap(try DeviceIdentity.load(SyncPaths(store: world.store)))
        let listed = try world.check(runTool(Bin.hub, ["devices", "list", "--data", world.hubData, "--json"])).out
        XCTAssertTrue(listed.contains("\"state\":\"active\""), listed)
        XCTAssertEqual(identity.deviceID, "console-1")
    }

    func testARevokedDeviceKeepsItsRecords() throws {
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        try world.record(5)
        try world.check(runTool(Bin.hub, ["devices", "revoke", "--data", world.hubData, "--id", "console-1", "--reason", "reported stolen"]))
        let r = try world.console(["sync", "--once", "--json"])
        XCTAssertEqual(r.status, 77, r.err)
        let j = try json(r)
        XCTAssertEqual(j["link"]?.stringValue, "refused")
        XCTAssertTrue(j["last_error"]?.stringValue?.contains("revoked this device (device console-1 was revoked (reported stolen))") ?? false, r.out)
        XCTAssertEqual(try world.deviceRows().map(\.state), Array(repeating: "pending", count: 5))
        XCTAssertEqual(try world.hubRows().count, 0)
    }

    func testAReplayedRequestIsRefusedAndNothingIsStoredTwice() throws {
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        // A request signed once and sent twice, byte for byte, over real libcurl.
        let identity = try XCTUnwrap(try DeviceIdentity.load(SyncPaths(store: world.store)))
        let payload = Array("{\"checklist\":{},\"code\":\"TS1:X\",\"device_id\":\"console-1\",\"record_uuid\":\"0b6a3f0e-3f7a-4c57-9d59-2a3c6f1e0a11\",\"seq\":1}".utf8)
        let body = Array("{\"records\":[{\"kind\":\"inspection\",\"payload\":\"\(Data(payload).base64EncodedString())\",\"record_uuid\":\"0b6a3f0e-3f7a-4c57-9d59-2a3c6f1e0a11\",\"seq\":1}]}".utf8)
        var headers = HTTPHeaders()
        for f in try DeviceRequestSigner(deviceID: "console-1", key: identity.key).headers(method: "POST", path: "/v1/devices/console-1/records", query: nil, body: body) {
            headers.add(f.name, f.value)
        }
        var options = TransferOptions()
        options.allowInsecureLoopback = true
        let request = HTTPRequest(method: .post, url: world.hubURL + "/v1/devices/console-1/records", headers: headers, body: body, options: options)
        let first = try HTTPClient().send(request)
        XCTAssertEqual(first.status, 200, String(decoding: first.body, as: UTF8.self))
        let replay = try HTTPClient().send(request)
        XCTAssertEqual(replay.status, 401)
        XCTAssertTrue(String(decoding: replay.body, as: UTF8.self).contains("replayed"))
        XCTAssertEqual(try world.hubRows().count, 1)

        // The proxy duplicating every request: each second copy is a replay; every record is stored once.
        let world2 = try LiveWorld(deviceID: "console-2")
        try world2.startHub()
        try world2.enrolAndUpdate()
        try world2.record(120)
        let proxy = try FaultProxy(upstream: world2.port, faults: "duplicate=1")
        var result = Ran(status: -1, out: "", err: "")
        for _ in 0..<10 where result.status != 0 {
            result = try world2.console(["sync", "--once", "--hub", proxy.url, "--batch-size", "40", "--backoff-base", "0.1", "--no-cache-refresh"])
        }
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertGreaterThanOrEqual(try proxy.stats()["duplicate"] ?? 0, 3)
        try assertSameRecords(world2, count: 120)
    }

    func testAForgedReceiptAcknowledgesNothing() throws {
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        try world.record(30)
        let proxy = try FaultProxy(upstream: world.port, faults: "forge_receipt=1")
        let forged = try world.console(["sync", "--once", "--json", "--hub", proxy.url, "--no-cache-refresh"])
        XCTAssertEqual(forged.status, 65, forged.err)
        let j = try json(forged)
        XCTAssertTrue(j["last_error"]?.stringValue?.contains("does not verify with the hub key from the signed cache") ?? false, forged.out)
        XCTAssertEqual(try world.deviceRows().filter { $0.state == "acknowledged" }.count, 0)
        XCTAssertEqual(try world.hubRows().count, 30, "the hub did store them")
        // An honest answer (a status receipt: nothing is sent twice) lets them go.
        proxy.faults("pass=1")
        let honest = try world.console(["sync", "--once", "--hub", proxy.url, "--no-cache-refresh"])
        XCTAssertEqual(honest.status, 0, honest.err)
        try assertSameRecords(world, count: 30)
    }

    func testAWrongTLSPinIsRefusedAndTheRightOneWorks() throws {
        let world = try LiveWorld(tls: true)
        try world.startHub()
        let wrongPin = "sha256//" + Data(SHA256.hash(Array("not the hub's key".utf8))).base64EncodedString()
        let refused = try world.console(["device", "enrol", "--hub", world.hubURL, "--token", try world.token(), "--ca", world.tlsCert!, "--pin", wrongPin])
        XCTAssertEqual(refused.status, 77, refused.err)
        XCTAssertTrue(refused.err.contains("not the one this console trusts"), refused.err)
        try world.enrolAndUpdate()   // the right pin and CA
        try world.record(20)
        let wrong = try world.console(["sync", "--once", "--json", "--pin", wrongPin])
        XCTAssertEqual(wrong.status, 77, wrong.err)
        XCTAssertEqual(try json(wrong)["link"]?.stringValue, "refused")
        XCTAssertEqual(try world.hubRows().count, 0, "nothing was sent to a hub with the wrong key")
        let right = try world.console(["sync", "--once"])
        XCTAssertEqual(right.status, 0, right.err)
        try assertSameRecords(world, count: 20)
    }

    func testAFullHubDiskDelaysButLosesNothing() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { throw XCTSkip("prlimit (util-linux) is not installed") }
        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        _ = world.hubProcess?.terminate()
        // Records with 24 kB of random notes each (they do not compress): 40 of them are more than the limit.
        let store = try FieldStore.open(at: world.store)
        for i in 0..<40 {
            _ = try store.record(InspectionInput(code: "TS1:BIG\(i)", verdict: "genuine", notes: Hex.encode(SecureRandom.bytes(12_000)),
                                                 officerID: "officer-7", cacheVersion: 1, cacheAgeSeconds: 0, createdAt: t0 + Int64(i)),
                                 deviceID: "console-1")
        }
        try store.close()
        let size = (try FileManager.default.attributesOfItem(atPath: world.hubData + "/hub.sqlite")[.size] as? Int) ?? 0
        world.prlimit = ["/usr/bin/prlimit", "--fsize=\(size + 400_000)", "--"]
        try world.startHub()
        let full = try world.console(["sync", "--once", "--json", "--no-cache-refresh"])
        XCTAssertEqual(full.status, 69, full.err)
        let j = try json(full)
        XCTAssertEqual(j["link"]?.stringValue, "busy")
        XCTAssertTrue(j["last_error"]?.stringValue?.contains("storage is full") ?? false, full.out)
        let partial = try world.deviceRows()
        XCTAssertGreaterThan(partial.filter { $0.state == "pending" }.count, 0)
        XCTAssertEqual(partial.filter { $0.state == "refused" }.count, 0)
        XCTAssertTrue(world.hubProcess?.isRunning ?? false, "the hub stays up")
        XCTAssertEqual(try world.hubRows().count, partial.filter { $0.state == "acknowledged" }.count, "acknowledged = stored")
        // Room again: everything goes, nothing twice.
        _ = world.hubProcess?.terminate()
        world.prlimit = []
        try world.startHub()
        let after = try world.console(["sync", "--once", "--no-cache-refresh"])
        XCTAssertEqual(after.status, 0, after.err)
        try assertSameRecords(world, count: 40)
    }
}
