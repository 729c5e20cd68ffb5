import Console
import FieldStore
import Provenance
import StampCodes
import StampCrypto
import TerminalUI
import XCTest

/// Whole screens at 80×24 and 132×43 on a monochrome terminal, in Latin and in CJK text, compared with
/// the golden files in `Snapshots/` line by line (Support.swift, `Golden`).
final class ScreenSnapshotTests: XCTestCase {
    static let small = Size(width: 80, height: 24)
    static let large = Size(width: 132, height: 43)

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

    private func sizes(_ body: (Size, String) throws -> Void) rethrows {
        try body(Self.small, "80x24")
        try body(Self.large, "132x43")
    }

    // MARK: Scan

    func testScanScreenReadyAndWithAGenuineCode() throws {
        try sizes { size, tag in
            let d = makeDriver(Recorder(), size: size)
            try d.waitUntilIdle()
            Golden.assert(d.lines, "scan-ready-\(tag)")
            XCTAssertEqual(d.backend.cursor, Position(x: 1, y: 2), "the cursor waits in the input")
            d.type(Fixtures.genuine + "\n")
            try d.waitUntilIdle()
            Golden.assert(masked(d.lines), "scan-genuine-\(tag)")
        }
    }

    func testScanScreenWithATypedCJKUIDAndAWatchlistedDemoCode() throws {
        let store = try Demo.store()
        let env = try Demo.environment(store)
        try sizes { size, tag in
            let d = ProgramDriver(program: ConsoleProgram(environment: env),
                                  model: ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), size: size),
                                  size: size, colorDepth: .monochrome)
            d.type(Demo.sample(.stolen).code + "\n")
            d.type("东京-仓库-0042\n")
            try d.waitUntilIdle()
            Golden.assert(d.lines, "scan-cjk-uid-\(tag)")
            d.press(.down)
            try d.waitUntilIdle()
            Golden.assert(d.lines, "scan-stolen-\(tag)")
        }
    }

    func testFirstStartWithoutACache() throws {
        try sizes { size, tag in
            let d = makeDriver(Recorder(), size: size, keyring: .empty, cache: nil)
            try d.waitUntilIdle()
            Golden.assert(d.lines, "scan-no-cache-\(tag)")
        }
    }

    // MARK: Checklist

    private func checklistDriver(_ size: Size, _ checklist: SeriesChecklist, place: String) throws -> ProgramDriver<ConsoleProgram> {
        let d = makeDriver(Recorder(), size: size, checklist: checklist, place: place)
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        d.press(.enter)   // empty input: the shown inspection's checklist
        d.type("pf")      // first passes, second fails
        try d.waitUntilIdle()
        return d
    }

    func testChecklistScreenLatinAndCJK() throws {
        try sizes { size, tag in
            var d = try checklistDriver(size, Fixtures.checklist, place: "Ressano Garcia")
            Golden.assert(d.lines, "checklist-\(tag)")
            d = try checklistDriver(size, Fixtures.cjkChecklist, place: "東京都港区 检查站")
            d.press(.down)
            d.press(.down)   // the place field
            d.press(.down)   // the notes field
            d.type("包装破损 torn wrap")
            try d.waitUntilIdle()
            Golden.assert(d.lines, "checklist-cjk-\(tag)")
        }
    }

    func testChecklistEmptyStates() throws {
        let d = makeDriver(Recorder())
        d.press(.function(3))
        try d.waitUntilIdle()
        Golden.assert(d.lines, "checklist-no-inspection-80x24")
        d.type("TS1:ABC\n")
        try d.waitUntilIdle()
        d.press(.function(3))
        try d.waitUntilIdle()
        Golden.assert(d.lines, "checklist-malformed-80x24")
    }

    // MARK: Provenance

    func testProvenanceScreenOnTheDemoCache() throws {
        let store = try Demo.store()
        let env = try Demo.environment(store)
        try sizes { size, tag in
            let d = ProgramDriver(program: ConsoleProgram(environment: env),
                                  model: ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), size: size),
                                  size: size, colorDepth: .monochrome)
            d.type(Demo.sample(.stolen).code + "\n")
            try d.waitUntilIdle()
            d.press(.function(4))
            try d.waitUntilIdle()
            Golden.assert(d.lines, "provenance-stolen-\(tag)")
        }
    }

    /// A small cache in memory whose facility and operator have CJK names.
    static func cjkReport() throws -> ProvenanceReport {
        var source = MemoryProvenanceSource()
        let made = RFC3339.parse("2026-07-09T10:00:00Z")!
        source.packs["MZ0003E30KZ2"] = Pack(uid: "MZ0003E30KZ2", gtin: "06001234500017", facilityID: "F-CN-01", machineID: "F-CN-01-M1",
                                             manufactured: made, market: "MZ", seriesID: "MZ-2026-A")
        source.links["MZ0003E30KZ2"] = AggregationLink(childID: "MZ0003E30KZ2", parentID: "urn:epc:id:sscc:0600123.0000000012",
                                                       childLevel: .pack, parentLevel: .carton, time: made + 600)
        source.links["urn:epc:id:sscc:0600123.0000000012"] = AggregationLink(
            childID: "urn:epc:id:sscc:0600123.0000000012", parentID: "urn:epc:id:sscc:0600123.1000000019", childLevel: .carton,
            parentLevel: .case, time: made + 1200)
        source.facilities["F-CN-01"] = Facility(facilityID: "F-CN-01", operatorID: "EO-CN-1", name: "上海卷烟厂", latitude: 31.23,
                                                longitude: 121.47, region: "上海")
        source.operators["EO-CN-1"] = EconomicOperator(operatorID: "EO-CN-1", name: "东方烟草进出口有限公司", role: .manufacturer, country: "CN")
        source.products["06001234500017"] = Product(gtin: "06001234500017", brand: "红梅 Red 20s", description: "香烟 20 支")
        return try ProvenanceBuilder.report(uid: "MZ0003E30KZ2", payload: nil, source: source)
    }

    func testProvenanceScreenWithCJKNamesFromATypedUID() throws {
        let report = try Self.cjkReport()
        try sizes { size, tag in
            let d = makeDriver(Recorder(), size: size, report: report)
            d.type("MZ0003E30KZ2\n")
            try d.waitUntilIdle()
            d.press(.function(4))
            try d.waitUntilIdle()
            Golden.assert(d.lines, "provenance-cjk-\(tag)")
        }
    }

    // MARK: Cache & sync

    static let detailedCache = CacheSummary(
        freshness: .stale, version: 12, ageSeconds: 40 * 86_400, pendingUploads: 3, region: "MZ", source: "/媒体/U盘/stampwatch-repo",
        publishedAt: Fixtures.now - 40 * 86_400, appliedAt: Fixtures.now - 39 * 86_400, dueAt: Fixtures.now - 10 * 86_400,
        expiresHardAt: Fixtures.now + 20 * 86_400,
        lastUpdate: CacheUpdateSummary(state: "failed", target: "delta v12→v13 (region MZ)", startedAt: Fixtures.now - 3_600,
                                       finishedAt: Fixtures.now - 3_590, error: "连接超时: the hub did not answer within 30 s",
                                       lastSuccessAt: Fixtures.now - 39 * 86_400))

    func testCacheAndSyncScreen() throws {
        try sizes { size, tag in
            let d = makeDriver(Recorder(), size: size, cache: Self.detailedCache)
            d.press(.function(5))
            try d.waitUntilIdle()
            Golden.assert(d.lines, "status-\(tag)")
        }
    }

    func testHelpOverlayAt80x24ListsEveryKey() throws {
        let d = makeDriver(Recorder())
        d.press(.function(1))
        try d.waitUntilIdle()
        Golden.assert(d.lines, "help-80x24")
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
        // The active screen's tab is bracketed, not only coloured.
        XCTAssertTrue(d.lines[0].contains("[F2 Scan]"), d.lines[0])
    }

    func testResizeFrom80To132MovesTheSessionListBesideTheResult() throws {
        let d = makeDriver(Recorder())
        d.type(Fixtures.genuine + "\n")
        try d.waitUntilIdle()
        XCTAssertFalse(d.lines.contains { $0.contains("G E N U I N E") && $0.contains("▶") })
        d.resize(to: Self.large)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.contains { $0.contains("G E N U I N E") && $0.contains("▶ 12:00:00 ✔ GENUINE") }, d.lines.screen)
    }

    func testTooSmallTerminalSaysSo() throws {
        let d = makeDriver(Recorder(), size: Size(width: 30, height: 8))
        try d.waitUntilIdle()
        let text = d.lines.joined(separator: " ")
        XCTAssertTrue(text.contains("needs at least") && text.contains("40×12"), d.lines.screen)
    }

    func testWideCharactersNeverBreakTheRightBorder() throws {
        let d = try checklistDriver(Self.small, Fixtures.cjkChecklist, place: "東京都港区 检查站")
        for (i, line) in d.lines.enumerated() where line.hasPrefix("┌") || line.hasPrefix("│") || line.hasPrefix("┏") || line.hasPrefix("┃") {
            XCTAssertEqual(DisplayWidth.of(line), 80, "line \(i + 1) is \(DisplayWidth.of(line)) cells: \(line)")
            XCTAssertTrue(line.hasSuffix("│") || line.hasSuffix("┐") || line.hasSuffix("┃") || line.hasSuffix("┓") || line.hasSuffix("▼"),
                          "line \(i + 1) keeps its right border: \(line)")
        }
    }
}
