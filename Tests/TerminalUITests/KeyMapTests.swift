import TerminalUI
import XCTest

final class KeyMapTests: XCTestCase {
    func testStandardMapHasArrowsVimKeysAndHelpOnQuestionMarkAndF1() {
        let map = KeyMap.standard
        XCTAssertEqual(map.action(for: KeyEvent(.down)), .down)
        XCTAssertEqual(map.action(for: .char("j")), .down)
        XCTAssertEqual(map.action(for: .char("k")), .up)
        XCTAssertEqual(map.action(for: .char("G")), .bottom)
        XCTAssertEqual(map.action(for: .char("?")), .help)
        XCTAssertEqual(map.action(for: KeyEvent(.function(1))), .help)
        XCTAssertEqual(map.action(for: .ctrl("c")), .quit)
        XCTAssertEqual(map.action(for: KeyEvent(.tab, .shift)), .focusPrevious)
        XCTAssertNil(map.action(for: .char("x")))
    }

    func testTypingInATextFieldNeverTriggersCharacterBindings() {
        XCTAssertNil(KeyMap.standard.action(for: .char("q"), textEntry: true))
        XCTAssertNil(KeyMap.standard.action(for: .char("j"), textEntry: true))
        XCTAssertEqual(KeyMap.standard.action(for: .ctrl("c"), textEntry: true), .quit)
        XCTAssertEqual(KeyMap.standard.action(for: KeyEvent(.enter), textEntry: true), .select)
    }

    func testBindLinesRemapKeys() {
        var map = KeyMap.standard
        let errors = map.apply(config: """
        # Officers on AZERTY keyboards
        bind quit = x, ctrl-q
        bind down = n, down   # vim j no more
        bind search = none
        """)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(map.action(for: .char("x")), .quit)
        XCTAssertEqual(map.action(for: .ctrl("q")), .quit)
        XCTAssertNil(map.action(for: .char("q")))
        XCTAssertNil(map.action(for: .ctrl("c")))
        XCTAssertNil(map.action(for: .char("j")))
        XCTAssertEqual(map.keys(for: .search), [])
    }

    func testAKeyBoundToAnotherActionMovesThere() {
        var map = KeyMap.standard
        map.bind(.search, to: [.char("j")])
        XCTAssertEqual(map.action(for: .char("j")), .search)
        XCTAssertEqual(map.keys(for: .down), [KeyEvent(.down)])
    }

    func testConfigErrorsHaveLineNumbersAndTheValidLinesStillApply() {
        var map = KeyMap.standard
        let errors = map.apply(config: """
        bind qiut = q
        bind quit = x

        bind down = j, hyper-j
        bind up
        unbind q
        bind help =
        """, source: "keys.conf")
        XCTAssertEqual(errors.map(\.line), [1, 4, 5, 6, 7])
        XCTAssertTrue(errors[0].description.hasPrefix("keys.conf:1: unknown action `qiut` (did you mean `quit`?)"), errors[0].description)
        XCTAssertTrue(errors[1].message.contains("unknown key `hyper-j`"), errors[1].message)
        XCTAssertTrue(errors[2].message.contains("missing `=`"), errors[2].message)
        XCTAssertTrue(errors[3].message.contains("expected `bind"), errors[3].message)
        XCTAssertTrue(errors[4].message.contains("write `none`"), errors[4].message)
        XCTAssertEqual(map.action(for: .char("x")), .quit)
        XCTAssertEqual(map.action(for: .char("j")), .down, "a line with an error changes nothing")
    }

    func testAppsAddTheirOwnActions() {
        var map = KeyMap.standard
        map.add(KeyBinding("seize", [.char("s")], "Record a seizure", group: "Inspection"))
        XCTAssertEqual(map.action(for: .char("s")), "seize")
        XCTAssertEqual(map.apply(config: "bind seize = S"), [])
        XCTAssertEqual(map.action(for: .char("S")), "seize")
    }

    func testHelpLinesComeFromTheLiveKeyMap() {
        var map = KeyMap.standard
        _ = map.apply(config: "bind quit = x\nbind repaint = none")
        let lines = HelpOverlayView.lines(for: map)
        XCTAssertTrue(lines.contains { $0.keys == "x" && $0.summary == "Quit" })
        XCTAssertTrue(lines.contains { $0.keys == "?, F1" && $0.summary == "Show or hide this help" })
        XCTAssertTrue(lines.contains { $0.keys == "Down, j" && $0.summary == "Move down" })
        XCTAssertFalse(lines.contains { $0.summary == "Redraw the screen" }, "unbound actions are not listed")
        XCTAssertEqual(lines.filter(\.isGroup).map(\.keys), ["Navigation", "Actions", "General"])
    }
}
