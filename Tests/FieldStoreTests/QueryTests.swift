import FieldStore
import StampCodes
import XCTest

/// The console's questions, answered from an applied fixture cache.
final class QueryTests: XCTestCase {
    var scratch: Scratch!
    var store: FieldStore!

    override func setUpWithError() throws {
        scratch = Scratch(name)
        store = try Fixture.openStore(scratch)
        try store.applySnapshot(at: try Fixture.snapshot(scratch), now: Fixture.t0)
    }

    override func tearDown() {
        store = nil
        scratch = nil  // removes the scratch folder (XCTest keeps test case instances alive)
    }

    func testPackAndAggregationChainWalksToThePallet() throws {
        let pack = try XCTUnwrap(try store.pack(uid: "UID-1"))
        XCTAssertEqual(pack.facilityID, "FAC-1")
        XCTAssertEqual(pack.manufactured, Fixture.t0 + 60)
        XCTAssertNil(try store.pack(uid: "NOPE"))
        let chain = try store.aggregationChain(of: "UID-1")
        XCTAssertEqual(chain.map(\.link.parentID), ["CT-1", "CS-1", "PL-1"])
        XCTAssertEqual(chain.map(\.link.parentLevel), [.carton, .case, .pallet])
        XCTAssertEqual(chain.map(\.link.time), [Fixture.t0 + 600, Fixture.t0 + 1200, Fixture.t0 + 1800])
        XCTAssertEqual(chain.map(\.depth), [1, 2, 3])
        XCTAssertEqual(try store.aggregationChain(of: "UID-3"), [])
        XCTAssertEqual(try store.children(of: "CT-1").map(\.childID), ["UID-1", "UID-2"])
    }

    func testEventsForAnIdAndItsAncestors() throws {
        let own = try store.events(for: "UID-1", includeAncestors: false)
        XCTAssertEqual(own.map(\.eventID), ["E-COM", "E-PCK"])
        XCTAssertEqual(own[1].ids, [CachedEvent.EventID("UID-1", .child)])
        let all = try store.events(for: "UID-1")
        XCTAssertEqual(all.map(\.eventID), ["E-COM", "E-PCK", "E-SHP"])
        XCTAssertEqual(all[1].ids, [CachedEvent.EventID("UID-1", .child), CachedEvent.EventID("CT-1", .parent)])
        XCTAssertEqual(all[2].bizStep, "shipping")
        XCTAssertEqual(all[2].body, #"{"type":"ObjectEvent"}"#)
    }

    func testWatchlistChecklistCoverageKeyringDashboard() throws {
        XCTAssertEqual(try store.watchlistEntry(uid: "UID-3")?.reason, .stolen)
        XCTAssertNil(try store.watchlistEntry(uid: "UID-1"))
        let checklist = try XCTUnwrap(try store.checklist(series: "S2026"))
        XCTAssertEqual(checklist.features.map(\.featureID), ["colour", "hologram", "uv"])
        XCTAssertEqual(checklist.features.map(\.tool), [.none, .loupe, .uvTorch])
        XCTAssertNil(try store.checklist(series: "S1999"))

        XCTAssertEqual(try store.lookupPack(uid: "UID-2", claimedFacility: "FAC-1", claimedManufactured: Fixture.t0).packUID, "UID-2")
        XCTAssertEqual(try store.lookupPack(uid: "CLONE", claimedFacility: "FAC-1", claimedManufactured: Fixture.t0 + 5),
                       .unknownInCoveredScope(CoverageWindow(facilityID: "FAC-1", from: Fixture.t0, to: Fixture.t0 + 30 * Fixture.day)))
        XCTAssertEqual(try store.lookupPack(uid: "CLONE", claimedFacility: "FAC-1", claimedManufactured: Fixture.t0 + 31 * Fixture.day), .notCovered)
        XCTAssertEqual(try store.lookupPack(uid: "CLONE", claimedFacility: "FAC-2", claimedManufactured: Fixture.t0 + 5), .notCovered)

        let keyring = try store.keyring()
        XCTAssertEqual(keyring.dataKeys.count, 1)
        XCTAssertEqual(keyring.dataKeys.first?.kid, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try store.dashboard(operator: "OP-1").map(\.value), [120_000])
        XCTAssertEqual(try store.facility(id: "FAC-2")?.latitude, nil)
        XCTAssertEqual(try store.facility(id: "FAC-1")?.latitude, -25.96)
        XCTAssertEqual(try store.economicOperator(id: "OP-2")?.role, .importer)
        XCTAssertEqual(try store.product(gtin: "06100000000017")?.brand, "Sol")
        XCTAssertEqual(try store.machine(id: "M-1")?.facilityID, "FAC-1")
    }

    func testKeyringIsEmptyBeforeAnyCache() throws {
        let other = try Fixture.openStore(scratch, name: "empty.sqlite")
        XCTAssertTrue(try other.keyring().isEmpty)
    }

    func testAggregationCycleInBadDataStops() throws {
        var content = Fixture.content()
        content.aggregation = [
            AggregationLink(childID: "A", parentID: "B", childLevel: .pack, parentLevel: .carton, time: 1),
            AggregationLink(childID: "B", parentID: "A", childLevel: .carton, parentLevel: .pack, time: 2),
        ]
        let path = scratch.file("cycle.sqlite")
        _ = try SnapshotBuilder.build(at: path, descriptor: Fixture.descriptor(2), content: content)
        try store.applySnapshot(at: path, now: Fixture.t0)
        XCTAssertEqual(try store.aggregationChain(of: "A").count, 8)
    }
}

extension PackLookup {
    var packUID: String? { if case .found(let p) = self { return p.uid } else { return nil } }
}
