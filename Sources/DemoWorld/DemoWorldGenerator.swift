import CacheAssembly
import FieldStore
import Foundation
import StampCodes
import StampCrypto
import StrictJSON

/// Builds a demo world: keys, EPCIS 2.0 documents, a FieldStore snapshot, sample codes and a summary.
///
/// Deterministic for a recipe: the same recipe gives byte-identical `world.json`, `samples.txt`,
/// `issuer/` and EPCIS documents, and a snapshot with the same content digest. Streaming: packs are
/// made case by case and written straight to the snapshot and the documents, so memory does not grow
/// with the number of packs.
public struct DemoWorldGenerator: Sendable {
    public let recipe: DemoWorldRecipe

    /// The name written to world.json; `install` replaces a directory only when it holds this.
    public static let generatorName = "stampwatch-hub demo-world"
    public static let formatVersion = 2  // 2: the snapshot is assembled through a hub (hub/, master-data.json)

    /// How the snapshot is made: through the hub (the real path: the EPCIS documents and the master data
    /// are captured into `hub/hub.sqlite` and `CacheAssembly` builds the cache), or written directly by the
    /// generator as it goes (kept to prove both answer the same, Tests/DemoWorldTests).
    public enum SnapshotPath: Sendable { case hub, direct }
    public let snapshotPath: SnapshotPath

    public init(recipe: DemoWorldRecipe, snapshotPath: SnapshotPath = .hub) { self.recipe = recipe; self.snapshotPath = snapshotPath }

    /// Writes the world into `directory`, which must not exist or be empty.
    public func generate(into directory: String) throws(DemoWorldError) -> DemoWorldReport {
        let started = Date()
        let recipe = try recipe.validated()
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw DemoWorldError(.output, "\(directory) is not empty")
        }
        for sub in ["", "/issuer", "/epcis", "/cache/MZ"] {
            do { try fm.createDirectory(atPath: directory + sub, withIntermediateDirectories: true) } catch {
                throw DemoWorldError(.output, "cannot create \(directory + sub): \(error.localizedDescription)")
            }
        }
        let keys: DemoKeys
        do { keys = try DemoKeys(seed: recipe.seed) } catch { throw DemoWorldError(.internal, "demo keys: \(error)") }
        var builder = WorldBuilder(recipe: recipe, keys: keys, directory: directory)
        var report = try builder.run(direct: snapshotPath == .direct)
        try WorldFiles.writeIssuer(keys: keys, recipe: recipe, directory: directory + "/issuer")
        try WorldFiles.writeSamples(report: report, path: directory + "/samples.txt")
        try WorldFiles.writeWorld(builder: builder, report: report, keys: keys, path: directory + "/world.json")
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}

/// One generation pass (the state that grows while packs are made: counters, samples, SSCC serials).
struct WorldBuilder {
    let recipe: DemoWorldRecipe
    let keys: DemoKeys
    let minter: DemoMinter
    let directory: String
    var plan: WorldPlan

    let worldStart: Int64
    let worldEnd: Int64
    let publishedAt: Int64
    let expires: Int64

    /// Stamps applied and seen, per stamp-ordering operator (index in `MasterData.operators`) and month.
    var applied: [[Int]]
    var seen: [[Int]]
    var counts: [String: Int] = [:]
    var watchCounts: [WatchReason: Int] = [:]
    var samples: [DemoSample] = []
    /// The cartons of the current pallet's first case (the recall destroys ten of them).
    var firstCaseCartons: [String] = []
    var planted: [PlantedCase] = []
    var eventCounts: [String: Int] = [:]
    var epcisFiles: [(file: String, events: Int)] = []
    /// Next SSCC serial per operator and level (carton, case, pallet).
    private var ssccSerial: [[Int]]
    /// The hub path's timings and what the assembly decided.
    var captureSeconds: Double = 0
    var assembleSeconds: Double = 0
    var assembly: AssemblyReport?
    private let roundKeys: [UInt64]

    static let packInterval: Int64 = 6
    static let caseInterval: Int64 = 4 * DemoTime.hour

    init(recipe: DemoWorldRecipe, keys: DemoKeys, directory: String) {
        self.recipe = recipe
        self.keys = keys
        self.minter = DemoMinter(keys: keys)
        self.directory = directory
        var plan = WorldPlan(recipe: recipe)
        plan.plant(seed: recipe.seed)
        self.plan = plan
        worldStart = DemoTime.local(WorldPlan.year, plan.startMonth, 1)
        worldEnd = DemoTime.local(WorldPlan.year, WorldPlan.endMonth + 1, 1) - 1
        publishedAt = DemoTime.utcTime(WorldPlan.year, WorldPlan.endMonth + 1, 1)
        expires = DemoTime.utcTime(WorldPlan.year + 1, WorldPlan.endMonth + 1, 1)
        applied = Array(repeating: Array(repeating: 0, count: plan.months), count: MasterData.operators.count)
        seen = applied
        ssccSerial = Array(repeating: [0, 0, 0], count: MasterData.operators.count)
        var rng = DemoRandom(seed: recipe.seed, stream: 77)
        var keys: [UInt64] = []
        for _ in 0..<4 { keys.append(rng.next()) }
        roundKeys = keys
    }

    // MARK: Identifiers

    /// Crockford's base 32 (no I, L, O, U): in ASCII order, so UIDs sort as their numbers do.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let mask15: UInt64 = (1 << 15) - 1

