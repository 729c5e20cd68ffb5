import Console
import DemoWorld
import FieldStore
import Foundation
import Provenance
import StampCodes
import StampCrypto
import TerminalUI
import XCTest

/// Keys, codes and a recording environment shared by the console tests (keys generated once per process).
enum Fixtures {
    static let now = RFC3339.parse("2026-11-29T12:00:00Z")!
    static let manufactured = RFC3339.parse("2026-06-01T08:00:00Z")!
    static let validFrom = RFC3339.parse("2025-01-01T00:00:00Z")!
    static let validTo = RFC3339.parse("2030-01-01T00:00:00Z")!

    static let signingKey = try! SigningKey.generate(.es256)
    static let dataKey = DataKey(kid: [0xD1, 0xD2, 0xD3, 0xD4], key: SecureRandom.bytes(32), notBefore: validFrom, notAfter: validTo)

    static let keyring: Keyring = try! Keyring(
        signingKeys: [SignerKey(kid: signingKeyID(signingKey.publicKey), algorithm: .es256, publicKey: signingKey.publicKey,
                                issuer: "Test issuer", notBefore: validFrom, notAfter: validTo, revokedAt: nil)],
        dataKeys: [dataKey])

    static func payload(uid: String = "MZ0000000000001") -> StampPayload {
        StampPayload(uid: uid, product: "06001234500017", facility: "FAC-MPT-01", machine: "M07", manufactured: manufactured,
                     shift: "B", market: "MZ-MPM", series: "MZ-2026-A", operator: "EO-MZ-0042")
    }

    static func mint(uid: String = "MZ0000000000001") -> String {
        try! StampIssuer(signingKey: signingKey, signerKid: signingKeyID(signingKey.publicKey), dataKey: dataKey).mint(payload(uid: uid))
    }

    static let genuine = mint()
    static let cache = CacheSummary(freshness: .fresh, version: 3, ageSeconds: 7200, pendingUploads: 0)

    /// A series checklist with a CJK name and features, to check wide characters keep the columns.
    static let cjkChecklist = SeriesChecklist(
        series: StampSeries(seriesID: "MZ-2026-A", name: "国内市场 2026 金绿"),
        features: [
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "colour-shift", position: 1, name: "变色徽章 Colour-shifting emblem",
                             level: .overt, lookFor: "倾斜印花：国徽由金色变为绿色。Tilt the stamp: gold turns green.", tool: .none),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "microtext", position: 2, name: "缩微文字 Microtext", level: .semiCovert,
                             lookFor: "10倍放大镜下可见 REPUBLICA DE MOCAMBIQUE。", tool: .loupe),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "uv-fibres", position: 3, name: "紫外纤维 UV fibres", level: .semiCovert,
                             lookFor: "365 nm 紫外灯下红蓝纤维发光。", tool: .uvTorch),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "taggant", position: 4, name: "标记油墨 Taggant ink", level: .covert,
                             lookFor: "读取器显示 AT-26。", tool: .reader),
        ])

    /// The same checklist in plain Latin text.
    static let checklist = SeriesChecklist(
        series: StampSeries(seriesID: "MZ-2026-A", name: "Domestic 2026 (gold/green)"),
        features: [
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "colour-shift", position: 1, name: "Colour-shifting emblem", level: .overt,
                             lookFor: "Tilt the stamp: the emblem turns from gold to green.", tool: .none),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "microtext", position: 2, name: "Microtext", level: .semiCovert,
                             lookFor: "At 10x the line under the code reads REPUBLICA DE MOCAMBIQUE.", tool: .loupe),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "uv-fibres", position: 3, name: "UV fibres", level: .semiCovert,
                             lookFor: "Under 365 nm UV, red and blue fibres glow.", tool: .uvTorch),
            ChecklistFeature(seriesID: "MZ-2026-A", featureID: "taggant", position: 4, name: "Taggant ink", level: .covert,
                             lookFor: "The reader beeps once and shows AT-26.", tool: .reader),
        ])
}

struct StoreFailure: Error, CustomStringConvertible { var description: String }

/// Stands in for the field store's outbox: keeps every draft, in order, and can be told to fail.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _drafts: [InspectionDraft] = []
    private var _ids: [String] = []
    var failWith: String?

    var drafts: [InspectionDraft] { lock.withLock { _drafts } }
    var ids: [String] { lock.withLock { _ids } }

    func record(_ d: InspectionDraft) throws -> String {
        try lock.withLock {
            if let failWith { throw StoreFailure(description: failWith) }
            _drafts.append(d)
            let id = "record-\(_drafts.count)"
            _ids.append(id)
            return id
        }
    }

    /// Cache figures whose pending count follows the recorded drafts, as the outbox's would.
    func summary(_ base: CacheSummary?) -> CacheSummary? {
        guard var s = base else { return nil }
        s.pendingUploads = drafts.count
        return s
    }
}

func makeEnvironment(_ recorder: Recorder, keyring: Keyring = Fixtures.keyring, cache: CacheSummary? = Fixtures.cache,
                     checklist: SeriesChecklist? = Fixtures.checklist, report: ProvenanceReport? = nil,
                     place: String = "Ressano Garcia", officer: String = "OFF-7") -> ConsoleEnvironment {
    let verifier = StampVerifier(keyring: keyring)
    return ConsoleEnvironment(
        verify: { verifier.verify($0, context: VerificationContext(now: Fixtures.now)) },
        provenance: { _, _ in report },
        checklist: { series in checklist?.series.seriesID == series ? checklist : nil },
        cacheStatus: { recorder.summary(cache ?? CacheSummary.noCache) },
        syncStatus: { SyncStatus(pending: recorder.drafts.count) },
        record: { try recorder.record($0) },
        now: { Fixtures.now },
        place: place, officerID: officer)
}

