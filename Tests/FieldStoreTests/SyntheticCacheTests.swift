import FieldStore
import XCTest

/// The bench helpers produce what they claim (the timings themselves are reported, not asserted).
final class SyntheticCacheTests: XCTestCase {
    func testSyntheticCacheShapeAndUniqueUIDs() throws {
        let scratch = Scratch()
        let synthetic = SyntheticCache(packs: 1234)
        XCTAssertEqual(Set((0..<1234).map(synthetic.uid)).count, 1234)
        let meta = try synthetic.buildSnapshot(at: scratch.file("s.sqlite"), version: 1)
        XCTAssertEqual(meta.tableDigests["pack"]?.rows, 1234)
        // packs + cartons (124) + cases (3) + pallet (1) each have a parent, except the pallet.
        XCTAssertEqual(meta.tableDigests["aggregation"]?.rows, 1234 + 124 + 3)
        XCTAssertEqual(meta.tableDigests["watchlist"]?.rows, 2)
        let store = try Fixture.openStore(scratch)
        try store.applySnapshot(at: scratch.file("s.sqlite"), now: 0)
        let chain = try store.aggregationChain(of: synthetic.uid(1233))
        XCTAssertEqual(chain.map(\.link.parentLevel), [.carton, .case, .pallet])
        XCTAssertEqual(try store.events(for: synthetic.uid(5)).map(\.bizStep), ["commissioning", "packing", "packing", "packing", "shipping"])
        XCTAssertEqual(try store.keyring().dataKeys.count, 1)
    }

    func testBenchRunsAndReportsLookups() throws {
        let scratch = Scratch()
        let result = try FieldStoreBench.run(directory: scratch.file("bench"), packs: 2000, lookups: 500)
        XCTAssertEqual(result.lookups, 500)
        XCTAssertGreaterThan(result.storeBytes, 0)
        XCTAssertLessThanOrEqual(result.lookupP50Micros, result.lookupP99Micros)
        XCTAssertEqual(result.lines.count, 5)
    }
}
