import EPCIS
import FieldStore
@testable import StampCodes
import StrictJSON
import XCTest

@testable import Provenance

/// The builder and the cache rules on an in-memory cache, case by case.
final class ProvenanceBuilderTests: XCTestCase {
    static let t0: Int64 = 1_783_000_000  // 2026-07-02

    static func event(_ id: String, _ type: String, _ t: Int64, _ fields: [(String, JSONValue)], ids: [(String, EPCRole)]) -> CachedEvent {
        var pairs: [(String, JSONValue)] = [
            ("@context", .array([.string("https://ref.gs1.org/standards/epcis/epcis-context.jsonld"),
                                 .object(JSONObject([("sw", .string("https://stampwatch.example/ns/epcis#"))]))])),
            ("type", .string(type)), ("eventID", .string("urn:x-test:" + id)),
            ("eventTime", .string(RFC3339.format(t))), ("eventTimeZoneOffset", "+00:00"),
        ]
        pairs += fields
        let json = JSONValue.object(JSONObject(pairs))
        let step = fields.first { $0.0 == "bizStep" }?.1.stringValue
        let disp = fields.first { $0.0 == "disposition" }?.1.stringValue
        return CachedEvent(eventID: id, type: type, time: t, bizStep: step, disposition: disp,
                           readPoint: nil, bizLocation: nil, body: json.serialized(), ids: ids.map { CachedEvent.EventID($0.0, $0.1) })
    }

    static let pallet = "urn:epc:id:sscc:9520011.3000000001"
    static let caseID = "urn:epc:id:sscc:9520011.2000000001"
    static let carton = "urn:epc:id:sscc:9520011.1000000001"
    static let uid = "MZ0000TEST01"

    /// A pack in a carton in a case (current), and a pallet the case was in from t0+2h to t0+30h.
    static func world() -> MemoryProvenanceSource {
        var s = MemoryProvenanceSource()
        s.packs[uid] = Pack(uid: uid, gtin: "09520011001090", facilityID: "F-1", machineID: "F-1-M1", manufactured: t0,
                            market: "MZ", seriesID: "S-1")
        s.links[uid] = AggregationLink(childID: uid, parentID: carton, childLevel: .pack, parentLevel: .carton, time: t0 + 60)
        s.links[carton] = AggregationLink(childID: carton, parentID: caseID, childLevel: .carton, parentLevel: .case, time: t0 + 120)
        s.facilities["F-1"] = Facility(facilityID: "F-1", operatorID: "EO-1", name: "Fábrica Um", latitude: -25.9, longitude: 32.4, region: "MZ-L")
        s.operators["EO-1"] = EconomicOperator(operatorID: "EO-1", name: "Tabacos Um, SA", role: .manufacturer, country: "MZ")
        s.products["09520011001090"] = Product(gtin: "09520011001090", brand: "Marca", description: "Marca Red 20s")
        s.machines["F-1-M1"] = Machine(machineID: "F-1-M1", facilityID: "F-1", name: "Maker 1")
        s.windows = [CoverageWindow(facilityID: "F-1", from: t0 - 86_400, to: t0 + 90 * 86_400)]
        s.eventList = [
            event("e-commission", "ObjectEvent", t0, [("epcList", .array([.string("urn:epc:id:sgtin:9520011.000109." + uid)])), ("action", "ADD"), ("bizStep", "commissioning"), ("disposition", "active"),
                                                         ("ilmd", .object(JSONObject([("sw:productionShift", "B")])))],
                  ids: [(uid, .epc)]),
            // The pallet before the case went in: not the pack's history.
            event("e-pallet-early", "ObjectEvent", t0 + 3_600, [("epcList", .array([.string(pallet)])), ("action", "OBSERVE"), ("bizStep", "inspecting")],
                  ids: [(pallet, .epc)]),
            event("e-pack-pallet", "AggregationEvent", t0 + 7_200, [("parentID", .string(pallet)), ("childEPCs", .array([.string(caseID)])),
                                                                   ("action", "ADD"), ("bizStep", "packing")],
                  ids: [(pallet, .parent), (caseID, .child)]),
            event("e-ship", "ObjectEvent", t0 + 10_000, [
                ("epcList", .array([.string(pallet)])), ("action", "OBSERVE"), ("bizStep", "shipping"), ("disposition", "in_transit"),
                ("bizTransactionList", .array([.object(JSONObject([("type", "inv"), ("bizTransaction", "urn:epcglobal:cbv:bt:9520011000017:INV-1")]))])),
                ("sourceList", .array([.object(JSONObject([("type", "location"), ("source", "urn:epc:id:sgln:9520011.00001.0")]))])),
                ("destinationList", .array([.object(JSONObject([("type", "location"), ("destination", "urn:epc:id:sgln:9520051.00001.0")])),
                                            .object(JSONObject([("type", "owning_party"), ("destination", "urn:epc:id:pgln:9520051.00001")]))])),
                ("sw:intendedRoute", "Matola → EN4 → Ressano Garcia"),
            ], ids: [(pallet, .epc)]),
            event("e-sale", "TransactionEvent", t0 + 9_000, [
                ("epcList", .array([.string(pallet)])), ("action", "ADD"),
                ("bizTransactionList", .array([.object(JSONObject([("type", "po"), ("bizTransaction", "urn:epcglobal:cbv:bt:9520051000015:PO-1")]))])),
                ("sourceList", .array([.object(JSONObject([("type", "owning_party"), ("source", "urn:epc:id:pgln:9520011.00001")]))])),
                ("destinationList", .array([.object(JSONObject([("type", "owning_party"), ("destination", "urn:epc:id:pgln:9520051.00001")]))])),
            ], ids: [(pallet, .epc)]),
            event("e-resale", "TransactionEvent", t0 + 50_000, [
                ("epcList", .array([.string(caseID)])), ("action", "ADD"),
                ("bizTransactionList", .array([.object(JSONObject([("type", "inv"), ("bizTransaction", "urn:epcglobal:cbv:bt:9520051000015:INV-9")]))])),
                ("destinationList", .array([.object(JSONObject([("type", "owning_party"), ("destination", "urn:epc:id:pgln:9520600.00012")]))])),
            ], ids: [(caseID, .epc)]),
            event("e-unpack", "AggregationEvent", t0 + 108_000, [("parentID", .string(pallet)), ("childEPCs", .array([.string(caseID)])),
                                                                 ("action", "DELETE"), ("bizStep", "unpacking")],
                  ids: [(pallet, .parent), (caseID, .child)]),
            // After the case left the pallet: the pallet's later life is not the pack's.
            event("e-pallet-late", "ObjectEvent", t0 + 200_000, [("epcList", .array([.string(pallet)])), ("action", "OBSERVE"), ("bizStep", "shipping")],
                  ids: [(pallet, .epc)]),
        ]
        return s
    }

