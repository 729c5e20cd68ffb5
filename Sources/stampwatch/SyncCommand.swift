import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import HTTP
import StrictJSON
import Sync

/// `stampwatch sync`: sends the outbox to the hub and refreshes the signed cache (once, or in a loop).
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send recorded inspections to the hub (exactly once, checked by signed receipts), then refresh the cache.",
        discussion: """
        Needs an enrolled console (`stampwatch device enrol`) and the hub's receipt key from the signed cache \
        (`stampwatch cache update`; sync runs the refresh itself when the key is missing). Records leave the outbox's \
        pending state only when a receipt signed by that key names them; a record the hub refuses (409) stays on the \
        console, flagged refused, with the hub's reason. Without --once sync runs until stopped, backing off \
        exponentially (with jitter, never sooner than the hub's Retry-After) after a failure; for cron or a systemd \
        timer use --once. Settings come from the enrolment, then [sync] in the console's config file \
        ($STAMPWATCH_CONFIG, else $XDG_CONFIG_HOME/stampwatch/config), then these flags. See docs/sync.md. Exit codes (--once): 0 nothing left to send, \
        65 a receipt did not verify, 69 the hub could not be reached or is busy, 75 records are still waiting (try again), \
        77 the hub refuses this device (revoked, signature) or the TLS pin, 78 not enrolled or no hub key.
        """)

    @Flag(name: .long, help: "One run, then exit (cron, systemd timers).")
    var once = false

    @Flag(name: .long, help: "A JSON summary per run on stdout.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("The hub's address (default: the one enrolled with).", valueName: "url"))
    var hub: String?

    @Option(name: .long, help: ArgumentHelp("Most records per upload (1-1000).", valueName: "n"))
    var batchSize: Int?

    @Option(name: .long, help: ArgumentHelp("Most bytes per upload, before gzip.", valueName: "bytes"))
    var batchBytes: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds between runs when all went well (loop mode).", valueName: "s"))
    var interval: Double?

    @Option(name: .long, help: ArgumentHelp("Longest time for one request.", valueName: "s"))
    var timeout: Double?

    @Option(name: .long, help: ArgumentHelp("First retry delay after a failure (doubles up to --backoff-max).", valueName: "s"))
    var backoffBase: Double?

    @Option(name: .long, help: ArgumentHelp("Longest retry delay.", valueName: "s"))
    var backoffMax: Double?

    @Option(name: .long, help: ArgumentHelp("Pin the hub's TLS public key (sha256//BASE64).", valueName: "pin"))
    var pin: String?

    @Option(name: .long, help: ArgumentHelp("Trust this CA bundle (PEM) for the hub.", valueName: "file"))
    var ca: String?

    @Flag(name: .long, help: "Allow plain http:// to a hub on this machine (loopback only).")
    var allowInsecureLoopback = false

    @Flag(name: .long, help: "Do not refresh the signed cache after uploading.")
    var noCacheRefresh = false

    @Option(name: .long, help: "The cache region to refresh.")
    var region = "MZ"

    @Option(name: .long, help: ArgumentHelp("Config file (default: $STAMPWATCH_CONFIG, else $XDG_CONFIG_HOME/stampwatch/config).", valueName: "file"))
    var config: String?

    func validate() throws {
        if let batchSize, !(1...1000).contains(batchSize) { throw ValidationError("--batch-size must be 1 to 1000.") }
        if let batchBytes, batchBytes < 1 { throw ValidationError("--batch-bytes must be positive.") }
        for (name, v) in [("interval", interval), ("timeout", timeout), ("backoff-base", backoffBase), ("backoff-max", backoffMax)] {
            if let v, !(v > 0 && v.isFinite) { throw ValidationError("--\(name) must be a positive number of seconds.") }
        }
    }

    func run() throws {
        do {
            try sync()
        } catch {
            throw error.exit()
        }
    }

    /// Defaults, then the enrolment, then the config file and $STAMPWATCH_HUB, then flags.
    func settings(_ identity: Sync.DeviceIdentity) throws(CommandFailure) -> SyncSettings {
        var s = SyncSettings()
        var enrolled = SyncSettingsOverlay()
        enrolled.hubURL = identity.hubURL
        enrolled.pin = identity.pin
        enrolled.caFile = identity.caFile
        enrolled.allowInsecureLoopback = identity.allowInsecureLoopback
        s.apply(enrolled)
        let env = ProcessInfo.processInfo.environment
        let file = config ?? env["STAMPWATCH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? (XDGDirectories.current.appConfig() + "/config")
        if FileManager.default.fileExists(atPath: file) {
            let text = String(decoding: try readFile(file, what: "config file"), as: UTF8.self)
            do { s.apply(try SyncConfigFile.parse(text)) } catch {
                throw CommandFailure(.config, "\(file) \(error).")
            }
        } else if config != nil {
            throw CommandFailure(.noInput, "config file \(file) does not exist.")
        }
        var flags = SyncSettingsOverlay()
        flags.hubURL = hub ?? env["STAMPWATCH_HUB"].flatMap { $0.isEmpty ? nil : $0 }
        flags.pin = pin
        flags.caFile = ca
        if allowInsecureLoopback { flags.allowInsecureLoopback = true }
        flags.batchRecords = batchSize
        flags.batchBytes = batchBytes
        flags.interval = interval
        flags.requestTimeout = timeout
        flags.backoffBase = backoffBase
        flags.backoffMax = backoffMax
        if noCacheRefresh { flags.cacheRefresh = false }
        s.apply(flags)
        return s
    }

    func sync() throws(CommandFailure) {
        let paths = Device.paths
        let loaded: Sync.DeviceIdentity?
        do { loaded = try Sync.DeviceIdentity.load(paths) } catch { throw Device.failure(error) }
        guard let identity = loaded else {
            throw CommandFailure(.config, "this console is not enrolled: run `stampwatch device enrol --hub URL --token TOKEN` first.")
        }
        let settings = try settings(identity)
        let endpoint: HubEndpoint
        do { endpoint = try HubEndpoint(settings: settings) } catch { throw Device.failure(error) }
        let store = try Cache.openStore(create: true)!
        let signer = DeviceRequestSigner(deviceID: identity.deviceID, key: identity.key)
        var refresh = CacheRefresh(from: endpoint.tufURL, region: region, allowInsecureLoopback: settings.allowInsecureLoopback)
        refresh.signer = signer
        refresh.tls = endpoint.options.tls
        refresh.transfer = endpoint.options
        refresh.store = store
        let refreshJob = refresh
        let engine = SyncEngine(store: store, paths: paths, deviceID: identity.deviceID,
                                transport: HTTPUploadTransport(endpoint: endpoint, signer: signer), settings: settings,
                                hubKey: SyncEngine.keyFromSignedCache(paths), cacheRefresh: { refreshJob.outcome() })
        let tty = isatty(2) != 0 && !json
        while true {
            let bar = SyncProgressBar(tty: tty, quiet: json)
            let status = engine.runOnce { bar.update($0) }
            bar.finish()
            if json {
                writeAll(Self.json(status).serialized(sortedKeys: true) + "\n")
            } else {
                for line in Self.text(status) { printError(line) }
            }
            if once {
                if let code = Self.exitCode(status) { throw CommandFailure(code, status.lastError ?? "records are still waiting to be sent.") }
                return
            }
            let wait = engine.nextRunDelay()
            if !json { printError("next run in \(Self.seconds(wait))") }
            Thread.sleep(forTimeInterval: max(0.05, wait))
        }
    }

    /// nil: success.
    static func exitCode(_ s: SyncStatus) -> SysExit? {
        guard let run = s.lastRun else { return .tempFail }   // another sync held the lock
        if run.completed { return nil }
        if !s.hasHubKey { return .config }
        switch s.link {
        case .refused: return (s.lastError ?? "").contains("receipt") ? .dataError : .noPermission
        case .down, .busy: return .unavailable
        default: return .tempFail
        }
    }

    static func seconds(_ s: Double) -> String { s < 10 ? String(format: "%.1f s", s) : "\(Int(s.rounded())) s" }

    static func text(_ s: SyncStatus) -> [String] {
        var lines: [String] = []
        if let r = s.lastRun {
            var line = "sync: \(r.acknowledged) acknowledged, \(r.refused) refused in \(r.batchesSent) batch(es), \(r.bytesSent) bytes sent"
            if r.jsonBytes > 0 { line += " (\(r.jsonBytes) before gzip)" }
            line += String(format: ", %.1f s", r.finishedAt - r.startedAt)
            lines.append(line)
            if let c = r.cacheRefresh { lines.append("cache: " + (r.cacheRefreshFailed ? "refresh failed: " : "") + c) }
        }
        lines.append("outbox: \(s.pending) pending, \(s.inFlight) in flight, \(s.acknowledged) acknowledged, \(s.refused) refused; link \(s.link.rawValue)")
        if let e = s.lastError { lines.append("last error: \(e)") }
        return lines
    }

    static func json(_ s: SyncStatus) -> JSONValue {
        func opt(_ v: Int64?) -> JSONValue { v.map(JSONValue.integer) ?? .null }
        var o: JSONObject = [
            "device_id": s.deviceID.map(JSONValue.string) ?? .null, "pending": .integer(Int64(s.pending)), "in_flight": .integer(Int64(s.inFlight)),
            "acknowledged": .integer(Int64(s.acknowledged)), "refused": .integer(Int64(s.refused)), "link": .string(s.link.rawValue),
            "last_error": s.lastError.map(JSONValue.string) ?? .null, "last_success_at": opt(s.lastSuccessAt),
            "next_attempt_at": opt(s.nextAttemptAt), "consecutive_failures": .integer(Int64(s.consecutiveFailures)),
            "hub_key": .bool(s.hasHubKey),
        ]
        if let r = s.lastRun {
            _ = o.updateValue(.object([
                "batches": .integer(Int64(r.batchesSent)), "acknowledged": .integer(Int64(r.acknowledged)), "refused": .integer(Int64(r.refused)),
                "bytes_sent": .integer(Int64(r.bytesSent)), "json_bytes": .integer(Int64(r.jsonBytes)), "payload_bytes": .integer(Int64(r.payloadBytes)),
                "milliseconds": .integer(Int64(((r.finishedAt - r.startedAt) * 1000).rounded())), "completed": .bool(r.completed),
                "cache_refresh": r.cacheRefresh.map(JSONValue.string) ?? .null, "cache_refresh_ok": r.cacheRefresh == nil ? .null : .bool(!r.cacheRefreshFailed),
            ]), forKey: "run")
        }
        return .object(o)
    }
}

/// A progress bar on a terminal (stderr); plain lines otherwise, one per batch.
final class SyncProgressBar: @unchecked Sendable {
    let tty: Bool
    let quiet: Bool
    private var last = -1
    private var drew = false

    init(tty: Bool, quiet: Bool) { self.tty = tty; self.quiet = quiet }

    func update(_ p: SyncProgress) {
        guard !quiet, p.total > 0, p.done != last else { return }
        last = p.done
        if tty {
            let percent = min(100, p.done * 100 / p.total)
            let filled = percent * 30 / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
            FileHandle.standardError.write(Data("\rsending [\(bar)] \(p.done)/\(p.total) records, \(p.bytesSent / 1024) KiB".utf8))
            drew = true
        } else if p.done > 0 {
            printError("sent \(p.done)/\(p.total) records (\(p.bytesSent) bytes)")
        }
    }

    func finish() { if tty && drew { FileHandle.standardError.write(Data("\n".utf8)) } }
}
