import StrictJSON
import XCTest

@testable import EPCIS

/// The CBV 2.0 event hash: reference vectors, equivalences the algorithm promises, determinism,
/// field-order independence and sensitivity to every hashed field.
final class EventHashTests: XCTestCase {
    private func events(_ folder: String, _ name: String) throws -> [EPCISEvent] {
        switch EPCISReader.read(try Corpus.bytes(folder, name)) {
        case .success(let d): return d.events
        case .failure(let e): throw e
        }
    }

    private func event(json: String) throws -> EPCISEvent {
        switch EPCISReader.read(Array(json.utf8)) {
        case .success(let d): return d.events[0]
        case .failure(let e): throw e
        }
    }

    /// Expected IDs from the GS1 reference generator (RalphTro/epcis-event-hash-generator,
    /// tests/examples/expected/CBV2.0/*.hashes, for the same openepcis documents); the all-GS1-keys
    /// value is also asserted by openepcis-event-hash-generator's own tests. The user-extensions
    /// value is the SHA-256 of that generator's expected pre-hash string for the same document.
    static let referenceVectors: [(String, String)] = [
        ("ObjectEvent_all_possible_fields.json", "9811bfb2672e9c3a0f6151be339d22b60db375c8b23d2740f6137cc6539f0639"),
        ("AggregationEvent_all_possible_fields.json", "41cf5d2be6b6926acc531597e43932eb4b9b23926ccb6ce08c882bda7a74d1a8"),
        ("AssociationEvent_all_possible_fields.json", "3dada0cdabe84618e9f0b842031159cb49534f487d5714cac9cfd647bf5f6c54"),
        ("TransactionEvent_all_possible_fields.json", "4a85d64a96409f0c57baed258666b26d83e6690d204a8aaed4c7e2624d8b0c81"),
        ("TransformationEvent_all_possible_fields.json", "529cc54b8cf9d8664208cc6c77473274d8c2dd473469920a7d09a814623f52cc"),
        ("epcisDocWithAllGS1Keys.json", "40744f32beff53a4bf5bb5956d465cb52de5bbcc9f131409d8efb903b04d9351"),
        ("TransformationEvent_with_userExtensions.json", "dca180f4e6005d4b6a6408a8d143977ca2e4f3e72048d7aa03b4df4055d484f9"),
    ]

    func testReferenceGeneratorVectors() throws {
        for (name, hex) in Self.referenceVectors {
            let e = try events("Documents", name)
            XCTAssertEqual(e.count, 1, name)
            XCTAssertEqual(EventHash.hashID(e[0]), "ni:///sha-256;\(hex)?ver=CBV2.0", name)
        }
    }

    /// Pre-hash shape for a small event, checked piece by piece (order, URN→Digital Link, bare
    /// vocabulary → CBV web URI, UTC milliseconds, type before id in lists, extension last).
    func testPreHashStringOfTheGS1ExampleEvent() throws {
        let e = try events("Documents", "ObjectEvent.json")[1]
        XCTAssertEqual(EventHash.preHashString(e, separator: "\n"), """
            eventType=ObjectEvent
            eventTime=2005-04-05T02:33:31.116Z
            eventTimeZoneOffset=-06:00
            epcList
            epc=https://id.gs1.org/01/10614141073464/21/2018
            action=OBSERVE
            bizStep=https://ref.gs1.org/cbv/BizStep-receiving
            disposition=https://ref.gs1.org/cbv/Disp-in_progress
            readPointid=https://id.gs1.org/414/0012345111112/254/400
            bizLocationid=https://id.gs1.org/414/0012345111112
            bizTransactionList
            type=https://ref.gs1.org/cbv/BTT-desadvbizTransaction=urn:epcglobal:cbv:bt:0614141073467:1152
            type=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678
            {http://ns.example.com/epcis/}myField=Example of a vendor/user extension
            """)
        XCTAssertFalse(EventHash.preHashString(e).contains("\n"))
        XCTAssertTrue(EventHash.isHashID(EventHash.hashID(e)))
    }

