import Encoding
import StampCodes
import StampCrypto
import StrictJSON
import XCTest

final class GenuineCodeTests: XCTestCase {
    func testES256CodeIsGenuineWithEveryField() {
        let p = Fixtures.payload()
        let r = Fixtures.verify(Fixtures.mint(p))
        XCTAssertEqual(r.verdict, .genuine, "\(r.reasons)")
        XCTAssertEqual(r.reasons.map(\.code), ["verified"])
        XCTAssertEqual(r.payload, p)
        XCTAssertTrue(r.signatureVerified)
        XCTAssertEqual(r.signerKid, signingKeyID(Fixtures.es256.publicKey))
        XCTAssertEqual(r.dataKid, Fixtures.dataKey.kid)
        XCTAssertEqual(r.algorithm, .es256)
    }

    func testEveryFormatVariantIsAccepted() {
        for key in [Fixtures.es256, Fixtures.ed25519] {
            for tagged in [false, true] {
                for kidProtected in [true, false] {
                    let opts = StampIssuer.Options(tagged: tagged, kidInProtectedHeader: kidProtected,
                                                   extraPayload: [CBORPair(.unsigned(42), .text("future field")),
                                                                  CBORPair(.text("x"), .array([.unsigned(1)]))])
                    let code = Fixtures.mint(key: key, options: opts)
                    let r = Fixtures.verify(code)
                    XCTAssertEqual(r.verdict, .genuine, "alg \(key.algorithm) tagged \(tagged) kidProtected \(kidProtected): \(r.reasons)")
                    XCTAssertEqual(r.payload?.uid, "MZ0000000000001")
                }
            }
        }
    }

    func testOptionalFieldsMayBeAbsent() {
        let p = Fixtures.payload(shift: nil, operator: nil)
        let r = Fixtures.verify(Fixtures.mint(p))
        XCTAssertEqual(r.verdict, .genuine)
        XCTAssertNil(r.payload?.shift)
        XCTAssertNil(r.payload?.operator)
    }

    func testJSONLineCarriesTheDocumentedFields() throws {
        let r = Fixtures.verify(Fixtures.mint())
        let line = r.jsonLine()
        XCTAssertFalse(line.contains("\n"))
        for field in ["\"input\":\"TS1:", "\"verdict\":\"genuine\"", "\"reasons\":[{\"code\":\"verified\"", "\"uid\":\"MZ0000000000001\"",
                      "\"product\":\"06001234500017\"", "\"manufactured\":\"2026-06-01T08:00:00Z\"", "\"shift\":\"B\"",
                      "\"market\":\"MZ-MPM\"", "\"series\":\"MZ-2026-A\"", "\"operator\":\"EO-MZ-0042\"",
                      "\"signer_kid\":\"\(Hex.encode(signingKeyID(Fixtures.es256.publicKey)))\"", "\"data_kid\":\"d1d2d3d4\""] {
            XCTAssertTrue(line.contains(field), "missing \(field) in \(line)")
        }
        let malformed = Fixtures.verify("hello").jsonLine()
        XCTAssertFalse(malformed.contains("\"uid\""))
        XCTAssertFalse(malformed.contains("signer_kid"))
    }

    func testTextBlockLeadsWithVerdictWordAndSymbol() {
        let block = Fixtures.verify(Fixtures.mint(), market: "ZA").textBlock()
        XCTAssertTrue(block.hasPrefix("⚠ SUSPECT"), block)
        XCTAssertTrue(block.contains("[market-mismatch]"))
        XCTAssertTrue(block.contains("uid          MZ0000000000001"))
    }
}

final class MalformedCodeTests: XCTestCase {
    private func assertMalformed(_ code: String, _ layer: CodeLayer, contains text: String = "", file: StaticString = #filePath, line: UInt = #line) {
        let r = Fixtures.verify(code)
        XCTAssertEqual(r.verdict, .malformed, "\(r.reasons)", file: file, line: line)
        XCTAssertEqual(r.reasons.map(\.code), ["malformed-\(layer.rawValue)"], file: file, line: line)
        if !text.isEmpty {
            XCTAssertTrue(r.reasons[0].message.contains(text), r.reasons[0].message, file: file, line: line)
        }
        XCTAssertNil(r.payload, file: file, line: line)
    }

