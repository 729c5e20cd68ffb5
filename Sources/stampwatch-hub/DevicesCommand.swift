import ArgumentParser
import CLISupport
import Foundation
import Hub
import StrictJSON

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol, list and revoke devices; print the hub's receipt key.",
        discussion: """
        A device enrols once: `devices token --id ID` prints a one-time token; on the device, \
        `stampwatch device enrol --hub URL --token TOKEN` creates its key pair and sends the public key, signed \
        with it. A revoked device's requests are refused; its records stay. Exit codes: 64 usage, 65 refused \
        (already enrolled, revoked), 66 no such device, 74 database error.
        """,
        subcommands: [Token.self, List.self, Revoke.self, HubKey.self])

    struct DataOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("Hub data directory (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
        var data: String?

        var directory: String { data ?? defaultHubDataDirectory() }
    }

    static func failure(_ error: any Error) -> CommandFailure {
        switch error {
        case let f as CommandFailure: return f
        case HubStoreError.notFound(let m): return CommandFailure(.noInput, m + ".")
        case HubStoreError.conflict(let m), HubStoreError.invalidArgument(let m), HubStoreError.tokenRefused(let m):
            return CommandFailure(.dataError, m + ".")
        default: return CommandFailure(.ioError, "\(error).")
        }
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a one-time enrolment token for a device (printed on stdout; the hub keeps only its hash).")

        @OptionGroup var options: DataOption

        @Option(name: .long, help: ArgumentHelp("Device id: 1-64 of A-Z a-z 0-9 . _ -", valueName: "id"))
        var id: String

        @Option(name: .long, help: "console (inspection device) or capture (EPCIS partner system).")
        var role = "console"

        @Option(name: .long, help: ArgumentHelp("ISO 3166 region the device works in (MZ, MZ-MPM); used by clone detection.", valueName: "code"))
        var region = ""

        @Option(name: .long, help: "Seconds the token stays valid.")
        var ttl: Int64 = 86_400

        func validate() throws {
            guard DeviceRole(rawValue: role) != nil else { throw ValidationError("--role must be console or capture.") }
            guard DeviceRecord.isValidID(id) else { throw ValidationError("--id must be 1 to 64 of A-Z a-z 0-9 . _ -") }
            guard ttl > 0 else { throw ValidationError("--ttl must be positive.") }
        }

        func run() throws {
            try reporting {
                let (store, _) = try openHubData(options.directory)
                defer { try? store.close() }
                do {
                    let token = try store.issueToken(deviceID: id, role: DeviceRole(rawValue: role)!, region: region, now: Devices.now, ttl: ttl)
                    writeAll(token + "\n")
                } catch {
                    throw Devices.failure(error)
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices and their state.")

        @OptionGroup var options: DataOption

        @Flag(name: .long, help: "One JSON object per device.")
        var json = false

        func run() throws {
            try reporting {
                let (store, _) = try openHubData(options.directory)
                defer { try? store.close() }
                let devices: [DeviceRecord]
                do { devices = try store.listDevices() } catch { throw Devices.failure(error) }
                var out = ""
                for d in devices {
                    if json {
                        let o: JSONValue = [
                            "device_id": .string(d.deviceID), "role": .string(d.role.rawValue), "region": .string(d.region),
                            "state": .string(d.state.rawValue), "enrolled_at": d.enrolledAt.map(JSONValue.integer) ?? .null,
                            "revoked_at": d.revokedAt.map(JSONValue.integer) ?? .null, "contiguous_seq": .integer(d.contiguousSeq),
                        ]
                        out += o.serialized(sortedKeys: true) + "\n"
                    } else {
                        out += "\(d.deviceID)\t\(d.role.rawValue)\t\(d.region.isEmpty ? "-" : d.region)\t\(d.state.rawValue)\tseq \(d.contiguousSeq)\n"
                    }
                }
                writeAll(out)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a device: its requests are refused from now on; its stored records stay.")

        @OptionGroup var options: DataOption

        @Option(name: .long, help: ArgumentHelp("Device id.", valueName: "id"))
        var id: String

        @Option(name: .long, help: "Why (kept with the device).")
        var reason = "revoked by an operator"

        func run() throws {
            try reporting {
                let (store, _) = try openHubData(options.directory)
                defer { try? store.close() }
                do { try store.revoke(deviceID: id, reason: reason, now: Devices.now) } catch { throw Devices.failure(error) }
                printError("stampwatch-hub: device \(id) revoked")
            }
        }
    }

    struct HubKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hub-key",
            abstract: "Print the public key that signs receipts (JSON as in TUF metadata, or PEM); creates the key if there is none.")

        @OptionGroup var options: DataOption

        @Flag(name: .long, help: "SubjectPublicKeyInfo PEM instead of JSON.")
        var pem = false

        func run() throws {
            try reporting {
                let (store, signer) = try openHubData(options.directory)
                try? store.close()
                writeAll(pem ? signer.publicKeyPEM : signer.publicKeyJSON.serialized(sortedKeys: true) + "\n")
            }
        }
    }
}
