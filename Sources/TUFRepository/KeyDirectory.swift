import StampCrypto
import StrictJSON

/// A private role key loaded from the keys directory.
struct RoleKey: Sendable {
    let keyID: String
    let signingKey: SigningKey
    /// The 32-byte Ed25519 public key in hex (`keyval.public`).
    let publicHex: String
    /// The file it was loaded from or written to.
    let path: String

    init(signingKey: SigningKey, path: String) {
        self.signingKey = signingKey
        self.publicHex = Hex.encode(signingKey.publicKey.rawPublicKey)
        self.keyID = KeyFormat.keyID(publicHex: publicHex)
        self.path = path
    }
}

/// The securesystemslib form of an Ed25519 key, as root lists it.
enum KeyFormat {
    static let keyType = "ed25519"
    static let scheme = "ed25519"

    /// `{"keytype": "ed25519", "keyval": {"public": HEX}, "scheme": "ed25519"}`.
    static func publicKeyObject(publicHex: String) -> JSONObject {
        JSONObject([
            ("keytype", .string(keyType)),
            ("keyval", .object(JSONObject([("public", .string(publicHex))]))),
            ("scheme", .string(scheme)),
        ])
    }

    /// securesystemslib's default key id: hex SHA-256 of the canonical JSON of the key object.
    static func keyID(publicHex: String) -> String {
        // Canonical encoding of strings, objects and no numbers cannot fail.
        let bytes = (try? JSONValue.object(publicKeyObject(publicHex: publicHex)).canonicalBytes()) ?? []
        return Hex.encode(SHA256.hash(bytes))
    }
}

/// The keys directory: one PKCS#8 PEM file per private key, named `ROLE-KEYID.pem`, mode 0600.
/// Retired keys (after a rotation) are moved to `retired/`, never deleted. Files with other names
/// (for example the stamp issuer's `signing-*.pem` and `keyring.json`) are ignored, so the
/// directory may be shared with `keys generate`.
///
/// The role in the file name is informative only: which role a key signs for is decided by the
/// root metadata listing its key id.
struct KeyDirectory: Sendable {
    let path: String

    var retiredPath: String { path + "/retired" }

    /// True for names this directory manages: `root-…`, `timestamp-…`, `snapshot-…`, `targets-…` ending in ".pem".
    static func isKeyFileName(_ name: String) -> Bool {
        guard name.hasSuffix(".pem"), !name.hasPrefix(".") else { return false }
        return TopLevelRole.allCases.contains { name.hasPrefix($0.rawValue + "-") }
    }

    /// Names of the key files present (not retired).
    func keyFileNames() -> [String] {
        (FileSystem.list(path) ?? []).filter(KeyDirectory.isKeyFileName)
    }

    /// Every key in the directory, by key id.
    func loadAll() throws(TUFRepositoryError) -> [String: RoleKey] {
        guard FileSystem.isDirectory(path) else {
            throw TUFRepositoryError(.noInput, "keys directory \(path) does not exist (give the directory `publish --init` wrote the keys to).")
        }
        var keys: [String: RoleKey] = [:]
        for name in keyFileNames() {
            let file = path + "/" + name
            if let mode = FileSystem.permissions(file), mode & 0o077 != 0 {
                throw TUFRepositoryError(.noPermission, "private key \(file) is accessible to other users (mode \(String(mode, radix: 8))); run `chmod 600 \(file)`.")
            }
            let pem = String(decoding: try FileSystem.read(file, what: "key file"), as: UTF8.self)
            let signingKey: SigningKey
            do {
                signingKey = try SigningKey(pem: pem)
            } catch {
                throw TUFRepositoryError(.dataError, "key file \(file) is not a usable private key: \(error).")
            }
            guard signingKey.algorithm == .eddsa else {
                throw TUFRepositoryError(.dataError, "key file \(file) holds a \(signingKey.algorithm.rawValue) key; TUF role keys here are Ed25519.")
            }
            let key = RoleKey(signingKey: signingKey, path: file)
            keys[key.keyID] = key
        }
        return keys
    }

    /// Makes `count` new Ed25519 keys for `role` (in memory; `write` puts them on disk).
    static func generate(role: TopLevelRole, count: Int, in directory: String) throws(TUFRepositoryError) -> [RoleKey] {
        var out: [RoleKey] = []
        for _ in 0..<count {
            let k: SigningKey
            do {
                k = try SigningKey.generate(.eddsa)
            } catch {
                throw TUFRepositoryError(.software, "cannot generate an Ed25519 key: \(error).")
            }
            let publicHex = Hex.encode(k.publicKey.rawPublicKey)
            out.append(RoleKey(signingKey: k, path: directory + "/\(role.rawValue)-\(KeyFormat.keyID(publicHex: publicHex)).pem"))
        }
        return out
    }

    /// Writes a new key file (mode 0600), refusing to replace an existing one.
    func write(_ key: RoleKey) throws(TUFRepositoryError) {
        guard !FileSystem.exists(key.path) else {
            throw TUFRepositoryError(.cantCreate, "key file \(key.path) already exists; refusing to overwrite a private key.")
        }
        try FileSystem.writeAtomically(key.path, Array(key.signingKey.pkcs8PEM.utf8), mode: 0o600)
    }

    /// Moves a key file to `retired/` (created with mode 0700 if needed).
    func retire(_ key: RoleKey) throws(TUFRepositoryError) {
        try FileSystem.makeDirectories(retiredPath, mode: 0o700)
        let name = FileSystem.split(key.path).name
        var target = retiredPath + "/" + name
        var n = 1
        while FileSystem.exists(target) {
            n += 1
            target = retiredPath + "/" + name + ".\(n)"
        }
        try FileSystem.move(key.path, to: target)
    }
}
