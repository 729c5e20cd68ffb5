import StampCrypto
import StrictJSON

/// One metadata file of this repository, parsed: `{"signatures": [...], "signed": {...}}`.
struct Envelope: Sendable {
    struct Signature: Sendable {
        let keyID: String
        let hex: String
    }

    let file: String
    let signed: JSONObject
    let signatures: [Signature]
    /// The file's bytes, as written.
    let bytes: [UInt8]
    let version: Int64
    let expires: Int64
    /// The canonical JSON of `signed`: what the signatures cover.
    let signedBytes: [UInt8]

    init(bytes: [UInt8], file: String, expectedType: String) throws(TUFRepositoryError) {
        func fail(_ why: String) -> TUFRepositoryError {
            TUFRepositoryError(.dataError, "\(file) is not valid \(expectedType) metadata: \(why).")
        }
        self.file = file
        self.bytes = bytes
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw fail("not JSON (\(error))")
        }
        guard case .object(let signed)? = document["signed"] else { throw fail("no \"signed\" object") }
        guard signed["_type"]?.stringValue == expectedType else {
            throw fail("_type is \(signed["_type"].map { "\($0)" } ?? "missing")")
        }
        guard let version = signed["version"]?.integerValue, version >= 1 else { throw fail("no valid version") }
        guard let text = signed["expires"]?.stringValue, let expires = UTCTime.parse(text) else { throw fail("no valid expires") }
        guard let list = document["signatures"]?.arrayValue else { throw fail("no \"signatures\" list") }
        var signatures: [Signature] = []
        for entry in list {
            guard let id = entry["keyid"]?.stringValue, let sig = entry["sig"]?.stringValue else { throw fail("a signature lacks keyid or sig") }
            signatures.append(Signature(keyID: id, hex: sig))
        }
        do {
            signedBytes = try JSONValue.object(signed).canonicalBytes()
        } catch {
            throw fail("\"signed\" has no canonical form (\(error))")
        }
        self.signed = signed
        self.signatures = signatures
        self.version = version
        self.expires = expires
    }

    /// The file bytes of `signed`, signed by each of `keys` (pretty JSON with a final newline).
    static func sign(_ signed: JSONObject, with keys: [RoleKey]) throws(TUFRepositoryError) -> [UInt8] {
        let message: [UInt8]
        do {
            message = try JSONValue.object(signed).canonicalBytes()
        } catch {
            throw TUFRepositoryError(.software, "metadata cannot be encoded as canonical JSON: \(error).")
        }
        var signatures: [JSONValue] = []
        for key in keys.sorted(by: { $0.keyID < $1.keyID }) {
            let sig: [UInt8]
            do {
                sig = try key.signingKey.sign(message)
            } catch {
                throw TUFRepositoryError(.software, "signing with key \(key.keyID) failed: \(error).")
            }
            signatures.append(.object(JSONObject([("keyid", .string(key.keyID)), ("sig", .string(Hex.encode(sig)))])))
        }
        let document = JSONValue.object(JSONObject([("signatures", .array(signatures)), ("signed", .object(signed))]))
        return document.serializedBytes(pretty: true) + [0x0A]
    }

    /// The common head of every role's `signed`: `_type`, `spec_version`, `version`, `expires`.
    static func header(type: String, spec: String, version: Int64, expires: Int64) -> [(String, JSONValue)] {
        [("_type", .string(type)), ("spec_version", .string(spec)), ("version", .integer(version)),
         ("expires", .string(UTCTime.format(expires)))]
    }
}

/// What root says about one role.
struct RoleEntry: Sendable, Equatable {
    var keyIDs: [String]
    var threshold: Int
}

/// Root metadata: keys and roles, with the signature checks the publisher needs.
struct Root: Sendable {
    let envelope: Envelope
    /// Key id → Ed25519 public key in hex (keys of other types are kept out: this repository never
    /// makes them, and they cannot sign for it).
    let publicKeys: [String: String]
    let roles: [TopLevelRole: RoleEntry]
    var version: Int64 { envelope.version }
    var expires: Int64 { envelope.expires }

