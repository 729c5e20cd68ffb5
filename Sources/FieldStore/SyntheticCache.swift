import Foundation
import GRDB

/// Synthetic cache content at any scale, for scale tests and benchmarks (not for timed tests).
///
/// Deterministic from (seed, index): `uid(i)` can be recomputed to pick random existing UIDs for
/// lookups without keeping millions of strings in memory. UIDs look random, so they land all over the
/// pack b-tree as real ones do. Shape: 10 packs per carton, 50 cartons per case, 40 cases per pallet;
/// per carton a commissioning ObjectEvent and a packing AggregationEvent, per case and pallet an
/// AggregationEvent, per pallet a shipping ObjectEvent; 0.1 % of packs on the watchlist.
public struct SyntheticCache: Sendable {
    public var packs: Int
    public var seed: UInt64
    public var region: String
    /// Manufacturing time of pack 0 (epoch seconds); pack i is made 2 s × i later.
    public var start: Int64
    /// Packs whose market is changed (to `<region>-MPM`), to make a later version for delta tests.
    public var changedPacks: Range<Int> = 0..<0
    /// Packs left out (with their aggregation row), likewise.
    public var droppedPacks: Range<Int> = 0..<0

    public init(packs: Int, seed: UInt64 = 42, region: String = "MZ", start: Int64 = 1_767_225_600) {
        self.packs = packs
        self.seed = seed
        self.region = region
        self.start = start
    }

    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789".utf8)

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The UID of pack `i`: 16 characters, unique per (seed, i) (the index is encoded in the tail).
    public func uid(_ i: Int) -> String {
        var bytes: [UInt8] = Array("MZ".utf8)
        var h = Self.mix(seed ^ UInt64(i))
        for _ in 0..<7 { bytes.append(Self.alphabet[Int(h & 31)]); h >>= 5 }
        var n = UInt64(i)
        for _ in 0..<7 { bytes.append(Self.alphabet[Int(n & 31)]); n >>= 5 }
        return String(decoding: bytes, as: UTF8.self)
    }

    func carton(_ c: Int) -> String { "CT\(seed)-\(c)" }
    func caseID(_ c: Int) -> String { "CS\(seed)-\(c)" }
    func pallet(_ p: Int) -> String { "PL\(seed)-\(p)" }
    func facilityID(_ i: Int) -> String { "FAC-\(i % 4)" }
    func machineID(_ i: Int) -> String { "MCH-\(i % 4)-\((i / 4) % 3)" }
    func gtin(_ i: Int) -> String { "0610000000" + (i % 20 < 10 ? "000" : "00") + String(i % 20) }  // GTIN-14
    func seriesID(_ i: Int) -> String { "S\(2026 + i % 3)" }
    func time(_ i: Int) -> Int64 { start + Int64(i) * 2 }

    /// The keyring row: no signing keys and one data key (valid JSON for `Keyring.parse`).
    public static let keyringJSON = """
        {"signing_keys": [], "data_keys": [{"kid": "0102030405060708", "alg": "A256GCM", \
        "key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "not_before": "2026-01-01T00:00:00Z", "not_after": "2027-01-01T00:00:00Z"}]}
        """

    /// Writes all rows into a sink (a snapshot being built).
    public func write(to sink: ContentSink) throws(FieldStoreError) {
        try sink.add(KeyringDocument(json: Self.keyringJSON))
        for o in 0..<2 {
            try sink.add(EconomicOperator(operatorID: "OP-\(o)", name: "Operator \(o)", role: o == 0 ? .manufacturer : .importer, country: region))
        }
        for f in 0..<4 {
            try sink.add(Facility(facilityID: "FAC-\(f)", operatorID: "OP-\(f % 2)", name: "Facility \(f)",
                                  latitude: -25.9 + Double(f), longitude: 32.5, region: region))
            for m in 0..<3 { try sink.add(Machine(machineID: "MCH-\(f)-\(m)", facilityID: "FAC-\(f)", name: "Line \(m)")) }
            try sink.add(CoverageWindow(facilityID: "FAC-\(f)", from: start, to: time(max(packs - 1, 0))))
        }
        for g in 0..<20 { try sink.add(Product(gtin: gtin(g), brand: "Brand \(g % 5)", description: "20 cigarettes, variant \(g)")) }
        for s in 0..<3 {
            try sink.add(StampSeries(seriesID: "S\(2026 + s)", name: "Series \(2026 + s)"))
            for (k, level) in [FeatureLevel.overt, .overt, .semiCovert, .semiCovert, .covert].enumerated() {
                let tool: InspectionTool = level == .overt ? .none : level == .semiCovert ? (k == 2 ? .loupe : .uvTorch) : .reader
                try sink.add(ChecklistFeature(seriesID: "S\(2026 + s)", featureID: "F\(k)", position: Int64(k), name: "Feature \(k)",
                                              level: level, lookFor: "what feature \(k) shows", tool: tool))
            }
        }
        try sink.add(DashboardFigure(operatorID: "*", month: "2026-01", metric: "packs", value: Double(packs)))
        for i in 0..<packs {
            let u = uid(i)
            let c = i / 10
            if !droppedPacks.contains(i) {
                try sink.add(Pack(uid: u, gtin: gtin(c), facilityID: facilityID(c / 50), machineID: machineID(c / 50), manufactured: time(i),
                                  market: changedPacks.contains(i) ? region + "-MPM" : region, seriesID: seriesID(c / 50)))
                try sink.add(AggregationLink(childID: u, parentID: carton(c), childLevel: .pack, parentLevel: .carton, time: time(i) + 60))
            }
            if i % 1000 == 7 { try sink.add(WatchlistEntry(uid: u, reason: .stolen, since: time(i) + 86_400, note: "synthetic")) }
            let last = i == packs - 1
            if i % 10 == 9 || last { try cartonDone(c, firstPack: c * 10, lastPack: i, sink: sink) }
            if (i % 500 == 499 || last) { try caseDone(i / 500, firstCarton: (i / 500) * 50, lastCarton: c, sink: sink, t: time(i)) }
            if (i % 20_000 == 19_999 || last) { try palletDone(i / 20_000, firstCase: (i / 20_000) * 40, lastCase: i / 500, sink: sink, t: time(i)) }
        }
    }

