import StrictJSON
import XCTest

@testable import EPCIS

/// EPCIS 2.0 schema and CBV 2.0 rules one at a time, each on an otherwise valid event.
final class ValidationTests: XCTestCase {
    private static let base: [String: String] = [
        "ObjectEvent": #""action":"OBSERVE","epcList":["urn:epc:id:sgtin:9521141.001234.P0001"]"#,
        "AggregationEvent": #""action":"ADD","parentID":"urn:epc:id:sscc:9521141.0000000001","childEPCs":["urn:epc:id:sgtin:9521141.001234.P0001"]"#,
        "TransactionEvent": #""action":"ADD","bizTransactionList":[{"type":"inv","bizTransaction":"urn:epcglobal:cbv:bt:9521141000016:1"}],"epcList":[]"#,
        "TransformationEvent": #""inputEPCList":["urn:epc:id:sgtin:9521141.001234.P0001"],"outputEPCList":["urn:epc:id:sgtin:9521141.001234.P0002"]"#,
        "AssociationEvent": #""action":"ADD","parentID":"urn:epc:id:grai:4012345.55555.987","childEPCs":["urn:epc:id:giai:4000001.12345"]"#,
    ]

    /// The issues for one event of `type` with `fields` replacing or adding to its base fields.
    private func issues(_ type: String, _ fields: String = "", replacing: Bool = false) -> [EPCISIssue] {
        let body = replacing ? fields : Self.base[type]! + (fields.isEmpty ? "" : "," + fields)
        let json = """
            {"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",{"example":"http://ns.example.com/epcis/"}],
             "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-07-22T10:30:00Z",
             "epcisBody":{"eventList":[{"type":"\(type)","eventTime":"2026-07-22T06:45:00+02:00","eventTimeZoneOffset":"+02:00",\(body)}]}}
            """
        switch EPCISReader.read(Array(json.utf8)) {
        case .success: return []
        case .failure(let e): return e.issues
        }
    }

