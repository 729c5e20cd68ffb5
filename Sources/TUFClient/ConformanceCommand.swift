/// The client-under-test command line of the TUF conformance suite (tuf-conformance's
/// CLIENT-CLI.md), as a function so it can be tested in-process; the `tuf-conformance-client`
/// executable only reads the clock and picks transports.
///
/// ```
/// client --metadata-dir DIR init TRUSTED_ROOT
/// client --metadata-dir DIR --metadata-url URL refresh
/// client --metadata-dir DIR --metadata-url URL --target-name PATH [--target-name PATH ...]
///        --target-base-url URL --target-dir DIR download
/// ```
/// Exit status 0 when the whole command succeeded, 1 otherwise. URLs may also be local paths
/// (read as `file://` URLs). Downloaded targets are stored in the target directory under their
/// percent-encoded target path, one flat file each, so a changed artefact replaces the old one
/// under the same name; an artefact already there with the listed length and hashes is not
/// fetched again.
public enum TUFConformanceCommand {
    /// Returns the transport for a repository URL, or nil when its scheme is not supported.
    public typealias TransportFactory = (_ url: String) -> (any TUFTransport)?

    public static let usage = """
        usage: tuf-conformance-client --metadata-dir DIR init TRUSTED_ROOT
               tuf-conformance-client --metadata-dir DIR --metadata-url URL refresh
               tuf-conformance-client --metadata-dir DIR --metadata-url URL --target-name PATH [--target-name PATH ...] \\
                   --target-base-url URL --target-dir DIR download
        """

    /// Runs one command. `now` is the update start time; `log` receives one line per message.
    public static func run(arguments: [String], now: TUFTime, makeTransport: TransportFactory,
                           configuration: TUFConfiguration = TUFConfiguration(),
                           log: (String) -> Void) -> Int32 {
        var options: [String: String] = [:]
        var targetNames: [String] = []
        var positional: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--metadata-dir", "--metadata-url", "--target-base-url", "--target-dir", "--target-name":
                guard i + 1 < arguments.count else {
                    log("error: \(a) needs a value\n\(usage)")
                    return 1
                }
                if a == "--target-name" { targetNames.append(arguments[i + 1]) } else { options[a] = arguments[i + 1] }
                i += 2
            case "-h", "--help":
                log(usage)
                return 0
            default:
                if a.hasPrefix("--") {
                    log("error: unknown option \(a)\n\(usage)")
                    return 1
                }
                positional.append(a)
                i += 1
            }
        }
        guard let metadataDir = options["--metadata-dir"], let command = positional.first else {
            log("error: --metadata-dir and a command are required\n\(usage)")
            return 1
        }
        do {
            switch command {
            case "init":
                guard positional.count == 2 else {
                    log("error: init takes exactly one TRUSTED_ROOT file\n\(usage)")
                    return 1
                }
                try initialise(metadataDir: metadataDir, trustedRoot: positional[1], now: now, configuration: configuration)
            case "refresh", "download":
                guard positional.count == 1, let metadataURL = options["--metadata-url"] else {
                    log("error: \(command) needs --metadata-url and no other argument\n\(usage)")
                    return 1
                }
                var updater = try makeUpdater(metadataDir: metadataDir, metadataURL: metadataURL,
                                              targetBaseURL: options["--target-base-url"],
                                              makeTransport: makeTransport, configuration: configuration)
                let report = try updater.refresh(startTime: now)
                for note in report.notes { log("note: \(note)") }
                if command == "download" {
                    guard let targetDir = options["--target-dir"], options["--target-base-url"] != nil, !targetNames.isEmpty else {
                        log("error: download needs --target-name, --target-base-url and --target-dir\n\(usage)")
                        return 1
                    }
                    let directory = try DirectoryStore.create(directory: targetDir)
                    for name in targetNames {
                        try downloadTarget(name, updater: &updater, into: directory, log: log)
                    }
                }
            default:
                log("error: unknown command \(command)\n\(usage)")
                return 1
            }
        } catch {
            log("error: \(command) failed: \(error)")
            return 1
        }
        return 0
    }

    /// Copies the trusted root into DIR/root.json after checking that it is root metadata signed
    /// by a threshold of its own keys (its expiry is judged at refresh, against the final root).
    static func initialise(metadataDir: String, trustedRoot: String, now: TUFTime, configuration: TUFConfiguration) throws(TUFError) {
        let bytes: [UInt8]
        switch POSIXFile.read(path: trustedRoot, maxLength: configuration.rootMaxLength) {
        case .bytes(let b): bytes = b
        case .notFound: throw .storage(file: trustedRoot, message: "no such file")
        case .tooLong: throw .storage(file: trustedRoot, message: "longer than \(configuration.rootMaxLength) bytes")
        case .failed(let why): throw .storage(file: trustedRoot, message: why)
        }
        _ = try TrustedMetadataSet(trustedRoot: bytes, startTime: now)
        try DirectoryStore.create(directory: metadataDir).store("root.json", bytes)
    }

    static func makeUpdater(metadataDir: String, metadataURL: String, targetBaseURL: String?,
                            makeTransport: TransportFactory, configuration: TUFConfiguration) throws(TUFError) -> TUFUpdater {
        let metadataURL = normalise(metadataURL)
        let targetURL = targetBaseURL.map(normalise)
        guard let transport = makeTransport(metadataURL) else {
            throw .download(file: "metadata", url: metadataURL,
                            error: .unsupportedURL(url: metadataURL, reason: "no transport for this URL scheme"))
        }
        var targetTransport: (any TUFTransport)?
        if let targetURL {
            guard let t = makeTransport(targetURL) else {
                throw .download(file: "targets", url: targetURL,
                                error: .unsupportedURL(url: targetURL, reason: "no transport for this URL scheme"))
            }
            targetTransport = t
        }
        return TUFUpdater(metadataBaseURL: metadataURL, targetBaseURL: targetURL, transport: transport,
                          targetTransport: targetTransport, store: DirectoryStore(directory: metadataDir),
                          configuration: configuration)
    }

    static func downloadTarget(_ name: String, updater: inout TUFUpdater, into directory: DirectoryStore,
                               log: (String) -> Void) throws(TUFError) {
        guard case .found(let file, let role) = try updater.lookup(name) else {
            throw .workflow("target \"\(name)\" is not listed by any responsible targets role")
        }
        let localName = PercentEncoding.encodeAll(name)
        if let cached = try? directory.load(localName, maxLength: file.length), (try? file.verify(cached)) != nil {
            log("\(name): already downloaded and verified")
            return
        }
        let bytes = try updater.download(file)
        try directory.store(localName, bytes)
        log("\(name): downloaded and verified (\(bytes.count) bytes, listed by \(role))")
    }

    /// A URL stays as it is; anything without a scheme is a local path.
    static func normalise(_ location: String) -> String {
        location.contains("://") ? location : FileTransport.url(forPath: location)
    }
}
