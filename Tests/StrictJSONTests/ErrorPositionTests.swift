import StrictJSON
import XCTest

/// Errors must tell a person where (line, column) and what.
final class ErrorPositionTests: XCTestCase {
    private func check(_ doc: [UInt8], line: Int, column: Int, offset: Int, message: String,
                       file: StaticString = #filePath, at: UInt = #line) {
        guard let e = parseError(doc, file: file, line: at) else { return }
        XCTAssertEqual(e.message, message, file: file, line: at)
        XCTAssertEqual(e.line, line, "line (\(e))", file: file, line: at)
        XCTAssertEqual(e.column, column, "column (\(e))", file: file, line: at)
        XCTAssertEqual(e.offset, offset, "offset (\(e))", file: file, line: at)
        XCTAssertEqual(e.description, "line \(line), column \(column): \(message)", file: file, line: at)
    }

    func testTrailingCommaInConfig() {
        let doc = """
            {
              "name": "stamp",
              "count": 3,
              "items": [1, 2,]
            }
            """
        check(bytes(doc), line: 4, column: 18, offset: 52,
              message: "expected a value after ',', found ']' (trailing commas are not allowed)")
    }

    func testMissingCommaWithCRLF() {
        let doc = "{\r\n  \"a\": 1\r\n  \"b\": 2\r\n}\r\n"
        check(bytes(doc), line: 3, column: 3, offset: 15,
              message: "expected ',' or '}' after an object member, found '\"'")
    }

    func testColumnsCountUnicodeScalarsNotBytes() {
        // "é" is 2 bytes, "ключ" 8 bytes, "😀" 4 bytes, each one column per scalar.
        let doc = "{\n\t\"caf\u{E9}\": \"\u{1F600}\", \"\u{43A}\u{43B}\u{44E}\u{447}\": 012\n}"
        // line 2: TAB(1) "(2) c a f é(6) "(7) :(8) sp(9) "(10) 😀(11) "(12) ,(13) sp(14) "(15) ключ(16-19) "(20) :(21) sp(22) 0(23)
        check(bytes(doc), line: 2, column: 23, offset: 32, message: "leading zeros are not allowed in numbers")
    }

    func testLoneCRAndLFEndLines() {
        check(bytes("[1,\r2,\r\n3,\n\r@]"), line: 5, column: 1, offset: 12,
              message: "expected a value, found '@'")
    }

    func testBOMIsNotAColumnButIsAnOffset() {
        check([0xEF, 0xBB, 0xBF] + bytes("[tru]"), line: 1, column: 2, offset: 4,
              message: "invalid literal 'tru', expected 'true'")
        check([0xEF, 0xBB, 0xBF] + bytes("\n {\"k\" 1}"), line: 2, column: 7, offset: 10,
              message: "expected ':' after the object key \"k\", found '1'")
    }

    func testUnterminatedStringPointsAtEndAndNamesTheOpening() {
        let doc = "{\n  \"epcList\": [\n    \"urn:epc:id:sgtin:4012345.011111.1,\n    \"urn:x\"\n  ]\n}"
        // The first string swallows the newline: that is the error (raw LF in a string).
        check(bytes(doc), line: 3, column: 40, offset: 56,
              message: "unescaped control character U+000A in string; write it as \\n (or is a closing quote missing?)")
        let cut = "[\n  \"abc"
        check(bytes(cut), line: 2, column: 7, offset: 8,
              message: "unterminated string: the string opened at line 2, column 3 has no closing quote")
    }

    func testUnclosedContainerNamesWhereItOpened() {
        let doc = "{\n  \"signed\": {\n    \"keys\": [1, 2\n"
        check(bytes(doc), line: 4, column: 1, offset: 34,
              message: "expected ',' or ']' after an array element, found end of input (the array opened at line 3, column 13 is not closed)")
        let obj = "{\"a\": {\"b\": 1,\n \"c\": 2"
        check(bytes(obj), line: 2, column: 8, offset: 22,
              message: "expected ',' or '}' after an object member, found end of input (the object opened at line 1, column 7 is not closed)")
    }

    func testBadEscapeAndSurrogateOnLaterLine() {
        let doc = "[\n\"ok\",\n  \"bad \\q here\"\n]"
        check(bytes(doc), line: 3, column: 8, offset: 15,
              message: "invalid escape '\\q' in string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        let sur = "{\"x\":\n\"\u{E9}\\uDC00\"}"
        check(bytes(sur), line: 2, column: 3, offset: 9,
              message: "lone surrogate \\uDC00 in string: a low surrogate must follow a high surrogate")
    }

    func testInvalidUTF8Position() {
        let doc: [UInt8] = bytes("{\n  \"k\": \"ab") + [0xC3, 0x28] + bytes("\"\n}")
        check(doc, line: 2, column: 11, offset: 12, message: "invalid UTF-8 in string (invalid UTF-8 byte 0xC3)")
    }

    func testDepthErrorPosition() {
        let doc = "{\"a\":\n" + String(repeating: "[", count: 600)
        check(bytes(doc), line: 2, column: 512, offset: 517, message: "nesting depth exceeds the limit of 512")
    }

    func testDuplicateKeyNamesTheKey() {
        check(bytes("{\n  \"kid\": \"a\",\n  \"kid\": \"b\"\n}"), line: 3, column: 3, offset: 18,
              message: "duplicate key \"kid\" in object")
        // Escaped and raw spellings of the same key are the same key; the message shows it decoded.
        check(bytes(#"{"caf\u00e9":1,"café":2}"#), line: 1, column: 16, offset: 15,
              message: "duplicate key \"caf\u{E9}\" in object")
        // Keys that need escaping are shown escaped.
        check(bytes(#"{"a\"b\n":1,"a\"b\n":2}"#), line: 1, column: 13, offset: 12,
              message: #"duplicate key "a\"b\n" in object"#)
        // Nested object, and one with enough keys to use the hash index.
        check(bytes(#"{"x":{"y":1},"z":{"y":1,"y":2}}"#), line: 1, column: 25, offset: 24,
              message: "duplicate key \"y\" in object")
        var many = "{"
        for i in 0..<40 { many += "\"k\(i)\":\(i)," }
        let offset = many.utf8.count
        many += "\"k17\":0}"
        check(bytes(many), line: 1, column: offset + 1, offset: offset, message: "duplicate key \"k17\" in object")
        // A long key is shortened in the message.
        let long = String(repeating: "x", count: 100)
        let e = parseError("{\"\(long)\":1,\"\(long)\":2}")
        XCTAssertEqual(e?.message, "duplicate key \"\(String(repeating: "x", count: 57))\"... in object")
        // Keys differing only by Unicode normalization are not duplicates, nor are keys in sibling objects.
        XCTAssertNotNil(parseOK(bytes("{\"\u{E9}\":1,\"e\u{301}\":2}")))
        XCTAssertNotNil(parseOK(bytes(#"[{"a":1},{"a":1}]"#)))
    }

    func testLargeObjectWithoutDuplicatesParsesAndLooksUp() throws {
        var s = "{"
        for i in 0..<100 { s += (i > 0 ? "," : "") + "\"key\(i)\":\(i)" }
        s += "}"
        let v = try JSONParser.parse(s)
        XCTAssertEqual(v.objectValue?.count, 100)
        for i in 0..<100 { XCTAssertEqual(v["key\(i)"], .integer(Int64(i))) }
        XCTAssertNil(v["key100"])
        XCTAssertEqual(v.objectValue?.keys, (0..<100).map { "key\($0)" })
    }
}
