import Console
import StampCodes
import StampCrypto
import TerminalUI
import XCTest

/// Whole screens at 80×24 and 132×43 on a monochrome terminal, compared line by line.
final class ScreenSnapshotTests: XCTestCase {
    private func assertScreen(_ actual: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        if let report = ScreenSnapshot.difference(expected: expected, actual: actual) { XCTFail(report, file: file, line: line) }
    }

    /// The screen with what changes from run to run (fresh keys, random IVs) masked.
    private func masked(_ lines: [String]) -> [String] {
        let kid = signingKeyID(Fixtures.signingKey.publicKey).map { b in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
        return lines.map { line in
            var l = line.replacingOccurrences(of: kid, with: "<kid>")
            if let r = l.range(of: "code TS1:"), let end = l[r.upperBound...].firstIndex(of: "│") {
                l.replaceSubrange(r.lowerBound..<end, with: "code <code> ")
            }
            return l
        }
    }

    func testReadyScreenAt80x24() throws {
        let d = makeDriver(Recorder())
        try d.waitUntilIdle()
        assertScreen(d.lines, Self.ready80)
        XCTAssertEqual(d.backend.cursor, Position(x: 1, y: 2), "the cursor waits in the input")
    }

    func testFirstStartWithoutACacheAt80x24() throws {
        let d = makeDriver(Recorder(), keyring: .empty, cache: nil)
        try d.waitUntilIdle()
        assertScreen(d.lines, Self.noCache80)
    }

    func testWideTerminalPutsTheResultBesideTheSessionList() throws {
        let d = makeDriver(Recorder(), size: Size(width: 132, height: 43))
        try d.waitUntilIdle()
        assertScreen(d.lines, Self.ready132)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        assertScreen(masked(d.lines), Self.genuine132)
    }

    func testMonochromeVerdictRestsOnWordsAndAttributesNotColour() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        let screen = d.backend.screen
        let y = try XCTUnwrap(d.lines.firstIndex { $0.contains("G E N U I N E") })
        for x in 0..<screen.width {
            XCTAssertNil(screen[x, y].style.fg)
            XCTAssertNil(screen[x, y].style.bg)
        }
        XCTAssertTrue(screen[4, y].style.attributes.contains(.bold), "the verdict word is bold")
    }

    func testResizeFrom80To132MovesTheSessionListBesideTheResult() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines.contains { $0.contains("G E N U I N E") && $0.contains("▶") })
        d.resize(to: Size(width: 132, height: 43))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.contains { $0.contains("G E N U I N E") && $0.contains("▶ 12:00:00 ✔ GENUINE") }, d.lines.screen)
    }

    func testTooSmallTerminalSaysSo() throws {
        let d = makeDriver(Recorder(), size: Size(width: 30, height: 8))
        try d.waitUntilIdle()
        let text = d.lines.joined(separator: " ")
        XCTAssertTrue(text.contains("needs at least") && text.contains("40×12"), d.lines.screen)
    }

    static let ready80: [String] = [
        " STAMPWATCH · scan a tax stamp",
        "┏ Stamp code or UID, then Enter ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃Scan a stamp, or type TS1:… or a UID                                          ┃",
        "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
        "",
        "┌ Result ──────────────────────────────────────────────────────────────────────┐",
        "│ Ready. Scan a stamp: the scanner types the code and presses Enter.           │",
        "│ Or type a code (TS1:…) by hand and press Enter.                              │",
        "│ Using cache v3 fresh 2h.                                                     │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "└──────────────────────────────────────────────────────────────────────────────┘",
        "┌ Session: 0 inspections ──────────────────────────────────────────────────────┐",
        "│ No inspections yet.                                                          │",
        "│                                                                              │",
        "│                                                                              │",
        "└──────────────────────────────────────────────────────────────────────────────┘",
        "  Enter Verify  ? Help  q Quit                  cache v3 fresh 2h · 0 to upload",
    ]

    static let noCache80: [String] = [
        " STAMPWATCH · scan a tax stamp",
        "┏ Stamp code or UID, then Enter ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃Scan a stamp, or type TS1:… or a UID                                          ┃",
        "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
        "",
        "┌ Result ──────────────────────────────────────────────────────────────────────┐",
        "│ No offline cache on this device yet.                                         │",
        "│ Codes still get answers, but without keys they are ? UNVERIFIABLE. Load the  │",
        "│ signed cache with:                                                           │",
        "│ stampwatch cache update --from URL|DIR --root ROOT.json                      │",
        "│ or try the bundled demo: make run                                            │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "│                                                                              │",
        "└──────────────────────────────────────────────────────────────────────────────┘",
        "┌ Session: 0 inspections ──────────────────────────────────────────────────────┐",
        "│ No inspections yet.                                                          │",
        "│                                                                              │",
        "│                                                                              │",
        "└──────────────────────────────────────────────────────────────────────────────┘",
        "  Enter Verify  ? Help  q Quit                           no cache · 0 to upload",
    ]

    static let ready132: [String] = [
        " STAMPWATCH · scan a tax stamp",
        "┏ Stamp code or UID, then Enter ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃Scan a stamp, or type TS1:… or a UID                                                                                              ┃",
        "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
        "",
        "┌ Result ─────────────────────────────────────────────────────────────────────┐ ┌ Session: 0 inspections ──────────────────────────┐",
        "│ Ready. Scan a stamp: the scanner types the code and presses Enter.          │ │ No inspections yet.                              │",
        "│ Or type a code (TS1:…) by hand and press Enter.                             │ │                                                  │",
        "│ Using cache v3 fresh 2h.                                                    │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "└─────────────────────────────────────────────────────────────────────────────┘ └──────────────────────────────────────────────────┘",
        "  Enter Verify  ? Help  q Quit                                                                      cache v3 fresh 2h · 0 to upload",
    ]

    static let genuine132: [String] = [
        " STAMPWATCH · scan a tax stamp",
        "┏ Stamp code or UID, then Enter ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃Scan a stamp, or type TS1:… or a UID                                                                                              ┃",
        "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
        "",
        "┌ Result ─────────────────────────────────────────────────────────────────────┐ ┌ Session: 1 inspection ───────────────────────────┐",
        "│ ✔  G E N U I N E                                                            │ │▶ 12:00:00 ✔ GENUINE     MZ0000000000001          │",
        "│ • Signature verified under key <kid> (Test issuer), payload      │ │                                                  │",
        "│   decrypted, and no rule raised a concern.                                  │ │                                                  │",
        "│ uid          MZ0000000000001          product      06001234500017           │ │                                                  │",
        "│ facility     FAC-MPT-01               machine      M07                      │ │                                                  │",
        "│ manufactured 2026-06-01T08:00:00Z     shift        B                        │ │                                                  │",
        "│ market       MZ-MPM                   series       MZ-2026-A                │ │                                                  │",
        "│ operator     EO-MZ-0042                                                     │ │                                                  │",
        "│ code <code> │ │                                                  │",
        "│ 12:00:00 · cache v3 fresh 2h · recorded                                     │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "│                                                                             │ │                                                  │",
        "└─────────────────────────────────────────────────────────────────────────────┘ └──────────────────────────────────────────────────┘",
        " GENUINE recorded  Enter Verify  ? Help  q Quit                                                     cache v3 fresh 2h · 1 to upload",
    ]
}
