import COpenSSL
import XCTest
import StampCrypto

/// Failures must not leave entries on the calling thread's OpenSSL error queue
/// (a stale entry would otherwise show up in an unrelated later message).
final class ErrorQueueTests: XCTestCase {
    func testFailuresLeaveTheErrorQueueEmpty() throws {
        ERR_clear_error()
        let e = assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiDER: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        XCTAssertTrue(e?.message.contains("OpenSSL:") ?? false, e?.message ?? "")
        XCTAssertEqual(ERR_peek_error(), 0)

        assertCryptoError { () throws(CryptoError) in try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        XCTAssertEqual(ERR_peek_error(), 0)
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(p256Point: [0x04] + [UInt8](repeating: 7, count: 64)) }
        XCTAssertEqual(ERR_peek_error(), 0)

        let key = SecureRandom.bytes(32), iv = SecureRandom.bytes(12)
        var c = try AES256GCM.seal(key: key, iv: iv, plaintext: [1, 2, 3], aad: [])
        c[0] ^= 1
        assertCryptoError { () throws(CryptoError) in try AES256GCM.open(key: key, iv: iv, ciphertextAndTag: c, aad: []) }
        XCTAssertEqual(ERR_peek_error(), 0)

        for alg in SignatureAlgorithm.allCases {
            let vk = try SigningKey.generate(alg).publicKey
            XCTAssertFalse(vk.verify(signature: [UInt8](repeating: 0xff, count: 64), message: [1]))
            XCTAssertFalse(vk.verifyECDSADER(signature: [0x30, 0x00], message: [1]))
            XCTAssertEqual(ERR_peek_error(), 0, "\(alg)")
        }
    }

    func testErrorMessageIncludesOpenSSLReason() {
        // An OpenSSL-level failure carries the library's own text.
        let e = assertCryptoError { () throws(CryptoError) in
            try SigningKey(pem: "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n")
        }
        XCTAssertTrue(e?.message.contains("error:") ?? false, e?.message ?? "")
    }
}
