import StrictJSON
import XCTest

/// Acceptance and rejection tables in the style of JSONTestSuite (y_ must parse to the
/// given value, n_ must fail with the given message fragment at the given byte offset).
final class AcceptanceTests: XCTestCase {
    private static func nested(_ depth: Int) -> JSONValue {
        var v = JSONValue.array([])
        for _ in 1..<depth { v = .array([v]) }
        return v
    }

    private static let yes: [(name: String, input: [UInt8], expected: JSONValue)] = [
        ("y_array_empty", bytes("[]"), .array([])),
        ("y_object_empty", bytes("{}"), .object(JSONObject())),
        ("y_array_of_empties", bytes("[[],{}]"), [[], .object(JSONObject())]),
        ("y_lonely_int", bytes("42"), .integer(42)),
        ("y_lonely_negative_int", bytes("-7"), .integer(-7)),
        ("y_lonely_string", bytes("\"asd\""), "asd"),
        ("y_lonely_null", bytes("null"), .null),
        ("y_lonely_true", bytes("true"), true),
        ("y_lonely_false", bytes("false"), false),
        ("y_whitespace_everywhere", bytes(" \t\r\n[ 1 ,\t2\r\n]\n "), [1, 2]),
        ("y_object_whitespace", bytes("{ \"a\" :\n1 , \"b\":[ ] }"), ["a": 1, "b": []]),
        ("y_bom", [0xEF, 0xBB, 0xBF] + bytes("[1]"), [1]),
        ("y_bom_then_whitespace", [0xEF, 0xBB, 0xBF] + bytes(" \n{}"), .object(JSONObject())),
        ("y_number_zero", bytes("0"), .integer(0)),
        ("y_number_negative_zero_int", bytes("-0"), .integer(0)),
        ("y_number_negative_zero_real", bytes("-0.0"), .number(-0.0)),
        ("y_number_int64_max", bytes("9223372036854775807"), .integer(.max)),
        ("y_number_int64_min", bytes("-9223372036854775808"), .integer(.min)),
        ("y_number_big_int_is_number", bytes("9223372036854775808"), .number(9223372036854775808.0)),
        ("y_number_big_negative_int_is_number", bytes("-9223372036854775809"), .number(-9223372036854775808.0)),
        ("y_number_huge_int_is_number", bytes("123456789012345678901234567890"), .number(1.2345678901234568e29)),
        ("y_number_2_pow_53_plus_1_exact", bytes("9007199254740993"), .integer(9_007_199_254_740_993)),
        ("y_number_real", bytes("1.5"), .number(1.5)),
        ("y_number_real_capital_exp", bytes("1.5E+3"), .number(1500)),
        ("y_number_int_with_exp_is_number", bytes("1e2"), .number(100)),
        ("y_number_exp_leading_zeros", bytes("1e05"), .number(100_000)),
        ("y_number_negative_exp", bytes("-2e-2"), .number(-0.02)),
        ("y_number_fraction_zero_is_number", bytes("1.0"), .number(1.0)),
        ("y_number_zero_exp_huge", bytes("0e99999999999"), .number(0)),
        ("y_number_underflow_to_zero", bytes("1e-400"), .number(0)),
        ("y_number_double_max", bytes("1.7976931348623157e308"), .number(.greatestFiniteMagnitude)),
        ("y_number_min_subnormal", bytes("5e-324"), .number(.leastNonzeroMagnitude)),
        ("y_number_min_normal", bytes("2.2250738585072014e-308"), .number(.leastNormalMagnitude)),
        ("y_number_long_fraction", bytes("0.30000000000000004440892098500626"), .number(0.30000000000000004)),
        ("y_number_many_fraction_digits", bytes("3.14159265358979323846264338327950288419716939937510"), .number(.pi)),
        ("y_number_precise_rounding", bytes("9007199254740993.0"), .number(9007199254740992.0)),
        ("y_string_simple_escapes", bytes(#""\"\\\/\b\f\n\r\t""#), .string("\"\\/\u{8}\u{C}\n\r\t")),
        ("y_string_u_escapes", bytes(#""\u0041\u00e9\u20AC\uFFFF""#), .string("A\u{E9}\u{20AC}\u{FFFF}")),
        ("y_string_u_escape_any_case", bytes(#""\u00E9\u00e9\u00eA""#), .string("\u{E9}\u{E9}\u{EA}")),
        ("y_string_surrogate_pair", bytes(#""\uD83D\uDE00""#), .string("\u{1F600}")),
        ("y_string_surrogate_pair_lowercase", bytes(#""\ud834\udd1e""#), .string("\u{1D11E}")),
        ("y_string_surrogate_pair_max", bytes(#""\uDBFF\uDFFF""#), .string("\u{10FFFF}")),
        ("y_string_two_pairs", bytes(#""\uD83D\uDE00\uD83D\uDE01""#), .string("\u{1F600}\u{1F601}")),
        ("y_string_u0000", bytes(#""a\u0000b""#), .string("a\u{0}b")),
        ("y_string_raw_utf8_all_lengths", bytes("\"\u{E9}\u{20AC}\u{1F600}\u{10FFFF}\""), .string("\u{E9}\u{20AC}\u{1F600}\u{10FFFF}")),
        ("y_string_raw_del", [0x22, 0x7F, 0x22], .string("\u{7F}")),
        ("y_string_raw_u2028", bytes("\"\u{2028}\u{2029}\""), .string("\u{2028}\u{2029}")),
        ("y_string_raw_noncharacter", [0x22, 0xEF, 0xBF, 0xBF, 0x22], .string("\u{FFFF}")),
        ("y_string_raw_bom_inside", [0x22, 0xEF, 0xBB, 0xBF, 0x22], .string("\u{FEFF}")),
        ("y_string_slash_raw_and_escaped", bytes(#""/\/""#), .string("//")),
        ("y_object_nested", bytes(#"{"a":{"b":[1,{"c":null}]}}"#), ["a": ["b": [1, ["c": .null]]]]),
        ("y_object_keys_not_normalized", bytes("{\"\u{E9}\":1,\"e\u{301}\":2}"),
         .object(JSONObject([("\u{E9}", 1), ("e\u{301}", 2)]))),
        ("y_object_empty_key", bytes(#"{"":0}"#), ["": 0]),
        ("y_object_case_sensitive_keys", bytes(#"{"a":1,"A":2}"#), ["a": 1, "A": 2]),
        ("y_object_same_key_in_sibling_objects", bytes(#"[{"a":1},{"a":2}]"#), [["a": 1], ["a": 2]]),
        ("y_depth_at_limit", Array(repeating: UInt8(ascii: "["), count: 512) + Array(repeating: UInt8(ascii: "]"), count: 512),
         nested(512)),
    ]

    private static func b(_ s: String) -> [UInt8] { bytes(s) }
    private static let open513 = Array(repeating: UInt8(ascii: "["), count: 513)

    private static let no: [(name: String, input: [UInt8], message: String, offset: Int)] = [
        ("n_empty", [], "empty input, expected a JSON value", 0),
        ("n_whitespace_only", b(" \n "), "empty input", 3),
        ("n_bom_only", [0xEF, 0xBB, 0xBF], "empty input", 3),
        ("n_array_trailing_comma", b("[1,]"), "expected a value after ',', found ']' (trailing commas are not allowed)", 3),
        ("n_object_trailing_comma", b(#"{"a":1,}"#), "found '}' (trailing commas are not allowed)", 7),
        ("n_array_leading_comma", b("[,1]"), "expected a value, found ','", 1),
        ("n_array_double_comma", b("[1,,2]"), "expected a value, found ','", 3),
        ("n_array_missing_comma", b("[1 2]"), "expected ',' or ']' after an array element, found '2'", 3),
        ("n_array_unclosed", b("[1"), "found end of input (the array opened at line 1, column 1 is not closed)", 2),
        ("n_array_extra_close", b("[1]]"), "expected end of input after the JSON value, found ']'", 3),
        ("n_array_colon", b("[1:2]"), "expected ',' or ']' after an array element, found ':'", 2),
        ("n_array_closed_with_brace", b("[1}"), "found '}'", 2),
        ("n_object_closed_with_bracket", b(#"{"a":1]"#), "expected ',' or '}' after an object member, found ']'", 6),
        ("n_object_unquoted_key", b("{a:1}"), "(object keys must be double-quoted strings)", 1),
        ("n_object_single_quoted_key", b("{'a':1}"), "found \"'\" (object keys must be double-quoted strings)", 1),
        ("n_string_single_quotes", b("['a']"), "(strings must use double quotes)", 1),
        ("n_object_missing_colon", b(#"{"a" 1}"#), "expected ':' after the object key \"a\", found '1'", 5),
        ("n_object_comma_instead_of_colon", b(#"{"a",1}"#), "expected ':' after the object key \"a\", found ','", 4),
        ("n_object_missing_value", b(#"{"a":}"#), "expected a value, found '}'", 5),
        ("n_object_number_key", b("{1:1}"), "expected a string key or '}', found '1'", 1),
        ("n_object_missing_key_after_comma", b(#"{"a":1,2}"#), "expected a string key after ',', found '2'", 7),
        ("n_object_unclosed", b(#"{"a":1"#), "expected ',' or '}' after an object member, found end of input", 6),
        ("n_object_duplicate_key", b(#"{"a":1,"a":2}"#), "duplicate key \"a\" in object", 7),
        ("n_two_values", b("1 2"), "expected end of input after the JSON value, found '2'", 2),
        ("n_two_arrays", b("[] []"), "expected end of input after the JSON value, found '['", 3),
        ("n_comment_line", b("[1,//c\n2]"), "(comments are not allowed in JSON)", 3),
        ("n_comment_block", b("/* c */[1]"), "(comments are not allowed in JSON)", 0),
        ("n_number_leading_zero", b("01"), "leading zeros are not allowed", 0),
        ("n_number_negative_leading_zero", b("-012"), "leading zeros are not allowed", 0),
        ("n_number_double_zero_in_array", b("[00]"), "leading zeros are not allowed", 1),
        ("n_number_plus", b("+1"), "(a number cannot start with '+')", 0),
        ("n_number_dot_start", b(".5"), "(a number needs a digit before the decimal point)", 0),
        ("n_number_dot_end", b("1."), "expected a digit after the decimal point, found end of input", 2),
        ("n_number_dot_then_exp", b("1.e5"), "expected a digit after the decimal point, found 'e'", 2),
        ("n_number_exp_empty", b("1e"), "expected a digit in the exponent, found end of input", 2),
        ("n_number_exp_sign_only", b("[1e+]"), "expected a digit in the exponent, found ']'", 4),
        ("n_number_minus_only", b("-"), "expected a digit after '-', found end of input", 1),
        ("n_number_minus_space", b("- 1"), "expected a digit after '-', found ' '", 1),
        ("n_number_NaN", b("NaN"), "(NaN and Infinity are not allowed in JSON)", 0),
        ("n_number_Infinity", b("[Infinity]"), "(NaN and Infinity are not allowed in JSON)", 1),
        ("n_number_minus_Infinity", b("-Infinity"), "(Infinity is not allowed in JSON)", 1),
        ("n_number_hex", b("0x1F"), "expected end of input after the JSON value, found 'x'", 1),
        ("n_number_overflow", b("1e400"), "number 1e400 is out of range for a 64-bit floating-point value", 0),
        ("n_number_overflow_negative", b("[-1.5e999]"), "number -1.5e999 is out of range", 1),
        ("n_number_overflow_just_above_max", b("1.7976931348623159e308"), "is out of range", 0),
        ("n_number_overflow_integer_digits", b("1" + String(repeating: "0", count: 400)), "is out of range", 0),
        ("n_number_space_inside", b("[1 000]"), "expected ',' or ']' after an array element, found '0'", 3),
        ("n_string_unescaped_tab", b("[\"a\tb\"]"), "unescaped control character U+0009 in string; write it as \\t", 3),
        ("n_string_unescaped_newline", b("\"a\nb\""), "unescaped control character U+000A in string", 2),
        ("n_string_unescaped_nul", [0x22, 0x00, 0x22], "unescaped control character U+0000 in string; write it as \\u0000", 1),
        ("n_string_unescaped_1f_after_escape", b("\"\\n\u{1F}\""), "unescaped control character U+001F", 3),
        ("n_string_invalid_escape_x", b(#""\x""#), "invalid escape '\\x' in string", 1),
        ("n_string_escaped_single_quote", b(#""\'""#), "invalid escape '\\'' in string", 1),
        ("n_string_escape_capital_U", b(#""\U0041""#), "invalid escape '\\U' in string", 1),
        ("n_string_escaped_newline", b("\"\\\n\""), "invalid escape '\\' followed by control character U+000A", 1),
        ("n_string_u_too_short", b(#""\u12""#), "expected 4 hexadecimal digits, found '\"'", 5),
        ("n_string_u_bad_hex", b(#""\u12G4""#), "expected 4 hexadecimal digits, found 'G'", 5),
        ("n_string_lone_high_surrogate", b(#""\uD800""#), "lone surrogate \\uD800 in string", 1),
        ("n_string_lone_low_surrogate", b(#"["\uDC00"]"#), "lone surrogate \\uDC00 in string: a low surrogate must follow", 2),
        ("n_string_high_then_ascii_escape", b(#""\uD800\u0041""#), "followed by \\u0041, which is not a low surrogate", 1),
        ("n_string_high_then_high", b(#""\uD83D\uD83D""#), "which is not a low surrogate", 1),
        ("n_string_high_then_above_low_range", b(#""\uD800\uE000""#), "followed by \\uE000, which is not a low surrogate", 1),
        ("n_string_high_then_text", b(#""\uD800abc""#), "lone surrogate \\uD800", 1),
        ("n_string_reversed_pair", b(#""\uDE00\uD83D""#), "lone surrogate \\uDE00", 1),
        ("n_string_unterminated", b("\"abc"), "unterminated string: the string opened at line 1, column 1 has no closing quote", 4),
        ("n_string_unterminated_in_escape", b("\"abc\\"), "unterminated string", 5),
        ("n_string_unterminated_in_u_escape", b(#""\u00"#), "unterminated string", 5),
        ("n_utf8_invalid_byte", [0x22, 0xFF, 0x22], "invalid UTF-8 in string (invalid UTF-8 byte 0xFF)", 1),
        ("n_utf8_overlong_2_bytes", [0x22, 0xC0, 0x80, 0x22], "invalid UTF-8 in string", 1),
        ("n_utf8_overlong_3_bytes", [0x22, 0xE0, 0x80, 0xAF, 0x22], "invalid UTF-8 in string", 1),
        ("n_utf8_encoded_surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8 in string", 1),
        ("n_utf8_above_U10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8 in string", 1),
        ("n_utf8_truncated_sequence", [0x22, 0xC3, 0x22], "invalid UTF-8 in string", 1),
        ("n_utf8_lone_continuation", [0x22, 0x61, 0x80, 0x22], "invalid UTF-8 in string", 2),
        ("n_utf8_invalid_after_escape", [0x22, 0x5C, 0x6E, 0xF8, 0x22], "invalid UTF-8 in string", 3),
        ("n_utf8_outside_string", [0x5B, 0xFF, 0x5D], "expected a value, found invalid UTF-8 byte 0xFF", 1),
        ("n_literal_truncated", b("tru"), "invalid literal 'tru', expected 'true'", 0),
        ("n_literal_nul", b("[nul]"), "invalid literal 'nul', expected 'null'", 1),
        ("n_literal_fals", b("fals"), "invalid literal 'fals', expected 'false'", 0),
        ("n_literal_capitalized", b("True"), "expected a value, found 'T'", 0),
        ("n_literal_suffix", b("truex"), "expected end of input after the JSON value, found 'x'", 4),
        ("n_literal_nulll", b("[nulll]"), "expected ',' or ']' after an array element, found 'l'", 5),
        ("n_whitespace_formfeed", b("[\u{C}1]"), "expected a value, found control character U+000C", 1),
        ("n_whitespace_nbsp", b("[\u{A0}1]"), "expected a value, found '\u{A0}' (U+00A0)", 1),
        ("n_bom_after_value", b("[1]\u{FEFF}"), "expected end of input after the JSON value, found '\u{FEFF}' (U+FEFF)", 3),
        ("n_bom_twice", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + b("[1]"), "(U+FEFF)", 3),
        ("n_bom_utf16", [0xFE, 0xFF, 0x5B, 0x5D], "expected a value, found invalid UTF-8 byte 0xFE", 0),
        ("n_trailing_nul", [0x5B, 0x5D, 0x00], "expected end of input after the JSON value, found control character U+0000", 2),
        ("n_depth_513_arrays", open513 + Array(repeating: UInt8(ascii: "]"), count: 513), "nesting depth exceeds the limit of 512", 512),
        ("n_depth_513_objects", b(String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)),
         "nesting depth exceeds the limit of 512", 512 * 5),
        ("n_depth_100000_unclosed", Array(repeating: UInt8(ascii: "["), count: 100_000), "nesting depth exceeds the limit of 512", 512),
        ("n_truncated_nested", b(#"{"a":[1,2,{"b":"#),
         "expected a value, found end of input (the object opened at line 1, column 11 is not closed)", 15),
        ("n_truncated_in_key", b(#"{"a"#), "unterminated string", 3),
        ("n_truncated_after_key", b(#"{"a""#), "expected ':' after the object key \"a\", found end of input", 4),
        ("n_truncated_after_comma", b(#"{"a":1,"#), "expected a string key after ',', found end of input", 7),
        ("n_truncated_open_brace", b("{"), "expected a string key or '}', found end of input", 1),
        ("n_truncated_open_bracket", b("["), "expected a value, found end of input (the array opened at line 1, column 1", 1),
        ("n_truncated_quote", b("\""), "unterminated string", 1),
        ("n_truncated_exponent", b("[1.5e"), "expected a digit in the exponent, found end of input", 5),
    ]

    func testTablesAreLargeEnough() {
        XCTAssertGreaterThanOrEqual(Self.yes.count + Self.no.count, 60)
        XCTAssertEqual(Set(Self.yes.map(\.name)).count + Set(Self.no.map(\.name)).count, Self.yes.count + Self.no.count,
                       "test names are unique")
    }

    func testAccepted() {
        for c in Self.yes {
            do {
                let v = try JSONParser.parse(c.input)
                XCTAssertTrue(orderedEqual(v, c.expected), "\(c.name): got \(v), expected \(c.expected)")
                XCTAssertEqual(v.typeName, c.expected.typeName, c.name)
            } catch {
                XCTFail("\(c.name): unexpected error \(error)")
            }
        }
    }

    func testRejected() {
        for c in Self.no {
            do {
                let v = try JSONParser.parse(c.input)
                XCTFail("\(c.name): expected an error, parsed \(v)")
            } catch {
                XCTAssertTrue(error.message.contains(c.message), "\(c.name): message \(error.message.debugDescription) lacks \(c.message.debugDescription)")
                XCTAssertEqual(error.offset, c.offset, "\(c.name): offset (\(error))")
                XCTAssertGreaterThanOrEqual(error.line, 1, c.name)
                XCTAssertGreaterThanOrEqual(error.column, 1, c.name)
            }
        }
    }

    /// The String overload sees the same bytes as the [UInt8] one.
    func testStringOverloadAgrees() {
        for c in Self.yes where String(validating: c.input, as: UTF8.self) != nil {
            let s = String(decoding: c.input, as: UTF8.self)
            guard let v = try? JSONParser.parse(s) else {
                XCTFail("\(c.name): String overload rejected it")
                continue
            }
            XCTAssertTrue(orderedEqual(v, c.expected), c.name)
        }
        for c in Self.no {
            guard let s = String(validating: c.input, as: UTF8.self) else { continue }
            do {
                _ = try JSONParser.parse(s)
                XCTFail("\(c.name): String overload accepted it")
            } catch {
                XCTAssertEqual(error.offset, c.offset, c.name)
                XCTAssertTrue(error.message.contains(c.message), c.name)
            }
        }
    }

    func testNegativeZeroKeepsItsSign() throws {
        let v = try JSONParser.parse("-0.0")
        guard case .number(let d) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(d.sign, .minus)
        guard case .number(let u) = try JSONParser.parse("-1e-400") else { return XCTFail() }
        XCTAssertEqual(u, 0)
        XCTAssertEqual(u.sign, .minus)
    }

    /// A huge number whose exponent is too long to track exactly must still be judged by
    /// its real value: 10^-1000000 * 10^100001000000 overflows.
    func testHugeExponentIsNotTruncated() {
        let zeros = String(repeating: "0", count: 999_999)
        let overflow = parseError("0." + zeros + "1e100001000000")
        XCTAssertTrue(overflow?.message.contains("out of range") ?? false, "\(String(describing: overflow))")
        // And the value that the saturated exponent would have suggested (1e10) is not what small exponents give.
        XCTAssertEqual(try? JSONParser.parse("0." + zeros + "1e1000010"), .number(1e10))
        XCTAssertEqual(try? JSONParser.parse("0." + zeros + "1e10000100"), nil)
        XCTAssertEqual(try? JSONParser.parse("1" + zeros + "e-1000000000000"), .number(0))
    }

    func testLimits() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 10) + Array(repeating: UInt8(ascii: "]"), count: 10)
        XCTAssertNotNil(parseOK(deep, limits: JSONLimits(maxDepth: 10)))
        let e = parseError(deep, limits: JSONLimits(maxDepth: 9))
        XCTAssertEqual(e?.message, "nesting depth exceeds the limit of 9")
        XCTAssertEqual(e?.offset, 9)
        XCTAssertEqual(parseError("{}", limits: JSONLimits(maxDepth: 0))?.offset, 0)
        XCTAssertEqual(try? JSONParser.parse("1", limits: JSONLimits(maxDepth: 0)), .integer(1))

        XCTAssertNotNil(parseOK(bytes("[1, 2]"), limits: JSONLimits(maxBytes: 6)))
        XCTAssertEqual(parseError("[1, 2] ", limits: JSONLimits(maxBytes: 6))?.message,
                       "input is 7 bytes, more than the limit of 6 bytes")

        // maxStringBytes counts decoded UTF-8 bytes, for values and keys, escaped or not.
        let four = JSONLimits(maxStringBytes: 4)
        XCTAssertEqual(try? JSONParser.parse(#"["abcd","\u00e9\u00e9",{"wxyz":1}]"#, limits: four),
                       ["abcd", "\u{E9}\u{E9}", ["wxyz": 1]])
        for tooLong in [#""abcde""#, #""\u00e9\u00e9a""#, #"{"abcde":1}"#, "\"\u{1F600}a\""] {
            let err = parseError(tooLong, limits: four)
            XCTAssertEqual(err?.message, "string is longer than the limit of 4 bytes", tooLong)
        }
    }
}
