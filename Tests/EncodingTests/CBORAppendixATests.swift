import XCTest
import Encoding

/// RFC 8949 Appendix A, every example (transcribed from the RFC table and
/// checked against the cbor/test-vectors appendix_a.json data; simple(24) as
/// 0xf818 is deliberately absent because RFC 8949 made it not well-formed).
final class CBORAppendixATests: XCTestCase {
    struct Vector {
        let hex: String
        let value: CBOR
        let diagnostic: String
        /// The preferred serialization when it differs from `hex` (indefinite
        /// lengths, wide NaN/Infinity); nil when `hex` is already preferred.
        let preferred: String?
        init(_ hex: String, _ value: CBOR, _ diagnostic: String, preferred: String? = nil) {
            self.hex = hex
            self.value = value
            self.diagnostic = diagnostic
            self.preferred = preferred
        }
    }

    static let bignumBytes: CBOR = .bytes([0x01, 0, 0, 0, 0, 0, 0, 0, 0])
    static let oneToTwentyFive: CBOR = .array((1 ... 25).map { CBOR(Int64($0)) })
    static let nested123: CBOR = [1, [2, 3], [4, 5]]

    static let vectors: [Vector] = [
        // Integers
        Vector("00", .unsigned(0), "0"),
        Vector("01", .unsigned(1), "1"),
        Vector("0a", .unsigned(10), "10"),
        Vector("17", .unsigned(23), "23"),
        Vector("1818", .unsigned(24), "24"),
        Vector("1819", .unsigned(25), "25"),
        Vector("1864", .unsigned(100), "100"),
        Vector("1903e8", .unsigned(1000), "1000"),
        Vector("1a000f4240", .unsigned(1_000_000), "1000000"),
        Vector("1b000000e8d4a51000", .unsigned(1_000_000_000_000), "1000000000000"),
        Vector("1bffffffffffffffff", .unsigned(18_446_744_073_709_551_615), "18446744073709551615"),
        Vector("c249010000000000000000", .tagged(2, bignumBytes), "2(h'010000000000000000')"),
        Vector("3bffffffffffffffff", .negative(18_446_744_073_709_551_615), "-18446744073709551616"),
        Vector("c349010000000000000000", .tagged(3, bignumBytes), "3(h'010000000000000000')"),
        Vector("20", .negative(0), "-1"),
        Vector("29", .negative(9), "-10"),
        Vector("3863", .negative(99), "-100"),
        Vector("3903e7", .negative(999), "-1000"),
        // Floats
        Vector("f90000", .float(0.0), "0.0"),
        Vector("f98000", .float(-0.0), "-0.0"),
        Vector("f93c00", .float(1.0), "1.0"),
        Vector("fb3ff199999999999a", .float(1.1), "1.1"),
        Vector("f93e00", .float(1.5), "1.5"),
        Vector("f97bff", .float(65504.0), "65504.0"),
        Vector("fa47c35000", .float(100000.0), "100000.0"),
        Vector("fa7f7fffff", .float(3.4028234663852886e+38), "3.4028234663852886e+38"),
        Vector("fb7e37e43c8800759c", .float(1.0e+300), "1.0e+300"),
        Vector("f90001", .float(5.960464477539063e-8), "5.960464477539063e-8"),
        Vector("f90400", .float(0.00006103515625), "6.103515625e-5"),
        Vector("f9c400", .float(-4.0), "-4.0"),
        Vector("fbc010666666666666", .float(-4.1), "-4.1"),
        Vector("f97c00", .float(.infinity), "Infinity"),
        Vector("f97e00", .float(.nan), "NaN"),
        Vector("f9fc00", .float(-.infinity), "-Infinity"),
        Vector("fa7f800000", .float(.infinity), "Infinity", preferred: "f97c00"),
        Vector("fa7fc00000", .float(.nan), "NaN", preferred: "f97e00"),
        Vector("faff800000", .float(-.infinity), "-Infinity", preferred: "f9fc00"),
        Vector("fb7ff0000000000000", .float(.infinity), "Infinity", preferred: "f97c00"),
        Vector("fb7ff8000000000000", .float(.nan), "NaN", preferred: "f97e00"),
        Vector("fbfff0000000000000", .float(-.infinity), "-Infinity", preferred: "f9fc00"),
        // Simple values
        Vector("f4", .bool(false), "false"),
        Vector("f5", .bool(true), "true"),
        Vector("f6", .null, "null"),
        Vector("f7", .undefined, "undefined"),
        Vector("f0", .simple(16), "simple(16)"),
        Vector("f8ff", .simple(255), "simple(255)"),
        // Tags
        Vector("c074323031332d30332d32315432303a30343a30305a",
               .tagged(0, .text("2013-03-21T20:04:00Z")), "0(\"2013-03-21T20:04:00Z\")"),
        Vector("c11a514b67b0", .tagged(1, .unsigned(1_363_896_240)), "1(1363896240)"),
        Vector("c1fb41d452d9ec200000", .tagged(1, .float(1_363_896_240.5)), "1(1363896240.5)"),
        Vector("d74401020304", .tagged(23, .bytes([1, 2, 3, 4])), "23(h'01020304')"),
        Vector("d818456449455446", .tagged(24, .bytes([0x64, 0x49, 0x45, 0x54, 0x46])), "24(h'6449455446')"),
        Vector("d82076687474703a2f2f7777772e6578616d706c652e636f6d",
               .tagged(32, .text("http://www.example.com")), "32(\"http://www.example.com\")"),
        // Byte and text strings
        Vector("40", .bytes([]), "h''"),
        Vector("4401020304", .bytes([1, 2, 3, 4]), "h'01020304'"),
        Vector("60", .text(""), "\"\""),
        Vector("6161", .text("a"), "\"a\""),
        Vector("6449455446", .text("IETF"), "\"IETF\""),
        Vector("62225c", .text("\"\\"), "\"\\\"\\\\\""),
        Vector("62c3bc", .text("\u{00fc}"), "\"\u{00fc}\""),
        Vector("63e6b0b4", .text("\u{6c34}"), "\"\u{6c34}\""),
        Vector("64f0908591", .text("\u{10151}"), "\"\u{10151}\""), // "\ud800\udd51"
        // Arrays and maps
        Vector("80", .array([]), "[]"),
        Vector("83010203", [1, 2, 3], "[1, 2, 3]"),
        Vector("8301820203820405", nested123, "[1, [2, 3], [4, 5]]"),
        Vector("98190102030405060708090a0b0c0d0e0f101112131415161718181819", oneToTwentyFive,
               "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]"),
        Vector("a0", .map([]), "{}"),
        Vector("a201020304", [1: 2, 3: 4], "{1: 2, 3: 4}"),
        Vector("a26161016162820203", ["a": 1, "b": [2, 3]], "{\"a\": 1, \"b\": [2, 3]}"),
        Vector("826161a161626163", ["a", ["b": "c"]], "[\"a\", {\"b\": \"c\"}]"),
        Vector("a56161614161626142616361436164614461656145",
               ["a": "A", "b": "B", "c": "C", "d": "D", "e": "E"],
               "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}"),
        // Indefinite lengths
        Vector("5f42010243030405ff", .bytes([1, 2, 3, 4, 5]), "h'0102030405'", preferred: "450102030405"),
        Vector("7f657374726561646d696e67ff", .text("streaming"), "\"streaming\"",
               preferred: "6973747265616d696e67"),
        Vector("9fff", .array([]), "[]", preferred: "80"),
        Vector("9f018202039f0405ffff", nested123, "[1, [2, 3], [4, 5]]", preferred: "8301820203820405"),
        Vector("9f01820203820405ff", nested123, "[1, [2, 3], [4, 5]]", preferred: "8301820203820405"),
        Vector("83018202039f0405ff", nested123, "[1, [2, 3], [4, 5]]", preferred: "8301820203820405"),
        Vector("83019f0203ff820405", nested123, "[1, [2, 3], [4, 5]]", preferred: "8301820203820405"),
        Vector("9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", oneToTwentyFive,
               "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
               preferred: "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
        Vector("bf61610161629f0203ffff", ["a": 1, "b": [2, 3]], "{\"a\": 1, \"b\": [2, 3]}",
               preferred: "a26161016162820203"),
        Vector("826161bf61626163ff", ["a", ["b": "c"]], "[\"a\", {\"b\": \"c\"}]",
               preferred: "826161a161626163"),
        Vector("bf6346756ef563416d7421ff", ["Fun": true, "Amt": -2], "{\"Fun\": true, \"Amt\": -2}",
               preferred: "a26346756ef563416d7421"),
    ]

    func testTableIsComplete() {
        // 81 rows: the 82 examples of RFC 7049 Appendix A minus simple(24) as
        // 0xf818, which RFC 8949 §3.3 made not well-formed (and removed from
        // its Appendix A); it is tested in CBORNotWellFormedTests instead.
        XCTAssertEqual(Self.vectors.count, 81)
        XCTAssertEqual(Set(Self.vectors.map(\.hex)).count, Self.vectors.count)
    }

    func testDecodeEveryExample() throws {
        for v in Self.vectors {
            let decoded = try CBOR.decode(hex(v.hex))
            XCTAssertEqual(decoded, v.value, v.hex)
            XCTAssertEqual(decoded.description, v.diagnostic, v.hex)
        }
    }

    func testPreferredSerializationRoundTrips() throws {
        for v in Self.vectors {
            let decoded = try CBOR.decode(hex(v.hex))
            let expected = v.preferred ?? v.hex
            XCTAssertEqual(hexString(decoded.encoded()), expected, v.hex)
            // Encoding the hand-built value gives the same bytes.
            XCTAssertEqual(hexString(v.value.encoded()), expected, v.hex)
            // And the preferred form decodes to the same value.
            XCTAssertEqual(try CBOR.decode(hex(expected)), v.value, v.hex)
        }
    }

    func testFloatValuesAreExact() throws {
        // Check the float examples by bit pattern, not only by ==.
        let cases: [(String, UInt64)] = [
            ("f90001", 0x3E70_0000_0000_0000),          // 2^-24
            ("f90400", 0x3F10_0000_0000_0000),          // 2^-14
            ("f97bff", 65504.0.bitPattern),
            ("fa7f7fffff", Double(Float.greatestFiniteMagnitude).bitPattern),
            ("f98000", 0x8000_0000_0000_0000),
            ("fb7e37e43c8800759c", 0x7E37_E43C_8800_759C),
        ]
        for (h, bits) in cases {
            guard case .float(let d) = try CBOR.decode(hex(h)) else {
                XCTFail("\(h) is not a float"); continue
            }
            XCTAssertEqual(d.bitPattern, bits, h)
        }
        XCTAssertEqual(5.960464477539063e-8, 0x1p-24)
        XCTAssertEqual(0.00006103515625, 0x1p-14)
    }

    func testIndefiniteStringsConcatenateChunks() throws {
        XCTAssertEqual(try CBOR.decode(hex("5fff")), .bytes([]))
        XCTAssertEqual(try CBOR.decode(hex("7fff")), .text(""))
        XCTAssertEqual(try CBOR.decode(hex("7f6060ff")), .text(""))
        XCTAssertEqual(try CBOR.decode(hex("7f62c3bc63e6b0b4ff")), .text("\u{00fc}\u{6c34}"))
        // A chunk may itself use a longer head (0x59 = two-byte length).
        XCTAssertEqual(try CBOR.decode(hex("5f 4101 5900020203 ff")), .bytes([1, 2, 3]))
    }
}
