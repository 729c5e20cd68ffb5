import Encoding
import StampCodes
import StampCrypto
import XCTest

/// Every layer of the decoder under random and mutated codes: no crash, no hang, and never a verdict
/// better than malformed or counterfeit (unverifiable only when the mutation changed a key id to an unknown one).
final class CodeFuzzTests: XCTestCase {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    func testHundredThousandRandomAndMutatedCodes() {
        var rng = SplitMix64(seed: 0x5EED_2026)
        let ring = Fixtures.keyring()
        let verifier = StampVerifier(keyring: ring)
        let context = VerificationContext(now: Fixtures.now)
        let seeds: [[UInt8]] = [
            Array(Fixtures.mint().utf8),
            Array(Fixtures.mint(key: Fixtures.ed25519, options: .init(tagged: true, kidInProtectedHeader: false)).utf8),
            Array(Fixtures.mint(Fixtures.payload(shift: nil, operator: nil), options: .init(tagged: true)).utf8),
        ]
        let seedCBOR = seeds.map { try! Base45.decode(ascii: $0[4...]) }
        var counts: [Verdict: Int] = [:]
        let total = 100_000
        for n in 0..<total {
            var code: [UInt8]
            switch n % 5 {
            case 0: // random text over the Base45 alphabet behind the prefix
                code = Array("TS1:".utf8) + (0..<Int.random(in: 0...400, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! }
            case 1: // random bytes, with or without the prefix
                code = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng) { code = Array("TS1:".utf8) + code }
            case 2: // text-level mutation of a genuine code
                code = seeds.randomElement(using: &rng)!
                mutateText(&code, using: &rng)
            default: // byte-level mutation under a correct Base45 layer, reaching CBOR, COSE and crypto
                var raw = seedCBOR.randomElement(using: &rng)!
                mutateBytes(&raw, using: &rng)
                code = Array("TS1:".utf8) + Array(Base45.encode(raw).utf8)
            }
            let r = verifier.verify(utf8: code, context: context)
            counts[r.verdict, default: 0] += 1
            switch r.verdict {
            case .malformed, .counterfeit:
                continue
            case .unverifiable:
                // Only a mutated key id may lead here, and then the kid really is unknown.
                let signerKnown = r.signerKid.map { ring.signer(kid: $0) != nil } ?? false
                let dataKnown = r.dataKid.map { ring.dataKey(kid: $0) != nil } ?? false
                XCTAssertFalse(signerKnown && dataKnown, "unverifiable with both keys known: \(String(decoding: code, as: UTF8.self))")
            case .genuine, .suspect:
                // A mutation that leaves the signed bytes intact (e.g. tag 18 added or removed, the unsigned
                // header's kid moved) is still the authority's code; anything else must never pass.
                let env = try? StampEnvelope.parse(code: code)
                let original = seedCBOR.compactMap { try? StampEnvelope.parse(code: Array("TS1:".utf8) + Array(Base45.encode($0).utf8)) }
                XCTAssertTrue(original.contains { $0.payload == env?.payload && $0.signature == env?.signature && $0.protectedHeader == env?.protectedHeader },
                              "a mutated code passed as \(r.verdict): \(String(decoding: code, as: UTF8.self))")
            }
        }
        XCTAssertEqual(counts.values.reduce(0, +), total)
        XCTAssertGreaterThan(counts[.malformed] ?? 0, total / 2)
        XCTAssertGreaterThan(counts[.counterfeit] ?? 0, 1000, "byte mutations must reach the signature check: \(counts)")
    }

    private func mutateText(_ code: inout [UInt8], using rng: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard code.count > 4 else { return }
            let i = Int.random(in: 4..<code.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: code[i] = Self.alphabet.randomElement(using: &rng)!
            case 1: code.remove(at: i)
            case 2: code.insert(Self.alphabet.randomElement(using: &rng)!, at: i)
            default: code = Array(code[0..<i])
            }
        }
    }

    private func mutateBytes(_ raw: inout [UInt8], using rng: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            guard !raw.isEmpty else { return }
            let i = Int.random(in: 0..<raw.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0, 1: raw[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 2: raw[i] = UInt8.random(in: 0...255, using: &rng)
            case 3: raw.remove(at: i)
            default: raw.insert(UInt8.random(in: 0...255, using: &rng), at: i)
            }
        }
    }
}

