import TerminalUI
import XCTest

/// A sample screen built from the widgets, the way the console will compose them.
struct SampleScreen {
    var appearance: Appearance
    var keyMap = KeyMap.standard
    var list = ListState(count: 1_000_000, selected: 2)
    var showHelp = false
    var modal: ModalState? = nil

    static let places = ["Maputo market", "東京都 kiosk", "Beira 🚬 stall", "Nampula", "Quelimane"]
    static let verdicts: [(String, ThemeSlot)] = [("✓ genuine", .verdictGenuine), ("? suspect", .verdictSuspect),
                                                  ("✗ counterfeit", .verdictCounterfeit)]

    func draw(into buffer: inout Buffer) {
        let area = buffer.area
        buffer.fill(area, with: appearance.blank(.base))
        let rows = area.rows([.length(1), .fill(1), .length(1)])
        TabsView.render(titles: ["Scan", "History", "Sync"], selected: 1, into: &buffer, area: rows[0], appearance: appearance)
        let wide = area.width >= 120
        let columns = rows[1].columns(wide ? [.fill(2), .length(44)] : [.fill(1)])
        let inner = BlockView.render(title: "Inspections (\(list.selected + 1)/\(list.count))", focused: true, into: &buffer,
                                     area: columns[0], appearance: appearance)
        TableView.render(list, columns: [
            TableColumn("#", width: .length(7), alignment: .right),
            TableColumn("Place", width: .fill(1)),
            TableColumn("Verdict", width: .length(13)),
        ], cells: { i in [String(i + 1), Self.places[i % 5], Self.verdicts[i % 3].0] }, rowSlot: { Self.verdicts[$0 % 3].1 },
           into: &buffer, area: inner, appearance: appearance)
        if wide {
            let side = BlockView.render(title: "Stamp TS1:MZ1", into: &buffer, area: columns[1], appearance: appearance)
            let parts = side.rows([.fill(1), .length(1), .length(1), .length(4)], spacing: 0)
            TimelineView.render([
                TimelineEvent(time: "2026-06-01 08:00", title: "Manufactured", detail: "Factory F1, machine M1"),
                TimelineEvent(time: "2026-06-03 14:20", title: "Shipped to Maputo"),
                TimelineEvent(time: "2026-06-09 10:05", title: "Seen: 東京都 kiosk", slot: .verdictSuspect),
            ], into: &buffer, area: parts[0], appearance: appearance)
            ProgressBarView.render(fraction: 0.53, label: "sync", into: &buffer, area: parts[1], appearance: appearance)
            SparklineView.render([1, 3, 7, 4, 2, 8, 6, 5, 9, 3], into: &buffer, area: parts[2], appearance: appearance)
            BarChartView.render([Bar("genuine", 1204), Bar("suspect", 37), Bar("fake", 12)], into: &buffer, area: parts[3],
                                appearance: appearance)
        }
        StatusBarView.render(left: "offline", hints: KeyHint.from(keyMap, [(.help, "Help"), (.search, "Search"), (.quit, "Quit")]),
                             right: "data 2 h old", into: &buffer, area: rows[2], appearance: appearance)
        if showHelp { HelpOverlayView.render(keyMap: keyMap, into: &buffer, area: area, appearance: appearance) }
        if let modal { ModalView.render(modal, into: &buffer, area: area, appearance: appearance) }
    }
}

