import Foundation
import XCTest
import StampCrypto

/// Interoperability with keys and signatures made by the openssl CLI.
final class OpenSSLCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        try OpenSSLCLI.requireAvailable()
        dir = try OpenSSLCLI.tempDir()
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    private func file(_ name: String) -> String { dir.appendingPathComponent(name).path }
    private func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
    private func readBytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func testRSAPSSSHA256() throws {
        try OpenSSLCLI.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file("rsa.pem")])
        try OpenSSLCLI.run(["pkey", "-in", file("rsa.pem"), "-pubout", "-out", file("rsa.pub")])
        let msg = bytes("{\"signed\":{\"_type\":\"root\",\"version\":1}}")
        try Data(msg).write(to: URL(fileURLWithPath: file("msg")))
        try OpenSSLCLI.run(["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                            "-sign", file("rsa.pem"), "-out", file("sig32"), file("msg")])
        try OpenSSLCLI.run(["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max",
                            "-sign", file("rsa.pem"), "-out", file("sigmax"), file("msg")])
        try OpenSSLCLI.run(["dgst", "-sha256", "-sign", file("rsa.pem"), "-out", file("sigpkcs1"), file("msg")])

        let vk = try VerifyingKey(spkiPEM: try read("rsa.pub"))
        XCTAssertEqual(vk.kind, .rsa(bits: 2048))
        XCTAssertNil(vk.algorithm)
        XCTAssertEqual(vk.rawPublicKey, vk.spkiDER)
        XCTAssertEqual(try VerifyingKey(spkiDER: vk.spkiDER).kind, .rsa(bits: 2048))

        let sig32 = try readBytes("sig32")
        XCTAssertEqual(sig32.count, 256)
        XCTAssertTrue(vk.verifyRSAPSSSHA256(signature: sig32, message: msg))
        XCTAssertTrue(vk.verifyRSAPSSSHA256(signature: try readBytes("sigmax"), message: msg))
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: try readBytes("sigpkcs1"), message: msg))  // PKCS#1 v1.5 ≠ PSS
        var bad = sig32; bad[100] ^= 0x04
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: bad, message: msg))
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: sig32, message: msg + [0x20]))
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: Array(sig32.dropLast()), message: msg))
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: [], message: msg))
        // RSA keys never pass the ES256/EdDSA or ECDSA paths.
        XCTAssertFalse(vk.verify(signature: Array(sig32.prefix(64)), message: msg))
        XCTAssertFalse(vk.verifyECDSADER(signature: sig32, message: msg))

        // An RSA private key where an EC / Ed25519 signing key is expected.
        let rsaPEM = try read("rsa.pem")
        let e = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: rsaPEM) }
        XCTAssertTrue(e?.message.contains("RSA-2048") ?? false, e?.message ?? "")
    }

    func testECDSADERAndSEC1KeyFromCLI() throws {
        try OpenSSLCLI.run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("ec.pem")])
        try OpenSSLCLI.run(["ec", "-in", file("ec.pem"), "-pubout", "-out", file("ec.pub")])
        try OpenSSLCLI.run(["ec", "-in", file("ec.pem"), "-pubout", "-conv_form", "compressed", "-out", file("ec-compressed.pub")])
        let msg = bytes("targets.json contents")
        try Data(msg).write(to: URL(fileURLWithPath: file("msg")))
        try OpenSSLCLI.run(["dgst", "-sha256", "-sign", file("ec.pem"), "-out", file("sig.der"), file("msg")])

        let sec1 = try read("ec.pem")
        XCTAssertTrue(sec1.contains("BEGIN EC PRIVATE KEY"))
        let sk = try SigningKey(pem: sec1)
        XCTAssertEqual(sk.algorithm, .es256)
        let vk = try VerifyingKey(spkiPEM: try read("ec.pub"))
        XCTAssertEqual(vk.kind, .p256)
        XCTAssertEqual(sk.publicKey.spkiDER, vk.spkiDER)
        let compressed = try VerifyingKey(spkiPEM: try read("ec-compressed.pub"))
        XCTAssertEqual(compressed.rawPublicKey, vk.rawPublicKey)  // normalised to uncompressed
        XCTAssertEqual(compressed.spkiDER, vk.spkiDER)

        let der = try readBytes("sig.der")
        XCTAssertEqual(der.first, 0x30)
        XCTAssertTrue(vk.verifyECDSADER(signature: der, message: msg))
        XCTAssertTrue(compressed.verifyECDSADER(signature: der, message: msg))
        XCTAssertFalse(vk.verifyECDSADER(signature: der, message: msg + [0]))
        var bad = der; bad[bad.count - 1] ^= 0x01
        XCTAssertFalse(vk.verifyECDSADER(signature: bad, message: msg))
        XCTAssertFalse(vk.verifyECDSADER(signature: der + [0], message: msg))  // trailing byte
        XCTAssertFalse(vk.verifyECDSADER(signature: [], message: msg))
        XCTAssertFalse(vk.verify(signature: der, message: msg))  // DER is not raw r||s
        XCTAssertFalse(vk.verifyRSAPSSSHA256(signature: der, message: msg))

        // A signature made by SigningKey verifies with the CLI.
        let raw = try sk.sign(msg)
        XCTAssertTrue(vk.verify(signature: raw, message: msg))
        try Data(derFromRaw(raw)).write(to: URL(fileURLWithPath: file("ours.der")))
        let out = try OpenSSLCLI.run(["dgst", "-sha256", "-verify", file("ec.pub"), "-signature", file("ours.der"), file("msg")])
        XCTAssertTrue(out.contains("Verified OK"), out)

        // A PKCS#8 PEM from the CLI loads too, and Ed25519 from the CLI.
        try OpenSSLCLI.run(["pkcs8", "-topk8", "-nocrypt", "-in", file("ec.pem"), "-out", file("ec8.pem")])
        XCTAssertEqual(try SigningKey(pem: try read("ec8.pem")).publicKey.spkiDER, vk.spkiDER)
        try OpenSSLCLI.run(["genpkey", "-algorithm", "ED25519", "-out", file("ed.pem")])
        try OpenSSLCLI.run(["pkey", "-in", file("ed.pem"), "-pubout", "-out", file("ed.pub")])
        let ed = try SigningKey(pem: try read("ed.pem"))
        XCTAssertEqual(ed.algorithm, .eddsa)
        XCTAssertEqual(try VerifyingKey(spkiPEM: try read("ed.pub")).spkiDER, ed.publicKey.spkiDER)
    }

    func testSEC1WithParametersAndCRLF() throws {
        // `ecparam -genkey` without -noout writes an "EC PARAMETERS" block first.
        try OpenSSLCLI.run(["ecparam", "-name", "prime256v1", "-genkey", "-out", file("ecp.pem")])
        try OpenSSLCLI.run(["ec", "-in", file("ecp.pem"), "-pubout", "-out", file("ecp.pub")])
        let text = try read("ecp.pem")
        XCTAssertTrue(text.hasPrefix("-----BEGIN EC PARAMETERS-----"))
        let sk = try SigningKey(pem: text)
        let vk = try VerifyingKey(spkiPEM: try read("ecp.pub"))
        XCTAssertEqual(sk.publicKey.spkiDER, vk.spkiDER)
        // Windows line endings.
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try SigningKey(pem: crlf).publicKey.spkiDER, vk.spkiDER)
        let pubCRLF = try read("ecp.pub").replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try VerifyingKey(spkiPEM: pubCRLF).spkiDER, vk.spkiDER)
    }

    func testOtherCurvesAndTypesAreNamed() throws {
        try OpenSSLCLI.run(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", file("p384.pem")])
        try OpenSSLCLI.run(["ec", "-in", file("p384.pem"), "-pubout", "-out", file("p384.pub")])
        try OpenSSLCLI.run(["genpkey", "-algorithm", "ED448", "-out", file("ed448.pem")])
        let p384 = try read("p384.pem"), p384pub = try read("p384.pub"), ed448 = try read("ed448.pem")
        let e1 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: p384) }
        XCTAssertTrue(e1?.message.contains("secp384r1") ?? false, e1?.message ?? "")
        let e2 = assertCryptoError { () throws(CryptoError) in try VerifyingKey(spkiPEM: p384pub) }
        XCTAssertTrue(e2?.message.contains("secp384r1") ?? false, e2?.message ?? "")
        let e3 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: ed448) }
        XCTAssertTrue(e3?.message.contains("ED448") ?? false, e3?.message ?? "")
        // Encrypted PKCS#8 is refused without prompting for a password.
        try OpenSSLCLI.run(["pkcs8", "-topk8", "-in", file("p384.pem"), "-passout", "pass:secret", "-out", file("enc.pem")])
        let enc = try read("enc.pem")
        let e4 = assertCryptoError { () throws(CryptoError) in try SigningKey(pem: enc) }
        XCTAssertTrue(e4?.message.contains("encrypted") ?? false, e4?.message ?? "")
    }

    /// Test-only DER encoder for r||s, independent of the module's encoder.
    private func derFromRaw(_ raw: [UInt8]) -> [UInt8] {
        func int(_ b: ArraySlice<UInt8>) -> [UInt8] {
            var v = Array(b.drop { $0 == 0 })
            if v.isEmpty { v = [0] }
            if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
            return [0x02, UInt8(v.count)] + v
        }
        let body = int(raw[0..<32]) + int(raw[32..<64])
        return [0x30, UInt8(body.count)] + body
    }
}
