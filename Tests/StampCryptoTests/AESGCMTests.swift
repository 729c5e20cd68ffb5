import XCTest
import StampCrypto

final class AESGCMTests: XCTestCase {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", AES-256 test cases.
    let key0 = [UInt8](repeating: 0, count: 32)
    let iv0 = [UInt8](repeating: 0, count: 12)
    let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    let iv = hex("cafebabefacedbaddecaf888")
    let p64 = hex("""
        d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
        """)
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")

    func testCase13And14() throws {
        let c13 = try AES256GCM.seal(key: key0, iv: iv0, plaintext: [], aad: [])
        XCTAssertEqual(Hex.encode(c13), "530f8afbc74536b9a963b4f1c4cb738b")
        XCTAssertEqual(try AES256GCM.open(key: key0, iv: iv0, ciphertextAndTag: c13, aad: []), [])

        let c14 = try AES256GCM.seal(key: key0, iv: iv0, plaintext: [UInt8](repeating: 0, count: 16), aad: [])
        XCTAssertEqual(Hex.encode(c14), "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")
        XCTAssertEqual(try AES256GCM.open(key: key0, iv: iv0, ciphertextAndTag: c14, aad: []), [UInt8](repeating: 0, count: 16))
    }

    func testCase15() throws {
        let c = try AES256GCM.seal(key: key, iv: iv, plaintext: p64, aad: [])
        XCTAssertEqual(Hex.encode(c), """
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad\
            b094dac5d93471bdec1a502270e3cc6c
            """)
        XCTAssertEqual(try AES256GCM.open(key: key, iv: iv, ciphertextAndTag: c, aad: []), p64)
    }

    func testCase16() throws {
        let p60 = Array(p64.prefix(60))
        let c = try AES256GCM.seal(key: key, iv: iv, plaintext: p60, aad: aad)
        XCTAssertEqual(Hex.encode(c), """
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662\
            76fc6ece0f4e1768cddf8853bb2d551b
            """)
        XCTAssertEqual(try AES256GCM.open(key: key, iv: iv, ciphertextAndTag: c, aad: aad), p60)
    }

    func testTamperingFailsAuthentication() throws {
        let p60 = Array(p64.prefix(60))
        let c = try AES256GCM.seal(key: key, iv: iv, plaintext: p60, aad: aad)
        var badTag = c; badTag[badTag.count - 1] ^= 0x01
        var badCT = c; badCT[3] ^= 0x80
        var badAAD = aad; badAAD[0] ^= 0x01
        var badKey = key; badKey[31] ^= 0x01
        var badIV = iv; badIV[0] ^= 0x01
        let cases: [(String, () throws(CryptoError) -> [UInt8])] = [
            ("tag", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: badTag, aad: self.aad) }),
            ("ciphertext", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: badCT, aad: self.aad) }),
            ("aad", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: c, aad: badAAD) }),
            ("missing aad", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: c, aad: []) }),
            ("key", { () throws(CryptoError) in try AES256GCM.open(key: badKey, iv: self.iv, ciphertextAndTag: c, aad: self.aad) }),
            ("iv", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: badIV, ciphertextAndTag: c, aad: self.aad) }),
            ("truncated", { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: Array(c.dropFirst()), aad: self.aad) }),
        ]
        for (name, body) in cases {
            let e = assertCryptoError(body)
            XCTAssertTrue(e?.message.contains("authentication") ?? false, "\(name): \(e?.message ?? "-")")
        }
        // Empty plaintext: only the tag protects it.
        let empty = try AES256GCM.seal(key: key, iv: iv, plaintext: [], aad: aad)
        var emptyBad = empty; emptyBad[0] ^= 1
        let e = assertCryptoError { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: emptyBad, aad: self.aad) }
        XCTAssertTrue(e?.message.contains("authentication") ?? false)
    }

    func testBadSizes() {
        let e1 = assertCryptoError { () throws(CryptoError) in try AES256GCM.seal(key: [UInt8](repeating: 0, count: 16), iv: self.iv, plaintext: [1], aad: []) }
        XCTAssertTrue(e1?.message.contains("32 bytes") ?? false)
        let e2 = assertCryptoError { () throws(CryptoError) in try AES256GCM.seal(key: self.key, iv: [UInt8](repeating: 0, count: 16), plaintext: [1], aad: []) }
        XCTAssertTrue(e2?.message.contains("12 bytes") ?? false)
        assertCryptoError { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: [], ciphertextAndTag: [UInt8](repeating: 0, count: 20), aad: []) }
        assertCryptoError { () throws(CryptoError) in try AES256GCM.open(key: [], iv: self.iv, ciphertextAndTag: [UInt8](repeating: 0, count: 20), aad: []) }
        let e3 = assertCryptoError { () throws(CryptoError) in try AES256GCM.open(key: self.key, iv: self.iv, ciphertextAndTag: [UInt8](repeating: 0, count: 15), aad: []) }
        XCTAssertTrue(e3?.message.contains("shorter than") ?? false)
    }

    func testRandomRoundTrip() throws {
        for n in [0, 1, 15, 16, 17, 1000] {
            let k = SecureRandom.bytes(32), v = SecureRandom.bytes(12), p = SecureRandom.bytes(n), a = SecureRandom.bytes(n % 7)
            let c = try AES256GCM.seal(key: k, iv: v, plaintext: p, aad: a)
            XCTAssertEqual(c.count, n + 16)
            XCTAssertEqual(try AES256GCM.open(key: k, iv: v, ciphertextAndTag: c, aad: a), p)
        }
    }
}
