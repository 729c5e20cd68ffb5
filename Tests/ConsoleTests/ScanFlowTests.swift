import Console
import StampCodes
import TerminalUI
import XCTest

/// Scripted flows through the real runtime on an in-memory terminal: keys in, screen out.
final class ScanFlowTests: XCTestCase {
    func testScannedGenuineCodeIsShownWithItsFieldsAndRecordedOnce() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        try d.waitUntilIdle()
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        let lines = d.lines
        XCTAssertTrue(lines.containsLine("✔  G E N U I N E"), lines.screen)
        XCTAssertTrue(lines.containsLine("uid          MZ0000000000001"), lines.screen)
        XCTAssertTrue(lines.containsLine("manufactured 2026-06-01T08:00:00Z"), lines.screen)
        XCTAssertTrue(lines.containsLine("operator     EO-MZ-0042"), lines.screen)
        XCTAssertTrue(lines.containsLine("12:00:00 · cache v3 fresh 2h · recorded"), lines.screen)
        XCTAssertTrue(lines.containsLine("12:00:00 ✔ GENUINE      MZ0000000000001"), lines.screen)
        XCTAssertTrue(lines[23].contains("GENUINE recorded") && lines[23].hasSuffix("cache v3 fresh 2h · 1 waiting · sync off "), lines[23])

