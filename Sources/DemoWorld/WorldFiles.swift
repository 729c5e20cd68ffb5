import FieldStore
import Foundation
import StampCodes
import StampCrypto
import StrictJSON

/// The small files of a world: the issuer's demo keys, the sample codes and the summary.
enum WorldFiles {
    static func write(_ text: String, to path: String) throws(DemoWorldError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw DemoWorldError(.output, "cannot write \(path)")
        }
    }

    static func writeIssuer(keys: DemoKeys, recipe: DemoWorldRecipe, directory: String) throws(DemoWorldError) {
        try write(keys.keyringJSON, to: directory + "/keyring.json")
        for s in [keys.primary, keys.compromised] {
            try write(s.key.pkcs8PEM, to: directory + "/signing-\(Hex.encode(s.kid)).pem")
        }
        try write("""
            # DEMO KEYS NOT FOR ENFORCEMENT

            These keys belong to the Stampwatch demo world (seed \(recipe.seed), scale \(recipe.scale.rawValue)). They are
            derived from the seed, so anyone with the recipe can rebuild them: a code that verifies under this
            keyring proves nothing about a real pack. Never load this keyring on a console used in the field.

            - `keyring.json`: what a console trusts (docs/stamp-code.md): two Ed25519 signing keys and one data key.
              Every key's `issuer` says DEMO KEYS NOT FOR ENFORCEMENT.
            - `signing-\(Hex.encode(keys.primary.kid)).pem`: authority signing key 1 (PKCS#8), the current key.
            - `signing-\(Hex.encode(keys.compromised.kid)).pem`: authority signing key 2, used for import stamps until
              it was revoked on \(DemoTime.utc(DemoKeys.revokedAt)) after its HSM was compromised; codes it signs for
              packs made after that are suspect (signer-key-revoked).

            `stampwatch-hub mint --keys` accepts this directory (key 1 and the data key are the defaults).

            How they are made (demo only; real issuance uses random keys in an HSM and a random IV per code):
            HKDF-SHA-256 over the seed (8 bytes, big-endian) with salt "stampwatch demo world v1" and info
            "stampwatch demo signing key 1" / "... key 2" gives the Ed25519 seeds; "stampwatch demo data key 1"
            the AES-256 data key; each code's GCM IV is the first 12 bytes of SHA-256(IV key || data kid ||
            plaintext), so the same world always has the same codes and two payloads never share an IV.
            The counterfeiter's key (info "stampwatch demo counterfeiter key") is not in the keyring and not here.

            """, to: directory + "/README.md")
    }

    /// Sample order in samples.txt and world.json: by kind, then as generated.
    static func ordered(_ samples: [DemoSample]) -> [DemoSample] {
        let rank = Dictionary(uniqueKeysWithValues: DemoSample.Kind.allCases.enumerated().map { ($1, $0) })
        return samples.enumerated().sorted { (rank[$0.element.kind]!, $0.offset) < (rank[$1.element.kind]!, $1.offset) }.map(\.element)
    }

    static func expectation(_ s: DemoSample) -> String {
        var text = "expect \(s.verdict.rawValue)"
        let shown = s.reasons.filter { $0 != "verified" }
        if !shown.isEmpty { text += " (\(shown.joined(separator: ", ")))" }
        if let w = s.watchlist { text += ", watchlist \(w.rawValue)" }
        return text
    }

    static func writeSamples(report: DemoWorldReport, path: String) throws(DemoWorldError) {
        var out = """
            # Stampwatch demo world, seed \(report.recipe.seed), scale \(report.recipe.scale.rawValue): sample stamp codes.
            # DEMO KEYS NOT FOR ENFORCEMENT. Each code is on its own line after a comment saying what it is and the
            # verdict to expect with --market MZ. On the demo cache (`make run`, or after `stampwatch cache update`):
            #   grep -v '^#' samples.txt | stampwatch verify --market MZ
            # the cache's rules apply: watchlisted and never-reported UIDs are suspect. With the keyring alone
            #   grep -v '^#' samples.txt | stampwatch verify --keyring issuer/keyring.json --market MZ
            # only the code is judged. A code starts with TS1: and runs to the end of its line; spaces inside a
            # code are part of it. The watchlist, clone and provenance findings come from cache/MZ/snapshot.sqlite.

            """
        for s in ordered(report.samples) {
            out += "\n# \(s.kind.rawValue): \(s.description)" + (s.uid.map { " [uid \($0)]" } ?? "") + "\n"
            out += s.code + "\n"
        }
        try write(out, to: path)
    }

    static func writeWorld(builder b: WorldBuilder, report: DemoWorldReport, keys: DemoKeys, path: String) throws(DemoWorldError) {
        func str(_ s: String) -> JSONValue { .string(s) }
        func obj(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }
        func int(_ n: Int) -> JSONValue { .integer(Int64(n)) }
        let M = MasterData.self

        let regions = M.regions.map { r in
            obj([("code", str(r.code)), ("name", str(r.name)), ("capital", str(r.capital)), ("lat", .number(r.latitude)), ("lon", .number(r.longitude))])
        }
        let neighbours = M.neighbours.map { obj([("code", str($0.code)), ("name", str($0.name))]) }
        let operators = M.operators.map { o in
            obj([("id", str(o.id)), ("name", str(o.name)), ("role", str(o.role.rawValue)), ("country", str(o.country)),
                 ("gs1_company_prefix", str(o.prefix)), ("pgln", str(GS1IDs.pgln(prefix: o.prefix, partyReference: 1)))])
        }
        let facilities = M.facilities.map { f in
            obj([("id", str(f.id)), ("name", str(f.name)), ("operator", str(M.operators[f.owner].id)),
                 ("stamps_ordered_by", str(M.operators[f.stampOperator].id)), ("place", str(f.place)), ("region", str(f.region)),
                 ("lat", .number(f.latitude)), ("lon", .number(f.longitude)), ("sgln", str(f.sgln)), ("series", str(f.series)),
                 ("machines", .array(f.machines.indices.map { m in
                     obj([("id", str(f.machineIDs[m])), ("name", str(f.machines[m])), ("sgln", str(f.machineSGLN(m)))])
                 })),
                 ("shifts", .array([str("A 06:00-14:00"), str("B 14:00-22:00"), str("C 22:00-06:00")]))])
        }
        let products = M.products.map { p in
            obj([("gtin", str(p.gtin)), ("brand", str(p.brand)), ("variant", str(p.variant)), ("description", str(p.description)),
                 ("facility", str(M.facilities[p.facility].id))])
        }
        let series = M.series.map { s in
            obj([("id", str(s.id)), ("name", str(s.name)), ("features", .array(s.features.map { f in
                obj([("id", str(f.id)), ("name", str(f.name)), ("level", str(f.level.rawValue)), ("tool", str(f.tool.rawValue))])
            }))])
        }
        func parties(_ list: [MasterData.Party]) -> JSONValue {
            .array(list.map { p in
                obj([("name", str(p.name)), ("region", str(p.region)), ("lat", .number(p.latitude)), ("lon", .number(p.longitude)),
                     ("gln", str(p.gln)), ("pgln", str(p.pgln))])
            })
        }
        let orders = b.orders.map { o in
            obj([("order", str(o.id)), ("operator", str(M.operators[o.operator].id)),
                 ("month", str("\(WorldPlan.year)-\(DemoTime.pad(b.plan.startMonth + o.month, 2))")), ("stamps", int(o.quantity)),
                 ("ordered_on", str(DemoTime.localDate(o.ordered))), ("fee_mzn", .number(Double(o.quantity) * WorldBuilder.stampFeeMZN)),
                 ("payment", str("AT-PAY-\(o.id.dropFirst(7))")), ("paid_on", str(DemoTime.localDate(o.paid)))])
        }
        let signers: [JSONValue] = [keys.primary, keys.compromised].map { s in
            let entry = keys.keyring.signer(kid: s.kid)!
            return obj([("kid", str(Hex.encode(s.kid))), ("alg", str("EdDSA")), ("role", str(s.role)),
                        ("not_before", str(DemoTime.utc(entry.notBefore))), ("not_after", str(DemoTime.utc(entry.notAfter))),
                        ("revoked_at", entry.revokedAt.map { str(DemoTime.utc($0)) } ?? .null),
                        ("pem", str("issuer/signing-\(Hex.encode(s.kid)).pem"))])
        }
        let samples = ordered(report.samples).map { s in
            obj([("kind", str(s.kind.rawValue)), ("description", str(s.description)), ("uid", s.uid.map(str) ?? .null),
                 ("verify_market", str(s.market)), ("verdict", str(s.verdict.rawValue)), ("reasons", .array(s.reasons.map(str))),
                 ("watchlist", s.watchlist.map { str($0.rawValue) } ?? .null), ("in_cache", .bool(s.inCache)),
                 ("containers", .array(s.chain.map(str))), ("code", str(s.code))])
        }
        let planted = report.planted.map { p in
            obj([("kind", str(p.kind)), ("story", str(p.story)), ("packs", int(p.packs)),
                 ("watchlist", p.watchlist.map { str($0.rawValue) } ?? .null), ("containers", .array(p.containers.map(str)))])
        }
        let world = obj([
            ("generator", str("\(DemoWorldGenerator.generatorName) \(DemoWorldGenerator.formatVersion)")),
            ("warning", str("DEMO DATA AND DEMO KEYS: NOT FOR ENFORCEMENT")),
            ("recipe", report.recipe.jsonValue),
            ("country", obj([("code", "MZ"), ("name", "Mozambique"), ("timezone", str("UTC\(DemoTime.offsetText)")),
                             ("regions", .array(regions)), ("neighbours", .array(neighbours))])),
            ("timeline", obj([("from", str(DemoTime.eventTime(b.worldStart))), ("to", str(DemoTime.eventTime(b.worldEnd))),
                              ("published_at", str(DemoTime.utc(report.publishedAt))), ("expires", str(DemoTime.utc(report.expires)))])),
            ("authority", obj([("name", str(M.authorityName)), ("gs1_company_prefix", str(M.authorityPrefix))])),
            ("keys", obj([("keyring", "issuer/keyring.json"), ("signing", .array(signers)),
                          ("data", .array([obj([("kid", str(Hex.encode(keys.dataKey.kid))), ("alg", "A256GCM")])])),
                          ("counterfeiter_kid", str(Hex.encode(keys.counterfeiter.kid)))])),
            ("operators", .array(operators)),
            ("facilities", .array(facilities)),
            ("products", .array(products)),
            ("series", .array(series)),
            ("first_customers", parties(M.customers)),
            ("retailers", parties(M.retailers)),
            ("border_posts", parties(M.borderPosts)),
            ("stamp_orders", .array(orders)),
            ("counts", obj(report.counts.map { ($0.name, int($0.value)) })),
            ("events", obj(b.eventCounts.keys.sorted().map { ($0, int(b.eventCounts[$0]!)) })),
            ("planted", .array(planted)),
            ("samples", .array(samples)),
            ("epcis", .array(report.epcisFiles.map { obj([("file", str($0.file)), ("events", int($0.events))]) })),
            ("snapshot", obj([("file", "cache/MZ/snapshot.sqlite"), ("region", "MZ"), ("version", 1),
                              ("content_sha256", str(report.contentSHA256))])),
        ])
        try write(world.serialized(pretty: true) + "\n", to: path)
    }
}

