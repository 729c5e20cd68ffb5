import StampCodes
import StampCrypto
import StrictJSON
import XCTest

final class KeyringTests: XCTestCase {
    private var pem: String { Fixtures.es256.publicKey.spkiPEM }

    private func doc(signer: [String: String?] = [:], data: [String: String?] = [:], raw: String? = nil) -> [UInt8] {
        var s: [(String, JSONValue)] = [
            ("kid", .string("0a0b")), ("alg", .string("ES256")), ("public_key_pem", .string(pem)), ("issuer", .string("MZ AT")),
            ("not_before", .string("2025-01-01T00:00:00Z")), ("not_after", .string("2030-01-01T00:00:00Z")), ("revoked_at", .null),
        ]
        var d: [(String, JSONValue)] = [
            ("kid", .string("d1")), ("alg", .string("A256GCM")), ("key", .string(String(repeating: "A", count: 43) + "=")),
            ("not_before", .string("2025-01-01T00:00:00Z")), ("not_after", .string("2030-01-01T00:00:00Z")),
        ]
        func apply(_ list: inout [(String, JSONValue)], _ changes: [String: String?]) {
            for (k, v) in changes {
                list.removeAll { $0.0 == k }
                if let v { list.append((k, (try? JSONParser.parse(v)) ?? .string(v))) }
            }
        }
        apply(&s, signer)
        apply(&d, data)
        if let raw { return Array(raw.utf8) }
        let v = JSONValue.object(JSONObject([("signing_keys", .array([.object(JSONObject(s))])), ("data_keys", .array([.object(JSONObject(d))]))]))
        return Array(v.serialized().utf8)
    }

    func testValidKeyringParses() throws {
        let ring = try Keyring.parse(doc())
        XCTAssertEqual(ring.signingKeys.count, 1)
        XCTAssertEqual(ring.signer(kid: [0x0A, 0x0B])?.issuer, "MZ AT")
        XCTAssertEqual(ring.signer(kid: [0x0A, 0x0B])?.notBefore, RFC3339.parse("2025-01-01T00:00:00Z"))
        XCTAssertNil(ring.signer(kid: [0x0A, 0x0B])?.revokedAt)
        XCTAssertEqual(ring.dataKey(kid: [0xD1])?.key, [UInt8](repeating: 0, count: 32))
    }

