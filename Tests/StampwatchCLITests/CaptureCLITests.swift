import Foundation
import XCTest

final class CaptureCLITests: XCTestCase {
    let corpus = CLI.projectRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata/epcis/openepcis")

    func testDryRunReportsEventsOrProblemsWithSysexits() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: corpus.path), "../shared/testdata is not beside the repository")
        let valid = try CLI.run("stampwatch-hub", ["capture", "--dry-run", "--json", corpus.appendingPathComponent("Documents/AggregationEvent.json").path])
        XCTAssertEqual(valid.status, 0, valid.stderr)
        let first = try CLI.json(try XCTUnwrap(valid.lines.first))
        XCTAssertEqual(first["type"] as? String, "AggregationEvent")
        XCTAssertTrue((first["eventID"] as? String)?.hasPrefix("ni:///sha-256;") == true || first["hashed"] as? Bool == false)

        let invalid = try CLI.run("stampwatch-hub", ["capture", "--dry-run", "--json", corpus.appendingPathComponent("Invalid/ObjectEvent_with_invalid_eventTime_format.json").path])
        XCTAssertEqual(invalid.status, 65)
        XCTAssertTrue(invalid.lines.contains { $0.contains("\"field\":\"eventTime\"") }, invalid.stdout)

        XCTAssertEqual(try CLI.run("stampwatch-hub", ["capture", "--dry-run", "/nonexistent.json"]).status, 66)
        let data = CLI.scratch().path
        let stored = try CLI.run("stampwatch-hub", ["capture", "--data", data, corpus.appendingPathComponent("Documents/AggregationEvent.json").path])
        XCTAssertEqual(stored.status, 0, stored.stderr)
        XCTAssertTrue(stored.stdout.contains("event(s) stored, 0 duplicate(s)"), stored.stdout)
    }

    /// The demo world's documents and master data through the command line: master-data import, capture
    /// (twice: nothing new the second time), an invalid document (nothing stored), then `cache build` from the hub.
    func testCaptureMasterDataAndCacheBuildFromTheHub() throws {
        let world = CLI.scratch().appendingPathComponent("world").path, data = CLI.scratch().path
        let keys = CLI.scratch().appendingPathComponent("keys").path
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["demo-world", "--seed", "5", "--out", world]).status, 0)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "generate", "--out", keys]).status, 0)
        let docs = try FileManager.default.contentsOfDirectory(atPath: world + "/epcis").sorted().map { world + "/epcis/" + $0 }

        let badMaster = CLI.scratch().appendingPathComponent("bad.json")
        try Data(#"{"format": "stampwatch-master-data/1", "products": [{"gtin": "123", "brand": "X"}]}"#.utf8).write(to: badMaster)
        let refused = try CLI.run("stampwatch-hub", ["master-data", "import", "--data", data, badMaster.path])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("products[0] (123): gtin: \"123\" must be 14 digits"), refused.stderr)
        let imported = try CLI.run("stampwatch-hub", ["master-data", "import", "--data", data, world + "/master-data.json"])
        XCTAssertEqual(imported.status, 0, imported.stderr)

        let first = try CLI.run("stampwatch-hub", ["capture", "--data", data] + docs)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(first.stdout.contains(" 0 event(s) stored"), first.stdout)
        let again = try CLI.run("stampwatch-hub", ["capture", "--data", data, "--json"] + docs)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.lines.isEmpty)
        XCTAssertTrue(again.lines.allSatisfy { $0.contains("\"status\":\"duplicate\"") }, "a document captured twice stores nothing new")

        let invalid = CLI.scratch().appendingPathComponent("invalid.json")
        try Data(#"{"@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "epcList": [], "action": "ADDED"}]}}"#.utf8).write(to: invalid)
        let rejected = try CLI.run("stampwatch-hub", ["capture", "--data", data, invalid.path])
        XCTAssertEqual(rejected.status, 65)
        XCTAssertTrue(rejected.stderr.contains("nothing was stored"), rejected.stderr)

        let out = CLI.scratch().appendingPathComponent("snapshot.sqlite").path
        let built = try CLI.run("stampwatch-hub", ["cache", "build", "--data", data, "--keys", keys, "--region", "MZ", "--version", "2", "--out", out])
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertTrue(built.stdout.contains("region MZ, version 2: 8000 packs"), built.stdout)
        XCTAssertTrue(built.stdout.contains("5 coverage windows"), built.stdout)
        let north = try CLI.run("stampwatch-hub", ["cache", "build", "--data", data, "--region", "MZ-N", "--version", "2", "--out", out + ".north"])
        XCTAssertEqual(north.status, 0, north.stderr)
        XCTAssertTrue(north.stdout.contains("coverage claim not published"), north.stdout)
        let next = try CLI.run("stampwatch-hub", ["cache", "build", "--data", data, "--keys", keys, "--version", "3", "--out", out + ".v3",
                                                  "--base", out, "--delta-out", out + ".delta"])
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stdout.contains("version 2 -> 3"), next.stdout)
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["cache", "build", "--data", CLI.scratch().path + "/none", "--version", "1", "--out", out]).status, 66)
    }

    func testStdinIsReadAndGarbageIsRejectedWithAPosition() throws {
        let r = try CLI.run("stampwatch-hub", ["capture", "--dry-run", "--json", "-"], stdin: Data("{\"type\": \"EPCISDocument\",".utf8))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stdout.contains("line 1"), r.stdout)
    }
}
