import TerminalUI
import XCTest

final class InputParserTests: XCTestCase {
    private func parse(_ text: String, flush: Bool = true) -> [InputEvent] {
        var p = InputParser()
        p.feed(text: text)
        if flush { p.flush() }
        return p.takeEvents()
    }

    private func keys(_ events: [InputEvent]) -> [KeyEvent] {
        events.compactMap { if case .key(let k) = $0 { k } else { nil } }
    }

    func testPrintableCharactersIncludingFullUnicode() {
        XCTAssertEqual(keys(parse("aZ9é東😀")), ["a", "Z", "9", "é", "東", "😀"].map { KeyEvent.char(Character($0)) })
    }

    func testScalarsOfOneGraphemeBecomeOneCharacter() {
        XCTAssertEqual(keys(parse("e\u{0301}x")), [.char("e\u{0301}"), .char("x")])
        XCTAssertEqual(keys(parse("👍\u{1F3FD}")), [.char("👍🏽")])
        XCTAssertEqual(keys(parse("🇲🇿")), [.char("🇲🇿")])
    }

    func testControlCodes() {
        XCTAssertEqual(keys(parse("\r\t\u{7F}\u{08}\u{01}\u{03}\u{17}\u{1A}")), [
            KeyEvent(.enter), KeyEvent(.tab), KeyEvent(.backspace), KeyEvent(.backspace),
            .ctrl("a"), .ctrl("c"), .ctrl("w"), .ctrl("z"),
        ])
    }

    func testCRLFFromAScannerIsOneEnterButTwoCRsAreTwo() {
        XCTAssertEqual(keys(parse("AB\r\nC\n")), [.char("A"), .char("B"), KeyEvent(.enter), .char("C"), KeyEvent(.enter)])
        XCTAssertEqual(keys(parse("\r\r")), [KeyEvent(.enter), KeyEvent(.enter)])
    }

