import XCTest
import Encoding

/// RFC 8949 Appendix F.1: every example must be rejected, for its own reason.
final class CBORNotWellFormedTests: XCTestCase {
    typealias Group = (label: String, kind: CBORError.Kind, items: [String])

    static let appendixF1: [Group] = [
        ("End of input in a head", .truncated,
         ["18", "19", "1a", "1b", "19 01", "1a 01 02", "1b 01 02 03 04 05 06 07", "38", "58", "78", "98",
          "9a 01 ff 00", "b8", "d8", "f8", "f9 00", "fa 00 00", "fb 00 00 00"]),
        ("Definite-length strings with short data", .truncated,
         ["41", "61", "5a ff ff ff ff 00", "5b ff ff ff ff ff ff ff ff 01 02 03", "7a ff ff ff ff 00",
          "7b 7f ff ff ff ff ff ff ff 01 02 03"]),
        ("Definite-length maps and arrays not closed with enough items", .truncated,
         ["81", "81 81 81 81 81 81 81 81 81", "82 00", "a1", "a2 01 02", "a1 00", "a2 00 00 00"]),
        ("Tag number not followed by tag content", .truncated, ["c0"]),
        ("Indefinite-length strings not closed by a break stop code", .truncated, ["5f 41 00", "7f 61 00"]),
        ("Indefinite-length maps and arrays not closed by a break stop code", .truncated,
         ["9f", "9f 01 02", "bf", "bf 01 02 01 02", "81 9f", "9f 80 00", "9f 9f 9f 9f 9f ff ff ff ff",
          "9f 81 9f 81 9f 9f ff ff ff"]),
        ("Reserved additional information values", .reservedAdditionalInfo,
         ["1c", "1d", "1e", "3c", "3d", "3e", "5c", "5d", "5e", "7c", "7d", "7e", "9c", "9d", "9e",
          "bc", "bd", "be", "dc", "dd", "de", "fc", "fd", "fe"]),
        ("Reserved two-byte encodings of simple values", .invalidSimpleValue,
         ["f8 00", "f8 01", "f8 18", "f8 1f"]),
        ("Indefinite-length string chunks not of the correct type", .invalidChunk,
         ["5f 00 ff", "5f 21 ff", "5f 61 00 ff", "5f 80 ff", "5f a0 ff", "5f c0 00 ff", "5f e0 ff", "7f 41 00 ff"]),
        ("Indefinite-length string chunks not definite length", .invalidChunk,
         ["5f 5f 41 00 ff ff", "7f 7f 61 00 ff ff"]),
        ("Break occurring on its own outside of an indefinite-length item", .unexpectedBreak, ["ff"]),
        ("Break occurring in a definite-length array or map or a tag", .unexpectedBreak,
         ["81 ff", "82 00 ff", "a1 ff", "a1 ff 00", "a1 00 ff", "a2 00 00 ff", "9f 81 ff",
          "9f 82 9f 81 9f 9f ff ff ff ff"]),
        ("Break in an indefinite-length map that would lead to an odd number of items", .unexpectedBreak,
         ["bf 00 ff", "bf 00 00 00 ff"]),
        ("Major type 0, 1, 6 with additional information 31", .invalidIndefiniteLength, ["1f", "3f", "df"]),
    ]

    func testAppendixF1IsComplete() {
        XCTAssertEqual(Self.appendixF1.reduce(0) { $0 + $1.items.count }, 94)
    }

    func testEveryAppendixF1ExampleIsRejectedForItsReason() {
        for group in Self.appendixF1 {
            for item in group.items {
                let bytes = hex(item)
                guard let error = cborError(bytes) else {
                    XCTFail("accepted not-well-formed \(item) (\(group.label))")
                    continue
                }
                XCTAssertEqual(error.kind, group.kind, "\(item): \(error)")
                XCTAssertTrue(error.offset >= 0 && error.offset <= bytes.count, "\(item): offset \(error.offset)")
                // decodePrefix must reject them too (none is a valid prefix).
                XCTAssertThrowsError(try CBOR.decodePrefix(bytes), item)
            }
        }
    }

    func testEveryBadStartInsideIndefiniteStrings() {
        // "5f xx" and "7f xx" are never well-formed except for an immediate break.
        for b in 0 ... 255 where b != 0xff {
            XCTAssertNotNil(cborError([0x5f, UInt8(b)]), "5f \(b)")
            XCTAssertNotNil(cborError([0x7f, UInt8(b)]), "7f \(b)")
            // Only an empty chunk (0x40) followed by the break is well-formed.
            let closed = cborError([0x5f, UInt8(b), 0xff])
            if b == 0x40 { XCTAssertNil(closed) } else { XCTAssertNotNil(closed, "5f \(b) ff") }
        }
        // And every two-byte simple value below 32.
        for v in 0 ..< 32 {
            XCTAssertEqual(cborError([0xf8, UInt8(v)])?.kind, .invalidSimpleValue)
        }
        for v in 32 ... 255 {
            XCTAssertEqual(try CBOR.decode([0xf8, UInt8(v)]), .simple(UInt8(v)))
        }
    }