    func testPrefix() {
        assertMalformed("", .prefix)
        assertMalformed("HC1:ABC", .prefix, contains: "TS1:")
        assertMalformed("ts1:" + Fixtures.mint().dropFirst(4), .prefix, contains: "Caps Lock")
        assertMalformed("TS1:" + String(repeating: "0", count: 5000), .prefix, contains: "more than any stamp code")
    }

    func testBase45() {
        assertMalformed("TS1:abc", .base45, contains: "upper-case")
        assertMalformed("TS1:0", .base45)
        assertMalformed("TS1:GGW", .base45)
        // A trailing space is part of the code, so it changes the data.
        let r = Fixtures.verify(Fixtures.mint() + " ")
        XCTAssertEqual(r.verdict, .malformed)
    }

    func testCBOR() {
        assertMalformed("TS1:" + Base45.encode([0x1C]), .cbor)          // reserved additional info
        assertMalformed("TS1:" + Base45.encode([0x5A, 0xFF, 0xFF, 0xFF, 0xFF]), .cbor) // truncated huge bstr
        let valid = CBOR.array([]).encoded()
        assertMalformed("TS1:" + Base45.encode(valid + [0x00]), .cbor)  // trailing bytes
    }

    func testCOSEStructure() {
        let e0 = Fixtures.encrypt0(Fixtures.payload().cbor().encoded())
        let prot = CBOR.map([CBORPair(.unsigned(1), CBOR(Int64(-7))), CBORPair(.unsigned(4), .bytes([1]))]).encoded()
        let cases: [(CBOR, String)] = [
            (.unsigned(5), "must be an array"),
            (.tagged(98, .array([])), "tag 98"),
            (.array([.bytes(prot), .map([]), .bytes(e0)]), "4 elements"),
            (.array([.map([]), .map([]), .bytes(e0), .bytes([])]), "protected header must be a byte string"),
            (.array([.bytes(prot), .array([]), .bytes(e0), .bytes([])]), "unprotected header must be a map"),
            (.array([.bytes(prot), .map([]), .null, .bytes([])]), "payload must be a byte string"),
            (.array([.bytes(CBOR.map([CBORPair(.unsigned(1), CBOR(Int64(-35)))]).encoded()), .map([]), .bytes(e0), .bytes([])]), "unsupported signature algorithm"),
            (.array([.bytes(CBOR.map([CBORPair(.unsigned(1), CBOR(Int64(-7)))]).encoded()), .map([]), .bytes(e0), .bytes([])]), "no signer key id"),
            (.array([.bytes([]), .map([]), .bytes(e0), .bytes([])]), "no algorithm"),
            (.array([.bytes(prot), .map([CBORPair(.unsigned(2), .array([.unsigned(99)]))]), .bytes(e0), .bytes([])]), "critical"),
            (.array([.bytes(prot + [0x00]), .map([]), .bytes(e0), .bytes([])]), "not valid CBOR"),
            (.array([.bytes(prot), .map([]), .bytes([0x01]), .bytes([])]), "COSE_Encrypt0 must be an array"),
        ]
        for (item, text) in cases {
            assertMalformed(Fixtures.code(item), .cose, contains: text)
        }
        let dupProt: [UInt8] = [0xA3, 0x01, 0x26, 0x04, 0x41, 0x01, 0x01, 0x26]
        assertMalformed(Fixtures.code(.array([.bytes(dupProt), .map([]), .bytes(e0), .bytes([])])), .cose, contains: "repeats label")
    }

    func testEncrypt0Structure() {
        let plain = Fixtures.payload().cbor().encoded()
        assertMalformed(Fixtures.signed(encrypt0: Fixtures.encrypt0(plain, alg: 1)), .cose, contains: "A256GCM")
        assertMalformed(Fixtures.signed(encrypt0: Fixtures.encrypt0(plain, iv: [1, 2, 3])), .cose, contains: "12-byte")
        let noKid = CBOR.array([.bytes(CBOR.map([CBORPair(.unsigned(1), .unsigned(3))]).encoded()), .map([CBORPair(.unsigned(5), .bytes(Array(repeating: 0, count: 12)))]), .bytes(Array(repeating: 0, count: 40))]).encoded()
        assertMalformed(Fixtures.signed(encrypt0: noKid), .cose, contains: "data key id")
        let shortCT = CBOR.array([.bytes(CBOR.map([CBORPair(.unsigned(1), .unsigned(3))]).encoded()), .map([CBORPair(.unsigned(4), .bytes([1])), CBORPair(.unsigned(5), .bytes(Array(repeating: 0, count: 12)))]), .bytes([1, 2])]).encoded()
        assertMalformed(Fixtures.signed(encrypt0: shortCT), .cose, contains: "GCM tag")
    }

