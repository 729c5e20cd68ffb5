import StrictJSON
import XCTest

final class RoundTripTests: XCTestCase {
    func testGeneratedValuesRoundTrip() throws {
        var gen = ValueGenerator(seed: 0x5EED_0001)
        var objectsSeen = 0, bigObjectsSeen = 0, numbersSeen = 0
        for i in 0..<600 {
            let v = gen.value()
            for (pretty, sorted) in [(false, false), (true, false), (false, true), (true, true)] {
                let text = v.serialized(pretty: pretty, sortedKeys: sorted)
                XCTAssertEqual(v.serializedBytes(pretty: pretty, sortedKeys: sorted), Array(text.utf8))
                let back: JSONValue
                do {
                    back = try JSONParser.parse(text)
                } catch {
                    XCTFail("value \(i) (pretty \(pretty), sorted \(sorted)) does not parse back: \(error)\n\(text)")
                    continue
                }
                XCTAssertEqual(back, v, "value \(i) pretty \(pretty) sorted \(sorted)")
                if !sorted {
                    XCTAssertTrue(orderedEqual(back, v), "value \(i): member order changed")
                }
                // Writing is deterministic and idempotent.
                XCTAssertEqual(back.serialized(pretty: pretty, sortedKeys: sorted), text)
                if !pretty {
                    XCTAssertFalse(text.utf8.contains(0x0A), "compact output has no newline")
                }
            }
            func count(_ v: JSONValue) {
                switch v {
                case .object(let o):
                    objectsSeen += 1
                    if o.count >= JSONObject.indexThreshold { bigObjectsSeen += 1 }
                    o.values.forEach(count)
                case .array(let a): a.forEach(count)
                case .number: numbersSeen += 1
                default: break
                }
            }
            count(v)
        }
        // The generator really produced what the test claims to cover.
        XCTAssertGreaterThan(objectsSeen, 200)
        XCTAssertGreaterThan(bigObjectsSeen, 10)
        XCTAssertGreaterThan(numbersSeen, 200)
    }

