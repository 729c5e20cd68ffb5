import TerminalUI
import XCTest

final class ColorDetectionTests: XCTestCase {
    func testDecisionTable() {
        let rows: [(env: [String: String], colors: Int, expected: ColorDepth, why: String)] = [
            (["TERM": "xterm-256color", "COLORTERM": "truecolor"], 256, .truecolor, "COLORTERM=truecolor"),
            (["TERM": "xterm-256color", "COLORTERM": "24bit"], 256, .truecolor, "COLORTERM=24bit"),
            (["TERM": "xterm-256color", "COLORTERM": "TrueColor"], 256, .truecolor, "case-insensitive"),
            (["TERM": "xterm-256color"], 256, .indexed256, "terminfo 256"),
            (["TERM": "xterm-direct"], 16_777_216, .indexed256, "terminfo alone never promotes to truecolor"),
            (["TERM": "xterm-256color", "COLORTERM": "yes"], 256, .indexed256, "other COLORTERM values mean nothing"),
            (["TERM": "xterm"], 8, .ansi8, "terminfo 8"),
            (["TERM": "xterm-16color"], 16, .ansi16, "terminfo 16"),
            (["TERM": "linux"], 8, .ansi8, "Linux console"),
            (["TERM": "vt100"], 0, .monochrome, "no colours"),
            (["TERM": "vt100", "COLORTERM": "truecolor"], 0, .monochrome, "COLORTERM does not give colour to a monochrome terminal"),
            (["TERM": "dumb"], 8, .monochrome, "TERM=dumb"),
            (["TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"], 256, .monochrome, "NO_COLOR wins"),
            (["TERM": "xterm-256color", "NO_COLOR": ""], 256, .indexed256, "empty NO_COLOR is ignored"),
            ([:], 0, .monochrome, "nothing known"),
        ]
        for row in rows {
            XCTAssertEqual(TerminalEnvironment.colorDepth(environment: row.env, terminfoColors: row.colors), row.expected, row.why)
        }
    }

    func testUTF8LocaleDetectionFollowsPOSIXPrecedence() {
        XCTAssertTrue(TerminalEnvironment.isUTF8(["LANG": "en_US.UTF-8"]))
        XCTAssertTrue(TerminalEnvironment.isUTF8(["LC_CTYPE": "pt_MZ.utf8", "LANG": "C"]))
        XCTAssertFalse(TerminalEnvironment.isUTF8(["LC_ALL": "C", "LANG": "en_US.UTF-8"]))
        XCTAssertFalse(TerminalEnvironment.isUTF8(["LANG": "C"]))
        XCTAssertFalse(TerminalEnvironment.isUTF8([:]))
        XCTAssertTrue(TerminalEnvironment.isUTF8(["LC_ALL": "", "LANG": "C.UTF-8"]))
        XCTAssertEqual(Glyphs.forEnvironment(["LANG": "C"]), .ascii)
        XCTAssertEqual(Glyphs.forEnvironment(["LANG": "C.UTF-8"]), .unicode)
    }
}

final class ColorMappingTests: XCTestCase {
    func testTruecolorIsKeptOnlyOnTruecolorTerminals() {
        let c = Color.rgb(0x2e, 0x7d, 0x32)
        XCTAssertEqual(c.mapped(to: .truecolor), c)
        XCTAssertEqual(c.mapped(to: .indexed256), .indexed(29))     // #00875f: still green, though a grey is nearer by plain distance
        XCTAssertEqual(c.mapped(to: .ansi16), .indexed(2))          // green
        XCTAssertEqual(c.mapped(to: .ansi8), .indexed(2))
        XCTAssertNil(c.mapped(to: .monochrome))
    }

    func testGreysMapToTheGreyRampAndThenToBlackOrWhite() {
        XCTAssertEqual(Color.rgb(0x30, 0x30, 0x30).mapped(to: .indexed256), .indexed(236))
        XCTAssertEqual(Color.indexed(236).mapped(to: .ansi16), .indexed(0))
        XCTAssertEqual(Color.indexed(252).mapped(to: .ansi16), .indexed(7))
        XCTAssertEqual(Color.rgb(255, 255, 255).mapped(to: .indexed256), .indexed(231))
    }

    func testBrightColoursLoseBrightnessOnEightColourTerminals() {
        XCTAssertEqual(Color.brightRed.mapped(to: .ansi16), .brightRed)
        XCTAssertEqual(Color.brightRed.mapped(to: .ansi8), .red)
        XCTAssertEqual(Color.indexed(196).mapped(to: .ansi16), .brightRed)
        XCTAssertEqual(Color.indexed(196).mapped(to: .ansi8), .red)
    }

    func testMappingIsDeterministicAndGoesThroughTheChain() {
        // truecolor → 256 → 16 gives the same as mapping straight to 16.
        for r in stride(from: 0, through: 255, by: 51) {
            for g in stride(from: 0, through: 255, by: 51) {
                for b in stride(from: 0, through: 255, by: 51) {
                    let c = Color.rgb(UInt8(r), UInt8(g), UInt8(b))
                    XCTAssertEqual(c.mapped(to: .ansi16), c.mapped(to: .indexed256)?.mapped(to: .ansi16))
                    XCTAssertEqual(c.mapped(to: .indexed256), c.mapped(to: .indexed256))
                }
            }
        }
    }

    func testThemeColoursKeepTheirHueAtSixteenColours() {
        XCTAssertEqual(Color.rgb(0xef, 0x53, 0x50).mapped(to: .ansi16), .indexed(9))   // error red → bright red
        XCTAssertEqual(Color.rgb(0xff, 0xb7, 0x4d).mapped(to: .ansi16), .indexed(3))   // amber → yellow
        XCTAssertEqual(Color.rgb(0x57, 0x60, 0x6a).mapped(to: .ansi16), .indexed(8))   // slate grey → grey
        XCTAssertEqual(Color.rgb(0x1f, 0x23, 0x28).mapped(to: .ansi16), .indexed(0))   // near black → black
        XCTAssertEqual(Color.rgb(0xff, 0xff, 0xff).mapped(to: .ansi16), .indexed(15))
    }

    func testMonochromeKeepsBoldAndReverse() {
        let s = Style(fg: .red, bg: .blue, attributes: [.bold, .reverse])
        XCTAssertEqual(s.adapted(to: .monochrome), Style(attributes: [.bold, .reverse]))
    }
}