    /// Events the corpus writes twice in different forms hash alike: EPC URIs vs Digital Links,
    /// `26.0` vs `26`, `.000` vs no fraction, with and without a comment or an error declaration.
    func testCorpusTwinsHashAlike() throws {
        let pairs: [((String, String, Int), (String, String, Int))] = [
            (("Documents", "TransformationEvent.json", 0), ("Documents", "TransformationEvent_with_digitalLink.json", 0)),
            (("Documents", "ObjectEvent_with_sensorData.json", 0), ("Documents", "SensorData_with_combined_events.json", 0)),
            (("Documents", "ObjectEvent.json", 0), ("Documents", "ObjectEvent_with_comment.json", 0)),
            (("Documents", "ObjectEvent.json", 0), ("Documents", "ObjectEvent_with_error_declaration.json", 0)),
            (("Documents", "AssociationEvent.json", 1), ("Documents", "AssociationEvent_with_sensorData.json", 0)),
            (("Documents", "ObjectEvent.json", 1), ("Events", "ObjectEvent.json", 0)),
        ]
        for (a, b) in pairs {
            let x = try events(a.0, a.1)[a.2], y = try events(b.0, b.1)[b.2]
            XCTAssertEqual(EventHash.hashID(x), EventHash.hashID(y), "\(a.1)[\(a.2)] vs \(b.1)[\(b.2)]")
        }
    }

    func testDeterministicAndStableAcrossReserialisation() throws {
        for url in try Corpus.files("Documents") {
            guard case .success(let doc) = EPCISReader.read(try Corpus.bytes(url)) else { return XCTFail(url.path) }
            let again = try XCTUnwrap(try? EPCISReader.read(Array(JSONValue.object(doc.json).serializedBytes(pretty: true))).get())
            for (a, b) in zip(doc.events, again.events) {
                XCTAssertEqual(EventHash.hashID(a), EventHash.hashID(b), url.lastPathComponent)
                XCTAssertEqual(EventHash.hashID(a), EventHash.hashID(a))
            }
        }
    }

    /// JumbledFieldsOrder.json has no ordered twin in the corpus, so twins are made: every object's
    /// members reordered (reversed, rotated, shuffled) and every unordered list permuted.
    func testFieldAndListOrderDoNotMatter() throws {
        let original = try events("Documents", "JumbledFieldsOrder.json")[0]
        let id = EventHash.hashID(original)
        var rng = SplitMix64(seed: 7)
        for round in 0..<40 {
            let permuted = Permute.value(.object(original.json), &rng, permuteArrays: true)
            var doc = try XCTUnwrap(JSONParser.parse(try Corpus.bytes("Documents", "JumbledFieldsOrder.json")).objectValue)
            var body = try XCTUnwrap(doc["epcisBody"]?.objectValue)
            body["eventList"] = .array([permuted])
            doc["epcisBody"] = .object(body)
            let again = try XCTUnwrap(try? EPCISReader.read(.object(doc)).get())
            XCTAssertEqual(EventHash.hashID(again.events[0]), id, "round \(round)")
        }
        // And for every corpus event with extensions, sensors and lists.
        for url in try Corpus.files("Documents") {
            guard case .success(let doc) = EPCISReader.read(try Corpus.bytes(url)) else { continue }
            for e in doc.events {
                let p = Permute.value(.object(e.json), &rng, permuteArrays: true)
                let r = EventReader.read(p, index: 0, documentContext: doc.context)
                XCTAssertEqual(try r.get().json.count, e.json.count)
                XCTAssertEqual(EventHash.hashID(try r.get()), EventHash.hashID(e), url.lastPathComponent)
            }
        }
    }

    /// Every hashed value matters: changing any leaf of a rich event changes the ID, except the
    /// fields the CBV 2.0 hash leaves out on purpose.
    func testEveryHashedFieldChangesTheHash() throws {
        for name in ["ObjectEvent_all_possible_fields.json", "TransformationEvent_all_possible_fields.json",
                     "AggregationEvent_all_possible_fields.json", "TransactionEvent_all_possible_fields.json",
                     "TransformationEvent_with_userExtensions.json", "SensorData_with_combined_events.json"] {
            guard case .success(let doc) = EPCISReader.read(try Corpus.bytes("Documents", name)) else { return XCTFail(name) }
            for e in doc.events {
                let base = EventHash.hashID(e)
                var checked = 0
                for path in Mutate.leafPaths(.object(e.json)) {
                    let excluded = ["eventID", "recordTime", "errorDeclaration", "certificationInfo", "@context"].contains(path.first ?? "")
                    guard let changed = Mutate.changingLeaf(.object(e.json), path),
                          case .success(let m) = EventReader.read(changed, index: 0, documentContext: doc.context)
                    else { continue }  // the change made the event invalid: nothing to hash
                    checked += 1
                    if excluded || path.first == "type" {
                        if excluded { XCTAssertEqual(EventHash.hashID(m), base, "\(name) \(path) should not count") }
                    } else {
                        XCTAssertNotEqual(EventHash.hashID(m), base, "\(name) \(path)")
                    }
                }
                XCTAssertGreaterThan(checked, 3, name)
            }
        }
    }

