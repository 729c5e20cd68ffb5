import StrictJSON
import XCTest

/// SplitMix64: a small, fast, seeded PRNG so every run sees the same inputs.
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
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// Random JSON values covering the awkward corners: every control character, quotes,
/// backslashes, non-ASCII on every UTF-8 length, extreme integers and doubles.
struct ValueGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let interestingScalars: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{C}", "\u{D}", "\u{1F}", "\"", "\\", "/", "\u{7F}",
        "\u{80}", "\u{E9}", "\u{301}", "\u{7FF}", "\u{800}", "\u{2028}", "\u{20AC}", "\u{D7FF}", "\u{E000}",
        "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{10FFFF}",
    ]

    mutating func scalar() -> Unicode.Scalar {
        switch rng.below(4) {
        case 0, 1: return Unicode.Scalar(UInt8(0x61 + rng.below(26)))
        case 2: return ValueGenerator.interestingScalars[rng.below(ValueGenerator.interestingScalars.count)]
        default:
            // Any scalar value except surrogates.
            while true {
                let v = UInt32(rng.below(0x110000))
                if let s = Unicode.Scalar(v) { return s }
            }
        }
    }

    mutating func string(maxLength: Int = 12) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<rng.below(maxLength + 1) { s.append(scalar()) }
        return String(s)
    }

    mutating func integer() -> Int64 {
        switch rng.below(5) {
        case 0: return [Int64.min, Int64.max, 0, -1, 1, Int64.min + 1, 1 << 53, -(1 << 53) - 1][rng.below(8)]
        case 1: return Int64(bitPattern: rng.next())
        default: return Int64(rng.below(2001)) - 1000
        }
    }

    mutating func double() -> Double {
        switch rng.below(5) {
        case 0:
            return [0.0, -0.0, 0.1, 1.0, -1.5, 1e16, 1e22, 1e23, 9007199254740993, .greatestFiniteMagnitude,
                    -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 2.2250738585072011e-308,
                    0.30000000000000004, 123456.789e-300][rng.below(16)]
        case 1, 2:
            while true {
                let d = Double(bitPattern: rng.next())
                if d.isFinite { return d }
            }
        default:
            return Double(Int64(rng.below(2_000_001)) - 1_000_000) / [1, 10, 100, 1000, 7][rng.below(5)]
        }
    }

    mutating func value(depth: Int = 0, maxDepth: Int = 5) -> JSONValue {
        let kind = depth >= maxDepth ? rng.below(6) : rng.below(9)
        switch kind {
        case 0: return .null
        case 1: return .bool(rng.chance(0.5))
        case 2: return .integer(integer())
        case 3: return .number(double())
        case 4, 5: return .string(string())
        case 6: return .array((0..<rng.below(6)).map { _ in value(depth: depth + 1, maxDepth: maxDepth) })
        default:
            var o = JSONObject()
            // Occasionally large enough to use the hash index.
            let n = rng.chance(0.1) ? 16 + rng.below(30) : rng.below(6)
            for _ in 0..<n {
                let key = string(maxLength: 6)
                if !o.contains(key: key) { o[key] = value(depth: depth + 1, maxDepth: maxDepth) }
            }
            return .object(o)
        }
    }
}

/// True when `a` and `b` are equal AND every object lists its keys in the same order.
func orderedEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case let (.array(x), .array(y)):
        return x.count == y.count && zip(x, y).allSatisfy { orderedEqual($0, $1) }
    case let (.object(x), .object(y)):
        return x.keys.map { Array($0.utf8) } == y.keys.map { Array($0.utf8) }
            && zip(x.values, y.values).allSatisfy { orderedEqual($0, $1) }
    default:
        return a == b
    }
}

/// Code point order computed independently of the module (by scalar values).
func codePointLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.map(\.value).lexicographicallyPrecedes(b.unicodeScalars.map(\.value))
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Parses, failing the test (and returning nil) on error.
func parseOK(_ input: [UInt8], limits: JSONLimits = .init(), file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
    do {
        return try JSONParser.parse(input, limits: limits)
    } catch {
        XCTFail("unexpected parse error \(error) for \(String(decoding: input.prefix(80), as: UTF8.self).debugDescription)", file: file, line: line)
        return nil
    }
}

/// The parse error, failing the test (and returning nil) if the input parses.
func parseError(_ input: [UInt8], limits: JSONLimits = .init(), file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
    do {
        let v = try JSONParser.parse(input, limits: limits)
        XCTFail("expected an error, parsed \(v) from \(String(decoding: input.prefix(80), as: UTF8.self).debugDescription)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

func parseError(_ input: String, limits: JSONLimits = .init(), file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
    parseError(Array(input.utf8), limits: limits, file: file, line: line)
}
