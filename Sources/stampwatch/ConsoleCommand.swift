import ArgumentParser
import CLISupport
import Console
import FieldStore
import Foundation
import Provenance
import StampCodes
import Sync
import TerminalUI

/// The console's command-line flags (on the root command: `stampwatch --theme sunlight`).
struct ConsoleFlags {
    var theme: String?
    var plain = false
    var mouse = false
}

/// `stampwatch` with no subcommand: the full-screen console (or `--plain`, the linear one), wired to the
/// keyring, the field store and the config file.
///
/// - Config: `$STAMPWATCH_CONFIG`, else `$XDG_CONFIG_HOME/stampwatch/config` (docs/console.md). A file
///   with mistakes stops the start with every mistake and its line (exit 78): the officer id and place
///   go into court records and must not silently fall back. A broken theme only falls back to the
///   default theme, said on the status line, in the log and on stderr at exit.
/// - Log: `$XDG_STATE_HOME/stampwatch/console.log`, never the screen.
/// - Keyring: `$STAMPWATCH_KEYRING` if set (as `verify`), else the signed cache's.
/// - Inspections go to the field store's outbox (`FieldStore.record`, one transaction, synchronous = FULL)
///   before the verdict is shown, so nothing is lost if the console is killed right after Enter. A
///   checklist is a follow-up record naming the first (docs/console.md, "Records").
/// - Officer and place: `$STAMPWATCH_OFFICER` / `$STAMPWATCH_PLACE`, else the config's `[inspection]`.
///   The device id: `$STAMPWATCH_DEVICE_ID`, else a `device-id` file created once beside the store.
func runConsole(_ flags: ConsoleFlags) throws {
    let env = ProcessInfo.processInfo.environment
    // `make bench` (scripts/bench-console.sh): the console's frame costs at 200×60, in memory.
    if env["STAMPWATCH_BENCH_FRAMES"] == "1" {
        for line in ConsoleBench.report(ConsoleBench.measure()) { print(line) }
        return
    }
    let xdg = XDGDirectories(environment: env)
    let log = ConsoleLog(path: xdg.appState() + "/console.log")
    log.write("console start (\(flags.plain ? "plain" : "full screen"))")

    // Config: strict.
    let configPath = env["STAMPWATCH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? xdg.appConfig() + "/config"
    var config = ConsoleConfig()
    if let data = FileManager.default.contents(atPath: configPath) {
        // `[sync]` belongs to the sync engine: its own parser checks it, and its mistakes stop the start too.
        let checkSync: ConsoleConfig.SectionCheck = { text in
            do { _ = try SyncConfigFile.parse(text); return [] } catch let e as SyncConfigFile.Failure { return [(e.line, e.message)] } catch { return [(0, "\(error)")] }
        }
        switch ConsoleConfig.parse(String(decoding: data, as: UTF8.self), source: configPath, sync: checkSync) {
        case .success(let c): config = c
        case .failure(let errors):
            log.write("config refused: \(errors)")
            printError("stampwatch: the config file has mistakes, so the console did not start:")
            for e in errors.errors { printError("  " + e.description) }
            printError("Fix the lines above (the format is in docs/console.md), or move the file away to start with the defaults.")
            throw ExitCode(SysExit.config.rawValue)
        }
    }

    // Theme: the flag, else the config's; a broken one falls back to the default with its line named.
    var notices: [String] = []
    let themeName = flags.theme ?? config.theme ?? "default"
    let resolved = ThemeResolver.resolve(themeName, directories: [xdg.appConfig() + "/themes"]) { path in
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
    for p in resolved.problems {
        log.write(p)
        notices.append(p)
    }

    if !flags.plain {
        guard isatty(0) != 0, isatty(1) != 0 else {
            printError("stampwatch: the console needs a terminal; use `stampwatch --plain` for a line-by-line console, or `stampwatch verify` for scripts.")
            throw ExitCode(SysExit.usage.rawValue)
        }
    }
    let store: FieldStore
    do {
        guard let s = try Cache.openStore(create: true) else { throw CommandFailure(.cantCreate, "cannot create the field store at \(DevicePaths.store)") }
        store = s
    } catch let failure as CommandFailure {
        log.write("store: \(failure.message)")
        throw failure.exit()
    }
    let deviceID: String
    do { deviceID = try DeviceIdentity.id(env: env) } catch { throw error.exit() }
    let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    // The keyring: the environment's file, else the cache's (empty: every code unverifiable, and the
    // console's empty state says how to get a cache).
    var keyring = Keyring.empty
    var fromCache = false
    if let path = env["STAMPWATCH_KEYRING"], !path.isEmpty {
        do {
            keyring = try Keyring.parse(try readFile(path, what: "keyring file"))
        } catch let failure as CommandFailure {
            throw failure.exit()
        } catch {
            throw CommandFailure(.dataError, "keyring \(path) is not usable: \(error). Fix the entry or get a fresh keyring from the hub.").exit()
        }
    } else if (try? store.cacheInfo()) != nil {
        do {
            keyring = try store.keyring()
            fromCache = true
        } catch {
            log.write("the cache's keyring is not usable: \(error)")
            notices.append("The cache's keyring is not usable (\(error)): codes are UNVERIFIABLE. Run `stampwatch cache verify`.")
        }
    }
    let verifier = StampVerifier(keyring: keyring)
    let keyringFromCache = fromCache
    let market = config.market.flatMap(Market.init)

    let summary: @Sendable () -> CacheSummary? = { consoleCacheSummary(store, now: now()) }
    // Background sync when the console is enrolled; otherwise the outbox counts and how to enrol.
    let background = startBackgroundSync(store: store, config: config, consoleDeviceID: deviceID, env: env, log: log)
    if let note = background.notice { notices.append(note) }
    let sync: @Sendable () -> Console.SyncStatus?
    if let runner = background.runner {
        sync = { runner.current }
    } else {
        let link = background.link
        sync = { consoleSyncStatus(store, link: link) }
    }
    var syncNow: (@Sendable () -> Void)?
    var syncUpdates: (@Sendable (@escaping @Sendable (Console.SyncStatus) -> Void) -> Void)?
    if let runner = background.runner {
        syncNow = { runner.syncNow() }
        syncUpdates = { deliver in runner.subscribe(deliver) }
    }
    defer {
        if let runner = background.runner, !runner.stop(timeout: 1) {
            log.write("sync: a run was still talking to the hub at exit; it is abandoned (its records go back to pending)")
        }
    }
    let officer = env["STAMPWATCH_OFFICER"].flatMap { $0.isEmpty ? nil : $0 } ?? config.officerID ?? ""
    let place = env["STAMPWATCH_PLACE"].flatMap { $0.isEmpty ? nil : $0 } ?? config.place ?? ""
    if officer.isEmpty { notices.append("No officer id set: add `officer = …` under [inspection] in \(configPath)") }
    let environment = ConsoleEnvironment(
        verify: { code in
            var provenance: CacheProvenance?
            if keyringFromCache, let s = summary(), let version = s.version {
                provenance = CacheProvenance(version: version, ageSeconds: s.ageSeconds ?? 0, freshness: s.freshness.rawValue)
            }
            return verifier.verify(code, context: VerificationContext(now: now(), market: market, cache: provenance))
        },
        provenance: { uid, payload in
            guard try store.cacheInfo() != nil else { return nil }
            return try ProvenanceBuilder.report(uid: uid, payload: payload, source: store)
        },
        checklist: { series in
            try store.checklist(series: series).map { SeriesChecklist(series: $0.series, features: $0.features) }
        },
        cacheStatus: summary,
        syncStatus: sync,
        record: { draft in
            let input = InspectionInput(code: draft.code, verdict: draft.verdict.rawValue, reasonsJSON: draft.reasonsJSON,
                                        checklistJSON: draft.checklistJSON, notes: draft.notes, place: draft.place,
                                        officerID: draft.officerID, cacheVersion: draft.cacheVersion,
                                        cacheAgeSeconds: draft.cacheAgeSeconds, createdAt: draft.createdAt)
            let id = try store.record(input, deviceID: deviceID).recordUUID.uuidString.lowercased()
            background.runner?.recorded()
            return id
        },
        now: now,
        log: { log.write($0) },
        place: place,
        officerID: officer,
        syncNow: syncNow,
        syncUpdates: syncUpdates)

    if flags.plain {
        runPlain(environment)
        for p in resolved.problems { printError("stampwatch: " + p) }
        return
    }

    var options = ConsoleApp.Options()
    options.theme = resolved.theme
    options.keyMap = config.keyMap
    options.mouse = flags.mouse || config.mouse
    options.ascii = config.ascii
    options.notice = notices.first ?? ""
    // `make bench` (scripts/bench-console.sh): the first frame, then out, with the time since T0 in a file.
    let benchFile = env["STAMPWATCH_BENCH_STARTUP"].flatMap { $0.isEmpty ? nil : $0 }
    options.exitAfterFirstFrame = benchFile != nil
    do {
        let outcome = try ConsoleApp.run(environment: environment, initialCache: summary(), options: options)
        if let benchFile {
            let t0 = Double(env["STAMPWATCH_BENCH_T0"] ?? "") ?? 0
            let ms = (Date().timeIntervalSince1970 * 1e9 - t0) / 1e6
            try? String(format: "%.1f\n", ms).write(toFile: benchFile, atomically: true, encoding: .utf8)
            return
        }
        log.write("console end: \(outcome.inspections) inspection(s), \(outcome.checklistRecords) checklist record(s)")
        print("stampwatch: \(outcome.inspections) inspection(s) this session (\(outcome.checklistRecords) checklist record(s)), recorded in \(DevicePaths.store).")
        for p in resolved.problems { printError("stampwatch: " + p) }
    } catch {
        log.write("the console could not run: \(error)")
        printError("stampwatch: the console could not run: \(error)")
        throw ExitCode(SysExit.unavailable.rawValue)
    }
}

/// The linear console: a prompt, a line read, the answer as lines.
private func runPlain(_ environment: ConsoleEnvironment) {
    let plain = PlainConsole(environment: environment)
    for line in plain.banner() { print(line) }
    while true {
        print(plain.prompt, terminator: "")
        fflush(nil)
        guard let line = readLine(strippingNewline: true) else {
            print("")
            print("\(plain.session.count) inspection(s) this session.")
            break
        }
        let (lines, done) = plain.handle(line)
        for l in lines { print(l) }
        fflush(nil)
        if done { break }
    }
}

/// The cache as the console shows it, from the field store's status.
func consoleCacheSummary(_ store: FieldStore, now: Int64) -> CacheSummary? {
    guard let status = try? store.status(deviceClock: now) else { return nil }
    let counts = (try? store.outboxCounts()) ?? [:]
    let pending = (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0)
    let freshness: CacheFreshness = switch status.freshness.freshness {
    case .fresh: .fresh
    case .stale: .stale
    case .expired: .expired
    case .noCache: .noCache
    }
    let update = status.trusted.lastAttempt.map {
        CacheUpdateSummary(state: $0.state.rawValue, target: $0.target, startedAt: $0.startedAt, finishedAt: $0.finishedAt,
                           error: $0.error, lastSuccessAt: $0.lastSuccessAt)
    }
    return CacheSummary(freshness: status.cache == nil ? .noCache : freshness, version: status.cache?.version,
                        ageSeconds: status.ageSeconds, pendingUploads: pending, region: status.cache?.region,
                        source: status.cache?.source, publishedAt: status.cache?.publishedAt, appliedAt: status.cache?.appliedAt,
                        dueAt: status.freshness.dueAt, expiresHardAt: status.freshness.expiresHardAt, lastUpdate: update)
}

/// Uploads as far as the outbox tells them, for a console without background sync (not enrolled).
func consoleSyncStatus(_ store: FieldStore, link: Console.SyncStatus.Link = .notRunning) -> Console.SyncStatus? {
    guard let counts = try? store.outboxCounts() else { return nil }
    let oldest = (try? store.pendingOutbox(limit: 1, now: .max))?.first
    return Console.SyncStatus(pending: counts[.pending] ?? 0, inFlight: counts[.inFlight] ?? 0, acknowledged: counts[.acknowledged] ?? 0,
                              refused: counts[.refused] ?? 0, link: link, lastError: oldest?.lastError,
                              nextAttemptAt: (oldest?.attempts ?? 0) > 0 ? oldest?.nextAttemptAt : nil)
}

/// The sync engine's status as the console shows it.
func consoleSyncStatus(_ s: Sync.SyncStatus, hub: String, running: Bool = false, progress: SyncProgress? = nil) -> Console.SyncStatus {
    var c = Console.SyncStatus(pending: s.pending, inFlight: s.inFlight, acknowledged: s.acknowledged, refused: s.refused,
                               link: Console.SyncStatus.link(engineState: s.link.rawValue, running: running, lastError: s.lastError),
                               lastError: s.lastError, lastSuccessAt: s.lastSuccessAt, nextAttemptAt: s.nextAttemptAt,
                               running: running, hub: hub, deviceID: s.deviceID)
    if let progress {
        c.progressDone = progress.done
        c.progressTotal = progress.total
    }
    return c
}

/// The console's background sync, or why there is none.
struct ConsoleBackgroundSync: Sendable {
    var runner: BackgroundSync?
    /// The link to show without a runner.
    var link: Console.SyncStatus.Link = .notRunning
    /// A line for the status bar at start (a problem the officer should know about).
    var notice: String?
}

/// Builds the sync engine as `stampwatch sync` does (the enrolment, then `[sync]` of the config file, then
/// `$STAMPWATCH_HUB`), with the cache refresh quiet (nothing may write to the terminal under the full-screen
/// UI), and starts its thread. Not enrolled: no thread, and the status screen says how to enrol. Problems go to
/// the log and the status line, never to the terminal.
func startBackgroundSync(store: FieldStore, config: ConsoleConfig, consoleDeviceID: String, env: [String: String],
                         log: ConsoleLog) -> ConsoleBackgroundSync {
    let paths = SyncPaths(store: DevicePaths.store)
    let identity: Sync.DeviceIdentity
    do {
        guard let loaded = try Sync.DeviceIdentity.load(paths) else {
            log.write("sync: not enrolled; records wait in the outbox")
            return ConsoleBackgroundSync(link: .notEnrolled)
        }
        identity = loaded
    } catch {
        log.write("sync: the device identity is not usable: \(error.message)")
        return ConsoleBackgroundSync(link: .notEnrolled, notice: "Sync is off: \(error.message)")
    }
    var settings = SyncSettings()
    var enrolled = SyncSettingsOverlay()
    enrolled.hubURL = identity.hubURL
    enrolled.pin = identity.pin
    enrolled.caFile = identity.caFile
    enrolled.allowInsecureLoopback = identity.allowInsecureLoopback
    settings.apply(enrolled)
    // Checked when the config was read (a mistake stopped the start), so this parse succeeds.
    if let overlay = try? SyncConfigFile.parse(config.syncSection) { settings.apply(overlay) }
    if let hub = env["STAMPWATCH_HUB"], !hub.isEmpty {
        var o = SyncSettingsOverlay()
        o.hubURL = hub
        settings.apply(o)
    }
    let endpoint: HubEndpoint
    do { endpoint = try HubEndpoint(settings: settings) } catch {
        log.write("sync: \(error.message)")
        return ConsoleBackgroundSync(link: .notRunning, notice: "Sync is off: \(error.message)")
    }
    var notice: String?
    if consoleDeviceID != identity.deviceID {
        notice = "Records are made as \(consoleDeviceID) but this console is enrolled as \(identity.deviceID): only \(identity.deviceID)'s records are sent"
        log.write("sync: " + notice!)
    }
    let signer = DeviceRequestSigner(deviceID: identity.deviceID, key: identity.key)
    var refresh = CacheRefresh(from: endpoint.tufURL, region: identity.region.isEmpty ? "MZ" : identity.region,
                               allowInsecureLoopback: settings.allowInsecureLoopback)
    refresh.signer = signer
    refresh.tls = endpoint.options.tls
    refresh.transfer = endpoint.options
    refresh.store = store
    refresh.quiet = true
    let refreshJob = refresh
    let engine = SyncEngine(store: store, paths: paths, deviceID: identity.deviceID,
                            transport: HTTPUploadTransport(endpoint: endpoint, signer: signer), settings: settings,
                            hubKey: SyncEngine.keyFromSignedCache(paths), cacheRefresh: { refreshJob.outcome() })
    let hub = endpoint.baseURL
    let runner = BackgroundSync(engine: BackgroundSync.Engine(
        run: { progress in
            let s = engine.runOnce { p in progress(consoleSyncStatus(engine.status(), hub: hub, running: true, progress: p)) }
            var line = "sync: link \(s.link.rawValue), \(s.unsent) waiting, \(s.acknowledged) acknowledged, \(s.refused) refused"
            if let r = s.lastRun { line += "; this run \(r.acknowledged) acknowledged in \(r.batchesSent) batch(es)" + (r.cacheRefresh.map { "; cache: \($0)" } ?? "") }
            if let e = s.lastError { line += "; error: \(e)" }
            log.write(line)
            return consoleSyncStatus(s, hub: hub)
        },
        status: { consoleSyncStatus(engine.status(), hub: hub) },
        nextRunDelay: { engine.nextRunDelay() }),
        initial: consoleSyncStatus(engine.status(), hub: hub))
    runner.start()
    log.write("sync: background sync started as \(identity.deviceID) with \(hub)")
    return ConsoleBackgroundSync(runner: runner, notice: notice)
}
