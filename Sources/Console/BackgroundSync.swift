import Foundation

/// Runs the sync engine on its own thread while the console is open: when a run is due, at once when the
/// officer asks ("Sync now"), and shortly after a new record while the link is up. The UI never waits for
/// it: it reads `current` (cheap) and gets every change through `subscribe`.
///
/// The engine is given as closures (`Engine`), so this module does not depend on `Sync` and tests drive the
/// thread with a scripted engine. `stampwatch` wires them to `Sync.SyncEngine` (ConsoleCommand.swift).
///
/// Stopping (`stop`) wakes the thread and waits a little for it; a run blocked on the network is abandoned
/// when the process exits. That is safe: every record is on disk with its outbox row before the verdict
/// shows, a row sent without a verified receipt goes back to pending when the store is next opened, and the
/// hub stores a record once however often it is sent (docs/sync.md).
public final class BackgroundSync: @unchecked Sendable {
    /// What the thread calls. `run` blocks while it talks to the hub; the others are cheap.
    public struct Engine: Sendable {
        /// One run; reports its progress (as the status, with `progressDone`/`progressTotal`) from its own thread.
        public var run: @Sendable (_ progress: @escaping @Sendable (SyncStatus) -> Void) -> SyncStatus
        /// The status now (store counts, the link and error of a run in progress). Never blocks on a run.
        public var status: @Sendable () -> SyncStatus
        /// Seconds until the next run is due (the backoff after a failure, else the interval).
        public var nextRunDelay: @Sendable () -> Double

        public init(run: @escaping @Sendable (_ progress: @escaping @Sendable (SyncStatus) -> Void) -> SyncStatus,
                    status: @escaping @Sendable () -> SyncStatus, nextRunDelay: @escaping @Sendable () -> Double) {
            self.run = run; self.status = status; self.nextRunDelay = nextRunDelay
        }
    }

    public struct Options: Sendable {
        /// After a new record while the link is up (or not tried yet), run this many seconds later, so a scanner
        /// burst goes in one batch. While the engine backs off (offline, busy, refused) records wait for it.
        public var recordDelay: Double = 2
        /// The longest sleep: the status is read again at least this often (a `stampwatch sync` from cron
        /// changes it too).
        public var maxSleep: Double = 15
        public init() {}
    }

    private let engine: Engine
    private let options: Options
    private let condition = NSCondition()
    private var wantNow = false
    private var recordedAt: Date?
    private var stopping = false
    private var signalled = false
    private var finished = false
    private var started = false
    private var running = false
    private var latest: SyncStatus
    private var subscribers: [@Sendable (SyncStatus) -> Void] = []
    /// Runs completed by this thread (for tests and the log).
    private var runs = 0

    public init(engine: Engine, options: Options = Options(), initial: SyncStatus = SyncStatus(link: .connecting)) {
        self.engine = engine
        self.options = options
        self.latest = initial
    }

    /// The last status the thread published (with the run in progress, if any).
    public var current: SyncStatus { condition.withLock { latest } }
    /// Runs finished since `start`.
    public var runCount: Int { condition.withLock { runs } }

    /// Calls `deliver` with every status change from now on, on the sync thread, until `stop`.
    public func subscribe(_ deliver: @escaping @Sendable (SyncStatus) -> Void) {
        condition.withLock { if !stopping { subscribers.append(deliver) } }
    }

    /// Starts the thread (once).
    public func start() {
        let go: Bool = condition.withLock {
            defer { started = true }
            return !started && !stopping
        }
        guard go else { return }
        let thread = Thread { [self] in loop() }
        thread.name = "stampwatch background sync"
        thread.start()
    }

    /// Asks for a run now (it starts when the current one, if any, ends).
    public func syncNow() {
        condition.withLock {
            wantNow = true
            signalled = true
            condition.broadcast()
        }
    }

    /// A record was written: sync it soon if the link is up.
    public func recorded() {
        condition.withLock {
            if recordedAt == nil { recordedAt = Date() }
            signalled = true
            condition.broadcast()
        }
    }

    /// Stops the thread: no run starts any more and nothing is delivered to subscribers from now on. Waits up
    /// to `timeout` for the thread to end; false when a run was still talking to the hub (it is abandoned).
    @discardableResult
    public func stop(timeout: Double = 1) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        subscribers = []
        signalled = true
        condition.broadcast()
        guard started else { return true }
        let deadline = Date().addingTimeInterval(timeout)
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }

    // MARK: The thread

    private func loop() {
        var holdingLock = false
        while true {
            let due = engine.nextRunDelay()
            let status = engine.status()
            publish(status)
            condition.lock()
            if stopping { holdingLock = true; break }
            let now = Date()
            let linkUp = status.link == .online || status.link == .connecting
            let nudgeAt = linkUp ? recordedAt.map { $0.addingTimeInterval(options.recordDelay) } : nil
            let runNow = wantNow || due <= 0.01 || (nudgeAt.map { $0 <= now } ?? false)
            if !runNow {
                var wake = now.addingTimeInterval(min(max(due, 0.01), options.maxSleep))
                if let nudgeAt, nudgeAt < wake { wake = nudgeAt }
                signalled = false
                while !stopping && !signalled {
                    if !condition.wait(until: wake) { break }
                }
                condition.unlock()
                continue
            }
            wantNow = false
            recordedAt = nil
            running = true
            condition.unlock()

            var starting = status
            starting.running = true
            if starting.link != .online { starting.link = .connecting }
            publish(starting)
            let result = engine.run { [self] progress in
                var p = progress
                p.running = true
                publish(p)
            }
            condition.lock()
            running = false
            runs += 1
            let stop = stopping
            condition.unlock()
            if stop { break }
            publish(result)
        }
        if !holdingLock { condition.lock() }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func publish(_ status: SyncStatus) {
        var s = status
        let targets: [@Sendable (SyncStatus) -> Void] = condition.withLock {
            guard !stopping else { return [] }
            if running { s.running = true }
            guard s != latest else { return [] }
            latest = s
            return subscribers
        }
        for deliver in targets { deliver(s) }
    }
}

extension NSCondition {
    fileprivate func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