    func testPayloadFieldsNameTheField() {
        func code(_ pairs: [CBORPair]) -> String { Fixtures.signed(encrypt0: Fixtures.encrypt0(CBOR.map(pairs).encoded())) }
        let good = Fixtures.payload().cbor()
        guard case .map(let pairs) = good else { return XCTFail() }
        for key in StampPayload.Key.allCases where ![StampPayload.Key.shift, .operator].contains(key) {
            assertMalformed(code(pairs.filter { $0.key != .unsigned(key.rawValue) }), .payload, contains: "is missing")
        }
        var wrongType = pairs
        wrongType[4] = CBORPair(.unsigned(5), .text("2026-06-01"))
        assertMalformed(code(wrongType), .payload, contains: "manufactured")
        var negative = pairs
        negative[4] = CBORPair(.unsigned(5), CBOR(Int64(-5)))
        assertMalformed(code(negative), .payload, contains: "manufactured")
        var bytesUID = pairs
        bytesUID[0] = CBORPair(.unsigned(1), .bytes([1]))
        assertMalformed(code(bytesUID), .payload, contains: "uid")
        var longUID = pairs
        longUID[0] = CBORPair(.unsigned(1), .text(String(repeating: "X", count: 51)))
        assertMalformed(code(longUID), .payload, contains: "more than 50")
        var maxUID = pairs
        maxUID[0] = CBORPair(.unsigned(1), .text(String(repeating: "X", count: 50)))
        XCTAssertEqual(Fixtures.verify(code(maxUID)).verdict, .genuine)
        assertMalformed(code(pairs + [CBORPair(.unsigned(3), .text("again"))]), .payload, contains: "more than once")
        var badMarket = pairs
        badMarket[5] = CBORPair(.unsigned(7), .text("Mozambique"))
        assertMalformed(code(badMarket), .payload, contains: "market")
        assertMalformed(Fixtures.signed(encrypt0: Fixtures.encrypt0(CBOR.array([]).encoded())), .payload, contains: "map")
        assertMalformed(Fixtures.signed(encrypt0: Fixtures.encrypt0([0xFF])), .payload, contains: "CBOR")
    }
}

final class CounterfeitAndUnverifiableTests: XCTestCase {
    func testAlteredSignatureIsCounterfeit() throws {
        let code = Fixtures.mint()
        let env = try StampEnvelope.parse(code: Array(code.utf8))
        var sig = env.signature
        sig[10] ^= 0x01
        let forged = Fixtures.code(.array([.bytes(env.protectedHeader), .map([]), .bytes(env.payload), .bytes(sig)]))
        let r = Fixtures.verify(forged)
        XCTAssertEqual(r.verdict, .counterfeit)
        XCTAssertEqual(r.reasons.map(\.code), ["signature-invalid"])
        XCTAssertNil(r.payload, "a forged code is not decrypted")
    }

    func testWrongSignatureLengthIsCounterfeit() throws {
        let env = try StampEnvelope.parse(code: Array(Fixtures.mint().utf8))
        let forged = Fixtures.code(.array([.bytes(env.protectedHeader), .map([]), .bytes(env.payload), .bytes(Array(env.signature.prefix(63)))]))
        XCTAssertEqual(Fixtures.verify(forged).verdict, .counterfeit)
    }

    func testCodeSignedByAnotherKeyUnderAKnownKidIsCounterfeit() {
        // The stranger signs but claims the trusted key's kid.
        let issuer = StampIssuer(signingKey: Fixtures.stranger, signerKid: signingKeyID(Fixtures.es256.publicKey), dataKey: Fixtures.dataKey)
        let r = Fixtures.verify(try! issuer.mint(Fixtures.payload()))
        XCTAssertEqual(r.verdict, .counterfeit)
        XCTAssertEqual(r.reasons.first?.code, "signature-invalid")
    }

