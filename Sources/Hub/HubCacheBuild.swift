import CacheAssembly
import FieldStore
import Foundation
import GRDB
import StampCodes

/// `stampwatch-hub cache build`: the hub's master data, captured events and clone flags, assembled by
/// `CacheAssembler` for one region and window, written as a FieldStore snapshot with the keyring.
public enum HubCacheBuild {
    /// Clone flags come from two places: uploaded inspections (the hub's clone detection, with `policy`)
    /// and EPCIS `inspecting` events whose places have coordinates in master data (speed rule only:
    /// a partner's readers are not devices with a region).
    public static func build(store: SQLiteHubStore, scope: AssemblyScope, keyringJSON: String?, keyring: Keyring?,
                             descriptor: CacheDescriptor, output: String,
                             policy: ClonePolicy = ClonePolicy()) throws -> (CacheFileMeta, AssemblyReport) {
        var marks: [String: CloneMark] = [:]
        for f in try CloneWatchlist.build(store: store, keyring: keyring, policy: policy) {
            marks[f.uid] = CloneMark(since: f.since, note: f.note)
        }
        var eventPolicy = policy
        eventPolicy.flagDifferentRegions = false
        let check: ([EventSighting]) -> CloneMark? = { list in
            let sightings = list.map {
                Sighting(uid: $0.uid, recordUUID: $0.eventID, deviceID: $0.place, region: $0.region, time: $0.time,
                         latitude: $0.latitude, longitude: $0.longitude)
            }
            return CloneDetector.detect(sightings, policy: eventPolicy).first.map { CloneMark(since: $0.since, note: $0.note) }
        }
        let assembler = CacheAssembler(scope: scope, cloneMarks: marks, sightingCheck: check)
        var report = AssemblyReport()
        let meta = try SnapshotBuilder.build(at: output, descriptor: descriptor) { sink in
            if let keyringJSON { try sink.add(KeyringDocument(json: keyringJSON)) }
            report = try store.readSync { db in try assembler.assemble(from: HubAssemblySource(db), into: sink) }
        }
        return (meta, report)
    }
}
