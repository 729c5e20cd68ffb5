import TerminalUI
import XCTest

final class BufferTests: XCTestCase {
    func testWriteClipsAtTheRightEdgeAndReturnsColumnsUsed() {
        var b = Buffer(width: 5, height: 1)
        XCTAssertEqual(b.write("abcdefg", x: 1, y: 0), 4)
        assertScreen(b, [" abcd"])
    }

    func testWriteRespectsMaxWidth() {
        var b = Buffer(width: 10, height: 1)
        b.write("abcdef", x: 0, y: 0, maxWidth: 3)
        assertScreen(b, ["abc"])
    }

    func testWideCharacterTakesTwoCellsWithAContinuation() {
        var b = Buffer(width: 6, height: 1)
        XCTAssertEqual(b.write("東京", x: 0, y: 0), 4)
        XCTAssertTrue(b[0, 0].isWide)
        XCTAssertTrue(b[1, 0].isContinuation)
        XCTAssertEqual(b[2, 0].symbol, "京")
        assertScreen(b, ["東京"])
        XCTAssertEqual(DisplayWidth.of(b.line(0)), 6, "a line always spans the full width")
    }

    func testWideCharacterThatDoesNotFitAtTheEdgeBecomesASpace() {
        var b = Buffer(width: 5, height: 1)
        XCTAssertEqual(b.write("ab東京", x: 0, y: 0), 5)
        assertScreen(b, ["ab東 "])
        XCTAssertEqual(b[4, 0].symbol, " ")
        XCTAssertFalse(b[4, 0].isWide)
    }

    func testWideCharacterCutByMaxWidthBecomesASpaceAndLeavesTheNextColumnAlone() {
        var b = Buffer(width: 8, height: 1)
        b.write("xxxxxxxx", x: 0, y: 0)
        b.write("A東", x: 0, y: 0, maxWidth: 2)
        assertScreen(b, ["A xxxxxx"])
    }

    func testOverwritingEitherHalfOfAWideCharacterBlanksTheOtherHalf() {
        var b = Buffer(width: 4, height: 1)
        b.write("東", x: 0, y: 0)
        b.write("x", x: 1, y: 0)           // right half
        assertScreen(b, [" x"])
        XCTAssertFalse(b[0, 0].isWide)

        b.write("京", x: 1, y: 0)
        b.write("y", x: 1, y: 0)           // left half
        assertScreen(b, [" y"])
        XCTAssertFalse(b[2, 0].isContinuation)
    }

    func testAWideCharacterOverlappingAnotherBlanksItsRemains() {
        var b = Buffer(width: 6, height: 1)
        b.write("東京", x: 0, y: 0)
        b.write("語", x: 1, y: 0)          // straddles both
        assertScreen(b, [" 語 "])
        XCTAssertEqual(DisplayWidth.of(b.line(0)), 6)
    }

    func testControlCharactersAreMadeVisibleNotSentToTheTerminal() {
        var b = Buffer(width: 8, height: 1)
        b.write("a\u{1B}[2Jb\tc", x: 0, y: 0)
        assertScreen(b, ["a?[2Jb c"])
    }

    func testStrayCombiningMarkJoinsThePreviousCell() {
        var b = Buffer(width: 4, height: 1)
        let used = b.write("e" + "\u{0301}", x: 0, y: 0)
        XCTAssertEqual(used, 1)
        XCTAssertEqual(b[0, 0].symbol, "e\u{0301}")
    }

    func testWritePatchesStyleOverTheBackground() {
        var b = Buffer(width: 4, height: 1)
        b.fill(b.area, with: Cell(" ", style: Style(bg: .blue)))
        b.write("ab", x: 0, y: 0, style: Style(fg: .red, attributes: .bold))
        XCTAssertEqual(b[0, 0].style, Style(fg: .red, bg: .blue, attributes: .bold))
        XCTAssertEqual(b[3, 0].style, Style(bg: .blue))
    }

    func testOutOfBoundsWritesAreIgnored() {
        var b = Buffer(width: 3, height: 2)
        b.write("abc", x: -1, y: 0)
        b.write("zzz", x: 0, y: 5)
        b.write("zzz", x: 9, y: 1)
        assertScreen(b, ["bc", ""])
    }

    func testLeftClippedWideCharacterDoesNotShiftTheRest() {
        var b = Buffer(width: 4, height: 1)
        b.write("東ab", x: -1, y: 0)
        assertScreen(b, [" ab"])
    }

    func testCJKAndEmojiKeepTheFollowingColumnAligned() {
        var b = Buffer(width: 24, height: 3)
        for (row, name) in ["Maputo", "東京都", "Café 😀"].enumerated() {
            b.write(TextLayout.fit(name, width: 10), x: 0, y: row)
            b.write("|42", x: 10, y: row)
        }
        assertScreen(b, [
            "Maputo    |42",
            "東京都    |42",
            "Café 😀   |42",
        ])
        for row in 0..<3 { XCTAssertEqual(b[10, row].symbol, "|", "row \(row)") }
    }
}