    private func cartonDone(_ c: Int, firstPack: Int, lastPack: Int, sink: ContentSink) throws(FieldStoreError) {
        let packIDs = (firstPack...lastPack).map(uid)
        let t = time(lastPack)
        try sink.add(CachedEvent(eventID: "EV-COM-\(seed)-\(c)", type: "ObjectEvent", time: t, bizStep: "commissioning",
                                 disposition: "active", readPoint: machineID(c / 50), bizLocation: facilityID(c / 50),
                                 body: #"{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning"}"#,
                                 ids: packIDs.map { .init($0, .epc) }))
        try sink.add(CachedEvent(eventID: "EV-PCK-\(seed)-\(c)", type: "AggregationEvent", time: t + 60, bizStep: "packing",
                                 disposition: "in_progress", readPoint: machineID(c / 50), bizLocation: facilityID(c / 50),
                                 body: #"{"type":"AggregationEvent","action":"ADD","bizStep":"packing"}"#,
                                 ids: [.init(carton(c), .parent)] + packIDs.map { .init($0, .child) }))
    }

    private func caseDone(_ k: Int, firstCarton: Int, lastCarton: Int, sink: ContentSink, t: Int64) throws(FieldStoreError) {
        for c in firstCarton...lastCarton {
            try sink.add(AggregationLink(childID: carton(c), parentID: caseID(k), childLevel: .carton, parentLevel: .case, time: t + 120))
        }
        try sink.add(CachedEvent(eventID: "EV-CAS-\(seed)-\(k)", type: "AggregationEvent", time: t + 120, bizStep: "packing",
                                 bizLocation: facilityID(k), body: #"{"type":"AggregationEvent","action":"ADD"}"#,
                                 ids: [.init(caseID(k), .parent)] + (firstCarton...lastCarton).map { .init(carton($0), .child) }))
    }

    private func palletDone(_ p: Int, firstCase: Int, lastCase: Int, sink: ContentSink, t: Int64) throws(FieldStoreError) {
        for k in firstCase...lastCase {
            try sink.add(AggregationLink(childID: caseID(k), parentID: pallet(p), childLevel: .case, parentLevel: .pallet, time: t + 180))
        }
        try sink.add(CachedEvent(eventID: "EV-PAL-\(seed)-\(p)", type: "AggregationEvent", time: t + 180, bizStep: "packing",
                                 body: #"{"type":"AggregationEvent","action":"ADD"}"#,
                                 ids: [.init(pallet(p), .parent)] + (firstCase...lastCase).map { .init(caseID($0), .child) }))
        try sink.add(CachedEvent(eventID: "EV-SHP-\(seed)-\(p)", type: "ObjectEvent", time: t + 3600, bizStep: "shipping",
                                 disposition: "in_transit", body: #"{"type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping"}"#,
                                 ids: [.init(pallet(p), .epc)]))
    }

    /// Builds a snapshot file of this content.
    public func buildSnapshot(at path: String, version: Int64, publishedAt: Int64? = nil,
                              expires: Int64? = nil) throws(FieldStoreError) -> CacheFileMeta {
        let published = publishedAt ?? start
        return try SnapshotBuilder.build(
            at: path,
            descriptor: CacheDescriptor(version: version, region: region, source: "synthetic seed \(seed)", publishedAt: published,
                                        expires: expires ?? published + 7 * 86_400)) { sink in try write(to: sink) }
    }
}

/// Scale measurements (the helper's `bench` command prints them; no test asserts on time).
public enum FieldStoreBench {
    public struct Result: Sendable {
        public var packs: Int
        public var buildSeconds: Double
        public var snapshotBytes: Int64
        public var applySeconds: Double
        public var storeBytes: Int64
        public var quickCheckSeconds: Double
        public var lookupP50Micros: Double
        public var lookupP99Micros: Double
        public var lookups: Int

