import XCTest

@testable import EPCIS

/// The tobacco mapping: which events evidence which FCTC Art. 8.4.1 items, and which feed watchlists.
final class TobaccoMappingTests: XCTestCase {
    private func event(_ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> EPCISEvent {
        let json = """
            {"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",{"tt":"https://ns.example-tobacco.org/tt/"}],
             "eventTime":"2026-03-02T06:10:00.000+01:00","eventTimeZoneOffset":"+01:00",\(body)}
            """
        switch EPCISReader.read(Array(json.utf8)) {
        case .success(let d): return d.events[0]
        case .failure(let e):
            XCTFail("\(e)", file: file, line: line)
            throw e
        }
    }

    func testCommissioningWithILMDCarriesItemsAToD() throws {
        let e = try event("""
            "type":"ObjectEvent","action":"ADD","bizStep":"commissioning","disposition":"active",
            "epcList":["urn:epc:id:sgtin:9521141.001234.P0001","https://id.gs1.org/01/09521141012345/21/P0002"],
            "readPoint":{"id":"urn:epc:id:sgln:9521141.00001.line3"},"bizLocation":{"id":"urn:epc:id:sgln:9521141.00001.0"},
            "ilmd":{"tt:manufacturingDate":"2026-03-02","tt:machine":"MK9-03","tt:productionShift":"B","cbvmda:countryOfOrigin":"BG"}
            """)
        let facts = TobaccoMapping.facts(for: e)
        guard case .manufacture(let m)? = facts.first else { return XCTFail("\(facts)") }
        XCTAssertEqual(facts.first?.fctcItems, [.a, .b, .c, .d])
        XCTAssertEqual(m.items.map(\.key), [.sgtin(gtin: "09521141012345", serial: "P0001"), .sgtin(gtin: "09521141012345", serial: "P0002")])
        XCTAssertEqual(m.date, SourcedValue("2026-03-02", source: "ilmd tt:manufacturingDate"))
        XCTAssertEqual(m.machine, SourcedValue("MK9-03", source: "ilmd tt:machine"))
        XCTAssertEqual(m.shiftOrTime, SourcedValue("B", source: "ilmd tt:productionShift"))
        XCTAssertEqual(m.location, SourcedValue("BG", source: "ilmd cbvmda:countryOfOrigin"))
        XCTAssertEqual(m.facility, SourcedValue("urn:epc:id:sgln:9521141.00001.0", source: "bizLocation"))
        XCTAssertEqual(m.ilmd.count, 4)
    }

    func testCommissioningWithoutILMDFallsBackToTheEventAndSaysSo() throws {
        let e = try event("""
            "type":"ObjectEvent","action":"ADD","bizStep":"urn:epcglobal:cbv:bizstep:commissioning",
            "epcList":["urn:epc:id:sgtin:9521141.001234.P0001"],"readPoint":{"id":"urn:epc:id:sgln:9521141.00001.line3"}
            """)
        guard case .manufacture(let m)? = TobaccoMapping.facts(for: e).first else { return XCTFail() }
        XCTAssertEqual(m.date.source, "eventTime")
        XCTAssertEqual(m.machine, SourcedValue("urn:epc:id:sgln:9521141.00001.line3", source: "readPoint"))
        XCTAssertNil(m.facility)
        XCTAssertEqual(m.location?.source, "readPoint")
    }

    func testPackingAndUnpackingBuildTheHierarchy() throws {
        let pack = try event("""
            "type":"AggregationEvent","action":"ADD","bizStep":"packing","parentID":"urn:epc:id:sscc:9521141.0000000001",
            "childEPCs":["urn:epc:id:sgtin:9521141.001234.P0001","urn:epc:id:sgtin:9521141.001234.P0002"]
            """)
        guard case .aggregation(let a)? = TobaccoMapping.facts(for: pack).first else { return XCTFail() }
        XCTAssertEqual(a.change, .pack)
        XCTAssertEqual(a.parent?.key?.role, .logisticUnit)
        XCTAssertEqual(a.children.compactMap(\.key?.role), [.tradeItemInstance, .tradeItemInstance])
        let unpack = try event("""
            "type":"AggregationEvent","action":"DELETE","bizStep":"unpacking","parentID":"urn:epc:id:sscc:9521141.0000000001"
            """)
        guard case .aggregation(let u)? = TobaccoMapping.facts(for: unpack).first else { return XCTFail() }
        XCTAssertEqual(u.change, .unpack)
        XCTAssertTrue(u.children.isEmpty)
    }

    func testShippingCarriesRouteItemsHAndJ() throws {
        let e = try event("""
            "type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",
            "epcList":["urn:epc:id:sscc:9521141.0000000001"],"readPoint":{"id":"urn:epc:id:sgln:9521141.00001.0"},
            "sourceList":[{"type":"location","source":"urn:epc:id:sgln:9521141.00001.0"},{"type":"owning_party","source":"urn:epc:id:pgln:9521141.00001"}],
            "destinationList":[{"type":"location","destination":"urn:epc:id:sgln:4012345.00225.0"},{"type":"owning_party","destination":"urn:epc:id:pgln:4012345.00225"}]
            """)
        let facts = TobaccoMapping.facts(for: e)
        guard case .movement(let m)? = facts.first else { return XCTFail("\(facts)") }
        XCTAssertEqual(m.kind, .shipping)
        XCTAssertEqual(facts.first?.fctcItems, [.h, .j])
        XCTAssertEqual(m.destinations.map(\.type.term), ["location", "owning_party"])
        XCTAssertEqual(m.items.first?.key, .sscc("095211410000000014"))
    }

    func testTransactionsCarryItemsEAndI() throws {
        let e = try event("""
            "type":"TransactionEvent","action":"ADD","bizStep":"shipping",
            "bizTransactionList":[{"type":"inv","bizTransaction":"urn:epcglobal:cbv:bt:9521141000016:INV-77"},
                                  {"type":"urn:epcglobal:cbv:btt:po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-9"},
                                  {"type":"https://ns.example-tobacco.org/btt/pay","bizTransaction":"https://pay.example.com/tx/123"}],
            "epcList":["urn:epc:id:sscc:9521141.0000000001"],
            "destinationList":[{"type":"owning_party","destination":"urn:epc:id:pgln:4012345.00225"}]
            """)
        let tx = TobaccoMapping.facts(for: e).compactMap { f -> TransactionRecord? in
            if case .transaction(let t) = f { return t }
            return nil
        }
        XCTAssertEqual(tx.map(\.kind), [.invoice, .purchaseOrder, .payment])
        XCTAssertTrue(tx.allSatisfy(\.fromTransactionEvent))
        XCTAssertEqual(ProvenanceFact.transaction(tx[0]).fctcItems, [.e, .i])
        XCTAssertEqual(tx[0].buyers.first?.id, "urn:epc:id:pgln:4012345.00225")
    }

    func testDecommissioningDestroyingRecalledStolenFeedWatchlists() throws {
        func reasons(_ body: String) throws -> [WatchlistEntry.Reason] {
            TobaccoMapping.facts(for: try event(body)).compactMap { f -> WatchlistEntry.Reason? in
                if case .watchlist(let w) = f { return w.reason }
                return nil
            }
        }
        let epc = #""epcList":["urn:epc:id:sgtin:9521141.001234.P0001"]"#
        XCTAssertEqual(try reasons(#""type":"ObjectEvent","action":"DELETE","bizStep":"decommissioning","# + epc), [.decommissioned])
        XCTAssertEqual(try reasons(#""type":"ObjectEvent","action":"DELETE","bizStep":"destroying","disposition":"destroyed","# + epc), [.destroyed])
        XCTAssertEqual(try reasons(#""type":"ObjectEvent","action":"OBSERVE","disposition":"stolen","# + epc), [.stolen])
        XCTAssertEqual(try reasons(#""type":"ObjectEvent","action":"OBSERVE","persistentDisposition":{"set":["recalled"]},"# + epc), [.recalled])
        XCTAssertEqual(try reasons(#""type":"ObjectEvent","action":"OBSERVE","disposition":"in_transit","# + epc), [])
    }

    func testEveryCorpusEventMapsWithoutSurprises() throws {
        var kinds = Set<String>()
        for url in try Corpus.files("Documents") + Corpus.files("Events") {
            guard case .success(let d) = EPCISReader.read(try Corpus.bytes(url)) else { return XCTFail(url.path) }
            for e in d.events {
                for f in TobaccoMapping.facts(for: e) {
                    switch f {
                    case .manufacture: kinds.insert("manufacture")
                    case .aggregation: kinds.insert("aggregation")
                    case .movement: kinds.insert("movement")
                    case .transaction: kinds.insert("transaction")
                    case .watchlist: kinds.insert("watchlist")
                    }
                }
            }
        }
        XCTAssertEqual(kinds, ["manufacture", "aggregation", "movement", "transaction"])
    }
}
