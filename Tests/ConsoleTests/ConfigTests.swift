import Console
import TerminalUI
import XCTest

/// The config file: strict parsing with located errors, key remapping into the live key map and help,
/// and theme resolution with its fallback.
final class ConfigTests: XCTestCase {
    func testAFullConfigParses() throws {
        let text = """
        # Stampwatch console settings
        [console]
        theme = sunlight   # bright sun
        mouse = on
        ascii = off

        [inspection]
        officer = OFF-0042
        place = Ressano Garcia, gate#3
        market = MZ

        [keys]
        mark-fail = x
        quit = ctrl-q
        """
        let config = try ConsoleConfig.parse(text, source: "config").get()
        XCTAssertEqual(config.theme, "sunlight")
        XCTAssertEqual(config.themeLine, 3)
        XCTAssertTrue(config.mouse)
        XCTAssertFalse(config.ascii)
        XCTAssertEqual(config.officerID, "OFF-0042")
        XCTAssertEqual(config.place, "Ressano Garcia, gate#3")
        XCTAssertEqual(config.market, "MZ")
        let keys = config.keyMap
        XCTAssertEqual(keys.action(for: .char("x")), ConsoleKeys.markFail)
        XCTAssertNil(keys.action(for: .char("f")), "remapping takes the old key away")
        XCTAssertEqual(keys.action(for: .ctrl("q")), .quit)
        XCTAssertNil(keys.action(for: .char("q")))
    }

    func testEveryMistakeIsReportedWithItsLine() {
        let text = """
        theme = light
        [console]
        mouse = maybe
        colour = red
        [inspection]
        market = mozambique
        officer =
        [display]
        [keys]
        mark-fial = x
        quit = ctrl-banana
        [console]
        mouse = off
        """
        guard case .failure(let errors) = ConsoleConfig.parse(text, source: "/home/o/.config/stampwatch/config") else {
            return XCTFail("a config with mistakes must not parse")
        }
        let lines = errors.errors.map(\.line)
        XCTAssertEqual(lines, [1, 3, 4, 6, 7, 8, 10, 11, 13], errors.description)
        let text1 = errors.description
        XCTAssertTrue(text1.contains("/home/o/.config/stampwatch/config:1: `theme` is outside a section"), text1)
        XCTAssertTrue(text1.contains(":3: `mouse` is on or off"), text1)
        XCTAssertTrue(text1.contains(":4: unknown key `colour` in [console]: use theme, mouse, ascii"), text1)
        XCTAssertTrue(text1.contains(":6: `market` is an ISO 3166 code"), text1)
        XCTAssertTrue(text1.contains(":8: unknown section `[display]`"), text1)
        XCTAssertTrue(text1.contains(":10: unknown action `mark-fial` (did you mean `mark-fail`?)"), text1)
        XCTAssertTrue(text1.contains(":11: unknown key `ctrl-banana`"), text1)
        XCTAssertTrue(text1.contains(":13: `mouse` is already set on line 3"), text1)
    }

    func testAnEmptyFileIsTheDefaults() throws {
        let config = try ConsoleConfig.parse("\n# nothing\n").get()
        XCTAssertNil(config.theme)
        XCTAssertFalse(config.mouse)
        XCTAssertEqual(config.keyMap, ConsoleKeys.standard)
    }

    func testRemappedKeysDriveTheConsoleAndItsHelp() throws {
        let config = try ConsoleConfig.parse("[keys]\nmark-fail = x\nhelp = f1\n").get()
        let recorder = Recorder()
        // 132 wide: at 80 the status bar keeps the cache and the link, and drops hints first.
        let d = makeDriver(recorder, size: Size(width: 132, height: 43), keyMap: config.keyMap)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.type("x")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.shownEntry?.checklist?.marks.first, .fail)
        XCTAssertTrue(d.lines[42].contains("x Fail"), "the status bar hints follow the key map: \(d.lines[42])")
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("x  ") && d.lines.containsLine("Checklist: mark the feature failed"), d.lines.screen)
        XCTAssertFalse(d.lines.contains { $0.contains("?, F1") }, "`?` is no longer help")
    }

    // MARK: Themes

    func testABuiltinThemeByName() {
        let r = ThemeResolver.resolve("high-contrast", directories: ["/nowhere"]) { _ in nil }
        XCTAssertEqual(r.theme, .highContrast)
        XCTAssertTrue(r.problems.isEmpty)
    }

    func testAThemeFileInTheConfigDirectoryWinsOverTheBuiltin() {
        let text = "name = mine\nstatus.bg = 22\n"
        let r = ThemeResolver.resolve("mine", directories: ["/cfg/themes"]) { $0 == "/cfg/themes/mine.theme" ? text : nil }
        XCTAssertEqual(r.theme.name, "mine")
        XCTAssertEqual(r.theme[.status].bg, .indexed(22))
        XCTAssertTrue(r.problems.isEmpty)
    }

    func testABrokenThemeFallsBackToTheDefaultNamingTheLine() {
        let text = "name = broken\nstatus.bg = 22\nverdict.genuine.fg = #12345\n"
        let r = ThemeResolver.resolve("/tmp/broken.theme", directories: []) { $0 == "/tmp/broken.theme" ? text : nil }
        XCTAssertEqual(r.theme, .default)
        XCTAssertEqual(r.problems.count, 1)
        XCTAssertTrue(r.problems[0].contains("/tmp/broken.theme:3:"), r.problems[0])
        XCTAssertTrue(r.problems[0].contains("using the default theme"), r.problems[0])
    }

    func testAnUnknownThemeSaysWhichExist() {
        let r = ThemeResolver.resolve("sunset", directories: ["/cfg/themes"]) { _ in nil }
        XCTAssertEqual(r.theme, .default)
        XCTAssertTrue(r.problems[0].contains("unknown theme `sunset`"), r.problems[0])
        XCTAssertTrue(r.problems[0].contains("default, high-contrast, light, sunlight"), r.problems[0])
    }

    func testAThemeProblemIsOnTheStatusLineAtStart() throws {
        let model = ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), status: "theme /tmp/x.theme:3: bad; using the default theme")
        let d = ProgramDriver(program: ConsoleProgram(environment: makeEnvironment(Recorder())), model: model, colorDepth: .monochrome)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines[23].contains("theme /tmp/x.theme:3:"), d.lines[23])
    }
}
