import DeviceAuth
import FieldStore
import Foundation
import StampCrypto
import StrictJSON

/// What the cache refresh after an upload reported.
public struct CacheRefreshOutcome: Sendable, Equatable {
    public var ok: Bool
    /// One line, for the status and the log.
    public var message: String
    public init(ok: Bool, message: String) { self.ok = ok; self.message = message }
}

/// Progress of a run, for a progress bar.
public struct SyncProgress: Sendable, Equatable {
    /// Records of this device waiting when the run started.
    public var total: Int
    /// Records answered so far (acknowledged or refused).
    public var done: Int
    public var bytesSent: Int
}

/// The console's sync engine: sends the outbox to the hub in batches, and lets records go only when a receipt
/// verified with the hub key from the signed cache names them.
///
/// - The outbox rows are the only source of what must be sent; nothing here keeps records in memory across runs,
///   so a killed process, a dropped link or a sleeping laptop resume from the store (in-flight rows go back to
///   pending when the store is opened).
/// - A record whose earlier send had no verified answer is first looked up with a signed receipt query, so a batch
///   the hub committed is not sent again over a slow link; a resend would be acknowledged anyway (exactly-once at
///   the hub).
/// - Failures back off exponentially with jitter, never sooner than the hub's Retry-After.
/// - A 409 (or any record the receipt refuses) keeps the record on the device, flagged `refused` with the hub's reason.
///
/// For the console UI: create one engine, call `runOnce()` on a background thread (it blocks while it talks to
/// the hub) whenever `nextRunDelay()` has passed or the officer asks, and `status()` from the UI thread at any time.
public final class SyncEngine: @unchecked Sendable {
    public let store: FieldStore
    public let paths: SyncPaths
    public let deviceID: String
    public let settings: SyncSettings
    let transport: any UploadTransport
    let hubKey: @Sendable () throws(SyncError) -> VerifyingKey?
    let cacheRefresh: (@Sendable () -> CacheRefreshOutcome)?
    let now: @Sendable () -> Double
    let seed: UInt64

    private let runLock = NSLock()
    private let liveLock = NSLock()
    private var live: (link: LinkState, error: String?)?
    private var lastRun: RunSummary?
    /// When the next run is due (this process's own runs, with sub-second backoff precision).
    private var nextRunAt: Double?
    /// When this process last ran the cache refresh.
    var lastRefreshAt: Double?

    /// - Parameters:
    ///   - hubKey: loads the hub receipt key from the signed cache (called each run: a cache refresh may bring it).
    ///   - cacheRefresh: the signed-cache refresh, run after a successful upload (and before one, when the hub key
    ///     is missing: the cache is where it comes from). Nil: never.
    public init(store: FieldStore, paths: SyncPaths, deviceID: String, transport: any UploadTransport, settings: SyncSettings,
                hubKey: @escaping @Sendable () throws(SyncError) -> VerifyingKey?,
                cacheRefresh: (@Sendable () -> CacheRefreshOutcome)? = nil,
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store; self.paths = paths; self.deviceID = deviceID; self.transport = transport; self.settings = settings
        self.hubKey = hubKey; self.cacheRefresh = cacheRefresh; self.now = now
        self.seed = Backoff.seed(for: deviceID)
    }

    /// The hub key as kept with the trusted TUF files (`HubReceiptKey.load`).
    public static func keyFromSignedCache(_ paths: SyncPaths) -> @Sendable () throws(SyncError) -> VerifyingKey? {
        { () throws(SyncError) in try HubReceiptKey.load(paths) }
    }

    // MARK: Status

    /// Counts from the store, and what the last run (in any process) left in `sync-state.json`. Cheap; safe from any thread.
    public func status() -> SyncStatus {
        let state = SyncState.load(paths.state)
        let counts = (try? store.outboxCounts()) ?? [:]
        var s = SyncStatus(pending: counts[.pending] ?? 0, inFlight: counts[.inFlight] ?? 0, acknowledged: counts[.acknowledged] ?? 0,
                           refused: counts[.refused] ?? 0, link: state.link, lastError: state.lastError, lastSuccessAt: state.lastSuccessAt,
                           lastAttemptAt: state.lastAttemptAt, nextAttemptAt: state.nextAttemptAt,
                           consecutiveFailures: state.consecutiveFailures, hasHubKey: ((try? hubKey()) ?? nil) != nil, deviceID: deviceID)
        liveLock.lock()
        if let live { s.link = live.link; s.lastError = live.error }
        s.lastRun = lastRun
        liveLock.unlock()
        return s
    }

