import StrictJSON
import XCTest

/// Canonical JSON as securesystemslib `encode_canonical` writes it (what TUF signs).
/// Expected bytes below were produced by that algorithm in Python (transcribed by hand:
/// sorted(dict.items()), strings as '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"',
/// ints via str(), no whitespace) and are written here as hex so nothing is re-escaped.
final class CanonicalTests: XCTestCase {
    private func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16)!)
        }
        return out
    }

    func testReadmeExample() throws {
        let v = try JSONParser.parse(#"{"b":1,"a":[true,null,"x\"y\\z"]}"#)
        XCTAssertEqual(try v.canonicalString(), #"{"a":[true,null,"x\"y\\z"],"b":1}"#)
        XCTAssertEqual(try v.canonicalBytes(), hex("7b2261223a5b747275652c6e756c6c2c22785c22795c5c7a225d2c2262223a317d"))
    }

    func testControlCharactersAndNonASCIIAreRaw() throws {
        let v: JSONValue = ["s": .string("tab\there\nnl\r \u{0}\u{1}\u{1F}\u{7F} \u{E9} \u{FC} \u{20AC} \u{1F600} /")]
        XCTAssertEqual(try v.canonicalBytes(),
                       hex("7b2273223a2274616209686572650a6e6c0d2000011f7f20c3a920c3bc20e282ac20f09f9880202f227d"))
        // The same value from escaped JSON text gives the same bytes.
        let parsed = try JSONParser.parse(#"{"s":"tab\there\nnl\r \u0000\u0001\u001f\u007f \u00e9 \u00fc \u20ac \ud83d\ude00 \/"}"#)
        XCTAssertEqual(try parsed.canonicalBytes(), try v.canonicalBytes())
    }

    func testKeysSortByCodePoint() throws {
        let keys = ["z", "\u{E9}", "a", "\u{E000}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "Z", "", "aa", "a\u{0}", "\u{7F}",
                    "\u{FF}", "\u{100}", "\u{D7FF}"]
        let o = JSONObject(keys.enumerated().map { ($1, JSONValue.integer(Int64($0))) })
        // Python: {"":8,"Z":7,"a":2,"a\x00":10,"aa":9,"z":0,"\x7f":11,"\xe9":1,"\xff":12,"\u0100":13,
        //          "\ud7ff":14,"\ue000":3,"\uffff":4,"\U00010000":5,"\U0001f600":6}
        let expected = hex("7b22223a382c225a223a372c2261223a322c226100223a31302c226161223a392c227a223a302c227f223a31312c22c3a9223a312c22c3bf223a31322c22c480223a31332c22ed9fbf223a31342c22ee8080223a332c22efbfbf223a342c22f0908080223a352c22f09f9880223a367d")
        XCTAssertEqual(try JSONValue.object(o).canonicalBytes(), expected)
        // Insertion order does not matter.
        let reversed = JSONObject(o.reversed().map { ($0.key, $0.value) })
        XCTAssertEqual(try JSONValue.object(reversed).canonicalBytes(), expected)
        // Specifically: "é" after "z", and U+10000 after U+FFFF (UTF-16 order would put it first).
        let small: JSONValue = ["\u{10000}": 1, "\u{FFFF}": 2, "\u{E9}": 3, "z": 4]
        XCTAssertEqual(try small.canonicalString(), "{\"z\":4,\"\u{E9}\":3,\"\u{FFFF}\":2,\"\u{10000}\":1}")
    }

    func testIntegersAndEmptyContainers() throws {
        let v: JSONValue = [.integer(.max), .integer(.min), 0, -1, .object(JSONObject()), [], [[]], ["": .object(JSONObject())]]
        XCTAssertEqual(try v.canonicalString(), #"[9223372036854775807,-9223372036854775808,0,-1,{},[],[[]],{"":{}}]"#)
        XCTAssertEqual(try JSONValue.string("").canonicalString(), #""""#)
        XCTAssertEqual(try JSONValue.null.canonicalString(), "null")
        XCTAssertEqual(try JSONValue.bool(false).canonicalString(), "false")
    }

    func testFloatsAreErrorsWithAPath() throws {
        XCTAssertThrowsError(try JSONValue.number(1.5).canonicalBytes()) { e in
            XCTAssertEqual(e as? JSONCanonicalError,
                           JSONCanonicalError(message: "canonical JSON has no floating-point numbers, found 1.5", path: "$"))
        }
        // Integral doubles and integers beyond Int64 (which parse as .number) are floats too.
        let doc = try JSONParser.parse(#"{"signed":{"keys":[{"a":1},{"a b":2.0}]}}"#)
        do {
            _ = try doc.canonicalBytes()
            XCTFail("2.0 accepted")
        } catch {
            XCTAssertEqual(error.path, #"$.signed.keys[1]["a b"]"#)
            XCTAssertEqual(error.description, #"$.signed.keys[1]["a b"]: canonical JSON has no floating-point numbers, found 2.0"#)
        }
        let big = try JSONParser.parse(#"{"version":18446744073709551616}"#)
        XCTAssertThrowsError(try big.canonicalBytes()) { e in
            XCTAssertEqual((e as? JSONCanonicalError)?.path, "$.version")
        }
        XCTAssertThrowsError(try JSONValue.array([1, 2, .number(-0.0)]).canonicalString()) { e in
            XCTAssertEqual((e as? JSONCanonicalError)?.path, "$[2]")
        }
    }

    func testCanonicalFormIsStableAndParses() throws {
        var gen = ValueGenerator(seed: 99)
        var checked = 0
        for _ in 0..<300 {
            let v = gen.value()
            guard let c = try? v.canonicalBytes() else { continue }
            checked += 1
            // Canonical text is JSON only when no string holds a control character (raw
            // control characters are what securesystemslib writes, and not valid JSON).
            let hasControl = c.contains { $0 < 0x20 }
            if hasControl {
                XCTAssertThrowsError(try JSONParser.parse(c))
            } else {
                let back = try JSONParser.parse(c)
                XCTAssertEqual(back, v)
                XCTAssertEqual(try back.canonicalBytes(), c)
                XCTAssertEqual(back.serializedBytes(sortedKeys: true), c)
            }
        }
        XCTAssertGreaterThan(checked, 50)
    }

    /// For values whose strings need no escaping beyond `"` and `\`, canonical output equals
    /// compact sorted output (the only difference between the two writers is control characters).
    func testMatchesSortedCompactWithoutControlCharacters() throws {
        let doc = try JSONParser.parse(#"""
            {"signed":{"_type":"targets","spec_version":"1.0.31","version":7,"expires":"2030-01-01T00:00:00Z",
             "targets":{"stamps/ä😀.json":{"length":1234,"hashes":{"sha256":"ab\"cd\\ef"}}},"delegations":{"keys":{},"roles":[]}},
             "signatures":[{"keyid":"f00d","sig":"beef"}]}
            """#)
        XCTAssertEqual(try doc.canonicalBytes(), doc.serializedBytes(sortedKeys: true))
    }
}
