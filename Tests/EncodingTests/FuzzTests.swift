import Foundation
import XCTest
import Encoding

/// Seeded random and mutation fuzzing. A failure message carries the input
/// in hex; the seeds make every run identical. For a longer campaign set
/// ENCODING_FUZZ_ITERATIONS (mutation iterations, default 90000) and
/// ENCODING_FUZZ_SEED, preferably with `swift test -c release`.
final class FuzzTests: XCTestCase {
    private static let environment = ProcessInfo.processInfo.environment
    private static let iterations = environment["ENCODING_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 90_000
    private static let seed = environment["ENCODING_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xF0CC_AC1A

    /// Well-formed seeds: all Appendix A examples, some hand-picked edge cases,
    /// and random generated values.
    private func seeds() -> [[UInt8]] {
        var result = CBORAppendixATests.vectors.map { hex($0.hex) }
        result += [
            "5f 4101 5900020203 ff", "7f 62c3bc 63e6b0b4 ff", "c1 c2 c3 80", "d9d9f7 a1 00 9f f6 f7 ff",
            "f8 20", "1b 0000000000000000", "a2 01 01 01 02", "bf bf ff 9f ff ff",
        ].map(hex)
        var rng = SplitMix64(seed: 0xC0DE)
        for _ in 0 ..< 300 {
            result.append(RandomCBOR.value(&rng, depth: 3).encoded())
        }
        return result
    }

    private static let interesting: [UInt8] = [
        0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x3b, 0x40, 0x58, 0x5b, 0x5f, 0x60, 0x78, 0x7b,
        0x7f, 0x80, 0x98, 0x9b, 0x9f, 0xa0, 0xb8, 0xbb, 0xbf, 0xc0, 0xd8, 0xdb, 0xdf, 0xe0, 0xf4, 0xf7,
        0xf8, 0xf9, 0xfa, 0xfb, 0xfe, 0xff, 0x7e, 0xc3, 0xed, 0xf4, 0x80, 0xbf,
    ]

    private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = input
        let rounds = 1 + rng.below(3)
        for _ in 0 ..< rounds {
            switch rng.below(9) {
            case 0: // bit flips
                if !b.isEmpty {
                    for _ in 0 ... rng.below(3) {
                        let i = rng.below(b.count)
                        b[i] ^= 1 << UInt8(rng.below(8))
                    }
                }
            case 1: // overwrite with an interesting or random byte
                if !b.isEmpty {
                    b[rng.below(b.count)] = rng.chance(70) ? Self.interesting[rng.below(Self.interesting.count)] : rng.byte()
                }
            case 2: // truncate
                if !b.isEmpty { b.removeLast(1 + rng.below(b.count)) }
            case 3: // insert bytes
                let at = rng.below(b.count + 1)
                let count = 1 + rng.below(4)
                b.insert(contentsOf: (0 ..< count).map { _ in
                    rng.chance(60) ? Self.interesting[rng.below(Self.interesting.count)] : rng.byte()
                }, at: at)
            case 4: // delete a range
                if !b.isEmpty {
                    let at = rng.below(b.count)
                    b.removeSubrange(at ..< min(b.count, at + 1 + rng.below(4)))
                }
            case 5: // length-field inflation: widen a head's argument to 4 or 8 bytes of large value
                if !b.isEmpty {
                    let at = rng.below(b.count)
                    let major = b[at] & 0xe0
                    let wide = rng.chance(50)
                    b[at] = major | (wide ? 27 : 26)
                    let big: [UInt8] = wide
                        ? [rng.chance(50) ? 0xff : 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, UInt8(rng.below(256))]
                        : [0xff, 0xff, 0xff, UInt8(rng.below(256))]
                    b.insert(contentsOf: big, at: min(b.count, at + 1))
                }
            case 6: // increase a small argument in place
                if !b.isEmpty {
                    let at = rng.below(b.count)
                    if b[at] & 0x1f < 23 { b[at] += UInt8(1 + rng.below(Int(23 - b[at] & 0x1f))) }
                }
            case 7: // splice: duplicate a segment elsewhere
                if !b.isEmpty {
                    let from = rng.below(b.count)
                    let segment = Array(b[from ..< min(b.count, from + 1 + rng.below(8))])
                    b.insert(contentsOf: segment, at: rng.below(b.count + 1))
                }
            default: // wrap in a container head
                let heads: [UInt8] = [0x81, 0x82, 0x9f, 0xa1, 0xbf, 0xc1, 0x5f, 0x7f, 0xd8]
                b.insert(heads[rng.below(heads.count)], at: 0)
                if rng.chance(50) { b.append(0xff) }
            }
        }
        return b
    }

    /// Decodes one input and checks the invariants; returns a failure message or nil.
    private func check(_ input: [UInt8], stats: inout (ok: Int, failed: Int)) -> String? {
        let result: Result<CBOR, CBORError>
        do {
            result = .success(try CBOR.decode(input))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .failure(let error):
            stats.failed += 1
            if error.offset < 0 || error.offset > input.count {
                return "offset \(error.offset) out of range for \(hexString(input)): \(error)"
            }
            if error.description.isEmpty { return "empty description" }
            // decodePrefix must agree: either it fails too, or it succeeds with
            // bytes left over (when the full decode saw trailing bytes).
            if let (_, used) = try? CBOR.decodePrefix(input) {
                if error.kind != .trailingBytes || used != error.offset {
                    return "decodePrefix accepted \(hexString(input)) but decode said \(error)"
                }
            }
        case .success(let value):
            stats.ok += 1
            let encoded = value.encoded()
            guard let again = try? CBOR.decode(encoded) else {
                return "re-encoding of \(hexString(input)) does not decode: \(hexString(encoded))"
            }
            if again != value {
                return "round trip changed \(hexString(input)): \(value) vs \(again)"
            }
            if again.encoded() != encoded {
                return "encoding not stable for \(hexString(input))"
            }
            if encoded.count > input.count && !input.contains(where: { $0 == 0xfa || $0 == 0xfb || $0 == 0xff || $0 == 0x5f || $0 == 0x7f }) {
                // Preferred serialization is never longer than the input, except
                // that concatenating chunks or narrowing NaN payloads can change sizes.
                return "preferred encoding longer than input \(hexString(input))"
            }
            guard let (item, used) = try? CBOR.decodePrefix(input), used == input.count, item == value else {
                return "decodePrefix disagrees on \(hexString(input))"
            }
        }
        return nil
    }

    func testCBORMutationFuzz() {
        let corpus = seeds()
        var rng = SplitMix64(seed: Self.seed)
        var stats = (ok: 0, failed: 0)
        var failures: [String] = []
        let iterations = Self.iterations
        for i in 0 ..< iterations {
            let base = corpus[rng.below(corpus.count)]
            let input = mutate(i % 7 == 0 ? mutate(base, &rng) : base, &rng)
            if let message = check(input, stats: &stats) {
                failures.append(message)
                if failures.count >= 10 { break }
            }
        }
        XCTAssertEqual(failures, [])
        // Make sure the fuzzer exercises both outcomes substantially.
        XCTAssertGreaterThan(stats.ok, iterations / 20)
        XCTAssertGreaterThan(stats.failed, iterations / 2)
    }

    func testCBORRandomBytesFuzz() {
        var rng = SplitMix64(seed: 0xBADC_0FFE)
        var stats = (ok: 0, failed: 0)
        var failures: [String] = []
        for _ in 0 ..< 20_000 {
            let length = rng.below(24)
            let input: [UInt8] = (0 ..< length).map { _ in
                rng.chance(50) ? Self.interesting[rng.below(Self.interesting.count)] : rng.byte()
            }
            if let message = check(input, stats: &stats) {
                failures.append(message)
                if failures.count >= 10 { break }
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThan(stats.ok, 100)
    }

    func testCBORTightLimitsFuzz() {
        // With small limits, nothing crashes and every error is one of the known kinds.
        let corpus = seeds()
        var rng = SplitMix64(seed: 7)
        let limits = CBORLimits(maxDepth: 2, maxItems: 6, maxStringLength: 4)
        for _ in 0 ..< 5_000 {
            let input = mutate(corpus[rng.below(corpus.count)], &rng)
            do {
                let value = try CBOR.decode(input, limits: limits)
                XCTAssertEqual(try CBOR.decode(value.encoded(), limits: limits), value)
            } catch {
                XCTAssertTrue(error.offset >= 0 && error.offset <= input.count)
            }
        }
    }

    func testBase45Fuzz() {
        var rng = SplitMix64(seed: 0xBA5E_45)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        let extra: [UInt8] = Array("abz#\n\t\0~".utf8) + [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xff]
        var failures: [String] = []
        var decoded = 0
        for i in 0 ..< 30_000 {
            var input: [UInt8]
            if i % 2 == 0 {
                // Valid text, then maybe a mutation.
                input = Array(Base45.encode(rng.bytes(rng.below(20))).utf8)
                if !input.isEmpty && rng.chance(70) {
                    let at = rng.below(input.count)
                    switch rng.below(3) {
                    case 0: input[at] = rng.chance(80) ? alphabet[rng.below(45)] : extra[rng.below(extra.count)]
                    case 1: input.remove(at: at)
                    default: input.insert(alphabet[rng.below(45)], at: at)
                    }
                }
            } else {
                input = (0 ..< rng.below(16)).map { _ in
                    rng.chance(90) ? alphabet[rng.below(45)] : extra[rng.below(extra.count)]
                }
            }
            do {
                let bytes = try Base45.decode(ascii: input)
                decoded += 1
                // Base45 is canonical: valid text re-encodes to itself.
                if Array(Base45.encode(bytes).utf8) != input {
                    failures.append("not canonical: \(hexString(input))")
                }
                if bytes.count != input.count / 3 * 2 + (input.count % 3 == 2 ? 1 : 0) {
                    failures.append("bad length: \(hexString(input))")
                }
            } catch {
                if error.position < 0 || error.position >= max(1, input.count) {
                    failures.append("position \(error.position) out of range: \(hexString(input))")
                }
                if error.description.isEmpty { failures.append("empty description") }
            }
            // The String entry point agrees with the raw one on valid UTF-8.
            let text = String(decoding: input, as: UTF8.self)
            if text.utf8.elementsEqual(input) {
                let viaString = Result { () throws(Base45Error) -> [UInt8] in try Base45.decode(text) }
                let viaBytes = Result { () throws(Base45Error) -> [UInt8] in try Base45.decode(ascii: input) }
                switch (viaString, viaBytes) {
                case let (.success(a), .success(b)) where a == b: break
                case let (.failure(a), .failure(b)) where a.kind == b.kind: break
                default: failures.append("String and ascii paths disagree on \(hexString(input))")
                }
            }
            if failures.count >= 10 { break }
        }
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThan(decoded, 5_000)
    }
}
