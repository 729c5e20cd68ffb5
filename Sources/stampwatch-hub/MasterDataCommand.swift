import ArgumentParser
import CacheAssembly
import CLISupport
import Foundation
import Hub

struct MasterDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master-data",
        abstract: "Import the hub's master data: operators, facilities, machines, products, stamp series, places, coverage claims.",
        subcommands: [Import.self, Show.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a master-data file (stampwatch-master-data/1) and store its entries in the hub.",
            discussion: """
            The format is in docs/provenance.md ("Master data"). The file is checked strictly: unknown members, \
            missing or mistyped fields, bad GTIN check digits, coordinates out of range, times that are not RFC 3339 \
            and references to unknown operators or facilities are each reported with the entry and field, and the \
            file is then refused whole. An entry replaces the hub's entry of the same kind and id; the rest stays. \
            Exit 0 imported, 65 invalid file, 66 no file, 74 database error.
            """)

        @Option(name: .long, help: ArgumentHelp("Hub data directory (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
        var data: String?

        @Argument(help: ArgumentHelp("Master-data JSON file.", valueName: "file"))
        var file: String

        func run() throws {
            try reporting {
                let bytes = try readFile(file, what: "master-data file")
                let set: MasterDataSet
                do { set = try MasterDataFormat.parse(bytes) } catch let e as MasterDataError {
                    throw CommandFailure(.dataError, "\(file) is refused, nothing was imported:\n  " + e.problems.joined(separator: "\n  "))
                }
                let (store, _) = try openHubData(data ?? defaultHubDataDirectory())
                defer { try? store.close() }
                do {
                    let r = try store.importMasterData(set, document: bytes, now: Int64(Date().timeIntervalSince1970))
                    print("\(file): \(r.added) new, \(r.replaced) replaced, \(r.unchanged) unchanged entries (import \(r.importID))")
                } catch let e as HubStoreError {
                    if case .invalidArgument(let m) = e {
                        throw CommandFailure(.dataError, "\(file) is refused, nothing was imported:\n  " + m.replacingOccurrences(of: "\n", with: "\n  "))
                    }
                    throw CommandFailure(.ioError, e.description)
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the hub's master data as one master-data file.")

        @Option(name: .long, help: ArgumentHelp("Hub data directory (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
        var data: String?

        func run() throws {
            try reporting {
                let (store, _) = try openHubData(data ?? defaultHubDataDirectory())
                defer { try? store.close() }
                do { print(MasterDataFormat.document(try store.masterData()).serialized(pretty: true)) } catch {
                    throw CommandFailure(.ioError, "\(error)")
                }
            }
        }
    }
}
