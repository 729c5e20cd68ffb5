import XCTest
import Encoding

final class CBOREncodingTests: XCTestCase {
    func testIntegerHeadsAreShortest() {
        let cases: [(CBOR, String)] = [
            (0, "00"), (23, "17"), (24, "1818"), (255, "18ff"), (256, "190100"), (65535, "19ffff"),
            (65536, "1a00010000"), (4_294_967_295, "1affffffff"), (4_294_967_296, "1b0000000100000000"),
            (.unsigned(.max), "1bffffffffffffffff"),
            (-1, "20"), (-24, "37"), (-25, "3818"), (-256, "38ff"), (-257, "390100"),
            (-65537, "3a00010000"), (CBOR(Int64.min), "3b7fffffffffffffff"),
            (.negative(.max), "3bffffffffffffffff"),
            (.bytes([UInt8](repeating: 7, count: 24)), "5818" + String(repeating: "07", count: 24)),
            (.text(String(repeating: "x", count: 256)), "790100" + String(repeating: "78", count: 256)),
            (.tagged(55799, .null), "d9d9f7f6"),
            (.tagged(.max, 0), "dbffffffffffffffff00"),
            (.simple(0), "e0"), (.simple(19), "f3"), (.simple(32), "f820"),
            (.array((0 ..< 24).map { _ in .null }), "9818" + String(repeating: "f6", count: 24)),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(hexString(value.encoded()), expected, value.description)
            XCTAssertEqual(try CBOR.decode(hex(expected)), value, expected)
        }
    }

    func testFloatsUseTheShortestExactWidth() {
        let cases: [(Double, String)] = [
            (0.0, "f90000"), (-0.0, "f98000"), (1.0, "f93c00"), (0.5, "f93800"), (-2.0, "f9c000"),
            (65504.0, "f97bff"), (65505.0, "fa477fe100"), (65536.0, "fa47800000"),
            (0x1p-24, "f90001"), (3 * 0x1p-24, "f90003"), (0x1p-14, "f90400"), (1023 * 0x1p-24, "f903ff"),
            (0x1p-25, "fa33000000"), (1.5 * 0x1p-24, "fa33c00000"),
            (Double(Float.leastNonzeroMagnitude), "fa00000001"),
            (Double(Float.greatestFiniteMagnitude), "fa7f7fffff"),
            (100000.0, "fa47c35000"),
            (1.0 / 3.0, "fb3fd5555555555555"),
            (Double.greatestFiniteMagnitude, "fb7fefffffffffffff"),
            (Double.leastNonzeroMagnitude, "fb0000000000000001"),
            (.infinity, "f97c00"), (-.infinity, "f9fc00"), (.nan, "f97e00"), (-Double.nan, "f97e00"),
            (Double(nan: 0x1234, signaling: false), "f97e00"), (.signalingNaN, "f97e00"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(hexString(CBOR.float(value).encoded()), expected, "\(value)")
        }
    }

    func testEveryHalfPrecisionValueRoundTrips() throws {
        // All 65536 binary16 patterns: non-NaN ones re-encode to themselves,
        // NaNs to the canonical f97e00.
        for bits in 0 ... 0xffff {
            let input: [UInt8] = [0xf9, UInt8(bits >> 8), UInt8(bits & 0xff)]
            let value = try CBOR.decode(input)
            let isNaN = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0
            XCTAssertEqual(value.encoded(), isNaN ? [0xf9, 0x7e, 0x00] : input)
        }
    }

    func testSinglePrecisionDecodesExactly() throws {
        // Float32 patterns decode to the same value (checked on a sample) and
        // re-encode to the shortest exact form.
        var rng = SplitMix64(seed: 32)
        for _ in 0 ..< 2000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let f = Float(bitPattern: bits)
            let input: [UInt8] = [0xfa, UInt8(bits >> 24), UInt8((bits >> 16) & 0xff), UInt8((bits >> 8) & 0xff), UInt8(bits & 0xff)]
            guard case .float(let d) = try CBOR.decode(input) else { return XCTFail("not a float") }
            if f.isNaN { XCTAssertTrue(d.isNaN); continue }
            XCTAssertEqual(d, Double(f))
            XCTAssertEqual(d.sign, f.sign)
            let reencoded = CBOR.float(d).encoded()
            XCTAssertTrue(reencoded.count <= 5)
            XCTAssertEqual(try CBOR.decode(reencoded), .float(d))
        }
    }

