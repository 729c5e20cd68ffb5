import ArgumentParser
import CLISupport
import Console
import FieldStore
import Foundation
import Provenance
import StampCodes

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify and decrypt stamp codes offline, with a verdict and reasons for each.",
        discussion: """
        Codes come from the arguments, or one per line from standard input when none are given or CODE is `-`. \
        Only line terminators (LF, CRLF) are stripped: spaces belong to the Base45 alphabet. Blank lines are skipped.
        With the offline cache (no --keyring), each verdict also applies the cache's rules (watchlist, commissioning \
        mismatch, never reported) and shows the pack's provenance chain and FCTC items; --json adds a `provenance` member.
        --record stores each verification as an inspection (with its outbox row for upload, in one transaction) before \
        printing its verdict, exactly as the console's Scan screen does.
        Exit codes: 0 every code genuine, 1 any code not genuine, 64 usage, 65 unreadable keyring, 66 missing input file, \
        73 cannot record, 74 output error.
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

    @Flag(inversion: .prefixedNo, help: "Apply the cache's rules and show provenance (needs the offline cache).")
    var provenance = true

    @Flag(name: .long, help: "Store each verification as an inspection record for upload (needs the field store).")
    var record = false

    @Option(name: .long, help: ArgumentHelp("Where the inspection takes place (with --record; default $STAMPWATCH_PLACE).", valueName: "text"))
    var place: String?

    @Option(name: .long, help: ArgumentHelp("Officer id (with --record; default $STAMPWATCH_OFFICER).", valueName: "id"))
    var officer: String?

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
        if !record, place != nil || officer != nil {
            throw ValidationError("--place and --officer go with --record.")
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
        let (ring, cache, store) = try loadKeyring()
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
        let refine = Self.refiner(store: provenance ? store : nil)
        let process: @Sendable (VerificationResult, inout [UInt8]) -> Verdict = { result, out in
            let (r, report) = refine(result)
            Self.format(r, report, json: json, to: &out)
            return r.verdict
        }
        let write: @Sendable ([UInt8]) -> Void = { text in
            if !writeAll(text) {
                printError("stampwatch: cannot write results: \(String(cString: strerror(errno))).")
                Foundation.exit(SysExit.ioError.rawValue)
            }
        }
        let summary: BatchVerification.Summary
        if record {
            summary = try recordAll(next: next, verifier: batch.verifier, context: context, refine: refine, json: json, write: write)
        } else {
            summary = batch.run(next: next, process: process, write: write)
        }
        if !json, isatty(2) != 0, summary.total > 1 {
            let parts = Verdict.allCases.compactMap { v in summary.counts[v].map { "\($0) \(v.rawValue)" } }
            printError("\(summary.total) codes: " + parts.joined(separator: ", "))
        }
        if summary.total == 0 {
            printError("stampwatch: no codes given (pass codes as arguments or one per line on standard input).")
        }
        if !summary.allGenuine { throw ExitCode(SysExit.notAllGenuine.rawValue) }
    }

    /// The cache's rules and provenance for a result with a readable payload (identity without a store).
    static func refiner(store: FieldStore?) -> @Sendable (VerificationResult) -> (VerificationResult, ProvenanceReport?) {
        guard let store else { return { ($0, nil) } }
        return { result in
            guard let payload = result.payload else { return (result, nil) }
            do {
                let report = try ProvenanceBuilder.report(uid: payload.uid, payload: payload, source: store)
                return (CacheRules.apply(report, to: result), report)
            } catch {
                var r = result
                r.reasons.append(Reason("provenance-unavailable", .genuine,
                    "The offline cache could not be read for this pack's provenance (\(error)); the verdict rests on the code alone. Run `stampwatch cache verify`."))
                return (r, nil)
            }
        }
    }

    /// One result as text (verdict block, then the provenance summary indented) or as one JSON line with a
    /// `provenance` member when there is a report.
    static func format(_ r: VerificationResult, _ report: ProvenanceReport?, json: Bool, to out: inout [UInt8]) {
        if json {
            r.appendJSONLine(to: &out)
            if let report {
                out.removeLast()  // the closing brace
                out.append(contentsOf: ",\"provenance\":".utf8)
                out.append(contentsOf: report.jsonValue().serialized().utf8)
                out.append(0x7D)
            }
            out.append(0x0A)
        } else {
            var text = r.textBlock()
            if let report {
                for line in report.summaryLines() { text += "\n  " + line }
            }
            out.append(contentsOf: (text + "\n").utf8)
        }
    }

    /// `--record`: one code at a time, in input order; each inspection and its outbox row are on disk
    /// (one transaction) before its verdict is printed. A failure to record stops the run and says how far it got.
    func recordAll(next: () -> [[UInt8]]?, verifier: StampVerifier, context: VerificationContext,
                   refine: (VerificationResult) -> (VerificationResult, ProvenanceReport?), json: Bool,
                   write: ([UInt8]) -> Void) throws -> BatchVerification.Summary {
        guard let store = try Cache.openStore(create: true) else {
            throw CommandFailure(.cantCreate, "cannot open the field store \(DevicePaths.store) to record inspections.")
        }
        let env = ProcessInfo.processInfo.environment
        let deviceID = try DeviceIdentity.id(env: env)
        let place = self.place ?? env["STAMPWATCH_PLACE"] ?? ""
        let officer = self.officer ?? env["STAMPWATCH_OFFICER"] ?? ""
        var summary = BatchVerification.Summary()
        var recorded = 0
        while let lines = next() {
            for line in lines {
                let (r, report) = refine(verifier.verify(utf8: line, context: context))
                // The same reasons JSON the console's Scan screen records.
                let draft = InspectionDraft(code: r.input, verdict: r.verdict, reasons: r.reasons, place: place, officerID: officer,
                                            cacheVersion: r.cache?.version, cacheAgeSeconds: r.cache?.ageSeconds, createdAt: context.now)
                let input = InspectionInput(code: draft.code, verdict: draft.verdict.rawValue, reasonsJSON: draft.reasonsJSON,
                                            notes: "recorded with stampwatch verify --record", place: draft.place,
                                            officerID: draft.officerID, cacheVersion: draft.cacheVersion,
                                            cacheAgeSeconds: draft.cacheAgeSeconds, createdAt: draft.createdAt)
                do {
                    _ = try store.record(input, deviceID: deviceID)
                } catch {
                    throw CommandFailure(.cantCreate, "could not record the inspection of code #\(recorded + 1) (\(error)); \(recorded) inspection(s) before it are recorded and queued for upload, none after it. Free space or fix the store, then verify the remaining codes again with --record.")
                }
                recorded += 1
                summary.counts[r.verdict, default: 0] += 1
                var out: [UInt8] = []
                Self.format(r, report, json: json, to: &out)
                write(out)
            }
        }
        if isatty(2) != 0 { printError("stampwatch: \(recorded) inspection(s) recorded in \(DevicePaths.store), queued for upload.") }
        return summary
    }

    enum Source {
        case argument([UInt8])
        case reader(LineReader)
        var isArgument: Bool { if case .argument = self { true } else { false } }
    }

    /// The keyring: --keyring, else $STAMPWATCH_KEYRING, else the signed cache's (with its version and age).
    func loadKeyring() throws(CommandFailure) -> (Keyring, CacheProvenance?, FieldStore?) {
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
                return (ring, provenance, store)
            } catch {
                printError("stampwatch: the field store has no usable keyring (\(error)); every code will be unverifiable. Run `stampwatch cache update --from URL|DIR`.")
                return (.empty, nil, nil)
            }
        } else {
            printError("stampwatch: no keyring and no cache yet (give --keyring FILE, or run `stampwatch cache update --from URL|DIR --root ROOT.json`); every code will be unverifiable.")
            return (.empty, nil, nil)
        }
        let bytes = try readFile(path, what: "keyring file")
        do {
            return (try Keyring.parse(bytes), nil, nil)
        } catch {
            throw CommandFailure(.dataError, "keyring \(path) is not usable: \(error). Fix the entry or get a fresh keyring from the hub.")
        }
    }
}
