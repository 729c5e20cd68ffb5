import CacheAssembly
import FieldStore
import Foundation
import Hub
import StampCodes
import StrictJSON

/// The real path from the world's documents to its cache, exactly as a hub runs it:
/// `master-data.json` is imported and every EPCIS document captured into `hub/hub.sqlite`
/// (`stampwatch-hub master-data import`, `stampwatch-hub capture`), then `CacheAssembly` builds the
/// region's snapshot from the hub (`stampwatch-hub cache build --region MZ`).
extension WorldBuilder {
    /// The world's master data in the hub's format.
    func masterDataSet() -> MasterDataSet {
        var md = MasterDataSet()
        md.utcOffsetMinutes = Int(DemoTime.offsetSeconds / 60)
        md.operators = MasterData.operators.map(\.row)
        for f in MasterData.facilities {
            md.facilities.append(MasterDataSet.FacilityEntry(
                facility: Facility(facilityID: f.id, operatorID: MasterData.operators[f.owner].id, name: f.name, latitude: f.latitude,
                                   longitude: f.longitude, region: f.region),
                locations: [f.sgln]))
            for (m, name) in f.machines.enumerated() { md.machines.append(Machine(machineID: f.machineIDs[m], facilityID: f.id, name: name)) }
            // The world is complete: the hub holds every pack each plant made in the whole timeline.
            md.coverage.append(MasterDataSet.CoverageClaim(facilityID: f.id, from: worldStart, to: worldEnd,
                                                           basis: "DEMO: the demo world reports every pack it makes"))
        }
        md.products = MasterData.products.map { Product(gtin: $0.gtin, brand: $0.brand, description: $0.description) }
        for s in MasterData.series {
            md.series.append(MasterDataSet.SeriesEntry(
                series: StampSeries(seriesID: s.id, name: s.name, description: s.description),
                features: s.features.enumerated().map { i, f in
                    ChecklistFeature(seriesID: s.id, featureID: f.id, position: Int64(i + 1), name: f.name, level: f.level, lookFor: f.lookFor,
                                     tool: f.tool)
                }))
        }
        let parties = MasterData.customers + MasterData.retailers + MasterData.borderPosts
            + [MasterData.seizureStore, MasterData.theftScene, MasterData.divertedFind]
        md.locations = parties.map {
            MasterDataSet.LocationEntry(id: $0.sgln, name: $0.name, region: $0.region, latitude: $0.latitude, longitude: $0.longitude)
        }
        md.stampOrders = orders.map { o in
            MasterDataSet.StampOrder(id: o.id, operatorID: MasterData.operators[o.operator].id,
                                     month: "\(WorldPlan.year)-\(DemoTime.pad(plan.startMonth + o.month, 2))", quantity: Int64(o.quantity))
        }
        return md
    }

    mutating func throughHub(snapshot: String, descriptor: CacheDescriptor) throws(DemoWorldError) -> CacheFileMeta {
        let md = masterDataSet()
        let mdBytes = MasterDataFormat.document(md).serializedBytes(pretty: true) + [0x0A]
        let fm = FileManager.default
        guard fm.createFile(atPath: directory + "/master-data.json", contents: Data(mdBytes)) else {
            throw DemoWorldError(.output, "cannot write \(directory)/master-data.json")
        }
        do { try fm.createDirectory(atPath: directory + "/hub", withIntermediateDirectories: true) } catch {
            throw DemoWorldError(.output, "cannot create \(directory)/hub: \(error.localizedDescription)")
        }
        do {
            let store = try SQLiteHubStore(path: directory + "/hub/hub.sqlite")
            defer { try? store.close() }
            _ = try store.importMasterData(md, document: mdBytes, now: publishedAt)
            var captured = 0
            let started = Date()
            for f in epcisFiles {
                guard let data = fm.contents(atPath: directory + "/" + f.file) else { throw DemoWorldError(.output, "cannot read \(f.file)") }
                let bytes = [UInt8](data)
                switch EPCISCapture.prepare(bytes) {
                case .failure(let e): throw DemoWorldError(.internal, "the hub refuses \(f.file): \(e)")
                case .success(let events):
                    let outcome = try store.captureSync(clientID: "demo-world", document: bytes, events: events, now: publishedAt)
                    captured += outcome.events.filter { $0.status == "stored" }.count
                }
            }
            captureSeconds = Date().timeIntervalSince(started)
            guard captured == counts["events", default: 0] else {
                throw DemoWorldError(.internal, "the hub stored \(captured) of the world's \(counts["events", default: 0]) events")
            }
            let assembled = Date()
            let (meta, report) = try HubCacheBuild.build(store: store, scope: AssemblyScope(region: "MZ"), keyringJSON: keys.keyringJSON,
                                                         keyring: nil, descriptor: descriptor, output: snapshot)
            assembleSeconds = Date().timeIntervalSince(assembled)
            assembly = report
            try store.close()
            return meta
        } catch let e as DemoWorldError {
            throw e
        } catch {
            throw DemoWorldError(.output, "the hub path failed: \(error)")
        }
    }
}