    /// Seconds until the next run is due in loop mode: the backoff after a failure, else `settings.interval`.
    public func nextRunDelay() -> Double {
        liveLock.lock()
        let known = nextRunAt
        liveLock.unlock()
        if let known { return max(0, known - now()) }
        let state = SyncState.load(paths.state)
        if state.consecutiveFailures > 0, let next = state.nextAttemptAt { return max(0, Double(next) - now()) }
        if let last = state.lastAttemptAt { return max(0, Double(last) + settings.interval - now()) }
        return 0
    }

    // MARK: Running

    /// Uploads everything this device has pending (batch after batch) and applies the verified receipts; then, when
    /// everything went, runs the cache refresh. Blocks; one run at a time (across processes too: a second caller
    /// gets the status with a note that another sync is running).
    @discardableResult
    public func runOnce(progress: (@Sendable (SyncProgress) -> Void)? = nil) -> SyncStatus {
        runLock.lock()
        defer { runLock.unlock() }
        guard let fileLock = FileLock(path: paths.dataDirectory + "/sync.lock") else {
            var s = status()
            s.lastError = "another sync is running on this console; it will send the records"
            s.lastRun = nil
            return s
        }
        defer { fileLock.release() }
        var run = Run(engine: self, state: SyncState.load(paths.state), summary: RunSummary(startedAt: now(), finishedAt: now()), progress: progress)
        run.execute()
        run.summary.finishedAt = now()
        try? run.state.save(paths.state)
        liveLock.lock()
        live = nil
        lastRun = run.summary
        nextRunAt = run.nextRunAt
        liveLock.unlock()
        return status()
    }

    func setLive(_ link: LinkState, _ error: String?) {
        liveLock.lock(); live = (link, error); liveLock.unlock()
    }
}

/// One run's steps and bookkeeping.
private struct Run {
    let engine: SyncEngine
    var state: SyncState
    var summary: RunSummary
    let progress: (@Sendable (SyncProgress) -> Void)?
    var limits: BatchLimits
    var total = 0
    var refreshed = false
    var nextRunAt: Double?
    /// Records sent in this run: one that comes back unanswered is not sent again until the next run.
    var attempted: Set<UUID> = []

    init(engine: SyncEngine, state: SyncState, summary: RunSummary, progress: (@Sendable (SyncProgress) -> Void)?) {
        self.engine = engine; self.state = state; self.summary = summary; self.progress = progress
        self.limits = engine.settings.limits
    }

    var nowSeconds: Int64 { Int64(engine.now()) }
    var devicePath: String { "/v1/devices/\(engine.deviceID)" }

    mutating func execute() {
        state.lastAttemptAt = nowSeconds
        engine.setLive(.unknown, nil)
        var key: VerifyingKey?
        do { key = try engine.hubKey() } catch { return fail(.refused, error.message, retryAfter: nil) }
        if key == nil, engine.settings.cacheRefresh, let refresh = engine.cacheRefresh {
            let r = refresh()
            engine.lastRefreshAt = engine.now()
            refreshed = true
            summary.cacheRefresh = r.message
            summary.cacheRefreshFailed = !r.ok
            do { key = try engine.hubKey() } catch { return fail(.refused, error.message, retryAfter: nil) }
        }
        guard let key else { return fail(state.link, HubReceiptKey.missingMessage, retryAfter: nil) }

        let initial: [OutboxEntry]
        do { initial = try pending(limit: Int.max / 2) } catch { return fail(state.link, "the field store cannot be read: \(error)", retryAfter: nil) }
        total = initial.count
        report()
        if initial.contains(where: { $0.attempts > 0 }) {
            guard reconcile(initial.filter { $0.attempts > 0 }, key: key) else { return }
        }
        while true {
            let rows: [OutboxEntry]
            do { rows = try pending(limit: limits.maxRecords + attempted.count).filter { !attempted.contains($0.recordUUID) } } catch {
                return fail(state.link, "the field store cannot be read: \(error)", retryAfter: nil)
            }
            guard let batch = BatchPlanner.plan(rows, limits: limits) else { break }
            guard send(batch, key: key) else { return }
        }
        // Nothing left that can be sent now.
        summary.completed = true
        state.lastSuccessAt = nowSeconds
        state.lastError = nil
        state.consecutiveFailures = 0
        state.nextAttemptAt = nowSeconds + Int64(engine.settings.interval)
        nextRunAt = engine.now() + engine.settings.interval
        if summary.batchesSent > 0 || state.link == .unknown { state.link = .up }
        engine.setLive(state.link, nil)
        let refreshDue = summary.batchesSent > 0 || engine.lastRefreshAt.map { engine.now() - $0 >= engine.settings.cacheRefreshInterval } ?? true
        if engine.settings.cacheRefresh, !refreshed, refreshDue, let refresh = engine.cacheRefresh {
            let r = refresh()
            engine.lastRefreshAt = engine.now()
            summary.cacheRefresh = r.message
            summary.cacheRefreshFailed = !r.ok
        }
    }