final class BatchTests: XCTestCase {
    func testLineReaderKeepsSpacesAndStripsOnlyTerminators() throws {
        let input = "  TS1:A B  \r\n\n   \n\tX\nlast line without newline"
        let r = try reader(for: Array(input.utf8))
        XCTAssertEqual(r.nextBatch(max: 10)?.map { String(decoding: $0, as: UTF8.self) },
                       ["  TS1:A B  ", "\tX", "last line without newline"])
        XCTAssertNil(r.nextBatch(max: 10))
    }

    func testLineReaderBoundsEndlessLines() throws {
        let long = [UInt8](repeating: 0x41, count: LineReader.maxLineLength * 3)
        let r = try reader(for: long + [0x0A] + Array("next\n".utf8))
        XCTAssertEqual(r.next()?.count, LineReader.maxLineLength)
        XCTAssertEqual(r.next().map { String(decoding: $0, as: UTF8.self) }, "next")
        XCTAssertNil(r.next())
    }

    func testLineReaderBatchesAcrossChunkBoundaries() throws {
        let lines = (0..<5000).map { "line \($0) with  spaces " }
        let r = try reader(for: Array((lines.joined(separator: "\r\n") + "\n").utf8), chunk: 97)
        var got: [String] = []
        while let b = r.nextBatch(max: 333) { got += b.map { String(decoding: $0, as: UTF8.self) } }
        XCTAssertEqual(got, lines)
    }

    func testParallelMapKeepsOrder() {
        let items = Array(0..<10_000)
        XCTAssertEqual(OrderedParallel.map(items, jobs: 4) { $0 * 3 }, items.map { $0 * 3 })
        XCTAssertEqual(OrderedParallel.map([Int](), jobs: 4) { $0 }, [])
    }

    func testBatchVerificationStreamsInInputOrderAndCounts() {
        let codes = (0..<300).map { i in
            i % 3 == 0 ? "garbage \(i)" : Fixtures.mint(Fixtures.payload(uid: "UID\(i)", market: i % 3 == 1 ? "MZ" : "ZA"))
        }
        var batches = stride(from: 0, to: codes.count, by: 64).map { Array(codes[$0..<min($0 + 64, codes.count)]).map { Array($0.utf8) } }
        let out = Collected()
        let run = BatchVerification(verifier: StampVerifier(keyring: Fixtures.keyring()),
                                    context: VerificationContext(now: Fixtures.now, market: Market("MZ")), jobs: 4)
        let summary = run.run(next: { batches.isEmpty ? nil : batches.removeFirst() }, format: { r, out in out.append(contentsOf: (r.input + "|" + r.verdict.rawValue + "\n").utf8) },
                              write: { out.append(String(decoding: $0, as: UTF8.self)) })
        let lines = out.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 300)
        for (i, line) in lines.enumerated() {
            let expected: Verdict = i % 3 == 0 ? .malformed : i % 3 == 1 ? .genuine : .suspect
            XCTAssertEqual(line, codes[i] + "|" + expected.rawValue)
        }
        XCTAssertEqual(summary.counts, [.malformed: 100, .genuine: 100, .suspect: 100])
        XCTAssertFalse(summary.allGenuine)
    }

    private func reader(for bytes: [UInt8], chunk: Int = 1 << 16) throws -> LineReader {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let writer = fds[1]
        let thread = Thread {
            bytes.withUnsafeBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = write(writer, buf.baseAddress! + off, buf.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            close(writer)
        }
        thread.start()
        return LineReader(fileDescriptor: fds[0], chunkSize: chunk)
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ s: String) { lock.lock(); parts.append(s); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return parts.joined() }
}
