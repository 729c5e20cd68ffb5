import Console
import DemoWorld
import FieldStore
import Foundation
import StampCodes
import TerminalUI
import XCTest

/// The console on the real demo cache (a field store with the demo snapshot applied): the cache's
/// verdict rules, typed UIDs, provenance scrolling and the checklist from the cache, records on disk.
final class DemoCacheFlowTests: XCTestCase {
    private func driver(_ store: FieldStore, size: Size = Size(width: 80, height: 24)) throws -> ProgramDriver<ConsoleProgram> {
        ProgramDriver(program: ConsoleProgram(environment: try Demo.environment(store)),
                      model: ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), size: size),
                      size: size, colorDepth: .monochrome)
    }

    func testGenuineSampleStaysGenuineWithItsProvenance() throws {
        let store = try Demo.store()
        let sample = Demo.sample(.genuineDomestic)
        let outcome = Inspector.inspect(code: sample.code, environment: try Demo.environment(store))
        XCTAssertEqual(outcome.verdict, .genuine, outcome.reasons.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(outcome.provenance?.inCache, true)
        let chain = try XCTUnwrap(outcome.provenance?.chain.map(\.id))
        XCTAssertEqual(chain.first, sample.uid)
        XCTAssertEqual(Array(chain.dropFirst().prefix(sample.chain.count)), sample.chain, "the current containers, innermost first")
    }

    /// The planted cases: each is SUSPECT with its `watchlist-…` reason once the cache rules apply.
    func testPlantedWatchlistSamplesAreSuspectWithTheirReason() throws {
        let store = try Demo.store()
        let env = try Demo.environment(store)
        for kind: DemoSample.Kind in [.stolen, .recalled, .seized, .destroyed, .clone] {
            let sample = Demo.sample(kind)
            let outcome = Inspector.inspect(code: sample.code, environment: env)
            XCTAssertEqual(outcome.verdict, .suspect, "\(kind): \(outcome.reasons)")
            let expected = "watchlist-\(sample.watchlist!.rawValue)"
            XCTAssertTrue(outcome.reasons.contains { $0.code == expected }, "\(kind): \(outcome.reasons.map(\.code))")
            XCTAssertFalse(outcome.reasons.contains { $0.code == ReasonCode.verified }, "\(kind): no generic 'verified' next to a concern")
        }
    }

    func testCounterfeitsGetNoCacheRulesAndNoChecklist() throws {
        let store = try Demo.store()
        let env = try Demo.environment(store)
        let outcome = Inspector.inspect(code: Demo.sample(.counterfeitRogueKey).code, environment: env)
        XCTAssertEqual(outcome.verdict, .counterfeit)
        XCTAssertNil(outcome.provenance)
        XCTAssertTrue(outcome.provenanceNote?.contains("could not be decrypted") ?? false)
    }

    func testATypedStolenUIDIsSuspectButClearlyNotVerified() throws {
        let store = try Demo.store()
        let d = try driver(store, size: Size(width: 132, height: 43))
        let uid = try XCTUnwrap(Demo.sample(.stolen).uid)
        d.type(uid + "\n")
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("⚠  S U S P E C T"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("• NOT VERIFIED: the UID was typed by hand"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("From the cache's commissioning record (not from a verified code):"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("typed UID \(uid)"), d.lines.screen)
        let stored = try XCTUnwrap(try store.pendingOutbox(limit: 10, now: .max).first)
        let payload = String(decoding: stored.payload, as: UTF8.self)
        XCTAssertTrue(payload.contains("\"verdict\":\"suspect\"") && payload.contains("uid-not-verified") && payload.contains("watchlist-stolen"), payload)
        // The checklist comes from the cache's commissioning record's series.
        d.press(.function(3))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("Colour-shifting emblem"), d.lines.screen)
    }

    func testATypedUnknownUIDIsUnverifiableAndNotInTheCache() throws {
        let store = try Demo.store()
        let outcome = Inspector.lookUp(uid: "NO-SUCH-UID", environment: try Demo.environment(store))
        XCTAssertEqual(outcome.verdict, .unverifiable)
        XCTAssertEqual(outcome.reasons.map(\.code), ["uid-not-verified", "not-in-cache"])
        XCTAssertNil(outcome.seriesID)
    }

    func testChecklistFromTheCacheIsRecordedInTheStoreWithItsOutboxRow() throws {
        let store = try Demo.store()
        let d = try driver(store)
        d.type(Demo.sample(.genuineDomestic).code + "\n")
        try d.waitUntilIdle()
        d.press(.enter)
        d.type("pf")       // colour-shift passes, guilloche fails (both overt)
        d.press(.enter)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines[1].contains("⚠ SUSPECT"), d.lines.screen)
        let rows = try store.pendingOutbox(limit: 10, now: .max)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(try store.sequenceNumbers(deviceID: "test-device"), [1, 2])
        let first = String(decoding: rows[0].payload, as: UTF8.self)
        let second = String(decoding: rows[1].payload, as: UTF8.self)
        XCTAssertTrue(first.contains("\"verdict\":\"genuine\""), first)
        XCTAssertTrue(second.contains("\"verdict\":\"suspect\""), second)
        XCTAssertTrue(second.contains("\"amends\":\"\(rows[0].recordUUID.uuidString.lowercased())\""), second)
        XCTAssertTrue(second.contains("Guilloche border"), second)
        let stored = try XCTUnwrap(try store.inspection(rows[1].recordUUID))
        XCTAssertEqual(stored.input.place, "Maputo, Mercado Central")
        XCTAssertEqual(stored.input.officerID, "OFF-DEMO")
        XCTAssertNotNil(stored.input.cacheVersion)
    }

    func testProvenanceScrollsWithArrowsPagesAndVimKeys() throws {
        let store = try Demo.store()
        let d = try driver(store)
        d.type(Demo.sample(.stolen).code + "\n")
        try d.waitUntilIdle()
        d.press(.function(4))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("Chain: pack → carton → case → pallet"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("pack       \(Demo.sample(.stolen).uid!)"), d.lines.screen)
        XCTAssertTrue(d.lines.containsLine("watchlist-stolen"), d.lines.screen)
        XCTAssertEqual(d.model.provenanceOffset, 0)
        d.press(.down)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, 1)
        d.type("j")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, 2)
        d.type("k")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, 1)
        d.press(.pageDown)
        try d.waitUntilIdle()
        XCTAssertGreaterThan(d.model.provenanceOffset, 5)
        d.press(.end)
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("(j) shipment route"), d.lines.screen)
        XCTAssertTrue(d.lines.contains { $0.contains("[code]") || $0.contains("[cache]") || $0.contains("[unknown]") }, d.lines.screen)
        let end = d.model.provenanceOffset
        d.type("G")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, end, "the end stays the end")
        d.type("g")
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, 0)
        d.press(.end)
        d.press(.home)
        try d.waitUntilIdle()
        XCTAssertEqual(d.model.provenanceOffset, 0)
    }

    func testStatusScreenShowsTheOutboxAfterInspections() throws {
        let store = try Demo.store()
        let d = try driver(store)
        d.type(Demo.sample(.genuineDomestic).code + "\n")
        d.type(Demo.sample(.stolen).code + "\n")
        try d.waitUntilIdle()
        d.press(.function(5))
        try d.waitUntilIdle()
        XCTAssertTrue(d.lines.containsLine("Waiting       2 to upload (2 pending, 0 sent, awaiting receipt)"), d.lines.screen)
        XCTAssertTrue(d.lines[23].hasSuffix("2 waiting · sync off "), d.lines[23])
    }
}