    func testAlgorithmMismatchIsCounterfeit() {
        let issuer = StampIssuer(signingKey: Fixtures.ed25519, signerKid: signingKeyID(Fixtures.es256.publicKey), dataKey: Fixtures.dataKey)
        let r = Fixtures.verify(try! issuer.mint(Fixtures.payload()))
        XCTAssertEqual(r.verdict, .counterfeit)
        XCTAssertEqual(r.reasons.map(\.code), ["algorithm-mismatch"])
    }

    func testDecryptionFailureUnderKnownDataKeyIsCounterfeit() {
        // Encrypted under a key that claims the known data kid: a stolen device cannot produce this.
        let impostor = DataKey(kid: Fixtures.dataKey.kid, key: SecureRandom.bytes(32), notBefore: 0, notAfter: Int64.max)
        let code = Fixtures.signed(encrypt0: Fixtures.encrypt0(Fixtures.payload().cbor().encoded(), dataKey: impostor))
        let r = Fixtures.verify(code)
        XCTAssertEqual(r.verdict, .counterfeit)
        XCTAssertEqual(r.reasons.map(\.code), ["decryption-failed"])
    }

    func testUnknownSignerIsUnverifiableButStillReadable() {
        let ring = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.ed25519)])
        let r = Fixtures.verify(Fixtures.mint(), keyring: ring)
        XCTAssertEqual(r.verdict, .unverifiable)
        XCTAssertEqual(r.reasons.map(\.code), ["unknown-signer-key"])
        XCTAssertTrue(r.reasons[0].message.contains("cache update"))
        XCTAssertEqual(r.payload?.uid, "MZ0000000000001")
        XCTAssertFalse(r.signatureVerified)
    }

    func testUnknownDataKeyIsUnverifiable() {
        let ring = Fixtures.keyring(dataKeys: [Fixtures.otherDataKey])
        let r = Fixtures.verify(Fixtures.mint(), keyring: ring)
        XCTAssertEqual(r.verdict, .unverifiable)
        XCTAssertEqual(r.reasons.map(\.code), ["unknown-data-key"])
        XCTAssertNil(r.payload)
    }

    func testEmptyKeyringMakesEveryCodeUnverifiable() {
        let r = Fixtures.verify(Fixtures.mint(), keyring: .empty)
        XCTAssertEqual(r.verdict, .unverifiable)
        XCTAssertEqual(Set(r.reasons.map(\.code)), ["unknown-signer-key", "unknown-data-key"])
    }

    func testUnknownSignerWithBadCiphertextIsCounterfeit() {
        let impostor = DataKey(kid: Fixtures.dataKey.kid, key: SecureRandom.bytes(32), notBefore: 0, notAfter: Int64.max)
        let code = Fixtures.signed(encrypt0: Fixtures.encrypt0(Fixtures.payload().cbor().encoded(), dataKey: impostor), key: Fixtures.stranger)
        XCTAssertEqual(Fixtures.verify(code).verdict, .counterfeit, "counterfeit outranks unverifiable")
    }
}

