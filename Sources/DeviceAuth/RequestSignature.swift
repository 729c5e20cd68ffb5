import Foundation
import StampCrypto

/// Device request signatures: a fixed profile of HTTP Message Signatures (RFC 9421) over a
/// Content-Digest (RFC 9530), as pure functions of the request's values.
///
/// The profile (docs/openapi.yaml, "Request signatures"):
/// - `Content-Digest: sha-256=:BASE64(SHA-256(body as sent)):` — the body after any Content-Encoding.
/// - `Signature-Input: sig1=("@method" "@path" "@query" "content-digest");created=EPOCH;keyid="DEVICE";nonce="N";alg="ed25519"`
///   (`alg` may be left out; it is `ecdsa-p256-sha256` for P-256 keys). These four components are required;
///   other header fields may be covered too.
/// - `Signature: sig1=:BASE64(signature):` — Ed25519, or ECDSA P-256 over SHA-256 as raw r‖s (64 bytes).
///
/// Why RFC 9421 and not a home-made header: it names exactly what is covered, so a wrong path, method,
/// query or body fails the same check, and any HTTP library that speaks the RFC can talk to the hub.
/// Why a nonce as well as `created`: a copy replayed inside the time window carries a nonce the hub has seen.
public enum RequestSignature {
    /// The components every signed request must cover.
    public static let requiredComponents = ["@method", "@path", "@query", "content-digest"]

    /// What the hub needs from a request to check its signature (header names lower-case).
    public struct Parts: Sendable {
        public var method: String
        /// The path as sent, without the query (percent-encoding kept).
        public var path: String
        /// The query as sent, without the leading "?"; nil when the target has none.
        public var query: String?
        /// Header fields by lower-case name; repeated fields joined with ", " (RFC 9110 §5.3).
        public var headers: [String: String]
        /// The body exactly as received (before any content decoding).
        public var body: [UInt8]

        public init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }

