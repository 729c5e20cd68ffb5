import Foundation
import GRDB
import XCTest

/// Issue #6 §3: 10,000 inspection records through a fault-injecting proxy with every fault mixed in, while
/// `stampwatch sync` and the hub are killed with SIGKILL at random moments and restarted. Afterwards the hub holds
/// exactly the device's records, byte for byte, with no gaps and no duplicates, and the device holds no
/// unacknowledged record.
///
/// `STAMPWATCH_SYNC_FAULT_RECORDS` changes the number of records (default 10,000); `STAMPWATCH_SYNC_FAULT_SEED` replays
/// a run (the seed is printed).
final class FaultTests: XCTestCase {
    static let allFaults = "pass=5,drop_after_send=1,reset_mid_body=1,truncate_response=1,stall=0.25,status_503=0.5,status_429=0.5,"
        + "duplicate=1,throttle=0.15,forge_receipt=0.5"

    func testRecordsReachTheHubExactlyOnceThroughEveryFaultAndKills() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["STAMPWATCH_SYNC_FAULT_RECORDS"].flatMap(Int.init) ?? 10_000
        let seed = env["STAMPWATCH_SYNC_FAULT_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
        print("FaultTests: \(count) records, seed \(seed)")
        var rng = SplitMix(seed: seed)
        let started = Date()

        let world = try LiveWorld()
        try world.startHub()
        try world.enrolAndUpdate()
        let proxy = try FaultProxy(upstream: world.port, faults: Self.allFaults, seed: Int(seed % 1_000_000), stallSeconds: 6,
                                   eachFirst: true)   // every fault at least once, then at random

        // The officer keeps scanning while sync runs: records arrive during the whole first phase.
        let recorder = try Child(Bin.helper, ["record", world.store, world.deviceID, String(count)])
        let syncArgs = ["sync", "--hub", proxy.url, "--interval", "0.5", "--timeout", "5", "--backoff-base", "0.05", "--backoff-max", "0.4",
                        "--batch-size", "100", "--json"]
        var sync = try Child(Bin.stampwatch, syncArgs, env: world.env)

        // Chaos: SIGKILL the console's sync, the hub, or both, at random moments; restart them.
        var syncKills = 0, hubKills = 0
        let chaosUntil = Date().addingTimeInterval(40)
        while Date() < chaosUntil || syncKills < 6 || hubKills < 6 {
            Thread.sleep(forTimeInterval: 0.3 + rng.unit() * 2.2)
            let what = rng.next() % 3
            if what != 1 {
                sync.kill9()
                syncKills += 1
            }
            if what != 0 {
                world.hubProcess?.kill9()
                hubKills += 1
                Thread.sleep(forTimeInterval: rng.unit() * 0.8)   // the link is "down" for a moment
                try world.startHub()
                proxy.upstream(world.port)
            }
            if !sync.isRunning { sync = try Child(Bin.stampwatch, syncArgs, env: world.env) }
            XCTAssertLessThan(Date().timeIntervalSince(started), 600, "the chaos phase is bounded")
        }
        recorder.process.waitUntilExit()
        XCTAssertEqual(recorder.process.terminationStatus, 0, recorder.err.get)

        // Faults stay on; wait until the device has nothing left to send.
        let deadline = Date().addingTimeInterval(240)
        var counts: [String: Int] = [:]
        while Date() < deadline {
            counts = try stateCounts(world)
            if counts["acknowledged"] == count { break }
            if !sync.isRunning { sync = try Child(Bin.stampwatch, syncArgs, env: world.env) }
            Thread.sleep(forTimeInterval: 0.5)
        }
        _ = sync.terminate()
        let stats = try proxy.stats()
        print("FaultTests: \(syncKills) sync kills, \(hubKills) hub kills, \(String(format: "%.0f", Date().timeIntervalSince(started))) s; proxy: \(stats)")

        XCTAssertEqual(counts["acknowledged"], count, "device outbox states: \(counts); sync said: \(sync.err.get.suffix(1500))")
        let device = try world.deviceRows(), hub = try world.hubRows()
        XCTAssertEqual(device.count, count)
        XCTAssertEqual(device.filter { $0.state != "acknowledged" }.count, 0, "no unacknowledged record on the device")
        XCTAssertEqual(hub.count, count, "exactly \(count) records at the hub")
        XCTAssertEqual(hub.map(\.seq), Array(1...Int64(count)), "no gaps, no duplicates")
        XCTAssertEqual(Set(hub.map(\.uuid)).count, count)
        XCTAssertEqual(hub.map(\.uuid), device.map(\.uuid))
        XCTAssertEqual(zip(hub, device).filter { $0.payload != $1.payload }.count, 0, "byte-identical")
        XCTAssertEqual(try world.hubCount("refused_record"), 0, "no record was ever taken for a conflict")
        for fault in ["drop_after_send", "reset_mid_body", "truncate_response", "stall", "status_503", "status_429", "duplicate", "throttle", "forge_receipt"] {
            XCTAssertGreaterThan(stats[fault] ?? 0, 0, "fault \(fault) was injected")
        }
        XCTAssertGreaterThanOrEqual(syncKills, 6)
        XCTAssertGreaterThanOrEqual(hubKills, 6)
    }

    func stateCounts(_ world: LiveWorld) throws -> [String: Int] {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: world.store, configuration: config)
        return try db.read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox GROUP BY state") { out[row[0]] = row[1] }
            return out
        }
    }
}

/// A small seeded generator, so a failing chaos schedule can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