final class WidgetSnapshotTests: XCTestCase {
    func testConsoleAt80x24() {
        let screen = SampleScreen(appearance: unicodeLook)
        let b = render(width: 80, height: 24, screen.draw)
        assertScreen(b, [
            " 1 Scan  [2 History]  3 Sync",
            "┏ Inspections (3/1000000) ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
            "┃        # Place                                                 Verdict       ┃",
            "┃        1 Maputo market                                         ✓ genuine     ┃",
            "┃        2 東京都 kiosk                                          ? suspect     ┃",
            "┃▶       3 Beira 🚬 stall                                        ✗ counterfeit ┃",
            "┃        4 Nampula                                               ✓ genuine     ┃",
            "┃        5 Quelimane                                             ? suspect     ┃",
            "┃        6 Maputo market                                         ✗ counterfeit ┃",
            "┃        7 東京都 kiosk                                          ✓ genuine     ┃",
            "┃        8 Beira 🚬 stall                                        ? suspect     ┃",
            "┃        9 Nampula                                               ✗ counterfeit ┃",
            "┃       10 Quelimane                                             ✓ genuine     ┃",
            "┃       11 Maputo market                                         ? suspect     ┃",
            "┃       12 東京都 kiosk                                          ✗ counterfeit ┃",
            "┃       13 Beira 🚬 stall                                        ✓ genuine     ┃",
            "┃       14 Nampula                                               ? suspect     ┃",
            "┃       15 Quelimane                                             ✗ counterfeit ┃",
            "┃       16 Maputo market                                         ✓ genuine     ┃",
            "┃       17 東京都 kiosk                                          ? suspect     ┃",
            "┃       18 Beira 🚬 stall                                        ✗ counterfeit ┃",
            "┃       19 Nampula                                               ✓ genuine    ▼┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " offline  ? Help  / Search  q Quit                                  data 2 h old",
        ])
    }

    func testConsoleAt132x43() {
        let screen = SampleScreen(appearance: unicodeLook)
        let b = render(width: 132, height: 43, screen.draw)
        assertScreen(b, [
            " 1 Scan  [2 History]  3 Sync",
            "┏ Inspections (3/1000000) ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓┌ Stamp TS1:MZ1 ───────────────────────────┐",
            "┃        # Place                                                         Verdict       ┃│● 2026-06-01 08:00  Manufactured          │",
            "┃        1 Maputo market                                                 ✓ genuine     ┃││                   Factory F1, machine M1│",
            "┃        2 東京都 kiosk                                                  ? suspect     ┃│● 2026-06-03 14:20  Shipped to Maputo     │",
            "┃▶       3 Beira 🚬 stall                                                ✗ counterfeit ┃││                                         │",
            "┃        4 Nampula                                                       ✓ genuine     ┃│● 2026-06-09 10:05  Seen: 東京都 kiosk    │",
            "┃        5 Quelimane                                                     ? suspect     ┃│                                          │",
            "┃        6 Maputo market                                                 ✗ counterfeit ┃│                                          │",
            "┃        7 東京都 kiosk                                                  ✓ genuine     ┃│                                          │",
            "┃        8 Beira 🚬 stall                                                ? suspect     ┃│                                          │",
            "┃        9 Nampula                                                       ✗ counterfeit ┃│                                          │",
            "┃       10 Quelimane                                                     ✓ genuine     ┃│                                          │",
            "┃       11 Maputo market                                                 ? suspect     ┃│                                          │",
            "┃       12 東京都 kiosk                                                  ✗ counterfeit ┃│                                          │",
            "┃       13 Beira 🚬 stall                                                ✓ genuine     ┃│                                          │",
            "┃       14 Nampula                                                       ? suspect     ┃│                                          │",
            "┃       15 Quelimane                                                     ✗ counterfeit ┃│                                          │",
            "┃       16 Maputo market                                                 ✓ genuine     ┃│                                          │",
            "┃       17 東京都 kiosk                                                  ? suspect     ┃│                                          │",
            "┃       18 Beira 🚬 stall                                                ✗ counterfeit ┃│                                          │",
            "┃       19 Nampula                                                       ✓ genuine     ┃│                                          │",
            "┃       20 Quelimane                                                     ? suspect     ┃│                                          │",
            "┃       21 Maputo market                                                 ✗ counterfeit ┃│                                          │",
            "┃       22 東京都 kiosk                                                  ✓ genuine     ┃│                                          │",
            "┃       23 Beira 🚬 stall                                                ? suspect     ┃│                                          │",
            "┃       24 Nampula                                                       ✗ counterfeit ┃│                                          │",
            "┃       25 Quelimane                                                     ✓ genuine     ┃│                                          │",
            "┃       26 Maputo market                                                 ? suspect     ┃│                                          │",
            "┃       27 東京都 kiosk                                                  ✗ counterfeit ┃│                                          │",
            "┃       28 Beira 🚬 stall                                                ✓ genuine     ┃│                                          │",
            "┃       29 Nampula                                                       ? suspect     ┃│                                          │",
            "┃       30 Quelimane                                                     ✗ counterfeit ┃│                                          │",
            "┃       31 Maputo market                                                 ✓ genuine     ┃│                                          │",
            "┃       32 東京都 kiosk                                                  ? suspect     ┃│                                          │",
            "┃       33 Beira 🚬 stall                                                ✗ counterfeit ┃│████████████████▉░░░░░░░░░░░░░░░ sync  53%│",
            "┃       34 Nampula                                                       ✓ genuine     ┃│▂▃▆▄▃▇▆▅█▃                                │",
            "┃       35 Quelimane                                                     ? suspect     ┃│genuine ████████████████████████████ 1,204│",
            "┃       36 Maputo market                                                 ✗ counterfeit ┃│suspect ▉                               37│",
            "┃       37 東京都 kiosk                                                  ✓ genuine     ┃│fake    ▎                               12│",
            "┃       38 Beira 🚬 stall                                                ? suspect    ▼┃│                                          │",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛└──────────────────────────────────────────┘",
            " offline  ? Help  / Search  q Quit                                                                                      data 2 h old",
        ])
    }

