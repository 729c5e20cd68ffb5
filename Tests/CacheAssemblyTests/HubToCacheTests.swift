import CacheAssembly
import EPCIS
import FieldStore
import Foundation
import GRDB
import Hub
import StampCodes
import StampCrypto
import StrictJSON
import XCTest

/// A small world written by hand: two plants (Sofala, Nampula), packs, a carton, a case that is shipped
/// through Sofala and stolen, a pack sighted in Sofala, and a code seen in Maputo and Pemba 3 h apart.
enum Fixture {
    static let t0: Int64 = 1_783_000_000  // 2026-07-02
    static let hour: Int64 = 3_600
    static let gtin: String = { let body = "0952001100101"; return body + String(GS1Key.checkDigit(body)) }()
    static func sgtin(_ serial: String) -> String { "urn:epc:id:sgtin:9520011.000101.\(serial)" }
    static let carton1 = "urn:epc:id:sscc:9520011.1000000001", case1 = "urn:epc:id:sscc:9520011.2000000001"
    static let carton2 = "urn:epc:id:sscc:9520011.1000000002"
    static let plantS = "urn:epc:id:sgln:9520011.00001.0", plantN = "urn:epc:id:sgln:9520011.00002.0"
    static let depotS = "urn:epc:id:sgln:9520600.00001.0", shopMaputo = "urn:epc:id:sgln:9520600.00002.0"
    static let shopPemba = "urn:epc:id:sgln:9520600.00003.0"

    static func time(_ t: Int64) -> String { MasterDataFormat.utcText(t).replacingOccurrences(of: "Z", with: ".000Z") }

    static func event(_ type: String, _ t: Int64, _ members: String) -> String {
        "{\"type\":\"\(type)\",\"eventTime\":\"\(time(t))\",\"eventTimeZoneOffset\":\"+02:00\",\(members)}"
    }

    static func document(_ events: [String]) -> [UInt8] {
        Array(("{\"@context\":[\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\",{\"sw\":\"https://stampwatch.example/ns/epcis#\"}],"
               + "\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-11-01T00:00:00.000Z\","
               + "\"epcisBody\":{\"eventList\":[" + events.joined(separator: ",") + "]}}").utf8)
    }

    static func commissioning(_ t: Int64, _ serials: [String], facility: String, site: String) -> String {
        event("ObjectEvent", t, """
            "epcList":[\(serials.map { "\"\(sgtin($0))\"" }.joined(separator: ","))],"action":"ADD","bizStep":"commissioning",\
            "disposition":"active","bizLocation":{"id":"\(site)"},"ilmd":{"sw:manufacturingFacility":"\(facility)",\
            "sw:manufacturingMachine":"\(facility)-M1","sw:productionShift":"A","sw:intendedMarket":"MZ","sw:stampSeries":"SER-1",\
            "sw:economicOperator":"OP-1"}
            """)
    }

    static func packing(_ t: Int64, parent: String, children: [String]) -> String {
        event("AggregationEvent", t, """
            "parentID":"\(parent)","childEPCs":[\(children.map { "\"\($0)\"" }.joined(separator: ","))],"action":"ADD","bizStep":"packing"
            """)
    }

    static func observe(_ t: Int64, _ epc: String, step: String, disposition: String, at place: String, extra: String = "") -> String {
        event("ObjectEvent", t, """
            "epcList":["\(epc)"],"action":"OBSERVE","bizStep":"\(step)","disposition":"\(disposition)","readPoint":{"id":"\(place)"}\(extra)
            """)
    }

    /// Production and packing (one document), movements and incidents (another).
    static var production: [UInt8] {
        document([
            commissioning(t0, ["S1", "S2", "S3"], facility: "F-S", site: plantS),
            commissioning(t0 + 60, ["N1", "N2"], facility: "F-N", site: plantN),
            packing(t0 + 120, parent: carton1, children: [sgtin("S1"), sgtin("S2"), sgtin("S3")]),
            packing(t0 + 180, parent: case1, children: [carton1]),
            packing(t0 + 240, parent: carton2, children: [sgtin("N1"), sgtin("N2")]),
        ])
    }