        XCTAssertEqual(recorder.drafts.count, 1)
        let draft = try XCTUnwrap(recorder.drafts.first)
        XCTAssertEqual(draft.code, Fixtures.genuine)
        XCTAssertEqual(draft.verdict, .genuine)
        XCTAssertEqual(draft.reasons.map(\.code), ["verified"])
        XCTAssertEqual(draft.place, "Ressano Garcia")
        XCTAssertEqual(draft.officerID, "OFF-7")
        XCTAssertEqual(draft.cacheVersion, 3)
        XCTAssertEqual(draft.cacheAgeSeconds, 7200)
        XCTAssertEqual(draft.createdAt, Fixtures.now)
        XCTAssertTrue(d.model.input.isEmpty, "the input is ready for the next scan")
    }

    func testMalformedCodeIsMalformedAndStillRecorded() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type("TS1:ABC\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("✘  M A L F O R M E D"), d.lines.screen)
        XCTAssertEqual(recorder.drafts.map(\.verdict), [.malformed])
    }

    func testLowerCaseCharacterGetsAnInlineMessageAndIsKept() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type("TS1:AB")
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines[4].contains("✗"), "no message while the code is fine")
        d.type("c")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines[4].contains("✗ Character 7 \"c\" is not in a stamp code"), d.lines.screen)
        XCTAssertEqual(d.model.input.text, "TS1:ABc", "a scanner's characters are never dropped")
        XCTAssertFalse(d.lines.containsLine("Keys"), "an inline message, not a modal")
        d.press(.backspace)
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines[4].contains("✗"), d.lines[4])
        XCTAssertTrue(recorder.drafts.isEmpty)
    }

    func testLowerCasePrefixIsFlagged() throws {
        let d = makeDriver(Recorder())
        d.type("ts1:")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines[4].contains("upper-case \"TS1:\""), d.lines[4])
    }

    func testHelpOpensOnQuestionMarkAndF1FromTheLiveKeyMap() throws {
        let d = makeDriver(Recorder())
        d.type("?")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("? or F1 or Esc closes"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Scan: verify (empty input: checklist); Checklist: record"), d.lines.screen)
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines.containsLine("closes"), d.lines.screen)
        d.press(.function(1))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("closes"))
        d.press(.escape)
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines.containsLine("closes"))
        XCTAssertFalse(d.isFinished)
    }

    func testAScanWhileHelpIsOpenClosesHelpAndLosesNothing() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.press(.function(1))
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.map(\.code), [Fixtures.genuine])
        XCTAssertTrue(d.lines.containsLine("G E N U I N E"))
    }

    func testScannerBurstOfCodesIsRecordedInOrderNewestFirstInTheList() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        let codes = (1...6).map { Fixtures.mint(uid: "MZ00000000000\($0)0") }
        d.type(codes.map { $0 + "\n" }.joined())
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.map(\.code), codes)
        XCTAssertEqual(d.model.session.map { $0.outcome.payload?.uid }, (1...6).reversed().map { "MZ00000000000\($0)0" })
        XCTAssertTrue(d.lines.containsLine("Session: 6 inspections"))
        XCTAssertTrue(d.lines.containsLine("▶ 12:00:00 ✔ GENUINE      MZ0000000000060"), d.lines.screen)
    }

    func testUIDTypedByHandWithoutACacheIsRecordedAsNotVerified() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type("MZ0000000000001\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("?  U N V E R I F I A B L E"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("NOT VERIFIED: the UID was typed by hand"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("No provenance: this device has no offline cache yet."), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("MZ0000000000001 (typed)"), d.lines.screen)
        XCTAssertEqual(recorder.drafts.map(\.verdict), [.unverifiable])
        XCTAssertEqual(recorder.drafts.first?.reasons.map(\.code), ["uid-not-verified"])
        XCTAssertEqual(recorder.drafts.first?.code, "MZ0000000000001")
    }

    func testQuitsOnQWithAnEmptyInputButTypesQOtherwise() throws {
        let d = makeDriver(Recorder())
        d.type("Xq")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.input.text, "Xq")
        XCTAssertFalse(d.isFinished)
        d.press(.escape)  // clears the input
        try d.waitUntilIdle()
        XCTAssertTrue(d.model.input.isEmpty)
        d.type("q")
        try d.waitUntilIdle()
        XCTAssertTrue(d.isFinished)
    }

    func testEscTwiceQuitsAndCtrlCQuits() throws {
        let d = makeDriver(Recorder())
        d.press(.escape)
        try d.waitUntilIdle()
        XCTAssertFalse(d.isFinished)
        XCTAssertTrue(d.lines[23].contains("Esc again to quit"), d.lines[23])
        d.press(.escape)
        try d.waitUntilIdle()
        XCTAssertTrue(d.isFinished)

        let e = makeDriver(Recorder())
        e.type("TS1:A")
        e.press(.character("c"), .ctrl)
        try e.waitUntilIdle()
        XCTAssertTrue(e.isFinished)
    }

    func testNoCacheShowsHowToGetOneAndCodesAreUnverifiable() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder, keyring: .empty, cache: nil)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("No offline cache on this device yet."), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("stampwatch cache update --from URL|DIR --root ROOT.json"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("make run"), d.lines.screen)
        XCTAssertTrue(d.lines[23].hasSuffix("no cache · 0 waiting · sync off "), d.lines[23])
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("?  U N V E R I F I A B L E"), d.lines.screen)
        XCTAssertEqual(recorder.drafts.map(\.verdict), [.unverifiable])
        XCTAssertNil(recorder.drafts.first?.cacheVersion)
    }

    func testAFailedRecordIsShownNotHidden() throws {
        let recorder = Recorder()
        recorder.failWith = "disk full"
        let d = makeDriver(recorder)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("✘ NOT RECORDED: disk full"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("✔ GENUINE      MZ0000000000001 NOT RECORDED"), d.lines.screen)
    }

    func testArrowsShowAnEarlierInspection() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n" + "TS1:ABC\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("M A L F O R M E D"))
        d.press(.down)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("G E N U I N E"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("Result (earlier inspection)"))
    }

    func testPasteEndingInALineBreakVerifies() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.paste(Fixtures.genuine + "\r\n")
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.map(\.code), [Fixtures.genuine])
    }

    func testTabAndShiftTabCycleTheScreensAndEscGoesBack() throws {
        let d = makeDriver(Recorder())
        d.press(.tab)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .checklist)
        XCTAssertTrue(d.lines[0].contains("[F3 Checklist]"), d.lines[0])
        d.press(.tab); d.press(.tab)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .status)
        d.press(.tab, .shift)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .provenance)
        d.press(.escape)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .scan)
        XCTAssertFalse(d.isFinished, "Esc from another screen goes back, it does not arm quit")
    }

    func testRightArrowOnAnEmptyInputWalksTheScreensButMovesTheCursorInText() throws {
        let d = makeDriver(Recorder())
        d.press(.right)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .checklist)
        d.press(.escape)
        d.type("AB")
        d.press(.left)
        d.type("x")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .scan)
        XCTAssertEqual(d.model.input.text, "AxB")
    }

    func testAScannerTypingOnTheStatusScreenLandsInTheScanInput() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.press(.function(5))
        try d.waitUntilIdle()
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.map(\.code), [Fixtures.genuine])
        XCTAssertEqual(d.model.screen, .scan)
    }

    func testMouseClicksOnTheTabsAndTheWheelScrolls() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n" + "TS1:ABC\n")
        try d.waitUntilIdle()
        let tabs = ConsoleView.tabs(d.model)
        let status = try XCTUnwrap(tabs.first { $0.screen == .status })
        d.backend.inject(.mouse(MouseEvent(.click(1), at: Position(x: status.columns.lowerBound + 2, y: 0))))
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .status)
        d.press(.function(2))
        d.backend.inject(.mouse(MouseEvent(.scrollDown, at: Position(x: 10, y: 20))))
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.shown, 1, "the wheel moves in the session list")
    }

    func testStatusScreenSaysWhenTheStoreCannotBeRead() throws {
        let recorder = Recorder()
        var env = makeEnvironment(recorder)
        env.cacheStatus = { nil }
        env.syncStatus = { nil }
        let d = ProgramDriver(program: ConsoleProgram(environment: env),
                              model: ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode)), colorDepth: .monochrome)
        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("✘ The field store could not be read."), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("stampwatch doctor"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("✘ The outbox could not be read."), d.lines.screen)
    }
}
