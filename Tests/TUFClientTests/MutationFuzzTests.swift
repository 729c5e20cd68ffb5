import Foundation
import StrictJSON
import XCTest
@testable import TUFClient

/// Thousands of damaged versions of real metadata, fed to the trust decisions: none may crash,
/// and none may be accepted unless what it signs is exactly what the original signed.
final class MutationFuzzTests: XCTestCase {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    private func signedCanonical(_ bytes: [UInt8]) -> [UInt8]? {
        guard let v = try? JSONParser.parse(bytes), let signed = v["signed"] else { return nil }
        return try? signed.canonicalBytes()
    }

    /// Replaces one random node (or deletes one member) of the document.
    private func mutate(_ value: JSONValue, _ rng: inout RNG, depth: Int = 0) -> JSONValue {
        let replaceHere = depth > 0 && rng.below(4) == 0
        switch value {
        case .object(var o) where !o.isEmpty && !replaceHere:
            let key = o.keys[rng.below(o.count)]
            if rng.below(8) == 0 { o[key] = nil } else { o[key] = mutate(o[key]!, &rng, depth: depth + 1) }
            return .object(o)
        case .array(var a) where !a.isEmpty && !replaceHere:
            let i = rng.below(a.count)
            if rng.below(8) == 0 { a.remove(at: i) } else { a[i] = mutate(a[i], &rng, depth: depth + 1) }
            return .array(a)
        default:
            let choices: [JSONValue] = [
                .null, .bool(true), .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64(rng.below(5))),
                .number(1.5), .string(""), .string("2030-01-01T00:00:00Z"), .string("ff"), .string(String(repeating: "a", count: 64)),
                .array([]), .array([.string("x"), .string("x")]), .object(JSONObject()), .string("../x"),
            ]
            return choices[rng.below(choices.count)]
        }
    }

    private func byteMutation(_ bytes: [UInt8], _ rng: inout RNG) -> [UInt8] {
        var b = bytes
        switch rng.below(4) {
        case 0: b[rng.below(b.count)] ^= UInt8(1 << rng.below(8))
        case 1: b = Array(b.prefix(rng.below(b.count)))
        case 2: b.insert(UInt8(rng.below(256)), at: rng.below(b.count))
        default: b.remove(at: rng.below(b.count))
        }
        return b
    }

    private func fuzz(_ original: [UInt8], rounds: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line,
                      accept: ([UInt8]) -> Bool) {
        var rng = RNG(state: seed)
        let reference = signedCanonical(original)
        XCTAssertNotNil(reference, file: file, line: line)
        XCTAssertTrue(accept(original), "the unmodified metadata must be accepted", file: file, line: line)
        var accepted = 0
        for round in 0..<rounds {
            let candidate: [UInt8]
            if round % 2 == 0, let doc = try? JSONParser.parse(original) {
                candidate = mutate(doc, &rng).serializedBytes()
            } else {
                candidate = byteMutation(original, &rng)
            }
            if accept(candidate) {
                accepted += 1
                XCTAssertEqual(signedCanonical(candidate), reference, "accepted a change to the signed content (round \(round))",
                               file: file, line: line)
            }
        }
        XCTAssertLessThan(accepted, rounds / 4, "almost every mutation must be refused", file: file, line: line)
    }

    func testDamagedMetadataIsRefusedAndNeverCrashes() throws {
        let scenario = try Scenarios.scenario("delegations")
        let step = scenario.steps[0]
        let now = scenario.now
        let timestamp = try step.metadataFile("timestamp.json")
        let snapshot = try step.metadataFile("1.snapshot.json")
        let targets = try step.metadataFile("1.targets.json")
        let roleA = try step.metadataFile("1.role-a.json")
        let root = scenario.initialRoot
        let rounds = 700

        fuzz(root, rounds: rounds, seed: 1) { (try? TrustedMetadataSet(trustedRoot: $0, startTime: now)) != nil }

        let base = try TrustedMetadataSet(trustedRoot: root, startTime: now)
        fuzz(timestamp, rounds: rounds, seed: 2) { bytes in
            var set = base
            return (try? set.updateTimestamp(bytes)) != nil
        }
        var withTimestamp = base
        _ = try withTimestamp.updateTimestamp(timestamp)
        fuzz(snapshot, rounds: rounds, seed: 3) { bytes in
            var set = withTimestamp
            return (try? set.updateSnapshot(bytes, isLocalCopy: false)) != nil
        }
        var withSnapshot = withTimestamp
        try withSnapshot.updateSnapshot(snapshot, isLocalCopy: false)
        fuzz(targets, rounds: rounds, seed: 4) { bytes in
            var set = withSnapshot
            return (try? set.updateTargets(bytes, role: "targets", delegator: "root")) != nil
        }
        var withTargets = withSnapshot
        _ = try withTargets.updateTargets(targets, role: "targets", delegator: "root")
        fuzz(roleA, rounds: rounds, seed: 5) { bytes in
            var set = withTargets
            return (try? set.updateTargets(bytes, role: "role-a", delegator: "targets")) != nil
        }
    }
}
