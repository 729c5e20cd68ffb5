import ArgumentParser
import CLISupport
import Dispatch
import Foundation
import Hub

/// Where the hub keeps its database and receipt key unless `--data` says otherwise.
func defaultHubDataDirectory() -> String { XDGDirectories.current.appData("stampwatch-hub") }

/// Opens (creating if needed) the hub's data directory, store and receipt key.
func openHubData(_ dir: String) throws(CommandFailure) -> (store: SQLiteHubStore, signer: ReceiptSigner) {
    do {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw CommandFailure(.cantCreate, "cannot create the hub data directory \(dir): \(error.localizedDescription)")
    }
    let store: SQLiteHubStore
    do { store = try SQLiteHubStore(path: dir + "/hub.sqlite") } catch {
        throw CommandFailure(.ioError, "cannot open the hub database \(dir)/hub.sqlite: \(error)")
    }
    do {
        return (store, try ReceiptSigner.loadOrCreate(at: dir + "/receipt-key.pem"))
    } catch {
        throw CommandFailure(.dataError, "the hub receipt key \(dir)/receipt-key.pem is not usable: \(error)")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub's HTTP API: enrolment, record upload with signed receipts, EPCIS capture, the TUF repository.",
        discussion: """
        The API is docs/openapi.yaml. Every request except /health and /tuf/metadata is signed with the device's \
        key (RFC 9421 message signatures; enrolment is signed by the key it enrols, see `stampwatch-hub devices token`). \
        Records are stored exactly once per record UUID and per (device, seq), byte for byte, and answered with a \
        receipt signed by the hub's receipt key (DATA/receipt-key.pem, created on first use; its public half is \
        `stampwatch-hub devices hub-key`). TLS needs --tls-cert and --tls-key (PEM); plain HTTP is refused unless \
        --insecure-loopback is given and the address is loopback. Stops on SIGINT or SIGTERM. \
        Logs one line per request on stderr. Exit codes: 0 stopped by a signal, 64 usage, 65 unusable key or \
        certificate, 66 no TUF repository at --tuf, 74 database or listening failed.
        """)

    @Option(name: .long, help: ArgumentHelp("Data directory: hub.sqlite and receipt-key.pem (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed on start).")
    var port = 8443

    @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM).", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("TLS private key (PEM).", valueName: "file"))
    var tlsKey: String?

    @Flag(name: .long, help: "Serve plain HTTP; only allowed on a loopback address.")
    var insecureLoopback = false

    @Option(name: .long, help: ArgumentHelp("TUF repository written by `publish` (serves its metadata/ and targets/ under /tuf).", valueName: "dir"))
    var tuf: String?

    @Flag(name: .long, help: "Serve /tuf/targets without a device signature (the cache holds data keys: only for closed networks and demos).")
    var publicTufTargets = false

    @Option(name: .long, help: "Seconds a request signature's creation time may differ from the hub's clock.")
    var replayWindow: Int64 = 300

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        let listen = HubListenOptions(host: host, port: port, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey, insecureLoopback: insecureLoopback)
        if let problem = listen.problem { throw ValidationError(problem) }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
        guard replayWindow >= 10 else { throw ValidationError("--replay-window must be at least 10 seconds.") }
        guard HubApplication.logLevels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of \(HubApplication.logLevels.joined(separator: ", ")).")
        }
    }

    func run() throws {
        try reporting {
            // A file-size limit (RLIMIT_FSIZE) must fail the write, not kill the server: SQLite then rolls back.
            signal(SIGXFSZ, SIG_IGN)
            if let tuf, !FileManager.default.fileExists(atPath: tuf + "/metadata") {
                throw CommandFailure(.noInput, "\(tuf) is not a TUF repository (no metadata/ folder); run `stampwatch-hub publish --init` first.")
            }
            let dir = data ?? defaultHubDataDirectory()
            let (store, signer) = try openHubData(dir)
            let server = HubServer(store: store, signer: signer,
                                   options: HubOptions(replayWindow: replayWindow, tufRepository: tuf, publicTUFTargets: publicTufTargets))
            let listen = HubListenOptions(host: host, port: port, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey, insecureLoopback: insecureLoopback)
            let scheme = tlsCert == nil ? "http" : "https"
            let host = self.host
            let app: HubApplication.Runnable
            do {
                app = try HubApplication.runnable(server: server, listen: listen, logLevel: logLevel) { port in
                    printError("stampwatch-hub: listening on \(scheme)://\(host):\(port) (data \(dir), receipt key \(signer.keyID))")
                }
            } catch {
                throw CommandFailure(.dataError, "cannot set up the server: \(error)")
            }
            do {
                try app.runBlocking()
            } catch {
                throw CommandFailure(.ioError, "the server stopped: \(error)")
            }
        }
    }
}