    /// This device's pending rows, oldest first (rows of other device ids are skipped, never touched).
    func pending(limit: Int) throws(FieldStoreError) -> [OutboxEntry] {
        var fetch = min(limit, 4096)
        while true {
            let rows = try engine.store.pendingOutbox(limit: fetch, now: Int64.max)
            let mine = rows.filter { $0.deviceID == engine.deviceID }
            if mine.count >= limit || rows.count < fetch { return Array(mine.prefix(limit)) }
            fetch = fetch >= Int.max / 4 ? Int.max / 2 : fetch * 4
        }
    }

    func report() {
        progress?(SyncProgress(total: total, done: summary.acknowledged + summary.refused, bytesSent: summary.bytesSent))
    }

    /// Asks the hub what it already holds of records sent before without a verified answer. False: stop the run.
    mutating func reconcile(_ rows: [OutboxEntry], key: VerifyingKey) -> Bool {
        var rest = rows.sorted { $0.seq < $1.seq }[...]
        while let first = rest.first {
            let window = rest.prefix { $0.seq < first.seq + Int64(BatchLimits.hubMaxRecords) }
            rest = rest.dropFirst(window.count)
            let last = window.last!.seq
            let request = SyncRequest(method: "GET", path: devicePath + "/receipt", query: "from_seq=\(first.seq)&limit=\(last - first.seq + 1)")
            let response: SyncResponse
            do { response = try engine.transport.send(request) } catch {
                fail(error.kind == .tls ? .refused : .down, error.message, retryAfter: nil)
                return false
            }
            guard response.status == 200 else { return handleRefusal(response, uuids: []) }
            let outcome: ReceiptOutcome
            do {
                outcome = try ReceiptCheck.check(response.body, hubKey: key, deviceID: engine.deviceID, expecting: .status, entries: Array(window))
            } catch {
                fail(.refused, error.message, retryAfter: nil)
                return false
            }
            guard apply(outcome, sent: nil) else { return false }
        }
        return true
    }

    /// Sends one batch and applies its receipt. False: stop the run (the failure is recorded).
    mutating func send(_ batch: PlannedBatch, key: VerifyingKey) -> Bool {
        let uuids = batch.entries.map(\.recordUUID)
        attempted.formUnion(uuids)
        do { try engine.store.markInFlight(uuids) } catch {
            fail(state.link, "the field store cannot be written: \(error)", retryAfter: nil)
            return false
        }
        let request = SyncRequest(method: "POST", path: devicePath + "/records", body: batch.body,
                                  contentEncoding: batch.gzip ? "gzip" : nil, contentType: "application/json")
        let response: SyncResponse
        do { response = try engine.transport.send(request) } catch {
            release(uuids, error.message)
            fail(error.kind == .tls ? .refused : .down, error.message, retryAfter: nil)
            return false
        }
        summary.bytesSent += batch.body.count
        summary.jsonBytes += batch.jsonBytes
        switch response.status {
        case 200, 409, 422:
            let outcome: ReceiptOutcome
            do {
                outcome = try ReceiptCheck.check(response.body, hubKey: key, deviceID: engine.deviceID,
                                                 expecting: .upload(requestSHA256: batch.bodySHA256), entries: batch.entries)
            } catch {
                release(uuids, error.message)
                fail(.refused, error.message, retryAfter: nil)
                return false
            }
            summary.batchesSent += 1
            summary.payloadBytes += batch.entries.filter { outcome.acknowledged.contains($0.recordUUID) }.reduce(0) { $0 + $1.payload.count }
            return apply(outcome, sent: uuids)
        case 413 where batch.entries.count > 1:
            release(uuids, "the hub found the batch too large; sending smaller batches")
            attempted.subtract(uuids)
            limits.maxBytes = max(1, batch.jsonBytes / 2)
            limits.maxRecords = max(1, batch.entries.count / 2)
            return true
        default:
            release(uuids, "HTTP \(response.status)")
            return handleRefusal(response, uuids: uuids)
        }
    }

