import FieldStore
import Foundation
import XCTest

/// Scratch folders, the crash helper executable, and a small but complete cache used across the tests.
final class Scratch {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "/fieldstore-tests/\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `fieldstore-crash-helper`, built next to the test bundle (the test target depends on it).
enum Helper {
    private final class Marker {}

    static let executable: String = {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        let bundle = Bundle(for: Marker.self).bundleURL
        candidates += [bundle, bundle.deletingLastPathComponent()]
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for c in candidates {
            let p = c.appendingPathComponent("fieldstore-crash-helper").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return root.appendingPathComponent(".build/debug/fieldstore-crash-helper").path
    }()

    /// Starts the helper; stdout is a pipe the caller reads.
    static func start(_ args: [String], env: [String: String] = [:]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// Runs the helper to completion: exit status and stdout lines.
    static func run(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, lines: [String]) {
        let (p, out) = try start(args, env: env)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return (p.terminationStatus, lines)
    }
}

/// A small cache with every table filled, in two versions (v1, and v2 that changes, adds and removes).
enum Fixture {
    static let t0: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
    static let day: Int64 = 86_400

    static func descriptor(_ version: Int64, region: String = "MZ", publishedAt: Int64? = nil) -> CacheDescriptor {
        let published = publishedAt ?? t0 + version * day
        return CacheDescriptor(version: version, region: region, source: "test hub", publishedAt: published,
                               expires: published + 7 * day)
    }

    static func content(version: Int64 = 1) -> CacheContent {
        var c = CacheContent()
        c.keyring = KeyringDocument(json: SyntheticCache.keyringJSON)
        c.operators = [EconomicOperator(operatorID: "OP-1", name: "Tabacos do Sul", role: .manufacturer, country: "MZ"),
                       EconomicOperator(operatorID: "OP-2", name: "Importa Lda", role: .importer, country: "MZ")]
        c.facilities = [Facility(facilityID: "FAC-1", operatorID: "OP-1", name: "Matola plant", latitude: -25.96, longitude: 32.46, region: "MZ"),
                        Facility(facilityID: "FAC-2", operatorID: "OP-2", name: "Beira warehouse", latitude: nil, longitude: nil, region: "MZ")]
        c.machines = [Machine(machineID: "M-1", facilityID: "FAC-1", name: "Line 1")]
        c.products = [Product(gtin: "06100000000017", brand: "Sol", description: "20 cigarettes")]
        c.series = [StampSeries(seriesID: "S2026", name: "Series 2026")]
        c.features = [
            ChecklistFeature(seriesID: "S2026", featureID: "hologram", position: 2, name: "Hologram", level: .semiCovert,
                             lookFor: "the emblem shifts colour", tool: .loupe),
            ChecklistFeature(seriesID: "S2026", featureID: "colour", position: 1, name: "Colour shift", level: .overt,
                             lookFor: "green to blue when tilted", tool: .none),
            ChecklistFeature(seriesID: "S2026", featureID: "uv", position: 3, name: "UV fibres", level: .covert,
                             lookFor: "red fibres glow", tool: .uvTorch),
        ]
        c.packs = (1...3).map {
            Pack(uid: "UID-\($0)", gtin: "06100000000017", facilityID: "FAC-1", machineID: "M-1", manufactured: t0 + Int64($0) * 60,
                 market: "MZ", seriesID: "S2026")
        }
        c.aggregation = [
            AggregationLink(childID: "UID-1", parentID: "CT-1", childLevel: .pack, parentLevel: .carton, time: t0 + 600),
            AggregationLink(childID: "UID-2", parentID: "CT-1", childLevel: .pack, parentLevel: .carton, time: t0 + 600),
            AggregationLink(childID: "CT-1", parentID: "CS-1", childLevel: .carton, parentLevel: .case, time: t0 + 1200),
            AggregationLink(childID: "CS-1", parentID: "PL-1", childLevel: .case, parentLevel: .pallet, time: t0 + 1800),
        ]
        c.events = [
            CachedEvent(eventID: "E-COM", type: "ObjectEvent", time: t0 + 300, bizStep: "commissioning", disposition: "active",
                        readPoint: "M-1", bizLocation: "FAC-1", body: #"{"type":"ObjectEvent"}"#, ids: [.init("UID-1", .epc), .init("UID-2", .epc)]),
            CachedEvent(eventID: "E-PCK", type: "AggregationEvent", time: t0 + 600, bizStep: "packing", body: #"{"type":"AggregationEvent"}"#,
                        ids: [.init("CT-1", .parent), .init("UID-1", .child), .init("UID-2", .child)]),
            CachedEvent(eventID: "E-SHP", type: "ObjectEvent", time: t0 + 7200, bizStep: "shipping", disposition: "in_transit",
                        body: #"{"type":"ObjectEvent"}"#, ids: [.init("PL-1", .epc)]),
            CachedEvent(eventID: "E-OTHER", type: "ObjectEvent", time: t0 + 100, body: "{}", ids: [.init("UID-3", .epc)]),
        ]
        c.watchlist = [WatchlistEntry(uid: "UID-3", reason: .stolen, since: t0 + day, note: "truck hijacked")]
        c.coverage = [CoverageWindow(facilityID: "FAC-1", from: t0, to: t0 + 30 * day)]
        c.dashboard = [DashboardFigure(operatorID: "OP-1", month: "2026-01", metric: "stamps_issued", value: 120_000),
                       DashboardFigure(operatorID: "*", month: "2026-01", metric: "inspections", value: 42)]
        if version >= 2 {
            c.packs[1].market = "MZ-MPM"  // changed
            c.packs.remove(at: 2)          // UID-3 removed
            c.packs.append(Pack(uid: "UID-4", gtin: "06100000000017", facilityID: "FAC-1", machineID: "M-1",
                                manufactured: t0 + 900, market: "MZ", seriesID: "S2026"))
            c.watchlist.append(WatchlistEntry(uid: "UID-1", reason: .recalled, since: t0 + 2 * day))
            c.dashboard[1].value = 43
            c.events.removeAll { $0.eventID == "E-OTHER" }
        }
        return c
    }

    /// Builds snapshot v`version` of the fixture in `dir`.
    @discardableResult
    static func snapshot(_ scratch: Scratch, version: Int64 = 1, name: String? = nil) throws -> String {
        let path = scratch.file(name ?? "snapshot-v\(version).sqlite")
        _ = try SnapshotBuilder.build(at: path, descriptor: descriptor(version), content: content(version: version))
        return path
    }

    static func openStore(_ scratch: Scratch, name: String = "store.sqlite", configure: (inout FieldStore.Options) -> Void = { _ in }) throws -> FieldStore {
        var options = FieldStore.Options()
        configure(&options)
        return try FieldStore.open(at: scratch.file(name), options: options)
    }

    static func inspection(_ i: Int = 0, createdAt: Int64 = t0) -> InspectionInput {
        InspectionInput(code: "TS1:CODE\(i)", verdict: "genuine", reasonsJSON: #"[{"code":"verified","message":"ok"}]"#,
                        checklistJSON: #"{"colour":"pass"}"#, notes: "note \(i)", place: "Ressano Garcia", officerID: "officer-7",
                        cacheVersion: 1, cacheAgeSeconds: 3600, createdAt: createdAt)
    }
}

/// Asserts that `body` throws a `FieldStoreError` matching `check`, and returns it.
@discardableResult
func assertFieldStoreError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line,
                              _ check: (FieldStoreError) -> Bool) -> FieldStoreError? {
    do {
        _ = try body()
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch let e as FieldStoreError {
        XCTAssertTrue(check(e), "unexpected error: \(e)", file: file, line: line)
        return e
    } catch {
        XCTFail("not a FieldStoreError: \(error)", file: file, line: line)
        return nil
    }
}

extension FieldStoreError {
    var isRefusal: Bool { if case .updateRefused = self { return true } else { return false } }
    var isDamaged: Bool { if case .damaged = self { return true } else { return false } }
    var isDiskFull: Bool { if case .diskFull = self { return true } else { return false } }
}
