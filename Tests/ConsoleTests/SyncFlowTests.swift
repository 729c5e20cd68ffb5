import Console
import Foundation
import TerminalUI
import XCTest

/// The console's side of background sync with an injected status feed and "sync now" closure: the status bar
/// and the Cache & sync screen follow the feed while the test driver still goes idle; the key asks for a run;
/// not enrolled and refused say what to do. Then `BackgroundSync` (the thread) with a scripted engine.
final class SyncFlowTests: XCTestCase {
    /// A stand-in for the background sync: hands the console's subscriber to the test, counts "sync now".
    final class Feed: @unchecked Sendable {
        private let lock = NSLock()
        private var deliver: (@Sendable (SyncStatus) -> Void)?
        private var _requests = 0
        private var _status: SyncStatus

        init(_ status: SyncStatus) { _status = status }

        var requests: Int { lock.withLock { _requests } }
        var status: SyncStatus { lock.withLock { _status } }
        var subscribed: Bool { lock.withLock { deliver != nil } }

        func subscribe(_ d: @escaping @Sendable (SyncStatus) -> Void) { lock.withLock { deliver = d } }
        func requestRun() { lock.withLock { _requests += 1 } }

        /// The sync thread reporting a change (from this, the test's, thread).
        func publish(_ s: SyncStatus) {
            let d: (@Sendable (SyncStatus) -> Void)? = lock.withLock {
                _status = s
                return deliver
            }
            d?(s)
        }
    }

    func driver(_ feed: Feed?, status: SyncStatus, keyMap: KeyMap = ConsoleKeys.standard,
                size: Size = Size(width: 80, height: 24)) -> (ProgramDriver<ConsoleProgram>, Recorder) {
        let recorder = Recorder()
        var env = makeEnvironment(recorder)
        env.syncStatus = { feed?.status ?? status }
        if let feed {
            env.syncNow = { feed.requestRun() }
            env.syncUpdates = { feed.subscribe($0) }
        }
        let model = ConsoleModel(keyMap: keyMap, appearance: Appearance(theme: .default, glyphs: .unicode), size: size)
        return (ProgramDriver(program: ConsoleProgram(environment: env), model: model, size: size, colorDepth: .monochrome), recorder)
    }

    var statusBar: (ProgramDriver<ConsoleProgram>) -> String { { $0.lines.last ?? "" } }

    func testTheScreenFollowsTheBackgroundSyncAndTheDriverStillGoesIdle() throws {
        let offline = SyncStatus(pending: 2, link: .offline, lastError: "the hub could not be reached: connection refused",
                                 nextAttemptAt: Fixtures.now + 30, hub: "https://hub.example", deviceID: "console-7")
        let feed = Feed(offline)
        let (d, _) = driver(feed, status: offline)
        try d.waitUntilIdle()
        XCTAssertTrue(feed.subscribed, "the program subscribed at start")
        XCTAssertTrue(statusBar(d).contains("2 waiting · offline"), statusBar(d))

        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("Link          ⚠ offline · https://hub.example"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Device        console-7"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("the hub could not be reached"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Next attempt"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("s: send the waiting records now."), d.lines.screen)
        XCTAssertTrue(statusBar(d).contains("s Sync now"), statusBar(d))

        // "Sync now": one request to the sync thread, said on the status line.
        d.type("s")
        try d.waitUntilIdle()
        XCTAssertEqual(feed.requests, 1)
        XCTAssertTrue(statusBar(d).contains("Sync requested"), statusBar(d))

        // The thread reports a run in progress, from another thread: the screen follows without a key.
        let sender = Thread {
            var running = offline
            running.link = .connecting
            running.running = true
            running.progressDone = 1
            running.progressTotal = 2
            feed.publish(running)
        }
        sender.start()
        try waitUntil { feed.status.running }
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("Sending       1 of 2 records answered"), d.lines.screen)
        XCTAssertTrue(statusBar(d).contains("2 waiting · sending 1/2"), statusBar(d))