extension DemoWorldGenerator {
    /// What `install` did.
    public enum InstallOutcome: Sendable {
        case generated(DemoWorldReport)
        /// `directory` already held this recipe's world.
        case upToDate
    }

    /// Generates the world into `directory` safely: into a sibling `.partial` directory first, then
    /// swapped in by rename, so a failed or interrupted run never leaves a half world where a whole one
    /// was. An existing `directory` is replaced only when it is empty or holds a demo world (its
    /// world.json names this generator), or with `force`; when it already holds this recipe's world
    /// and `force` is false, nothing is done.
    public func install(at directory: String, force: Bool = false) throws(DemoWorldError) -> InstallOutcome {
        let fm = FileManager.default
        let dir = (directory as NSString).standardizingPath
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw DemoWorldError(.output, "\(dir) exists and is not a directory") }
            let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
            let world = fm.contents(atPath: dir + "/world.json").flatMap { try? JSONParser.parse(Array($0)) }
            let isDemo = world?["generator"]?.stringValue?.hasPrefix(Self.generatorName) ?? false
            if !force {
                guard entries.isEmpty || isDemo else {
                    throw DemoWorldError(.output, "\(dir) is not empty and holds no demo world; choose another --out or pass --force")
                }
                if isDemo, world?["generator"]?.stringValue == "\(Self.generatorName) \(Self.formatVersion)",
                   world?["recipe"] == (try recipe.validated()).jsonValue,
                   fm.fileExists(atPath: dir + "/cache/MZ/snapshot.sqlite") {
                    return .upToDate
                }
            }
        }
        let partial = dir + ".partial-\(getpid())"
        try? fm.removeItem(atPath: partial)
        do throws(DemoWorldError) {
            var report = try generate(into: partial)
            let old = dir + ".old-\(getpid())"
            if fm.fileExists(atPath: dir) {
                do { try fm.moveItem(atPath: dir, toPath: old) } catch {
                    throw DemoWorldError(.output, "cannot move the old \(dir) aside: \(error.localizedDescription)")
                }
            }
            do { try fm.moveItem(atPath: partial, toPath: dir) } catch {
                try? fm.moveItem(atPath: old, toPath: dir)
                throw DemoWorldError(.output, "cannot move the new world into \(dir): \(error.localizedDescription)")
            }
            try? fm.removeItem(atPath: old)
            report.directory = dir
            report.snapshotPath = dir + "/cache/MZ/snapshot.sqlite"
            return .generated(report)
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
    }
}
