import Foundation
import StampCodes
import StrictJSON

/// One inspection of a stamp UID: where, when and by which device.
public struct Sighting: Sendable, Equatable {
    public var uid: String
    public var recordUUID: String
    public var deviceID: String
    /// The device's region at enrolment ("" when unknown).
    public var region: String
    /// Epoch seconds (the inspection's `created_at`, the device's trusted time).
    public var time: Int64
    /// Decimal degrees, when the inspection's place was "lat,lon".
    public var latitude: Double?
    public var longitude: Double?

    public init(uid: String, recordUUID: String, deviceID: String, region: String, time: Int64, latitude: Double? = nil, longitude: Double? = nil) {
        self.uid = uid; self.recordUUID = recordUUID; self.deviceID = deviceID; self.region = region; self.time = time
        self.latitude = latitude; self.longitude = longitude
    }
}

/// When two sightings of one UID cannot both be the same pack.
public struct ClonePolicy: Sendable, Equatable {
    /// Faster than this between two places is implausible for a pack (road and river transport, with margin).
    public var maxSpeedKmh: Double
    /// Closer than this is never flagged by distance alone (place noise, same market or town).
    public var minDistanceKm: Double
    /// Two devices of regions that do not contain one another seeing the same UID.
    public var flagDifferentRegions: Bool
    /// Only flag different regions when the sightings are at most this far apart in time (nil: any time).
    public var regionWindowSeconds: Int64?

    public init(maxSpeedKmh: Double = 120, minDistanceKm: Double = 25, flagDifferentRegions: Bool = true, regionWindowSeconds: Int64? = nil) {
        self.maxSpeedKmh = maxSpeedKmh; self.minDistanceKm = minDistanceKm
        self.flagDifferentRegions = flagDifferentRegions; self.regionWindowSeconds = regionWindowSeconds
    }
}

/// A UID to put on the next cache's watchlist with reason `clone`.
///
/// Maps onto `FieldStore.WatchlistEntry(uid:reason: .clone, since:note:)`.
public struct CloneFlag: Sendable, Equatable {
    public static let reason = "clone"
    public var uid: String
    /// When the impossibility became evident: the time of the later sighting of the first offending pair.
    public var since: Int64
    /// Why, in words an officer can check against the records.
    public var note: String
    /// The two records that cannot both be genuine.
    public var evidence: [String]
}

/// Clone detection over inspections, as a pure function. Start simple (issue #6): a UID seen at two places
/// further apart than plausible travel in the time between, or by devices of two different regions.
/// Shipments that could explain a sighting are not consulted yet.
public enum CloneDetector {
    public static func detect(_ sightings: [Sighting], policy: ClonePolicy = ClonePolicy()) -> [CloneFlag] {
        var byUID: [String: [Sighting]] = [:]
        for s in sightings where !s.uid.isEmpty { byUID[s.uid, default: []].append(s) }
        var flags: [CloneFlag] = []
        for (uid, list) in byUID where list.count > 1 {
            let sorted = list.sorted { ($0.time, $0.recordUUID) < ($1.time, $1.recordUUID) }
            // The first offending pair in order of the later sighting's time: the moment it became evident.
            var found: CloneFlag?
            outer: for j in 1..<sorted.count {
                for i in 0..<j {
                    if let why = implausible(sorted[i], sorted[j], policy) {
                        found = CloneFlag(uid: uid, since: sorted[j].time, note: why, evidence: [sorted[i].recordUUID, sorted[j].recordUUID])
                        break outer
                    }
                }
            }
            if let found { flags.append(found) }
        }
        return flags.sorted { $0.uid < $1.uid }
    }

