import CacheAssembly
import FieldStore
import Foundation
import Hub
import XCTest

final class MasterDataTests: XCTestCase {
    func problems(_ text: String) -> [String] {
        do {
            _ = try MasterDataFormat.parse(Array(text.utf8))
            return []
        } catch {
            return error.problems
        }
    }

    func testTheFixtureParsesAndRoundTrips() throws {
        let set = try MasterDataFormat.parse(Fixture.masterData)
        XCTAssertEqual(set.facilities.map(\.facility.facilityID), ["F-S", "F-N"])
        XCTAssertEqual(set.utcOffsetMinutes, 120)
        XCTAssertEqual(set.series.first?.features.first?.tool, .uvTorch)
        XCTAssertEqual(set.coverage.first?.from, 1_767_218_400)
        XCTAssertTrue(set.referenceProblems().isEmpty)
        let again = try MasterDataFormat.parse(MasterDataFormat.document(set).serializedBytes(pretty: true))
        XCTAssertEqual(again, set)
    }

    func testEveryProblemNamesTheEntryAndTheField() {
        let p = problems("""
        {"format": "stampwatch-master-data/1", "colour": 1,
         "operators": [{"id": "OP-1", "name": "X", "role": "smuggler", "country": "Mozambique"}],
         "facilities": [{"id": "F-1", "operator": "OP-1", "name": "Plant", "region": "MZ-S", "latitude": 95, "longitude": 34}],
         "products": [{"gtin": "09520011001012", "brand": "B"}, {"gtin": "123", "brand": "C"}],
         "machines": [{"id": "M-1"}],
         "series": [{"id": "S", "name": "S", "features": [{"id": "f", "name": "F", "level": "secret", "tool": "none", "look_for": "x"}]}],
         "coverage": [{"facility": "F-1", "from": "yesterday", "to": "2026-12-31T00:00:00Z", "basis": "x"}],
         "stamp_orders": [{"id": "O", "operator": "OP-1", "month": "2026-13", "quantity": -5}]}
        """)
        let expected = [
            "colour: unknown member",
            "operators[0] (OP-1): role: \"smuggler\" must be manufacturer or importer",
            "operators[0] (OP-1): country: \"Mozambique\" is not an ISO 3166 code",
            "facilities[0] (F-1): latitude: 95.0 is outside -90…90",
            "products[0] (09520011001012): gtin: \"09520011001012\" has a wrong check digit",
            "products[1] (123): gtin: \"123\" must be 14 digits",
            "machines[0] (M-1): facility: missing",
            "series[0] (S): features[0] (f): level: \"secret\" must be overt, semi-covert or covert",
            "coverage[0]: from: \"yesterday\" is not an RFC 3339 time",
            "stamp_orders[0] (O): month: \"2026-13\" must be YYYY-MM",
            "stamp_orders[0] (O): quantity: must be a whole number",
        ]
        for e in expected { XCTAssertTrue(p.contains { $0.hasPrefix(e) }, "missing \(e) in\n\(p.joined(separator: "\n"))") }
        XCTAssertEqual(problems("[]"), ["the file must be a JSON object with \"format\": \"stampwatch-master-data/1\""])
        XCTAssertTrue(problems("{\"format\": ").first?.hasPrefix("the file is not JSON") == true)
        XCTAssertEqual(problems("{\"format\": \"stampwatch-master-data/1\", \"operators\": [{\"id\": \"A\", \"name\": \"A\", \"role\": \"importer\", \"country\": \"MZ\"}, {\"id\": \"A\", \"name\": \"B\", \"role\": \"importer\", \"country\": \"MZ\"}]}"),
                       ["operators: \"A\" appears twice; give each entry once"])
    }

    func testAnImportWithADanglingReferenceIsRefusedWholeAndLaterImportsReplaceByID() throws {
        let dir = NSTemporaryDirectory() + "masterdata-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteHubStore(path: dir + "/hub.sqlite")
        defer { try? store.close() }
        let orphan = Array("""
        {"format": "stampwatch-master-data/1", "facilities": [{"id": "F-9", "operator": "OP-9", "name": "Plant", "region": "MZ-S"}],
         "products": [{"gtin": "\(Fixture.gtin)", "brand": "Teste"}]}
        """.utf8)
        XCTAssertThrowsError(try store.importMasterData(try MasterDataFormat.parse(orphan), document: orphan, now: 0)) { e in
            XCTAssertTrue("\(e)".contains("facility F-9: operator \"OP-9\" is not a known operator"), "\(e)")
        }
        XCTAssertEqual(try store.counts()["master_data"], 0, "nothing of a refused file is stored")
        let first = try store.importMasterData(try MasterDataFormat.parse(Fixture.masterData), document: Fixture.masterData, now: 0)
        XCTAssertEqual(first.replaced, 0)
        XCTAssertGreaterThan(first.added, 10)
        // The orphan facility is fine once its operator exists... under another operator id it still is not.
        let renamed = Array("""
        {"format": "stampwatch-master-data/1", "products": [{"gtin": "\(Fixture.gtin)", "brand": "Teste Novo"}]}
        """.utf8)
        let second = try store.importMasterData(try MasterDataFormat.parse(renamed), document: renamed, now: 1)
        XCTAssertEqual([second.added, second.replaced, second.unchanged], [0, 1, 0])
        XCTAssertEqual(try store.masterData().products.map(\.brand), ["Teste Novo"])
        XCTAssertEqual(try store.masterData().facilities.count, 2)
    }
}
