import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import StampCodes

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify and decrypt stamp codes offline, with a verdict and reasons for each.",
        discussion: """
        Codes come from the arguments, or one per line from standard input when none are given or CODE is `-`. \
        Only line terminators (LF, CRLF) are stripped: spaces belong to the Base45 alphabet. Blank lines are skipped.
        Exit codes: 0 every code genuine, 1 any code not genuine, 64 usage, 65 unreadable keyring, 66 missing input file.
        """)

    @Option(name: .long, help: ArgumentHelp("Keyring JSON file (docs/stamp-code.md).", valueName: "file"))
    var keyring: String?

    @Option(name: .long, help: ArgumentHelp("Market of the inspection, e.g. MZ or MZ-MPM; enables the market rule.", valueName: "cc"))
    var market: String?

    @Option(name: .long, help: ArgumentHelp("Fix \"now\" for the time rules (RFC 3339).", valueName: "rfc3339"))
    var at: String?

    @Flag(name: .long, help: "Print one JSON object per code, in input order.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Read codes from a file, one per line.", valueName: "file"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("Verify on this many threads (default: all cores).", valueName: "n"))
    var jobs: Int?

    @Argument(help: ArgumentHelp("Stamp codes; `-` reads standard input.", valueName: "code"))
    var codes: [String] = []

    func validate() throws {
        if let market, Market(market.uppercased()) == nil {
            throw ValidationError("--market \"\(market)\" is not an ISO 3166 market such as MZ or MZ-MPM.")
        }
        if let at, RFC3339.parse(at) == nil {
            throw ValidationError("--at \"\(at)\" is not an RFC 3339 time such as 2026-11-29T10:00:00Z.")
        }
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs must be at least 1.")
        }
    }

    func run() throws {
        do {
            try verify()
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }

    func verify() throws {
        let (ring, cache) = try loadKeyring()
        let now = at.flatMap(RFC3339.parse) ?? Int64(Date().timeIntervalSince1970)
        let context = VerificationContext(now: now, market: market.flatMap { Market($0.uppercased()) }, cache: cache)
        let batch = BatchVerification(verifier: StampVerifier(keyring: ring), context: context,
                                      jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)

        // Sources in order: the arguments, with `-` standing for standard input; stdin alone when no codes are given.
        var sources: [Source] = []
        if let input {
            let fd = open(input, O_RDONLY)
            guard fd >= 0 else {
                throw errno == ENOENT
                    ? CommandFailure(.noInput, "input file \(input) does not exist.")
                    : CommandFailure(.noInput, "cannot open input file \(input): \(String(cString: strerror(errno))).")
            }
            sources.append(.reader(LineReader(fileDescriptor: fd)))
        }
        for code in codes {
            if code == "-" {
                sources.append(.reader(LineReader(fileDescriptor: 0)))
            } else {
                sources.append(.argument(Array(code.utf8)))
            }
        }
        if sources.isEmpty { sources.append(.reader(LineReader(fileDescriptor: 0))) }

        var index = 0
        var pendingArguments: [[UInt8]] = []
        let next: () -> [[UInt8]]? = {
            while index < sources.count {
                switch sources[index] {
                case .argument(let code):
                    pendingArguments.append(code)
                    index += 1
                    // Group consecutive arguments into one batch.
                    if index == sources.count || !(sources[index].isArgument) {
                        defer { pendingArguments = [] }
                        return pendingArguments
                    }
                case .reader(let reader):
                    if let b = reader.nextBatch(max: batch.batchSize) { return b }
                    index += 1
                }
            }
            return nil
        }
        let json = self.json
        let summary = batch.run(
            next: next,
            format: { result, out in
                if json {
                    result.appendJSONLine(to: &out)
                    out.append(0x0A)
                } else {
                    out.append(contentsOf: (result.textBlock() + "\n").utf8)
                }
            },
            write: { text in
                if !writeAll(text) {
                    printError("stampwatch: cannot write results: \(String(cString: strerror(errno))).")
                    Foundation.exit(SysExit.ioError.rawValue)
                }
            })
        if !json, isatty(2) != 0, summary.total > 1 {
            let parts = Verdict.allCases.compactMap { v in summary.counts[v].map { "\($0) \(v.rawValue)" } }
            printError("\(summary.total) codes: " + parts.joined(separator: ", "))
        }
        if summary.total == 0 {
            printError("stampwatch: no codes given (pass codes as arguments or one per line on standard input).")
        }
        if !summary.allGenuine { throw ExitCode(SysExit.notAllGenuine.rawValue) }
    }

    enum Source {
        case argument([UInt8])
        case reader(LineReader)
        var isArgument: Bool { if case .argument = self { true } else { false } }
    }

    /// The keyring: --keyring, else $STAMPWATCH_KEYRING, else the signed cache's (with its version and age).
    func loadKeyring() throws(CommandFailure) -> (Keyring, CacheProvenance?) {
        let env = ProcessInfo.processInfo.environment
        let path: String
        if let keyring {
            path = keyring
        } else if let p = env["STAMPWATCH_KEYRING"], !p.isEmpty {
            path = p
        } else if let store = try Cache.openStore(create: false) {
            do {
                let ring = try store.keyring()
                let status = try store.status(deviceClock: Int64(Date().timeIntervalSince1970))
                guard let info = status.cache else { throw FieldStoreError.keyring("no cache has been applied") }
                let provenance = CacheProvenance(version: info.version, ageSeconds: status.ageSeconds ?? 0,
                                                 freshness: status.freshness.freshness.rawValue)
                if provenance.freshness != "fresh" {
                    printError("stampwatch: the offline cache is \(provenance.freshness) (version \(info.version)); run `stampwatch cache update` when a link is available.")
                }
                return (ring, provenance)
            } catch {
                printError("stampwatch: the field store has no usable keyring (\(error)); every code will be unverifiable. Run `stampwatch cache update --from URL|DIR`.")
                return (.empty, nil)
            }
        } else {
            printError("stampwatch: no keyring and no cache yet (give --keyring FILE, or run `stampwatch cache update --from URL|DIR --root ROOT.json`); every code will be unverifiable.")
            return (.empty, nil)
        }
        let bytes = try readFile(path, what: "keyring file")
        do {
            return (try Keyring.parse(bytes), nil)
        } catch {
            throw CommandFailure(.dataError, "keyring \(path) is not usable: \(error). Fix the entry or get a fresh keyring from the hub.")
        }
    }
}
