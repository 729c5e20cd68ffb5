import EPCIS
import FieldStore
import StampCodes
import StrictJSON

/// The hub's master data: who makes what where, the stamp series and their checklists, the places
/// events name, and the coverage claims. Read from a strict JSON file (docs/provenance.md, "Master
/// data"), stored by the hub entry by entry, and joined with the captured events by `CacheAssembler`.
public struct MasterDataSet: Sendable, Equatable {
    public var operators: [EconomicOperator] = []
    public var facilities: [FacilityEntry] = []
    public var machines: [Machine] = []
    public var products: [Product] = []
    public var series: [SeriesEntry] = []
    public var locations: [LocationEntry] = []
    public var coverage: [CoverageClaim] = []
    public var stampOrders: [StampOrder] = []
    /// The offset used to cut dashboard months (`+02:00` for Mozambique); nil when never given (UTC).
    public var utcOffsetMinutes: Int?

    public init() {}

    public struct FacilityEntry: Sendable, Equatable {
        public var facility: Facility
        /// Location URIs (SGLNs) that are this facility: events naming them happened here.
        public var locations: [String]
        public init(facility: Facility, locations: [String]) { self.facility = facility; self.locations = locations }
    }

    public struct SeriesEntry: Sendable, Equatable {
        public var series: StampSeries
        public var features: [ChecklistFeature]
        public init(series: StampSeries, features: [ChecklistFeature]) { self.series = series; self.features = features }
    }

    /// A place events name (readPoint, bizLocation, source or destination location).
    public struct LocationEntry: Sendable, Equatable {
        public var id: String
        public var name: String
        public var region: String
        public var latitude: Double?
        public var longitude: Double?
        public init(id: String, name: String, region: String, latitude: Double?, longitude: Double?) {
            self.id = id; self.name = name; self.region = region; self.latitude = latitude; self.longitude = longitude
        }
    }

    /// "The hub holds the commissioning reports of every pack this facility made from `from` to `to`."
    public struct CoverageClaim: Sendable, Equatable, Hashable {
        public var facilityID: String
        public var from: Int64
        public var to: Int64
        /// Why the claim holds (e.g. "stamp order reconciliation AT-REC-2026-07"): kept for audit.
        public var basis: String
        public init(facilityID: String, from: Int64, to: Int64, basis: String) {
            self.facilityID = facilityID; self.from = from; self.to = to; self.basis = basis
        }
        var key: String { "\(facilityID)|\(from)|\(to)" }
    }

    /// Stamps an operator ordered for a month (the dashboard's `stamps_ordered`).
    public struct StampOrder: Sendable, Equatable {
        public var id: String
        public var operatorID: String
        /// `YYYY-MM`.
        public var month: String
        public var quantity: Int64
        public init(id: String, operatorID: String, month: String, quantity: Int64) {
            self.id = id; self.operatorID = operatorID; self.month = month; self.quantity = quantity
        }
    }

    // MARK: Lookups

    /// Entries by kind and id, as the hub stores them (one row per entry; a later import replaces an
    /// entry with the same id).
    public var entries: [(kind: String, id: String, json: JSONValue)] {
        var out: [(String, String, JSONValue)] = []
        for o in operators { out.append(("operator", o.operatorID, MasterDataFormat.json(o))) }
        for f in facilities { out.append(("facility", f.facility.facilityID, MasterDataFormat.json(f))) }
        for m in machines { out.append(("machine", m.machineID, MasterDataFormat.json(m))) }
        for p in products { out.append(("product", p.gtin, MasterDataFormat.json(p))) }
        for s in series { out.append(("series", s.series.seriesID, MasterDataFormat.json(s))) }
        for l in locations { out.append(("location", l.id, MasterDataFormat.json(l))) }
        for c in coverage { out.append(("coverage", c.key, MasterDataFormat.json(c))) }
        for o in stampOrders { out.append(("stamp_order", o.id, MasterDataFormat.json(o))) }
        if let utcOffsetMinutes { out.append(("setting", "utc_offset", .string(MasterDataFormat.offsetText(utcOffsetMinutes)))) }
        return out
    }

    /// `other`'s entries replace this set's entries with the same kind and id; the rest is kept.
    public func merging(_ other: MasterDataSet) -> MasterDataSet {
        func merge<T>(_ a: [T], _ b: [T], _ key: (T) -> String) -> [T] {
            var out = a
            var index: [String: Int] = [:]
            for (i, x) in out.enumerated() { index[key(x)] = i }
            for x in b {
                if let i = index[key(x)] { out[i] = x } else { index[key(x)] = out.count; out.append(x) }
            }
            return out
        }
        var m = self
        m.operators = merge(operators, other.operators, \.operatorID)
        m.facilities = merge(facilities, other.facilities, \.facility.facilityID)
        m.machines = merge(machines, other.machines, \.machineID)
        m.products = merge(products, other.products, \.gtin)
        m.series = merge(series, other.series, \.series.seriesID)
        m.locations = merge(locations, other.locations, \.id)
        m.coverage = merge(coverage, other.coverage, \.key)
        m.stampOrders = merge(stampOrders, other.stampOrders, \.id)
        m.utcOffsetMinutes = other.utcOffsetMinutes ?? utcOffsetMinutes
        return m
    }

    /// Problems with references between entries (a facility's operator, a machine's facility, a
    /// coverage claim's facility, an order's operator), each naming the entry and the field.
    public func referenceProblems() -> [String] {
        var out: [String] = []
        let ops = Set(operators.map(\.operatorID)), facs = Set(facilities.map(\.facility.facilityID))
        for f in facilities where !ops.contains(f.facility.operatorID) {
            out.append("facility \(f.facility.facilityID): operator \"\(f.facility.operatorID)\" is not a known operator; add it to \"operators\"")
        }
        for m in machines where !facs.contains(m.facilityID) {
            out.append("machine \(m.machineID): facility \"\(m.facilityID)\" is not a known facility; add it to \"facilities\"")
        }
        for c in coverage where !facs.contains(c.facilityID) {
            out.append("coverage \(c.facilityID) \(c.from)…\(c.to): facility \"\(c.facilityID)\" is not a known facility")
        }
        for o in stampOrders where !ops.contains(o.operatorID) {
            out.append("stamp order \(o.id): operator \"\(o.operatorID)\" is not a known operator")
        }
        return out
    }
}

/// Where an id or a region lies, and which region code contains which.
public enum Area {
    /// "MZ" contains "MZ" and "MZ-S"; "MZ-S" does not contain "MZ" or "MZ-T".
    public static func contains(_ area: String, _ region: String) -> Bool {
        let a = area.uppercased(), r = region.uppercased()
        return r == a || r.hasPrefix(a + "-")
    }

    /// ISO 3166-1 alpha-2, or ISO 3166-2 (`MZ-S`, `ZA-NW`, `MZ-MPM`).
    public static func isRegionCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 2 || (4...6).contains(b.count) else { return false }
        guard b[0] >= 0x41 && b[0] <= 0x5A && b[1] >= 0x41 && b[1] <= 0x5A else { return false }
        if b.count == 2 { return true }
        return b[2] == 0x2D && b[3...].allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
