import Foundation
import XCTest
import StampCrypto

final class SignatureTests: XCTestCase {
    // RFC 8032 §7.1, TEST 1 and TEST 2.
    let ed1 = (secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
               pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
               msg: "",
               sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    let ed2 = (secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
               pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
               msg: "72",
               sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")

    // RFC 6979 A.2.5, P-256 with SHA-256.
    let p256x = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
    let p256Ux = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    let p256Uy = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
    let sampleRS = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
        + "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
    let testRS = "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
        + "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"

    // MARK: Known answers

    func testEd25519RFC8032() throws {
        for v in [ed1, ed2] {
            let sk = try SigningKey(ed25519Seed: hex(v.secret))
            XCTAssertEqual(sk.algorithm, .eddsa)
            XCTAssertEqual(Hex.encode(sk.publicKey.rawPublicKey), v.pub)
            XCTAssertEqual(Hex.encode(try sk.sign(hex(v.msg))), v.sig)  // Ed25519 is deterministic
            let vk = try VerifyingKey(ed25519Raw: hex(v.pub))
            XCTAssertEqual(vk.kind, .ed25519)
            XCTAssertEqual(vk.algorithm, .eddsa)
            XCTAssertTrue(vk.verify(signature: hex(v.sig), message: hex(v.msg)))
            XCTAssertFalse(vk.verify(signature: hex(v.sig), message: hex(v.msg) + [0]))
            XCTAssertEqual(vk.spkiDER, sk.publicKey.spkiDER)
        }
    }

    func testES256RFC6979Vectors() throws {
        let point = [0x04] + hex(p256Ux) + hex(p256Uy)
        let vk = try VerifyingKey(p256Point: point)
        XCTAssertEqual(vk.kind, .p256)
        XCTAssertEqual(vk.algorithm, .es256)
        XCTAssertEqual(vk.rawPublicKey, point)
        XCTAssertTrue(vk.verify(signature: hex(sampleRS), message: bytes("sample")))
        XCTAssertTrue(vk.verify(signature: hex(testRS), message: bytes("test")))
        XCTAssertFalse(vk.verify(signature: hex(sampleRS), message: bytes("test")))
        XCTAssertFalse(vk.verify(signature: hex(testRS), message: bytes("sample")))

        // The deterministic key derives the same public point.
        let sk = try SigningKey(p256Scalar: hex(p256x))
        XCTAssertEqual(sk.algorithm, .es256)
        XCTAssertEqual(sk.publicKey.rawPublicKey, point)
        XCTAssertEqual(sk.publicKey.spkiDER, vk.spkiDER)
        let sig = try sk.sign(bytes("sample"))
        XCTAssertEqual(sig.count, 64)
        XCTAssertTrue(vk.verify(signature: sig, message: bytes("sample")))

        // Compressed form of the same point (Uy is odd → 0x03).
        let compressed = try VerifyingKey(p256Point: [0x03] + hex(p256Ux))
        XCTAssertEqual(compressed.rawPublicKey, point)
        XCTAssertEqual(compressed.spkiDER, vk.spkiDER)
        XCTAssertTrue(compressed.verify(signature: hex(sampleRS), message: bytes("sample")))
    }

    func testSignVerifyRoundTripBothAlgorithms() throws {
        for alg in SignatureAlgorithm.allCases {
            let sk = try SigningKey.generate(alg)
            XCTAssertEqual(sk.algorithm, alg)
            XCTAssertEqual(sk.publicKey.algorithm, alg)
            for n in [0, 1, 64, 1000] {
                let msg = SecureRandom.bytes(n)
                let sig = try sk.sign(msg)
                XCTAssertEqual(sig.count, 64)
                XCTAssertTrue(sk.publicKey.verify(signature: sig, message: msg), "\(alg) n=\(n)")
            }
        }
        // ES256 signatures with small r or s (leading zero bytes) still round
        // trip through the raw→DER conversion; exercise many signatures.
        let sk = try SigningKey.generate(.es256)
        for i in 0..<300 {
            let msg = bytes("m\(i)")
            XCTAssertTrue(sk.publicKey.verify(signature: try sk.sign(msg), message: msg))
        }
    }

    // MARK: Encodings

    func testPEMRoundTrip() throws {
        for alg in SignatureAlgorithm.allCases {
            let sk = try SigningKey.generate(alg)
            let pem = sk.pkcs8PEM
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), pem)
            let again = try SigningKey(pem: pem)
            XCTAssertEqual(again.algorithm, alg)
            XCTAssertEqual(again.publicKey.spkiDER, sk.publicKey.spkiDER)
            XCTAssertEqual(again.publicKey.rawPublicKey, sk.publicKey.rawPublicKey)
            XCTAssertEqual(again.pkcs8PEM, pem)
            let msg = bytes("round trip")
            XCTAssertTrue(sk.publicKey.verify(signature: try again.sign(msg), message: msg))
        }
        // Deterministic keys survive a PEM round trip too.
        let ed = try SigningKey(ed25519Seed: hex(ed1.secret))
        XCTAssertEqual(Hex.encode(try SigningKey(pem: ed.pkcs8PEM).publicKey.rawPublicKey), ed1.pub)
    }

