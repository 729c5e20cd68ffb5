import StrictJSON
import XCTest

@testable import EPCIS

/// 20,000+ mutated corpus documents (seeded, so every failure replays): the reader never crashes,
/// and every rejection names the field at fault (or, for broken JSON, the line and column).
final class FuzzTests: XCTestCase {
    static let keyPool = ["type", "action", "eventTime", "eventTimeZoneOffset", "epcList", "quantityList", "parentID", "childEPCs",
                          "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
                          "ilmd", "sensorElementList", "sensorReport", "sensorMetadata", "persistentDisposition", "errorDeclaration",
                          "certificationInfo", "@context", "epcisBody", "eventList", "id", "quantity", "uom", "epcClass", "set",
                          "example:x", "cbvmda:lotNumber", "Action", "weight", "", "urn:x", "gs1:CertificationDetails"]
    static let stringPool = ["", " ", "ADD", "OBSERVE", "DELETE", "ADDED", "shipping", "transforming", "in_transit",
                             "urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.1073.2017", "urn:epc:id:sscc:0614141.1234567890",
                             "urn:epc:class:lgtin:4012345.012345.998877", "urn:epc:idpat:sgtin:4012345.098765.*", "urn:epc:id:sgln:0614141.00777.0",
                             "https://id.gs1.org/01/09521141012345/21/2017", "https://id.gs1.org/01/09521141012346/21/2017",
                             "https://id.gs1.org/00/040123450000003338", "https://x.example/01/123", "http://", "https://", "urn:",
                             "2026-07-22T06:45:00+02:00", "2026-13-40T99:99:99Z", "+02:00", "+14:01", "cbv:BizStep-shipping",
                             "urn:epcglobal:cbv:bizstep:nothing", "gs1:Temperature", "ex:y", "%", "%zz", "\u{0}", "é", "💥",
                             String(repeating: "9", count: 400), "ni:///sha-256;00?ver=CBV2.0", "2023-12-20", "KGM", "kg"]

    func testMutatedCorpusDocumentsNeverCrashAndAlwaysLocateProblems() throws {
        var seeds: [[UInt8]] = []
        for folder in ["Documents", "Events", "Invalid"] {
            for url in try Corpus.files(folder) { seeds.append(try Corpus.bytes(url)) }
        }
        let parsed = seeds.map { try? JSONParser.parse($0) }
        var rng = SplitMix64(seed: 0x5EED_E9C1)
        var accepted = 0, rejected = 0, brokenJSON = 0
        let runs = 20_400
        for run in 0..<runs {
            let pick = Int(rng.next() % UInt64(seeds.count))
            let input: [UInt8]
            if run % 4 == 3 {
                input = mutateBytes(seeds[pick], &rng)
            } else {
                var v = parsed[pick]!
                for _ in 0...(rng.next() % 3) { v = mutate(v, &rng, depth: 0) }
                input = v.serializedBytes()
            }
            switch EPCISReader.read(input) {
            case .success(let doc):
                accepted += 1
                for e in doc.events {
                    XCTAssertTrue(EventHash.isHashID(EventHash.hashID(e)))
                    _ = TobaccoMapping.facts(for: e)
                }
            case .failure(let err):
                rejected += 1
                XCTAssertFalse(err.issues.isEmpty, "run \(run)")
                for i in err.issues {
                    XCTAssertLessThan(i.description.utf8.count, 2_000, "run \(run): \(i)")
                    if i.field.isEmpty {
                        if i.problem.hasPrefix("is not well-formed JSON") {
                            brokenJSON += 1
                        } else {
                            XCTAssertTrue(i.problem.hasPrefix("is "), "run \(run): an unlocated problem: \(i)")
                        }
                    }
                }
            }
            if case .rejected(let issues) = DryRun.report(input) { XCTAssertFalse(issues.isEmpty) }
        }
        print("fuzz: accepted \(accepted), rejected \(rejected), broken JSON \(brokenJSON)")
        XCTAssertGreaterThan(accepted, 1_000, "mutations should leave many documents valid")
        XCTAssertGreaterThan(rejected, 5_000)
        XCTAssertGreaterThan(brokenJSON, 1_000)
    }

    private func randomScalar(_ rng: inout SplitMix64) -> JSONValue {
        switch rng.next() % 6 {
        case 0: return .string(Self.stringPool[Int(rng.next() % UInt64(Self.stringPool.count))])
        case 1: return .integer(Int64(bitPattern: rng.next()) % 1_000_000)
        case 2: return .number(Double(Int64(bitPattern: rng.next()) % 100_000) / 7.0)
        case 3: return .bool(rng.next() % 2 == 0)
        case 4: return .null
        default: return rng.next() % 2 == 0 ? .array([]) : .object(JSONObject())
        }
    }

    /// One structural change somewhere in `v`.
    private func mutate(_ v: JSONValue, _ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let here = rng.next() % 4 == 0 || depth > 12
        switch v {
        case .object(var o) where !o.isEmpty && !here:
            let k = o.keys[Int(rng.next() % UInt64(o.count))]
            o[k] = mutate(o[k]!, &rng, depth: depth + 1)
            return .object(o)
        case .array(var a) where !a.isEmpty && !here:
            let i = Int(rng.next() % UInt64(a.count))
            a[i] = mutate(a[i], &rng, depth: depth + 1)
            return .array(a)
        case .object(var o):
            switch rng.next() % 4 {
            case 0 where !o.isEmpty: o.removeValue(forKey: o.keys[Int(rng.next() % UInt64(o.count))])
            case 1: o[Self.keyPool[Int(rng.next() % UInt64(Self.keyPool.count))]] = randomScalar(&rng)
            case 2 where !o.isEmpty:
                let k = o.keys[Int(rng.next() % UInt64(o.count))]
                let val = o.removeValue(forKey: k)!
                o[rng.next() % 2 == 0 ? k.uppercased() : "example:" + k] = val
            default: return randomScalar(&rng)
            }
            return .object(o)
        case .array(var a):
            switch rng.next() % 3 {
            case 0 where !a.isEmpty: a.append(a[Int(rng.next() % UInt64(a.count))])
            case 1 where !a.isEmpty: a.remove(at: Int(rng.next() % UInt64(a.count)))
            default: a.append(randomScalar(&rng))
            }
            return .array(a)
        case .string(let s):
            switch rng.next() % 4 {
            case 0: return .string(String(s.prefix(Int(rng.next() % UInt64(s.count + 1)))))
            case 1: return .string(s + ["x", " ", "%", ".", ":", "/", "0"][Int(rng.next() % 7)])
            case 2: return .array([v])
            default: return randomScalar(&rng)
            }
        default:
            return randomScalar(&rng)
        }
    }

    private func mutateBytes(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = b
        for _ in 0...(rng.next() % 4) {
            guard !out.isEmpty else { break }
            let i = Int(rng.next() % UInt64(out.count))
            switch rng.next() % 4 {
            case 0: out[i] = UInt8(truncatingIfNeeded: rng.next())
            case 1: out.remove(at: i)
            case 2:
                let pool = Array("{}[]\",:\\0e-".utf8)
                out.insert(pool[Int(rng.next() % UInt64(pool.count))], at: i)
            default: out = Array(out.prefix(i))
            }
        }
        return out
    }
}