        /// Splits a request target ("/a/b?x=1") into path and query.
        public init(method: String, target: String, headers: [String: String], body: [UInt8]) {
            if let q = target.firstIndex(of: "?") {
                self.init(method: method, path: String(target[..<q]), query: String(target[target.index(after: q)...]),
                          headers: headers, body: body)
            } else {
                self.init(method: method, path: target, query: nil, headers: headers, body: body)
            }
        }
    }

    /// One parsed Signature-Input member and its signature.
    public struct Parsed: Sendable, Equatable {
        public var label: String
        public var components: [String]
        public var created: Int64
        public var keyID: String
        public var nonce: String
        public var alg: String?
        public var expires: Int64?
        /// The member value as received: the `@signature-params` line of the signature base.
        public var paramsText: String
        public var signature: [UInt8]
    }

    /// Why a request's signature was refused (all map to 401 except where the router says otherwise).
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        case digestMismatch
        case stale(created: Int64, now: Int64, window: Int64)
        case expired
        case algorithmMismatch(String)
        case badSignature

        public var description: String {
            switch self {
            case .missing(let what): return "the request is not signed: \(what) is missing"
            case .malformed(let what): return "the request signature is malformed: \(what)"
            case .digestMismatch: return "the Content-Digest does not match the body"
            case .stale(let c, let n, let w):
                return "the signature was created at \(c), \(abs(n - c)) s from the hub's clock (\(n)); more than the \(w) s allowed. Check the device clock and sign again"
            case .expired: return "the signature has expired"
            case .algorithmMismatch(let alg): return "alg \"\(alg)\" does not match the device's key"
            case .badSignature: return "the signature does not verify with the device's key (wrong key, or the method, path, query or body changed)"
            }
        }
    }

    // MARK: Signing (the device's side; the hub's tests use it too)

    /// The three header fields for a request signed with `key` under `keyID`.
    public static func sign(method: String, path: String, query: String? = nil, body: [UInt8], keyID: String,
                            key: SigningKey, created: Int64, nonce: String = randomNonce()) throws(CryptoError) -> [(name: String, value: String)] {
        let digest = contentDigest(body)
        let alg = key.algorithm == .eddsa ? "ed25519" : "ecdsa-p256-sha256"
        let params = "(" + requiredComponents.map { "\"\($0)\"" }.joined(separator: " ") + ")"
            + ";created=\(created);keyid=\(sfString(keyID));nonce=\(sfString(nonce));alg=\"\(alg)\""
        let base = signatureBase(components: requiredComponents, paramsText: params,
                                 parts: Parts(method: method, path: path, query: query, headers: ["content-digest": digest], body: body))
        guard case .success(let base) = base else { throw CryptoError("cannot build the signature base") }
        let sig = try key.sign(base)
        return [("Content-Digest", digest), ("Signature-Input", "sig1=" + params),
                ("Signature", "sig1=:" + Data(sig).base64EncodedString() + ":")]
    }

    /// 16 random bytes, base64url without padding (22 characters).
    public static func randomNonce() -> String { base64url(SecureRandom.bytes(16)) }

    /// `sha-256=:…:` of the bytes.
    public static func contentDigest(_ body: [UInt8]) -> String {
        "sha-256=:" + Data(SHA256.hash(body)).base64EncodedString() + ":"
    }

    // MARK: Verification (the hub's side)

    /// Parses the Signature-Input and Signature fields (first label present in both).
    public static func parse(_ parts: Parts) -> Result<Parsed, Failure> {
        guard let inputField = parts.headers["signature-input"] else { return .failure(.missing("Signature-Input")) }
        guard let sigField = parts.headers["signature"] else { return .failure(.missing("Signature")) }
        guard let inputs = splitDictionary(inputField), let sigs = splitDictionary(sigField) else {
            return .failure(.malformed("Signature-Input or Signature is not a structured-field dictionary"))
        }
        guard let (label, paramsText) = inputs.first(where: { i in sigs.contains { $0.0 == i.0 } }) else {
            return .failure(.malformed("no label appears in both Signature-Input and Signature"))
        }
        let sigText = sigs.first { $0.0 == label }!.1
        guard sigText.count >= 2, sigText.hasPrefix(":"), sigText.hasSuffix(":"),
              let sig = Data(base64Encoded: String(sigText.dropFirst().dropLast())) else {
            return .failure(.malformed("Signature \(label) is not a byte sequence (:base64:)"))
        }
        var scanner = Scanner(paramsText)
        guard let components = scanner.innerList() else {
            return .failure(.malformed("Signature-Input \(label) does not start with a list of quoted component names"))
        }
        var created: Int64?, keyID: String?, nonce: String?, alg: String?, expires: Int64?
        while !scanner.atEnd {
            guard let (name, value) = scanner.parameter() else {
                return .failure(.malformed("Signature-Input \(label) has a malformed parameter near \"\(scanner.rest.prefix(20))\""))
            }
            switch (name, value) {
            case ("created", .integer(let v)): created = v
            case ("expires", .integer(let v)): expires = v
            case ("keyid", .string(let v)): keyID = v
            case ("nonce", .string(let v)): nonce = v
            case ("alg", .string(let v)): alg = v
            case ("created", _), ("expires", _), ("keyid", _), ("nonce", _), ("alg", _):
                return .failure(.malformed("Signature-Input parameter \(name) has the wrong type"))
            default: continue  // unknown parameters are covered by the signature and otherwise ignored
            }
        }
        guard let created else { return .failure(.missing("the created parameter")) }
        guard let keyID, !keyID.isEmpty else { return .failure(.missing("the keyid parameter")) }
        guard let nonce else { return .failure(.missing("the nonce parameter")) }
        guard (16...128).contains(nonce.utf8.count), nonce.utf8.allSatisfy(isNonceByte) else {
            return .failure(.malformed("the nonce must be 16 to 128 characters of A-Z a-z 0-9 - _ . ~ + / ="))
        }
        for required in requiredComponents where !components.contains(required) {
            return .failure(.malformed("the signature does not cover \"\(required)\" (required: \(requiredComponents.joined(separator: " ")))"))
        }
        guard Set(components).count == components.count else { return .failure(.malformed("a component is listed twice")) }
        return .success(Parsed(label: label, components: components, created: created, keyID: keyID, nonce: nonce,
                               alg: alg, expires: expires, paramsText: paramsText, signature: [UInt8](sig)))
    }

    /// Checks digest, time window and signature. The caller has looked up the key by `parsed.keyID` and
    /// records the nonce afterwards (replays are the store's to refuse).
    public static func verify(_ parsed: Parsed, parts: Parts, key: VerifyingKey, now: Int64, window: Int64) -> Result<Void, Failure> {
        guard let digestField = parts.headers["content-digest"] else { return .failure(.missing("Content-Digest")) }
        guard let digests = splitDictionary(digestField), let sha = digests.first(where: { $0.0 == "sha-256" })?.1 else {
            return .failure(.malformed("Content-Digest has no sha-256 member"))
        }
        guard sha == ":" + Data(SHA256.hash(parts.body)).base64EncodedString() + ":" else { return .failure(.digestMismatch) }
        guard abs(now - parsed.created) <= window else { return .failure(.stale(created: parsed.created, now: now, window: window)) }
        if let e = parsed.expires, e < now { return .failure(.expired) }
        let expected = key.algorithm == .eddsa ? "ed25519" : "ecdsa-p256-sha256"
        if let alg = parsed.alg, alg != expected { return .failure(.algorithmMismatch(alg)) }
        switch signatureBase(components: parsed.components, paramsText: parsed.paramsText, parts: parts) {
        case .failure(let f): return .failure(f)
        case .success(let base):
            return key.verify(signature: parsed.signature, message: base) ? .success(()) : .failure(.badSignature)
        }
    }

    /// The RFC 9421 §2.5 signature base.
    public static func signatureBase(components: [String], paramsText: String, parts: Parts) -> Result<[UInt8], Failure> {
        var lines: [String] = []
        for c in components {
            let value: String
            switch c {
            case "@method": value = parts.method.uppercased()
            case "@path": value = parts.path.isEmpty ? "/" : parts.path
            case "@query": value = "?" + (parts.query ?? "")
            case let name where name.hasPrefix("@"):
                return .failure(.malformed("derived component \(name) is not supported"))
            case let name:
                guard name == name.lowercased() else { return .failure(.malformed("component \(name) must be lower-case")) }
                guard let v = parts.headers[name] else { return .failure(.missing("the covered header field \(name)")) }
                value = v.trimmingCharacters(in: .whitespaces)
            }
            guard !value.contains("\n"), !value.contains("\r") else { return .failure(.malformed("component \(c) contains a line break")) }
            lines.append("\"\(c)\": \(value)")
        }
        lines.append("\"@signature-params\": \(paramsText)")
        return .success(Array(lines.joined(separator: "\n").utf8))
    }

    // MARK: Structured-field helpers (RFC 8941, the subset the profile uses)

    static func isNonceByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x7E || b == 0x2B || b == 0x2F || b == 0x3D
    }

    static func sfString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Splits a dictionary field into (key, value-as-text) members, respecting quotes and parentheses.
    static func splitDictionary(_ field: String) -> [(String, String)]? {
        var members: [(String, String)] = []
        var current = "", inString = false, escaped = false, depth = 0
        func flush() -> Bool {
            let m = current.trimmingCharacters(in: .whitespaces)
            current = ""
            guard let eq = m.firstIndex(of: "=") else { return false }
            let key = String(m[..<eq])
            guard !key.isEmpty, key.allSatisfy({ $0.isLowercase || $0.isNumber || "_-.*".contains($0) }) else { return false }
            members.append((key, String(m[m.index(after: eq)...])))
            return true
        }
        for ch in field {
            if inString {
                current.append(ch)
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
                continue
            }
            switch ch {
            case "\"": inString = true; current.append(ch)
            case "(": depth += 1; current.append(ch)
            case ")": depth -= 1; current.append(ch)
            case "," where depth == 0: guard flush() else { return nil }
            default: current.append(ch)
            }
        }
        guard !inString, depth == 0, flush() else { return nil }
        return members
    }

    enum BareItem: Equatable { case integer(Int64), string(String), token(String) }

    struct Scanner {
        var chars: [Character]
        var i = 0
        init(_ s: String) { chars = Array(s) }
        var atEnd: Bool { i >= chars.count }
        var rest: String { String(chars[min(i, chars.count)...]) }

        mutating func string() -> String? {
            guard i < chars.count, chars[i] == "\"" else { return nil }
            i += 1
            var out = ""
            while i < chars.count {
                let c = chars[i]
                i += 1
                if c == "\\" {
                    guard i < chars.count, chars[i] == "\"" || chars[i] == "\\" else { return nil }
                    out.append(chars[i]); i += 1
                } else if c == "\"" {
                    return out
                } else {
                    guard let a = c.asciiValue, a >= 0x20, a < 0x7F else { return nil }
                    out.append(c)
                }
            }
            return nil
        }

        /// `("a" "b")` — component names without parameters.
        mutating func innerList() -> [String]? {
            guard i < chars.count, chars[i] == "(" else { return nil }
            i += 1
            var items: [String] = []
            while i < chars.count {
                if chars[i] == ")" { i += 1; return items }
                if chars[i] == " " && !items.isEmpty { i += 1; continue }
                guard let s = string() else { return nil }
                if i < chars.count, chars[i] == ";" { return nil }  // component parameters (;sf, ;key) unsupported
                items.append(s)
            }
            return nil
        }

        /// `;name=value`
        mutating func parameter() -> (String, BareItem)? {
            guard i < chars.count, chars[i] == ";" else { return nil }
            i += 1
            var name = ""
            while i < chars.count, chars[i].isLowercase || chars[i].isNumber || "_-.*".contains(chars[i]) {
                name.append(chars[i]); i += 1
            }
            guard !name.isEmpty else { return nil }
            guard i < chars.count, chars[i] == "=" else { return (name, .token("?1")) }
            i += 1
            guard i < chars.count else { return nil }
            if chars[i] == "\"" { return string().map { (name, .string($0)) } }
            var num = ""
            if chars[i] == "-" { num.append("-"); i += 1 }
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { num.append(chars[i]); i += 1 }
            if num.count > (num.hasPrefix("-") ? 1 : 0), num.count <= 16, let v = Int64(num) { return (name, .integer(v)) }
            var tok = num
            while i < chars.count, chars[i] != ";" { tok.append(chars[i]); i += 1 }
            return tok.isEmpty ? nil : (name, .token(tok))
        }
    }
}
