import Foundation
import XCTest

/// `stampwatch provenance` and the cache's verdict rules in `stampwatch verify`, on the demo world's cache
/// published and applied through TUF exactly as `make run` does; and `verify --record`.
final class ProvenanceCLITests: XCTestCase {
    struct Demo {
        var work: URL
        var device: [String: String]
        /// kind → (code, uid) from samples.txt comments.
        var samples: [String: (code: String, uid: String?)]
    }

    static let demo: Result<Demo, any Error> = Result {
        let work = CLI.scratch()
        let p = { (name: String) in work.appendingPathComponent(name).path }
        let device = ["STAMPWATCH_STORE": p("device/field.sqlite"), "XDG_DATA_HOME": p("device")]
        let recipe = CLI.projectRoot.appendingPathComponent("OfflineCache/recipe.json").path
        for args in [["demo-world", "--recipe", recipe, "--out", p("world")],
                     ["publish", "--repo", p("repo"), "--keys", p("tufkeys"), "--init", "--target", "cache/MZ/snapshot.sqlite=\(p("world/cache/MZ/snapshot.sqlite"))"]] {
            let r = try CLI.run("stampwatch-hub", args)
            guard r.status == 0 else { throw NSError(domain: "setup", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        }
        let u = try CLI.run("stampwatch", ["cache", "update", "--from", p("repo"), "--root", p("repo/metadata/1.root.json")], env: device)
        guard u.status == 0 else { throw NSError(domain: "setup", code: Int(u.status), userInfo: [NSLocalizedDescriptionKey: u.stderr]) }
        var samples: [String: (String, String?)] = [:]
        var kind: String?
        var uid: String?
        for line in try String(contentsOfFile: p("world/samples.txt"), encoding: .utf8).split(separator: "\n").map(String.init) {
            if line.hasPrefix("# "), let colon = line.dropFirst(2).firstIndex(of: ":") {
                kind = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
                uid = line.range(of: "[uid ").map { String(line[$0.upperBound...].prefix { $0 != "]" }) }
            } else if line.hasPrefix("TS1:"), let k = kind, samples[k] == nil {
                samples[k] = (line, uid)
            }
        }
        return Demo(work: work, device: device, samples: samples)
    }

    func testProvenanceOfAUIDShowsTheChainAndTheFCTCItemsWithSources() throws {
        let d = try Self.demo.get()
        let uid = try XCTUnwrap(d.samples["genuine-domestic"]?.uid)
        let r = try CLI.run("stampwatch", ["provenance", uid], env: d.device)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Not verified: a UID typed by hand"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Chain: pack \(uid) → carton urn:epc:id:sscc:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(e) first customer: name, invoice, order, payment:\n      customer: urn:epc:id:pgln:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("commissioning · active"), r.stdout)

        let json = try CLI.json(try CLI.run("stampwatch", ["provenance", "--json", uid], env: d.device).lines[0])
        XCTAssertEqual(json["uid"] as? String, uid)
        XCTAssertEqual(json["in_cache"] as? Bool, true)
        let fctc = try XCTUnwrap(json["fctc"] as? [String: Any])
        XCTAssertEqual(Set(fctc.keys), Set("abcdefghij".map(String.init)))
        XCTAssertEqual((fctc["b"] as? [String: Any])?["source"] as? String, "cache", "no code was given: the cache's record")
        XCTAssertGreaterThanOrEqual((json["chain"] as? [Any])?.count ?? 0, 3)
    }

    func testProvenanceOfAStolenCodeVerifiesItAndSaysSuspect() throws {
        let d = try Self.demo.get()
        let code = try XCTUnwrap(d.samples["stolen"]?.code)
        let r = try CLI.run("stampwatch", ["provenance", "--json", code], env: d.device)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try CLI.json(r.lines[0])
        XCTAssertEqual(json["verdict"] as? String, "suspect")
        XCTAssertTrue(((json["reasons"] as? [[String: Any]]) ?? []).contains { $0["code"] as? String == "watchlist-stolen" })
        XCTAssertEqual(((json["fctc"] as? [String: Any])?["b"] as? [String: Any])?["source"] as? String, "code")
    }

    func testAnUnknownUIDIsNotAnErrorAndSaysWhatTheCacheCovers() throws {
        let d = try Self.demo.get()
        let r = try CLI.run("stampwatch", ["provenance", "ZZ0000NOTHERE"], env: d.device)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(not in the offline cache)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("not-in-cache: This UID is not in the offline cache, and that alone is not a concern: the cache covers F-"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(e) first customer: name, invoice, order, payment: unknown"), r.stdout)
    }

    func testWithoutACacheProvenanceSaysHowToGetOne() throws {
        let work = CLI.scratch()
        let r = try CLI.run("stampwatch", ["provenance", "MZ0000000001"],
                            env: ["STAMPWATCH_STORE": work.appendingPathComponent("none/field.sqlite").path, "XDG_DATA_HOME": work.path])
        XCTAssertEqual(r.status, 69)
        XCTAssertTrue(r.stderr.contains("stampwatch cache update --from URL|DIR"), r.stderr)
    }

    func testVerifyAppliesTheCacheRulesAndCarriesProvenance() throws {
        let d = try Self.demo.get()
        let kinds = ["genuine-domestic", "stolen", "recalled", "seized", "destroyed", "clone", "revoked-key", "counterfeit-rogue-key"]
        let codes = try kinds.map { try XCTUnwrap(d.samples[$0]?.code, $0) }
        let r = try CLI.run("stampwatch", ["verify", "--json", "--market", "MZ"] + codes, env: d.device)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.lines.count, kinds.count)
        let results = try r.lines.map(CLI.json)
        func reasons(_ i: Int) -> [String] { ((results[i]["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String } }
        XCTAssertEqual(results[0]["verdict"] as? String, "genuine")
        XCTAssertNotNil(results[0]["provenance"] as? [String: Any])
        for (i, kind) in kinds.enumerated().dropFirst().prefix(5) {
            XCTAssertEqual(results[i]["verdict"] as? String, "suspect", kind)
            XCTAssertEqual(reasons(i), ["watchlist-\(kind)"], kind)
        }
        XCTAssertEqual(Set(reasons(6)), ["signer-key-revoked", "never-reported"])
        XCTAssertEqual(results[7]["verdict"] as? String, "counterfeit")
        XCTAssertNil(results[7]["provenance"], "a forged code's UID is not looked up")

        // --no-provenance: the code alone.
        let plain = try CLI.json(try CLI.run("stampwatch", ["verify", "--json", "--no-provenance", codes[1]], env: d.device).lines[0])
        XCTAssertEqual(plain["verdict"] as? String, "genuine")
        XCTAssertNil(plain["provenance"])

        // Text output: the verdict block, then the chain and FCTC items with their sources.
        let text = try CLI.run("stampwatch", ["verify", codes[0]], env: d.device)
        XCTAssertTrue(text.stdout.contains("\n  Chain: pack "), text.stdout)
        XCTAssertTrue(text.stdout.contains("(b) manufacturing facility: facility F-"), text.stdout)
        XCTAssertTrue(text.stdout.contains("[code]"), text.stdout)
    }

    func testVerifyRecordStoresEachInspectionWithItsOutboxRowBeforePrinting() throws {
        let d = try Self.demo.get()
        // A separate device store that shares the demo cache's files would race other tests: copy the store.
        let work = CLI.scratch()
        try FileManager.default.copyItem(at: d.work.appendingPathComponent("device"), to: work.appendingPathComponent("device"))
        let device = ["STAMPWATCH_STORE": work.appendingPathComponent("device/field.sqlite").path, "XDG_DATA_HOME": work.appendingPathComponent("device").path,
                      "STAMPWATCH_DEVICE_ID": "cli-test-device", "STAMPWATCH_OFFICER": "OFF-7"]
        let codes = [d.samples["genuine-domestic"]!.code, d.samples["stolen"]!.code, d.samples["damaged-scan"]!.code]
        let r = try CLI.run("stampwatch", ["verify", "--record", "--place", "Mercado Central, stall 12", "--json", "-"],
                            stdin: Data((codes.joined(separator: "\n") + "\n").utf8), env: device)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(try r.lines.map { try CLI.json($0)["verdict"] as? String }, ["genuine", "suspect", "malformed"])

        let rows = try CLI.run("/usr/bin/python3", ["-c", """
            import sqlite3, sys, json
            db = sqlite3.connect(sys.argv[1])
            for row in db.execute("SELECT i.seq, i.verdict, i.place, i.officer_id, i.cache_version, i.reasons_json, o.state, o.device_id FROM inspection i JOIN outbox o USING (record_uuid) ORDER BY i.seq"):
                print(json.dumps(row))
            """, device["STAMPWATCH_STORE"]!])
        XCTAssertEqual(rows.status, 0, rows.stderr)
        let stored = try rows.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [Any] }
        XCTAssertEqual(stored.map { $0[0] as? Int }, [1, 2, 3], "gap-free sequence in input order")
        XCTAssertEqual(stored.map { $0[1] as? String }, ["genuine", "suspect", "malformed"])
        XCTAssertEqual(Set(stored.map { $0[2] as? String }), ["Mercado Central, stall 12"])
        XCTAssertEqual(Set(stored.map { $0[3] as? String }), ["OFF-7"])
        XCTAssertEqual(stored[0][4] as? Int, 1, "the cache version used")
        XCTAssertTrue((stored[1][5] as? String ?? "").contains("watchlist-stolen"))
        XCTAssertEqual(Set(stored.map { $0[6] as? String }), ["pending"])
        XCTAssertEqual(Set(stored.map { $0[7] as? String }), ["cli-test-device"])

        // --place without --record is a usage error.
        XCTAssertEqual(try CLI.run("stampwatch", ["verify", "--place", "x", codes[0]], env: device).status, 64)
    }

    func testBadInputGetsAClearErrorAndChangesNothing() throws {
        let d = try Self.demo.get()
        let long = try CLI.run("stampwatch", ["provenance", String(repeating: "X", count: 60)], env: d.device)
        XCTAssertEqual(long.status, 64)
        XCTAssertTrue(long.stderr.contains("UID must be 1 to 50 characters"), long.stderr)
        let blank = try CLI.run("stampwatch", ["provenance", "   "], env: d.device)
        XCTAssertEqual(blank.status, 64)
        // A damaged code names what it gave instead of a UID, and says how to check it.
        let damaged = try XCTUnwrap(d.samples["damaged-scan"]?.code)
        let r = try CLI.run("stampwatch", ["provenance", damaged], env: d.device)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("the code gives no readable UID (malformed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("stampwatch verify"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }
}