    func testRoundTripThroughJSON() throws {
        let ring = Fixtures.keyring()
        let again = try Keyring.parse(Array(ring.jsonValue().serialized(pretty: true).utf8))
        XCTAssertEqual(again.signingKeys.map(\.kid), ring.signingKeys.map(\.kid))
        XCTAssertEqual(again.signingKeys.map(\.publicKey.spkiDER), ring.signingKeys.map(\.publicKey.spkiDER))
        XCTAssertEqual(again.dataKeys.map(\.key), ring.dataKeys.map(\.key))
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(), keyring: again).verdict, .genuine)
    }

    func testErrorsNameEntryAndField() {
        let cases: [([UInt8], String)] = [
            (doc(raw: "[]"), "keyring: must be a JSON object"),
            (doc(raw: "{\"signing_keys\": []}"), "keyring.data_keys: is missing"),
            (doc(raw: "{\"signing_keys\": {}, \"data_keys\": []}"), "keyring.signing_keys: must be an array"),
            (doc(raw: "{\"signing_keys\": [], \"data_keys\": [],}"), "keyring: not valid JSON: line 1, column"),
            (doc(raw: "{\"signing_keys\": [1], \"data_keys\": []}"), "signing_keys[0]: must be an object"),
            (doc(signer: ["kid": nil]), "signing_keys[0].kid: is missing"),
            (doc(signer: ["kid": "xyz"]), "signing_keys[0].kid:"),
            (doc(signer: ["kid": "abc"]), "signing_keys[0].kid:"),
            (doc(signer: ["alg": "RS256"]), "signing_keys[0].alg: \"RS256\" is not ES256 or EdDSA"),
            (doc(signer: ["alg": "EdDSA"]), "signing_keys[0].public_key_pem: holds a P-256"),
            (doc(signer: ["public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]), "signing_keys[0].public_key_pem: is not a readable"),
            (doc(signer: ["not_before": "yesterday"]), "signing_keys[0].not_before: \"yesterday\" is not an RFC 3339 time"),
            (doc(signer: ["not_after": "2024-01-01T00:00:00Z"]), "signing_keys[0].not_after: is earlier than not_before"),
            (doc(signer: ["revoked_at": "5"]), "signing_keys[0].revoked_at:"),
            (doc(signer: ["issuer": "7"]), "signing_keys[0].issuer: must be a string or null, found integer"),
            (doc(data: ["alg": "A128GCM"]), "data_keys[0].alg: \"A128GCM\" is not A256GCM"),
            (doc(data: ["key": "AAAA"]), "data_keys[0].key: decodes to 3 bytes"),
            (doc(data: ["key": "!!!"]), "data_keys[0].key: is not valid base64"),
            (doc(data: ["not_after": nil]), "data_keys[0].not_after: is missing"),
        ]
        for (bytes, expected) in cases {
            XCTAssertThrowsError(try Keyring.parse(bytes), expected) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "got \(error), expected \(expected)")
            }
        }
    }

    func testDuplicateKidIsRefused() {
        let s = "{\"kid\":\"0a\",\"alg\":\"ES256\",\"public_key_pem\":\(JSONString.quoted(pem)),\"not_before\":\"2025-01-01T00:00:00Z\",\"not_after\":\"2030-01-01T00:00:00Z\"}"
        XCTAssertThrowsError(try Keyring.parse(Array("{\"signing_keys\":[\(s),\(s)],\"data_keys\":[]}".utf8))) { error in
            XCTAssertEqual("\(error)", "signing_keys[1].kid: duplicate key id 0a")
        }
    }

    func testFuzzedKeyringsNeverCrash() throws {
        var rng = SplitMix64(seed: 7)
        let base = doc()
        var parsed = 0
        for _ in 0..<3000 {
            var b = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: b.remove(at: i)
                default: b.insert(Array("{}[],:\"0".utf8).randomElement(using: &rng)!, at: i)
                }
            }
            do {
                _ = try Keyring.parse(b)
                parsed += 1
            } catch {
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertLessThan(parsed, 3000, "mutations must be detected")
    }
}

final class TimestampAndMarketTests: XCTestCase {
    func testRFC3339() {
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(RFC3339.parse("2026-11-29T18:36:38Z"), 1_795_977_398)
        XCTAssertEqual(RFC3339.parse("2026-11-29T20:36:38+02:00"), 1_795_977_398)
        XCTAssertEqual(RFC3339.parse("2026-11-29T18:36:38.999Z"), 1_795_977_398)
        XCTAssertEqual(RFC3339.parse("2000-02-29T00:00:00Z"), 951_782_400)
        for bad in ["2026-11-29", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-29T24:00:00Z",
                    "2026-11-29T18:36:38", "2026-11-29T18:36:38+0200", "2026-11-29T18:36:38Zjunk", "", "2026-11-29T18:36:38.Z"] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
        for t: Int64 in [0, 951_782_400, 1_795_977_398, 4_102_444_800, -86_400] {
            XCTAssertEqual(RFC3339.parse(RFC3339.format(t)), t)
        }
        XCTAssertEqual(RFC3339.format(1_795_977_398), "2026-11-29T18:36:38Z")
    }

    func testMarketSyntax() {
        for good in ["MZ", "MZ-MPM", "ZA-GP", "FR-75", "MZ-A"] { XCTAssertNotNil(Market(good), good) }
        for bad in ["", "M", "mz", "MOZ", "MZ-", "MZ-MPMX", "MZ_MPM", "MZ-mp"] { XCTAssertNil(Market(bad), bad) }
    }
}

final class IndependentCopyTests: XCTestCase {
    func testCopyVerifiesTheSameAndSharesNoKeyObjects() {
        let ring = Fixtures.keyring()
        let copy = ring.independentCopy()
        XCTAssertEqual(copy.signingKeys.map(\.kid), ring.signingKeys.map(\.kid))
        XCTAssertEqual(copy.dataKeys.map(\.key), ring.dataKeys.map(\.key))
        for (a, b) in zip(copy.signingKeys, ring.signingKeys) {
            XCTAssertFalse(a.publicKey === b.publicKey)
            XCTAssertEqual(a.publicKey.spkiDER, b.publicKey.spkiDER)
        }
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(), keyring: copy).verdict, .genuine)
    }
}
