import EPCIS
import FieldStore
import Foundation
import GRDB
import StampCodes
import StampCrypto
import StrictJSON
import XCTest

@testable import DemoWorld

/// Worlds generated once for the whole suite (a small world takes about a second in a debug build).
enum Worlds {
    static let root = NSTemporaryDirectory() + "demoworld-tests-\(getpid())"

    static func make(_ name: String, seed: UInt64) -> Result<DemoWorldReport, DemoWorldError> {
        Result { () throws(DemoWorldError) in try DemoWorldGenerator(recipe: DemoWorldRecipe(seed: seed)).generate(into: root + "/" + name) }
    }

    static let a = make("a", seed: 42)
    static let b = make("b", seed: 42)
    static let c = make("c", seed: 43)
}

final class DemoWorldTests: XCTestCase {
    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: Worlds.root)
        super.tearDown()
    }

    private func world(_ r: Result<DemoWorldReport, DemoWorldError>) throws -> DemoWorldReport {
        switch r {
        case .success(let w): return w
        case .failure(let e): throw e
        }
    }

    private func bytes(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else { throw DemoWorldError(.output, "missing \(path)") }
        return Array(d)
    }

    private func text(_ path: String) throws -> String { String(decoding: try bytes(path), as: UTF8.self) }

    private func keyring(_ w: DemoWorldReport) throws -> Keyring { try Keyring.parse(try bytes(w.directory + "/issuer/keyring.json")) }

    private func files(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { !$0.contains(".sqlite") }.sorted()
    }

    private func openStore(_ w: DemoWorldReport, _ name: String) throws -> FieldStore {
        let path = Worlds.root + "/stores/\(name)/store.sqlite"
        try? FileManager.default.removeItem(atPath: Worlds.root + "/stores/\(name)")
        var options = FieldStore.Options()
        options.region = "MZ"
        let store = try FieldStore.open(at: path, options: options)
        try store.applySnapshot(at: w.snapshotPath, now: w.publishedAt + 3_600)
        return store
    }

    // MARK: Determinism

    func testTheSameSeedGivesTheSameWorldByteForByte() throws {
        let a = try world(Worlds.a), b = try world(Worlds.b)
        print("small world (seed 42, \(a.count("packs")) packs, \(a.count("events")) events) generated in "
              + String(format: "%.2f s and %.2f s", a.seconds, b.seconds))
        let names = files(a.directory)
        XCTAssertEqual(names, files(b.directory))
        XCTAssertTrue(names.contains("world.json") && names.contains("samples.txt") && names.contains("issuer/keyring.json"))
        XCTAssertTrue(names.contains { $0.hasPrefix("epcis/") && $0.hasSuffix(".json") })
        for name in names where !name.hasSuffix("/") {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: a.directory + "/" + name, isDirectory: &isDir)
            if isDir.boolValue { continue }
            XCTAssertEqual(try bytes(a.directory + "/" + name), try bytes(b.directory + "/" + name), name)
        }
        XCTAssertEqual(a.contentSHA256, b.contentSHA256)
        XCTAssertEqual(a.samples, b.samples)
        // The digest the field store records is the one the world reports.
        let sa = try openStore(a, "det-a"), sb = try openStore(b, "det-b")
        XCTAssertEqual(try sa.cacheInfo()?.contentSHA256, a.contentSHA256)
        XCTAssertEqual(try sb.cacheInfo()?.contentSHA256, a.contentSHA256)
    }

    func testAnotherSeedGivesAnotherWorld() throws {
        let a = try world(Worlds.a), c = try world(Worlds.c)
        XCTAssertNotEqual(try bytes(a.directory + "/world.json"), try bytes(c.directory + "/world.json"))
        XCTAssertNotEqual(try bytes(a.directory + "/samples.txt"), try bytes(c.directory + "/samples.txt"))
        XCTAssertNotEqual(a.contentSHA256, c.contentSHA256)
        XCTAssertNotEqual(try keyring(a).signingKeys.map(\.kid), try keyring(c).signingKeys.map(\.kid))
        XCTAssertTrue(Set(a.samples.compactMap(\.uid)).isDisjoint(with: c.samples.compactMap(\.uid)))
        XCTAssertEqual(a.count("packs"), c.count("packs"))
    }

    // MARK: Sample codes

    func testEverySampleGetsTheVerdictItsCommentPromises() throws {
        let w = try world(Worlds.a)
        let verifier = StampVerifier(keyring: try keyring(w))
        XCTAssertEqual(Set(w.samples.map(\.kind)), Set(DemoSample.Kind.allCases))
        for s in w.samples {
            XCTAssertTrue(s.code.hasPrefix("TS1:"), s.kind.rawValue)
            let r = verifier.verify(s.code, context: VerificationContext(now: w.publishedAt, market: Market(s.market)))
            XCTAssertEqual(r.verdict, s.verdict, "\(s.kind.rawValue): \(r.reasons)")
            if s.verdict != .malformed {
                XCTAssertEqual(r.reasons.map(\.code), s.reasons, s.kind.rawValue)
            }
            switch s.kind {
            case .genuineDomestic, .genuineImport, .clone, .stolen, .recalled, .destroyed, .seized:
                XCTAssertEqual(r.verdict, .genuine, s.kind.rawValue)
                XCTAssertEqual(r.payload?.uid, s.uid)
                XCTAssertEqual(r.payload?.market, "MZ")
            case .counterfeitRogueKey, .counterfeitForgedPayload:
                XCTAssertEqual(r.verdict, .counterfeit)
                XCTAssertEqual(r.reasons.map(\.code), ["signature-invalid"])
            case .diverted:
                XCTAssertEqual(r.verdict, .suspect)
                XCTAssertTrue(r.reasons.map(\.code).contains("market-mismatch"))
                XCTAssertEqual(r.payload?.market, "ZA")
                // Where it may be sold, it is genuine.
                XCTAssertEqual(verifier.verify(s.code, context: VerificationContext(now: w.publishedAt, market: Market("ZA"))).verdict, .genuine)
            case .revokedKey:
                XCTAssertEqual(r.reasons.first?.code, "signer-key-revoked")
            case .unknownSigner:
                XCTAssertEqual(r.payload?.uid, s.uid, "the data key still reads it")
            case .damagedScan:
                XCTAssertEqual(r.verdict, .malformed)
            }
        }
        // The two authority keys sign what the world says: imports before the revocation with key 2.
        let ring = try keyring(w)
        XCTAssertEqual(ring.signingKeys.count, 2)
        XCTAssertTrue(ring.signingKeys.allSatisfy { $0.issuer.hasPrefix("DEMO KEYS NOT FOR ENFORCEMENT") })
        XCTAssertEqual(ring.signingKeys.filter { $0.revokedAt != nil }.count, 1)
    }

    func testSamplesFileHasACommentBeforeEachCodeAndTheWorldsCodes() throws {
        let w = try world(Worlds.a)
        let lines = try text(w.directory + "/samples.txt").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var codes: [String] = []
        for (i, line) in lines.enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            XCTAssertTrue(line.hasPrefix("TS1:"), "line \(i + 1)")
            XCTAssertTrue(i > 0 && lines[i - 1].hasPrefix("# ") && lines[i - 1].contains("expect"), "line \(i) must say what to expect")
            codes.append(line)
        }
        XCTAssertEqual(Set(codes), Set(w.samples.map(\.code)))
        XCTAssertEqual(codes.count, w.samples.count)
        // world.json lists the same samples with their expectations.
        let json = try JSONParser.parse(try bytes(w.directory + "/world.json"))
        let listed = json["samples"]?.arrayValue ?? []
        XCTAssertEqual(listed.compactMap { $0["code"]?.stringValue }, codes)
        XCTAssertEqual(json["snapshot"]?["content_sha256"]?.stringValue, w.contentSHA256)
    }

    // MARK: EPCIS

    func testEveryEPCISDocumentValidatesAndEveryEventIsNamedByItsHash() throws {
        let w = try world(Worlds.a)
        var total = 0
        var steps = Set<String>()
        XCTAssertFalse(w.epcisFiles.isEmpty)
        for f in w.epcisFiles {
            switch EPCISReader.read(try bytes(w.directory + "/" + f.file)) {
            case .failure(let e): XCTFail("\(f.file): \(e)")
            case .success(let doc):
                XCTAssertEqual(doc.kind, .document)
                XCTAssertEqual(doc.schemaVersion, "2.0")
                XCTAssertEqual(doc.events.count, f.events, f.file)
                for e in doc.events {
                    XCTAssertEqual(e.eventID, EventHash.hashID(e))
                    if let s = e.bizStep?.term { steps.insert(s) }
                }
                total += doc.events.count
            }
        }
        XCTAssertEqual(total, w.count("events"))
        XCTAssertTrue(steps.isSuperset(of: ["commissioning", "packing", "unpacking", "shipping", "receiving", "arriving",
                                            "inspecting", "destroying", "transporting", "holding"]), "\(steps)")
    }

    func testTheEventsCarryTheFCTCItemsAndTheIncidents() throws {
        let w = try world(Worlds.a)
        var manufacture = 0
        var transactionKinds = Set<String>()
        var watch = Set<String>()
        var movements = 0
        for f in w.epcisFiles {
            guard case .success(let doc) = EPCISReader.read(try bytes(w.directory + "/" + f.file)) else { return XCTFail(f.file) }
            for e in doc.events {
                for fact in TobaccoMapping.facts(for: e) {
                    switch fact {
                    case .manufacture(let m):
                        manufacture += 1
                        XCTAssertEqual(fact.fctcItems, [.a, .b, .c, .d])
                        XCTAssertEqual(m.date.source, "ilmd sw:manufacturingDate")
                        XCTAssertEqual(m.location?.source, "ilmd sw:placeOfManufacture")
                        XCTAssertEqual(m.facility?.source, "ilmd sw:manufacturingFacility")
                        XCTAssertEqual(m.machine?.source, "ilmd sw:manufacturingMachine")
                        XCTAssertEqual(m.shiftOrTime.source, "ilmd sw:productionShift")
                        XCTAssertEqual(m.items.count, DemoWorldRecipe.packsPerCase)
                        XCTAssertTrue(m.items.allSatisfy { $0.key?.role == .tradeItemInstance })
                    case .transaction(let t):
                        transactionKinds.insert("\(t.kind)")
                    case .watchlist(let entry):
                        watch.insert(entry.reason.rawValue)
                    case .movement(let m):
                        movements += 1
                        if m.kind == .shipping { XCTAssertFalse(m.destinations.isEmpty) }
                    case .aggregation:
                        break
                    }
                }
            }
        }
        XCTAssertEqual(manufacture, w.count("cases"))
        XCTAssertTrue(transactionKinds.isSuperset(of: ["invoice", "purchaseOrder", "payment"]), "\(transactionKinds)")
        XCTAssertEqual(watch, ["stolen", "recalled", "destroyed"])
        XCTAssertGreaterThan(movements, 0)
    }

    func testGTINsAndGS1KeysCarryValidCheckDigits() throws {
        let w = try world(Worlds.a)
        let json = try JSONParser.parse(try bytes(w.directory + "/world.json"))
        let gtins = (json["products"]?.arrayValue ?? []).compactMap { $0["gtin"]?.stringValue }
        XCTAssertGreaterThanOrEqual(gtins.count, 30)
        XCTAssertEqual(Set(gtins).count, gtins.count)
        for g in gtins {
            XCTAssertEqual(g.count, 14)
            XCTAssertEqual(GS1Key.checkDigit(String(g.dropLast())), Int(String(g.last!)), g)
            XCTAssertEqual(try GS1Key.parse("https://id.gs1.org/01/\(g)").get(), .gtin(g))
            XCTAssertTrue(g.hasPrefix("0952"), "demo GTINs use the 952 demonstration prefix")
        }
        // A pack's SGTIN names its GTIN and its stamp UID.
        let store = try openStore(w, "gtin")
        let s = w.samples.first { $0.kind == .genuineDomestic }!
        let pack = try XCTUnwrap(try store.pack(uid: s.uid!))
        XCTAssertTrue(gtins.contains(pack.gtin))
        let sgtin = GS1IDs.sgtin(gtin: pack.gtin, serial: pack.uid)
        XCTAssertEqual(try GS1Key.parse(sgtin).get(), .sgtin(gtin: pack.gtin, serial: pack.uid))
        for p in (json["first_customers"]?.arrayValue ?? []) + (json["retailers"]?.arrayValue ?? []) {
            let gln = p["gln"]!.stringValue!
            XCTAssertEqual(GS1Key.checkDigit(String(gln.dropLast())), Int(String(gln.last!)), gln)
        }
    }

    // MARK: The snapshot

    func testAggregationIsATreeOfPacksCartonsCasesAndPallets() throws {
        let w = try world(Worlds.a)
        let queue = try DatabaseQueue(path: w.snapshotPath)
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT child_id, parent_id, child_level, parent_level FROM aggregation")
                .map { (child: $0[0] as String, parent: $0[1] as String, childLevel: $0[2] as String, parentLevel: $0[3] as String) }
        }
        try queue.close()
        let order = ["pack", "carton", "case", "pallet"]
        var parent: [String: String] = [:]
        var level: [String: String] = [:]
        for r in rows {
            XCTAssertEqual(order.firstIndex(of: r.parentLevel), order.firstIndex(of: r.childLevel)! + 1, "\(r)")
            XCTAssertNil(parent[r.child], "\(r.child) has one container")
            parent[r.child] = r.parent
            if let l = level[r.child] { XCTAssertEqual(l, r.childLevel) }
            if let l = level[r.parent] { XCTAssertEqual(l, r.parentLevel) }
            level[r.child] = r.childLevel
            level[r.parent] = r.parentLevel
        }
        // Every chain ends within three steps: no cycles.
        for child in parent.keys {
            var id = child, steps = 0
            while let p = parent[id] {
                id = p
                steps += 1
                XCTAssertLessThanOrEqual(steps, 3, "cycle or overlong chain from \(child)")
                if steps > 3 { break }
            }
        }
        let packs = rows.filter { $0.childLevel == "pack" }
        XCTAssertEqual(packs.count, w.count("packs"))
        XCTAssertEqual(Dictionary(grouping: packs, by: \.parent).values.map(\.count).max(), DemoWorldRecipe.packsPerCarton)
        let cartons = rows.filter { $0.childLevel == "carton" }
        XCTAssertEqual(Dictionary(grouping: cartons, by: \.parent).values.map(\.count).max(), DemoWorldRecipe.cartonsPerCase)
        XCTAssertFalse(rows.filter { $0.childLevel == "case" }.isEmpty, "intact pallets keep their cases")
    }

    func testTheSnapshotAppliesAndAnswersForThePlantedUIDs() throws {
        let w = try world(Worlds.a)
        let store = try openStore(w, "planted")
        XCTAssertEqual(try store.keyring().signingKeys.count, 2)
        for s in w.samples {
            guard let uid = s.uid else { continue }
            let pack = try store.pack(uid: uid)
            XCTAssertEqual(pack != nil, s.inCache, s.kind.rawValue)
            XCTAssertEqual(try store.watchlistEntry(uid: uid)?.reason, s.watchlist, s.kind.rawValue)
            XCTAssertEqual(try store.aggregationChain(of: uid).map(\.link.parentID), s.chain, s.kind.rawValue)
            if let pack {
                let checklist = try XCTUnwrap(try store.checklist(series: pack.seriesID), pack.seriesID)
                XCTAssertEqual(Set(checklist.features.map(\.level)), [.overt, .semiCovert, .covert])
                XCTAssertTrue(checklist.features.contains { $0.tool == .uvTorch } && checklist.features.contains { $0.tool == .reader })
                XCTAssertFalse(checklist.series.description.isEmpty)
                XCTAssertNotNil(try store.facility(id: pack.facilityID))
                XCTAssertNotNil(try store.product(gtin: pack.gtin))
                XCTAssertNotNil(try store.machine(id: pack.machineID))
                let events = try store.events(for: uid)
                XCTAssertTrue(events.contains { $0.bizStep == "commissioning" }, s.kind.rawValue)
                for e in events {
                    guard case .success(let d) = EPCISReader.read(Array(e.body.utf8)) else { return XCTFail("cached body of \(e.eventID)") }
                    XCTAssertEqual(EventHash.hashID(d.events[0]), e.eventID)
                }
            } else if let facility = s.claimedFacility, let t = s.claimedManufactured {
                // A code naming a real plant and month that the cache covers, for a pack it does not have.
                guard case .unknownInCoveredScope = try store.lookupPack(uid: uid, claimedFacility: facility, claimedManufactured: t) else {
                    return XCTFail("\(s.kind.rawValue) should be unknown in covered scope")
                }
            }
        }
        let expectedChains: [(DemoSample.Kind, Int)] = [(.diverted, 3), (.stolen, 3), (.clone, 2), (.seized, 2), (.recalled, 2)]
        for (kind, depth) in expectedChains {
            let s = w.samples.first { $0.kind == kind }!
            let levels = try store.aggregationChain(of: s.uid!).map(\.link.parentLevel)
            XCTAssertEqual(levels, Array([PackagingLevel.carton, .case, .pallet].prefix(depth)), kind.rawValue)
        }
        // The clone: one UID, seen in two provinces hours apart.
        let clone = w.samples.first { $0.kind == .clone }!
        let seen = try store.events(for: clone.uid!, includeAncestors: false).filter { $0.bizStep == "inspecting" }
        XCTAssertEqual(seen.count, 2)
        XCTAssertEqual(Set(seen.compactMap(\.readPoint)).count, 2)
        // The stolen pallet: the theft event is found through the pack's containers.
        let stolen = w.samples.first { $0.kind == .stolen }!
        XCTAssertTrue(try store.events(for: stolen.uid!).contains { $0.disposition == "stolen" })
        let diverted = w.samples.first { $0.kind == .diverted }!
        XCTAssertEqual(try store.pack(uid: diverted.uid!)?.market, "ZA")
        XCTAssertEqual(try store.pack(uid: diverted.uid!)?.seriesID, "MZ-EXP-2026")
    }

    func testDashboardShowsStampsOrderedAppliedAndSeenPerOperatorPerMonth() throws {
        let w = try world(Worlds.a)
        let store = try openStore(w, "dashboard")
        var applied = 0.0
        for op in ["EO-MZ-000117", "EO-MZ-000254", "EO-MZ-000389", "EO-MZ-000733", "EO-MZ-000846"] {
            let figures = try store.dashboard(operator: op)
            XCTAssertEqual(Set(figures.map(\.metric)), ["stamps_ordered", "stamps_applied", "stamps_seen"], op)
            XCTAssertEqual(Set(figures.map(\.month)), ["2026-07", "2026-08", "2026-09", "2026-10"], op)
            for month in Set(figures.map(\.month)) {
                let f = Dictionary(uniqueKeysWithValues: figures.filter { $0.month == month }.map { ($0.metric, $0.value) })
                // One importer orders three times what it applies: the anomaly the dashboard is for.
                XCTAssertGreaterThanOrEqual(f["stamps_ordered"]!, (op == "EO-MZ-000846" ? 3 : 1) * f["stamps_applied"]!, "\(op) \(month)")
            }
            let total = { (metric: String) in figures.filter { $0.metric == metric }.map(\.value).reduce(0, +) }
            XCTAssertLessThanOrEqual(total("stamps_seen"), total("stamps_applied"), op)
            XCTAssertGreaterThan(total("stamps_seen"), 0, op)
            applied += total("stamps_applied")
        }
        XCTAssertEqual(applied, Double(w.count("packs")))
        XCTAssertEqual(try store.dashboard(operator: "*").filter { $0.metric == "stamps_applied" }.map(\.value).reduce(0, +),
                       Double(w.count("packs")))
        XCTAssertGreaterThan(try store.dashboard(operator: "*").filter { $0.metric == "stamps_seen" }.map(\.value).reduce(0, +), 0)
    }

    // MARK: Keys and recipe

    func testIssuerDirectoryHoldsTheDemoKeysAsPKCS8() throws {
        let w = try world(Worlds.a)
        let ring = try keyring(w)
        for k in ring.signingKeys {
            let pem = try text(w.directory + "/issuer/signing-\(Hex.encode(k.kid)).pem")
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let key = try SigningKey(pem: pem)
            XCTAssertEqual(key.publicKey.spkiDER, k.publicKey.spkiDER)
            XCTAssertEqual(key.algorithm, .eddsa)
        }
        XCTAssertTrue(try text(w.directory + "/issuer/README.md").contains("DEMO KEYS NOT FOR ENFORCEMENT"))
    }

    func testRecipesAreReadStrictly() throws {
        XCTAssertEqual(try DemoWorldRecipe.parse(Array(#"{"seed": 7, "scale": "national", "about": "x"}"#.utf8)),
                       DemoWorldRecipe(seed: 7, scale: .national))
        XCTAssertEqual(try DemoWorldRecipe.parse(Array(#"{"seed": 7}"#.utf8)).totalPacks, 8_000)
        XCTAssertEqual(DemoWorldRecipe(seed: 1, scale: .national).totalPacks, 10_000_000)
        XCTAssertEqual(DemoWorldRecipe(seed: 1, scale: .national).casesPerPallet, 40)
        for bad in [#"{"seed": -1}"#, #"{"sede": 1}"#, #"{"seed": 1, "scale": "huge"}"#, #"{"seed": 1, "packs": 10}"#, "[]", "{"] {
            XCTAssertThrowsError(try DemoWorldRecipe.parse(Array(bad.utf8)), bad) { e in
                XCTAssertEqual((e as? DemoWorldError)?.kind, .recipe, bad)
            }
        }
    }

    /// OfflineCache/ ships the recipe `make run` builds and a copy of that world's samples.txt; the copy
    /// must be what the recipe makes today.
    func testTheShippedRecipeMakesTheShippedSamples() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../OfflineCache").standardized.path
        let recipe = try DemoWorldRecipe.parse(try bytes(folder + "/recipe.json"))
        XCTAssertEqual(recipe.scale, .small)
        let w = try DemoWorldGenerator(recipe: recipe).generate(into: Worlds.root + "/shipped")
        XCTAssertEqual(try text(folder + "/samples.txt"), try text(w.directory + "/samples.txt"),
                       "regenerate OfflineCache/samples.txt: stampwatch-hub demo-world --recipe OfflineCache/recipe.json --out DIR, then copy DIR/samples.txt")
    }

    /// The national scale's longer timeline and sparser inspections, at the smallest size.
    func testNationalScaleAtTheSmallestSizeStillPlantsEveryCase() throws {
        let w = try DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 11, scale: .national, packs: 8_000)).generate(into: Worlds.root + "/national")
        XCTAssertEqual(w.count("packs"), 8_000)
        XCTAssertEqual(Set(w.samples.map(\.kind)), Set(DemoSample.Kind.allCases))
        let verifier = StampVerifier(keyring: try keyring(w))
        for s in w.samples {
            XCTAssertEqual(verifier.verify(s.code, context: VerificationContext(now: w.publishedAt, market: Market(s.market))).verdict, s.verdict)
        }
        for f in w.epcisFiles {
            guard case .success = EPCISReader.read(try bytes(w.directory + "/" + f.file)) else { return XCTFail(f.file) }
        }
        let store = try openStore(w, "national")
        XCTAssertEqual(Set(try store.dashboard(operator: "*").map(\.month)), ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"])
    }

    func testInstallReplacesOnlyDemoWorldsAndSkipsOneThatIsUpToDate() throws {
        let dir = Worlds.root + "/install"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data("mine".utf8))
        let g = DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 5))
        XCTAssertThrowsError(try g.install(at: dir)) { XCTAssertEqual(($0 as? DemoWorldError)?.kind, .output) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/notes.txt"), "a foreign directory is left alone")
        try FileManager.default.removeItem(atPath: dir + "/notes.txt")
        guard case .generated = try g.install(at: dir) else { return XCTFail("first install generates") }
        guard case .upToDate = try g.install(at: dir) else { return XCTFail("the same recipe is up to date") }
        guard case .generated(let r) = try DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 6)).install(at: dir) else {
            return XCTFail("another recipe replaces a demo world")
        }
        XCTAssertEqual(r.directory, dir)
        XCTAssertTrue(try text(dir + "/world.json").contains("\"seed\": 6"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + ".partial-\(getpid())"))
    }

    // MARK: The hub path against the generator's own snapshot

    /// The world's cache is assembled from its EPCIS documents captured into a hub (the real path). The
    /// generator can still write the snapshot directly as it makes the world; for every pack both must
    /// answer the same: pack row (the manufacturing time is the commissioning event's, within the run),
    /// aggregation chain, events found for it, watchlist reason; and the same coverage.
    func testTheCacheAssembledFromTheHubAnswersLikeTheGeneratorsOwnSnapshot() throws {
        let w = try world(Worlds.a)
        let direct = try DemoWorldGenerator(recipe: DemoWorldRecipe(seed: 42), snapshotPath: .direct).generate(into: Worlds.root + "/direct")
        XCTAssertEqual(try bytes(w.directory + "/samples.txt"), try bytes(direct.directory + "/samples.txt"))
        let real = try openStore(w, "real"), mirror = try openStore(direct, "direct")
        let queue = try DatabaseQueue(path: direct.snapshotPath)
        let uids = try queue.read { db in try String.fetchAll(db, sql: "SELECT uid FROM pack ORDER BY uid") }
        try queue.close()
        XCTAssertEqual(uids.count, w.count("packs"))
        var checked = 0
        for (i, uid) in uids.enumerated() {
            let a = try XCTUnwrap(try real.pack(uid: uid), uid), b = try XCTUnwrap(try mirror.pack(uid: uid))
            XCTAssertEqual([a.gtin, a.facilityID, a.machineID, a.market, a.seriesID], [b.gtin, b.facilityID, b.machineID, b.market, b.seriesID], uid)
            XCTAssertTrue((0...3_600).contains(a.manufactured - b.manufactured), "\(uid): commissioned \(a.manufactured), made \(b.manufactured)")
            XCTAssertEqual(try real.watchlistEntry(uid: uid)?.reason, try mirror.watchlistEntry(uid: uid)?.reason, uid)
            XCTAssertEqual(try real.aggregationChain(of: uid).map(\.link), try mirror.aggregationChain(of: uid).map(\.link), uid)
            // Every pack's events are compared for a tenth of the packs, and for every watchlisted one.
            if try i % 10 == 0 || mirror.watchlistEntry(uid: uid) != nil {
                XCTAssertEqual(try real.events(for: uid).map(\.eventID), try mirror.events(for: uid).map(\.eventID), uid)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 800)
        for f in ["F-MZL-01", "F-MZS-01", "F-MZN-01", "F-ZA-01", "F-MW-01"] {
            XCTAssertEqual(try real.coverage(facility: f, at: w.publishedAt - 86_400 * 30), try mirror.coverage(facility: f, at: w.publishedAt - 86_400 * 30))
        }
        for op in ["*", "EO-MZ-000117", "EO-MZ-000846"] {
            XCTAssertEqual(try real.dashboard(operator: op), try mirror.dashboard(operator: op), op)
        }
    }
}
