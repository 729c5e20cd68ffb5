import StrictJSON
import XCTest

final class ValueTests: XCTestCase {
    func testObjectKeepsOrderAndUniqueKeys() {
        var o = JSONObject([("b", 1), ("a", 2), ("b", 3)])
        XCTAssertEqual(o.keys, ["b", "a"], "a later duplicate keeps the earlier position")
        XCTAssertEqual(o["b"], 3)
        o["c"] = 4
        o["a"] = 5
        XCTAssertEqual(o.keys, ["b", "a", "c"])
        XCTAssertEqual(o.values, [3, 5, 4])
        XCTAssertEqual(o.removeValue(forKey: "a"), 5)
        XCTAssertNil(o.removeValue(forKey: "a"))
        o["b"] = nil
        XCTAssertEqual(o.keys, ["c"])
        XCTAssertEqual(o.updateValue(6, forKey: "c"), 4)
        XCTAssertNil(o.updateValue(7, forKey: "d"))
        XCTAssertEqual(Array(o.map(\.key)), ["c", "d"])
        XCTAssertEqual(o.index(forKey: "d"), 1)
        XCTAssertTrue(o.contains(key: "c"))
        XCTAssertFalse(o.contains(key: "C"))
        XCTAssertEqual(o.count, 2)
        XCTAssertFalse(o.isEmpty)
        XCTAssertTrue(JSONObject().isEmpty)
    }

    func testKeysCompareByScalarsNotCanonicalEquivalence() {
        var o = JSONObject()
        o["\u{E9}"] = 1
        o["e\u{301}"] = 2
        XCTAssertEqual(o.count, 2)
        XCTAssertEqual(o["\u{E9}"], 1)
        XCTAssertEqual(o["e\u{301}"], 2)
        XCTAssertNotEqual(JSONValue.string("\u{E9}"), JSONValue.string("e\u{301}"))
        XCTAssertEqual(JSONValue.string("\u{E9}"), JSONValue.string("\u{E9}"))
    }

    func testLargeObjectIndexStaysConsistent() {
        // Crosses the hash-index threshold in both directions with lookups on the way.
        var o = JSONObject()
        var model: [(String, Int64)] = []
        var rng = SplitMix64(seed: 3)
        for step in 0..<2000 {
            let key = "k\(rng.below(40))"
            if rng.chance(0.35) {
                let removed = o.removeValue(forKey: key)
                let i = model.firstIndex { $0.0 == key }
                XCTAssertEqual(removed, i.map { .integer(model[$0].1) })
                if let i { model.remove(at: i) }
            } else {
                o[key] = .integer(Int64(step))
                if let i = model.firstIndex(where: { $0.0 == key }) { model[i].1 = Int64(step) } else { model.append((key, Int64(step))) }
            }
            XCTAssertEqual(o.keys, model.map(\.0))
            for probe in ["k\(rng.below(40))", key] {
                XCTAssertEqual(o[probe], model.first { $0.0 == probe }.map { .integer($0.1) })
                XCTAssertEqual(o.index(forKey: probe), model.firstIndex { $0.0 == probe })
            }
        }
    }

    func testEqualityIgnoresOrderButNotTypes() {
        XCTAssertEqual(JSONObject([("a", 1), ("b", 2)]), JSONObject([("b", 2), ("a", 1)]))
        XCTAssertNotEqual(JSONObject([("a", 1), ("b", 2)]), JSONObject([("a", 1), ("c", 2)]))
        XCTAssertNotEqual(JSONObject([("a", 1)]), JSONObject([("a", 1), ("b", 2)]))
        XCTAssertNotEqual(JSONValue.integer(1), JSONValue.number(1))
        XCTAssertNotEqual(JSONValue.array([1, 2]), JSONValue.array([2, 1]))
        XCTAssertNotEqual(JSONValue.null, JSONValue.bool(false))
        XCTAssertNotEqual(JSONValue.string("1"), JSONValue.integer(1))
    }

    func testAccessors() throws {
        let v = try JSONParser.parse(#"{"s":"x","i":7,"n":2.5,"w":3.0,"b":true,"z":null,"a":[1,"two"],"o":{"k":1}}"#)
        XCTAssertEqual(v["s"]?.stringValue, "x")
        XCTAssertEqual(v["i"]?.integerValue, 7)
        XCTAssertEqual(v["i"]?.intValue, 7)
        XCTAssertEqual(v["i"]?.doubleValue, 7)
        XCTAssertNil(v["n"]?.integerValue)
        XCTAssertEqual(v["n"]?.doubleValue, 2.5)
        XCTAssertEqual(v["w"]?.integerValue, 3)
        XCTAssertEqual(v["b"]?.boolValue, true)
        XCTAssertEqual(v["z"]?.isNull, true)
        XCTAssertEqual(v["a"]?[1], "two")
        XCTAssertNil(v["a"]?[2])
        XCTAssertNil(v["a"]?[-1])
        XCTAssertEqual(v["a"]?.arrayValue?.count, 2)
        XCTAssertEqual(v["o"]?["k"], 1)
        XCTAssertNil(v["missing"])
        XCTAssertNil(v["s"]?["k"])
        XCTAssertNil(v["s"]?.integerValue)
        XCTAssertNil(v["i"]?.stringValue)
        XCTAssertNil(v["s"]?.boolValue)
        XCTAssertEqual(v.objectValue?.count, 8)
        XCTAssertEqual(v["s"]?.isNull, false)
        XCTAssertEqual(["s", "i", "n", "b", "z", "a", "o"].map { v[$0]!.typeName },
                       ["string", "integer", "number", "boolean", "null", "array", "object"])
    }

    func testIntegerValueOfDoublesAtTheEdges() {
        XCTAssertEqual(JSONValue.number(-9223372036854775808.0).integerValue, .min)
        XCTAssertNil(JSONValue.number(9223372036854775808.0).integerValue)
        XCTAssertEqual(JSONValue.number(9223372036854774784.0).integerValue, 9_223_372_036_854_774_784)
        XCTAssertNil(JSONValue.number(-9223372036854777856.0).integerValue)
        XCTAssertEqual(JSONValue.number(-0.0).integerValue, 0)
        XCTAssertNil(JSONValue.number(0.5).integerValue)
        XCTAssertNil(JSONValue.number(-1e-300).integerValue)
        XCTAssertNil(JSONValue.number(.nan).integerValue)
        XCTAssertNil(JSONValue.number(.infinity).integerValue)
        XCTAssertNil(JSONValue.number(1e300).integerValue)
        XCTAssertEqual(JSONValue.number(4_503_599_627_370_497).integerValue, 4_503_599_627_370_497)
        XCTAssertNil(JSONValue.number(2_251_799_813_685_248.5).integerValue)
        XCTAssertEqual(JSONValue.number(-3).intValue, -3)
    }

    func testParseErrorDescription() {
        let e = JSONParseError(message: "expected ',' or '}' after an object member, found ']'", line: 3, column: 14, offset: 40)
        XCTAssertEqual(e.description, "line 3, column 14: expected ',' or '}' after an object member, found ']'")
        XCTAssertEqual("\(e)", e.description)
    }
}
