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
        let notStored = try CLI.run("stampwatch-hub", ["capture", corpus.appendingPathComponent("Documents/AggregationEvent.json").path])
        XCTAssertEqual(notStored.status, 69, "storing is not built yet and must not pretend to")
    }

    func testStdinIsReadAndGarbageIsRejectedWithAPosition() throws {
        let r = try CLI.run("stampwatch-hub", ["capture", "--dry-run", "--json", "-"], stdin: Data("{\"type\": \"EPCISDocument\",".utf8))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stdout.contains("line 1"), r.stdout)
    }
}