    func testEveryDoubleKindRoundTripsExactly() throws {
        var rng = SplitMix64(seed: 42)
        var samples: [Double] = [0.1, 0.2, 0.30000000000000004, 1e16, 1e22, 1e23, 123e-310, 5e-324,
                                 .greatestFiniteMagnitude, .leastNormalMagnitude, 9007199254740993, -0.0, 2.5]
        for _ in 0..<3000 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { samples.append(d) }
        }
        for d in samples {
            let text = JSONValue.number(d).serialized()
            guard case .number(let back) = try JSONParser.parse(text) else {
                XCTFail("\(text) did not parse as .number")
                continue
            }
            XCTAssertEqual(back.bitPattern, d.bitPattern, text)
        }
    }

    func testNumberFormatting() {
        let cases: [(JSONValue, String)] = [
            (.number(0.1), "0.1"), (.number(1.0), "1.0"), (.number(-0.0), "-0.0"), (.number(100), "100.0"),
            (.number(1e16), "1e+16"), (.number(1.5e-7), "1.5e-07"), (.number(5e-324), "5e-324"),
            (.number(.greatestFiniteMagnitude), "1.7976931348623157e+308"), (.number(0.30000000000000004), "0.30000000000000004"),
            (.integer(0), "0"), (.integer(-42), "-42"), (.integer(.max), "9223372036854775807"),
            (.integer(.min), "-9223372036854775808"),
            // Not produced by the parser; written as null rather than as invalid JSON.
            (.number(.nan), "null"), (.number(.infinity), "null"), (.number(-.infinity), "null"),
        ]
        for (v, text) in cases {
            XCTAssertEqual(v.serialized(), text)
            XCTAssertEqual(v.serialized(pretty: true), text)
        }
    }

    func testStringEscaping() {
        let s = "q\"b\\s/\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}\u{E9}\u{2028}\u{1F600}"
        let expected = #""q\"b\\s/\u0000\u0001\b\t\n\f\r\u001f"# + "\u{7F}\u{E9}\u{2028}\u{1F600}\""
        XCTAssertEqual(JSONString.quoted(s), expected)
        XCTAssertEqual(JSONValue.string(s).serialized(), expected)
        var out = "x="
        JSONString.appendQuoted(s, to: &out)
        XCTAssertEqual(out, "x=" + expected)
        var raw: [UInt8] = [0x41]
        JSONString.appendQuoted(s, to: &raw)
        XCTAssertEqual(raw, [0x41] + Array(expected.utf8))
        XCTAssertEqual(JSONString.quoted("plain \u{E9}/"), "\"plain \u{E9}/\"")
        XCTAssertEqual(JSONString.quoted(""), "\"\"")
        // Keys are escaped the same way.
        XCTAssertEqual(JSONValue.object(JSONObject([("a\"\n", 1)])).serialized(), #"{"a\"\n":1}"#)
        // Every control character survives the trip.
        let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        XCTAssertEqual(try JSONParser.parse(JSONString.quoted(controls)), .string(controls))
    }

    func testPrettyLayout() {
        let v: JSONValue = .object(JSONObject([
            ("b", [1, "two", .null, [], .object(JSONObject())]),
            ("a", .object(JSONObject([("x", true), ("y", [false])]))),
        ]))
        XCTAssertEqual(v.serialized(), #"{"b":[1,"two",null,[],{}],"a":{"x":true,"y":[false]}}"#)
        XCTAssertEqual(v.serialized(pretty: true), """
            {
              "b": [
                1,
                "two",
                null,
                [],
                {}
              ],
              "a": {
                "x": true,
                "y": [
                  false
                ]
              }
            }
            """)
        XCTAssertEqual(v.serialized(sortedKeys: true), #"{"a":{"x":true,"y":[false]},"b":[1,"two",null,[],{}]}"#)
        XCTAssertEqual(v.description, v.serialized())
    }

    func testObjectOrderIsPreservedThroughParseAndWrite() throws {
        let text = #"{"zeta":1,"alpha":2,"é":3,"mid":{"9":0,"10":1,"1":2},"":4}"#
        let v = try JSONParser.parse(text)
        XCTAssertEqual(v.objectValue?.keys, ["zeta", "alpha", "\u{E9}", "mid", ""])
        XCTAssertEqual(v["mid"]?.objectValue?.keys, ["9", "10", "1"])
        XCTAssertEqual(v.serialized(), text)
        XCTAssertEqual(v.serialized(sortedKeys: true), #"{"":4,"alpha":2,"mid":{"1":2,"10":1,"9":0},"zeta":1,"é":3}"#)
    }

    func testSortedKeysUsesCodePointOrder() throws {
        var gen = ValueGenerator(seed: 7)
        for _ in 0..<200 {
            var o = JSONObject()
            for _ in 0..<(1 + gen.rng.below(24)) { o[gen.string(maxLength: 4)] = .integer(1) }
            let back = try JSONParser.parse(JSONValue.object(o).serialized(sortedKeys: true))
            let keys = back.objectValue!.keys
            XCTAssertEqual(keys.count, o.count)
            for (a, b) in zip(keys, keys.dropFirst()) {
                XCTAssertTrue(codePointLess(a, b), "\(a.debugDescription) before \(b.debugDescription)")
            }
        }
        // Supplementary characters come after U+E000-U+FFFF (code points), unlike UTF-16 order.
        let o = JSONValue.object(JSONObject([("\u{1F600}", 1), ("\u{FFFF}", 2), ("\u{E000}", 3), ("z", 4), ("\u{E9}", 5)]))
        XCTAssertEqual(o.serialized(sortedKeys: true), "{\"z\":4,\"\u{E9}\":5,\"\u{E000}\":3,\"\u{FFFF}\":2,\"\u{1F600}\":1}")
    }

    func testParserOutputForDocumentsThatNeedNoRewriting() throws {
        // Compact, insertion-ordered, already-normalized text comes back byte for byte.
        let docs = [
            #"{"signed":{"_type":"root","version":3,"keys":{"k1":{"keytype":"ed25519"}}},"signatures":[]}"#,
            #"[1,-2,3.5,"é/😀",true,false,null,{"a":[]},[{}]]"#,
        ]
        for d in docs { XCTAssertEqual(try JSONParser.parse(d).serialized(), d) }
    }
}
