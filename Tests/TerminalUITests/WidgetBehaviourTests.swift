import TerminalUI
import XCTest

final class FormTests: XCTestCase {
    private func sampleForm() -> FormState {
        FormState(fields: [
            FormField(id: "packs", label: "Packs", placeholder: "how many", validate: { v in
                guard let n = Int(v), n > 0 else { return "Enter the number of packs, like 12" }
                return nil
            }),
            FormField(id: "place", label: "Place", validate: { $0.isEmpty ? "Say where the packs were found" : nil }),
        ])
    }

    func testTypingGoesToTheFocusedFieldAndTabMovesOn() {
        var form = sampleForm()
        for c in "12" { XCTAssertEqual(form.handle(.key(.char(c))), .edited) }
        XCTAssertEqual(form.handle(.key(.tab)), .moved)
        XCTAssertEqual(form.handle(.paste("Maputo market\n")), .edited)
        XCTAssertEqual(form.values, ["packs": "12", "place": "Maputo market"])
        XCTAssertEqual(form.handle(.key(.enter)), .submitted(["packs": "12", "place": "Maputo market"]))
    }

    func testLeavingAFieldChecksItAndEditingClearsTheMessage() {
        var form = sampleForm()
        _ = form.handle(.key(.char("x")))
        _ = form.handle(.key(.down))
        XCTAssertEqual(form.errors, ["packs": "Enter the number of packs, like 12"])
        _ = form.handle(.key(.tab, .shift))
        XCTAssertEqual(form.focus, 0)
        XCTAssertEqual(form.errors["place"], "Say where the packs were found", "leaving the empty place field checked it")
        _ = form.handle(.key(.backspace))
        XCTAssertNil(form.errors["packs"], "editing clears the field's message")
    }

