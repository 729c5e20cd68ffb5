import TerminalUI
import XCTest

final class TextInputTests: XCTestCase {
    private func typing(_ keys: [KeyEvent], into start: TextInputState = TextInputState()) -> TextInputState {
        var s = start
        for k in keys { s.handle(k) }
        return s
    }

    private func chars(_ text: String) -> [KeyEvent] { text.map { KeyEvent.char($0) } }

    func testTypingInsertsAtTheCursor() {
        let s = typing(chars("TS1") + [KeyEvent(.left), KeyEvent(.left)] + chars("x"))
        XCTAssertEqual(s.text, "TxS1")
        XCTAssertEqual(s.cursor, 2)
    }

    func testHomeEndAndCtrlAE() {
        var s = typing(chars("abc") + [KeyEvent(.home)] + chars(">") + [KeyEvent(.end)] + chars("<"))
        XCTAssertEqual(s.text, ">abc<")
        s = typing([.ctrl("a")] + chars("[") + [.ctrl("e")] + chars("]"), into: s)
        XCTAssertEqual(s.text, "[>abc<]")
    }

    func testBackspaceAndDeleteAtBothEnds() {
        var s = TextInputState("abc")
        s.handle(KeyEvent(.delete))           // at the end: nothing
        XCTAssertEqual(s.text, "abc")
        s.handle(KeyEvent(.backspace))
        XCTAssertEqual(s.text, "ab")
        s.handle(KeyEvent(.home))
        s.handle(KeyEvent(.backspace))        // at the start: nothing
        s.handle(KeyEvent(.delete))
        XCTAssertEqual(s.text, "b")
        XCTAssertEqual(s.cursor, 0)
    }

    func testCtrlKUAndW() {
        var s = TextInputState("seized at border post")
        s.handle(.ctrl("w"))
        XCTAssertEqual(s.text, "seized at border ")
        s.handle(.ctrl("w"))
        XCTAssertEqual(s.text, "seized at ")
        for _ in 0..<4 { s.handle(KeyEvent(.left)) }
        s.handle(.ctrl("k"))
        XCTAssertEqual(s.text, "seized")
        s.handle(KeyEvent(.left))
        s.handle(.ctrl("u"))
        XCTAssertEqual(s.text, "d")
        XCTAssertEqual(s.cursor, 0)
    }

    func testWordMovement() {
        var s = TextInputState("one two three")
        s.handle(KeyEvent(.left, .ctrl))
        XCTAssertEqual(s.cursor, 8)
        s.handle(KeyEvent(.character("b"), .alt))
        XCTAssertEqual(s.cursor, 4)
        s.handle(KeyEvent(.right, .ctrl))
        XCTAssertEqual(s.cursor, 7)
    }

    func testGraphemesAreEditedWhole() {
        var s = TextInputState("Café 👍🏽")
        s.handle(KeyEvent(.backspace))
        XCTAssertEqual(s.text, "Café ")
        s.handle(KeyEvent(.left))
        s.handle(KeyEvent(.backspace))
        XCTAssertEqual(s.text, "Caf ")
    }

    func testPasteInsertsAtTheCursorAsOneLine() {
        var s = TextInputState("[]")
        s.handle(KeyEvent(.left))
        s.handle(.paste("TS1:ABC\r\nDEF\tG\u{07}\n"))
        XCTAssertEqual(s.text, "[TS1:ABC DEF G]")
        XCTAssertEqual(s.cursor, 14)
    }

    func testMaxLengthCutsTypingAndPaste() {
        var s = TextInputState("", maxLength: 5)
        s.handle(.paste("1234567"))
        XCTAssertEqual(s.text, "12345")
        s.handle(.char("x"))
        XCTAssertEqual(s.text, "12345")
    }

    func testKeysTheFieldDoesNotUseAreLeftForTheForm() {
        var s = TextInputState("a")
        XCTAssertFalse(s.handle(KeyEvent(.enter)))
        XCTAssertFalse(s.handle(KeyEvent(.tab)))
        XCTAssertFalse(s.handle(KeyEvent(.up)))
        XCTAssertFalse(s.handle(.ctrl("c")))
        XCTAssertEqual(s.text, "a")
    }

    func testViewScrollsToKeepTheCursorVisibleAndPlacesIt() {
        var s = TextInputState("0123456789ABCDEF")
        var b = render(width: 10, height: 1) { TextInputView.render(s, focused: true, into: &$0, area: $0.area, appearance: unicodeLook) }
        assertScreen(b, ["789ABCDEF"])
        XCTAssertEqual(b.cursor, Position(x: 9, y: 0))
        s.handle(KeyEvent(.home))
        b = render(width: 10, height: 1) { TextInputView.render(s, focused: true, into: &$0, area: $0.area, appearance: unicodeLook) }
        assertScreen(b, ["0123456789"])
        XCTAssertEqual(b.cursor, Position(x: 0, y: 0))
    }

    func testViewCountsWideCharactersForTheCursor() {
        let s = TextInputState("東京x")
        let b = render(width: 10, height: 1) { TextInputView.render(s, focused: true, into: &$0, area: $0.area, appearance: unicodeLook) }
        XCTAssertEqual(b.cursor, Position(x: 5, y: 0))
    }

    func testPlaceholderShowsWhenEmptyAndUnfocusedHasNoCursor() {
        let b = render(width: 20, height: 1) {
            TextInputView.render(TextInputState(), focused: false, placeholder: "Scan or type a code", into: &$0, area: $0.area, appearance: unicodeLook)
        }
        assertScreen(b, ["Scan or type a code"])
        XCTAssertNil(b.cursor)
    }
}
