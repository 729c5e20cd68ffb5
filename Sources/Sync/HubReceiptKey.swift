import Foundation
import StampCrypto
import StrictJSON

/// The hub's receipt public key, as it reaches the console: a target of the signed cache (`hub/receipt-key.json`,
/// TUF-verified by `stampwatch cache update`, kept as `tuf/hub-receipt-key.json`). Receipts are checked against it
/// and nothing else; the copy the hub returns at enrolment is not trusted for this.
///
/// The file is the key in TUF's JSON form: `{"keyid": HEX(SHA-256(SPKI DER)), "keytype": "ed25519",
/// "scheme": "ed25519", "keyval": {"public": HEX}}` (what `stampwatch-hub devices hub-key` prints).
public enum HubReceiptKey {
    /// The TUF target name the hub publishes it under.
    public static let targetName = "hub/receipt-key.json"
    /// The file name beside the trusted TUF metadata.
    public static let fileName = "hub-receipt-key.json"

    public static func parse(_ bytes: [UInt8]) throws(SyncError) -> VerifyingKey {
        guard case .object(let o)? = try? JSONParser.parse(bytes), o["keytype"]?.stringValue == "ed25519",
              o["scheme"]?.stringValue == "ed25519", let hex = o["keyval"]?["public"]?.stringValue, let raw = Hex.decode(hex),
              let keyID = o["keyid"]?.stringValue else {
            throw SyncError(.data, "the hub receipt key is not an ed25519 key in TUF JSON form")
        }
        let key: VerifyingKey
        do { key = try VerifyingKey(ed25519Raw: raw) } catch { throw SyncError(.data, "the hub receipt key is not usable: \(error)") }
        guard Hex.encode(SHA256.hash(key.spkiDER)) == keyID.lowercased() else {
            throw SyncError(.data, "the hub receipt key's keyid does not match the key")
        }
        return key
    }

    /// The key kept with the trusted TUF files, or nil when the signed cache has not brought one yet.
    public static func load(_ paths: SyncPaths) throws(SyncError) -> VerifyingKey? {
        guard let bytes = Files.read(paths.hubKey) else { return nil }
        do { return try parse(bytes) } catch {
            throw SyncError(.data, "\(paths.hubKey): \(error.message); run `stampwatch cache update` to fetch it again")
        }
    }

    /// Keeps the key (already verified against the signed targets metadata by the caller).
    public static func store(_ bytes: [UInt8], paths: SyncPaths) throws(SyncError) {
        _ = try parse(bytes)
        do { try FileManager.default.createDirectory(atPath: paths.tufDirectory, withIntermediateDirectories: true) } catch {
            throw SyncError(.io, "cannot create \(paths.tufDirectory): \(error.localizedDescription)")
        }
        try Files.writeAtomically(paths.hubKey, bytes, mode: 0o644)
    }

    public static let missingMessage = "the hub's receipt key is not in the signed cache yet, so no receipt can be checked and "
        + "nothing is marked delivered. Run `stampwatch cache update` from the hub (the hub publishes it as hub/receipt-key.json)"
}
