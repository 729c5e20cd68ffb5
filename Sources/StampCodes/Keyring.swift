import Foundation
import StampCrypto
import StrictJSON

/// A public signing key the verifier trusts, with its validity window.
public struct SignerKey: Sendable {
    public var kid: [UInt8]
    public var algorithm: SignatureAlgorithm
    public var publicKey: VerifyingKey
    public var issuer: String
    public var notBefore: Int64
    public var notAfter: Int64
    public var revokedAt: Int64?

    public init(kid: [UInt8], algorithm: SignatureAlgorithm, publicKey: VerifyingKey, issuer: String,
                notBefore: Int64, notAfter: Int64, revokedAt: Int64? = nil) {
        self.kid = kid
        self.algorithm = algorithm
        self.publicKey = publicKey
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.revokedAt = revokedAt
    }
}

/// A symmetric data key that lets a field device read (not forge) codes of one period.
public struct DataKey: Sendable {
    public var kid: [UInt8]
    public var key: [UInt8]
    public var notBefore: Int64
    public var notAfter: Int64

    public init(kid: [UInt8], key: [UInt8], notBefore: Int64, notAfter: Int64) {
        self.kid = kid
        self.key = key
        self.notBefore = notBefore
        self.notAfter = notAfter
    }
}

/// What is wrong with a keyring file, naming the entry and field.
public struct KeyringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// e.g. `signing_keys[2]`, or `keyring` for the document itself.
    public var entry: String
    public var field: String?
    public var problem: String

    public var description: String {
        if let field { return "\(entry).\(field): \(problem)" }
        return "\(entry): \(problem)"
    }
}

/// The verifier's trust list: signing keys (public) and data keys (symmetric), by key id.
public struct Keyring: Sendable {
    public private(set) var signingKeys: [SignerKey]
    public private(set) var dataKeys: [DataKey]
    private var signerIndex: [[UInt8]: Int] = [:]
    private var dataIndex: [[UInt8]: Int] = [:]

    public static let empty = Keyring()

    public init() {
        signingKeys = []
        dataKeys = []
    }

    /// Builds a keyring; duplicate key ids are refused.
    public init(signingKeys: [SignerKey], dataKeys: [DataKey]) throws(KeyringError) {
        self.init()
        for (i, k) in signingKeys.enumerated() {
            guard signerIndex[k.kid] == nil else {
                throw KeyringError(entry: "signing_keys[\(i)]", field: "kid", problem: "duplicate key id \(Hex.encode(k.kid))")
            }
            signerIndex[k.kid] = i
        }
        for (i, k) in dataKeys.enumerated() {
            guard dataIndex[k.kid] == nil else {
                throw KeyringError(entry: "data_keys[\(i)]", field: "kid", problem: "duplicate key id \(Hex.encode(k.kid))")
            }
            dataIndex[k.kid] = i
        }
        self.signingKeys = signingKeys
        self.dataKeys = dataKeys
    }

    /// A copy that shares no reference-counted storage with this one (keys re-created, arrays and strings
    /// copied). Each verifying thread gets its own, so threads never contend on the same reference counts.
    public func independentCopy() -> Keyring {
        func fresh(_ b: [UInt8]) -> [UInt8] { b.map { $0 } }
        func fresh(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }
        let signers = signingKeys.map { k in
            SignerKey(kid: fresh(k.kid), algorithm: k.algorithm,
                      publicKey: (try? VerifyingKey(spkiDER: fresh(k.publicKey.spkiDER))) ?? k.publicKey,
                      issuer: fresh(k.issuer), notBefore: k.notBefore, notAfter: k.notAfter, revokedAt: k.revokedAt)
        }
        let datas = dataKeys.map { DataKey(kid: fresh($0.kid), key: fresh($0.key), notBefore: $0.notBefore, notAfter: $0.notAfter) }
        return (try? Keyring(signingKeys: signers, dataKeys: datas)) ?? self
    }

    public func signer(kid: [UInt8]) -> SignerKey? { signerIndex[kid].map { signingKeys[$0] } }
    public func dataKey(kid: [UInt8]) -> DataKey? { dataIndex[kid].map { dataKeys[$0] } }
    public var isEmpty: Bool { signingKeys.isEmpty && dataKeys.isEmpty }

    // MARK: JSON

    /// Parses the keyring JSON format of docs/stamp-code.md. Unknown fields are ignored.
    public static func parse(_ bytes: [UInt8]) throws(KeyringError) -> Keyring {
        let doc: JSONValue
        do {
            doc = try JSONParser.parse(bytes)
        } catch {
            throw KeyringError(entry: "keyring", field: nil, problem: "not valid JSON: \(error)")
        }
        guard case .object(let root) = doc else {
            throw KeyringError(entry: "keyring", field: nil, problem: "must be a JSON object with signing_keys and data_keys, found \(doc.typeName)")
        }
        func list(_ name: String) throws(KeyringError) -> [JSONValue] {
            guard let v = root[name] else {
                throw KeyringError(entry: "keyring", field: name, problem: "is missing (use [] for none)")
            }
            guard case .array(let a) = v else {
                throw KeyringError(entry: "keyring", field: name, problem: "must be an array, found \(v.typeName)")
            }
            return a
        }
        var signers: [SignerKey] = []
        for (i, item) in try list("signing_keys").enumerated() {
            signers.append(try parseSigner(item, entry: "signing_keys[\(i)]"))
        }
        var datas: [DataKey] = []
        for (i, item) in try list("data_keys").enumerated() {
            datas.append(try parseDataKey(item, entry: "data_keys[\(i)]"))
        }
        return try Keyring(signingKeys: signers, dataKeys: datas)
    }