    static var incidents: [UInt8] {
        document([
            observe(t0 + 2 * hour, case1, step: "shipping", disposition: "in_transit", at: depotS),
            observe(t0 + 5 * hour, case1, step: "transporting", disposition: "stolen", at: depotS,
                    extra: ",\"sw:policeReport\":\"PR-0457\""),
            observe(t0 + 30 * hour, sgtin("N1"), step: "inspecting", disposition: "sellable_accessible", at: depotS),
            observe(t0 + 40 * hour, sgtin("S3"), step: "inspecting", disposition: "sellable_accessible", at: shopMaputo),
            observe(t0 + 43 * hour, sgtin("S3"), step: "inspecting", disposition: "sellable_accessible", at: shopPemba),
        ])
    }

    static var masterData: [UInt8] {
        Array("""
        {"format": "stampwatch-master-data/1", "utc_offset": "+02:00",
         "operators": [{"id": "OP-1", "name": "Tabacos Teste, SA", "role": "manufacturer", "country": "MZ"}],
         "facilities": [
           {"id": "F-S", "operator": "OP-1", "name": "Beira plant", "region": "MZ-S", "latitude": -19.8, "longitude": 34.8, "locations": ["\(plantS)"]},
           {"id": "F-N", "operator": "OP-1", "name": "Nampula plant", "region": "MZ-N", "latitude": -15.1, "longitude": 39.2, "locations": ["\(plantN)"]}],
         "machines": [{"id": "F-S-M1", "facility": "F-S", "name": "Line 1"}, {"id": "F-N-M1", "facility": "F-N"}],
         "products": [{"gtin": "\(gtin)", "brand": "Teste", "description": "Teste Red 20s"}],
         "series": [{"id": "SER-1", "name": "Domestic 2026", "features": [
           {"id": "uv", "name": "UV fibres", "level": "semi-covert", "tool": "uv-torch", "look_for": "Red and blue fibres glow."}]}],
         "locations": [
           {"id": "\(depotS)", "name": "Depot Beira", "region": "MZ-S", "latitude": -19.83, "longitude": 34.85},
           {"id": "\(shopMaputo)", "name": "Shop Maputo", "region": "MZ-MPM", "latitude": -25.95, "longitude": 32.56},
           {"id": "\(shopPemba)", "name": "Shop Pemba", "region": "MZ-P", "latitude": -12.96, "longitude": 40.51}],
         "coverage": [
           {"facility": "F-S", "from": "2026-01-01T00:00:00+02:00", "to": "2026-12-31T23:59:59+02:00", "basis": "test"},
           {"facility": "F-N", "from": "2026-01-01T00:00:00+02:00", "to": "2026-12-31T23:59:59+02:00", "basis": "test"}],
         "stamp_orders": [{"id": "ORD-1", "operator": "OP-1", "month": "2026-07", "quantity": 100}]}
        """.utf8)
    }
}

