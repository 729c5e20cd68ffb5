import XCTest
import StampCrypto

final class HashKDFTests: XCTestCase {
    func testSHA256KnownAnswers() {
        XCTAssertEqual(Hex.encode(SHA256.hash(bytes("abc"))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(SHA256.hash([])),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.hash(UnsafeRawBufferPointer(start: nil, count: 0))),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let raw = bytes("abc").withUnsafeBytes { SHA256.hash($0) }
        XCTAssertEqual(raw, SHA256.hash(bytes("abc")))
        // FIPS 180-2 two-block message.
        XCTAssertEqual(Hex.encode(SHA256.hash(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testSHA512KnownAnswers() {
        XCTAssertEqual(Hex.encode(SHA512.hash(bytes("abc"))),
                       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        XCTAssertEqual(Hex.encode(SHA512.hash([])),
                       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
    }

    func testStreamingHashersMatchOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let h = SHA256Hasher()
        var i = 0
        while i < data.count {
            let j = min(data.count, i + 4093)
            data[i..<j].withUnsafeBytes { h.update($0) }
            i = j
        }
        XCTAssertEqual(h.finalize(), SHA256.hash(data))
        // finalize resets: the hasher is reusable and now empty.
        XCTAssertEqual(h.finalize(), SHA256.hash([]))
        h.update(bytes("a"))
        h.update([])
        h.update(bytes("bc"))
        XCTAssertEqual(Hex.encode(h.finalize()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

        let h5 = SHA512Hasher()
        h5.update(Array(data.prefix(777)))
        h5.update(Array(data.dropFirst(777)))
        XCTAssertEqual(h5.finalize(), SHA512.hash(data))
    }

    func testHKDFRFC5869() throws {
        // Test case 1.
        let okm = try HKDF.sha256(ikm: [UInt8](repeating: 0x0b, count: 22),
                                  salt: hex("000102030405060708090a0b0c"),
                                  info: hex("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        XCTAssertEqual(Hex.encode(okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        // Test case 3: empty salt and info.
        let okm3 = try HKDF.sha256(ikm: [UInt8](repeating: 0x0b, count: 22), salt: [], info: [], length: 42)
        XCTAssertEqual(Hex.encode(okm3), "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        XCTAssertEqual(try HKDF.sha256(ikm: [1], salt: [], info: [], length: 0), [])
        XCTAssertEqual(try HKDF.sha256(ikm: [1], salt: [], info: [], length: 8160).count, 8160)
        assertCryptoError { () throws(CryptoError) in try HKDF.sha256(ikm: [1], salt: [], info: [], length: 8161) }
        assertCryptoError { () throws(CryptoError) in try HKDF.sha256(ikm: [1], salt: [], info: [], length: -1) }
    }

    func testHexAndRandom() {
        XCTAssertEqual(Hex.encode([0x00, 0xab, 0xff]), "00abff")
        XCTAssertEqual(Hex.decode("00ABff"), [0x00, 0xab, 0xff])
        XCTAssertEqual(Hex.decode(""), [])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertNil(Hex.decode("0x00"))
        XCTAssertNil(Hex.decode("é0"))
        XCTAssertEqual(SecureRandom.bytes(0), [])
        XCTAssertEqual(SecureRandom.bytes(-3), [])
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
        XCTAssertTrue(OpenSSLInfo.version.hasPrefix("OpenSSL 3"), OpenSSLInfo.version)
    }
}
