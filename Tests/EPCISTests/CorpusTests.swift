import StrictJSON
import XCTest

@testable import EPCIS

/// The openepcis test corpus (../shared/testdata/epcis/openepcis): every capture document and event
/// is accepted; every invalid document is rejected, and for the reason its file name gives.
final class CorpusTests: XCTestCase {
    func testEveryDocumentIsAccepted() throws {
        let files = try Corpus.files("Documents")
        XCTAssertGreaterThanOrEqual(files.count, 38)
        for url in files {
            switch EPCISReader.read(try Corpus.bytes(url)) {
            case .success(let doc):
                XCTAssertEqual(doc.kind, .document, url.lastPathComponent)
                XCTAssertFalse(doc.events.isEmpty, url.lastPathComponent)
            case .failure(let e):
                XCTFail("\(url.lastPathComponent) rejected:\n\(e)")
            }
        }
    }

    func testEverySingleEventIsAccepted() throws {
        let files = try Corpus.files("Events")
        XCTAssertEqual(files.count, 5)
        for url in files {
            switch EPCISReader.read(try Corpus.bytes(url)) {
            case .success(let doc):
                XCTAssertEqual(doc.kind, .singleEvent, url.lastPathComponent)
                XCTAssertEqual(doc.events.count, 1)
                XCTAssertEqual(doc.events[0].type.name, url.deletingPathExtension().lastPathComponent)
            case .failure(let e):
                XCTFail("\(url.lastPathComponent) rejected:\n\(e)")
            }
        }
    }

    /// For each invalid file: exactly the (event index, field) pairs its name announces. Exactness
    /// matters: a spurious extra error would mean the validator rejects something valid.
    static let expectedProblems: [String: [(Int?, String)]] = [
        "Combination_of_events_with_missing_mandatory_fields": [(0, "action"), (1, "eventTimeZoneOffset"), (1, "action")],
        "Combination_of_multiple_invalid_fields": [(0, "bizStep"), (1, "disposition"), (2, "sourceList[0].type"), (3, "ilmd.materialType"),
                                                   (4, "eventTime"), (4, "action")],
        "Combination_of_non_standard_bizStep_and_disposition": [(0, "bizStep"), (1, "disposition")],
        "EPCISDocument_without_context": [(nil, "@context")],
        "ObjectEvent_with_ilmd_field_without_namespace": [(0, "ilmd.materialType")],
        "ObjectEvent_with_invalid_action": [(0, "action")],
        "ObjectEvent_with_invalid_certificationInfo": [(0, "certificationInfo[1].gs1:CertificationDetails.gs1:certificationAuditDate")],
        "ObjectEvent_with_invalid_eventTime_format": [(0, "eventTime")],
        "ObjectEvent_with_non_standard_bizStep": [(0, "bizStep")],
        "ObjectEvent_with_non_standard_bizStep_in_second_event": [(1, "bizStep")],
        "ObjectEvent_with_non_standard_disposition": [(0, "disposition")],
        "ObjectEvent_with_quantity_as_text": [(0, "quantityList[0].quantity")],
        "ObjectEvent_with_unknown_field_in_quantityList": [(0, "quantityList[0].weight")],
        // The file also lacks eventTimeZoneOffset, which the schema requires too: a genuine third problem.
        "ObjectEvent_without_action_and_eventTime": [(0, "eventTime"), (0, "eventTimeZoneOffset"), (0, "action")],
        "ObjectEvent_without_identifier_list": [(0, "epcList")],
    ]

    func testEveryInvalidDocumentIsRejectedForItsReason() throws {
        let files = try Corpus.files("Invalid")
        XCTAssertEqual(Set(files.map { $0.deletingPathExtension().lastPathComponent }), Set(Self.expectedProblems.keys),
                       "every invalid file needs its expected reasons here")
        for url in files {
            let name = url.deletingPathExtension().lastPathComponent
            guard case .failure(let err) = EPCISReader.read(try Corpus.bytes(url)) else {
                XCTFail("\(name) was accepted")
                continue
            }
            let got = err.issues.map { "\($0.eventIndex.map(String.init) ?? "doc") \($0.field)" }.sorted()
            let want = (Self.expectedProblems[name] ?? []).map { "\($0.0.map(String.init) ?? "doc") \($0.1)" }.sorted()
            XCTAssertEqual(got, want, "\(name):\n\(err)")
        }
    }

    /// The wording officers and senders see names the event, its type and the field.
    func testMessagesNameEventTypeAndField() throws {
        guard case .failure(let err) = EPCISReader.read(try Corpus.bytes("Invalid", "ObjectEvent_with_invalid_action.json")) else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(err.issues.map(\.description), [#"event 0 (ObjectEvent): action "CREATE" is not ADD, OBSERVE or DELETE"#])
        guard case .failure(let e2) = EPCISReader.read(try Corpus.bytes("Invalid", "ObjectEvent_with_non_standard_bizStep.json")) else {
            return XCTFail("accepted")
        }
        XCTAssertTrue(e2.issues[0].description.hasPrefix(#"event 0 (ObjectEvent): bizStep "transforming" is not a CBV 2.0 business step"#), e2.description)
    }
}