    func testMapsKeepOrderAndDuplicates() throws {
        let value = try CBOR.decode(hex("a3 01 61 61 01 61 62 20 f5"))
        XCTAssertEqual(value.mapValue?.count, 3)
        XCTAssertEqual(value[intKey: 1], "a")   // first match
        XCTAssertEqual(value[1], "a")
        XCTAssertEqual(value[-1], true)
        XCTAssertEqual(value[key: CBOR(-1)], true)
        XCTAssertNil(value[2])
        XCTAssertEqual(hexString(value.encoded()), "a3016161016162" + "20f5")
        let textKeys: CBOR = ["z": 1, "a": 2]
        XCTAssertEqual(textKeys["a"], 2)
        XCTAssertEqual(textKeys[.text("z")], 1)
        XCTAssertEqual(hexString(textKeys.encoded()), "a2617a01616102")
        XCTAssertNil(CBOR.array([1])[0])
    }

    func testAccessors() {
        XCTAssertEqual(CBOR(Int64(5)), .unsigned(5))
        XCTAssertEqual(CBOR(Int64(-5)), .negative(4))
        XCTAssertEqual(CBOR(Int64.min), .negative(UInt64(Int64.max)))
        XCTAssertEqual(CBOR(Int64.max).int64, .max)
        XCTAssertEqual(CBOR(Int64.min).int64, .min)
        XCTAssertEqual(CBOR(7 as Int), .unsigned(7))
        XCTAssertEqual(CBOR(UInt64.max).uint64, .max)
        XCTAssertNil(CBOR.unsigned(UInt64(Int64.max) + 1).int64)
        XCTAssertNil(CBOR.negative(UInt64(Int64.max) + 1).int64)
        XCTAssertNil(CBOR.negative(0).uint64)
        XCTAssertEqual(CBOR.negative(0).int64, -1)
        XCTAssertNil(CBOR.float(1).int64)
        XCTAssertEqual(CBOR.bytes([1]).bytesValue, [1])
        XCTAssertNil(CBOR.text("a").bytesValue)
        XCTAssertEqual(CBOR.text("a").textValue, "a")
        XCTAssertEqual(CBOR.array([1]).arrayValue, [1])
        XCTAssertEqual(CBOR.map([CBORPair(1, 2)]).mapValue, [CBORPair(1, 2)])
        XCTAssertNil(CBOR.null.mapValue)
        XCTAssertEqual(CBOR.bool(true).boolValue, true)
        XCTAssertEqual(CBOR.float(2.5).doubleValue, 2.5)
        XCTAssertEqual(CBOR.tagged(1, 2).taggedValue?.tag, 1)
        XCTAssertTrue(CBOR.null.isNull)
    }

    func testEquality() {
        XCTAssertEqual(CBOR.float(.nan), CBOR.float(-.nan))
        XCTAssertNotEqual(CBOR.float(0.0), CBOR.float(-0.0))
        XCTAssertNotEqual(CBOR.unsigned(1), CBOR.float(1))
        XCTAssertNotEqual(CBOR.simple(20), CBOR.bool(false))
        // Text compares by bytes: é precomposed vs decomposed are different items.
        XCTAssertNotEqual(CBOR.text("\u{e9}"), CBOR.text("e\u{301}"))
        XCTAssertEqual(Set<CBOR>([.float(.nan), .float(.nan), 1, 1, "a"]).count, 3)
        XCTAssertEqual(CBOR.tagged(1, [1, ["a": .null]]), CBOR.tagged(1, [1, ["a": .null]]))
        XCTAssertNotEqual(CBOR.tagged(1, [1, ["a": .null]]), CBOR.tagged(1, [1, ["a": .undefined]]))
    }

