import StrictJSON

/// Which keys may sign a role, and how many of them must: a `roles` entry of root, or a
/// delegated role in `delegations`.
public struct RoleKeys: Sendable, Equatable {
    public let keyIDs: [String]
    public let threshold: Int

    init(keyIDs: [String], threshold: Int) {
        self.keyIDs = keyIDs
        self.threshold = threshold
    }

    /// Parses `keyids` (unique strings) and `threshold` (at least 1) from a role object.
    init(_ o: JSONObject, path: String, fields: MetadataFields) throws(TUFError) {
        keyIDs = try fields.uniqueStrings(o["keyids"], path + ".keyids", what: "key id")
        let t = try fields.integer(o["threshold"], path + ".threshold", minimum: 1)
        threshold = t > Int64(Int32.max) ? Int(Int32.max) : Int(t)
    }
}

/// Counts valid signatures towards a threshold the way TUF intends it to be read:
/// - only keys the delegator authorised for the role count (signatures by any other key are ignored);
/// - each authorised key counts at most once (two signatures under one id never get here:
///   `MetadataEnvelope` refuses them, as the spec requires);
/// - one key listed under several ids counts once (ids are labels; the key material decides);
/// - an invalid signature does not spoil the metadata: it just does not count.
enum SignatureThreshold {
    /// Throws `thresholdNotMet` unless at least `role.threshold` distinct authorised keys signed
    /// `envelope` validly. `delegator` names the delegating metadata in the error, e.g. "root v3".
    static func verify(_ envelope: MetadataEnvelope, role: RoleKeys, keys: [String: TUFKey],
                       roleName: String, delegator: String) throws(TUFError) {
        var counted: [[UInt8]] = []
        var details: [String] = []
        for keyID in role.keyIDs {
            let short = keyID.count > 12 ? String(keyID.prefix(12)) + "…" : keyID
            guard let key = keys[keyID] else {
                details.append("key \(short): listed for the role but not defined in keys")
                continue
            }
            if let reason = key.unusableReason {
                details.append("key \(short): cannot be used (\(reason))")
                continue
            }
            guard let signature = envelope.signatures.first(where: { $0.keyID == keyID }) else {
                details.append("key \(short): no signature")
                continue
            }
            guard key.verify(signatureHex: signature.hex, message: envelope.signedBytes) else {
                details.append("key \(short) (\(key.keyType)): bad signature")
                continue
            }
            guard let identity = key.identity, !counted.contains(identity) else {
                details.append("key \(short): same key as one already counted")
                continue
            }
            counted.append(identity)
            if counted.count >= role.threshold { return }
        }
        throw .thresholdNotMet(role: roleName, delegator: delegator, valid: counted.count,
                               threshold: role.threshold, details: details)
    }
}