    func testConsoleInMonochromeASCII() {
        let mono = Appearance(theme: Theme.default.adapted(to: .monochrome), glyphs: .ascii)
        let screen = SampleScreen(appearance: mono)
        let b = render(width: 80, height: 24, screen.draw)
        assertScreen(b, [
            " 1 Scan  [2 History]  3 Sync",
            "# Inspections (3/1000000) =====================================================#",
            "#        # Place                                                 Verdict       #",
            "#        1 Maputo market                                         ✓ genuine     #",
            "#        2 東京都 kiosk                                          ? suspect     #",
            "#>       3 Beira 🚬 stall                                        ✗ counterfeit #",
            "#        4 Nampula                                               ✓ genuine     #",
            "#        5 Quelimane                                             ? suspect     #",
            "#        6 Maputo market                                         ✗ counterfeit #",
            "#        7 東京都 kiosk                                          ✓ genuine     #",
            "#        8 Beira 🚬 stall                                        ? suspect     #",
            "#        9 Nampula                                               ✗ counterfeit #",
            "#       10 Quelimane                                             ✓ genuine     #",
            "#       11 Maputo market                                         ? suspect     #",
            "#       12 東京都 kiosk                                          ✗ counterfeit #",
            "#       13 Beira 🚬 stall                                        ✓ genuine     #",
            "#       14 Nampula                                               ? suspect     #",
            "#       15 Quelimane                                             ✗ counterfeit #",
            "#       16 Maputo market                                         ✓ genuine     #",
            "#       17 東京都 kiosk                                          ? suspect     #",
            "#       18 Beira 🚬 stall                                        ✗ counterfeit #",
            "#       19 Nampula                                               ✓ genuine    v#",
            "#==============================================================================#",
            " offline  ? Help  / Search  q Quit                                  data 2 h old",
        ])
        // Without colour, what stands out still stands out: reverse for the selection, the status bar
        // and the active tab; bold for titles.
        XCTAssertTrue(b[10, 5].style.attributes.contains(.reverse), "selected row")
        XCTAssertFalse(b[10, 4].style.attributes.contains(.reverse), "other rows")
        XCTAssertTrue(b[30, 23].style.attributes.contains(.reverse), "status bar")
        XCTAssertTrue(b[10, 0].style.attributes.contains(.reverse), "active tab")
        XCTAssertTrue(b[3, 1].style.attributes.contains(.bold), "panel title")
        for y in 0..<24 { for x in 0..<80 { XCTAssertNil(b[x, y].style.fg); XCTAssertNil(b[x, y].style.bg) } }
    }

