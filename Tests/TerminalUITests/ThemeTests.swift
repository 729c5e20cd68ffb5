import Foundation
import TerminalUI
import XCTest

final class ThemeParserTests: XCTestCase {
    func testParsesColoursAttributesAndComments() throws {
        let text = """
        # a comment
        name = field
        verdict.genuine.fg = #2e7d32   # trailing comment
        status.bg = 236
        status.fg = bright-white
        style.selected = reverse bold
        error.fg = #f00
        base.fg = default
        """
        let theme = try Theme.parse(text).get()
        XCTAssertEqual(theme.name, "field")
        XCTAssertEqual(theme[.verdictGenuine].fg, .rgb(0x2e, 0x7d, 0x32))
        XCTAssertEqual(theme[.status], Style(fg: .brightWhite, bg: .indexed(236)))
        XCTAssertEqual(theme[.selected].attributes, [.reverse, .bold])
        XCTAssertEqual(theme[.error].fg, .rgb(255, 0, 0))
        XCTAssertNil(theme[.base].fg)
        XCTAssertEqual(theme.definedSlots, [.verdictGenuine, .status, .selected, .error, .base])
        XCTAssertEqual(theme[.title], Theme.default[.title], "slots left out come from the default theme")
    }

    func testErrorsNameTheFileLineAndFix() {
        let text = """
        name = broken
        status.bg = 300
        stauts.fg = red
        verdict.genuine.fg = #2e7d3
        style.selected = blink
        title.fg = purplish
        title.colour = red
        just words
        base.fg = red
        base.fg = blue
        """
        guard case .failure(let e) = Theme.parse(text, source: "field.theme") else { return XCTFail("should not parse") }
        XCTAssertEqual(e.errors.map(\.line), [2, 3, 4, 5, 6, 7, 8, 10])
        let d = e.errors.map(\.description)
        XCTAssertEqual(d[0], "field.theme:2: palette colour 300 is out of range: use 0 to 255")
        XCTAssertEqual(d[1], "field.theme:3: unknown slot `stauts` (did you mean `status`?)")
        XCTAssertTrue(d[2].hasPrefix("field.theme:4: `#2e7d3` is not a colour"), d[2])
        XCTAssertTrue(d[3].contains("unknown attribute `blink`"), d[3])
        XCTAssertTrue(d[4].contains("unknown colour `purplish`"), d[4])
        XCTAssertTrue(d[5].contains("unknown key `title.colour`"), d[5])
        XCTAssertTrue(d[6].contains("expected `key = value`"), d[6])
        XCTAssertEqual(d[7], "field.theme:10: `base.fg` is already set on line 9; keep one of them")
    }

    func testLoadFallsBackToTheDefaultThemeAndKeepsTheErrors() {
        let (theme, errors) = Theme.load("status.bg = nope\n", source: "mine.theme")
        XCTAssertEqual(theme, .default)
        XCTAssertEqual(errors.first?.line, 1)
        XCTAssertEqual(Theme.load("status.bg = 1\n").errors, [])
    }

    func testAppsCanAddTheirOwnSlots() throws {
        let slots = Set(ThemeSlot.standard).union(["seizure.badge"])
        let theme = try Theme.parse("seizure.badge.fg = red\n", knownSlots: slots).get()
        XCTAssertEqual(theme["seizure.badge"].fg, .red)
    }

    func testMonochromeTurnsBackgroundBandsIntoReverseVideo() {
        let mono = Theme.default.adapted(to: .monochrome)
        XCTAssertTrue(mono[.status].attributes.contains(.reverse), "the status bar stands out without colour")
        XCTAssertTrue(mono[.selected].attributes.contains(.reverse))
        XCTAssertTrue(mono[.error].attributes.contains(.bold))
        XCTAssertFalse(mono[.base].attributes.contains(.reverse))
        for slot in ThemeSlot.standard {
            XCTAssertNil(mono[slot].fg, "\(slot)")
            XCTAssertNil(mono[slot].bg, "\(slot)")
        }
    }
}

final class BuiltinThemeTests: XCTestCase {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Themes")

    static let files: [(file: String, builtin: Theme)] = [
        ("default.theme", .default), ("light.theme", .light), ("high-contrast.theme", .highContrast), ("sunlight.theme", .sunlight),
    ]

    func testEveryThemeFileParsesAndDefinesEverySlotTheWidgetsUse() throws {
        for (file, _) in Self.files {
            let text = try String(contentsOf: Self.themesFolder.appendingPathComponent(file), encoding: .utf8)
            switch Theme.parse(text, source: file) {
            case .failure(let e): XCTFail("\(e)")
            case .success(let theme):
                XCTAssertEqual(theme.missingSlots, [], "\(file) must define every standard slot itself")
            }
        }
    }

    func testThemeFilesMatchTheThemesBuiltIntoTheBinary() throws {
        for (file, builtin) in Self.files {
            let text = try String(contentsOf: Self.themesFolder.appendingPathComponent(file), encoding: .utf8)
            let parsed = try Theme.parse(text, source: file).get()
            XCTAssertEqual(parsed, builtin, "Themes/\(file) and BuiltinThemeSources differ: copy one onto the other")
        }
        XCTAssertEqual(Set(Theme.builtins.keys), ["default", "light", "high-contrast", "sunlight"])
    }

    func testMeaningfulSlotsCarryAnAttributeSoTheySurviveMonochrome() {
        let meaningful: [ThemeSlot] = [.selected, .error, .warning, .title, .tabActive, .buttonFocus, .helpKey,
                                       .verdictGenuine, .verdictSuspect, .verdictUnverifiable, .verdictCounterfeit, .verdictMalformed]
        for (file, theme) in Self.files {
            for slot in meaningful {
                XCTAssertFalse(theme[slot].attributes.isEmpty, "\(file): \(slot) has only colour")
            }
        }
    }

    func testVerdictsAreDistinctFromEachOtherInEveryTheme() {
        let verdicts: [ThemeSlot] = [.verdictGenuine, .verdictSuspect, .verdictUnverifiable, .verdictCounterfeit, .verdictMalformed]
        for (file, theme) in Self.files {
            XCTAssertEqual(Set(verdicts.map { theme[$0] }).count, verdicts.count, file)
        }
    }
}