    init(_ envelope: Envelope) throws(TUFRepositoryError) {
        func fail(_ why: String) -> TUFRepositoryError {
            TUFRepositoryError(.dataError, "\(envelope.file) is not valid root metadata: \(why).")
        }
        self.envelope = envelope
        guard case .object(let keys)? = envelope.signed["keys"] else { throw fail("no keys object") }
        var publicKeys: [String: String] = [:]
        for (id, value) in keys {
            if value["keytype"]?.stringValue == KeyFormat.keyType, value["scheme"]?.stringValue == KeyFormat.scheme,
               let hex = value["keyval"]?["public"]?.stringValue {
                publicKeys[id] = hex
            }
        }
        self.publicKeys = publicKeys
        guard case .object(let rolesObject)? = envelope.signed["roles"] else { throw fail("no roles object") }
        var roles: [TopLevelRole: RoleEntry] = [:]
        for role in TopLevelRole.allCases {
            guard let entry = rolesObject[role.rawValue], let ids = entry["keyids"]?.arrayValue,
                  let threshold = entry["threshold"]?.intValue, threshold >= 1 else {
                throw fail("role \(role) is missing or malformed")
            }
            roles[role] = RoleEntry(keyIDs: ids.compactMap(\.stringValue), threshold: threshold)
        }
        self.roles = roles
        guard envelope.signed["consistent_snapshot"]?.boolValue == true else {
            throw fail("consistent_snapshot is not true (this publisher only maintains consistent-snapshot repositories)")
        }
    }

    /// Key ids of `role` whose valid signature `envelope` carries.
    func validSigners(of envelope: Envelope, for role: TopLevelRole) -> Set<String> {
        var valid = Set<String>()
        for id in roles[role]!.keyIDs {
            guard let hex = publicKeys[id], let raw = Hex.decode(hex), let key = try? VerifyingKey(ed25519Raw: raw) else { continue }
            for s in envelope.signatures where s.keyID == id {
                if let sig = Hex.decode(s.hex), key.verify(signature: sig, message: envelope.signedBytes) {
                    valid.insert(id)
                    break
                }
            }
        }
        return valid
    }

    /// True when `envelope` carries valid signatures of at least the threshold of `role`'s keys.
    func meetsThreshold(_ envelope: Envelope, for role: TopLevelRole) -> Bool {
        validSigners(of: envelope, for: role).count >= roles[role]!.threshold
    }

    /// The `signed` object of a root, keys and roles in a stable order.
    static func signed(spec: String, version: Int64, expires: Int64, keys: [String: String],
                       roles: [TopLevelRole: RoleEntry]) -> JSONObject {
        var keyObject = JSONObject()
        for id in keys.keys.sorted() {
            keyObject[id] = .object(KeyFormat.publicKeyObject(publicHex: keys[id]!))
        }
        var roleObject = JSONObject()
        for role in [TopLevelRole.root, .snapshot, .targets, .timestamp] {
            let entry = roles[role]!
            roleObject[role.rawValue] = .object(JSONObject([
                ("keyids", .array(entry.keyIDs.map(JSONValue.string))),
                ("threshold", .integer(Int64(entry.threshold))),
            ]))
        }
        return JSONObject(Envelope.header(type: "root", spec: spec, version: version, expires: expires) + [
            ("consistent_snapshot", .bool(true)),
            ("keys", .object(keyObject)),
            ("roles", .object(roleObject)),
        ])
    }
}

/// `{"version": N, "length": L, "hashes": {"sha256": …, "sha512": …}}`, as timestamp lists
/// snapshot and snapshot lists targets.json.
func metaFileEntry(version: Int64, bytes: [UInt8]) -> JSONValue {
    .object(JSONObject([
        ("version", .integer(version)),
        ("length", .integer(Int64(bytes.count))),
        ("hashes", hashesObject(bytes)),
    ]))
}

/// sha256 first: clients fetch hash-prefixed targets by the first listed hash (python-tuf and
/// TUFClient alike), and the file is stored under its SHA-256 name.
func hashesObject(_ bytes: [UInt8]) -> JSONValue {
    .object(JSONObject([
        ("sha256", .string(Hex.encode(SHA256.hash(bytes)))),
        ("sha512", .string(Hex.encode(SHA512.hash(bytes)))),
    ]))
}

/// Checks `bytes` against a `meta` entry's version-independent parts (length, sha256, sha512).
func matchesMetaEntry(_ entry: JSONValue?, bytes: [UInt8]) -> Bool {
    guard let entry else { return false }
    if let length = entry["length"]?.integerValue, length != Int64(bytes.count) { return false }
    guard let hashes = entry["hashes"]?.objectValue else { return true }
    for (algorithm, digest) in hashes {
        switch algorithm {
        case "sha256": if digest.stringValue?.lowercased() != Hex.encode(SHA256.hash(bytes)) { return false }
        case "sha512": if digest.stringValue?.lowercased() != Hex.encode(SHA512.hash(bytes)) { return false }
        default: continue
        }
    }
    return true
}
