import FieldStore
import Foundation
import GRDB
import Provenance

// Provenance lookup latency for `make bench` (scripts/bench-provenance.sh): applies a snapshot into a
// field store (timed), then looks up random pack UIDs the way the console does for a scanned code:
// the pack row, its aggregation chain, and the events of the pack and its containers.
//   provenance-bench SNAPSHOT STORE_DIR [LOOKUPS]
// Prints one line of `key=value` figures.
func run() throws {
let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: provenance-bench SNAPSHOT STORE_DIR [LOOKUPS]\n".utf8))
    exit(64)
}
let snapshot = args[1], dir = args[2], lookups = args.count > 3 ? Int(args[3]) ?? 100_000 : 100_000
try? FileManager.default.removeItem(atPath: dir)
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let queue = try DatabaseQueue(path: snapshot, configuration: { var c = Configuration(); c.readonly = true; return c }())
let (region, publishedAt): (String, Int64) = try queue.read { db in
    (try String.fetchOne(db, sql: "SELECT value FROM cache_file_meta WHERE key = 'region'") ?? "MZ",
     Int64(try String.fetchOne(db, sql: "SELECT value FROM cache_file_meta WHERE key = 'published_at'") ?? "0") ?? 0)
}
var options = FieldStore.Options()
options.region = region
let store = try FieldStore.open(at: dir + "/field.sqlite", options: options)
let applyStart = now()
_ = try store.applySnapshot(at: snapshot, now: publishedAt + 60)
let applySeconds = Double(now() - applyStart) / 1e9

// Random UIDs: a uniform sample of the pack table, in random order (seeded: the same every run).
let (packs, uids): (Int, [String]) = try queue.read { db in
    let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM pack") ?? 0
    let cursor = try String.fetchCursor(db, sql: "SELECT uid FROM pack")
    var picked: [String] = []
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 { state &+= 0x9E37_79B9_7F4A_7C15; var z = state; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) }
    // Reservoir sampling keeps memory at `lookups` UIDs even for ten million packs.
    var i = 0
    while let uid = try cursor.next() {
        if picked.count < lookups { picked.append(uid) } else {
            let j = Int(next() % UInt64(i + 1))
            if j < lookups { picked[j] = uid }
        }
        i += 1
    }
    for k in stride(from: picked.count - 1, to: 0, by: -1) { picked.swapAt(k, Int(next() % UInt64(k + 1))) }
    return (n, picked)
}
try queue.close()

var latencies: [UInt64] = []
latencies.reserveCapacity(uids.count)
var found = 0, steps = 0, events = 0
let all = now()
for uid in uids {
    let t = now()
    let pack = try store.pack(uid: uid)
    let chain = try store.aggregationChain(of: uid)
    let ev = try store.events(for: uid)
    latencies.append(now() - t)
    if pack != nil { found += 1 }
    steps += chain.count
    events += ev.count
}
let total = Double(now() - all) / 1e9
latencies.sort()
func pct(_ p: Double) -> Double { Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6 }

// The whole report the console and `stampwatch provenance` show: the lookups above plus reading each event,
// the former containers, the FCTC items and the cache rules' findings (ProvenanceBuilder), on a tenth of the UIDs.
var reportLatencies: [UInt64] = []
for uid in uids.prefix(max(1, uids.count / 10)) {
    let t = now()
    let report = try ProvenanceBuilder.report(uid: uid, payload: nil, source: store)
    reportLatencies.append(now() - t)
    if report.fctc.isEmpty { FileHandle.standardError.write(Data("provenance-bench: empty report for \(uid)\n".utf8)) }
}
reportLatencies.sort()
func reportPct(_ p: Double) -> Double { Double(reportLatencies[min(reportLatencies.count - 1, Int(Double(reportLatencies.count) * p))]) / 1e6 }
let size = (try? FileManager.default.attributesOfItem(atPath: snapshot)[.size] as? Int) ?? 0
let storeSize = (try? FileManager.default.attributesOfItem(atPath: dir + "/field.sqlite")[.size] as? Int) ?? 0
print(String(format: "packs=%d lookups=%d found=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f chain_steps=%.2f events_per_lookup=%.1f "
             + "report_p50_ms=%.3f report_p99_ms=%.3f apply_s=%.1f snapshot_bytes=%ld store_bytes=%ld snapshot_bytes_per_million_packs=%.0f store_bytes_per_million_packs=%.0f",
             packs, uids.count, found, pct(0.5), pct(0.99), Double(latencies.last ?? 0) / 1e6, total * 1000 / Double(max(1, uids.count)),
             Double(steps) / Double(max(1, uids.count)), Double(events) / Double(max(1, uids.count)), reportPct(0.5), reportPct(0.99), applySeconds, size, storeSize,
             Double(size) * 1e6 / Double(max(1, packs)), Double(storeSize) * 1e6 / Double(max(1, packs))))
}

do { try run() } catch {
    FileHandle.standardError.write(Data("provenance-bench: \(error)\n".utf8))
    exit(74)
}