    /// Applies a verified receipt's outcome. `sent`: the batch's records (unanswered ones go back to pending).
    mutating func apply(_ outcome: ReceiptOutcome, sent: [UUID]?) -> Bool {
        do {
            if !outcome.acknowledged.isEmpty || sent != nil {
                try engine.store.acknowledge(VerifiedReceipt(receiptID: outcome.receiptID, acknowledged: outcome.acknowledged, raw: outcome.raw),
                                             receivedAt: nowSeconds, deleteRecords: engine.settings.deleteAcknowledged)
            }
            for r in outcome.refused { try engine.store.markRefused(r.recordUUID, reason: r.reason) }
            if sent != nil, !outcome.unanswered.isEmpty {
                try engine.store.markSendFailed(outcome.unanswered, error: "the hub's receipt did not name this record", retryAt: nowSeconds)
            }
        } catch {
            fail(state.link, "the field store cannot be written: \(error)", retryAfter: nil)
            return false
        }
        summary.acknowledged += outcome.acknowledged.count
        summary.refused += outcome.refused.count
        state.link = .up
        state.consecutiveFailures = 0
        engine.setLive(.up, nil)
        report()
        return true
    }

    /// An answer without a receipt: say why in plain words, back off.
    mutating func handleRefusal(_ r: SyncResponse, uuids: [UUID]) -> Bool {
        let detail = (try? JSONParser.parse(r.body))?["detail"]?.stringValue ?? String(decoding: r.body.prefix(200), as: UTF8.self)
        let type = (try? JSONParser.parse(r.body))?["type"]?.stringValue ?? ""
        switch r.status {
        case 429, 503, 500...599:
            fail(.busy, "the hub is busy or failing (HTTP \(r.status)): \(detail). The records stay queued and are sent later", retryAfter: r.retryAfter)
        case 403 where type.hasSuffix(":revoked"):
            fail(.refused, "the hub has revoked this device (\(detail)). The records stay on this console; contact the hub operator", retryAfter: nil)
        case 401:
            fail(.refused, "the hub did not accept this device's signature: \(detail). Check the device clock, and that this console is enrolled", retryAfter: r.retryAfter)
        default:
            fail(.refused, "the hub refused the request (HTTP \(r.status)): \(detail)", retryAfter: r.retryAfter)
        }
        return false
    }

    func release(_ uuids: [UUID], _ why: String) {
        try? engine.store.markSendFailed(uuids, error: why, retryAt: nowSeconds)
    }

    mutating func fail(_ link: LinkState, _ message: String, retryAfter: String?) {
        state.consecutiveFailures += 1
        state.lastError = message
        state.link = link
        let wait = Backoff.delay(attempt: state.consecutiveFailures, seed: engine.seed, retryAfter: retryAfter, now: engine.now(),
                                 policy: engine.settings.backoff)
        state.nextAttemptAt = nowSeconds + Int64(wait.rounded(.up))
        nextRunAt = engine.now() + wait
        engine.setLive(link, message)
    }
}

/// An exclusive advisory lock on a file (flock), released when the process dies.
final class FileLock {
    let fd: Int32
    init?(path: String) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
    }
    func release() { flock(fd, LOCK_UN); close(fd) }
}