    func testInvalidUTF8IsRejected() {
        let bad = [
            "61 ff",             // never valid
            "61 80",             // lone continuation byte
            "62 c3 28",          // bad continuation
            "62 c0 80",          // overlong NUL
            "63 e0 80 80",       // overlong
            "63 ed a0 80",       // UTF-16 surrogate D800
            "64 f4 90 80 80",    // above U+10FFFF
            "64 f8 88 80 80",    // five-byte lead
            "62 e6 b0",          // truncated sequence
            "7f 61 c3 61 bc ff", // a code point split across chunks
            "7f 62 c3 bc 61 ff ff",
        ]
        for item in bad {
            XCTAssertEqual(cborError(hex(item))?.kind, .invalidUTF8, item)
        }
        XCTAssertEqual(cborError(hex("64 61 62 63 ff"))?.offset, 4)
        XCTAssertEqual(try CBOR.decode(hex("64 f4 8f bf bf")), .text("\u{10FFFF}"))
        XCTAssertEqual(try CBOR.decode(hex("63 ef bf bf")), .text("\u{FFFF}"))
        XCTAssertEqual(try CBOR.decode(hex("63 ee 80 80")), .text("\u{E000}"))
        XCTAssertEqual(try CBOR.decode(hex("61 00")), .text("\u{0}"))
        // Long ASCII (fast path) followed by a bad byte at various positions.
        for badAt in 0 ..< 40 {
            var bytes: [UInt8] = [0x78, 40] + [UInt8](repeating: 0x41, count: 40)
            bytes[2 + badAt] = 0xfe
            XCTAssertEqual(cborError(bytes)?.offset, 2 + badAt)
        }
    }

    func testHugeDeclaredLengthsFailFastWithoutAllocating() {
        let cases: [(String, String)] = [
            ("5a ffffffff", "a byte string needs 4294967295 more bytes"),
            ("7a ffffffff", "a text string needs 4294967295 more bytes"),
            ("5b 1000000000000000", "a byte string needs 1152921504606846976 more bytes"),
            ("5b ffffffffffffffff 00", "a byte string needs 18446744073709551614 more bytes"),
            ("9b ffffffffffffffff", "an array of 18446744073709551615 items needs at least 18446744073709551615 bytes but only 0 remain"),
            ("bb ffffffffffffffff", "a map of 18446744073709551615 pairs needs at least two bytes per pair but only 0 remain"),
        ]
        for (item, detail) in cases {
            let error = cborError(hex(item))
            XCTAssertEqual(error?.kind, .truncated, item)
            XCTAssertEqual(error?.offset, 0, item)
            XCTAssertEqual(error?.detail, detail, item)
        }
        // An array count larger than the remaining bytes is refused up front.
        XCTAssertEqual(cborError(hex("83 01 02"))?.kind, .truncated)
        XCTAssertEqual(cborError(hex("a2 01 02 03"))?.kind, .truncated)
        // Inside indefinite strings too.
        XCTAssertEqual(cborError(hex("5f 5b 7fffffffffffffff ff"))?.kind, .truncated)
    }

    func testErrorDescriptions() {
        XCTAssertEqual(cborError(hex("4e 01 02"))?.description,
                       "CBOR is truncated at byte 0 (a byte string needs 12 more bytes)")
        XCTAssertEqual(cborError(hex("82 01 4e 01 02"))?.description,
                       "CBOR is truncated at byte 2 (a byte string needs 12 more bytes)")
        XCTAssertEqual(cborError(hex("01 02 03"))?.description,
                       "CBOR has unexpected trailing bytes at byte 1 (2 bytes follow the complete data item)")
        XCTAssertEqual(cborError(hex("1c"))?.description,
                       "CBOR uses reserved additional information at byte 0 (initial byte 0x1c: additional information 28 is reserved)")
        XCTAssertEqual(cborError(hex("81 1f"))?.description,
                       "CBOR has an indefinite length where none is allowed at byte 1 (initial byte 0x1f: an unsigned integer cannot have indefinite length)")
        XCTAssertEqual(cborError(hex("f8 18"))?.description,
                       "CBOR has an invalid simple value at byte 0 (simple value 24 must not use the two-byte form 0xf8 0x18)")
        XCTAssertEqual(cborError(hex("82 82 01 02"))?.description,
                       "CBOR is truncated at byte 4 (the array that starts at byte 0 needs 1 more item)")
        XCTAssertEqual(cborError(hex("82 01"))?.description,
                       "CBOR is truncated at byte 0 (an array of 2 items needs at least 2 bytes but only 1 remain)")
        XCTAssertEqual(cborError(hex("19 01"))?.description,
                       "CBOR is truncated at byte 0 (the head of an unsigned integer needs 1 more byte)")
        XCTAssertEqual(cborError(hex("5f 61 00 ff"))?.kind, .invalidChunk)
        XCTAssertEqual(cborError(hex("5f 61 00 ff"))?.offset, 1)
        for error in [cborError(hex("ff")), cborError(hex("61 ff")), cborError(hex("81 81 81 00"), limits: .init(maxDepth: 2))] {
            XCTAssertFalse(error?.description.isEmpty ?? true)
        }
        XCTAssertEqual(cborError([])?.kind, .truncated)
    }