    func testSubmitWithProblemsFocusesTheFirstAndShowsEveryMessage() {
        var form = sampleForm()
        _ = form.handle(.key(.tab))
        XCTAssertEqual(form.handle(.key(.enter)), .invalid(2))
        XCTAssertEqual(form.focus, 0)
        let b = render(width: 50, height: 4) { FormView.render(form, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(b, [
            "> Packs how many",
            "        x Enter the number of packs, like 12",
            "  Place",
            "        x Say where the packs were found",
        ])
        XCTAssertEqual(FormView.height(of: form), 4)
        XCTAssertTrue(b[8, 1].style.attributes.contains(.bold), "messages are bold, not only red")
    }

    func testTypingQInAFieldDoesNotQuitAndEscCancels() {
        var form = sampleForm()
        XCTAssertEqual(form.handle(.key(.char("q"))), .edited)
        XCTAssertEqual(form.handle(.key(.escape)), .cancelled)
    }
}

final class ModalTests: XCTestCase {
    func testButtonsMoveChooseAndDismiss() {
        var m = ModalState(title: "Quit?", message: "Unsent inspections stay in the outbox.", buttons: ["Quit", "Stay"])
        XCTAssertEqual(m.handle(.key(.right)), .moved)
        XCTAssertEqual(m.focused, 1)
        XCTAssertEqual(m.handle(.key(.enter)), .chosen(1))
        XCTAssertEqual(m.handle(.key(.char("q"))), .chosen(0), "a unique first letter chooses directly")
        XCTAssertEqual(m.handle(.key(.escape)), .dismissed)
        XCTAssertEqual(m.handle(.paste("x")), .ignored)
    }
}

final class SmallWidgetTests: XCTestCase {
    func testTabsScrollToKeepTheActiveTabVisible() {
        let b = render(width: 20, height: 1) {
            TabsView.render(titles: ["Scan", "History", "Sync", "Settings"], selected: 3, into: &$0, area: $0.area, appearance: unicodeLook)
        }
        assertScreen(b, ["[4 Settings]"])
        let first = render(width: 20, height: 1) {
            TabsView.render(titles: ["Scan", "History", "Sync", "Settings"], selected: 0, into: &$0, area: $0.area, appearance: unicodeLook)
        }
        assertScreen(first, ["[1 Scan]  2 History"])
    }

    func testStatusBarDropsHintsBeforeTheRightSide() {
        let hints = [KeyHint("?", "Help"), KeyHint("q", "Quit")]
        let wide = render(width: 60, height: 1) {
            StatusBarView.render(left: "offline", hints: hints, right: "data 2 h old", into: &$0, area: $0.area, appearance: unicodeLook)
        }
        assertScreen(wide, [" offline  ? Help  q Quit                        data 2 h old"])
        let narrow = render(width: 30, height: 1) {
            StatusBarView.render(left: "offline since 06:00", hints: hints, right: "data 2 h old", into: &$0, area: $0.area, appearance: unicodeLook)
        }
        assertScreen(narrow, [" offline since 0… data 2 h old"])
        XCTAssertTrue(narrow.line(0).hasSuffix("data 2 h old"))
    }

    func testStatusHintsFollowTheKeyMap() {
        var map = KeyMap.standard
        _ = map.apply(config: "bind quit = x\nbind search = none")
        XCTAssertEqual(KeyHint.from(map, [(.quit, "Quit"), (.search, "Search")]), [KeyHint("x", "Quit")])
    }

    func testProgressBarUnicodeAndASCII() {
        let u = render(width: 20, height: 1) { ProgressBarView.render(fraction: 0.5, into: &$0, area: $0.area, appearance: unicodeLook) }
        assertScreen(u, ["███████▌░░░░░░░  50%"])
        let a = render(width: 20, height: 1) { ProgressBarView.render(fraction: 0.5, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(a, ["#######--------  50%"])
        let done = render(width: 10, height: 1) { ProgressBarView.render(fraction: 7, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(done, ["##### 100%"])
        let nan = render(width: 10, height: 1) { ProgressBarView.render(fraction: .nan, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(nan, ["-----   0%"])
    }

    func testSparklineUnicodeAndASCII() {
        let values: [Double] = [0, 1, 2, 3, 4, 5, 6, 7]
        let u = render(width: 8, height: 1) { SparklineView.render(values, into: &$0, area: $0.area, appearance: unicodeLook) }
        assertScreen(u, ["▁▂▃▄▅▆▇█"])
        let a = render(width: 8, height: 1) { SparklineView.render(values, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(a, ["_.-:=+*#"])
        let tail = render(width: 3, height: 1) { SparklineView.render(values, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(tail, ["+*#"], )
    }

    func testBarChartWritesValuesAndUsesASCIIFallback() {
        let bars = [Bar("genuine", 1204), Bar("fake", 301)]
        let a = render(width: 30, height: 2) { BarChartView.render(bars, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(a, ["genuine ################ 1,204", "fake    ####               301"])
        XCTAssertEqual(BarChartView.formatNumber(1234567), "1,234,567")
        XCTAssertEqual(BarChartView.formatNumber(-12.25), "-12.3")
    }

    func testTimelineDrawsConnectorsAndFallsBackToASCII() {
        let events = [TimelineEvent(time: "08:00", title: "Made", detail: "F1/M1"), TimelineEvent(time: "14:20", title: "Shipped"),
                      TimelineEvent(time: "10:05", title: "Seen")]
        let u = render(width: 30, height: 5) { TimelineView.render(events, into: &$0, area: $0.area, appearance: unicodeLook) }
        assertScreen(u, ["● 08:00  Made", "│        F1/M1", "● 14:20  Shipped", "│", "● 10:05  Seen"])
        let a = render(width: 30, height: 4) { TimelineView.render(events, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(a, ["* 08:00  Made", "|        F1/M1", "* 14:20  Shipped", "* 10:05  Seen"])
    }

    func testBlockFocusIsAShapeNotOnlyAColour() {
        let plain = render(width: 6, height: 3) { BlockView.render(into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(plain, ["+----+", "|    |", "+----+"])
        let focused = render(width: 6, height: 3) { BlockView.render(focused: true, into: &$0, area: $0.area, appearance: asciiLook) }
        assertScreen(focused, ["#====#", "#    #", "#====#"])
    }

    func testTextLayoutFitsByDisplayWidth() {
        XCTAssertEqual(TextLayout.truncate("東京都千代田区", to: 7), "東京都…")
        XCTAssertEqual(TextLayout.fit("東京", width: 6, alignment: .right), "  東京")
        XCTAssertEqual(TextLayout.fit("ab", width: 5, alignment: .center), " ab  ")
        XCTAssertEqual(TextLayout.wrap("seized twelve packs at the border", width: 12), ["seized", "twelve packs", "at the", "border"])
        XCTAssertEqual(TextLayout.wrap("TS1:ABCDEFGHIJ", width: 5), ["TS1:A", "BCDEF", "GHIJ"])
        XCTAssertEqual(TextLayout.wrap("東京都", width: 3), ["東", "京", "都"])
    }
}