func makeDriver(_ recorder: Recorder, size: Size = Size(width: 80, height: 24), keyring: Keyring = Fixtures.keyring,
                cache: CacheSummary? = Fixtures.cache, checklist: SeriesChecklist? = Fixtures.checklist, report: ProvenanceReport? = nil,
                place: String = "Ressano Garcia", depth: ColorDepth = .monochrome, keyMap: KeyMap = ConsoleKeys.standard) -> ProgramDriver<ConsoleProgram> {
    let program = ConsoleProgram(environment: makeEnvironment(recorder, keyring: keyring, cache: cache, checklist: checklist, report: report,
                                                              place: place))
    let model = ConsoleModel(keyMap: keyMap, appearance: Appearance(theme: .default, glyphs: .unicode), size: size)
    return ProgramDriver(program: program, model: model, size: size, colorDepth: depth)
}

/// The demo world (DemoWorld, the seed `make run` uses) generated once per test process, with its
/// snapshot applied to a field store: real codes, real cache, real provenance.
enum Demo {
    static let root = NSTemporaryDirectory() + "console-demo-\(getpid())"
    static let world: DemoWorldReport = {
        try! DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 20260701)).generate(into: root + "/world")
    }()
    /// Trusted "now" for the demo: a day after the snapshot was published.
    static var now: Int64 { world.publishedAt + 86_400 }

    static func sample(_ kind: DemoSample.Kind) -> DemoSample { world.samples.first { $0.kind == kind }! }

    /// A fresh store with the demo snapshot applied, at `path` (a new directory per call).
    static func store(_ name: String = UUID().uuidString) throws -> FieldStore {
        let dir = root + "/stores/" + name
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var options = FieldStore.Options()
        options.region = "MZ"
        let store = try FieldStore.open(at: dir + "/field.sqlite", options: options)
        try store.applySnapshot(at: world.snapshotPath, now: world.publishedAt + 3_600)
        return store
    }

    /// The console wired to a real field store as `stampwatch` wires it.
    static func environment(_ store: FieldStore, deviceID: String = "test-device", now: Int64 = Demo.now) throws -> ConsoleEnvironment {
        let verifier = StampVerifier(keyring: try store.keyring())
        return ConsoleEnvironment(
            verify: { verifier.verify($0, context: VerificationContext(now: now)) },
            provenance: { uid, payload in
                guard try store.cacheInfo() != nil else { return nil }
                return try ProvenanceBuilder.report(uid: uid, payload: payload, source: store)
            },
            checklist: { try store.checklist(series: $0).map { SeriesChecklist(series: $0.series, features: $0.features) } },
            cacheStatus: {
                guard let s = try? store.status(deviceClock: now) else { return nil }
                let counts = (try? store.outboxCounts()) ?? [:]
                return CacheSummary(freshness: s.cache == nil ? .noCache : .fresh, version: s.cache?.version, ageSeconds: s.ageSeconds,
                                    pendingUploads: (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0))
            },
            syncStatus: {
                guard let counts = try? store.outboxCounts() else { return nil }
                return SyncStatus(pending: counts[.pending] ?? 0, inFlight: counts[.inFlight] ?? 0,
                                  acknowledged: counts[.acknowledged] ?? 0, refused: counts[.refused] ?? 0)
            },
            record: { d in
                let input = InspectionInput(code: d.code, verdict: d.verdict.rawValue, reasonsJSON: d.reasonsJSON, checklistJSON: d.checklistJSON,
                                            notes: d.notes, place: d.place, officerID: d.officerID, cacheVersion: d.cacheVersion,
                                            cacheAgeSeconds: d.cacheAgeSeconds, createdAt: d.createdAt)
                return try store.record(input, deviceID: deviceID).recordUUID.uuidString.lowercased()
            },
            now: { now },
            place: "Maputo, Mercado Central", officerID: "OFF-DEMO")
    }
}

extension Array where Element == String {
    func containsLine(_ fragment: String) -> Bool { contains { $0.contains(fragment) } }
    var screen: String { enumerated().map { "\($0.offset + 1)|\($0.element)" }.joined(separator: "\n") }
}

/// Screens compared with golden files in `Tests/ConsoleTests/Snapshots/NAME.txt` (one screen line per
/// file line, trailing spaces trimmed), with ScreenSnapshot's line-by-line report on a difference.
/// `STAMPWATCH_RECORD_SNAPSHOTS=1 swift test --filter ConsoleTests` writes the files from the screens
/// (then read the diff before committing them).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func assert(_ lines: [String], _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = directory.appendingPathComponent(name + ".txt")
        let actual = lines.map { ScreenSnapshotText.trimmed($0) }
        if ProcessInfo.processInfo.environment["STAMPWATCH_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? (actual.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no snapshot \(url.path): record it with STAMPWATCH_RECORD_SNAPSHOTS=1", file: file, line: line)
            return
        }
        var expected = text.components(separatedBy: "\n")
        if expected.last == "" { expected.removeLast() }
        if let report = ScreenSnapshot.difference(expected: expected, actual: actual) {
            XCTFail("\(name): \(report)", file: file, line: line)
        }
    }
}

enum ScreenSnapshotText {
    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t.removeLast() }
        return String(t)
    }
}
