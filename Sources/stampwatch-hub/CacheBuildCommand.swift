import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import StampCodes

struct CacheFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Build the field cache files that `publish` signs and consoles apply.",
        subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a cache snapshot for a region (and a delta from an older snapshot).",
            discussion: """
            The snapshot carries the verifier keyring from --keys (signing public keys and the data keys). Publish it \
            as target cache/REGION/snapshot.sqlite, and a delta as cache/REGION/delta-from-BASEVERSION.sqlite. \
            Provenance, watchlists and checklists join the snapshot with the demo world; today it holds the keyring.
            """)

        @Option(name: .long, help: ArgumentHelp("Directory written by `keys generate`.", valueName: "dir"))
        var keys: String

        @Option(name: .long, help: "Region the cache is for.")
        var region: String = "MZ"

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
        }

        func run() throws {
            try reporting {
                let keyringBytes = try readFile(keys + "/keyring.json", what: "keyring")
                do {
                    _ = try Keyring.parse(keyringBytes)
                } catch {
                    throw CommandFailure(.dataError, "\(keys)/keyring.json is not a usable keyring: \(error)")
                }
                var content = CacheContent()
                content.keyring = KeyringDocument(json: String(decoding: keyringBytes, as: UTF8.self))
                let now = Int64(Date().timeIntervalSince1970)
                let descriptor = CacheDescriptor(version: version, region: region, source: "stampwatch-hub",
                                                 publishedAt: now, expires: now + Int64(expiresDays) * 86_400)
                do {
                    let meta = try SnapshotBuilder.build(at: out, descriptor: descriptor, content: content)
                    print("snapshot \(out): region \(meta.region), version \(meta.version)")
                    if let base, let deltaOut {
                        let d = try DeltaBuilder.build(base: base, target: out, output: deltaOut)
                        print("delta \(deltaOut): version \(d.baseVersion.map(String.init) ?? "?") -> \(d.version)")
                    }
                } catch {
                    throw CommandFailure(.dataError, "cannot build the cache: \(error)")
                }
            }
        }
    }
}
