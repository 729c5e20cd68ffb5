import TerminalUI
import XCTest

final class LayoutTests: XCTestCase {
    func testRowsWithFixedHeaderAndFooterGiveTheRestToTheBody() {
        let parts = Rect(x: 0, y: 0, width: 80, height: 24).rows([.length(1), .fill(1), .length(1)])
        XCTAssertEqual(parts, [
            Rect(x: 0, y: 0, width: 80, height: 1),
            Rect(x: 0, y: 1, width: 80, height: 22),
            Rect(x: 0, y: 23, width: 80, height: 1),
        ])
    }

    func testFillWeightsShareTheRemainderAndTileExactly() {
        let parts = Rect(x: 0, y: 0, width: 100, height: 1).columns([.fill(1), .fill(2)])
        XCTAssertEqual(parts.map(\.width), [34, 66])
        XCTAssertEqual(parts[1].x, 34)
    }

    func testPercentageAndMinimum() {
        let parts = Rect(x: 0, y: 0, width: 132, height: 1).columns([.percentage(25), .min(20), .length(10)])
        XCTAssertEqual(parts.map(\.width), [33, 89, 10])
    }

    func testSpacingSitsBetweenParts() {
        let parts = Rect(x: 2, y: 0, width: 21, height: 1).columns([.fill(1), .fill(1), .fill(1)], spacing: 1)
        XCTAssertEqual(parts.map(\.width), [7, 6, 6], "19 cells after two gaps; the leftover cell goes first")
        XCTAssertEqual(parts.map(\.x), [2, 10, 17])
        XCTAssertEqual(parts[2].maxX, 23, "the parts end exactly at the edge")
    }

    func testWhenSpaceRunsOutTheLaterPartsShrink() {
        let parts = Rect(x: 0, y: 0, width: 10, height: 5).rows([.length(3), .length(3), .fill(1)])
        XCTAssertEqual(parts.map(\.height), [3, 2, 0])
    }

    func testCenteredAndInset() {
        let r = Rect(x: 0, y: 0, width: 80, height: 24)
        XCTAssertEqual(r.centered(width: 40, height: 10), Rect(x: 20, y: 7, width: 40, height: 10))
        XCTAssertEqual(r.centered(width: 100, height: 100), r)
        XCTAssertEqual(r.inset(by: 1), Rect(x: 1, y: 1, width: 78, height: 22))
        XCTAssertTrue(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 1).isEmpty)
    }
}
