import Foundation
import Hub
import HTTPTypes
import HummingbirdTesting
import StampCrypto
import StrictJSON
import XCTest

/// Receipts verify with the exported hub key, as a console checks them offline, and nothing else does.
final class ReceiptTests: XCTestCase, @unchecked Sendable {
    /// The key as a console gets it from the signed cache: the exported JSON, hex public key.
    func importedKey(_ hub: HubFixture) throws -> VerifyingKey {
        let exported = hub.signer.publicKeyJSON.serialized(sortedKeys: true)
        let json = try JSONParser.parse(exported)
        XCTAssertEqual(json["keytype"]?.stringValue, "ed25519")
        XCTAssertEqual(json["keyid"]?.stringValue, hub.signer.keyID)
        return try VerifyingKey(ed25519Raw: try XCTUnwrap(json["keyval"]?["public"]?.stringValue.flatMap(Hex.decode)))
    }

    func uploadOne(_ hub: HubFixture) async throws -> [UInt8] {
        let device = TestDevice("console-1")
        let box = Box()
        try await hub.test(.router) { client in
            try await client.enrol(device)
            box.bytes = try await client.upload(device, [TestRecord(device: device.id, seq: 1), TestRecord(device: device.id, seq: 2)]).bytes
        }
        return box.bytes
    }

    final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }

    func testReceiptVerifiesWithTheExportedHubKey() async throws {
        let hub = try HubFixture()
        let bytes = try await uploadOne(hub)
        let key = try importedKey(hub)
        let receipt = try ReceiptVerifier.verify(bytes, hubKey: key)
        XCTAssertEqual(receipt.deviceID, "console-1")
        XCTAssertEqual(receipt.issuedAt, t0)
        XCTAssertEqual(receipt.records.count, 2)
        // PEM export gives the same key.
        XCTAssertEqual(try VerifyingKey(spkiPEM: hub.signer.publicKeyPEM).spkiDER, key.spkiDER)
        // The hub keeps the receipt it sent, byte for byte.
        XCTAssertEqual(try hub.store.counts()["receipt"], 1)
    }

    func testATamperedReceiptDoesNotVerify() async throws {
        let hub = try HubFixture()
        let bytes = try await uploadOne(hub)
        let key = try importedKey(hub)
        let envelope = try JSONParser.parse(bytes)
        guard case .object(var outer) = envelope, case .object(let signed)? = outer["signed"] else { return XCTFail("shape") }

        func assertRefused(_ modify: (inout JSONObject) -> Void, _ what: String) throws {
            var s = signed
            modify(&s)
            var o = outer
            _ = o.updateValue(.object(s), forKey: "signed")
            XCTAssertThrowsError(try ReceiptVerifier.verify(JSONValue.object(o).serializedBytes(), hubKey: key), what)
        }
        try assertRefused({ _ = $0.updateValue(.integer(99), forKey: "highest_contiguous_seq") }, "seq raised")
        try assertRefused({ _ = $0.updateValue(.string("console-2"), forKey: "device_id") }, "device changed")
        try assertRefused({ o in
            guard case .array(var recs)? = o["records"], case .object(var first) = recs[0] else { return }
            _ = first.updateValue(.string("conflict"), forKey: "status")
            recs[0] = .object(first)
            _ = o.updateValue(.array(recs), forKey: "records")
        }, "status changed")
        try assertRefused({ o in
            guard case .array(let recs)? = o["records"] else { return }
            _ = o.updateValue(.array(Array(recs.dropLast())), forKey: "records")
        }, "record dropped")
        // A flipped signature bit.
        guard case .array(var sigs)? = outer["signatures"], case .object(var s0) = sigs[0], var sig = s0["sig"]?.stringValue.flatMap(Hex.decode) else {
            return XCTFail("signatures")
        }
        sig[0] ^= 1
        _ = s0.updateValue(.string(Hex.encode(sig)), forKey: "sig")
        sigs[0] = .object(s0)
        _ = outer.updateValue(.array(sigs), forKey: "signatures")
        XCTAssertThrowsError(try ReceiptVerifier.verify(JSONValue.object(outer).serializedBytes(), hubKey: key))
        // The genuine receipt under another hub's key.
        XCTAssertThrowsError(try ReceiptVerifier.verify(bytes, hubKey: try SigningKey.generate(.eddsa).publicKey))
        // Reformatting (whitespace, key order) does not matter: the signature is over the canonical form.
        let pretty = Array(try JSONParser.parse(bytes).serialized(pretty: true).utf8)
        XCTAssertNoThrow(try ReceiptVerifier.verify(pretty, hubKey: key))
    }

    func testTheReceiptKeyIsCreatedOncePrivateAndReloaded() throws {
        let scratch = Scratch()
        let path = scratch.file("receipt-key.pem")
        let a = try ReceiptSigner.loadOrCreate(at: path)
        let b = try ReceiptSigner.loadOrCreate(at: path)
        XCTAssertEqual(a.keyID, b.keyID)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
        XCTAssertEqual(mode & 0o777, 0o600)
        try "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n".write(toFile: scratch.file("bad.pem"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReceiptSigner.loadOrCreate(at: scratch.file("bad.pem")))
    }
}
