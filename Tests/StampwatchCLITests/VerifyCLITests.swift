import Foundation
import XCTest

final class VerifyCLITests: XCTestCase {
    let at = ["--at", "2026-11-29T12:00:00Z"]

    func testGenuineCodeExitsZeroWithJSONFields() throws {
        let code = try HubKeys.mint()[0]
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--json"] + at + [code])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.lines.count, 1)
        let o = try CLI.json(r.lines[0])
        XCTAssertEqual(o["input"] as? String, code)
        XCTAssertEqual(o["verdict"] as? String, "genuine")
        XCTAssertEqual(o["uid"] as? String, "MZ-CLI-0001")
        XCTAssertEqual(o["manufactured"] as? String, "2026-06-01T08:00:00Z")
        XCTAssertEqual(o["operator"] as? String, "EO-1")
        XCTAssertEqual((o["signer_kid"] as? String)?.count, 16)
        XCTAssertNotNil(o["data_kid"] as? String)
        let reasons = try XCTUnwrap(o["reasons"] as? [[String: String]])
        XCTAssertEqual(reasons.first?["code"], "verified")
    }

    func testAnyNonGenuineCodeExitsOneAndOrderIsKept() throws {
        let genuine = try HubKeys.mint()[0]
        let diverted = try HubKeys.mint(HubKeys.payload(uid: "X2", market: "ZA"))[0]
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--market", "mz", "--json"] + at + [genuine, "TS1:abc", diverted])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(try r.lines.map { try CLI.json($0)["verdict"] as? String }, ["genuine", "malformed", "suspect"])
        XCTAssertTrue(r.lines[2].contains("market-mismatch"))
    }

    func testStdinKeepsSpacesSkipsBlankLinesAndHandlesCRLF() throws {
        let codes = try HubKeys.mint(HubKeys.payload(uid: "STDIN-{n}"), extra: ["--count", "3"])
        let input = "\(codes[0])\r\n\n   \n\(codes[1]) \n\(codes[2])"
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--json"] + at, stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 1)
        let objs = try r.lines.map(CLI.json)
        XCTAssertEqual(objs.count, 3)
        XCTAssertEqual(objs[0]["verdict"] as? String, "genuine")
        XCTAssertEqual(objs[1]["input"] as? String, codes[1] + " ", "a trailing space is part of the code")
        XCTAssertEqual(objs[1]["verdict"] as? String, "malformed")
        XCTAssertEqual(objs[2]["uid"] as? String, "STDIN-2")
    }

    func testDashReadsStdinBetweenArguments() throws {
        let codes = try HubKeys.mint(HubKeys.payload(uid: "DASH-{n}"), extra: ["--count", "3"])
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--json"] + at + [codes[0], "-", codes[2]], stdin: Data((codes[1] + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try r.lines.map { try CLI.json($0)["uid"] as? String }, ["DASH-0", "DASH-1", "DASH-2"])
    }

