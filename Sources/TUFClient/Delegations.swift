import StampCrypto
import StrictJSON

/// The `delegations` of a targets role: keys, and either an ordered list of delegated roles or a
/// succinct hash-bin delegation (TAP 15, as python-tuf writes it).
public struct Delegations: Sendable {
    public enum Roles: Sendable {
        /// In order of appearance, which is the order of trust in the target search.
        case list([DelegatedRole])
        case succinct(SuccinctRoles)
    }

    public let keys: [String: TUFKey]
    public let roles: Roles

    init(_ value: JSONValue, path: String, fields f: MetadataFields) throws(TUFError) {
        let o = try f.object(value, path)
        keys = try parseKeys(o["keys"], path: path + ".keys", fields: f)
        switch (o["roles"], o["succinct_roles"]) {
        case (let list?, nil):
            let items = try f.array(list, path + ".roles")
            var roles: [DelegatedRole] = []
            var names = Set<String>()
            for (i, item) in items.enumerated() {
                let role = try DelegatedRole(item, path: "\(path).roles[\(i)]", fields: f)
                guard names.insert(role.name).inserted else {
                    throw f.fail("\(path).roles[\(i)].name", "role \"\(role.name)\" is delegated twice")
                }
                roles.append(role)
            }
            self.roles = .list(roles)
        case (nil, let succinct?):
            self.roles = .succinct(try SuccinctRoles(succinct, path: path + ".succinct_roles", fields: f))
        default:
            throw f.fail(path, "exactly one of \"roles\" and \"succinct_roles\" is required")
        }
    }

    /// The keys and threshold for `role`, or nil when this metadata does not delegate to it.
    func roleKeys(for role: String) -> RoleKeys? {
        switch roles {
        case .list(let list): return list.first { $0.name == role }?.keys
        case .succinct(let s): return s.isBin(role) ? s.keys : nil
        }
    }

    /// The roles responsible for `targetPath`, in order of trust, each with its terminating flag.
    func roles(for targetPath: String) -> [(name: String, terminating: Bool)] {
        switch roles {
        case .list(let list):
            return list.filter { $0.isResponsible(for: targetPath) }.map { ($0.name, $0.terminating) }
        case .succinct(let s):
            return [(s.bin(for: targetPath), true)]
        }
    }
}

/// One delegated role: who may sign it and which target paths it may speak for.
public struct DelegatedRole: Sendable {
    public let name: String
    public let keys: RoleKeys
    /// A terminating delegation ends the search when it is responsible for a path, found or not.
    public let terminating: Bool
    /// Shell-style patterns (see `PathPattern`); nil when `pathHashPrefixes` is used.
    public let paths: [String]?
    /// Lowercase hex prefixes of SHA-256(target path); nil when `paths` is used.
    public let pathHashPrefixes: [String]?

    init(_ value: JSONValue, path: String, fields f: MetadataFields) throws(TUFError) {
        let o = try f.object(value, path)
        name = try f.string(o["name"], path + ".name")
        guard !name.isEmpty, !RootMetadata.topLevelRoles.contains(name) else {
            throw f.fail(path + ".name", "a delegated role cannot be named \"\(name)\"")
        }
        keys = try RoleKeys(o, path: path, fields: f)
        terminating = try f.bool(o["terminating"], path + ".terminating")
        func strings(_ v: JSONValue, _ p: String) throws(TUFError) -> [String] {
            var out: [String] = []
            for (i, item) in try f.array(v, p).enumerated() { out.append(try f.string(item, "\(p)[\(i)]")) }
            return out
        }
        switch (o["paths"], o["path_hash_prefixes"]) {
        case (let p?, nil):
            paths = try strings(p, path + ".paths")
            pathHashPrefixes = nil
        case (nil, let h?):
            paths = nil
            pathHashPrefixes = try strings(h, path + ".path_hash_prefixes")
        default:
            throw f.fail(path, "exactly one of \"paths\" and \"path_hash_prefixes\" is required")
        }
    }

    /// Whether this role may provide `targetPath`.
    public func isResponsible(for targetPath: String) -> Bool {
        if let prefixes = pathHashPrefixes {
            let digest = Hex.encode(SHA256.hash(Array(targetPath.utf8)))
            return prefixes.contains { digest.hasPrefix($0) }
        }
        return (paths ?? []).contains { PathPattern.matches(path: targetPath, pattern: $0) }
    }
}

/// A hash-bin delegation described by a name prefix and a bit length (TAP 15): target paths are
/// spread over 2^bitLength terminating roles named PREFIX-HEX by the top bits of SHA-256(path).
public struct SuccinctRoles: Sendable {
    public let keys: RoleKeys
    public let bitLength: Int
    public let namePrefix: String

    init(_ value: JSONValue, path: String, fields f: MetadataFields) throws(TUFError) {
        let o = try f.object(value, path)
        keys = try RoleKeys(o, path: path, fields: f)
        let bits = try f.integer(o["bit_length"], path + ".bit_length", minimum: 1)
        guard bits <= 32 else { throw f.fail(path + ".bit_length", "must be between 1 and 32, found \(bits)") }
        bitLength = Int(bits)
        namePrefix = try f.string(o["name_prefix"], path + ".name_prefix")
    }

    /// Hex digits in a bin name suffix: enough for the last bin number, 2^bitLength - 1.
    var suffixLength: Int { String((UInt64(1) << UInt64(bitLength)) - 1, radix: 16).count }

    /// The bin (role name) responsible for `targetPath`.
    public func bin(for targetPath: String) -> String {
        let h = SHA256.hash(Array(targetPath.utf8))
        let top = UInt32(h[0]) << 24 | UInt32(h[1]) << 16 | UInt32(h[2]) << 8 | UInt32(h[3])
        let number = UInt64(top) >> UInt64(32 - bitLength)
        let hex = String(number, radix: 16)
        return namePrefix + "-" + String(repeating: "0", count: suffixLength - hex.count) + hex
    }

    /// Whether `role` is one of the bins.
    func isBin(_ role: String) -> Bool {
        guard role.hasPrefix(namePrefix + "-") else { return false }
        let suffix = role.utf8.dropFirst(namePrefix.utf8.count + 1)
        guard suffix.count == suffixLength,
              suffix.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }),
              let n = UInt64(String(decoding: suffix, as: UTF8.self), radix: 16)
        else { return false }
        return n < (UInt64(1) << UInt64(bitLength))
    }
}