    private struct Fields {
        let object: JSONObject
        let entry: String

        func error(_ field: String, _ problem: String) -> KeyringError {
            KeyringError(entry: entry, field: field, problem: problem)
        }
        func string(_ field: String) throws(KeyringError) -> String {
            guard let v = object[field] else { throw error(field, "is missing") }
            guard case .string(let s) = v else { throw error(field, "must be a string, found \(v.typeName)") }
            return s
        }
        func optionalString(_ field: String) throws(KeyringError) -> String? {
            guard let v = object[field], !v.isNull else { return nil }
            guard case .string(let s) = v else { throw error(field, "must be a string or null, found \(v.typeName)") }
            return s
        }
        func time(_ field: String) throws(KeyringError) -> Int64 {
            let s = try string(field)
            guard let t = RFC3339.parse(s) else { throw error(field, "\"\(s)\" is not an RFC 3339 time such as 2026-01-31T00:00:00Z") }
            return t
        }
        func optionalTime(_ field: String) throws(KeyringError) -> Int64? {
            guard let s = try optionalString(field) else { return nil }
            guard let t = RFC3339.parse(s) else { throw error(field, "\"\(s)\" is not an RFC 3339 time such as 2026-01-31T00:00:00Z, or null") }
            return t
        }
        func kid() throws(KeyringError) -> [UInt8] {
            let s = try string("kid")
            guard !s.isEmpty, s.utf8.count % 2 == 0, let b = Hex.decode(s) else {
                throw error("kid", "\"\(s)\" is not a non-empty hexadecimal key id")
            }
            return b
        }
        func window() throws(KeyringError) -> (Int64, Int64) {
            let nb = try time("not_before")
            let na = try time("not_after")
            guard nb <= na else { throw error("not_after", "is earlier than not_before") }
            return (nb, na)
        }
    }

    private static func parseSigner(_ item: JSONValue, entry: String) throws(KeyringError) -> SignerKey {
        guard case .object(let o) = item else {
            throw KeyringError(entry: entry, field: nil, problem: "must be an object, found \(item.typeName)")
        }
        let f = Fields(object: o, entry: entry)
        let kid = try f.kid()
        let algName = try f.string("alg")
        guard let alg = SignatureAlgorithm(rawValue: algName) else {
            throw f.error("alg", "\"\(algName)\" is not ES256 or EdDSA")
        }
        let pem = try f.string("public_key_pem")
        let key: VerifyingKey
        do {
            key = try VerifyingKey(spkiPEM: pem)
        } catch {
            throw f.error("public_key_pem", "is not a readable SPKI public key PEM (\(error))")
        }
        guard key.algorithm == alg else {
            throw f.error("public_key_pem", "holds a \(key.kindName) key, which does not match alg \(algName)")
        }
        let issuer = try f.optionalString("issuer") ?? ""
        let (nb, na) = try f.window()
        let revoked = try f.optionalTime("revoked_at")
        return SignerKey(kid: kid, algorithm: alg, publicKey: key, issuer: issuer, notBefore: nb, notAfter: na, revokedAt: revoked)
    }

    private static func parseDataKey(_ item: JSONValue, entry: String) throws(KeyringError) -> DataKey {
        guard case .object(let o) = item else {
            throw KeyringError(entry: entry, field: nil, problem: "must be an object, found \(item.typeName)")
        }
        let f = Fields(object: o, entry: entry)
        let kid = try f.kid()
        let alg = try f.string("alg")
        guard alg == "A256GCM" else { throw f.error("alg", "\"\(alg)\" is not A256GCM") }
        let b64 = try f.string("key")
        guard let data = Data(base64Encoded: b64) else { throw f.error("key", "is not valid base64") }
        guard data.count == 32 else { throw f.error("key", "decodes to \(data.count) bytes; an A256GCM key has 32") }
        let (nb, na) = try f.window()
        return DataKey(kid: kid, key: Array(data), notBefore: nb, notAfter: na)
    }

    /// The keyring as JSON, in the documented format.
    public func jsonValue() -> JSONValue {
        let signers: [JSONValue] = signingKeys.map { k in
            .object(JSONObject([
                ("kid", .string(Hex.encode(k.kid))),
                ("alg", .string(k.algorithm.rawValue)),
                ("public_key_pem", .string(k.publicKey.spkiPEM)),
                ("issuer", .string(k.issuer)),
                ("not_before", .string(RFC3339.format(k.notBefore))),
                ("not_after", .string(RFC3339.format(k.notAfter))),
                ("revoked_at", k.revokedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ]))
        }
        let datas: [JSONValue] = dataKeys.map { k in
            .object(JSONObject([
                ("kid", .string(Hex.encode(k.kid))),
                ("alg", .string("A256GCM")),
                ("key", .string(Data(k.key).base64EncodedString())),
                ("not_before", .string(RFC3339.format(k.notBefore))),
                ("not_after", .string(RFC3339.format(k.notAfter))),
            ]))
        }
        return .object(JSONObject([("signing_keys", .array(signers)), ("data_keys", .array(datas))]))
    }
}

extension VerifyingKey {
    var kindName: String {
        switch kind {
        case .p256: "P-256 (ES256)"
        case .ed25519: "Ed25519 (EdDSA)"
        case .rsa(let bits): "RSA-\(bits)"
        }
    }
}