    private func assertOne(_ got: [EPCISIssue], field: String, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.map(\.field), [field], got.map(\.description).joined(separator: "\n"), file: file, line: line)
        XCTAssertTrue(got.first?.problem.contains(text) ?? false, got.first?.description ?? "accepted", file: file, line: line)
    }

    func testBaseEventsAreValid() {
        for t in Self.base.keys { XCTAssertEqual(issues(t), [], t) }
    }

    func testUnknownAndMisspeltFields() {
        assertOne(issues("ObjectEvent", #""bizstep":"shipping""#), field: "bizstep", contains: #"did you mean "bizStep""#)
        assertOne(issues("ObjectEvent", #""weight":5"#), field: "weight", contains: "namespace prefix")
        XCTAssertEqual(issues("ObjectEvent", #""example:weight":5,"rdfs:comment":"ok""#), [])
        assertOne(issues("AggregationEvent", #""ilmd":{"example:a":"1"}"#), field: "ilmd", contains: "is not a field of AggregationEvent")
        assertOne(issues("TransformationEvent", #""action":"ADD""#), field: "action", contains: "is not a field of TransformationEvent")
        assertOne(issues("ObjectEvent", #""readPoint":{"id":"urn:epc:id:sgln:9521141.00001.0","door":"3"}"#), field: "readPoint.door", contains: "namespaced")
        assertOne(issues("ObjectEvent", #""bizTransactionList":[{"bizTransaction":"urn:x:1","kind":"po"}]"#), field: "bizTransactionList[0].kind", contains: "not a field")
    }

    func testRequiredFieldsPerType() {
        assertOne(issues("AggregationEvent", #""action":"ADD","childEPCs":["urn:epc:id:sgtin:9521141.001234.P0001"]"#, replacing: true),
                  field: "parentID", contains: "must name the parent")
        XCTAssertEqual(issues("AggregationEvent", #""action":"OBSERVE","childEPCs":["urn:epc:id:sgtin:9521141.001234.P0001"]"#, replacing: true), [])
        assertOne(issues("AggregationEvent", #""action":"ADD","parentID":"urn:epc:id:sscc:9521141.0000000001","childEPCs":[]"#, replacing: true),
                  field: "childEPCs", contains: "only a DELETE")
        XCTAssertEqual(issues("AggregationEvent", #""action":"DELETE","parentID":"urn:epc:id:sscc:9521141.0000000001""#, replacing: true), [])
        assertOne(issues("TransactionEvent", #""action":"ADD","epcList":[]"#, replacing: true), field: "bizTransactionList", contains: "is missing")
        assertOne(issues("AssociationEvent", #""action":"ADD","childEPCs":["urn:epc:id:giai:4000001.12345"]"#, replacing: true), field: "parentID", contains: "always")
        assertOne(issues("TransformationEvent", #""inputEPCList":["urn:epc:id:sgtin:9521141.001234.P0001"]"#, replacing: true),
                  field: "transformationID", contains: "only inputs")
        XCTAssertEqual(issues("TransformationEvent", #""inputEPCList":["urn:epc:id:sgtin:9521141.001234.P0001"],"transformationID":"urn:uuid:1""#, replacing: true), [])
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","quantityList":[]"#, replacing: true), field: "epcList", contains: "both missing")
        XCTAssertEqual(issues("ObjectEvent", #""action":"OBSERVE","readPoint":{"id":"urn:epc:id:sgln:9521141.00001.0"},"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":3}]}]"#, replacing: true), [])
    }

    func testILMDNeedsADDAndNamespacedKeys() {
        assertOne(issues("ObjectEvent", #""ilmd":{"example:lot":"L1"}"#), field: "ilmd", contains: "only allowed when action is ADD")
        XCTAssertEqual(issues("ObjectEvent", #""action":"ADD","epcList":[],"ilmd":{"example:lot":"L1","cbvmda:lotNumber":"L1"}"#, replacing: true), [])
        assertOne(issues("ObjectEvent", #""action":"ADD","epcList":[],"ilmd":{"lot":"L1"}"#, replacing: true), field: "ilmd.lot", contains: "no namespace prefix")
    }

    func testTimesAndOffsets() {
        func when(_ time: String, _ offset: String) -> [EPCISIssue] {
            let json = """
                {"@context":"https://ref.gs1.org/standards/epcis/epcis-context.jsonld","type":"ObjectEvent","action":"OBSERVE","epcList":[],
                 "eventTime":"\(time)","eventTimeZoneOffset":"\(offset)"}
                """
            if case .failure(let e) = EPCISReader.read(Array(json.utf8)) { return e.issues }
            return []
        }
        XCTAssertEqual(when("2026-07-22T06:45:00.123456789+02:00", "+02:00"), [])
        XCTAssertEqual(when("2024-02-29T23:59:60Z", "-14:00"), [], "leap day and leap second")
        assertOne(when("2026-02-30T06:45:00+02:00", "+02:00"), field: "eventTime", contains: "RFC 3339")
        assertOne(when("2026-07-22 06:45:00+02:00", "+02:00"), field: "eventTime", contains: "RFC 3339")
        assertOne(when("2026-07-22T06:45:00", "+02:00"), field: "eventTime", contains: "time zone")
        assertOne(when("2026-07-22T24:00:00Z", "+02:00"), field: "eventTime", contains: "RFC 3339")
        assertOne(when("2026-07-22T06:45:00Z", "+15:00"), field: "eventTimeZoneOffset", contains: "+hh:mm")
        assertOne(when("2026-07-22T06:45:00Z", "2:00"), field: "eventTimeZoneOffset", contains: "+hh:mm")
        assertOne(issues("ObjectEvent", #""recordTime":"yesterday""#), field: "recordTime", contains: "RFC 3339")
    }

    func testVocabularies() {
        XCTAssertEqual(issues("ObjectEvent", #""bizStep":"urn:epcglobal:cbv:bizstep:shipping","disposition":"cbv:Disp-in_transit""#), [])
        XCTAssertEqual(issues("ObjectEvent", #""bizStep":"https://example.com/steps/sealing","disposition":"example:sealed""#), [])
        assertOne(issues("ObjectEvent", #""bizStep":"urn:epcglobal:cbv:bizstep:transforming""#), field: "bizStep", contains: "names no CBV 2.0 business step")
        assertOne(issues("ObjectEvent", #""bizStep":"urn:epcglobal:cbv:disp:in_transit""#), field: "bizStep", contains: "is a CBV disposition, not a business step")
        assertOne(issues("ObjectEvent", #""disposition":"cbv:Disp-lost""#), field: "disposition", contains: "names no CBV 2.0 disposition")
        assertOne(issues("ObjectEvent", #""sourceList":[{"type":"place","source":"urn:epc:id:sgln:9521141.00001.0"}]"#), field: "sourceList[0].type", contains: "source/destination type")
        assertOne(issues("ObjectEvent", #""sourceList":[{"source":"urn:epc:id:sgln:9521141.00001.0"}]"#), field: "sourceList[0].type", contains: "is missing")
        assertOne(issues("ObjectEvent", #""errorDeclaration":{"declarationTime":"2026-07-23T00:00:00Z","reason":"typo"}"#), field: "errorDeclaration.reason", contains: "error reason")
        XCTAssertEqual(issues("ObjectEvent", #""sensorElementList":[{"sensorReport":[{"exception":"ALARM_CONDITION"}]}]"#), [])
        assertOne(issues("ObjectEvent", #""sensorElementList":[{"sensorReport":[{"value":3}]}]"#), field: "sensorElementList[0].sensorReport[0].type", contains: "is missing")
    }

    func testIdentifiers() {
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","epcList":["urn:epc:id:sgtin:9521141.001234.P1","urn:epc:id:sgtin:9521141.001234.P1"]"#, replacing: true),
                  field: "epcList[1]", contains: "appears twice")
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","epcList":["urn:epc:idpat:sgtin:9521141.001234.*"]"#, replacing: true), field: "epcList[0]", contains: "class")
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","quantityList":[{"epcClass":"urn:epc:id:sgtin:9521141.001234.P1","quantity":2}]"#, replacing: true),
                  field: "quantityList[0].epcClass", contains: "names one object")
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","epcList":["urn:epc:id:sgtin:9521141.01234.P1"]"#, replacing: true), field: "epcList[0]", contains: "SGTIN")
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","epcList":["https://id.gs1.org/01/09521141012346/21/P1"]"#, replacing: true), field: "epcList[0]", contains: "check digit")
        assertOne(issues("ObjectEvent", #""action":"OBSERVE","epcList":["not a uri"]"#, replacing: true), field: "epcList[0]", contains: "is not a URI")
        XCTAssertEqual(issues("ObjectEvent", #""action":"OBSERVE","epcList":["urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6","urn:epc:id:adi:2S.123.456"]"#, replacing: true), [])
        assertOne(issues("ObjectEvent", #""quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":1,"uom":"kg"}]"#), field: "quantityList[0].uom", contains: "unit code")
    }

    func testDocumentLevelRules() {
        func doc(_ s: String) -> [EPCISIssue] {
            if case .failure(let e) = EPCISReader.read(Array(s.utf8)) { return e.issues }
            return []
        }
        let ctx = #""@context":"https://ref.gs1.org/standards/epcis/epcis-context.jsonld""#
        assertOne(doc("{\(ctx),\"type\":\"EPCISDocument\",\"schemaVersion\":\"1.2\",\"creationDate\":\"2026-07-22T10:30:00Z\",\"epcisBody\":{\"eventList\":[]}}"),
                  field: "schemaVersion", contains: "2.x")
        assertOne(doc("{\(ctx),\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-07-22T10:30:00Z\",\"epcisBody\":{}}"),
                  field: "epcisBody.eventList", contains: "is missing")
        assertOne(doc("{\(ctx),\"type\":\"Foo\"}"), field: "type", contains: "is not ObjectEvent")
        XCTAssertEqual(doc(#"{"type":"ObjectEvent","eventTime":"2026-07-22T06:45:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":[]}"#).map(\.field), ["@context"])
        XCTAssertEqual(doc("[1,2]").map(\.field), [""])
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        XCTAssertTrue(doc(deep).first?.problem.contains("well-formed JSON") ?? false)
        // A user-defined event type is kept, as the schema's Extended-Event allows.
        XCTAssertEqual(doc("{\(ctx),\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-07-22T10:30:00Z\",\"epcisBody\":{\"eventList\":[{\"type\":\"https://example.com/SealEvent\",\"eventTime\":\"2026-07-22T06:45:00Z\",\"eventTimeZoneOffset\":\"+00:00\",\"example:seal\":\"S1\"}]}}"), [])
    }

    func testQueryDocumentsAreRead() throws {
        let json = """
            {"@context":"https://ref.gs1.org/standards/epcis/epcis-context.jsonld","type":"EPCISQueryDocument","schemaVersion":"2.0",
             "creationDate":"2026-07-22T10:30:00Z","epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[
             {"type":"ObjectEvent","eventTime":"2026-07-22T06:45:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":[]}]}}}}
            """
        let d = try EPCISReader.read(Array(json.utf8)).get()
        XCTAssertEqual(d.kind, .queryDocument)
        XCTAssertEqual(d.events.count, 1)
    }

    func testEveryIssueIsReportedNotJustTheFirst() {
        let got = issues("ObjectEvent", #""action":"ADDED","bizStep":"shipped","disposition":"gone","epcList":["x"]"#, replacing: true)
        XCTAssertEqual(got.map(\.field), ["action", "epcList[0]", "bizStep", "disposition"])
    }
}
