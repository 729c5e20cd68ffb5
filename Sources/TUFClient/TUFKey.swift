import StampCrypto
import StrictJSON

/// A public key as listed in root (`keys`) or in a targets role's `delegations.keys`.
///
/// Key types and encodings are the ones securesystemslib writes:
/// - `ed25519` / scheme `ed25519`: `keyval.public` is 64 hex digits; signatures are 64 bytes in hex.
/// - `ecdsa` or `ecdsa-sha2-nistp256` / scheme `ecdsa-sha2-nistp256`: `keyval.public` is a
///   "PUBLIC KEY" PEM of a P-256 key; signatures are DER ECDSA-Sig-Value in hex, over SHA-256.
/// - `rsa` / scheme `rsassa-pss-sha256`: `keyval.public` is a "PUBLIC KEY" PEM (2048 bits or more);
///   signatures are RSASSA-PSS with SHA-256 and MGF1-SHA-256, any salt length.
///
/// A key of another type, or one whose public value cannot be loaded, does not make the metadata
/// invalid: it is kept as *unusable*, verifies nothing, and is named in threshold errors. That way
/// a repository may list keys this client cannot use without locking the client out, as long as
/// the keys it can use still meet each threshold.
///
/// Key ids are taken as written in the metadata and never recomputed: the metadata, signed by the
/// delegator, is what binds an id to a key.
public struct TUFKey: Sendable {
    public let keyID: String
    public let keyType: String
    public let scheme: String
    /// Why this key cannot verify signatures here; nil when it can.
    public let unusableReason: String?
    let verifier: VerifyingKey?
    /// The key material (DER SubjectPublicKeyInfo), so that one key listed under several ids
    /// counts once towards a threshold.
    let identity: [UInt8]?

    /// The key type/scheme pairs this client verifies.
    public static let supported: [(keyType: String, scheme: String)] = [
        ("ed25519", "ed25519"),
        ("ecdsa", "ecdsa-sha2-nistp256"),
        ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"),
        ("rsa", "rsassa-pss-sha256"),
    ]

    /// RSA keys below this size are refused as too weak to be a trust anchor.
    public static let minimumRSABits = 2048

    /// Parses one entry of a `keys` object. Structural problems (missing or mistyped fields) are
    /// errors; an unsupported or unloadable key is not (see the type's documentation).
    init(keyID: String, value: JSONValue, path: String, fields: MetadataFields) throws(TUFError) {
        let o = try fields.object(value, path)
        let keyType = try fields.string(o["keytype"], path + ".keytype")
        let scheme = try fields.string(o["scheme"], path + ".scheme")
        let keyval = try fields.object(o["keyval"], path + ".keyval")
        let publicValue = try fields.string(keyval["public"], path + ".keyval.public")
        self.keyID = keyID
        self.keyType = keyType
        self.scheme = scheme

        var verifier: VerifyingKey?
        var problem: String?
        switch (keyType, scheme) {
        case ("ed25519", "ed25519"):
            if let raw = Hex.decode(publicValue), raw.count == 32 {
                do { verifier = try VerifyingKey(ed25519Raw: raw) } catch { problem = "invalid Ed25519 public key: \(error)" }
            } else {
                problem = "ed25519 keyval.public must be 64 hex digits"
            }
        case ("ecdsa", "ecdsa-sha2-nistp256"), ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"):
            do {
                let k = try VerifyingKey(spkiPEM: publicValue)
                if k.kind == .p256 { verifier = k } else { problem = "keyval.public is not a P-256 key" }
            } catch {
                problem = "cannot load the P-256 PEM public key: \(error)"
            }
        case ("rsa", "rsassa-pss-sha256"):
            do {
                let k = try VerifyingKey(spkiPEM: publicValue)
                if case .rsa(let bits) = k.kind {
                    if bits >= TUFKey.minimumRSABits { verifier = k } else { problem = "RSA key of \(bits) bits is too weak (at least \(TUFKey.minimumRSABits) required)" }
                } else {
                    problem = "keyval.public is not an RSA key"
                }
            } catch {
                problem = "cannot load the RSA PEM public key: \(error)"
            }
        default:
            let known = TUFKey.supported.map { "\($0.keyType)/\($0.scheme)" }.joined(separator: ", ")
            problem = "unsupported key type \"\(keyType)\" with scheme \"\(scheme)\" (supported: \(known))"
        }
        self.verifier = verifier
        self.unusableReason = verifier == nil ? (problem ?? "unusable key") : nil
        self.identity = verifier?.spkiDER
    }

    /// True when `signatureHex` is a valid signature by this key over `message`. Never throws:
    /// a malformed signature is simply not valid.
    func verify(signatureHex: String, message: [UInt8]) -> Bool {
        guard let verifier, let signature = Hex.decode(signatureHex), !signature.isEmpty else { return false }
        switch verifier.kind {
        case .ed25519: return verifier.verify(signature: signature, message: message)
        case .p256: return verifier.verifyECDSADER(signature: signature, message: message)
        case .rsa: return verifier.verifyRSAPSSSHA256(signature: signature, message: message)
        }
    }
}

/// Parses a `keys` object (key id → key).
func parseKeys(_ value: JSONValue?, path: String, fields: MetadataFields) throws(TUFError) -> [String: TUFKey] {
    let o = try fields.object(value, path)
    var keys: [String: TUFKey] = [:]
    keys.reserveCapacity(o.count)
    for (keyID, v) in o {
        keys[keyID] = try TUFKey(keyID: keyID, value: v, path: MetadataFields.member(path, keyID), fields: fields)
    }
    return keys
}
