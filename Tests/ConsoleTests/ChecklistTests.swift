import Console
import FieldStore
import Foundation
import StampCodes
import TerminalUI
import XCTest

/// The checklist's verdict rule (pure) and the checklist screen driven by keys.
final class ChecklistRuleTests: XCTestCase {
    private func outcome(_ verdict: Verdict, _ reasons: [Reason]) -> InspectionOutcome {
        InspectionOutcome(input: "TS1:X", kind: .code, verdict: verdict, reasons: reasons, payload: Fixtures.payload())
    }

    private let verified = Reason(ReasonCode.verified, .genuine, "Signature verified.")

    func testAFailedOvertFeatureMakesAGenuineInspectionSuspectNamingTheFeature() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.fail, .pass, .pass, .pass]
        let judged = ChecklistRules.apply(state, to: outcome(.genuine, [verified]))
        XCTAssertEqual(judged.verdict, .suspect)
        XCTAssertEqual(judged.reasons.map(\.code), ["checklist-failed"], "the generic `verified` reason goes")
        XCTAssertTrue(judged.reasons[0].message.contains("overt feature “Colour-shifting emblem” failed"), judged.reasons[0].message)
    }

    func testAFailedSemiCovertFeatureIsSuspectToo() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.pass, .fail, .notChecked, .notChecked]
        let judged = ChecklistRules.apply(state, to: outcome(.genuine, [verified]))
        XCTAssertEqual(judged.verdict, .suspect)
        XCTAssertTrue(judged.reasons.contains { $0.message.contains("semi-covert feature “Microtext”") })
    }

    func testEveryFailedFeatureIsNamedOnce() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.fail, .fail, .fail, .pass]
        let judged = ChecklistRules.apply(state, to: outcome(.genuine, [verified]))
        XCTAssertEqual(judged.reasons.filter { $0.code == "checklist-failed" }.count, 3)
    }

    func testAFailedCovertFeatureIsRecordedButLeavesTheVerdictToTheLaboratory() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.pass, .pass, .pass, .fail]
        let judged = ChecklistRules.apply(state, to: outcome(.genuine, [verified]))
        XCTAssertEqual(judged.verdict, .genuine)
        XCTAssertEqual(judged.reasons.map(\.code), ["verified", "checklist-covert-failed"])
    }

    func testPassesAndUncheckedFeaturesChangeNothing() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.pass, .notChecked, .pass, .notChecked]
        let judged = ChecklistRules.apply(state, to: outcome(.genuine, [verified]))
        XCTAssertEqual(judged.verdict, .genuine)
        XCTAssertEqual(judged.reasons.map(\.code), ["verified"])
    }

    func testAWorseScanVerdictIsNeverLowered() {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.fail, .pass, .pass, .pass]
        let counterfeit = Reason(ReasonCode.signatureInvalid, .counterfeit, "Bad signature.")
        let judged = ChecklistRules.apply(state, to: outcome(.counterfeit, [counterfeit]))
        XCTAssertEqual(judged.verdict, .counterfeit)
        XCTAssertEqual(judged.reasons.map(\.code), ["signature-invalid", "checklist-failed"])
    }

    func testTheChecklistJSONNamesTheFirstRecordAndEveryResult() throws {
        var state = ChecklistState(Fixtures.checklist)
        state.marks = [.fail, .pass, .notChecked, .pass]
        let json = ChecklistRules.json(state, amends: "3f2a")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["amends"] as? String, "3f2a")
        XCTAssertEqual(object["series"] as? String, "MZ-2026-A")
        let features = try XCTUnwrap(object["features"] as? [[String: String]])
        XCTAssertEqual(features.map { $0["result"] }, ["fail", "pass", "not-checked", "pass"])
        XCTAssertEqual(features.map { $0["level"] }, ["overt", "semi-covert", "semi-covert", "covert"])
        XCTAssertEqual(features[0]["feature"], "colour-shift")
    }

    func testMarksCycleWithTheArrows() {
        XCTAssertEqual(ChecklistMark.notChecked.next, .pass)
        XCTAssertEqual(ChecklistMark.pass.next, .fail)
        XCTAssertEqual(ChecklistMark.fail.next, .notChecked)
        for m in ChecklistMark.allCases { XCTAssertEqual(m.next.previous, m) }
    }
}