        // The run ends: online, nothing waiting; the cache figures are read again.
        feed.publish(SyncStatus(pending: 0, acknowledged: 2, link: .online, lastSuccessAt: Fixtures.now, nextAttemptAt: Fixtures.now + 60,
                                hub: "https://hub.example", deviceID: "console-7"))
        try d.waitUntilIdle()
        XCTAssertTrue(statusBar(d).contains("0 waiting · online"), statusBar(d))
        XCTAssertTrue(d.lines.containsLine("Link          ✔ online · https://hub.example"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Hub           2 stored, 0 refused"), d.lines.screen)
        XCTAssertFalse(d.lines.containsLine("Sending"), d.lines.screen)
        XCTAssertFalse(d.lines.containsLine("could not be reached"), "the old error is gone")
    }

    func testSyncNowIsRemappableAndListedInTheHelp() throws {
        let config = try ConsoleConfig.parse("[keys]\nsync-now = x\n").get()
        let feed = Feed(SyncStatus(link: .online))
        let (d, _) = driver(feed, status: feed.status, keyMap: config.keyMap, size: Size(width: 132, height: 43))
        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("x: send the waiting records now."), d.lines.screen)
        d.type("x")
        try d.waitUntilIdle()
        XCTAssertEqual(feed.requests, 1)
        d.type("s")
        try d.waitUntilIdle()
        XCTAssertEqual(feed.requests, 1, "s is no longer bound: it is text, taken back to the scan input")
        XCTAssertEqual(d.model.screen, .scan)
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("x             Cache & sync: send waiting records to the hub now"), d.lines.screen)
    }

    func testSyncNowOnTheScanScreenIsText() throws {
        let feed = Feed(SyncStatus(link: .online))
        let (d, _) = driver(feed, status: feed.status)
        try d.waitUntilIdle()
        d.type("s")
        try d.waitUntilIdle()
        XCTAssertEqual(feed.requests, 0)
        XCTAssertEqual(d.model.input.text, "s", "a typed UID is never a command")
    }

    func testNotEnrolledSaysHowToEnrol() throws {
        let status = SyncStatus(pending: 3, link: .notEnrolled)
        let (d, _) = driver(nil, status: status)
        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(statusBar(d).contains("3 waiting · not enrolled"), statusBar(d))
        XCTAssertTrue(d.lines.containsLine("not enrolled with a hub"), d.lines.screen)
        let text = d.lines.joined(separator: " ")
        XCTAssertTrue(text.contains("stampwatch device enrol --hub URL --token T"), d.lines.screen)
        d.type("s")
        try d.waitUntilIdle()
        XCTAssertTrue(statusBar(d).contains("Not enrolled"), statusBar(d))
    }

    func testARefusedLinkStaysDistinctWithItsPlainWordsError() throws {
        let status = SyncStatus(pending: 1, link: .refused,
                                lastError: "the hub has revoked this device (revoked by the operator). The records stay on this console; contact the hub operator")
        let (d, _) = driver(Feed(status), status: status, size: Size(width: 132, height: 43))
        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(statusBar(d).contains("1 waiting · sync refused"), statusBar(d))
        XCTAssertTrue(d.lines.containsLine("✘ refused by the hub"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("the hub has revoked this device"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Retrying will not help until someone acts"), d.lines.screen)
    }

    func testTheEngineLinkMapsToTheConsolesLink() {
        XCTAssertEqual(SyncStatus.link(engineState: "up", running: false, lastError: nil), .online)
        XCTAssertEqual(SyncStatus.link(engineState: "down", running: false, lastError: "x"), .offline)
        XCTAssertEqual(SyncStatus.link(engineState: "busy", running: true, lastError: "x"), .offline)
        XCTAssertEqual(SyncStatus.link(engineState: "refused", running: false, lastError: "x"), .refused)
        XCTAssertEqual(SyncStatus.link(engineState: "unknown", running: true, lastError: "x"), .connecting)
        XCTAssertEqual(SyncStatus.link(engineState: "unknown", running: false, lastError: nil), .connecting)
        XCTAssertEqual(SyncStatus.link(engineState: "unknown", running: false, lastError: "no hub key"), .offline)
    }

    // MARK: The config file's [sync] section

    func testASyncSectionIsAcceptedAndLeftToItsOwnParser() throws {
        let text = "[inspection]\nofficer = OFF-1\n\n[sync]\ninterval = 5   # seconds\nhub = \"http://127.0.0.1:9\"\n[keys]\nquit = ctrl-q\n"
        var seen = ""
        let config = try ConsoleConfig.parse(text, source: "cfg", sync: { seen = $0; return [] }).get()
        XCTAssertEqual(config.officerID, "OFF-1")
        XCTAssertEqual(seen, config.syncSection)
        let lines = seen.components(separatedBy: "\n")
        XCTAssertEqual(lines[3], "[sync]")
        XCTAssertEqual(lines[4], "interval = 5   # seconds", "raw, at its line number")
        XCTAssertEqual(lines[5], "hub = \"http://127.0.0.1:9\"")
        XCTAssertEqual(lines.filter { !$0.isEmpty }.count, 3, "nothing of the other sections")
        // Without a checker it is kept unchecked, not refused.
        XCTAssertNoThrow(try ConsoleConfig.parse(text).get())
    }

    func testASyncSectionMistakeIsReportedWithItsLineBesideTheOthers() {
        let text = "[console]\nmouse = maybe\n[sync]\nbatch_size = 0\n"
        let result = ConsoleConfig.parse(text, source: "cfg", sync: { _ in [(4, "batch_size must be a records per batch (integer 1-1000)")] })
        guard case .failure(let errors) = result else { return XCTFail("accepted") }
        XCTAssertEqual(errors.errors.map(\.description), [
            "cfg:2: `mouse` is on or off, found \"maybe\"",
            "cfg:4: [sync] batch_size must be a records per batch (integer 1-1000)",
        ])
        guard case .failure(let unknown) = ConsoleConfig.parse("[synk]\n") else { return XCTFail("accepted") }
        XCTAssertTrue(unknown.description.contains("sections are [console], [inspection], [keys] and [sync]"), unknown.description)
    }

    // MARK: BackgroundSync, the thread

    /// A scripted engine: runs are counted, can be held (a run blocked on the network), and report their progress.
    final class ScriptedEngine: @unchecked Sendable {
        let lock = NSCondition()
        var runs = 0
        var delay: Double = 3600
        var link: SyncStatus.Link = .online
        var hold = false
        var inRun = false

        var engine: BackgroundSync.Engine {
            BackgroundSync.Engine(
                run: { [self] progress in
                    lock.lock()
                    inRun = true
                    lock.broadcast()
                    while hold { lock.wait() }
                    runs += 1
                    let n = runs
                    lock.unlock()
                    progress(SyncStatus(pending: 1, link: .connecting, running: true, progressDone: 0, progressTotal: 1))
                    lock.lock(); inRun = false; lock.unlock()
                    return SyncStatus(acknowledged: n, link: link)
                },
                status: { [self] in lock.lock(); defer { lock.unlock() }; return SyncStatus(acknowledged: runs, link: link) },
                nextRunDelay: { [self] in lock.lock(); defer { lock.unlock() }; return runs == 0 ? 0 : delay })
        }

        var runCount: Int { lock.lock(); defer { lock.unlock() }; return runs }
    }

    func testTheThreadRunsWhenDueOnRequestAndSoonAfterARecord() throws {
        let script = ScriptedEngine()
        var options = BackgroundSync.Options()
        options.recordDelay = 0.05
        let sync = BackgroundSync(engine: script.engine, options: options)
        let seen = Seen()
        sync.subscribe { seen.add($0) }
        sync.start()
        try waitUntil { script.runCount == 1 }                   // due at once (never ran)
        try waitUntil { sync.current.acknowledged == 1 && !sync.current.running }
        XCTAssertTrue(seen.all.contains { $0.running && $0.progressTotal == 1 }, "progress was published")

        sync.syncNow()
        try waitUntil { script.runCount == 2 }
        sync.recorded()                                          // link online: a run shortly after
        try waitUntil { script.runCount == 3 }

        script.lock.lock(); script.link = .offline; script.lock.unlock()
        sync.syncNow()
        try waitUntil { script.runCount == 4 && sync.current.link == .offline }
        sync.recorded()                                          // offline: records wait for the backoff
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(script.runCount, 4, "no run while backing off")
        sync.syncNow()                                           // the officer can still ask
        try waitUntil { script.runCount == 5 }
        XCTAssertTrue(sync.stop(timeout: 2), "an idle thread stops at once")
    }

    func testStoppingAbandonsARunBlockedOnTheNetworkAndDeliversNothingAfter() throws {
        let script = ScriptedEngine()
        script.hold = true
        let sync = BackgroundSync(engine: script.engine)
        let seen = Seen()
        sync.subscribe { seen.add($0) }
        sync.start()
        try waitUntil { script.lock.withLock { script.inRun } }
        let before = seen.all.count
        let started = Date()
        XCTAssertFalse(sync.stop(timeout: 0.2), "the run is still blocked")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "stop never waits for the network")
        script.lock.withLock { script.hold = false; script.lock.broadcast() }
        try waitUntil { script.runCount == 1 }
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(seen.all.count, before, "nothing delivered after stop")
        sync.syncNow()
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(script.runCount, 1, "no run after stop")
    }

    struct TimedOut: Error {}

    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [SyncStatus] = []
        func add(_ s: SyncStatus) { lock.withLock { items.append(s) } }
        var all: [SyncStatus] { lock.withLock { items } }
    }

    func waitUntil(timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { XCTFail("condition not met in \(timeout) s", file: file, line: line); throw TimedOut() }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}

extension NSCondition {
    fileprivate func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
