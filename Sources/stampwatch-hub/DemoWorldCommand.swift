import ArgumentParser
import CLISupport
import DemoWorld
import Foundation

struct DemoWorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-world",
        abstract: "Generate the demo world: DEMO keys, EPCIS 2.0 documents, a cache snapshot and sample codes.",
        discussion: """
        Mozambique and its neighbours, manufacturers and importers, production, aggregation, shipments, \
        first customers and shops, and planted cases for an inspector to find (a diverted pallet, a cloned \
        code, a recalled batch, a stolen shipment, seized goods, counterfeit codes). Deterministic: the same \
        seed and scale give the same world, byte for byte. DIR gets issuer/ (DEMO KEYS NOT FOR ENFORCEMENT), \
        epcis/*.json, master-data.json, hub/hub.sqlite (the documents and master data captured into a hub database), \
        cache/MZ/snapshot.sqlite (assembled from that hub by CacheAssembly, as `cache build` does), samples.txt and world.json. An existing DIR is replaced only \
        when it is empty or holds a demo world (or with --force); when it already holds this recipe's world, \
        nothing is done.
        """)

    @Option(name: .long, help: "The seed (0 to 9223372036854775807); overrides the recipe's.")
    var seed: UInt64?

    @Option(name: .long, help: "small (8,000 packs, about a second) or national (10 million packs, minutes); overrides the recipe's.")
    var scale: String?

    @Option(name: .long, help: "Packs to make instead of the scale's default (at least 8000).")
    var packs: Int?

    @Option(name: .long, help: ArgumentHelp("A recipe file: {\"seed\": N, \"scale\": \"small\"} (OfflineCache/recipe.json).", valueName: "file"))
    var recipe: String?

    @Option(name: .long, help: ArgumentHelp("Directory to write the world into.", valueName: "dir"))
    var out: String

    @Flag(name: .long, help: "Replace DIR whatever it holds, and regenerate even when it is up to date.")
    var force = false

    func validate() throws {
        guard seed != nil || recipe != nil else { throw ValidationError("Give --seed N or --recipe FILE.") }
        if let scale, DemoScale(rawValue: scale) == nil { throw ValidationError("--scale must be small or national.") }
        if let seed, seed > UInt64(Int64.max) { throw ValidationError("--seed must be at most \(Int64.max).") }
    }

    func run() throws {
        try reporting {
            var r = DemoWorldRecipe(seed: 0)
            if let recipe {
                do {
                    r = try DemoWorldRecipe.parse(try readFile(recipe, what: "recipe"))
                } catch let e as DemoWorldError {
                    throw CommandFailure(.dataError, "recipe \(recipe): \(e.message).")
                }
            }
            if let seed { r.seed = seed }
            if let scale, let s = DemoScale(rawValue: scale) { r.scale = s }
            if let packs { r.packs = packs }
            do {
                switch try DemoWorldGenerator(recipe: r.validated()).install(at: out, force: force) {
                case .upToDate:
                    print("\(out): the demo world for seed \(r.seed), scale \(r.scale.rawValue) is up to date")
                case .generated(let report):
                    print("demo world seed \(r.seed), scale \(r.scale.rawValue): \(report.count("packs")) packs, "
                          + "\(report.count("events")) events, \(report.samples.count) sample codes in "
                          + String(format: "%.1f s", report.seconds))
                    if report.captureSeconds > 0 {
                        print(String(format: "  hub       %@/hub/hub.sqlite: %d events captured in %.1f s (%.0f events/s), snapshot assembled in %.1f s",
                                     out, report.count("events"), report.captureSeconds, Double(report.count("events")) / report.captureSeconds,
                                     report.assembleSeconds))
                    }
                    print("  keys      \(out)/issuer/ (DEMO KEYS NOT FOR ENFORCEMENT)")
                    print("  snapshot  \(out)/cache/MZ/snapshot.sqlite (content sha256 \(report.contentSHA256.prefix(16))…)")
                    print("  EPCIS     \(out)/epcis/ (\(report.epcisFiles.count) documents)")
                    print("  samples   \(out)/samples.txt;  summary \(out)/world.json")
                }
            } catch let e as DemoWorldError {
                switch e.kind {
                case .recipe: throw CommandFailure(.usage, e.message + ".")
                case .output: throw CommandFailure(.cantCreate, e.message + ".")
                case .internal: throw CommandFailure(.software, "internal error (please report): " + e.message)
                }
            }
        }
    }
}
