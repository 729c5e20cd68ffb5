import TerminalUI
import XCTest

/// Records which rows a data source was asked for.
final class RowRecorder {
    var asked: [Int] = []
    func row(_ i: Int) -> String { asked.append(i); return "row \(i)" }
}

final class ListAndTableTests: XCTestCase {
    func testAMillionRowListAsksOnlyForTheVisibleRows() {
        var state = ListState(count: 1_000_000)
        let height = 22
        state.select(765_432, height: height)
        let recorder = RowRecorder()
        let b = render(width: 80, height: height) {
            ListView.render(state, text: recorder.row, into: &$0, area: $0.area, appearance: asciiLook)
        }
        XCTAssertEqual(recorder.asked, Array(765_411...765_432))
        XCTAssertEqual(b.lines.last, "> row 765432" + String(repeating: " ", count: 67) + "v")
        XCTAssertEqual(b.line(0).last, "^")
    }

    func testAMillionRowTableAsksOnlyForTheVisibleRowsAndJumpsToTheEnd() {
        var state = ListState(count: 1_000_000)
        state.handle(.bottom, height: 42)
        var asked: [Int] = []
        let columns = [TableColumn("#", width: .length(8), alignment: .right), TableColumn("Code", width: .fill(1))]
        let b = render(width: 132, height: 43) {
            TableView.render(state, columns: columns, cells: { asked.append($0); return [String($0), "TS1:\($0)"] }, into: &$0, area: $0.area,
                             appearance: unicodeLook)
        }
        XCTAssertEqual(asked, Array(999_958...999_999))
        XCTAssertTrue(b.line(42).hasPrefix("▶   999999 TS1:999999"), b.line(42))
    }

    func testNavigationClampsAndPages() {
        var s = ListState(count: 100)
        s.handle(.up, height: 10)
        XCTAssertEqual(s.selected, 0)
        s.handle(.pageDown, height: 10)
        XCTAssertEqual(s.selected, 9)
        XCTAssertEqual(s.visibleRange(height: 10), 0..<10)
        s.handle(.down, height: 10)
        XCTAssertEqual(s.visibleRange(height: 10), 1..<11)
        s.handle(.bottom, height: 10)
        XCTAssertEqual(s.selected, 99)
        XCTAssertEqual(s.visibleRange(height: 10), 90..<100)
        s.handle(.top, height: 10)
        XCTAssertEqual(s.offset, 0)
        XCTAssertFalse(s.handle(.quit, height: 10))
    }

    func testSelectionStaysVisibleAfterTheViewportShrinks() {
        var s = ListState(count: 100)
        s.select(50, height: 40)
        XCTAssertEqual(s.visibleRange(height: 5), 46..<51)
    }

    func testEmptyListDrawsNothingAndAsksForNothing() {
        let recorder = RowRecorder()
        _ = render(width: 20, height: 5) { ListView.render(ListState(count: 0), text: recorder.row, into: &$0, area: $0.area, appearance: unicodeLook) }
        XCTAssertEqual(recorder.asked, [])
        var s = ListState(count: 3, selected: 2)
        s.setCount(0)
        XCTAssertEqual(s.selected, 0)
    }

    func testTableColumnsStayAlignedWithCJKAndEmoji() {
        let rows = [["Maputo", "genuine", "12"], ["東京都千代田区丸の内", "suspect", "3"], ["Café 😀 Beira", "counterfeit", "1,204"]]
        let columns = [TableColumn("Place", width: .length(14)), TableColumn("Verdict", width: .length(11)),
                       TableColumn("Seen", width: .length(6), alignment: .right)]
        let b = render(width: 40, height: 4) {
            TableView.render(ListState(count: 3, selected: 1), columns: columns, cells: { rows[$0] }, into: &$0, area: $0.area,
                             appearance: unicodeLook)
        }
        assertScreen(b, [
            "  Place          Verdict       Seen",
            "  Maputo         genuine         12",
            "▶ 東京都千代田…  suspect          3",
            "  Café 😀 Beira  counterfeit  1,204",
        ])
        for y in 1...3 {
            // The verdict column starts at column 17 on every row, whatever came before it.
            var column = 0
            var found = -1
            for x in 0..<40 where !b[x, y].isContinuation {
                if column == 17 { found = x }
                column += Int(b[x, y].width)
            }
            XCTAssertEqual(found, 17, "row \(y)")
            XCTAssertFalse(b[17, y].isContinuation, "row \(y)")
            XCTAssertNotEqual(b[17, y].symbol, " ", "row \(y)")
        }
    }

    func testSelectedRowIsMarkedByAPointerNotOnlyByColour() {
        let b = render(width: 12, height: 3) {
            ListView.render(ListState(count: 3, selected: 1), text: { "item \($0)" }, into: &$0, area: $0.area, appearance: asciiLook)
        }
        assertScreen(b, ["  item 0", "> item 1", "  item 2"])
        XCTAssertTrue(b[3, 1].style.attributes.contains(.reverse))
        XCTAssertFalse(b[3, 0].style.attributes.contains(.reverse))
    }
}