    func testTrailingBytesAndPrefix() throws {
        let bytes = hex("83 01 02 03 f6 00")
        XCTAssertEqual(cborError(bytes)?.kind, .trailingBytes)
        XCTAssertEqual(cborError(bytes)?.offset, 4)
        let (item, used) = try CBOR.decodePrefix(bytes)
        XCTAssertEqual(item, [1, 2, 3])
        XCTAssertEqual(used, 4)
        let (second, used2) = try CBOR.decodePrefix(bytes[4...])
        XCTAssertEqual(second, .null)
        XCTAssertEqual(used2, 1)
        XCTAssertEqual(try CBOR.decode(bytes[5...]), 0)
        XCTAssertThrowsError(try CBOR.decode(bytes[4...])) { error in
            XCTAssertEqual((error as? CBORError)?.offset, 1, "offsets are relative to the slice")
        }
        let raw = try bytes.withUnsafeBytes { try CBOR.decode(UnsafeRawBufferPointer(rebasing: $0[0 ..< 4])) }
        XCTAssertEqual(raw, [1, 2, 3])
    }

    func testDepthLimit() throws {
        func nested(_ n: Int, _ opener: UInt8) -> [UInt8] {
            [UInt8](repeating: opener, count: n) + [0x00]
        }
        // 64 nested arrays around a scalar are fine by default; 65 are not.
        XCTAssertNoThrow(try CBOR.decode(nested(64, 0x81)))
        XCTAssertEqual(cborError(nested(65, 0x81))?.kind, .tooDeep)
        XCTAssertEqual(cborError(nested(65, 0x81))?.offset, 64)
        XCTAssertEqual(cborError(nested(65, 0x9f))?.kind, .tooDeep)
        XCTAssertEqual(cborError(nested(65, 0xc6))?.kind, .tooDeep)   // tag 6
        XCTAssertEqual(cborError(nested(65, 0xa1))?.kind, .tooDeep)
        // A deep input far beyond the limit fails without deep recursion.
        XCTAssertEqual(cborError(nested(100_000, 0x81))?.kind, .tooDeep)
        XCTAssertEqual(cborError(nested(100_000, 0x9f))?.kind, .tooDeep)
        // Custom limits.
        XCTAssertNoThrow(try CBOR.decode(hex("81 81 00"), limits: .init(maxDepth: 2)))
        XCTAssertEqual(cborError(hex("81 81 81 00"), limits: .init(maxDepth: 2))?.kind, .tooDeep)
        XCTAssertNoThrow(try CBOR.decode(hex("00"), limits: .init(maxDepth: 0)))
        XCTAssertEqual(cborError(hex("80"), limits: .init(maxDepth: 0))?.kind, .tooDeep)
    }

    func testItemAndLengthLimits() throws {
        let five = hex("85 01 02 03 04 05")   // 6 items
        XCTAssertNoThrow(try CBOR.decode(five, limits: .init(maxItems: 6)))
        XCTAssertEqual(cborError(five, limits: .init(maxItems: 5))?.kind, .tooLarge)
        XCTAssertEqual(cborError(hex("9f 01 02 03 04 05 ff"), limits: .init(maxItems: 5))?.kind, .tooLarge)
        XCTAssertEqual(cborError(hex("a2 01 02 03 04"), limits: .init(maxItems: 4))?.kind, .tooLarge)
        XCTAssertNoThrow(try CBOR.decode(hex("a2 01 02 03 04"), limits: .init(maxItems: 5)))
        XCTAssertEqual(cborError(hex("00"), limits: .init(maxItems: 0))?.kind, .tooLarge)
        XCTAssertNoThrow(try CBOR.decode(hex("43 01 02 03"), limits: .init(maxStringLength: 3)))
        XCTAssertEqual(cborError(hex("43 01 02 03"), limits: .init(maxStringLength: 2))?.kind, .tooLarge)
        XCTAssertEqual(cborError(hex("7f 62 61 61 62 61 61 ff"), limits: .init(maxStringLength: 3))?.kind, .tooLarge)
        XCTAssertNoThrow(try CBOR.decode(hex("7f 62 61 61 61 61 ff"), limits: .init(maxStringLength: 3)))
    }
}