        public var lines: [String] {
            [
                "packs \(packs)",
                String(format: "snapshot build %.2f s, %.1f MB (%.1f MB per million packs)", buildSeconds, Double(snapshotBytes) / 1e6,
                       Double(snapshotBytes) / 1e6 / (Double(packs) / 1e6)),
                String(format: "snapshot apply %.2f s; store %.1f MB (%.1f MB per million packs)", applySeconds, Double(storeBytes) / 1e6,
                       Double(storeBytes) / 1e6 / (Double(packs) / 1e6)),
                String(format: "quick_check at open %.2f s", quickCheckSeconds),
                String(format: "pack lookup over %d random uids: p50 %.1f µs, p99 %.1f µs", lookups, lookupP50Micros, lookupP99Micros),
            ]
        }
    }

    /// Builds a synthetic snapshot of `packs` packs in `directory`, applies it to a fresh store there,
    /// and times `lookups` lookups of random existing UIDs.
    public static func run(directory: String, packs: Int, lookups: Int) throws(FieldStoreError) -> Result {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let synthetic = SyntheticCache(packs: packs)
        let snapshot = directory + "/snapshot.sqlite"
        var t = Date()
        _ = try synthetic.buildSnapshot(at: snapshot, version: 1)
        let build = Date().timeIntervalSince(t)
        let snapshotBytes = ((try? FileManager.default.attributesOfItem(atPath: snapshot)[.size] as? NSNumber)?.int64Value) ?? 0
        var options = FieldStore.Options()
        options.quickCheckAtOpen = false
        var store = try FieldStore.open(at: directory + "/store.sqlite", options: options)
        t = Date()
        try store.applySnapshot(at: snapshot, now: synthetic.start)
        let apply = Date().timeIntervalSince(t)
        try store.checkpoint()
        let storeBytes = store.sizeOnDisk()
        try store.close()
        t = Date()
        store = try FieldStore.open(at: directory + "/store.sqlite")
        let quick = Date().timeIntervalSince(t)
        var rng = SystemRandomNumberGenerator()
        var times: [Double] = []
        times.reserveCapacity(lookups)
        for _ in 0..<lookups {
            let uid = synthetic.uid(Int.random(in: 0..<packs, using: &rng))
            let s = DispatchTime.now().uptimeNanoseconds
            guard try store.pack(uid: uid) != nil else { throw FieldStoreError.database("synthetic uid \(uid) not found") }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1000)
        }
        times.sort()
        try store.close()
        return Result(packs: packs, buildSeconds: build, snapshotBytes: snapshotBytes, applySeconds: apply, storeBytes: storeBytes,
                      quickCheckSeconds: quick, lookupP50Micros: times[times.count / 2],
                      lookupP99Micros: times[min(times.count - 1, times.count * 99 / 100)], lookups: lookups)
    }
}

/// Delta measurements: a delta that upserts `changed` packs and deletes a tenth as many (with their
/// aggregation rows) from a store of `packs` packs.
public enum DeltaBench {
    public static func run(directory: String, packs: Int, changed: Int) throws(FieldStoreError) -> [String] {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = SyntheticCache(packs: packs)
        var target = base
        target.changedPacks = 0..<changed
        target.droppedPacks = changed..<(changed + changed / 10)
        _ = try base.buildSnapshot(at: directory + "/v1.sqlite", version: 1)
        _ = try target.buildSnapshot(at: directory + "/v2.sqlite", version: 2, publishedAt: base.start + 86_400)
        var t = Date()
        let meta = try DeltaBuilder.build(base: directory + "/v1.sqlite", target: directory + "/v2.sqlite", output: directory + "/delta.sqlite")
        let build = Date().timeIntervalSince(t)
        var options = FieldStore.Options()
        options.quickCheckAtOpen = false
        let store = try FieldStore.open(at: directory + "/store.sqlite", options: options)
        try store.applySnapshot(at: directory + "/v1.sqlite", now: base.start)
        t = Date()
        let report = try store.applyDelta(at: directory + "/delta.sqlite", now: base.start + 86_400)
        let apply = Date().timeIntervalSince(t)
        try store.close()
        let rows = meta.tableDigests.values.reduce(0) { $0 + $1.rows } + meta.deletedDigests.values.reduce(0) { $0 + $1.rows }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: directory + "/delta.sqlite")[.size] as? NSNumber)?.int64Value) ?? 0
        return [
            "delta over \(packs) packs touching \(rows) rows (\(changed) pack upserts, \(changed / 10) pack+aggregation deletes): \(bytes / 1000) kB",
            String(format: "delta build %.2f s; apply %.2f s (stage %.2f, verify %.2f, swap %.2f)", build, apply,
                   report.stageSeconds, report.verifySeconds, report.swapSeconds),
        ]
    }
}