    /// The stamp UID of pack `k` (0–499) of case `c`: `MZ`, four characters numbering the production run
    /// (like the time-stamp part of an EU unit-pack UI) and six characters of a seed-keyed 30-bit
    /// permutation (a four-round Feistel network: unique within the run, and a guess hits one of its
    /// 500 packs with odds below 1 in 2 million). 12 characters in all.
    ///
    /// Runs in making order also keep the snapshot's inserts near the end of each b-tree, which is
    /// what lets a national world of ten million packs be written at a steady speed.
    func uid(case c: Int, pack k: Int) -> String {
        let x = (UInt64(c) << 9 | UInt64(k)) & ((1 << 30) - 1)
        var l = x >> 15, r = x & Self.mask15
        for key in roundKeys { (l, r) = (r, l ^ (DemoRandom.mix(r ^ key) & Self.mask15)) }
        var out: [UInt8] = Array("MZ".utf8) + [UInt8](repeating: 0, count: 10)
        var v = UInt64(c)
        for i in (2..<6).reversed() {
            out[i] = Self.alphabet[Int(v & 31)]
            v >>= 5
        }
        v = (l << 15) | r
        for i in (6..<12).reversed() {
            out[i] = Self.alphabet[Int(v & 31)]
            v >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The UID of the pack with global index `n`.
    func uid(_ n: Int) -> String { uid(case: n / DemoWorldRecipe.packsPerCase, pack: n % DemoWorldRecipe.packsPerCase) }

    /// UIDs no pack has, of the same shape (counterfeiters copy the look): positions past the 500 packs
    /// of a real run.
    func inventedUID(_ j: Int, case c: Int) -> String { uid(case: c, pack: DemoWorldRecipe.packsPerCase + j) }

    mutating func sscc(owner: Int, level: PackagingLevel) -> String {
        let l = level == .carton ? 0 : level == .case ? 1 : 2
        ssccSerial[owner][l] += 1
        return GS1IDs.sscc(prefix: MasterData.operators[owner].prefix, extensionDigit: l + 1, serial: ssccSerial[owner][l])
    }

    func monthIndex(_ t: Int64) -> Int {
        let (_, m, _, _, _, _) = DemoTime.civil(t + DemoTime.offsetSeconds)
        return min(max(m - plan.startMonth, 0), plan.months - 1)
    }

    static func shift(_ t: Int64) -> String {
        let h = DemoTime.localHour(t)
        return h >= 6 && h < 14 ? "A" : h >= 14 && h < 22 ? "B" : "C"
    }

    /// Hours on the road between two places (great-circle distance at 50 km/h, plus loading).
    static func transitHours(_ a: (Double, Double), _ b: (Double, Double)) -> Int64 {
        let rad = Double.pi / 180
        let dlat = (b.0 - a.0) * rad, dlon = (b.1 - a.1) * rad
        let h = sin(dlat / 2) * sin(dlat / 2) + cos(a.0 * rad) * cos(b.0 * rad) * sin(dlon / 2) * sin(dlon / 2)
        let km = 6_371 * 2 * atan2(h.squareRoot(), (1 - h).squareRoot())
        return 4 + Int64((km * 1.3 / 50).rounded())
    }

    // MARK: The pass

    mutating func run(direct: Bool) throws(DemoWorldError) -> DemoWorldReport {
        let snapshot = directory + "/cache/MZ/snapshot.sqlite"
        let descriptor = CacheDescriptor(
            version: 1, region: "MZ",
            source: "\(DemoWorldGenerator.generatorName) seed \(recipe.seed) scale \(recipe.scale.rawValue) (DEMO DATA, NOT FOR ENFORCEMENT)",
            publishedAt: publishedAt, expires: expires)
        var failure: (any Error)?
        let meta: CacheFileMeta
        if direct {
            do {
                meta = try SnapshotBuilder.build(at: snapshot, descriptor: descriptor) { sink in
                    do { try self.fill(sink) } catch {
                        failure = error
                        throw error
                    }
                }
            } catch {
                if let e = failure as? DemoWorldError { throw e }
                if let failure { throw DemoWorldError(.internal, "generation failed: \(failure)") }
                throw DemoWorldError(.output, "cannot build the snapshot: \(error)")
            }
        } else {
            do { try fill(nil) } catch let e as DemoWorldError { throw e } catch {
                throw DemoWorldError(.internal, "generation failed: \(error)")
            }
            meta = try throughHub(snapshot: snapshot, descriptor: descriptor)
        }
        var digestText = ""
        for t in ContentSchema.tables { digestText += "\(t.name):\(meta.tableDigests[t.name]?.sha256 ?? "")\n" }
        let content = Hex.encode(SHA256.hash(Array(digestText.utf8)))
        var countList: [(String, Int)] = [
            ("packs", counts["packs", default: 0]), ("cartons", counts["cartons", default: 0]),
            ("cases", counts["cases", default: 0]), ("pallets", counts["pallets", default: 0]),
            ("events", counts["events", default: 0]), ("sightings", counts["sightings", default: 0]),
        ]
        for r in WatchReason.allCases { countList.append(("watchlist \(r.rawValue)", watchCounts[r, default: 0])) }
        for t in ContentSchema.tables { countList.append(("rows \(t.name)", Int(meta.tableDigests[t.name]?.rows ?? 0))) }
        var report = DemoWorldReport(recipe: recipe, directory: directory, samples: samples, planted: planted, counts: countList,
                                     epcisFiles: epcisFiles, snapshotPath: snapshot, contentSHA256: content,
                                     publishedAt: publishedAt, expires: expires, seconds: 0)
        report.captureSeconds = captureSeconds
        report.assembleSeconds = assembleSeconds
        return report
    }

    private mutating func fill(_ sink: ContentSink?) throws {
        try sink?.add(KeyringDocument(json: keys.keyringJSON))
        for s in MasterData.series {
            try sink?.add(StampSeries(seriesID: s.id, name: s.name, description: s.description))
            for (i, f) in s.features.enumerated() {
                try sink?.add(ChecklistFeature(seriesID: s.id, featureID: f.id, position: Int64(i + 1), name: f.name, level: f.level,
                                              lookFor: f.lookFor, tool: f.tool))
            }
        }
        for o in MasterData.operators { try sink?.add(o.row) }
        for f in MasterData.facilities {
            try sink?.add(Facility(facilityID: f.id, operatorID: MasterData.operators[f.owner].id, name: f.name,
                                  latitude: f.latitude, longitude: f.longitude, region: f.region))
            for (m, name) in f.machines.enumerated() { try sink?.add(Machine(machineID: f.machineIDs[m], facilityID: f.id, name: name)) }
            // The world is complete: the cache holds every pack each plant made in the whole timeline.
            try sink?.add(CoverageWindow(facilityID: f.id, from: worldStart, to: worldEnd))
        }
        for p in MasterData.products { try sink?.add(Product(gtin: p.gtin, brand: p.brand, description: p.description)) }

        let emitter = EventEmitter(sink: sink, directory: directory + "/epcis", creationDate: DemoTime.eventTime(publishedAt),
                                   end: worldEnd)
        for p in plan.pallets { try makePallet(p, sink: sink, emitter: emitter) }
        try emitter.finish()
        try addCounterfeits()
        if sink != nil { try addDashboard(sink) }
        counts["events"] = emitter.total
        eventCounts = emitter.counts
        epcisFiles = emitter.files.map { ("epcis/" + $0.name, $0.events) }
        try checkPlanted()
    }

    // MARK: Pallets

    /// Everything that happens to a pallet, timed before any of it is written.
    struct Timeline {
        var packed: Int64 = 0
        var ship: Int64 = 0
        var arrival: Int64 = 0
        var unpacked = false
        var theft: Int64 = 0
        var retailer: [Int] = []
        var retailShip: [Int64] = []
        var retailArrival: [Int64] = []
        var seizure: Int64 = 0
        var recall: Int64 = 0
        var destroy: Int64 = 0
        var cloneSeen: (Int64, Int64) = (0, 0)
        /// Pack offsets (in case 0, or any case for a sample) that are samples, by global pack index.
        var samplePacks: [Int: DemoSample.Kind] = [:]
    }

    mutating func makePallet(_ p: WorldPlan.Pallet, sink: ContentSink?, emitter: EventEmitter) throws {
        var rng = DemoRandom(seed: recipe.seed, stream: Stream.pallet + UInt64(p.index) + (1 << 48))
        let f = MasterData.facilities[p.facility]
        let owner = MasterData.operators[f.owner]
        let customer = MasterData.customers[p.customer]
        let daysInMonth = DemoTime.daysInMonth(WorldPlan.year, plan.startMonth + p.month)
        let day = 1 + rng.int(0..<max(1, min(20, daysInMonth - 8)))
        let start = DemoTime.local(WorldPlan.year, plan.startMonth + p.month, day, 6, rng.int(0..<90))

        var tl = Timeline()
        tl.packed = start + Int64(p.cases) * Self.caseInterval + DemoTime.hour
        let firstDay = DemoTime.local(WorldPlan.year, plan.startMonth + p.month, day)
        tl.ship = firstDay + ((tl.packed - firstDay) / DemoTime.day + Int64(rng.int(1...3))) * DemoTime.day
            + 7 * DemoTime.hour + Int64(rng.int(0..<180)) * 60
        let destination = p.fate == .exported || p.fate == .diverted ? MasterData.customers[MasterData.exportCustomer] : customer
        tl.arrival = tl.ship + Self.transitHours((f.latitude, f.longitude), (destination.latitude, destination.longitude)) * DemoTime.hour
        tl.unpacked = p.fate == .sold && tl.arrival + 2 * DemoTime.hour <= worldEnd
        if p.fate == .stolen { tl.theft = tl.ship + 5 * DemoTime.hour + Int64(rng.int(0..<60)) * 60 }
        if tl.unpacked {
            let regions = MasterData.deliveryRegions[p.customer]
            for c in 0..<p.cases {
                var region = rng.pick(regions)
                if c == 0, p.seizedCase { region = "MZ-B" }
                if c == 0, p.cloneCase { region = "MZ-MPM" }
                let retailer = rng.pick(MasterData.retailers(in: region))
                let r = MasterData.retailers[retailer]
                let days = c == 0 && (p.seizedCase || p.cloneCase || p.recalledCase) ? 1 : rng.int(1...10)
                let ship = tl.arrival + Int64(days) * DemoTime.day + Int64(rng.int(0..<120)) * 60
                tl.retailer.append(retailer)
                tl.retailShip.append(ship)
                tl.retailArrival.append(ship + Self.transitHours((customer.latitude, customer.longitude), (r.latitude, r.longitude)) * DemoTime.hour)
            }
            if p.seizedCase { tl.seizure = tl.retailArrival[0] + 3 * DemoTime.day + 5 * DemoTime.hour }
            if p.recalledCase {
                tl.recall = tl.retailArrival[0] + 5 * DemoTime.day
                tl.destroy = tl.recall + 7 * DemoTime.day
            }
            if p.cloneCase {
                tl.cloneSeen.0 = tl.retailArrival[0] + 2 * DemoTime.day
                tl.cloneSeen.1 = tl.cloneSeen.0 + 5 * DemoTime.hour + 20 * 60
            }
        }
        // Sample packs.
        let firstPack = p.firstCase * DemoWorldRecipe.packsPerCase
        let lastCaseFirstPack = (p.firstCase + p.cases - 1) * DemoWorldRecipe.packsPerCase
        func offset() -> Int { rng.int(0..<DemoWorldRecipe.packsPerCase) }
        if p.fate == .diverted { tl.samplePacks[firstPack + offset()] = .diverted }
        if p.fate == .stolen { tl.samplePacks[firstPack + offset()] = .stolen }
        if p.seizedCase { tl.samplePacks[firstPack + offset()] = .seized }
        if p.cloneCase { tl.samplePacks[firstPack + offset()] = .clone }
        if p.recalledCase {
            tl.samplePacks[firstPack + 100 + rng.int(0..<400)] = .recalled
            tl.samplePacks[firstPack + rng.int(0..<100)] = .destroyed
        }
        if p.genuineSample { tl.samplePacks[lastCaseFirstPack + offset()] = f.isForeign ? .genuineImport : .genuineDomestic }

        // Cases: packs, cartons, commissioning and packing.
        let palletID = sscc(owner: f.owner, level: .pallet)
        var caseIDs: [String] = []
        for c in 0..<p.cases {
            caseIDs.append(try makeCase(p, c, start: start + Int64(c) * Self.caseInterval + Int64(rng.int(0..<20)) * 60,
                                        palletID: palletID, tl: tl, rng: &rng, sink: sink, emitter: emitter))
        }
        counts["pallets", default: 0] += 1

        // The pallet.
        let facilityPlace = Member.id(f.sgln)
        try emitter.emit(EventDraft(
            type: "AggregationEvent", time: tl.packed,
            members: [("parentID", .string(palletID)), ("childEPCs", Member.strings(caseIDs)), ("action", "ADD"),
                      ("bizStep", "packing"), ("disposition", "in_progress"), ("readPoint", Member.id(f.dockSGLN)),
                      ("bizLocation", facilityPlace)],
            ids: [.init(palletID, .parent)] + caseIDs.map { .init($0, .child) },
            bizStep: "packing", disposition: "in_progress", readPoint: f.dockSGLN, bizLocation: f.sgln), to: .packing)

        if tl.ship > worldEnd {
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.packed + 2 * DemoTime.hour,
                members: [("epcList", Member.strings([palletID])), ("action", "OBSERVE"), ("bizStep", "storing"),
                          ("disposition", "sellable_not_accessible"), ("readPoint", Member.id(f.dockSGLN)), ("bizLocation", facilityPlace)],
                ids: [.init(palletID, .epc)], bizStep: "storing", disposition: "sellable_not_accessible", readPoint: f.dockSGLN,
                bizLocation: f.sgln), to: .movements)
            return
        }

        // Order, invoice, shipment.
        let seq = DemoTime.pad(p.index + 1, 6)
        let sellerGLN = GS1IDs.gln(prefix: owner.prefix, locationReference: 1)
        let po = GS1IDs.bizTransaction(gln: destination.gln, reference: "PO-2026-\(seq)")
        let inv = GS1IDs.bizTransaction(gln: sellerGLN, reference: "INV-2026-\(seq)")
        let pay = GS1IDs.bizTransaction(gln: destination.gln, reference: "PAY-2026-\(seq)")
        let sellerParty = GS1IDs.pgln(prefix: owner.prefix, partyReference: 1)
        try emitter.emit(EventDraft(
            type: "TransactionEvent", time: tl.ship - DemoTime.hour,
            members: [("bizTransactionList", Member.transactions([("po", po), ("inv", inv)])), ("epcList", Member.strings([palletID])),
                      ("action", "ADD"),
                      ("sourceList", Member.sources([("owning_party", sellerParty)])),
                      ("destinationList", Member.destinations([("owning_party", destination.pgln)]))],
            ids: [.init(palletID, .epc)]), to: .transactions)
        let route = routeText(from: f, to: destination, export: p.isExport)
        try emitter.emit(EventDraft(
            type: "ObjectEvent", time: tl.ship,
            members: [("epcList", Member.strings([palletID])), ("action", "OBSERVE"), ("bizStep", "shipping"),
                      ("disposition", "in_transit"), ("readPoint", Member.id(f.dockSGLN)),
                      ("bizTransactionList", Member.transactions([("po", po), ("inv", inv)])),
                      ("sourceList", Member.sources([("location", f.sgln), ("owning_party", sellerParty)])),
                      ("destinationList", Member.destinations([("location", destination.sgln), ("owning_party", destination.pgln)])),
                      ("sw:consignee", .string(destination.name)), ("sw:intendedRoute", .string(route))],
            ids: [.init(palletID, .epc)], bizStep: "shipping", disposition: "in_transit", readPoint: f.dockSGLN), to: .movements)
        if p.fate != .stolen {
            try emitter.emit(EventDraft(
                type: "TransactionEvent", time: tl.arrival + Int64(rng.int(14...30)) * DemoTime.day,
                members: [("bizTransactionList", Member.transactions([("inv", inv), (DemoEPCIS.paymentType, pay)])),
                          ("epcList", Member.strings([palletID])), ("action", "ADD"),
                          ("sourceList", Member.sources([("owning_party", sellerParty)])),
                          ("destinationList", Member.destinations([("owning_party", destination.pgln)])),
                          ("sw:amountMZN", .integer(Int64(p.cases * DemoWorldRecipe.packsPerCase) * 95))],
                ids: [.init(palletID, .epc)]), to: .transactions)
        }

        switch p.fate {
        case .exported:
            let post = MasterData.borderPosts[MasterData.ressanoGarcia]
            try emitter.emit(border(palletID, post: post, step: "departing", time: tl.ship + 3 * DemoTime.hour), to: .movements)
        case .diverted:
            let sample = tl.samplePacks.first { $0.value == .diverted }!.key
            let pack = packSGTIN(p, sample)
            let place = MasterData.divertedFind
            let found = tl.ship + Int64(rng.int(3...6)) * DemoTime.day + 4 * DemoTime.hour
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: found,
                members: [("epcList", Member.strings([palletID, pack.sgtin])), ("action", "OBSERVE"), ("bizStep", "inspecting"),
                          ("readPoint", Member.id(place.sgln)), ("bizLocation", Member.id(place.sgln)),
                          ("sw:inspector", "INSP-MZ-MPM-04"), ("sw:verdict", "suspect"),
                          ("sw:finding", .string("Export-marked pallet (market ZA, series \(MasterData.exportSeries)) found intact in Maputo; the shipment declared for export never crossed at Ressano Garcia."))],
                ids: [.init(palletID, .epc), .init(pack.uid, .epc)], bizStep: "inspecting", readPoint: place.sgln, bizLocation: place.sgln),
                to: .incidents)
            seen[f.stampOperator][monthIndex(found)] += 1
            counts["sightings", default: 0] += 1
            planted.append(PlantedCase(
                kind: "diverted-pallet",
                story: "Pallet of \(p.cases * DemoWorldRecipe.packsPerCase) packs made at \(f.name) for export (market ZA), shipped to \(destination.name) on \(DemoTime.localDate(tl.ship)) but never seen leaving at Ressano Garcia; found intact in an informal warehouse in Maputo on \(DemoTime.localDate(found)). Every pack verifies as suspect (market-mismatch) with --market MZ.",
                containers: [palletID] + caseIDs, packs: p.cases * DemoWorldRecipe.packsPerCase, watchlist: nil))
        case .stolen:
            let place = MasterData.theftScene
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.theft,
                members: [("epcList", Member.strings([palletID])), ("action", "OBSERVE"), ("bizStep", "transporting"),
                          ("disposition", "stolen"), ("readPoint", Member.id(place.sgln)),
                          ("sw:policeReport", "PRM-SOF-2026-0457"), ("sw:finding", "Truck hijacked on the EN1 near Caia; driver unharmed; load taken.")],
                ids: [.init(palletID, .epc)], bizStep: "transporting", disposition: "stolen", readPoint: place.sgln), to: .incidents)
            let sample = tl.samplePacks.first { $0.value == .stolen }!.key
            let pack = packSGTIN(p, sample)
            let shop = MasterData.retailers[MasterData.retailers(in: "MZ-T")[0]]
            let t = tl.theft + 12 * DemoTime.day
            try sighting(pack, shop: shop, region: "MZ-T", time: t, op: f.stampOperator, emitter: emitter,
                         note: "Pack from a pallet reported stolen on \(DemoTime.localDate(tl.theft)) (police report PRM-SOF-2026-0457).",
                         kind: .incidents)
            planted.append(PlantedCase(
                kind: "stolen-shipment",
                story: "Pallet of \(p.cases * DemoWorldRecipe.packsPerCase) packs from \(f.name) to \(customer.name), stolen in transit near Caia on \(DemoTime.localDate(tl.theft)); one pack turned up in Tete on \(DemoTime.localDate(t)). Codes verify as genuine; the watchlist says stolen.",
                containers: [palletID] + caseIDs, packs: p.cases * DemoWorldRecipe.packsPerCase, watchlist: .stolen))
        case .sold:
            if f.isForeign {
                let post = MasterData.borderPosts[f.region.hasPrefix("ZA") ? MasterData.ressanoGarcia : MasterData.zobue]
                try emitter.emit(border(palletID, post: post, step: "arriving", time: tl.ship + (tl.arrival - tl.ship) * 3 / 5), to: .movements)
            }
            guard tl.arrival <= worldEnd else { return }
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.arrival,
                members: [("epcList", Member.strings([palletID])), ("action", "OBSERVE"), ("bizStep", "receiving"),
                          ("disposition", "in_progress"), ("readPoint", Member.id(customer.sgln)), ("bizLocation", Member.id(customer.sgln)),
                          ("sourceList", Member.sources([("owning_party", sellerParty)])),
                          ("destinationList", Member.destinations([("location", customer.sgln), ("owning_party", customer.pgln)]))],
                ids: [.init(palletID, .epc)], bizStep: "receiving", disposition: "in_progress", readPoint: customer.sgln,
                bizLocation: customer.sgln), to: .movements)
            guard tl.unpacked else { return }
            try emitter.emit(EventDraft(
                type: "AggregationEvent", time: tl.arrival + 2 * DemoTime.hour,
                members: [("parentID", .string(palletID)), ("childEPCs", Member.strings(caseIDs)), ("action", "DELETE"),
                          ("bizStep", "unpacking"), ("disposition", "in_progress"), ("readPoint", Member.id(customer.sgln)),
                          ("bizLocation", Member.id(customer.sgln))],
                ids: [.init(palletID, .parent)] + caseIDs.map { .init($0, .child) },
                bizStep: "unpacking", disposition: "in_progress", readPoint: customer.sgln, bizLocation: customer.sgln), to: .packing)
            for c in 0..<p.cases {
                try retail(p, c, caseID: caseIDs[c], tl: tl, rng: &rng, emitter: emitter)
            }
        }
    }

    func routeText(from f: MasterData.FacilitySpec, to d: MasterData.Party, export: Bool) -> String {
        if export { return "\(f.place) (\(f.region)) → EN4 → Ressano Garcia border post (MZ/ZA) → \(d.name) (\(d.region))" }
        if f.region.hasPrefix("ZA") { return "\(f.place) → N4 → Lebombo/Ressano Garcia border post (ZA/MZ) → \(d.name) (\(d.region))" }
        if f.region.hasPrefix("MW") { return "\(f.place) → Mwanza/Zóbuè border post (MW/MZ) → \(d.name) (\(d.region))" }
        return "\(f.place) (\(f.region)) → \(d.name) (\(d.region)) by road"
    }

    func border(_ palletID: String, post: MasterData.Party, step: String, time: Int64) -> EventDraft {
        EventDraft(type: "ObjectEvent", time: time,
                   members: [("epcList", Member.strings([palletID])), ("action", "OBSERVE"), ("bizStep", .string(step)),
                             ("disposition", "in_transit"), ("readPoint", Member.id(post.sgln)), ("sw:borderPost", .string(post.name))],
                   ids: [.init(palletID, .epc)], bizStep: step, disposition: "in_transit", readPoint: post.sgln)
    }

    /// The pack with global index `n` of pallet `p`: its UID and SGTIN.
    func packSGTIN(_ p: WorldPlan.Pallet, _ n: Int) -> (uid: String, sgtin: String) {
        let u = uid(n)
        return (u, GS1IDs.sgtin(gtin: gtin(p, caseOffset: n / DemoWorldRecipe.packsPerCase - p.firstCase), serial: u))
    }

    /// The product of a case: drawn from the plant's brands by the case's own stream.
    func gtin(_ p: WorldPlan.Pallet, caseOffset c: Int) -> String {
        var r = DemoRandom(seed: recipe.seed, stream: Stream.pallet + UInt64(p.index) + (UInt64(c + 1) << 40))
        let options = MasterData.products(of: p.facility)
        return MasterData.products[r.pick(options)].gtin
    }

    // MARK: Cases

    mutating func makeCase(_ p: WorldPlan.Pallet, _ c: Int, start: Int64, palletID: String, tl: Timeline,
                           rng: inout DemoRandom, sink: ContentSink?, emitter: EventEmitter) throws -> String {
        let f = MasterData.facilities[p.facility]
        let m = (c + p.index) % f.machines.count
        let machineID = f.machineIDs[m]
        let product = gtin(p, caseOffset: c)
        let spec = MasterData.products.first { $0.gtin == product }!
        let market = p.isExport ? "ZA" : "MZ"
        let series = p.isExport ? MasterData.exportSeries : f.series
        let op = MasterData.operators[f.stampOperator]
        let shift = Self.shift(start)
        let globalCase = p.firstCase + c
        let month = monthIndex(start)
        let caseID = sscc(owner: f.owner, level: .case)
        let packed = start + Int64(DemoWorldRecipe.packsPerCase) * Self.packInterval + 120

        var uids: [String] = []
        var sgtins: [JSONValue] = []
        uids.reserveCapacity(DemoWorldRecipe.packsPerCase)
        sgtins.reserveCapacity(DemoWorldRecipe.packsPerCase)
        var cartonIDs: [String] = []
        var cartonEvents: [EventDraft] = []
        for ct in 0..<DemoWorldRecipe.cartonsPerCase {
            let cartonID = sscc(owner: f.owner, level: .carton)
            cartonIDs.append(cartonID)
            var cartonPacks: [JSONValue] = []
            let first = ct * DemoWorldRecipe.packsPerCarton
            for k in first..<(first + DemoWorldRecipe.packsPerCarton) {
                let n = globalCase * DemoWorldRecipe.packsPerCase + k
                let u = uid(n)
                let t = start + Int64(k) * Self.packInterval
                let sgtin = JSONValue.string(GS1IDs.sgtin(gtin: product, serial: u))
                uids.append(u)
                sgtins.append(sgtin)
                cartonPacks.append(sgtin)
                try sink?.add(Pack(uid: u, gtin: product, facilityID: f.id, machineID: machineID, manufactured: t, market: market,
                                  seriesID: series))
                let cartonPacked = start + Int64(first + DemoWorldRecipe.packsPerCarton - 1) * Self.packInterval + 20
                try sink?.add(AggregationLink(childID: u, parentID: cartonID, childLevel: .pack, parentLevel: .carton, time: cartonPacked))
                if let w = watch(p, c, ct, tl: tl) { try addWatch(WatchlistEntry(uid: u, reason: w.0, since: w.1, note: w.2), sink: sink) }
                if let kind = tl.samplePacks[n] {
                    if kind == .clone {
                        try addWatch(WatchlistEntry(uid: u, reason: .clone, since: tl.cloneSeen.1,
                                                    note: "same code seen in Maputo city and in Pemba 5 h 20 min apart"), sink: sink)
                    }
                    let payload = StampPayload(uid: u, product: product, facility: f.id, machine: machineID, manufactured: t, shift: shift,
                                               market: market, series: series, operator: op.id)
                    try addSample(kind, payload: payload, spec: spec, facility: f, tl: tl, chain: [cartonID, caseID] + (tl.unpacked ? [] : [palletID]))
                }
            }
            let cartonPacked = start + Int64(first + DemoWorldRecipe.packsPerCarton - 1) * Self.packInterval + 20
            cartonEvents.append(EventDraft(
                type: "AggregationEvent", time: cartonPacked,
                members: [("parentID", .string(cartonID)), ("childEPCs", .array(cartonPacks)), ("action", "ADD"),
                          ("bizStep", "packing"), ("disposition", "in_progress"), ("readPoint", Member.id(f.machineSGLN(m))),
                          ("bizLocation", Member.id(f.sgln))],
                // The packs are not indexed as children here: the aggregation table links each pack to its
                // carton, and `FieldStore.events(for:)` finds this event through the carton (it saves
                // ~130 bytes per pack, a third of a national snapshot's index). The body lists them.
                ids: [.init(cartonID, .parent)],
                bizStep: "packing", disposition: "in_progress", readPoint: f.machineSGLN(m), bizLocation: f.sgln))
            try sink?.add(AggregationLink(childID: cartonID, parentID: caseID, childLevel: .carton, parentLevel: .case, time: packed))
        }
        applied[f.stampOperator][month] += DemoWorldRecipe.packsPerCase
        counts["packs", default: 0] += DemoWorldRecipe.packsPerCase
        counts["cartons", default: 0] += DemoWorldRecipe.cartonsPerCase
        counts["cases", default: 0] += 1

        // Commissioning: the stamps applied on this run, with FCTC items (a)–(d) as ILMD.
        let region = f.isForeign ? f.region : MasterData.region(f.region).name + " (\(f.region))"
        let ilmd = JSONObject([
            ("sw:manufacturingDate", .string(DemoTime.localDate(start))),
            ("sw:placeOfManufacture", .string("\(f.place); \(region)")),
            ("sw:manufacturingFacility", .string(f.id)),
            ("sw:manufacturingMachine", .string(machineID)),
            ("sw:productionShift", .string(shift)),
            ("sw:intendedMarket", .string(market)),
            ("sw:stampSeries", .string(series)),
            ("sw:economicOperator", .string(op.id)),
            ("sw:productDescription", .string(spec.description)),
        ])
        let lastPack = start + Int64(DemoWorldRecipe.packsPerCase - 1) * Self.packInterval
        var batch = [(EventDraft(
            type: "ObjectEvent", time: lastPack,
            members: [("epcList", .array(sgtins)), ("action", "ADD"), ("bizStep", "commissioning"), ("disposition", "active"),
                      ("readPoint", Member.id(f.machineSGLN(m))), ("bizLocation", Member.id(f.sgln)), ("ilmd", .object(ilmd))],
            ids: uids.map { .init($0, .epc) },
            bizStep: "commissioning", disposition: "active", readPoint: f.machineSGLN(m), bizLocation: f.sgln), DocumentKind.commissioning)]
        batch += cartonEvents.map { ($0, .packing) }
        batch.append((EventDraft(
            type: "AggregationEvent", time: packed,
            members: [("parentID", .string(caseID)), ("childEPCs", Member.strings(cartonIDs)), ("action", "ADD"),
                      ("bizStep", "packing"), ("disposition", "in_progress"), ("readPoint", Member.id(f.machineSGLN(m))),
                      ("bizLocation", Member.id(f.sgln))],
            ids: [.init(caseID, .parent)] + cartonIDs.map { .init($0, .child) },
            bizStep: "packing", disposition: "in_progress", readPoint: f.machineSGLN(m), bizLocation: f.sgln), .packing))
        try emitter.emit(batch: batch)
        if !tl.unpacked {
            try sink?.add(AggregationLink(childID: caseID, parentID: palletID, childLevel: .case, parentLevel: .pallet, time: tl.packed))
        }
        if c == 0 { firstCaseCartons = cartonIDs }
        _ = rng.next()
        return caseID
    }

    /// The watchlist entry of a pack in case `c`, carton `ct` of pallet `p`, if it has one.
    func watch(_ p: WorldPlan.Pallet, _ c: Int, _ ct: Int, tl: Timeline) -> (WatchReason, Int64, String)? {
        if p.fate == .stolen { return (.stolen, tl.theft, "pallet stolen in transit near Caia; police report PRM-SOF-2026-0457") }
        guard c == 0, tl.unpacked else { return nil }
        if p.seizedCase { return (.seized, tl.seizure, "case seized at Machipanda border post, record AT-SEIZ-2026-0012") }
        if p.recalledCase {
            return ct < 10 ? (.destroyed, tl.destroy, "returned under recall RCL-2026-0031 and destroyed at the plant")
                : (.recalled, tl.recall, "recall RCL-2026-0031: loose tobacco in filters")
        }
        return nil
    }

    mutating func addWatch(_ e: WatchlistEntry, sink: ContentSink?) throws {
        try sink?.add(e)
        watchCounts[e.reason, default: 0] += 1
    }

    // MARK: Retail, sightings and the case-level incidents

    mutating func retail(_ p: WorldPlan.Pallet, _ c: Int, caseID: String, tl: Timeline, rng: inout DemoRandom,
                         emitter: EventEmitter) throws {
        let f = MasterData.facilities[p.facility]
        let customer = MasterData.customers[p.customer]
        let shop = MasterData.retailers[tl.retailer[c]]
        let inv = GS1IDs.bizTransaction(gln: customer.gln, reference: "INV-R-2026-\(DemoTime.pad(p.firstCase + c + 1, 7))")
        guard try emitter.emit(EventDraft(
            type: "ObjectEvent", time: tl.retailShip[c],
            members: [("epcList", Member.strings([caseID])), ("action", "OBSERVE"), ("bizStep", "shipping"),
                      ("disposition", "in_transit"), ("readPoint", Member.id(customer.sgln)),
                      ("bizTransactionList", Member.transactions([("inv", inv)])),
                      ("sourceList", Member.sources([("location", customer.sgln), ("owning_party", customer.pgln)])),
                      ("destinationList", Member.destinations([("location", shop.sgln), ("owning_party", shop.pgln)])),
                      ("sw:consignee", .string(shop.name))],
            ids: [.init(caseID, .epc)], bizStep: "shipping", disposition: "in_transit", readPoint: customer.sgln), to: .retail) != nil
        else { return }
        guard try emitter.emit(EventDraft(
            type: "ObjectEvent", time: tl.retailArrival[c],
            members: [("epcList", Member.strings([caseID])), ("action", "OBSERVE"), ("bizStep", "receiving"),
                      ("disposition", "sellable_accessible"), ("readPoint", Member.id(shop.sgln)), ("bizLocation", Member.id(shop.sgln))],
            ids: [.init(caseID, .epc)], bizStep: "receiving", disposition: "sellable_accessible", readPoint: shop.sgln,
            bizLocation: shop.sgln), to: .retail) != nil
        else { return }

        let firstPack = (p.firstCase + c) * DemoWorldRecipe.packsPerCase
        if c == 0, p.seizedCase || p.recalledCase || p.cloneCase {
            try caseIncidents(p, caseID: caseID, firstPack: firstPack, tl: tl, emitter: emitter)
            return
        }
        // Routine inspections in the shop: packs seen, all genuine.
        var offsets: [Int] = []
        for _ in 0..<recipe.scale.sightingsPerCase {
            let o = rng.int(0..<DemoWorldRecipe.packsPerCase)
            if !offsets.contains(o) { offsets.append(o) }
        }
        for o in offsets {
            let t = tl.retailArrival[c] + Int64(rng.int(1...20)) * DemoTime.day + Int64(rng.int(0..<480)) * 60
            try sighting(packSGTIN(p, firstPack + o), shop: shop, region: shop.region, time: t, op: f.stampOperator,
                         emitter: emitter, note: nil, kind: .inspections)
        }
    }

    mutating func caseIncidents(_ p: WorldPlan.Pallet, caseID: String, firstPack: Int, tl: Timeline, emitter: EventEmitter) throws {
        let f = MasterData.facilities[p.facility]
        let shop = MasterData.retailers[tl.retailer[0]]
        let packs = DemoWorldRecipe.packsPerCase
        if p.seizedCase {
            let post = MasterData.borderPosts[MasterData.machipanda]
            let store = MasterData.seizureStore
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.seizure,
                members: [("epcList", Member.strings([caseID])), ("action", "OBSERVE"), ("bizStep", "holding"),
                          ("disposition", "non_sellable_other"), ("readPoint", Member.id(post.sgln)), ("bizLocation", Member.id(store.sgln)),
                          ("sw:seizureRecord", "AT-SEIZ-2026-0012"),
                          ("sw:finding", .string("Case bought at \(shop.name) found in a minibus at Machipanda, undeclared, heading for Zimbabwe; seized and taken to the seizure store."))],
                ids: [.init(caseID, .epc)], bizStep: "holding", disposition: "non_sellable_other", readPoint: post.sgln,
                bizLocation: store.sgln), to: .incidents)
            planted.append(PlantedCase(
                kind: "seized-goods",
                story: "Case of \(packs) packs from \(f.name), delivered to \(shop.name) and seized at Machipanda on \(DemoTime.localDate(tl.seizure)) (record AT-SEIZ-2026-0012). A pack of it seen anywhere since has left the evidence store.",
                containers: [caseID], packs: packs, watchlist: .seized))
        }
        if p.recalledCase {
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.recall,
                members: [("epcList", Member.strings([caseID])), ("action", "OBSERVE"), ("disposition", "recalled"),
                          ("bizLocation", Member.id(shop.sgln)), ("sw:recallNotice", "RCL-2026-0031"),
                          ("sw:finding", "Loose tobacco in filters on one production run; the manufacturer recalled the case.")],
                ids: [.init(caseID, .epc)], disposition: "recalled", bizLocation: shop.sgln), to: .incidents)
            let cartons = Array(firstCaseCartons.prefix(10))
            try emitter.emit(EventDraft(
                type: "ObjectEvent", time: tl.destroy,
                members: [("epcList", Member.strings(cartons)), ("action", "DELETE"), ("bizStep", "destroying"),
                          ("disposition", "destroyed"), ("readPoint", Member.id(f.sgln)), ("bizLocation", Member.id(f.sgln)),
                          ("sw:recallNotice", "RCL-2026-0031")],
                ids: cartons.map { .init($0, .epc) }, bizStep: "destroying", disposition: "destroyed", readPoint: f.sgln,
                bizLocation: f.sgln), to: .incidents)
            let sample = tl.samplePacks.first { $0.value == .recalled }!.key
            try sighting(packSGTIN(p, sample), shop: shop, region: shop.region, time: tl.recall + 3 * DemoTime.day, op: f.stampOperator,
                         emitter: emitter, note: "Recalled product (RCL-2026-0031) still on sale.", kind: .incidents)
            planted.append(PlantedCase(
                kind: "recalled-batch",
                story: "Case of \(packs) packs from \(f.name) recalled on \(DemoTime.localDate(tl.recall)) (RCL-2026-0031, loose tobacco in filters) while on sale at \(shop.name); ten cartons were returned and destroyed on \(DemoTime.localDate(tl.destroy)), the other forty are still out.",
                containers: [caseID] + cartons, packs: packs, watchlist: .recalled))
        }
        if p.cloneCase {
            let sample = tl.samplePacks.first { $0.value == .clone }!.key
            let pack = packSGTIN(p, sample)
            let pemba = MasterData.retailers[MasterData.retailers(in: "MZ-P")[0]]
            try sighting(pack, shop: shop, region: shop.region, time: tl.cloneSeen.0, op: f.stampOperator, emitter: emitter,
                         note: nil, kind: .inspections)
            try sighting(pack, shop: pemba, region: pemba.region, time: tl.cloneSeen.1, op: f.stampOperator, emitter: emitter,
                         note: "The same UID was seen at \(shop.name) 5 h 20 min earlier, about 2,000 km away: the code has been copied.",
                         kind: .incidents)
            planted.append(PlantedCase(
                kind: "cloned-code",
                story: "Pack \(pack.uid) seen at \(shop.name) and, 5 h 20 min later, at \(pemba.name) on \(DemoTime.localDate(tl.cloneSeen.1)): one genuine code copied onto counterfeit packs. The code verifies as genuine; the watchlist says clone.",
                containers: [caseID], packs: 1, watchlist: .clone))
        }
    }

    mutating func sighting(_ pack: (uid: String, sgtin: String), shop: MasterData.Party, region: String, time: Int64, op: Int,
                           emitter: EventEmitter, note: String?, kind: DocumentKind) throws {
        var members: [(String, JSONValue)] = [
            ("epcList", Member.strings([pack.sgtin])), ("action", "OBSERVE"), ("bizStep", "inspecting"),
            ("disposition", "sellable_accessible"), ("readPoint", Member.id(shop.sgln)), ("bizLocation", Member.id(shop.sgln)),
            ("sw:inspector", .string("INSP-\(region)-0\(1 + Int(time / DemoTime.day) % 3)")), ("sw:verdict", "genuine"),
        ]
        if let note { members.append(("sw:finding", .string(note))) }
        guard try emitter.emit(EventDraft(type: "ObjectEvent", time: time, members: members, ids: [.init(pack.uid, .epc)],
                                          bizStep: "inspecting", disposition: "sellable_accessible", readPoint: shop.sgln,
                                          bizLocation: shop.sgln), to: kind) != nil
        else { return }
        seen[op][monthIndex(time)] += 1
        counts["sightings", default: 0] += 1
    }

    // MARK: Samples

    mutating func addSample(_ kind: DemoSample.Kind, payload: StampPayload, spec: MasterData.ProductSpec, facility f: MasterData.FacilitySpec,
                            tl: Timeline, chain: [String]) throws {
        let signer = keys.signer(forImport: f.isForeign, manufactured: payload.manufactured)
        let code = try minter.mint(payload, signer: signer)
        let made = "\(spec.name), \(f.name) \(payload.machine), shift \(payload.shift ?? "?"), \(DemoTime.localDate(payload.manufactured))"
        var s = DemoSample(kind: kind, description: "", code: code, uid: payload.uid, market: "MZ", verdict: .genuine,
                           reasons: ["verified"], watchlist: nil, inCache: true, chain: chain,
                           claimedFacility: payload.facility, claimedManufactured: payload.manufactured)
        switch kind {
        case .genuineDomestic:
            s.description = "genuine: domestic pack, \(made); expect genuine"
        case .genuineImport:
            s.description = "genuine: imported pack (\(MasterData.operators[f.stampOperator].name)), \(made), signed with authority key 2 before its revocation; expect genuine"
        case .diverted:
            s.description = "diverted: export pack (market ZA) from the pallet found in Maputo, \(made); expect suspect (market-mismatch) with --market MZ, genuine with --market ZA"
            s.verdict = .suspect
            s.reasons = ["market-mismatch"]
            // A forger re-labels a pack of it for the home market, keeping the genuine signature.
            var forged = payload
            forged.market = "MZ"
            forged.series = MasterData.domesticSeries
            let forgedCode = try minter.forge(genuine: code, payload: forged)
            samples.append(DemoSample(
                kind: .counterfeitForgedPayload,
                description: "counterfeit: the diverted pack's code re-encrypted with market MZ by a forger holding a field device's data key, genuine signature kept; expect counterfeit (signature-invalid)",
                code: forgedCode, uid: payload.uid, market: "MZ", verdict: .counterfeit, reasons: ["signature-invalid"], watchlist: nil,
                inCache: true, chain: chain, claimedFacility: payload.facility, claimedManufactured: payload.manufactured))
        case .clone:
            s.description = "clone: genuine code seen in Maputo and in Pemba the same day, \(made); expect suspect (watchlist-clone) on the cache; genuine on the keyring alone"
            s.watchlist = .clone
        case .stolen:
            s.description = "stolen: pack from the pallet stolen near Caia, \(made); expect suspect (watchlist-stolen) on the cache; genuine on the keyring alone"
            s.watchlist = .stolen
        case .recalled:
            s.description = "recalled: pack from the recalled case (RCL-2026-0031), \(made); expect suspect (watchlist-recalled) on the cache; genuine on the keyring alone"
            s.watchlist = .recalled
        case .destroyed:
            s.description = "destroyed: pack from a carton destroyed under recall RCL-2026-0031 (its stamp should no longer exist), \(made); expect suspect (watchlist-destroyed) on the cache; genuine on the keyring alone"
            s.watchlist = .destroyed
        case .seized:
            s.description = "seized: pack from the case seized at Machipanda (AT-SEIZ-2026-0012), \(made); expect suspect (watchlist-seized) on the cache; genuine on the keyring alone"
            s.watchlist = .seized
        default:
            break
        }
        samples.append(s)
        if kind == .genuineDomestic, !samples.contains(where: { $0.kind == .damagedScan }) {
            samples.append(DemoSample(
                kind: .damagedScan,
                description: "damaged scan: a genuine code with its last character lost; expect malformed",
                code: String(code.dropLast()), uid: nil, market: "MZ", verdict: .malformed, reasons: [], watchlist: nil,
                inCache: false, chain: [], claimedFacility: nil, claimedManufactured: nil))
        }
    }

    /// Codes no pack has: a counterfeiter's, and a stolen key's after its revocation.
    mutating func addCounterfeits() throws {
        let matola = MasterData.facilities[0]
        let product = MasterData.products.first { $0.facility == 0 }!
        let midAugust = DemoTime.local(WorldPlan.year, 8, 16, 9, 41)
        let fake = StampPayload(uid: inventedUID(1, case: 0), product: product.gtin, facility: matola.id,
                                machine: matola.machineIDs[0], manufactured: midAugust, shift: "A", market: "MZ", series: MasterData.domesticSeries,
                                operator: MasterData.operators[0].id)
        let rogue = try minter.mint(fake, signer: keys.counterfeiter, headerKid: keys.primary.kid)
        samples.append(DemoSample(
            kind: .counterfeitRogueKey,
            description: "counterfeit: invented UID printed with a counterfeiter's key under the authority's key id (\(product.name), claims \(matola.name)); expect counterfeit (signature-invalid)",
            code: rogue, uid: fake.uid, market: "MZ", verdict: .counterfeit, reasons: ["signature-invalid"], watchlist: nil,
            inCache: false, chain: [], claimedFacility: fake.facility, claimedManufactured: fake.manufactured))

        var other = fake
        other.uid = inventedUID(2, case: 1)
        let unknown = try minter.mint(other, signer: keys.counterfeiter)
        samples.append(DemoSample(
            kind: .unknownSigner,
            description: "unknown signer: invented UID signed with a key the authority never issued, under its own key id; expect unverifiable (unknown-signer-key): the code names a key this keyring does not have",
            code: unknown, uid: other.uid, market: "MZ", verdict: .unverifiable, reasons: ["unknown-signer-key"], watchlist: nil,
            inCache: false, chain: [], claimedFacility: other.facility, claimedManufactured: other.manufactured))

        let plant = MasterData.facilities[3]
        let importProduct = MasterData.products.first { $0.facility == 3 }!
        let october = DemoTime.local(WorldPlan.year, 10, 6, 15, 12)
        let importRun = plan.pallets.first { $0.facility == 3 }!.firstCase
        let afterRevocation = StampPayload(uid: inventedUID(3, case: importRun), product: importProduct.gtin, facility: plant.id,
                                           machine: plant.machineIDs[0], manufactured: october, shift: "B", market: "MZ", series: MasterData.importSeries,
                                           operator: MasterData.operators[plant.stampOperator].id)
        let revoked = try minter.mint(afterRevocation, signer: keys.compromised)
        samples.append(DemoSample(
            kind: .revokedKey,
            description: "revoked key: invented UID signed with authority key 2 after its revocation on 2026-09-15 (\(importProduct.name), claims \(plant.name)); expect suspect (signer-key-revoked; on the cache also never-reported: it covers that plant and month and has no such pack)",
            code: revoked, uid: afterRevocation.uid, market: "MZ", verdict: .suspect, reasons: ["signer-key-revoked"],
            watchlist: nil, inCache: false, chain: [], claimedFacility: plant.id, claimedManufactured: october))
        planted.append(PlantedCase(
            kind: "counterfeit-codes",
            story: "Four codes no genuine pack carries: one signed by a counterfeiter under the authority's key id (counterfeit), one re-encrypted from a diverted pack's code with the genuine signature kept (counterfeit), one signed with a key the authority never issued (unverifiable), one signed with the import stamps' key after it was revoked on 2026-09-15 (suspect). See samples.txt.",
            containers: [], packs: 0, watchlist: nil))
    }

    // MARK: Dashboard and orders

    /// Stamp orders per operator and month: a little above what was applied, except one importer who
    /// orders three times what it uses (stamps that can dress smuggled packs: the dashboard anomaly).
    var orders: [(id: String, operator: Int, month: Int, quantity: Int, ordered: Int64, paid: Int64)] {
        var rng = DemoRandom(seed: recipe.seed, stream: Stream.orders)
        var out: [(String, Int, Int, Int, Int64, Int64)] = []
        var n = 0
        for (o, op) in MasterData.operators.enumerated() where op.country == "MZ" {
            for m in 0..<plan.months {
                let used = applied[o][m]
                let factor = o == 6 ? 300 : 102 + rng.int(0...8)
                // Stamps come in reels of 100.
                var quantity = (used * factor / 100 + 99) / 100 * 100
                if o == 6 { quantity = max(quantity, 5_000) }
                guard quantity > 0 else { continue }
                n += 1
                let day = DemoTime.local(WorldPlan.year, plan.startMonth + m, 1, 9) - Int64(rng.int(3...10)) * DemoTime.day
                out.append(("AT-ORD-2026-\(DemoTime.pad(n, 5))", o, m, quantity, day, day + Int64(rng.int(1...4)) * DemoTime.day))
            }
        }
        return out
    }

    static let stampFeeMZN = 0.5

    mutating func addDashboard(_ sink: ContentSink?) throws {
        var ordered = Array(repeating: Array(repeating: 0, count: plan.months), count: MasterData.operators.count)
        for o in orders { ordered[o.operator][o.month] += o.quantity }
        var total: [String: Double] = [:]
        for (o, op) in MasterData.operators.enumerated() where op.country == "MZ" {
            for m in 0..<plan.months {
                let month = "\(WorldPlan.year)-\(DemoTime.pad(plan.startMonth + m, 2))"
                let figures = [("stamps_ordered", ordered[o][m]), ("stamps_applied", applied[o][m]), ("stamps_seen", seen[o][m])]
                for (metric, value) in figures {
                    try sink?.add(DashboardFigure(operatorID: op.id, month: month, metric: metric, value: Double(value)))
                    total[month + "|" + metric, default: 0] += Double(value)
                }
            }
        }
        for key in total.keys.sorted() {
            let parts = key.split(separator: "|")
            try sink?.add(DashboardFigure(operatorID: "*", month: String(parts[0]), metric: String(parts[1]), value: total[key]!))
        }
    }

    /// Fails loudly if a planted case did not make it into the world (its story ran past the end).
    func checkPlanted() throws {
        let kinds = Set(samples.map(\.kind))
        for k in DemoSample.Kind.allCases where !kinds.contains(k) {
            throw DemoWorldError(.internal, "the planted sample \(k.rawValue) was not generated")
        }
        for k in ["diverted-pallet", "stolen-shipment", "seized-goods", "recalled-batch", "cloned-code", "counterfeit-codes"]
        where !planted.contains(where: { $0.kind == k }) {
            throw DemoWorldError(.internal, "the planted case \(k) ran past the end of the world")
        }
    }
}
