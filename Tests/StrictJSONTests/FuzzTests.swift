import StrictJSON
import XCTest

/// Seeded random and mutated inputs: the parser never crashes or hangs; it either parses
/// (and the value round-trips through `serialized()`) or throws an error whose position
/// is consistent with the documented line/column rules.
final class FuzzTests: XCTestCase {
    static let tokens: [[UInt8]] = [
        "[", "]", "{", "}", ",", ":", "\"", "\\", " ", "\n", "\r", "\t", "0", "-", ".", "e", "E", "+", "1", "9",
        "true", "null", "fals", "\\u", "\\uD83D", "\\uDE00", "\\uD800\\u0041", "\"a\":", "[[[[", "]]]]", "{\"k\":",
        "//", "/*", "'", "NaN", "1e400", "00", "\u{E9}", "\u{1F600}", "\u{FEFF}",
    ].map { Array($0.utf8) } + [[0x00], [0x1F], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF],
                                [0xF4, 0x90, 0x80, 0x80], [0xFE], [0xFF], [0xE2, 0x82]]

    static let handwritten: [String] = [
        #"{"signed":{"_type":"root","spec_version":"1.0.31","version":3,"expires":"2030-01-01T00:00:00Z","keys":{"4e77":{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"ab12"}}},"roles":{"root":{"keyids":["4e77"],"threshold":1}},"consistent_snapshot":true},"signatures":[{"keyid":"4e77","sig":"00ff"}]}"#,
        #"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2024-03-01T12:34:56.789Z","epcList":["urn:epc:id:sgtin:4012345.011111.1"],"quantity":-12.5e-3,"ok":false,"note":null}]}}"#,
        "[\n  1,\n  2.5,\n  \"caf\\u00e9 \\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\",\n  {\"\": [], \"x\": {}}\n]\r\n",
        #"{"a":{"b":{"c":{"d":[[[[[0]]]]]}}},"big":123456789012345678901234567890,"neg":-9223372036854775808,"tiny":5e-324}"#,
    ]

    /// Line and column of `offset`, computed independently from the documented rules.
    static func position(of offset: Int, in input: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        var i = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < offset {
            let c = input[i]
            if c == 0x0A || (c == 0x0D && !(i + 1 < input.count && input[i + 1] == 0x0A)) {
                line += 1
                column = 1
            } else if c != 0x0D && c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    func testFuzz() {
        var rng = SplitMix64(seed: 0xF022_2024)
        var gen = ValueGenerator(seed: 0xF022_0001)
        var corpus: [[UInt8]] = Self.handwritten.map { Array($0.utf8) }
        for i in 0..<150 {
            let v = gen.value(maxDepth: 3)
            corpus.append(v.serializedBytes(pretty: i % 6 == 0, sortedKeys: i % 5 == 0))
        }
        let iterations = 50_000
        var parsed = 0, failed = 0, deepChecked = 0
        for iteration in 0..<iterations {
            var input = corpus[rng.below(corpus.count)]
            let mutations = rng.chance(0.6) ? 1 : 2 + rng.below(2)
            for _ in 0..<mutations {
                switch rng.below(12) {
                case 0, 8:  // random byte values
                    if !input.isEmpty { input[rng.below(input.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                case 1:  // bit flip
                    if !input.isEmpty { input[rng.below(input.count)] ^= 1 << UInt8(rng.below(8)) }
                case 2, 9:  // truncation
                    input.removeLast(rng.below(input.count + 1))
                case 3, 4, 10:  // insert a structural token or a bad byte sequence
                    input.insert(contentsOf: Self.tokens[rng.below(Self.tokens.count)], at: rng.below(input.count + 1))
                case 5:  // delete a short range
                    if !input.isEmpty {
                        let start = rng.below(input.count)
                        input.removeSubrange(start..<min(input.count, start + 1 + rng.below(4)))
                    }
                case 6:  // splice a piece of another corpus entry
                    let other = corpus[rng.below(corpus.count)]
                    if !other.isEmpty {
                        let a = rng.below(other.count)
                        let b = min(other.count, a + 1 + rng.below(16))
                        input.insert(contentsOf: other[a..<b], at: rng.below(input.count + 1))
                    }
                case 7:  // deep nesting around the limit, balanced or not
                    let n = [1, 2, 50, 511, 512, 513][rng.below(6)]
                    let object = rng.chance(0.2)
                    let closing = rng.chance(0.8) ? n : rng.below(n + 1)
                    var nested: [UInt8] = []
                    nested.reserveCapacity(6 * n + input.count)
                    for _ in 0..<n {
                        if object { nested += [0x7B, 0x22, 0x6B, 0x22, 0x3A] } else { nested.append(0x5B) }  // {"k": or [
                    }
                    nested += input
                    for _ in 0..<closing { nested.append(object ? 0x7D : 0x5D) }
                    input = nested
                    deepChecked += 1
                default:  // fresh random bytes from a JSON-ish alphabet
                    let alphabet = Array(#"[]{}",:\ 0123456789-+.eEtrufalsn"#.utf8) + [0x0A, 0x80, 0xC3, 0xFF]
                    input = (0..<rng.below(24)).map { _ in rng.chance(0.9) ? alphabet[rng.below(alphabet.count)] : UInt8(truncatingIfNeeded: rng.next()) }
                }
            }
            do {
                let v = try JSONParser.parse(input)
                parsed += 1
                // (Pretty output of a 500-deep value is quadratic in size: keep it to small inputs.)
                let text = v.serialized(pretty: iteration % 4 == 0 && input.count < 1000, sortedKeys: iteration % 3 == 0)
                guard let back = try? JSONParser.parse(text), back == v else {
                    XCTFail("iteration \(iteration): \(text) does not round-trip")
                    continue
                }
            } catch {
                failed += 1
                guard error.offset >= 0, error.offset <= input.count, !error.message.isEmpty else {
                    XCTFail("iteration \(iteration): bad error \(error) (offset \(error.offset), \(input.count) bytes)")
                    continue
                }
                XCTAssertGreaterThanOrEqual(error.line, 1)
                let (line, column) = Self.position(of: error.offset, in: input)
                if error.line != line || error.column != column {
                    XCTFail("iteration \(iteration): \(error) but offset \(error.offset) is line \(line), column \(column)")
                }
            }
        }
        XCTAssertEqual(parsed + failed, iterations)
        // Both outcomes are exercised, so the checks above are not vacuous.
        XCTAssertGreaterThan(parsed, iterations / 20, "parsed \(parsed)")
        XCTAssertGreaterThan(failed, iterations / 4, "failed \(failed)")
        XCTAssertGreaterThan(deepChecked, 1000)
    }

    func testDeepAndWideInputsDoNotOverflowTheStack() throws {
        // Far beyond the limit, in every container combination: an error, not a crash.
        for unit in ["[", "{\"a\":", "[{\"a\":"] {
            let doc = String(repeating: unit, count: 200_000)
            let e = parseError(doc)
            XCTAssertEqual(e?.message, "nesting depth exceeds the limit of 512", unit)
        }
        // A raised limit is honoured by the parser (iterative), for values the rest can still handle.
        let depth = 2000
        let doc = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        let v = try JSONParser.parse(doc, limits: JSONLimits(maxDepth: depth))
        XCTAssertEqual(v.serializedBytes(), doc)
        XCTAssertThrowsError(try JSONParser.parse(doc, limits: JSONLimits(maxDepth: depth - 1)))
        // Wide: many elements and many keys.
        let wide = "[" + Array(repeating: "{}", count: 100_000).joined(separator: ",") + "]"
        XCTAssertEqual(try JSONParser.parse(wide).arrayValue?.count, 100_000)
    }
}