final class SuspectRuleTests: XCTestCase {
    func testMarketRule() {
        let cases: [(String, String, Verdict)] = [
            ("MZ-MPM", "MZ", .genuine), ("MZ", "MZ-MPM", .genuine), ("MZ", "MZ", .genuine),
            ("MZ-MPM", "MZ-MPM", .genuine), ("MZ-MPM", "MZ-GAZ", .suspect), ("MZ", "ZA", .suspect),
            ("ZA", "MZ-MPM", .suspect), ("MZ-MPM", "ZA-GP", .suspect),
        ]
        for (intended, inspected, expected) in cases {
            let r = Fixtures.verify(Fixtures.mint(Fixtures.payload(market: intended)), market: inspected)
            XCTAssertEqual(r.verdict, expected, "\(intended) inspected in \(inspected)")
            if expected == .suspect {
                XCTAssertEqual(r.reasons.map(\.code), ["market-mismatch"])
                XCTAssertNotNil(r.payload, "a suspect code still shows its data")
            }
        }
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(Fixtures.payload(market: "ZA"))).verdict, .genuine, "no market given: no market rule")
    }

    func testRevocationTaintsOnlyCodesMadeAtOrAfterIt() {
        let made = Fixtures.t2026
        for (revoked, expected) in [(made - 1, Verdict.suspect), (made, .suspect), (made + 1, .genuine)] {
            let ring = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.es256, revokedAt: revoked)])
            let r = Fixtures.verify(Fixtures.mint(), keyring: ring)
            XCTAssertEqual(r.verdict, expected, "revoked at \(revoked - made) s relative to manufacture")
            if expected == .suspect { XCTAssertEqual(r.reasons.map(\.code), ["signer-key-revoked"]) }
        }
    }

    func testFutureManufactureBeyondSkew() {
        let now = Fixtures.t2026
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(Fixtures.payload(manufactured: now + 23 * 3600)), now: now).verdict, .genuine)
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(Fixtures.payload(manufactured: now + 86_400)), now: now).verdict, .genuine)
        let r = Fixtures.verify(Fixtures.mint(Fixtures.payload(manufactured: now + 86_401)), now: now)
        XCTAssertEqual(r.verdict, .suspect)
        XCTAssertEqual(r.reasons.map(\.code), ["manufactured-in-future"])
    }

    func testManufactureOutsideSignerValidity() {
        let ring = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.es256, notBefore: Fixtures.t2026 + 1)])
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(), keyring: ring).reasons.map(\.code), ["outside-signer-key-validity"])
        let ring2 = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.es256, notAfter: Fixtures.t2026 - 1)])
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(), keyring: ring2).verdict, .suspect)
        let ring3 = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.es256, notBefore: Fixtures.t2026, notAfter: Fixtures.t2026)])
        XCTAssertEqual(Fixtures.verify(Fixtures.mint(), keyring: ring3).verdict, .genuine, "the window is inclusive")
    }

    func testSeveralSuspectReasonsAreAllReported() {
        let ring = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.es256, revokedAt: Fixtures.t2026)])
        let r = Fixtures.verify(Fixtures.mint(Fixtures.payload(market: "ZA")), keyring: ring, market: "MZ")
        XCTAssertEqual(r.verdict, .suspect)
        XCTAssertEqual(Set(r.reasons.map(\.code)), ["market-mismatch", "signer-key-revoked"])
    }

    func testVerdictPrecedence() {
        XCTAssertEqual(Verdict.allCases.sorted(), [.genuine, .suspect, .unverifiable, .counterfeit, .malformed])
        // Unverifiable outranks a suspect market on the same code.
        let ring = Fixtures.keyring(signers: [Fixtures.signer(Fixtures.ed25519)])
        let r = Fixtures.verify(Fixtures.mint(Fixtures.payload(market: "ZA")), keyring: ring, market: "MZ")
        XCTAssertEqual(r.verdict, .unverifiable)
        XCTAssertEqual(Set(r.reasons.map(\.code)), ["unknown-signer-key", "market-mismatch"])
    }
}

final class JSONOutputTests: XCTestCase {
    func testJSONLineIsValidJSONForAnyInput() throws {
        let verifier = StampVerifier(keyring: Fixtures.keyring())
        let inputs: [[UInt8]] = [
            Array("TS1:\"quoted\\ and \t tab".utf8), [0x54, 0x53, 0x31, 0x3A, 0xFF, 0xFE, 0x00, 0x1F], Array("é 漢字 🚬".utf8),
            Array(Fixtures.mint().utf8),
        ]
        for input in inputs {
            let r = verifier.verify(utf8: input, context: VerificationContext(now: Fixtures.now, cache: CacheProvenance(version: 7, ageSeconds: 90, freshness: "stale")))
            let parsed = try JSONParser.parse(r.jsonLine())
            XCTAssertEqual(parsed["input"]?.stringValue, String(decoding: input, as: UTF8.self))
            XCTAssertEqual(parsed["verdict"]?.stringValue, r.verdict.rawValue)
            XCTAssertEqual(parsed["reasons"]?.arrayValue?.count, r.reasons.count)
            XCTAssertEqual(parsed["cache_version"]?.integerValue, 7)
            XCTAssertEqual(parsed["cache_freshness"]?.stringValue, "stale")
        }
    }

    func testExpiredCacheAddsAnInformationalReason() {
        let context = VerificationContext(now: Fixtures.now, cache: CacheProvenance(version: 3, ageSeconds: 40 * 86_400, freshness: "expired"))
        let r = StampVerifier(keyring: Fixtures.keyring()).verify(Fixtures.mint(), context: context)
        XCTAssertEqual(r.verdict, .genuine, "the verdict still stands")
        XCTAssertEqual(r.reasons.map(\.code), ["verified", "expired-cache"])
    }
}