    func testHelpOverlayAt80x24() {
        var screen = SampleScreen(appearance: unicodeLook)
        screen.showHelp = true
        let b = render(width: 80, height: 24, screen.draw)
        assertScreen(b, [
            " 1 Scan  [2 History]  3 Sync",
            "┏ Inspections (3/1000000) ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
            "┃        # Place                                                 Verdict       ┃",
            "┃        1 Maputo market                                         ✓ genuine     ┃",
            "┏ Keys ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
            "┃ Navigation                             Actions                               ┃",
            "┃ Up, k         Move up                  Enter         Open or confirm         ┃",
            "┃ Down, j       Move down                Esc           Back or cancel          ┃",
            "┃ Left, h       Move left                /             Search                  ┃",
            "┃ Right, l      Move right                                                     ┃",
            "┃ PgUp, Ctrl-B  Page up                  General                               ┃",
            "┃ PgDn, Ctrl-F  Page down                ?, F1         Show or hide this help  ┃",
            "┃ Home, g       First row                Ctrl-L        Redraw the screen       ┃",
            "┃ End, G        Last row                 q, Ctrl-C     Quit                    ┃",
            "┃ Tab           Next field or panel                                            ┃",
            "┃ Shift-Tab     Previous field or panel                                        ┃",
            "┃ ]             Next tab                                                       ┃",
            "┃ [             Previous tab                                                   ┃",
            "┃ ? or F1 or Esc closes                                                        ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            "┃       18 Beira 🚬 stall                                        ✗ counterfeit ┃",
            "┃       19 Nampula                                               ✓ genuine    ▼┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " offline  ? Help  / Search  q Quit                                  data 2 h old",
        ])
    }

    func testModalAt80x24() {
        var screen = SampleScreen(appearance: asciiLook)
        screen.modal = ModalState(title: "Record seizure?", message: "12 packs of Brand X with counterfeit stamps will be recorded as seized at Maputo market.",
                                  buttons: ["Record", "Cancel"])
        let b = render(width: 80, height: 24, screen.draw)
        assertScreen(b, [
            " 1 Scan  [2 History]  3 Sync",
            "# Inspections (3/1000000) =====================================================#",
            "#        # Place                                                 Verdict       #",
            "#        1 Maputo market                                         ✓ genuine     #",
            "#        2 東京都 kiosk                                          ? suspect     #",
            "#>       3 Beira 🚬 stall                                        ✗ counterfeit #",
            "#        4 Nampula                                               ✓ genuine     #",
            "#        5 Quelimane                                             ? suspect     #",
            "#       # Record seizure? =============================================#erfeit #",
            "#       #                                                              #ne     #",
            "#       # 12 packs of Brand X with counterfeit stamps will be recorded #ct     #",
            "#       # as seized at Maputo market.                                  #erfeit #",
            "#       #                                                              #ne     #",
            "#       #                    [ Record ]    Cancel                      #ct     #",
            "#       #                                                              #erfeit #",
            "#       #==============================================================#ne     #",
            "#       14 Nampula                                               ? suspect     #",
            "#       15 Quelimane                                             ✗ counterfeit #",
            "#       16 Maputo market                                         ✓ genuine     #",
            "#       17 東京都 kiosk                                          ? suspect     #",
            "#       18 Beira 🚬 stall                                        ✗ counterfeit #",
            "#       19 Nampula                                               ✓ genuine    v#",
            "#==============================================================================#",
            " offline  ? Help  / Search  q Quit                                  data 2 h old",
        ])
    }
}
