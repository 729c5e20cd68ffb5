/// The signed part of root metadata: the keys of the four top-level roles and whether the
/// repository publishes consistent snapshots.
public struct RootMetadata: Sendable {
    public static let topLevelRoles = ["root", "timestamp", "snapshot", "targets"]

    public let version: Int64
    public let expires: TUFTime
    /// True when metadata (other than timestamp) is fetched as VERSION.ROLE.json and targets as
    /// HASH.NAME. A missing field means false.
    public let consistentSnapshot: Bool
    public let keys: [String: TUFKey]
    /// Exactly the four top-level roles.
    public let roles: [String: RoleKeys]

    init(_ envelope: MetadataEnvelope) throws(TUFError) {
        let f = envelope.fields
        let s = envelope.signed
        version = envelope.version
        expires = envelope.expires
        if let cs = s["consistent_snapshot"] {
            consistentSnapshot = try f.bool(cs, "$.signed.consistent_snapshot")
        } else {
            consistentSnapshot = false
        }
        keys = try parseKeys(s["keys"], path: "$.signed.keys", fields: f)
        let rolesObject = try f.object(s["roles"], "$.signed.roles")
        var roles: [String: RoleKeys] = [:]
        for (name, value) in rolesObject {
            let path = MetadataFields.member("$.signed.roles", name)
            guard RootMetadata.topLevelRoles.contains(name) else {
                throw f.fail(path, "root may only define the roles root, timestamp, snapshot and targets")
            }
            roles[name] = try RoleKeys(try f.object(value, path), path: path, fields: f)
        }
        for name in RootMetadata.topLevelRoles where roles[name] == nil {
            throw f.fail(MetadataFields.member("$.signed.roles", name), "required role is missing")
        }
        self.roles = roles
    }

    /// The key ids authorised for `role` with the key each id stands for, used to detect key
    /// rotations (TUF 5.3.11): a change in either means the role's keys were rotated.
    func keyBinding(for role: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for id in roles[role]?.keyIDs ?? [] {
            out[id] = keys[id]?.identity ?? Array("unusable:\(keys[id]?.keyType ?? "missing")".utf8)
        }
        return out
    }
}
