import DemoWorld
import EPCIS
@testable import FieldStore
import GRDB
import Foundation
import StampCodes
import XCTest

@testable import Provenance

/// The cache rules and provenance on the real field store holding the demo world's snapshot: every planted
/// case gets the verdict an inspector must see, and ordinary packs get a full chain and no false alarm.
final class DemoWorldProvenanceTests: XCTestCase {
    struct World {
        var report: DemoWorldReport
        var store: FieldStore
        var keyring: Keyring
    }

    static let root = NSTemporaryDirectory() + "provenance-tests-\(getpid())"

    static let world: Result<World, any Error> = Result {
        let report = try DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 7)).generate(into: root + "/world")
        var options = FieldStore.Options()
        options.region = "MZ"
        let store = try FieldStore.open(at: root + "/store/field.sqlite", options: options)
        try store.applySnapshot(at: report.snapshotPath, now: report.publishedAt + 3_600)
        let ring = try Keyring.parse(Array(FileManager.default.contents(atPath: report.directory + "/issuer/keyring.json")!))
        return World(report: report, store: store, keyring: ring)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
        super.tearDown()
    }

    func verdict(_ w: World, _ s: DemoSample) throws -> (VerificationResult, ProvenanceReport?) {
        let context = VerificationContext(now: w.report.publishedAt + 3_600, market: Market(s.market))
        let r = StampVerifier(keyring: w.keyring).verify(s.code, context: context)
        guard let p = r.payload else { return (r, nil) }
        let report = try ProvenanceBuilder.report(uid: p.uid, payload: p, source: w.store)
        return (CacheRules.apply(report, to: r), report)
    }

    func testEveryPlantedCaseGetsTheVerdictAnInspectorMustSee() throws {
        let w = try Self.world.get()
        for s in w.report.samples {
            let (r, report) = try verdict(w, s)
            let codes = r.reasons.map(\.code)
            switch s.kind {
            case .genuineDomestic, .genuineImport:
                XCTAssertEqual(r.verdict, .genuine, "\(s.kind): \(codes)")
                XCTAssertEqual(report?.inCache, true)
            case .stolen, .recalled, .destroyed, .seized, .clone:
                XCTAssertEqual(r.verdict, .suspect, "\(s.kind): \(codes)")
                XCTAssertTrue(codes.contains("watchlist-\(s.kind.rawValue)"), "\(s.kind): \(codes)")
                XCTAssertFalse(codes.contains("verified"))
            case .diverted:
                XCTAssertEqual(r.verdict, .suspect)
                XCTAssertEqual(codes, ["market-mismatch"], "the code agrees with its commissioning: diversion, not forgery")
            case .revokedKey:
                XCTAssertEqual(r.verdict, .suspect)
                XCTAssertEqual(Set(codes), ["signer-key-revoked", "never-reported"])
            case .counterfeitRogueKey, .counterfeitForgedPayload:
                XCTAssertEqual(r.verdict, .counterfeit)
                XCTAssertNil(report, "a forged code's UID is not looked up")
            case .unknownSigner:
                XCTAssertEqual(r.verdict, .unverifiable)
            case .damagedScan:
                XCTAssertEqual(r.verdict, .malformed)
            }
        }
    }

    func testAGenuinePackHasItsChainEventsAndTheFCTCItems() throws {
        let w = try Self.world.get()
        let s = w.report.samples.first { $0.kind == .genuineDomestic }!
        let (_, maybe) = try verdict(w, s)
        let report = try XCTUnwrap(maybe)
        XCTAssertEqual(report.chain.first?.id, s.uid)
        XCTAssertEqual(Array(report.chain.dropFirst().prefix(s.chain.count).map(\.id)), s.chain, "current containers, innermost first")
        XCTAssertEqual(report.chain.compactMap(\.level).map(\.rawValue).prefix(4), ["pack", "carton", "case", "pallet"])
        XCTAssertTrue(report.events.contains { $0.bizStep == "commissioning" })
        XCTAssertTrue(report.events.contains { $0.bizStep == "shipping" })
        XCTAssertEqual(report.events.map(\.time), report.events.map(\.time).sorted())
        for item in [FCTCItem.a, .b, .c, .d, .f, .g] {
            XCTAssertEqual(report.fctc.first { $0.item == item }?.source, .code, "\(item)")
        }
        for item in [FCTCItem.e, .h, .j] {
            XCTAssertEqual(report.fctc.first { $0.item == item }?.source, .cache, "\(item) should come from the events")
        }
        XCTAssertNil(report.events.first { $0.unreadable != nil }, "every stored event reads back")
    }

    /// No false alarms: a cache-only lookup of many ordinary packs finds no commissioning mismatch and no
    /// never-reported, and a watchlist finding only for UIDs the watchlist holds.
    func testOrdinaryPacksRaiseNoCacheFinding() throws {
        let w = try Self.world.get()
        let uids = try w.store.read { db in try String.fetchAll(db, sql: "SELECT uid FROM pack ORDER BY uid LIMIT 300 OFFSET 100") }
        XCTAssertEqual(uids.count, 300)
        for uid in uids {
            let pack = try XCTUnwrap(try w.store.pack(uid: uid))
            let payload = StampPayload(uid: uid, product: pack.gtin, facility: pack.facilityID, machine: pack.machineID,
                                       manufactured: pack.manufactured, market: pack.market, series: pack.seriesID)
            let report = try ProvenanceBuilder.report(uid: uid, payload: payload, source: w.store)
            for f in report.findings {
                guard case .watchlisted = f else { return XCTFail("\(uid): \(f)") }
            }
            XCTAssertGreaterThanOrEqual(report.chain.count, 2, uid)
        }
    }
}