final class HubToCacheTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "cacheassembly-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func hub() throws -> SQLiteHubStore {
        let store = try SQLiteHubStore(path: dir + "/hub.sqlite")
        _ = try store.importMasterData(try MasterDataFormat.parse(Fixture.masterData), document: Fixture.masterData, now: Fixture.t0)
        for doc in [Fixture.production, Fixture.incidents] { _ = try capture(store, doc) }
        return store
    }

    func capture(_ store: SQLiteHubStore, _ doc: [UInt8]) throws -> CaptureOutcome {
        guard case .success(let events) = EPCISCapture.prepare(doc) else { throw XCTSkip("fixture document invalid") }
        return try store.captureSync(clientID: "test", document: doc, events: events, now: Fixture.t0)
    }

    func build(_ store: SQLiteHubStore, region: String, version: Int64 = 1, name: String = "snapshot") throws -> (FieldStore, AssemblyReport) {
        let out = dir + "/\(name)-\(region).sqlite"
        let descriptor = CacheDescriptor(version: version, region: region, source: "test", publishedAt: Fixture.t0 + 100 * Fixture.hour,
                                         expires: Fixture.t0 + 1_000 * Fixture.hour)
        let (_, report) = try HubCacheBuild.build(store: store, scope: AssemblyScope(region: region), keyringJSON: nil, keyring: nil,
                                                  descriptor: descriptor, output: out)
        var options = FieldStore.Options()
        options.region = region
        let fs = try FieldStore.open(at: dir + "/field-\(name)-\(region).sqlite", options: options)
        _ = try fs.applySnapshot(at: out, now: Fixture.t0 + 101 * Fixture.hour)
        return (fs, report)
    }

    func testFixtureIsValidEPCIS() {
        for doc in [Fixture.production, Fixture.incidents] {
            if case .failure(let e) = EPCISReader.read(doc) { XCTFail("\(e)") }
        }
    }

    func testCaptureBuildApplyAndTheQueriesAnswerTheChain() throws {
        let store = try hub()
        defer { try? store.close() }
        let (fs, report) = try build(store, region: "MZ")
        XCTAssertEqual(report.packs, 5)
        let s1 = try XCTUnwrap(try fs.pack(uid: "S1"))
        XCTAssertEqual(s1, Pack(uid: "S1", gtin: Fixture.gtin, facilityID: "F-S", machineID: "F-S-M1", manufactured: Fixture.t0, market: "MZ",
                                seriesID: "SER-1"))
        let chain = try fs.aggregationChain(of: "S1")
        XCTAssertEqual(chain.map(\.link.parentID), [Fixture.carton1, Fixture.case1])
        XCTAssertEqual(chain.map(\.link.parentLevel), [.carton, .case])
        XCTAssertEqual(try fs.events(for: "S1").map(\.bizStep), ["commissioning", "packing", "packing", "shipping", "transporting"])
        for e in try fs.events(for: "S1") {
            guard case .success(let d) = EPCISReader.read(Array(e.body.utf8)) else { return XCTFail("body of \(e.eventID) is not EPCIS") }
            XCTAssertEqual(EventHash.hashID(d.events[0]), e.eventID, "the cached body re-hashes to its id")
        }
        // The stolen case: every pack in it; the note quotes the police report.
        let stolen = try XCTUnwrap(try fs.watchlistEntry(uid: "S2"))
        XCTAssertEqual(stolen.reason, .stolen)
        XCTAssertEqual(stolen.since, Fixture.t0 + 5 * Fixture.hour)
        XCTAssertTrue(stolen.note.contains("PR-0457"), stolen.note)
        // S3 was then seen in Maputo and in Pemba 3 h apart: a clone, later than the theft.
        XCTAssertEqual(try fs.watchlistEntry(uid: "S3")?.reason, .clone)
        XCTAssertNil(try fs.watchlistEntry(uid: "N2"))
        XCTAssertEqual(try fs.checklist(series: "SER-1")?.features.map(\.featureID), ["uv"])
        XCTAssertEqual(try fs.facility(id: "F-S")?.region, "MZ-S")
        // Coverage: both plants are wholly in the national cache, so an unknown UID claiming them is suspect.
        guard case .unknownInCoveredScope = try fs.lookupPack(uid: "S9", claimedFacility: "F-N", claimedManufactured: Fixture.t0) else {
            return XCTFail("F-N is covered")
        }
        let figures = try fs.dashboard(operator: "OP-1")
        XCTAssertEqual(figures.first { $0.metric == "stamps_applied" }?.value, 5)
        XCTAssertEqual(figures.first { $0.metric == "stamps_ordered" }?.value, 100)
        XCTAssertEqual(figures.first { $0.metric == "stamps_seen" }?.value, 3)
    }

    func testRegionFilteringKeepsTheRegionsPacksAndOnlyHonestCoverage() throws {
        let store = try hub()
        defer { try? store.close() }
        let (fs, report) = try build(store, region: "MZ-S")
        // Made in Sofala: S1–S3. Made in Nampula but sighted in Sofala: N1. N2 never was in Sofala.
        for uid in ["S1", "S2", "S3", "N1"] { XCTAssertNotNil(try fs.pack(uid: uid), uid) }
        XCTAssertNil(try fs.pack(uid: "N2"))
        XCTAssertEqual(report.packsOutOfScope, 1)
        XCTAssertEqual(try fs.aggregationChain(of: "N1").map(\.link.parentID), [Fixture.carton2])
        // The Nampula claim would be a lie in this cache (N2 is not in it): dropped, and said so.
        XCTAssertEqual(report.coverage.map(\.facilityID), ["F-S"])
        XCTAssertEqual(report.coverageDropped.count, 1)
        XCTAssertTrue(report.coverageDropped[0].hasPrefix("F-N"))
        guard case .notCovered = try fs.lookupPack(uid: "N9", claimedFacility: "F-N", claimedManufactured: Fixture.t0) else {
            return XCTFail("F-N must not be claimed as covered in MZ-S")
        }
        // Nampula alone: its own two packs.
        let (north, _) = try build(store, region: "MZ-N", name: "north")
        XCTAssertNotNil(try north.pack(uid: "N2"))
        XCTAssertNil(try north.pack(uid: "S1"))
    }

    func testADocumentCapturedTwiceStoresNothingNew() throws {
        let store = try hub()
        defer { try? store.close() }
        let before = try store.counts()
        let again = try capture(store, Fixture.production)
        XCTAssertTrue(again.repeated)
        XCTAssertTrue(again.events.allSatisfy { $0.status == "duplicate" })
        // The same events written differently (pretty-printed): still nothing new, not even the document.
        let pretty = try JSONParser.parse(Fixture.incidents).serializedBytes(pretty: true)
        XCTAssertNotEqual(pretty, Fixture.incidents)
        let reformatted = try capture(store, pretty)
        XCTAssertTrue(reformatted.repeated)
        XCTAssertEqual(try store.counts(), before)
        XCTAssertEqual(before["epcis_event"], 10)
    }

    func testAnInvalidDocumentStoresNothing() throws {
        let store = try hub()
        defer { try? store.close() }
        let before = try store.counts()
        var text = String(decoding: Fixture.document([Fixture.packing(Fixture.t0, parent: Fixture.carton1, children: [Fixture.sgtin("X1")]),
                                                      Fixture.observe(Fixture.t0, Fixture.case1, step: "shipping", disposition: "in_transit",
                                                                      at: Fixture.depotS)]), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"OBSERVE\"", with: "\"OBSERVED\"")
        guard case .failure(let e) = EPCISCapture.prepare(Array(text.utf8)) else { return XCTFail("must be refused") }
        XCTAssertEqual(e.issues.map(\.eventIndex), [1])
        XCTAssertEqual(try store.counts(), before)
    }

    func testStoredEventsAreImmutable() throws {
        let store = try hub()
        defer { try? store.close() }
        let q = try DatabaseQueue(path: dir + "/hub.sqlite")
        defer { try? q.close() }
        XCTAssertThrowsError(try q.write { try $0.execute(sql: "UPDATE epcis_event SET disposition = 'active'") })
        XCTAssertThrowsError(try q.write { try $0.execute(sql: "DELETE FROM epcis_event") })
    }

    func testCloneFlagsFromUploadedInspectionsAppearInTheNextBuild() async throws {
        let store = try hub()
        defer { try? store.close() }
        let signer = ReceiptSigner(key: try SigningKey.generate(.eddsa))
        for (device, region, place, t) in [("dev-south", "MZ-MPM", "-25.95,32.56", Fixture.t0 + 50 * Fixture.hour),
                                           ("dev-north", "MZ-P", "-12.96,40.51", Fixture.t0 + 52 * Fixture.hour)] {
            let token = try store.issueToken(deviceID: device, role: .console, region: region, now: Fixture.t0, ttl: 3_600)
            _ = try await store.enrol(deviceID: device, tokenHash: SHA256.hash(Array(token.utf8)), publicKeySPKI: [1, 2, 3], now: Fixture.t0)
            let payload = Array("{\"uid\":\"N2\",\"device_id\":\"\(device)\",\"created_at\":\(t),\"place\":\"\(place)\"}".utf8)
            let record = IncomingRecord(recordUUID: UUID().uuidString.lowercased(), deviceID: device, seq: 1, kind: "inspection", payload: payload)
            _ = try await store.upload(deviceID: device, items: [.record(record)], requestSHA256: "", now: t, signer: signer)
        }
        let (fs, _) = try build(store, region: "MZ")
        let entry = try XCTUnwrap(try fs.watchlistEntry(uid: "N2"))
        XCTAssertEqual(entry.reason, .clone)
        XCTAssertEqual(entry.since, Fixture.t0 + 52 * Fixture.hour)
    }
}