final class ChecklistFlowTests: XCTestCase {
    /// Scan, Enter on the empty input opens the checklist, one key per feature, Enter records.
    func testFailingAnOvertFeatureRecordsAFollowUpThatAmendsTheScan() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder, place: "Ressano Garcia")
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.count, 1, "the scan is recorded before anything else")
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .checklist)
        XCTAssertTrue(d.lines.containsLine("▶ · ----  overt        Colour-shifting emblem"), d.lines.screen)
        d.type("f")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("✗ FAIL  overt        Colour-shifting emblem"), d.lines.screen)
        XCTAssertTrue(d.lines[1].contains("⚠ SUSPECT · MZ0000000000001 · series MZ-2026-A"), d.lines[1])
        XCTAssertTrue(d.lines.containsLine("Not recorded yet"), d.lines.screen)
        d.type("ppn")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.checklistCursor, 4, "after the last feature the cursor is on the place field")
        d.type(", gate 3")
        d.press(.down)
        d.type("Wrap torn")
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.count, 2)
        let followUp = recorder.drafts[1]
        XCTAssertEqual(followUp.verdict, .suspect)
        XCTAssertEqual(followUp.code, Fixtures.genuine)
        XCTAssertEqual(followUp.reasons.map(\.code), ["checklist-failed"])
        XCTAssertTrue(followUp.reasons[0].message.contains("Colour-shifting emblem"))
        XCTAssertEqual(followUp.place, "Ressano Garcia, gate 3")
        XCTAssertEqual(followUp.notes, "Wrap torn")
        XCTAssertEqual(followUp.officerID, "OFF-7")
        XCTAssertEqual(followUp.cacheVersion, 3)
        XCTAssertTrue(followUp.checklistJSON.contains("\"amends\":\"record-1\""), followUp.checklistJSON)
        XCTAssertTrue(followUp.checklistJSON.contains("\"result\":\"fail\""), followUp.checklistJSON)
        XCTAssertTrue(d.lines.containsLine("✔ Checklist recorded (1 record"), d.lines.screen)
        XCTAssertTrue(d.lines[23].contains("Checklist recorded: SUSPECT"), d.lines[23])
        // Back on the scan screen the inspection shows the checklist's verdict.
        d.press(.escape)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("⚠  S U S P E C T"), d.lines.screen)
        XCTAssertEqual(d.model.shownEntry?.followUps, ["record-2"])
    }

    func testArrowsAndEnterAloneWalkTheChecklist() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.press(.right)            // not checked → pass
        d.press(.down)
        d.press(.right); d.press(.right)   // → fail
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.last?.verdict, .suspect)
        XCTAssertTrue(recorder.drafts.last?.checklistJSON.contains("{\"feature\":\"microtext\",\"name\":\"Microtext\",\"level\":\"semi-covert\",\"tool\":\"loupe\",\"result\":\"fail\"}") ?? false)
    }

    func testVimKeysMoveInTheChecklist() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.type("jjk")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.checklistCursor, 1)
        d.type("G")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.checklistCursor, 5, "G goes to the last row (notes)")
    }

    func testLettersTypedInTheNotesFieldAreTextNotMarks() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.press(.end)
        d.type("pfnq?")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.shownEntry?.notes.text, "pfnq?")
        XCTAssertEqual(d.model.shownEntry?.checklist?.marks, [.notChecked, .notChecked, .notChecked, .notChecked])
        XCTAssertFalse(d.isFinished)
        XCTAssertFalse(d.model.showHelp)
    }

    func testQuittingWithAnUnrecordedChecklistAsksOnce() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.type("f")
        d.type("q")
        try d.waitUntilIdle()
        XCTAssertFalse(d.isFinished)
        XCTAssertTrue(d.lines[23].contains("not recorded"), d.lines[23])
        d.type("q")
        try d.waitUntilIdle()
        XCTAssertTrue(d.isFinished)

        // Esc, Esc on the scan screen asks too, and a third Esc quits.
        let e = makeDriver(Recorder())
        e.type(Fixtures.genuine + "\n")
        try e.waitUntilIdle()
        e.press(.enter)
        e.type("f")
        e.press(.escape)   // back to Scan
        e.press(.escape)   // arms
        e.press(.escape)   // asks
        try e.waitUntilIdle()
        XCTAssertFalse(e.isFinished)
        XCTAssertTrue(e.lines[23].contains("not recorded"), e.lines[23])
        e.press(.escape)
        try e.waitUntilIdle()
        XCTAssertTrue(e.isFinished)
    }

    func testAFailedChecklistRecordIsShownAndCanBeRetried() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        try d.waitUntilIdle()
        recorder.failWith = "disk full"
        d.type("f")
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("✘ Checklist NOT RECORDED: disk full. Press Enter to try again."), d.lines.screen)
        recorder.failWith = nil
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertEqual(recorder.drafts.count, 2)
        XCTAssertTrue(d.lines.containsLine("✔ Checklist recorded"), d.lines.screen)
    }

    func testAScanWhileOnTheChecklistGoesBackToScanAndLosesNothing() throws {
        let recorder = Recorder()
        let d = makeDriver(recorder)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        try d.waitUntilIdle()
        let second = Fixtures.mint(uid: "MZ0000000000002")
        d.type(second + "\n")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.screen, .scan)
        XCTAssertEqual(recorder.drafts.map(\.code), [Fixtures.genuine, second])
    }

    func testNoChecklistForTheSeriesSaysWhatToDo() throws {
        let d = makeDriver(Recorder(), checklist: nil)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("The offline cache has no checklist for stamp series MZ-2026-A."), d.lines.screen)
    }
}
