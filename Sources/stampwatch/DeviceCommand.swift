import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import StampCodes
import StampCrypto
import StrictJSON
import Sync

/// `stampwatch device enrol | status`: the console's identity at the hub.
struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol this console with the hub, and show its identity.",
        discussion: """
        A console enrols once, with a one-time token from the hub operator (`stampwatch-hub devices token --id ID`). \
        Enrolment creates the device's key pair (Ed25519 by default), sends the public key to the hub signed with it, \
        and keeps the identity and the private key (mode 0600) under device/ beside the field store. Every sync \
        request is then signed with that key. Exit codes: 0 enrolled, 64 usage, 65 refused (token used, expired or for \
        another device), 69 hub unreachable, 73 cannot write, 77 TLS refused (wrong pin or CA), 78 configuration (already \
        enrolled, records made under another id).
        """,
        subcommands: [Enrol.self, Status.self])

    static var paths: SyncPaths { SyncPaths(store: DevicePaths.store) }

    static func failure(_ e: SyncError) -> CommandFailure {
        switch e.kind {
        case .configuration: return CommandFailure(.config, e.message + ".")
        case .noHubKey: return CommandFailure(.config, e.message + ".")
        case .io: return CommandFailure(.cantCreate, e.message + ".")
        case .refused: return CommandFailure(e.message.contains("TLS") ? .noPermission : .dataError, e.message + ".")
        case .unavailable: return CommandFailure(.unavailable, e.message + ".")
        case .data: return CommandFailure(.dataError, e.message + ".")
        }
    }

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol with the hub using a one-time token.")

        @Option(name: .long, help: ArgumentHelp("The hub's address, e.g. https://hub.example", valueName: "url"))
        var hub: String

        @Option(name: .long, help: ArgumentHelp("The one-time token from `stampwatch-hub devices token` (DEVICE_ID:HEX).", valueName: "token"))
        var token: String

        @Option(name: .long, help: ArgumentHelp("The device id (default: the one the token names; must match it).", valueName: "id"))
        var id: String?

        @Option(name: .long, help: ArgumentHelp("Pin the hub's TLS public key: sha256//BASE64 (several separated by ';').", valueName: "pin"))
        var pin: String?

        @Option(name: .long, help: ArgumentHelp("Trust this CA bundle (PEM) for the hub instead of the system's.", valueName: "file"))
        var ca: String?

        @Flag(name: .long, help: "Allow plain http:// to a hub on this machine (loopback only; tests and local hubs).")
        var allowInsecureLoopback = false

        @Option(name: .long, help: "Key type: ed25519 or p256.")
        var algorithm = "ed25519"

        @Flag(name: .long, help: "Print the identity as JSON.")
        var json = false

        func validate() throws {
            guard ["ed25519", "p256"].contains(algorithm) else { throw ValidationError("--algorithm must be ed25519 or p256.") }
            if let id, !Enrolment.isValidDeviceID(id) { throw ValidationError("--id must be 1 to 64 of A-Z a-z 0-9 . _ -") }
            if let pin, !(pin.split(separator: ";").allSatisfy { $0.hasPrefix("sha256//") && Data(base64Encoded: String($0.dropFirst(8)))?.count == 32 }) {
                throw ValidationError("--pin must be sha256//BASE64 of the SHA-256 of the hub's public key (several separated by ';'). "
                                      + "Get it with: openssl x509 -in hub.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64")
            }
            if let ca, !FileManager.default.fileExists(atPath: ca) { throw ValidationError("--ca \(ca) does not exist.") }
        }

        func run() throws {
            do {
                try enrol()
            } catch {
                throw error.exit()
            }
        }

        func enrol() throws(CommandFailure) {
            let paths = Device.paths
            guard let named = Enrolment.deviceID(inToken: token.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CommandFailure(.usage, "the token does not look like one from `stampwatch-hub devices token` (DEVICE_ID:HEX); check it was copied whole.")
            }
            // Records already made on this console carry its current id in their signed payload: they can only ever be
            // sent as that device, so enrolling under another id would strand them.
            if let store = try Cache.openStore(create: false), let current = Device.consoleID(paths), current != named, (try? Sync.DeviceIdentity.load(paths)) == nil {
                let count = (try? store.sequenceNumbers(deviceID: current).count) ?? 0
                if count > 0 {
                    throw CommandFailure(.config, "this console holds \(count) inspection(s) recorded as \(current); they can only be sent as that device. "
                                         + "Ask the hub operator for a token for \(current) (`stampwatch-hub devices token --id \(current)`).")
                }
            }
            let request = Enrolment.Request(hubURL: hub, token: token, deviceID: id, pin: pin, caFile: ca, allowInsecureLoopback: allowInsecureLoopback,
                                            algorithm: algorithm == "p256" ? .es256 : .eddsa)
            let identity: Sync.DeviceIdentity
            do { identity = try Enrolment.enrol(request, paths: paths) } catch { throw Device.failure(error) }
            if json {
                print(Device.identityJSON(identity, paths: paths).serialized(sortedKeys: true))
            } else {
                print("enrolled as \(identity.deviceID) with \(identity.hubURL)")
                print("key          \(identity.algorithmName), fingerprint \(identity.keyFingerprint)")
                print("kept in      \(paths.identityDirectory)")
                if !FileManager.default.fileExists(atPath: paths.hubKey) {
                    print("next         stampwatch cache update --from \(identity.hubURL)/tuf --root ROOT.json   (brings the hub's receipt key)")
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the enrolled identity, the hub key from the signed cache, and the outbox.")

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() throws {
            let paths = Device.paths
            let identity: Sync.DeviceIdentity?
            do { identity = try Sync.DeviceIdentity.load(paths) } catch { throw Device.failure(error).exit() }
            let hubKey = try? HubReceiptKey.load(paths)
            let counts = ((try? Cache.openStore(create: false)) ?? nil).flatMap { try? $0.outboxCounts() } ?? [:]
            let state = SyncState.load(paths.state)
            if json {
                var o: [(String, JSONValue)] = [("enrolled", .bool(identity != nil))]
                if let identity { o.append(("identity", Device.identityJSON(identity, paths: paths))) }
                o.append(("console_device_id", Device.consoleID(paths).map(JSONValue.string) ?? .null))
                o.append(("hub_receipt_key", hubKey.map { .string(Hex.encode(SHA256.hash($0.spkiDER))) } ?? .null))
                o.append(("outbox", .object(JSONObject([
                    ("pending", .integer(Int64(counts[.pending] ?? 0))), ("in_flight", .integer(Int64(counts[.inFlight] ?? 0))),
                    ("acknowledged", .integer(Int64(counts[.acknowledged] ?? 0))), ("refused", .integer(Int64(counts[.refused] ?? 0))),
                ]))))
                o.append(("link", .string(state.link.rawValue)))
                o.append(("last_success_at", state.lastSuccessAt.map { .string(RFC3339.format($0)) } ?? .null))
                o.append(("last_error", state.lastError.map(JSONValue.string) ?? .null))
                print(JSONValue.object(JSONObject(o)).serialized())
                return
            }
            if let identity {
                print("device       \(identity.deviceID)  (enrolled \(RFC3339.format(identity.enrolledAt)))")
                print("hub          \(identity.hubURL)\(identity.pin.map { "  pin \($0)" } ?? "")\(identity.caFile.map { "  CA \($0)" } ?? "")")
                print("key          \(identity.algorithmName), fingerprint \(identity.keyFingerprint)")
            } else {
                print("device       not enrolled (stampwatch device enrol --hub URL --token TOKEN)")
                if let id = Device.consoleID(paths) { print("records as   \(id)  (ask the hub operator for a token for this id)") }
            }
            if let k = hubKey {
                print("hub key      \(Hex.encode(SHA256.hash(k.spkiDER)))  (from the signed cache)")
            } else {
                print("hub key      none yet: run `stampwatch cache update` (receipts cannot be checked without it)")
            }
            print("outbox       \(counts[.pending] ?? 0) pending, \(counts[.inFlight] ?? 0) in flight, \(counts[.acknowledged] ?? 0) acknowledged, \(counts[.refused] ?? 0) refused")
            print("link         \(state.link.rawValue)\(state.lastSuccessAt.map { ", last success \(RFC3339.format($0))" } ?? "")")
            if let e = state.lastError { print("last error   \(e)") }
        }
    }

    static func identityJSON(_ i: Sync.DeviceIdentity, paths: SyncPaths) -> JSONValue {
        .object(JSONObject([
            ("device_id", .string(i.deviceID)), ("hub", .string(i.hubURL)), ("pin", i.pin.map(JSONValue.string) ?? .null),
            ("ca", i.caFile.map(JSONValue.string) ?? .null), ("allow_insecure_loopback", .bool(i.allowInsecureLoopback)),
            ("region", .string(i.region)), ("enrolled_at", .string(RFC3339.format(i.enrolledAt))),
            ("algorithm", .string(i.algorithmName)), ("key_fingerprint", .string(i.keyFingerprint)),
            ("directory", .string(paths.identityDirectory)),
        ]))
    }

    /// The id the console records under (the `device-id` file beside the store).
    static func consoleID(_ paths: SyncPaths) -> String? {
        (try? String(contentsOfFile: paths.consoleDeviceID, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
