// A child process for FieldStore's crash, full-disk and cross-process tests, and the scale bench.
//
// The tests need a real process they can SIGKILL at any moment, or run under a file-size limit, or
// run twice at once against the same file; an XCTest cannot do that to itself. Each command prints
// one line per completed step (flushed), so the parent knows what had returned before it killed us.
//
//   apply-snapshot DB FILE NOW      apply a snapshot; prints "applied <version>" or "error <text>"
//   apply-delta DB FILE NOW         same for a delta
//   record DB DEVICE COUNT          record COUNT inspections; prints "<uuid> <seq>" after each returns
//   bench DIR PACKS LOOKUPS         synthetic snapshot, apply, size and lookup latency
//   delta-bench DIR PACKS CHANGED   a delta changing CHANGED packs (upsert) of PACKS: build and apply time
// Environment: FIELDSTORE_FSIZE_LIMIT=<bytes> sets RLIMIT_FSIZE (SIGXFSZ ignored, so writes fail with EFBIG).
import FieldStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func say(_ line: String) {
    FileHandle.standardOutput.write((line + "\n").data(using: .utf8)!)
}

func fail(_ message: String) -> Never {
    say("error \(message)")
    exit(1)
}

if let limit = ProcessInfo.processInfo.environment["FIELDSTORE_FSIZE_LIMIT"].flatMap(UInt.init) {
    signal(SIGXFSZ, SIG_IGN)
    var rl = rlimit(rlim_cur: rlim_t(limit), rlim_max: rlim_t(limit))
    if setrlimit(Int32(RLIMIT_FSIZE.rawValue), &rl) != 0 { fail("setrlimit failed") }
}

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: see the comment in main.swift") }

do {
    switch args[1] {
    case "apply-snapshot", "apply-delta":
        guard args.count == 5, let now = Int64(args[4]) else { fail("usage: \(args[1]) DB FILE NOW") }
        let store = try FieldStore.open(at: args[2])
        let report = args[1] == "apply-snapshot" ? try store.applySnapshot(at: args[3], now: now) : try store.applyDelta(at: args[3], now: now)
        say("applied \(report.meta.version) stage \(report.stageSeconds) verify \(report.verifySeconds) swap \(report.swapSeconds)")
    case "record":
        guard args.count == 5, let count = Int(args[4]) else { fail("usage: record DB DEVICE COUNT") }
        let store = try FieldStore.open(at: args[2])
        for i in 0..<count {
            let r = try store.record(InspectionInput(code: "TS1:CHILD\(i)", verdict: "genuine", officerID: "officer-1",
                                                     cacheVersion: nil, cacheAgeSeconds: nil, createdAt: 1_767_225_600 + Int64(i)),
                                     deviceID: args[3])
            say("\(r.recordUUID.uuidString) \(r.seq)")
        }
    case "bench":
        guard args.count == 5, let packs = Int(args[3]), let lookups = Int(args[4]) else { fail("usage: bench DIR PACKS LOOKUPS") }
        for line in try FieldStoreBench.run(directory: args[2], packs: packs, lookups: lookups).lines { say(line) }
    case "delta-bench":
        guard args.count == 5, let packs = Int(args[3]), let changed = Int(args[4]) else { fail("usage: delta-bench DIR PACKS CHANGED") }
        for line in try DeltaBench.run(directory: args[2], packs: packs, changed: changed) { say(line) }
    default:
        fail("unknown command \(args[1])")
    }
} catch {
    fail("\(error)")
}
