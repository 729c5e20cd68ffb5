import StrictJSON
import XCTest

@testable import EPCIS

/// `capture --dry-run --json`: one JSON line per event, or one per problem, and the exit code.
final class DryRunTests: XCTestCase {
    func testValidDocumentListsEveryEventAndHashesThoseWithoutID() throws {
        let report = DryRun.report(try Corpus.bytes("Documents", "AggregationEvent_with_persistentDisposition.json"))
        XCTAssertEqual(report.exitCode, 0)
        guard case .accepted(let events) = report else { return XCTFail("\(report)") }
        XCTAssertEqual(events.map(\.index), [0, 1])
        XCTAssertEqual(events.map(\.type), ["AggregationEvent", "AggregationEvent"])
        XCTAssertTrue(events.allSatisfy { $0.hashed && EventHash.isHashID($0.eventID) })
        XCTAssertNotEqual(events[0].eventID, events[1].eventID)
        let line = try JSONParser.parse(report.jsonLines[0])
        XCTAssertEqual(line["index"], 0)
        XCTAssertEqual(line["type"], "AggregationEvent")
        XCTAssertEqual(line["hashed"], true)
        XCTAssertEqual(line["eventID"]?.stringValue, events[0].eventID)
    }

    func testGivenEventIDsAreReportedAsGiven() throws {
        guard case .accepted(let events) = DryRun.report(try Corpus.bytes("Documents", "ObjectEvent_all_possible_fields.json")) else {
            return XCTFail()
        }
        XCTAssertEqual(events, [DryRunEvent(index: 0, type: "ObjectEvent", eventID: "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8", hashed: false)])
        XCTAssertEqual(events[0].jsonLine, #"{"index":0,"type":"ObjectEvent","eventID":"urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8","hashed":false}"#)
    }

    func testInvalidDocumentListsEveryProblemAndExits65() throws {
        let report = DryRun.report(try Corpus.bytes("Invalid", "Combination_of_multiple_invalid_fields.json"))
        XCTAssertEqual(report.exitCode, 65)
        XCTAssertEqual(report.jsonLines.count, 6)
        for text in report.jsonLines {
            let line = try JSONParser.parse(text)
            XCTAssertNotNil(line["index"]?.intValue)
            XCTAssertEqual(line["type"], "ObjectEvent")
            XCTAssertFalse(line["field"]?.stringValue?.isEmpty ?? true)
            XCTAssertTrue(line["error"]?.stringValue?.hasPrefix("event ") ?? false)
        }
    }

    func testNotJSONIsOneDocumentLevelProblem() throws {
        let report = DryRun.report(Array("{\"type\": \"EPCISDocument\",".utf8))
        XCTAssertEqual(report.exitCode, 65)
        XCTAssertEqual(report.jsonLines.count, 1)
        let line = try JSONParser.parse(report.jsonLines[0])
        XCTAssertEqual(line["index"], .null)
        XCTAssertTrue(line["error"]?.stringValue?.contains("line 1") ?? false, report.jsonLines[0])
    }

    func testSingleEventDocument() throws {
        guard case .accepted(let events) = DryRun.report(try Corpus.bytes("Events", "TransformationEvent.json")) else { return XCTFail() }
        XCTAssertEqual(events, [DryRunEvent(index: 0, type: "TransformationEvent", eventID: "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8", hashed: false)])
    }
}