    func testSPKIRoundTrip() throws {
        for alg in SignatureAlgorithm.allCases {
            let vk = try SigningKey.generate(alg).publicKey
            let pem = vk.spkiPEM
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
            XCTAssertTrue(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
            let fromPEM = try VerifyingKey(spkiPEM: pem)
            let fromDER = try VerifyingKey(spkiDER: vk.spkiDER)
            for k in [fromPEM, fromDER] {
                XCTAssertEqual(k.kind, vk.kind)
                XCTAssertEqual(k.spkiDER, vk.spkiDER)
                XCTAssertEqual(k.rawPublicKey, vk.rawPublicKey)
                XCTAssertEqual(k.spkiPEM, pem)
            }
            XCTAssertEqual(vk.rawPublicKey.count, alg == .es256 ? 65 : 32)
            if alg == .eddsa {
                XCTAssertEqual(try VerifyingKey(ed25519Raw: vk.rawPublicKey).spkiDER, vk.spkiDER)
            } else {
                XCTAssertEqual(try VerifyingKey(p256Point: vk.rawPublicKey).spkiDER, vk.spkiDER)
            }
        }
        // Trailing garbage after the DER is rejected.
        let der = try SigningKey.generate(.es256).publicKey.spkiDER
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiDER: der + [0]) }
    }

    func testSEC1PEMKeyPairConsistencyIsChecked() throws {
        func sec1PEM(priv: [UInt8], pub: [UInt8]) -> String {
            let der: [UInt8] = [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20] + priv
                + [0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
                + [0xa1, 0x44, 0x03, 0x42, 0x00] + pub
            let b64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            return "-----BEGIN EC PRIVATE KEY-----\n\(b64)\n-----END EC PRIVATE KEY-----\n"
        }
        let point = [0x04] + hex(p256Ux) + hex(p256Uy)
        let good = try SigningKey(pem: sec1PEM(priv: hex(p256x), pub: point))
        XCTAssertEqual(good.publicKey.rawPublicKey, point)
        XCTAssertTrue(good.publicKey.verify(signature: try good.sign(bytes("x")), message: bytes("x")))

        let otherPoint = try SigningKey.generate(.es256).publicKey.rawPublicKey
        let e = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: sec1PEM(priv: hex(self.p256x), pub: otherPoint)) }
        XCTAssertTrue(e?.message.contains("inconsistent") ?? false, e?.message ?? "")
    }

    // MARK: Negatives

    func testWrongSignatureLengthsAndBitFlips() throws {
        for alg in SignatureAlgorithm.allCases {
            let sk = try SigningKey.generate(alg)
            let vk = sk.publicKey
            let msg = bytes("stamp payload")
            let sig = try sk.sign(msg)
            XCTAssertTrue(vk.verify(signature: sig, message: msg))
            for bad in [[], Array(sig.prefix(63)), sig + [0], sig + sig, [UInt8](repeating: 0, count: 64), [UInt8](repeating: 0xff, count: 64)] {
                XCTAssertFalse(vk.verify(signature: bad, message: msg), "\(alg) len \(bad.count)")
            }
            for bit in stride(from: 0, to: 512, by: 37) {
                var s = sig
                s[bit / 8] ^= UInt8(1 << (bit % 8))
                XCTAssertFalse(vk.verify(signature: s, message: msg), "\(alg) sig bit \(bit)")
            }
            for i in msg.indices {
                var m = msg
                m[i] ^= 0x01
                XCTAssertFalse(vk.verify(signature: sig, message: m), "\(alg) msg byte \(i)")
            }
            XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: sig, message: msg))
            if alg == .eddsa {
                XCTAssertFalse(vk.verifyECDSADER(signature: sig, message: msg))
            }
        }
    }

    func testSignatureOfTheOtherAlgorithmFails() throws {
        let es = try SigningKey.generate(.es256)
        let ed = try SigningKey.generate(.eddsa)
        let msg = bytes("cross")
        let esSig = try es.sign(msg)
        let edSig = try ed.sign(msg)
        XCTAssertEqual(esSig.count, edSig.count)
        XCTAssertFalse(es.publicKey.verify(signature: edSig, message: msg))
        XCTAssertFalse(ed.publicKey.verify(signature: esSig, message: msg))
        // Another key of the same algorithm.
        XCTAssertFalse(try SigningKey.generate(.es256).publicKey.verify(signature: esSig, message: msg))
        XCTAssertFalse(try SigningKey.generate(.eddsa).publicKey.verify(signature: edSig, message: msg))
    }

    func testGarbageInputsThrowReadableErrors() throws {
        let e1 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: "hello") }
        XCTAssertTrue(e1?.message.contains("no PEM block") ?? false, e1?.message ?? "")
        let e2 = assertCryptoError { () throws(CryptoError) in
            try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAAbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
        }
        XCTAssertTrue(e2?.message.contains("cannot parse PRIVATE KEY PEM") ?? false, e2?.message ?? "")
        XCTAssertTrue(e2?.message.contains("OpenSSL:") ?? false, e2?.message ?? "")
        assertCryptoError { () throws(CryptoError) in try SigningKey(pem: "") }
        assertCryptoError { () throws(CryptoError) in try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----") }
        let pub = try SigningKey.generate(.es256).publicKey.spkiPEM
        let e3 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: pub) }
        XCTAssertTrue(e3?.message.contains("PUBLIC KEY") ?? false, e3?.message ?? "")
        let e4 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n") }
        XCTAssertTrue(e4?.message.contains("encrypted") ?? false, e4?.message ?? "")

        let priv = try SigningKey.generate(.eddsa).pkcs8PEM
        let e5 = assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiPEM: priv) }
        XCTAssertTrue(e5?.message.contains("PRIVATE KEY") ?? false, e5?.message ?? "")
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiPEM: "-----BEGIN PUBLIC KEY-----\nZm9v\n-----END PUBLIC KEY-----\n") }
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiDER: []) }
        let e6 = assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiDER: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        XCTAssertTrue(e6?.message.contains("OpenSSL") ?? false, e6?.message ?? "")
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiDER: SecureRandom.bytes(91)) }

        // Raw key material of the wrong size or not on the curve.
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(ed25519Raw: [UInt8](repeating: 1, count: 31)) }
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(p256Point: []) }
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(p256Point: [0x04] + [UInt8](repeating: 1, count: 64)) }  // not on curve
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(p256Point: [0x05] + hex(self.p256Ux) + hex(self.p256Uy)) }
        assertCryptoError { () throws(CryptoError) in try VerifyingKey(p256Point: [0x02] + [UInt8](repeating: 0xff, count: 32)) }  // x ≥ p
        assertCryptoError { () throws(CryptoError) in try SigningKey(ed25519Seed: [1, 2, 3]) }
        assertCryptoError { () throws(CryptoError) in try SigningKey(p256Scalar: [UInt8](repeating: 0, count: 32)) }
        assertCryptoError { () throws(CryptoError) in try SigningKey(p256Scalar: [UInt8](repeating: 0xff, count: 32)) }  // ≥ n
        assertCryptoError { () throws(CryptoError) in try SigningKey(p256Scalar: [UInt8](repeating: 1, count: 31)) }
        // n itself is rejected, n-1 is accepted.
        let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        assertCryptoError { () throws(CryptoError) in try SigningKey(p256Scalar: n) }
        var nMinus1 = n; nMinus1[31] -= 1
        XCTAssertEqual(try SigningKey(p256Scalar: nMinus1).algorithm, .es256)
    }

    // MARK: Concurrency

    func testConcurrentVerificationOnSharedKeys() throws {
        for alg in SignatureAlgorithm.allCases {
            let sk = try SigningKey.generate(alg)
            let vk = sk.publicKey
            let messages = (0..<16).map { bytes("message #\($0)") }
            let sigs = try messages.map { m throws(CryptoError) in try sk.sign(m) }
            let iterations = alg == .es256 ? 1500 : 1000
            let good = Counter(), bad = Counter(), wrong = Counter()
            DispatchQueue.concurrentPerform(iterations: 4) { t in
                var g = 0, b = 0, w = 0
                for i in 0..<iterations {
                    let k = (i + t) % messages.count
                    if vk.verify(signature: sigs[k], message: messages[k]) { g += 1 } else { w += 1 }
                    // Negative: signature for a different message.
                    if vk.verify(signature: sigs[(k + 1) % sigs.count], message: messages[k]) { w += 1 } else { b += 1 }
                }
                good.add(g); bad.add(b); wrong.add(w)
            }
            XCTAssertEqual(good.total, 4 * iterations, "\(alg)")
            XCTAssertEqual(bad.total, 4 * iterations, "\(alg)")
            XCTAssertEqual(wrong.total, 0, "\(alg)")
        }
    }

    func testConcurrentSigning() throws {
        for alg in SignatureAlgorithm.allCases {
            let sk = try SigningKey.generate(alg)
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: 4) { t in
                var f = 0
                for i in 0..<200 {
                    let m = bytes("t\(t) i\(i)")
                    guard let s = try? sk.sign(m), sk.publicKey.verify(signature: s, message: m) else { f += 1; continue }
                }
                failures.add(f)
            }
            XCTAssertEqual(failures.total, 0, "\(alg)")
        }
    }
}