    func testLargeParallelBatchKeepsInputOrder() throws {
        let codes = try HubKeys.mint(HubKeys.payload(uid: "BULK-{n}"), extra: ["--count", "5000"])
        XCTAssertEqual(codes.count, 5000)
        let mixed = codes.enumerated().map { $0.offset % 7 == 3 ? "TS1:BROKEN\($0.offset)" : $0.element }
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--json", "--jobs", "4"] + at,
                            stdin: Data((mixed.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 1)
        let lines = r.lines
        XCTAssertEqual(lines.count, 5000)
        for (i, line) in lines.enumerated() where i % 500 == 0 || i % 7 == 3 {
            let o = try CLI.json(line)
            XCTAssertEqual(o["input"] as? String, mixed[i])
            XCTAssertEqual(o["verdict"] as? String, i % 7 == 3 ? "malformed" : "genuine")
        }
    }

    func testTextOutputIsReadable() throws {
        let code = try HubKeys.mint()[0]
        let r = try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring] + at + [code])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("✔ GENUINE"), r.stdout)
        XCTAssertTrue(r.stdout.contains("uid          MZ-CLI-0001"))
    }

    func testExitCodesForUsageAndFiles() throws {
        let code = try HubKeys.mint()[0]
        XCTAssertEqual(try CLI.run("stampwatch", ["verify", "--market", "Mozambique", code]).status, 64)
        XCTAssertEqual(try CLI.run("stampwatch", ["verify", "--at", "yesterday", code]).status, 64)
        XCTAssertEqual(try CLI.run("stampwatch", ["verify", "--bogus"]).status, 64)
        let missing = try CLI.run("stampwatch", ["verify", "--keyring", "/nonexistent/keyring.json", code])
        XCTAssertEqual(missing.status, 66)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/keyring.json does not exist"), missing.stderr)
        XCTAssertEqual(try CLI.run("stampwatch", ["verify", "--keyring", HubKeys.keyring, "--input", "/nonexistent/codes.txt"]).status, 66)

        let bad = CLI.scratch().appendingPathComponent("bad.json")
        try Data("{\"signing_keys\": [{\"kid\": \"zz\"}], \"data_keys\": []}".utf8).write(to: bad)
        let r = try CLI.run("stampwatch", ["verify", "--keyring", bad.path, code])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("signing_keys[0].kid"), r.stderr)
        XCTAssertEqual(r.stdout, "", "nothing half-written on a bad keyring")
    }

    func testNoKeyringMakesCodesUnverifiableAndSaysSo() throws {
        let code = try HubKeys.mint()[0]
        let r = try CLI.run("stampwatch", ["verify", "--json", code])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(try CLI.json(r.lines[0])["verdict"] as? String, "unverifiable")
        XCTAssertTrue(r.stderr.contains("no keyring"), r.stderr)
    }

    func testKeyringFromEnvironment() throws {
        let code = try HubKeys.mint()[0]
        let r = try CLI.run("stampwatch", ["verify", code] + at, env: ["STAMPWATCH_KEYRING": HubKeys.keyring])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testHelpAndCompletionScripts() throws {
        let help = try CLI.run("stampwatch", ["verify", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--keyring"))
        for tool in ["stampwatch", "stampwatch-hub"] {
            let c = try CLI.run(tool, ["--generate-completion-script", "bash"])
            XCTAssertEqual(c.status, 0)
            XCTAssertTrue(c.stdout.contains("complete"), tool)
        }
    }
}

final class HubCLITests: XCTestCase {
    func testKeysGenerateRefusesToOverwrite() throws {
        let r = try CLI.run("stampwatch-hub", ["keys", "generate", "--out", HubKeys.dir.path])
        XCTAssertEqual(r.status, 73)
        XCTAssertTrue(r.stderr.contains("refusing to overwrite"))
        let pems = try FileManager.default.contentsOfDirectory(atPath: HubKeys.dir.path).filter { $0.hasSuffix(".pem") }
        XCTAssertEqual(pems.count, 1)
        let attrs = try FileManager.default.attributesOfItem(atPath: HubKeys.dir.appendingPathComponent(pems[0]).path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600, "private keys are not world-readable")
    }

    func testEdDSAKeysMintGenuineCodes() throws {
        let dir = CLI.scratch().appendingPathComponent("ed")
        XCTAssertEqual(try CLI.run("stampwatch-hub", ["keys", "generate", "--out", dir.path, "--alg", "EdDSA", "--not-before", "2025-01-01T00:00:00Z"]).status, 0)
        let code = try CLI.run("stampwatch-hub", ["mint", "--keys", dir.path, "--payload", HubKeys.payload(), "--tagged", "--kid-in", "unprotected"]).lines[0]
        let r = try CLI.run("stampwatch", ["verify", "--keyring", dir.appendingPathComponent("keyring.json").path, "--at", "2026-11-29T00:00:00Z", code])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    }

    func testMintRejectsBadPayloadsClearly() throws {
        let cases: [(String, String)] = [
            ("{\"uid\":\"A\"}", "is missing"),
            (HubKeys.payload(market: "Mozambique"), "market"),
            (HubKeys.payload(manufactured: "last week"), "manufactured"),
            ("not json", "payload file not json does not exist"),
        ]
        for (payload, message) in cases {
            let r = try CLI.run("stampwatch-hub", ["mint", "--keys", HubKeys.dir.path, "--payload", payload])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(message), "\(payload): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
        }
        let dup = try CLI.run("stampwatch-hub", ["mint", "--keys", HubKeys.dir.path, "--payload", HubKeys.payload(), "--count", "2"])
        XCTAssertEqual(dup.status, 64)
    }
}
