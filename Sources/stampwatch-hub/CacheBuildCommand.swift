import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import CacheAssembly
import Hub
import StampCodes

struct CacheFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Build the field cache files that `publish` signs and consoles apply.",
        subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assemble the cache snapshot of a region from the hub's data (and a delta from an older snapshot).",
            discussion: """
            Reads the hub database (--data DIR): master data, captured EPCIS events and the clone flags of uploaded \
            inspections, and writes the region's snapshot: packs from their commissioning events, the current \
            aggregation, the events of the region's packs and their containers, the watchlist (decommissioned, \
            destroyed, recalled, stolen, seized, clone), the coverage claims the cache can honour, dashboard figures, \
            and the keyring from --keys. What belongs to a region and window is in docs/provenance.md ("From the hub to \
            the cache"). Publish the snapshot as target cache/REGION/snapshot.sqlite, and a delta as \
            cache/REGION/delta-from-BASEVERSION.sqlite. Exit 0 built, 64 bad options, 65 unusable keyring or input, \
            66 missing file or hub database, 73 cannot write the output.
            """)

        @Option(name: .long, help: ArgumentHelp("Directory written by `keys generate` (its keyring.json goes into the cache).", valueName: "dir"))
        var keys: String?

        @Option(name: .long, help: ArgumentHelp("Hub data directory (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
        var data: String?

        @Option(name: .long, help: "Region the cache is for (ISO 3166: MZ, or a subdivision such as MZ-S).")
        var region: String = "MZ"

        @Option(name: .long, help: ArgumentHelp("Only events and packs from this time on (RFC 3339).", valueName: "time"))
        var from: String?

        @Option(name: .long, help: ArgumentHelp("Only events and packs up to this time (RFC 3339).", valueName: "time"))
        var to: String?

        @Option(name: .long, help: "Cache version (greater than every version published before).")
        var version: Int64

        @Option(name: .long, help: ArgumentHelp("Snapshot file to write.", valueName: "file"))
        var out: String

        @Option(name: .long, help: "Days until the cache content expires.")
        var expiresDays: Int = 30

        @Option(name: .long, help: ArgumentHelp("An older snapshot to build a delta from.", valueName: "file"))
        var base: String?

        @Option(name: .long, help: ArgumentHelp("Where to write the delta (with --base).", valueName: "file"))
        var deltaOut: String?

        func validate() throws {
            guard version > 0 else { throw ValidationError("--version must be at least 1.") }
            guard expiresDays > 0 else { throw ValidationError("--expires-days must be at least 1.") }
            guard (base == nil) == (deltaOut == nil) else { throw ValidationError("--base and --delta-out go together.") }
            guard Area.isRegionCode(region) else { throw ValidationError("--region must be an ISO 3166 code such as MZ or MZ-S.") }
            for (name, v) in [("--from", from), ("--to", to)] {
                if let v, RFC3339.parse(v) == nil { throw ValidationError("\(name) must be an RFC 3339 time such as 2026-07-01T00:00:00Z.") }
            }
        }

        func run() throws {
            try reporting {
                var keyringJSON: String?
                var keyring: Keyring?
                if let keys {
                    let bytes = try readFile(keys + "/keyring.json", what: "keyring")
                    do { keyring = try Keyring.parse(bytes) } catch {
                        throw CommandFailure(.dataError, "\(keys)/keyring.json is not a usable keyring: \(error)")
                    }
                    keyringJSON = String(decoding: bytes, as: UTF8.self)
                }
                let dir = data ?? defaultHubDataDirectory()
                let now = Int64(Date().timeIntervalSince1970)
                let descriptor = CacheDescriptor(version: version, region: region, source: "stampwatch-hub",
                                                 publishedAt: now, expires: now + Int64(expiresDays) * 86_400)
                guard FileManager.default.fileExists(atPath: dir + "/hub.sqlite") else {
                    guard data == nil, let keyringJSON else {
                        throw CommandFailure(.noInput, "no hub database in \(dir); capture documents and import master data first (--data DIR)")
                    }
                    // No hub at the default place and none asked for: a cache of the keyring alone, said plainly.
                    printError("stampwatch-hub: no hub database in \(dir): the snapshot holds the keyring only (give --data DIR for provenance)")
                    var content = CacheContent()
                    content.keyring = KeyringDocument(json: keyringJSON)
                    do {
                        let meta = try SnapshotBuilder.build(at: out, descriptor: descriptor, content: content)
                        print("snapshot \(out): region \(meta.region), version \(meta.version) (keyring only)")
                        if let base, let deltaOut {
                            let d = try DeltaBuilder.build(base: base, target: out, output: deltaOut)
                            print("delta \(deltaOut): version \(d.baseVersion.map(String.init) ?? "?") -> \(d.version)")
                        }
                    } catch {
                        throw CommandFailure(.dataError, "cannot build the cache: \(error)")
                    }
                    return
                }
                let (store, _) = try openHubData(dir)
                defer { try? store.close() }
                let scope = AssemblyScope(region: region, from: from.flatMap(RFC3339.parse), to: to.flatMap(RFC3339.parse))
                do {
                    let (meta, report) = try HubCacheBuild.build(store: store, scope: scope, keyringJSON: keyringJSON, keyring: keyring,
                                                                 descriptor: descriptor, output: out)
                    print("snapshot \(out): region \(meta.region), version \(meta.version): \(report.packs) packs, \(report.containers) containers, "
                          + "\(report.events) events, \(report.watchlist.values.reduce(0, +)) watchlist entries, \(report.coverage.count) coverage windows")
                    if report.packsOutOfScope > 0 { print("  \(report.packsOutOfScope) packs outside the region or window left out") }
                    for d in report.coverageDropped { print("  coverage claim not published: \(d)") }
                    if let base, let deltaOut {
                        let d = try DeltaBuilder.build(base: base, target: out, output: deltaOut)
                        print("delta \(deltaOut): version \(d.baseVersion.map(String.init) ?? "?") -> \(d.version)")
                    }
                } catch let e as CommandFailure {
                    throw e
                } catch let e as FieldStoreError {
                    throw CommandFailure(.cantCreate, "cannot build the cache: \(e)")
                } catch {
                    throw CommandFailure(.dataError, "cannot build the cache: \(error)")
                }
            }
        }
    }
}