    static func payload(market: String = "MZ", facility: String = "F-1", product: String = "09520011001090", uid: String = uid) -> StampPayload {
        StampPayload(uid: uid, product: product, facility: facility, machine: "F-1-M1", manufactured: t0, shift: "A",
                     market: market, series: "S-1", operator: "EO-1")
    }

    static func genuine(_ p: StampPayload) -> VerificationResult {
        VerificationResult(input: "TS1:…", verdict: .genuine, reasons: [Reason(ReasonCode.verified, .genuine, "Signature verified")],
                           payload: p, signerKid: nil, dataKid: nil, algorithm: nil, signatureVerified: true, issuer: nil, cache: nil)
    }

    func testChainRunsPackCartonCaseThenThePalletItWasInWithTimes() throws {
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: Self.world())
        XCTAssertEqual(r.events.compactMap(\.unreadable), [], "the test's events are valid EPCIS")
        XCTAssertEqual(r.chain.map(\.id), [Self.uid, Self.carton, Self.caseID, Self.pallet])
        guard r.chain.count == 4 else { return }
        XCTAssertEqual(r.chain.map(\.levelName), ["pack", "carton", "case", "pallet"])
        XCTAssertEqual(r.chain[1].packedAt, Self.t0 + 60)
        XCTAssertNil(r.chain[2].unpackedAt)
        XCTAssertEqual(r.chain[3].packedAt, Self.t0 + 7_200)
        XCTAssertEqual(r.chain[3].unpackedAt, Self.t0 + 108_000)
    }

    func testContainerEventsCountOnlyWhileThePackWasInside() throws {
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: Self.world())
        let ids = r.events.map(\.eventID)
        XCTAssertEqual(ids, ["e-commission", "e-pack-pallet", "e-sale", "e-ship", "e-resale", "e-unpack"])
        XCTAssertFalse(ids.contains("e-pallet-early"))
        XCTAssertFalse(ids.contains("e-pallet-late"))
        let pack = r.events.first { $0.eventID == "e-pack-pallet" }!
        XCTAssertEqual(Set(pack.via), ["case \(Self.caseID)", "pallet \(Self.pallet)"])
        let ship = r.events.first { $0.eventID == "e-ship" }!
        XCTAssertEqual(ship.transactions, [TransactionRef(type: "inv", id: "urn:epcglobal:cbv:bt:9520011000017:INV-1")])
        XCTAssertEqual(ship.details.map(\.name), ["sw:intendedRoute"])
        XCTAssertEqual(ship.fctcItems, [.e, .h, .i, .j])
    }

    func testFCTCItemsAreFilledAndMarkedWithTheirSource() throws {
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: Self.world())
        XCTAssertEqual(r.fctc.map(\.item), FCTCItem.allCases)
        func entry(_ i: FCTCItem) -> FCTCEntry { r.fctc.first { $0.item == i }! }
        XCTAssertEqual(entry(.a).values.map(\.source), [.code, .cache])
        XCTAssertEqual(entry(.a).values[1].value, "Fábrica Um, region MZ-L (-25.9, 32.4)")
        XCTAssertEqual(entry(.b).values.map { "\($0.label)=\($0.value)/\($0.source.rawValue)" },
                       ["facility=F-1/code", "name=Fábrica Um/cache", "operator=Tabacos Um, SA (EO-1, manufacturer, MZ)/cache"])
        XCTAssertEqual(entry(.c).values.map(\.value), ["F-1-M1", "Maker 1"])
        XCTAssertEqual(entry(.d).values.map(\.label), ["shift", "time"])
        // (e): the first transaction is the PO (t0+9000), before the shipment's invoice.
        XCTAssertEqual(entry(.e).values.map(\.label), ["customer", "purchase order", "date"])
        XCTAssertEqual(entry(.e).values[0].value, "urn:epc:id:pgln:9520051.00001")
        XCTAssertEqual(entry(.e).source, .cache)
        XCTAssertEqual(entry(.f).values.map(\.value), ["MZ"])
        XCTAssertEqual(entry(.g).values.map(\.value), ["09520011001090", "Marca", "Marca Red 20s"])
        XCTAssertEqual(entry(.h).values.map(\.label), ["shipping"])
        XCTAssertEqual(entry(.i).values.map(\.value), ["urn:epc:id:pgln:9520600.00012 (\(RFC3339.format(Self.t0 + 50_000)))"])
        XCTAssertEqual(entry(.j).values.map(\.label), ["shipment", "consignee", "sw:intendedRoute"])
        XCTAssertTrue(entry(.j).values[0].value.contains("from urn:epc:id:sgln:9520011.00001.0 to urn:epc:id:sgln:9520051.00001.0"))
        XCTAssertEqual(r.findings, [])
        XCTAssertTrue(CacheRules.reasons(for: r).isEmpty)
    }

    func testWithoutACodeTheCacheRecordFillsTheItemsMarkedCache() throws {
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: nil, source: Self.world())
        let a = r.fctc.first { $0.item == .a }!
        XCTAssertEqual(a.values.map(\.source), [.cache, .cache])
        XCTAssertEqual(r.fctc.first { $0.item == .d }!.values.map { "\($0.label)=\($0.value)/\($0.source.rawValue)" },
                       ["shift=B/cache", "time=\(RFC3339.format(Self.t0))/cache"])
        XCTAssertEqual(r.fctc.first { $0.item == .f }!.values.map(\.source), [.cache])
    }

    func testAWatchlistedPackIsSuspectWithReasonAndDate() throws {
        var s = Self.world()
        s.watchlist[Self.uid] = WatchlistEntry(uid: Self.uid, reason: .stolen, since: Self.t0 + 86_400, note: "truck hijacked")
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: s)
        let result = CacheRules.apply(r, to: Self.genuine(Self.payload()))
        XCTAssertEqual(result.verdict, .suspect)
        XCTAssertEqual(result.reasons.map(\.code), ["watchlist-stolen"])
        XCTAssertTrue(result.reasons[0].message.contains("reported stolen on \(RFC3339.format(Self.t0 + 86_400))"))
        XCTAssertTrue(result.reasons[0].message.contains("truck hijacked"))
    }

    func testAWatchlistedCurrentContainerMakesItsPacksSuspectButAFormerOneDoesNot() throws {
        var s = Self.world()
        s.watchlist[Self.caseID] = WatchlistEntry(uid: Self.caseID, reason: .seized, since: Self.t0 + 99_000)
        var r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: s)
        XCTAssertEqual(CacheRules.reasons(for: r).map(\.code), ["watchlist-seized"])
        XCTAssertTrue(CacheRules.reasons(for: r)[0].message.hasPrefix("Its case \(Self.caseID) is on the watchlist"))
        s.watchlist = [Self.pallet: WatchlistEntry(uid: Self.pallet, reason: .stolen, since: Self.t0 + 150_000)]
        r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: s)
        XCTAssertEqual(CacheRules.reasons(for: r).map(\.code), [], "the case had left the pallet before it was stolen")
    }

    func testCodeThatDisagreesWithCommissioningIsSuspectNamingTheFields() throws {
        let p = Self.payload(market: "ZA", facility: "F-2")
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: p, source: Self.world())
        XCTAssertEqual(r.findings, [.commissioningMismatch([Mismatch(field: "facility", code: "F-2", cache: "F-1"),
                                                            Mismatch(field: "market", code: "ZA", cache: "MZ")])])
        let result = CacheRules.apply(r, to: Self.genuine(p))
        XCTAssertEqual(result.verdict, .suspect)
        XCTAssertEqual(result.reasons.map(\.code), ["commissioning-mismatch"])
        XCTAssertTrue(result.reasons[0].message.contains("market: code says ZA, commissioning says MZ"))
        XCTAssertEqual(r.fctc.first { $0.item == .f }!.values.map(\.value), ["ZA", "MZ"])
    }

    func testAnUnknownUIDInACoveredFacilityAndTimeIsNeverReported() throws {
        let p = Self.payload(uid: "MZ0000GHOST1")
        let r = try ProvenanceBuilder.report(uid: p.uid, payload: p, source: Self.world())
        XCTAssertFalse(r.inCache)
        XCTAssertEqual(r.chain.map(\.id), ["MZ0000GHOST1"])
        XCTAssertEqual(r.events, [])
        let result = CacheRules.apply(r, to: Self.genuine(p))
        XCTAssertEqual(result.verdict, .suspect)
        XCTAssertEqual(result.reasons.map(\.code), ["never-reported"])
        XCTAssertTrue(result.reasons[0].message.hasPrefix("Never reported as applied"))
    }

    func testAnUnknownUIDOutsideCoverageIsNotAConcernAndSaysWhatIsCovered() throws {
        let p = StampPayload(uid: "ZA0000OTHER1", product: "06001234000017", facility: "F-ZA-9", machine: "M", manufactured: Self.t0,
                             market: "MZ", series: "S-1")
        let r = try ProvenanceBuilder.report(uid: p.uid, payload: p, source: Self.world())
        let result = CacheRules.apply(r, to: Self.genuine(p))
        XCTAssertEqual(result.verdict, .genuine)
        XCTAssertEqual(result.reasons.map(\.code), ["verified", "not-in-cache"])
        XCTAssertTrue(result.reasons[1].message.contains("F-1 (2026-07-01 to 2026-09-30)"), result.reasons[1].message)
        XCTAssertEqual(r.fctc.first { $0.item == .e }!.source, .unknown)
    }

    func testRulesDoNotTouchACodeWithoutPayloadAndKeepExpiredCacheLast() throws {
        var counterfeit = Self.genuine(Self.payload())
        counterfeit.payload = nil
        counterfeit.verdict = .counterfeit
        counterfeit.reasons = [Reason(ReasonCode.signatureInvalid, .counterfeit, "forged")]
        var s = Self.world()
        s.watchlist[Self.uid] = WatchlistEntry(uid: Self.uid, reason: .recalled, since: Self.t0)
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: nil, source: s)
        XCTAssertEqual(CacheRules.apply(r, to: counterfeit).reasons.map(\.code), ["signature-invalid"])

        var expired = Self.genuine(Self.payload())
        expired.reasons.append(Reason(ReasonCode.expiredCache, .genuine, "old"))
        let applied = CacheRules.apply(r, to: expired)
        XCTAssertEqual(applied.reasons.map(\.code), ["watchlist-recalled", "expired-cache"])
        XCTAssertEqual(applied.verdict, .suspect)
    }

    func testAnUnreadableStoredEventIsShownWithWhyAndACycleEnds() throws {
        var s = Self.world()
        s.eventList.append(CachedEvent(eventID: "e-bad", type: "ObjectEvent", time: Self.t0 + 5, bizStep: "receiving", body: "{not json",
                                       ids: [CachedEvent.EventID(Self.uid, .epc)]))
        s.links[Self.caseID] = AggregationLink(childID: Self.caseID, parentID: Self.uid, childLevel: .case, parentLevel: .pack, time: Self.t0 + 200)
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: s)
        let bad = r.events.first { $0.eventID == "e-bad" }!
        XCTAssertEqual(bad.bizStep, "receiving")
        XCTAssertNotNil(bad.unreadable)
        XCTAssertTrue(r.chain.count <= ProvenanceBuilder.maxDepth)
        XCTAssertEqual(Set(r.chain.map(\.id)).count, r.chain.count, "no id twice")
    }

    func testJSONAndTextCarrySourcesAndFindings() throws {
        var s = Self.world()
        s.watchlist[Self.uid] = WatchlistEntry(uid: Self.uid, reason: .clone, since: Self.t0 + 10)
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: Self.payload(), source: s)
        let json = try JSONParser.parse(Array(r.jsonValue().serialized().utf8))
        XCTAssertEqual(json["uid"]?.stringValue, Self.uid)
        XCTAssertEqual(json["chain"]?.arrayValue?.count, 4)
        XCTAssertEqual(json["fctc"]?["a"]?["values"]?[0]?["source"]?.stringValue, "code")
        XCTAssertEqual(json["fctc"]?["e"]?["source"]?.stringValue, "cache")
        XCTAssertEqual(json["findings"]?[0]?["reason"]?.stringValue, "clone")
        let text = r.textLines().joined(separator: "\n")
        XCTAssertTrue(text.contains("Chain: pack \(Self.uid) → carton \(Self.carton) → case \(Self.caseID) → pallet \(Self.pallet) (left"))
        XCTAssertTrue(text.contains("(i) subsequent purchasers:"))
        XCTAssertTrue(text.contains("Cache: watchlist-clone:"))
    }

    func testLongIDListsAreCutToTheChainBeforeReadingAndStillAnswer() throws {
        var s = Self.world()
        // A commissioning of 40 packs and a carton unpacked with 30 others: both must still read and count.
        let others = (0..<39).map { "urn:epc:id:sgtin:9520011.000109.MZ00000000\(String(format: "%02d", $0))" }
        s.eventList.removeAll { $0.eventID == "e-commission" }
        s.eventList.append(Self.event("e-commission", "ObjectEvent", Self.t0, [
            ("epcList", .array((others.prefix(20) + ["urn:epc:id:sgtin:9520011.000109." + Self.uid] + others.dropFirst(20)).map { .string($0) })),
            ("action", "ADD"), ("bizStep", "commissioning"), ("disposition", "active"),
            ("ilmd", .object(JSONObject([("sw:productionShift", "C")]))),
        ], ids: [(Self.uid, .epc)]))
        let r = try ProvenanceBuilder.report(uid: Self.uid, payload: nil, source: s)
        XCTAssertEqual(r.events.compactMap(\.unreadable), [])
        XCTAssertEqual(r.fctc.first { $0.item == .d }!.values.first?.value, "C")

        let slim = ProvenanceBuilder.slim(try JSONParser.parse(Array(s.eventList.last!.body.utf8)), keep: [Self.uid])
        XCTAssertEqual(slim["epcList"]?.arrayValue?.compactMap(\.stringValue), ["urn:epc:id:sgtin:9520011.000109." + Self.uid])
        let none = ProvenanceBuilder.slim(try JSONParser.parse(Array(s.eventList.last!.body.utf8)), keep: ["MZ-NOT-THERE"])
        XCTAssertEqual(none["epcList"]?.arrayValue?.count, 1, "never empty: the first entry stays")
        let short = ProvenanceBuilder.slim(.object(JSONObject([("epcList", .array([.string("a"), .string("b")]))])), keep: [])
        XCTAssertEqual(short["epcList"]?.arrayValue?.count, 2, "short lists are read whole")
    }
}