    /// Why `a` then `b` cannot be the same pack, or nil.
    public static func implausible(_ a: Sighting, _ b: Sighting, _ policy: ClonePolicy) -> String? {
        let dt = abs(b.time - a.time)
        if let la = a.latitude, let lo = a.longitude, let lb = b.latitude, let lob = b.longitude {
            let km = distanceKm(la, lo, lb, lob)
            if km > policy.minDistanceKm && km > policy.maxSpeedKmh * Double(dt) / 3600 {
                let hours = Double(dt) / 3600
                return "seen by \(a.deviceID) at \(fmt(la)),\(fmt(lo)) and by \(b.deviceID) at \(fmt(lb)),\(fmt(lob)) \(fmt(hours)) h apart: "
                    + "\(Int(km.rounded())) km needs more than \(Int(policy.maxSpeedKmh)) km/h (records \(a.recordUUID), \(b.recordUUID))"
            }
        }
        if policy.flagDifferentRegions, !a.region.isEmpty, !b.region.isEmpty, !sameArea(a.region, b.region),
           policy.regionWindowSeconds.map({ dt <= $0 }) ?? true {
            return "seen by \(a.deviceID) in \(a.region) and by \(b.deviceID) in \(b.region) (records \(a.recordUUID), \(b.recordUUID))"
        }
        return nil
    }

    /// "MZ" and "MZ-MPM" are one area (a country and its subdivision); "MZ-MPM" and "MZ-GA" are not.
    static func sameArea(_ a: String, _ b: String) -> Bool {
        let x = a.uppercased(), y = b.uppercased()
        return x == y || x.hasPrefix(y + "-") || y.hasPrefix(x + "-")
    }

    /// Great-circle distance (haversine, mean Earth radius 6371 km).
    public static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = Double.pi / 180
        let dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6371 * asin(min(1, sqrt(h)))
    }

    static func fmt(_ v: Double) -> String {
        let s = String(format: "%.4f", v)
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// "lat,lon" in decimal degrees, or nil for a free-text place.
    public static func coordinates(_ place: String) -> (Double, Double)? {
        let parts = place.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let lat = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let lon = Double(parts[1].trimmingCharacters(in: .whitespaces)),
              (-90...90).contains(lat), (-180...180).contains(lon) else { return nil }
        return (lat, lon)
    }

    /// The sighting in an inspection payload (the console's outbox JSON: code, place, created_at, device_id).
    /// The UID comes from decoding the code with `keyring` (only codes whose signature verifies count);
    /// without a keyring, from a `uid` field when the payload has one.
    public static func sighting(recordUUID: String, payload: [UInt8], region: String, keyring: Keyring?) -> Sighting? {
        guard case .object(let p)? = try? JSONParser.parse(payload), let deviceID = p["device_id"]?.stringValue,
              let time = p["created_at"]?.integerValue else { return nil }
        var uid: String?
        if let keyring, let code = p["code"]?.stringValue {
            // Only the signature and the UID matter here (a clone copies a genuine code), not the verdict rules.
            let result = StampVerifier(keyring: keyring).verify(code, context: VerificationContext(now: time))
            if result.signatureVerified { uid = result.payload?.uid }
        } else if keyring == nil {
            uid = p["uid"]?.stringValue
        }
        guard let uid, !uid.isEmpty else { return nil }
        let coords = p["place"]?.stringValue.flatMap(coordinates)
        return Sighting(uid: uid, recordUUID: recordUUID, deviceID: deviceID, region: region, time: time,
                        latitude: coords?.0, longitude: coords?.1)
    }
}

/// The clone watchlist for `cache build`: reads every stored inspection of the hub database at `databasePath`
/// (WAL: safe while the hub serves), decodes each code with `keyring`, and flags impossible pairs.
public enum CloneWatchlist {
    public static func build(databasePath: String, keyring: Keyring?, policy: ClonePolicy = ClonePolicy()) throws -> [CloneFlag] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw HubStoreError.notFound("no hub database at \(databasePath)")
        }
        let store = try SQLiteHubStore(path: databasePath)
        defer { try? store.close() }
        return try build(store: store, keyring: keyring, policy: policy)
    }

    public static func build(store: SQLiteHubStore, keyring: Keyring?, policy: ClonePolicy = ClonePolicy()) throws -> [CloneFlag] {
        let sightings = try store.inspections().compactMap {
            CloneDetector.sighting(recordUUID: $0.record.recordUUID, payload: $0.record.payload, region: $0.region, keyring: keyring)
        }
        return CloneDetector.detect(sightings, policy: policy)
    }
}