    func testDiagnosticNotation() {
        XCTAssertEqual(CBOR.bytes([1, 2]).description, "h'0102'")
        XCTAssertEqual(([1, [2, 3]] as CBOR).description, "[1, [2, 3]]")
        XCTAssertEqual((["a": 1] as CBOR).description, "{\"a\": 1}")
        XCTAssertEqual(CBOR.tagged(1, 1_363_896_240).description, "1(1363896240)")
        XCTAssertEqual(CBOR.simple(16).description, "simple(16)")
        XCTAssertEqual(CBOR.float(.nan).description, "NaN")
        XCTAssertEqual(CBOR.float(.infinity).description, "Infinity")
        XCTAssertEqual(CBOR.float(-0.0).description, "-0.0")
        XCTAssertEqual(CBOR.float(1.5).description, "1.5")
        XCTAssertEqual(CBOR.float(2).description, "2.0")
        XCTAssertEqual(CBOR.float(1e16).description, "1.0e+16")
        XCTAssertEqual(CBOR.text("a\n\u{1}\"").description, "\"a\\n\\u0001\\\"\"")
        XCTAssertEqual(CBOR.undefined.description, "undefined")
        XCTAssertEqual(CBOR.map([CBORPair([1], .bytes([]))]).description, "{[1]: h''}")
        XCTAssertEqual("\(CBOR.negative(.max))", "-18446744073709551616")
    }

    func testEncodeIntoAppends() {
        var out: [UInt8] = [0xaa]
        CBOR.text("a").encode(into: &out)
        CBOR.null.encode(into: &out)
        XCTAssertEqual(out, [0xaa, 0x61, 0x61, 0xf6])
    }

    func testGeneratedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0 ..< 2000 {
            let value = RandomCBOR.value(&rng, depth: 4)
            let bytes = value.encoded()
            let decoded = try CBOR.decode(bytes)
            XCTAssertEqual(decoded, value)
            XCTAssertEqual(decoded.encoded(), bytes)
            let (prefixItem, used) = try CBOR.decodePrefix(bytes + [0x00])
            XCTAssertEqual(prefixItem, value)
            XCTAssertEqual(used, bytes.count)
        }
    }
}

/// Random well-formed CBOR values for round-trip and fuzz seeds.
enum RandomCBOR {
    static let floats: [Double] = [
        0, -0.0, 1, -1, 1.5, 65504, 65505, 0x1p-24, 0x1p-25, 1e300, -4.1, .infinity, -.infinity, .nan,
        Double(Float.greatestFiniteMagnitude), 3.14159, Double.leastNormalMagnitude / 1024,
    ]
    static let strings: [String] = ["", "a", "IETF", "\u{00fc}", "\u{6c34}", "\u{10151}", "tax stamp", "\"\\", "\u{0}"]

    static func value(_ rng: inout SplitMix64, depth: Int) -> CBOR {
        let scalarKinds = 11
        let kind = depth > 0 ? rng.below(scalarKinds + 3) : rng.below(scalarKinds)
        switch kind {
        case 0: return .unsigned(integer(&rng))
        case 1: return .negative(integer(&rng))
        case 2: return .bytes(rng.bytes(rng.below(40)))
        case 3:
            var s = ""
            for _ in 0 ..< rng.below(4) { s += strings[rng.below(strings.count)] }
            return .text(s)
        case 4: return .float(rng.chance(50) ? floats[rng.below(floats.count)] : Double(bitPattern: rng.next()))
        case 5: return .bool(rng.chance(50))
        case 6: return .null
        case 7: return .undefined
        case 8:
            let v = UInt8(rng.below(256 - 12))
            return .simple(v < 20 ? v : v + 12)   // 0...19, 32...255
        case 9: return .float(Double(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))))
        case 10: return .unsigned(UInt64(rng.below(30)))
        case 11: return .array((0 ..< rng.below(6)).map { _ in value(&rng, depth: depth - 1) })
        case 12:
            return .map((0 ..< rng.below(5)).map { _ in
                CBORPair(value(&rng, depth: depth - 1), value(&rng, depth: depth - 1))
            })
        default: return .tagged(integer(&rng), value(&rng, depth: depth - 1))
        }
    }

    static func integer(_ rng: inout SplitMix64) -> UInt64 {
        let bits = [5, 8, 16, 32, 64][rng.below(5)]
        let raw = rng.next()
        return bits == 64 ? raw : raw & ((1 << UInt64(bits)) - 1)
    }
}