    func testFastScannerBurstKeepsEveryCharacterInOrder() {
        let code = "TS1:" + String((0..<96).map { i in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$%*+-./:")[i % 44] })
        let events = keys(parse(code + "\r"))
        XCTAssertEqual(events.count, 101)
        XCTAssertEqual(String(events.dropLast().compactMap(\.typedCharacter)), code)
        XCTAssertEqual(events.last, KeyEvent(.enter))
    }

    func testCSIArrowsHomeEndAndTildeKeys() {
        XCTAssertEqual(keys(parse("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D\u{1B}[H\u{1B}[F")),
                       [KeyEvent(.up), KeyEvent(.down), KeyEvent(.right), KeyEvent(.left), KeyEvent(.home), KeyEvent(.end)])
        XCTAssertEqual(keys(parse("\u{1B}[5~\u{1B}[6~\u{1B}[3~\u{1B}[2~\u{1B}[1~\u{1B}[4~")),
                       [KeyEvent(.pageUp), KeyEvent(.pageDown), KeyEvent(.delete), KeyEvent(.insert), KeyEvent(.home), KeyEvent(.end)])
    }

    func testSS3Keys() {
        XCTAssertEqual(keys(parse("\u{1B}OA\u{1B}OP\u{1B}OS")), [KeyEvent(.up), KeyEvent(.function(1)), KeyEvent(.function(4))])
    }

    func testFunctionKeysF1ToF12() {
        let seqs = ["OP", "OQ", "OR", "OS", "[15~", "[17~", "[18~", "[19~", "[20~", "[21~", "[23~", "[24~"]
        XCTAssertEqual(keys(parse(seqs.map { "\u{1B}" + $0 }.joined())), (1...12).map { KeyEvent(.function($0)) })
    }

    func testModifiedKeysAndShiftTab() {
        XCTAssertEqual(keys(parse("\u{1B}[1;5C\u{1B}[1;2A\u{1B}[Z\u{1B}[3;3~")),
                       [KeyEvent(.right, .ctrl), KeyEvent(.up, .shift), KeyEvent(.tab, .shift), KeyEvent(.delete, .alt)])
    }

    func testAltLetterAndLoneEscape() {
        XCTAssertEqual(keys(parse("\u{1B}x")), [KeyEvent(.character("x"), .alt)])
        XCTAssertEqual(keys(parse("\u{1B}")), [KeyEvent(.escape)])
        XCTAssertEqual(keys(parse("\u{1B}\u{1B}")), [KeyEvent(.escape), KeyEvent(.escape)])
    }

    func testLoneEscapeWaitsForTheRestOfASplitSequence() {
        var p = InputParser()
        p.feed(text: "\u{1B}")
        XCTAssertEqual(p.takeEvents(), [])
        XCTAssertEqual(p.pendingTimeout, .milliseconds(30))
        p.feed(text: "[B")                         // the rest arrives in the next packet
        XCTAssertEqual(p.takeEvents(), [.key(.down)])
        XCTAssertNil(p.pendingTimeout)
    }

    func testBracketedPasteIsOneEventAndNeverKeys() {
        let events = parse("a\u{1B}[200~bind quit\r\nq\u{1B}[201~b")
        XCTAssertEqual(events, [.key(.char("a")), .paste("bind quit\nq"), .key(.char("b"))])
    }

    func testPasteSplitAcrossReadsIsStillOneEvent() {
        var p = InputParser()
        p.feed(text: "\u{1B}[20")
        p.feed(text: "0~TS1:AB")
        XCTAssertTrue(p.isInPaste)
        XCTAssertEqual(p.pendingTimeout, .seconds(1))
        p.feed(text: "C\u{1B}[2")
        XCTAssertEqual(p.takeEvents(), [])
        p.feed(text: "01~")
        XCTAssertEqual(p.takeEvents(), [.paste("TS1:ABC")])
    }

    func testUnterminatedPasteIsDeliveredOnFlushNotLost() {
        XCTAssertEqual(parse("\u{1B}[200~half a paste"), [.paste("half a paste")])
    }

    func testPasteKeepsEscapeLikeTextAndDecodedKeysAsText() {
        var p = InputParser()
        p.feed(text: "\u{1B}[200~x")
        p.feed(.keyCode(0o527))   // KEY_ENTER decoded by curses inside the paste
        p.feed(text: "y\u{1B}[201~")
        XCTAssertEqual(p.takeEvents(), [.paste("x\ny")])
    }

    func testUnknownAndOverlongSequencesAreDroppedWithoutEatingLaterInput() {
        XCTAssertEqual(keys(parse("\u{1B}[?1;2cA")), [.char("A")])          // device attributes reply
        XCTAssertEqual(keys(parse("\u{1B}[" + String(repeating: "1", count: 40) + "A")).last, .char("A"))
        XCTAssertEqual(keys(parse("\u{1B}[12\u{03}")), [.ctrl("c")])         // broken by a control code
    }

    func testSGRMouseReports() {
        XCTAssertEqual(parse("\u{1B}[<0;10;5M\u{1B}[<0;10;5m\u{1B}[<64;1;1M\u{1B}[<65;1;1M"), [
            .mouse(MouseEvent(.press(1), at: Position(x: 9, y: 4))),
            .mouse(MouseEvent(.release(1), at: Position(x: 9, y: 4))),
            .mouse(MouseEvent(.scrollUp, at: Position(x: 0, y: 0))),
            .mouse(MouseEvent(.scrollDown, at: Position(x: 0, y: 0))),
        ])
    }

    func testCursesKeyCodesAndResize() {
        var p = InputParser()
        // ncurses' ABI: KEY_DOWN 0402, KEY_UP 0403, KEY_NPAGE 0522, KEY_PPAGE 0523, KEY_BTAB 0541,
        // KEY_F(1) 0411, KEY_F(12) 0424, KEY_F(13) 0425 (Shift-F1), KEY_DC 0512, KEY_BACKSPACE 0407.
        for code: Int32 in [0o402, 0o403, 0o522, 0o523, 0o541, 0o411, 0o424, 0o425, 0o512, 0o407, 0o406, 0o550, 0o527] {
            p.feed(.keyCode(code))
        }
        p.feed(.resize(Size(width: 100, height: 30)))
        XCTAssertEqual(p.takeEvents(), [
            .key(.down), .key(.up), .key(.pageDown), .key(.pageUp), .key(.tab, .shift), .key(.function(1)), .key(.function(12)),
            .key(.function(1), .shift), .key(.delete), .key(.backspace), .key(.home), .key(.end), .key(.enter),
            .resize(Size(width: 100, height: 30)),
        ])
    }

    func testExtendedCursesKeyNames() {
        XCTAssertEqual(CursesKeyCode.decode(name: "kLFT5"), KeyEvent(.left, .ctrl))
        XCTAssertEqual(CursesKeyCode.decode(name: "kUP2"), KeyEvent(.up, .shift))
        XCTAssertEqual(CursesKeyCode.decode(name: "kDC3"), KeyEvent(.delete, .alt))
        XCTAssertNil(CursesKeyCode.decode(name: "kxIN"))
        XCTAssertNil(CursesKeyCode.decode(0o632 + 100))
    }

    func testEscapeBeforeACursesKeyIsAlt() {
        var p = InputParser()
        p.feed(.scalar("\u{1B}"))
        p.feed(.keyCode(0o404))   // KEY_LEFT
        XCTAssertEqual(p.takeEvents(), [.key(.left, .alt)])
    }
}

final class KeyNameTests: XCTestCase {
    func testParsesTheNamesKeyMapFilesUse() {
        XCTAssertEqual(KeyEvent(name: "q"), .char("q"))
        XCTAssertEqual(KeyEvent(name: "Q"), .char("Q"))
        XCTAssertEqual(KeyEvent(name: "ctrl-c"), .ctrl("c"))
        XCTAssertEqual(KeyEvent(name: "Ctrl-C"), .ctrl("c"))
        XCTAssertEqual(KeyEvent(name: "C-x"), .ctrl("x"))
        XCTAssertEqual(KeyEvent(name: "alt-x"), KeyEvent(.character("x"), .alt))
        XCTAssertEqual(KeyEvent(name: "shift-tab"), KeyEvent(.tab, .shift))
        XCTAssertEqual(KeyEvent(name: "btab"), KeyEvent(.tab, .shift))
        XCTAssertEqual(KeyEvent(name: "pgdn"), KeyEvent(.pageDown))
        XCTAssertEqual(KeyEvent(name: "PageUp"), KeyEvent(.pageUp))
        XCTAssertEqual(KeyEvent(name: "f12"), KeyEvent(.function(12)))
        XCTAssertEqual(KeyEvent(name: "space"), .char(" "))
        XCTAssertEqual(KeyEvent(name: "comma"), .char(","))
        XCTAssertEqual(KeyEvent(name: "esc"), KeyEvent(.escape))
        XCTAssertEqual(KeyEvent(name: " enter "), KeyEvent(.enter))
        XCTAssertEqual(KeyEvent(name: "ctrl-left"), KeyEvent(.left, .ctrl))
    }

    func testRejectsWhatIsNotAKey() {
        for bad in ["", "ctrl-", "f0", "f99", "hyper-x", "enterr", "ctrl-foo"] { XCTAssertNil(KeyEvent(name: bad), bad) }
    }

    func testDisplayNamesReadBack() {
        let keys: [KeyEvent] = [.ctrl("c"), .char("q"), .char("?"), KeyEvent(.tab, .shift), KeyEvent(.function(1)), KeyEvent(.pageDown),
                                KeyEvent(.character("x"), .alt), .char(" "), .char(","), KeyEvent(.left, .ctrl)]
        XCTAssertEqual(keys.map(\.displayName), ["Ctrl-C", "q", "?", "Shift-Tab", "F1", "PgDn", "Alt-x", "Space", "Comma", "Ctrl-Left"])
        for k in keys { XCTAssertEqual(KeyEvent(name: k.displayName), k, k.displayName) }
    }
}
