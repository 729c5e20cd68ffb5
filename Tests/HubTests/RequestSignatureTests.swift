import Foundation
@testable import Hub
import StampCrypto
import XCTest

/// The RFC 9421 profile as pure functions: what is signed, and every way a request fails.
final class RequestSignatureTests: XCTestCase, @unchecked Sendable {
    let key = try! SigningKey.generate(.eddsa)

    func parts(_ method: String = "POST", _ target: String = "/v1/devices/d1/records", body: [UInt8] = Array("{}".utf8),
               created: Int64 = t0, nonce: String = "n0nce-n0nce-n0nce-1", sign: Bool = true) -> RequestSignature.Parts {
        let p = RequestSignature.Parts(method: method, target: target, headers: [:], body: body)
        var headers: [String: String] = [:]
        if sign {
            for (n, v) in try! RequestSignature.sign(method: method, path: p.path, query: p.query, body: body, keyID: "d1", key: key,
                                                     created: created, nonce: nonce) {
                headers[n.lowercased()] = v
            }
        }
        return RequestSignature.Parts(method: method, target: target, headers: headers, body: body)
    }

    func check(_ p: RequestSignature.Parts, now: Int64 = t0, key: VerifyingKey? = nil) -> Result<Void, RequestSignature.Failure> {
        switch RequestSignature.parse(p) {
        case .failure(let f): return .failure(f)
        case .success(let parsed): return RequestSignature.verify(parsed, parts: p, key: key ?? self.key.publicKey, now: now, window: 300)
        }
    }

    func testTheSignatureBaseFollowsRFC9421() throws {
        let p = parts("GET", "/v1/devices/d1/receipt?from_seq=3", body: [])
        let parsed = try RequestSignature.parse(p).get()
        XCTAssertEqual(parsed.keyID, "d1")
        XCTAssertEqual(parsed.created, t0)
        XCTAssertEqual(parsed.alg, "ed25519")
        XCTAssertEqual(parsed.components, ["@method", "@path", "@query", "content-digest"])
        let base = String(decoding: try RequestSignature.signatureBase(components: parsed.components, paramsText: parsed.paramsText, parts: p).get(), as: UTF8.self)
        XCTAssertEqual(base, """
            "@method": GET
            "@path": /v1/devices/d1/receipt
            "@query": ?from_seq=3
            "content-digest": sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:
            "@signature-params": ("@method" "@path" "@query" "content-digest");created=\(t0);keyid="d1";nonce="n0nce-n0nce-n0nce-1";alg="ed25519"
            """)
        XCTAssertTrue(p.headers["signature"]!.hasPrefix("sig1=:"))
        XCTAssertNoThrow(try check(p).get())
    }

    func testEveryChangeBreaksTheSignature() {
        XCTAssertNoThrow(try check(parts()).get())
        var p = parts()
        p.path = "/v1/devices/d2/records"
        XCTAssertEqual(check(p).failure, .badSignature)
        p = parts()
        p.method = "PUT"
        XCTAssertEqual(check(p).failure, .badSignature)
        p = parts("POST", "/v1/devices/d1/records?x=1")
        p.query = "x=2"
        XCTAssertEqual(check(p).failure, .badSignature)
        p = parts()
        p.body = Array("{ }".utf8)
        XCTAssertEqual(check(p).failure, .digestMismatch)
        p = parts()
        p.headers["signature-input"] = p.headers["signature-input"]!.replacingOccurrences(of: "keyid=\"d1\"", with: "keyid=\"d9\"")
        XCTAssertEqual(check(p).failure, .badSignature)
        XCTAssertEqual(check(parts(), key: try! SigningKey.generate(.eddsa).publicKey).failure, .badSignature)
        XCTAssertEqual(check(parts(), key: try! SigningKey.generate(.es256).publicKey).failure, .algorithmMismatch("ed25519"))
    }

    func testTimeWindowAndMalformedFields() {
        XCTAssertEqual(check(parts(created: t0 - 301)).failure, .stale(created: t0 - 301, now: t0, window: 300))
        XCTAssertNoThrow(try check(parts(created: t0 + 300)).get())
        XCTAssertEqual(check(parts(sign: false)).failure, .missing("Signature-Input"))
        var p = parts()
        p.headers["signature-input"] = "sig1=(\"@method\" \"@path\");created=\(t0);keyid=\"d1\";nonce=\"n0nce-n0nce-n0nce-1\""
        guard case .malformed? = check(p).failure else { return XCTFail("must cover @query and content-digest") }
        p = parts(nonce: "short")
        guard case .malformed? = check(p).failure else { return XCTFail("short nonce") }
        p = parts()
        p.headers["signature"] = "sig2=:AAAA:"
        guard case .malformed? = check(p).failure else { return XCTFail("label mismatch") }
        p = parts()
        p.headers.removeValue(forKey: "content-digest")
        XCTAssertEqual(check(p).failure, .missing("Content-Digest"))
        p = parts()
        p.headers["signature-input"] = p.headers["signature-input"]!.replacingOccurrences(of: "created=\(t0)", with: "created=\"\(t0)\"")
        guard case .malformed? = check(p).failure else { return XCTFail("created must be an integer") }
        // P-256 keys sign as ecdsa-p256-sha256 with raw r||s.
        let ec = try! SigningKey.generate(.es256)
        let h = try! RequestSignature.sign(method: "GET", path: "/x", body: [], keyID: "d1", key: ec, created: t0)
        var headers: [String: String] = [:]
        for (n, v) in h { headers[n.lowercased()] = v }
        let ecParts = RequestSignature.Parts(method: "GET", path: "/x", query: nil, headers: headers, body: [])
        XCTAssertTrue(headers["signature-input"]!.contains("alg=\"ecdsa-p256-sha256\""))
        XCTAssertNoThrow(try check(ecParts, key: ec.publicKey).get())
    }

    func testRangeHeaders() {
        XCTAssertEqual(StaticFile.parseRange("bytes=0-9", size: 100), .some(0...9))
        XCTAssertEqual(StaticFile.parseRange("bytes=90-", size: 100), .some(90...99))
        XCTAssertEqual(StaticFile.parseRange("bytes=-10", size: 100), .some(90...99))
        XCTAssertEqual(StaticFile.parseRange("bytes=50-500", size: 100), .some(50...99))
        XCTAssertEqual(StaticFile.parseRange("bytes=100-", size: 100), .some(nil))
        for ignored in ["bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=x-"] {
            if case .none = StaticFile.parseRange(ignored, size: 100) { continue }
            XCTFail("\(ignored) should be ignored (whole file)")
        }
    }

    func testGzipRoundTripAndLimits() throws {
        let text = Array(String(repeating: "stampwatch ", count: 10_000).utf8)
        let gz = Gzip.compress(text)
        XCTAssertEqual(Array(gz.prefix(2)), [0x1F, 0x8B])
        XCTAssertEqual(try Gzip.decompress(gz, limit: 1 << 20), text)
        XCTAssertEqual(try Gzip.decompress(gz + Gzip.compress([1, 2, 3]), limit: 1 << 20), text + [1, 2, 3], "concatenated members")
        XCTAssertThrowsError(try Gzip.decompress(gz, limit: 1000)) { XCTAssertEqual($0 as? Gzip.Failure, .tooLarge(limit: 1000)) }
        XCTAssertThrowsError(try Gzip.decompress(Array(gz.dropLast(10)), limit: 1 << 20))
        XCTAssertThrowsError(try Gzip.decompress(Array("plain".utf8), limit: 1 << 20))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
