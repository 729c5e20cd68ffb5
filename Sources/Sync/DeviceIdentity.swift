import Foundation
import StampCrypto
import StrictJSON

/// This device as the hub knows it: its id, its key pair and how to reach the hub. Written once by
/// `stampwatch device enrol`, read by every sync.
public struct DeviceIdentity: Sendable {
    public var deviceID: String
    public var hubURL: String
    public var pin: String?
    public var caFile: String?
    public var allowInsecureLoopback: Bool
    /// From the hub's enrolment answer (used to pick the cache region).
    public var region: String
    public var role: String
    public var enrolledAt: Int64
    public var key: SigningKey

    public init(deviceID: String, hubURL: String, pin: String?, caFile: String?, allowInsecureLoopback: Bool, region: String,
                role: String, enrolledAt: Int64, key: SigningKey) {
        self.deviceID = deviceID; self.hubURL = hubURL; self.pin = pin; self.caFile = caFile
        self.allowInsecureLoopback = allowInsecureLoopback; self.region = region; self.role = role
        self.enrolledAt = enrolledAt; self.key = key
    }

    public var algorithmName: String { key.algorithm == .eddsa ? "ed25519" : "p256" }
    /// Hex SHA-256 of the public key's SPKI DER (what an operator compares with the hub's list).
    public var keyFingerprint: String { Hex.encode(SHA256.hash(key.publicKey.spkiDER)) }

    var json: JSONValue {
        [
            "device_id": .string(deviceID), "hub": .string(hubURL), "pin": pin.map(JSONValue.string) ?? .null,
            "ca": caFile.map(JSONValue.string) ?? .null, "allow_insecure_loopback": .bool(allowInsecureLoopback),
            "region": .string(region), "role": .string(role), "enrolled_at": .integer(enrolledAt),
            "algorithm": .string(algorithmName), "public_key": .string(Data(key.publicKey.spkiDER).base64EncodedString()),
        ]
    }

    /// The identity, or nil when the device is not enrolled.
    public static func load(_ paths: SyncPaths) throws(SyncError) -> DeviceIdentity? {
        guard let bytes = Files.read(paths.identity) else { return nil }
        guard case .object(let o)? = try? JSONParser.parse(bytes), let id = o["device_id"]?.stringValue,
              let hub = o["hub"]?.stringValue, let at = o["enrolled_at"]?.integerValue else {
            throw SyncError(.data, "\(paths.identity) is damaged (not the identity JSON); enrol again with a new token")
        }
        guard let pem = Files.read(paths.privateKey) else {
            throw SyncError(.data, "the device key \(paths.privateKey) is missing; the device must be enrolled again (ask for a new token)")
        }
        let key: SigningKey
        do { key = try SigningKey(pem: String(decoding: pem, as: UTF8.self)) } catch {
            throw SyncError(.data, "the device key \(paths.privateKey) is not usable: \(error)")
        }
        if let spki = o["public_key"]?.stringValue, Data(base64Encoded: spki).map([UInt8].init) != key.publicKey.spkiDER {
            throw SyncError(.data, "the device key \(paths.privateKey) is not the key enrolled in \(paths.identity)")
        }
        return DeviceIdentity(deviceID: id, hubURL: hub, pin: o["pin"]?.stringValue, caFile: o["ca"]?.stringValue,
                              allowInsecureLoopback: o["allow_insecure_loopback"]?.boolValue ?? false,
                              region: o["region"]?.stringValue ?? "", role: o["role"]?.stringValue ?? "console", enrolledAt: at, key: key)
    }

    /// Writes the identity (the key must already be on disk: `storeKey`).
    public func save(_ paths: SyncPaths) throws(SyncError) {
        try Files.writeAtomically(paths.identity, json.serializedBytes(pretty: true, sortedKeys: true) + [0x0A], mode: 0o644)
        // The console records under the enrolled id from now on.
        try Files.writeAtomically(paths.consoleDeviceID, Array((deviceID + "\n").utf8), mode: 0o644)
    }

    /// Writes the private key (0600, in a 0700 folder) before enrolment, so a crash after the hub accepted it never
    /// leaves the device enrolled with a key it lost.
    public static func storeKey(_ key: SigningKey, paths: SyncPaths) throws(SyncError) {
        do {
            try FileManager.default.createDirectory(atPath: paths.identityDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw SyncError(.io, "cannot create \(paths.identityDirectory): \(error.localizedDescription)")
        }
        chmod(paths.identityDirectory, 0o700)
        try Files.writeAtomically(paths.privateKey, Array(key.pkcs8PEM.utf8), mode: 0o600)
    }

    /// A key left by an enrolment that did not finish (reused so a retry can find out whether the hub took it).
    public static func pendingKey(_ paths: SyncPaths) -> SigningKey? {
        guard Files.read(paths.identity) == nil, let pem = Files.read(paths.privateKey) else { return nil }
        return try? SigningKey(pem: String(decoding: pem, as: UTF8.self))
    }
}