    private func withField(_ base: String, _ extra: String) -> String {
        """
        {"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",{"example":"http://ns.example.com/epcis/"}],
         "type":"ObjectEvent","action":"OBSERVE",\(base)\(extra)}
        """
    }

    func testEquivalentSpellingsHashAlike() throws {
        let groups: [[String]] = [
            [#""eventTime":"2026-07-22T06:45:00+02:00","eventTimeZoneOffset":"+02:00""#,
             #""eventTime":"2026-07-22T04:45:00.000Z","eventTimeZoneOffset":"+02:00""#,
             #""eventTime":"2026-07-22T04:45:00.0001Z","eventTimeZoneOffset":"+02:00""#],
            [#""bizStep":"shipping""#, #""bizStep":"urn:epcglobal:cbv:bizstep:shipping""#,
             #""bizStep":"cbv:BizStep-shipping""#, #""bizStep":"https://ref.gs1.org/cbv/BizStep-shipping""#],
            [#""epcList":["urn:epc:id:sgtin:9521141.001234.2017"]"#, #""epcList":["https://id.gs1.org/01/09521141012345/21/2017"]"#,
             #""epcList":["https://brand.example.com/01/09521141012345/21/2017?linkType=all"]"#,
             #""epcList":["https://id.gs1.org/gtin/9521141012345/ser/2017"]"#],
            [#""quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":10,"uom":"KGM"}]"#,
             #""quantityList":[{"epcClass":"https://id.gs1.org/01/04012345123456/10/998877","quantity":10.0,"uom":"KGM"}]"#],
            [#""readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"}"#, #""readPoint":{"id":"https://id.gs1.org/414/4012345000016"}"#],
            [#""example:n":"12.50""#, #""example:n":"12.5""#, #""example:n":12.5"#],
        ]
        for group in groups {
            var ids = Set<String>()
            for variant in group {
                var base = #""eventTime":"2026-07-22T06:45:00+02:00","eventTimeZoneOffset":"+02:00","epcList":[],"#
                if variant.contains("eventTime") { base = #""epcList":[],"# }
                if variant.contains("epcList") { base = #""eventTime":"2026-07-22T06:45:00+02:00","eventTimeZoneOffset":"+02:00","# }
                ids.insert(EventHash.hashID(try event(json: withField(base, variant))))
            }
            XCTAssertEqual(ids.count, 1, "\(group)")
        }
    }

    func testTimestampsRoundToMillisecondsHalfUp() {
        XCTAssertEqual(EPCISTime("2023-02-02T12:04:03.1415+01:00")?.canonicalUTCMilliseconds, "2023-02-02T11:04:03.142Z")
        XCTAssertEqual(EPCISTime("2023-02-02T12:04:03.1414+01:00")?.canonicalUTCMilliseconds, "2023-02-02T11:04:03.141Z")
        XCTAssertEqual(EPCISTime("2023-12-31T23:59:59.9995Z")?.canonicalUTCMilliseconds, "2024-01-01T00:00:00.000Z")
        XCTAssertEqual(EPCISTime("2005-04-03T20:33:31.116000-06:00")?.canonicalUTCMilliseconds, "2005-04-04T02:33:31.116Z")
        XCTAssertEqual(EPCISTime("2020-03-01T00:30:00+01:00")?.canonicalUTCMilliseconds, "2020-02-29T23:30:00.000Z")
        XCTAssertEqual(EPCISTime("1969-12-31T23:59:59.5Z")?.epochMilliseconds, -500)
    }

    func testNumbersAndDecimalStrings() {
        XCTAssertEqual(HashCanonicalValue.number(26.0), "26")
        XCTAssertEqual(HashCanonicalValue.number(12.7), "12.7")
        XCTAssertEqual(HashCanonicalValue.number(1e-05), "1e-05")
        XCTAssertEqual(HashCanonicalValue.number(-0.0), "0")
        XCTAssertEqual(HashCanonicalValue.number(1e22), "10000000000000000000000")
        XCTAssertEqual(HashCanonicalValue.number(123456789012345678901234567890.0), "123456789012345677877719597056")
        XCTAssertEqual(HashCanonicalValue.decimal("0012.500"), "12.5")
        XCTAssertEqual(HashCanonicalValue.decimal("23.0"), "23")
        XCTAssertEqual(HashCanonicalValue.decimal("-0.0"), "0")
        XCTAssertEqual(HashCanonicalValue.decimal("040123450000003338"), "40123450000003338")
        XCTAssertNil(HashCanonicalValue.decimal("1e5"))
        XCTAssertNil(HashCanonicalValue.decimal("12."))
        XCTAssertNil(HashCanonicalValue.decimal("f0f0"))
    }

    func testDigitalLinkHashForm() {
        func h(_ s: String) -> String? { HashCanonicalValue.identifier(s) }
        XCTAssertEqual(h("https://id.gs1.de/01/04012345999990/21/XYZ-1234"), "https://id.gs1.org/01/04012345999990/21/XYZ-1234")
        XCTAssertEqual(h("http://example.com/shop/01/4012345999990/10/L1/21/S1?x=1#f"), "https://id.gs1.org/01/04012345999990/21/S1")
        XCTAssertEqual(h("https://id.gs1.org/01/04012345999990/22/V1/10/L1"), "https://id.gs1.org/01/04012345999990/10/L1")
        XCTAssertEqual(h("https://example.org/8004/401234599999"), "https://id.gs1.org/8004/401234599999")
        XCTAssertEqual(h("https://id.gs1.org/414/4012345000115/254/987"), "https://id.gs1.org/414/4012345000115/254/987")
        XCTAssertNil(h("https://www.ncbi.nlm.nih.gov/taxonomy/1126011"))
        XCTAssertNil(h("http://transaction.acme.com/po/12345678"))
        XCTAssertNil(h("https://id.gs1.org/01/123/21/1"))
        XCTAssertEqual(h("urn:epc:id:sgtin:0614141.107346.2017"), "https://id.gs1.org/01/10614141073464/21/2017")
        XCTAssertEqual(h("urn:epc:id:sgtin:0614141.107346.a(b)!"), "https://id.gs1.org/01/10614141073464/21/a%28b%29%21")
        XCTAssertEqual(h("urn:epc:id:sgln:0614141.00777.0"), "https://id.gs1.org/414/0614141007776")
        XCTAssertEqual(h("urn:epc:id:sscc:0614141.1234567890"), "https://id.gs1.org/00/106141412345678908")
        XCTAssertEqual(h("urn:epc:id:gdti:0614141.00001.1618034"), "https://id.gs1.org/253/06141410000121618034")
        XCTAssertEqual(h("urn:epc:idpat:sgtin:4012345.098765.*"), "https://id.gs1.org/01/04012345987652")
    }
}

/// A small deterministic PRNG (SplitMix64) so that permutation and fuzz tests replay exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Permute {
    /// Reorders every object's members; with `permuteArrays`, reorders arrays too (EPCIS lists are
    /// unordered sets).
    static func value(_ v: JSONValue, _ rng: inout SplitMix64, permuteArrays: Bool) -> JSONValue {
        switch v {
        case .object(let o):
            var pairs = o.map { ($0.key, value($0.value, &rng, permuteArrays: permuteArrays)) }
            pairs.shuffle(using: &rng)
            return .object(JSONObject(pairs))
        case .array(let a):
            var items = a.map { value($0, &rng, permuteArrays: permuteArrays) }
            if permuteArrays { items.shuffle(using: &rng) }
            return .array(items)
        default:
            return v
        }
    }
}

enum Mutate {
    /// Paths (member names and array indices as strings) to every scalar leaf.
    static func leafPaths(_ v: JSONValue, _ prefix: [String] = []) -> [[String]] {
        switch v {
        case .object(let o): return o.flatMap { leafPaths($0.value, prefix + [$0.key]) }
        case .array(let a): return a.enumerated().flatMap { leafPaths($0.element, prefix + [String($0.offset)]) }
        default: return [prefix]
        }
    }

    /// The value with the leaf at `path` changed in a way that keeps its type where it can.
    static func changingLeaf(_ v: JSONValue, _ path: [String]) -> JSONValue? {
        guard let head = path.first else {
            switch v {
            case .string(let s):
                if let t = EPCISTime(s) { return .string(EPCISTime.format(utcSeconds: t.epochSeconds + 61, millis: 0)) }
                if s.hasPrefix("urn:epc:id:sgtin:") || s.hasPrefix("https://id.gs1.org/01/") { return .string(s + "9") }
                return .string(s + "x")
            case .integer(let i): return .integer(i + 1)
            case .number(let d): return .number(d + 0.5)
            case .bool(let b): return .bool(!b)
            default: return nil
            }
        }
        switch v {
        case .object(var o):
            guard let child = o[head], let c = changingLeaf(child, Array(path.dropFirst())) else { return nil }
            o[head] = c
            return .object(o)
        case .array(var a):
            guard let i = Int(head), i < a.count, let c = changingLeaf(a[i], Array(path.dropFirst())) else { return nil }
            a[i] = c
            return .array(a)
        default:
            return nil
        }
    }
}
