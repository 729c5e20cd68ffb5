import Foundation
import XCTest

/// The Swift implementation against an independent one (Tests/interop/ts1ref.py: cbor2, base45, cryptography),
/// in both directions, over every variant the format allows.
final class InteropTests: XCTestCase {
    var python: String!
    let script = CLI.projectRoot.appendingPathComponent("Tests/interop/ts1ref.py").path
    // The reference's keys are valid from a day before they are made, so times follow the real clock.
    static let made = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
    let at = ["--at", ISO8601DateFormatter().string(from: Date())]

    override func setUpWithError() throws {
        let venv = CLI.projectRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            let env = ProcessInfo.processInfo.environment
            if env["STAMPWATCH_REQUIRE_INTEROP"] != nil || env["CI"] != nil {
                XCTFail("the Python venv is missing: run `make deps`")
            }
            throw XCTSkip("no .venv: run `make deps` to enable the interoperability tests")
        }
        python = venv
    }

    func testSwiftVerifiesCodesMintedByTheReference() throws {
        for alg in ["ES256", "EdDSA"] {
            let dir = CLI.scratch().appendingPathComponent("ref-\(alg)")
            let keys = try CLI.run(python, [script, "keys", "--out", dir.path, "--alg", alg])
            XCTAssertEqual(keys.status, 0, keys.stderr)
            let payload = HubKeys.payload(uid: "REF-\(alg)", manufactured: Self.made)
            let variants: [[String]] = [[], ["--tagged"], ["--kid-in", "unprotected"], ["--tagged", "--kid-in", "unprotected"],
                                        ["--extra", "42=future", "--extra", "10=7"]]
            var codes: [String] = []
            for v in variants {
                let m = try CLI.run(python, [script, "mint", "--keys", dir.path, "--payload", payload] + v)
                XCTAssertEqual(m.status, 0, m.stderr)
                codes += m.lines
            }
            let r = try CLI.run("stampwatch", ["verify", "--keyring", dir.appendingPathComponent("keyring.json").path, "--json"] + at + codes)
            XCTAssertEqual(r.status, 0, r.stdout)
            for line in r.lines {
                let o = try CLI.json(line)
                XCTAssertEqual(o["verdict"] as? String, "genuine", line)
                XCTAssertEqual(o["uid"] as? String, "REF-\(alg)")
                XCTAssertEqual(o["manufactured"] as? String, Self.made)
                XCTAssertEqual(o["market"] as? String, "MZ-MPM")
                XCTAssertEqual(o["shift"] as? String, "A")
            }
        }
    }

    func testReferenceVerifiesCodesMintedBySwift() throws {
        var codes = try HubKeys.mint(HubKeys.payload(uid: "SW-{n}"), extra: ["--count", "3"])
        codes += try HubKeys.mint(HubKeys.payload(uid: "SW-T"), extra: ["--tagged", "--kid-in", "unprotected"])
        let r = try CLI.run(python, [script, "verify", "--keyring", HubKeys.keyring] + codes)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let uids = try r.lines.map { try CLI.json($0) }.map { o -> String? in
            XCTAssertEqual(o["ok"] as? Bool, true, "\(o)")
            XCTAssertEqual(o["facility"] as? String, "FAC-01")
            XCTAssertEqual(o["manufactured"] as? String, "2026-06-01T08:00:00Z")
            return o["uid"] as? String
        }
        XCTAssertEqual(uids, ["SW-0", "SW-1", "SW-2", "SW-T"])
    }

    func testBothSidesRejectTheSameTamperedCodes() throws {
        let code = try HubKeys.mint()[0]
        var tampered: [String] = []
        for i in stride(from: 10, to: code.count, by: max(1, code.count / 25)) {
            var chars = Array(code)
            chars[i] = chars[i] == "A" ? "B" : "A"
            tampered.append(String(chars))
        }
        let swift = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--json"] + at + tampered)
        let ref = try CLI.run(python, [script, "verify", "--keyring", HubKeys.keyring] + tampered)
        XCTAssertEqual(swift.lines.count, tampered.count)
        XCTAssertEqual(ref.lines.count, tampered.count)
        for (s, p) in zip(swift.lines, ref.lines) {
            let sv = try CLI.json(s)["verdict"] as? String
            let pok = try CLI.json(p)["ok"] as? Bool
            XCTAssertEqual(pok, sv == "genuine", "swift \(s)\nreference \(p)")
        }
    }
}
