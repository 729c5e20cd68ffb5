import EPCIS
import Foundation
import FieldStore
import StampCodes
import StrictJSON

/// A master-data problem, naming the entry and the field: `facilities[2] (F-MZL-01): latitude: 95 is outside -90…90`.
public struct MasterDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(_ problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}

/// The master-data file format (`stampwatch-master-data/1`, docs/provenance.md): strict JSON, every
/// member known, every problem reported with its entry and field.
public enum MasterDataFormat {
    public static let formatName = "stampwatch-master-data/1"

    /// Reads a whole file. Every problem is collected; the file is refused if there is any.
    public static func parse(_ bytes: [UInt8]) throws(MasterDataError) -> MasterDataSet {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw MasterDataError(["the file is not JSON: \(error.description)"])
        }
        var r = Reader()
        let set = r.document(root)
        if !r.problems.isEmpty { throw MasterDataError(r.problems) }
        return set
    }

    /// Reads one stored entry (the hub keeps entries as JSON rows of kind and id).
    public static func entry(kind: String, json: JSONValue, into set: inout MasterDataSet) throws(MasterDataError) {
        var r = Reader()
        switch kind {
        case "operator": if let x = r.operatorEntry(json, "operator") { set.operators.append(x) }
        case "facility": if let x = r.facilityEntry(json, "facility") { set.facilities.append(x) }
        case "machine": if let x = r.machineEntry(json, "machine") { set.machines.append(x) }
        case "product": if let x = r.productEntry(json, "product") { set.products.append(x) }
        case "series": if let x = r.seriesEntry(json, "series") { set.series.append(x) }
        case "location": if let x = r.locationEntry(json, "location") { set.locations.append(x) }
        case "coverage": if let x = r.coverageEntry(json, "coverage") { set.coverage.append(x) }
        case "stamp_order": if let x = r.orderEntry(json, "stamp order") { set.stampOrders.append(x) }
        case "setting":
            if let s = json.stringValue, let m = offsetMinutes(s) { set.utcOffsetMinutes = m } else { r.problems.append("setting: bad utc_offset") }
        default: r.problems.append("unknown master-data kind \(kind)")
        }
        if !r.problems.isEmpty { throw MasterDataError(r.problems) }
    }

    // MARK: Writing (the demo world, and the hub's stored entries)

    public static func document(_ m: MasterDataSet) -> JSONValue {
        var members: [(String, JSONValue)] = [("format", .string(formatName))]
        if let o = m.utcOffsetMinutes { members.append(("utc_offset", .string(offsetText(o)))) }
        members += [
            ("operators", .array(m.operators.map(json))), ("facilities", .array(m.facilities.map(json))),
            ("machines", .array(m.machines.map(json))), ("products", .array(m.products.map(json))),
            ("series", .array(m.series.map(json))), ("locations", .array(m.locations.map(json))),
            ("coverage", .array(m.coverage.map(json))), ("stamp_orders", .array(m.stampOrders.map(json))),
        ]
        return .object(JSONObject(members))
    }

    static func json(_ o: EconomicOperator) -> JSONValue {
        ["id": .string(o.operatorID), "name": .string(o.name), "role": .string(o.role.rawValue), "country": .string(o.country)]
    }
    static func json(_ f: MasterDataSet.FacilityEntry) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(f.facility.facilityID)), ("operator", .string(f.facility.operatorID)), ("name", .string(f.facility.name)),
            ("region", .string(f.facility.region)),
        ]
        if let lat = f.facility.latitude, let lon = f.facility.longitude { members += [("latitude", .number(lat)), ("longitude", .number(lon))] }
        members.append(("locations", .array(f.locations.map(JSONValue.string))))
        return .object(JSONObject(members))
    }
    static func json(_ m: Machine) -> JSONValue { ["id": .string(m.machineID), "facility": .string(m.facilityID), "name": .string(m.name)] }
    static func json(_ p: Product) -> JSONValue { ["gtin": .string(p.gtin), "brand": .string(p.brand), "description": .string(p.description)] }
    static func json(_ s: MasterDataSet.SeriesEntry) -> JSONValue {
        .object(JSONObject([
            ("id", .string(s.series.seriesID)), ("name", .string(s.series.name)), ("description", .string(s.series.description)),
            ("features", .array(s.features.map { f in
                .object(JSONObject([("id", .string(f.featureID)), ("name", .string(f.name)), ("level", .string(f.level.rawValue)),
                                    ("tool", .string(f.tool.rawValue)), ("look_for", .string(f.lookFor))]))
            })),
        ]))
    }
    static func json(_ l: MasterDataSet.LocationEntry) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(l.id)), ("name", .string(l.name)), ("region", .string(l.region))]
        if let lat = l.latitude, let lon = l.longitude { members += [("latitude", .number(lat)), ("longitude", .number(lon))] }
        return .object(JSONObject(members))
    }
    static func json(_ c: MasterDataSet.CoverageClaim) -> JSONValue {
        .object(JSONObject([("facility", .string(c.facilityID)), ("from", .string(utcText(c.from))), ("to", .string(utcText(c.to))),
                            ("basis", .string(c.basis))]))
    }
    static func json(_ o: MasterDataSet.StampOrder) -> JSONValue {
        .object(JSONObject([("id", .string(o.id)), ("operator", .string(o.operatorID)), ("month", .string(o.month)),
                            ("quantity", .integer(o.quantity))]))
    }

    // MARK: Times

    public static func offsetMinutes(_ s: String) -> Int? {
        let b = Array(s.utf8)
        guard b.count == 6, b[0] == 0x2B || b[0] == 0x2D, b[3] == 0x3A,
              let h = Int(String(decoding: b[1...2], as: UTF8.self)), let m = Int(String(decoding: b[4...5], as: UTF8.self)),
              h <= 14, m < 60 else { return nil }
        return (b[0] == 0x2D ? -1 : 1) * (h * 60 + m)
    }

    public static func offsetText(_ minutes: Int) -> String {
        let a = abs(minutes)
        return (minutes < 0 ? "-" : "+") + pad(a / 60) + ":" + pad(a % 60)
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func utcText(_ t: Int64) -> String {
        let (y, mo, d, h, mi, s) = civil(t)
        return "\(y)-\(pad(mo))-\(pad(d))T\(pad(h)):\(pad(mi)):\(pad(s))Z"
    }

    /// `YYYY-MM` of `t` shifted by `offsetMinutes`.
    public static func month(_ t: Int64, offsetMinutes: Int) -> String {
        let (y, mo, _, _, _, _) = civil(t + Int64(offsetMinutes) * 60)
        return "\(y)-\(pad(mo))"
    }

    /// Civil date and time of epoch seconds (UTC), Howard Hinnant's algorithm.
    static func civil(_ t: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = Int(t - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), secs / 3600, secs / 60 % 60, secs % 60)
    }

    // MARK: Reader

    struct Reader {
        var problems: [String] = []

        mutating func document(_ root: JSONValue) -> MasterDataSet {
            var set = MasterDataSet()
            guard case .object(let o) = root else {
                problems.append("the file must be a JSON object with \"format\": \"\(formatName)\"")
                return set
            }
            let known = ["format", "about", "utc_offset", "operators", "facilities", "machines", "products", "series", "locations",
                         "coverage", "stamp_orders"]
            for k in o.keys where !known.contains(k) {
                problems.append("\(k): unknown member; the file may hold \(known.joined(separator: ", "))")
            }
            if o["format"]?.stringValue != formatName {
                problems.append("format: must be \"\(formatName)\"")
            }
            if let v = o["utc_offset"] {
                if let s = v.stringValue, let m = offsetMinutes(s) { set.utcOffsetMinutes = m } else {
                    problems.append("utc_offset: must be a string like \"+02:00\"")
                }
            }
            func list<T>(_ name: String, _ what: String, _ read: (inout Reader, JSONValue, String) -> T?) -> [T] {
                guard let v = o[name] else { return [] }
                guard case .array(let items) = v else {
                    problems.append("\(name): must be an array")
                    return []
                }
                var out: [T] = []
                for (i, item) in items.enumerated() {
                    if let x = read(&self, item, "\(name)[\(i)]") { out.append(x) }
                }
                return out
            }
            set.operators = list("operators", "operator") { $0.operatorEntry($1, $2) }
            set.facilities = list("facilities", "facility") { $0.facilityEntry($1, $2) }
            set.machines = list("machines", "machine") { $0.machineEntry($1, $2) }
            set.products = list("products", "product") { $0.productEntry($1, $2) }
            set.series = list("series", "series") { $0.seriesEntry($1, $2) }
            set.locations = list("locations", "location") { $0.locationEntry($1, $2) }
            set.coverage = list("coverage", "coverage") { $0.coverageEntry($1, $2) }
            set.stampOrders = list("stamp_orders", "stamp order") { $0.orderEntry($1, $2) }
            duplicates(set.operators.map(\.operatorID), "operators")
            duplicates(set.facilities.map(\.facility.facilityID), "facilities")
            duplicates(set.machines.map(\.machineID), "machines")
            duplicates(set.products.map(\.gtin), "products")
            duplicates(set.series.map(\.series.seriesID), "series")
            duplicates(set.locations.map(\.id), "locations")
            duplicates(set.stampOrders.map(\.id), "stamp_orders")
            return set
        }

        mutating func duplicates(_ ids: [String], _ list: String) {
            var seen: Set<String> = []
            for id in ids where !seen.insert(id).inserted { problems.append("\(list): \"\(id)\" appears twice; give each entry once") }
        }

        /// The object's members, with unknown ones reported; nil (and a problem) when not an object.
        mutating func object(_ v: JSONValue, _ at: String, allowed: [String]) -> JSONObject? {
            guard case .object(let o) = v else {
                problems.append("\(at): must be an object")
                return nil
            }
            let label = entryLabel(o, at)
            for k in o.keys where !allowed.contains(k) {
                problems.append("\(label): \(k): unknown member (allowed: \(allowed.joined(separator: ", ")))")
            }
            return o
        }

        func entryLabel(_ o: JSONObject, _ at: String) -> String {
            if let id = (o["id"] ?? o["gtin"])?.stringValue, !id.isEmpty { return "\(at) (\(id))" }
            return at
        }

        mutating func string(_ o: JSONObject, _ key: String, _ at: String, optional: Bool = false, nonEmpty: Bool = true) -> String? {
            guard let v = o[key] else {
                if !optional { problems.append("\(entryLabel(o, at)): \(key): missing") }
                return nil
            }
            guard let s = v.stringValue else {
                problems.append("\(entryLabel(o, at)): \(key): must be a string, not \(v.typeName)")
                return nil
            }
            if nonEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("\(entryLabel(o, at)): \(key): must not be empty")
                return nil
            }
            return s
        }

        mutating func region(_ o: JSONObject, _ key: String, _ at: String) -> String? {
            guard let s = string(o, key, at) else { return nil }
            guard Area.isRegionCode(s) else {
                problems.append("\(entryLabel(o, at)): \(key): \"\(s)\" is not an ISO 3166 code (MZ, or a subdivision such as MZ-S)")
                return nil
            }
            return s
        }

        mutating func coordinates(_ o: JSONObject, _ at: String) -> (Double?, Double?, Bool) {
            let lat = o["latitude"], lon = o["longitude"]
            if lat == nil && lon == nil { return (nil, nil, true) }
            guard let a = lat?.doubleValue, let b = lon?.doubleValue else {
                problems.append("\(entryLabel(o, at)): latitude and longitude: give both, as numbers in decimal degrees")
                return (nil, nil, false)
            }
            var ok = true
            if !(-90...90).contains(a) { problems.append("\(entryLabel(o, at)): latitude: \(a) is outside -90…90"); ok = false }
            if !(-180...180).contains(b) { problems.append("\(entryLabel(o, at)): longitude: \(b) is outside -180…180"); ok = false }
            return (a, b, ok)
        }

        mutating func time(_ o: JSONObject, _ key: String, _ at: String) -> Int64? {
            guard let s = string(o, key, at) else { return nil }
            guard let t = RFC3339.parse(s) else {
                problems.append("\(entryLabel(o, at)): \(key): \"\(s)\" is not an RFC 3339 time such as 2026-07-01T00:00:00+02:00")
                return nil
            }
            return t
        }

        mutating func operatorEntry(_ v: JSONValue, _ at: String) -> EconomicOperator? {
            guard let o = object(v, at, allowed: ["id", "name", "role", "country"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), name = string(o, "name", at), role = string(o, "role", at), country = region(o, "country", at)
            var r: OperatorRole?
            if let role {
                r = OperatorRole(rawValue: role)
                if r == nil { problems.append("\(entryLabel(o, at)): role: \"\(role)\" must be manufacturer or importer") }
            }
            if let country, country.count != 2 { problems.append("\(entryLabel(o, at)): country: \"\(country)\" must be an ISO 3166-1 alpha-2 code") }
            guard problems.count == n, let id, let name, let r, let country else { return nil }
            return EconomicOperator(operatorID: id, name: name, role: r, country: country)
        }

        mutating func facilityEntry(_ v: JSONValue, _ at: String) -> MasterDataSet.FacilityEntry? {
            guard let o = object(v, at, allowed: ["id", "operator", "name", "region", "latitude", "longitude", "locations"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), op = string(o, "operator", at), name = string(o, "name", at), reg = region(o, "region", at)
            let (lat, lon, _) = coordinates(o, at)
            let locations = uriList(o, "locations", at)
            guard problems.count == n, let id, let op, let name, let reg else { return nil }
            return MasterDataSet.FacilityEntry(facility: Facility(facilityID: id, operatorID: op, name: name, latitude: lat, longitude: lon,
                                                                  region: reg), locations: locations)
        }

        mutating func uriList(_ o: JSONObject, _ key: String, _ at: String) -> [String] {
            guard let v = o[key] else { return [] }
            guard case .array(let items) = v else {
                problems.append("\(entryLabel(o, at)): \(key): must be an array of location URIs")
                return []
            }
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue, s.contains(":"), !s.contains(" ") else {
                    problems.append("\(entryLabel(o, at)): \(key)[\(i)]: must be a location URI such as urn:epc:id:sgln:9520011.00001.0")
                    continue
                }
                out.append(s)
            }
            return out
        }

        mutating func machineEntry(_ v: JSONValue, _ at: String) -> Machine? {
            guard let o = object(v, at, allowed: ["id", "facility", "name"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), f = string(o, "facility", at), name = string(o, "name", at, optional: true, nonEmpty: false)
            guard problems.count == n, let id, let f else { return nil }
            return Machine(machineID: id, facilityID: f, name: name ?? "")
        }

        mutating func productEntry(_ v: JSONValue, _ at: String) -> Product? {
            guard let o = object(v, at, allowed: ["gtin", "brand", "description"]) else { return nil }
            let n = problems.count
            let gtin = string(o, "gtin", at), brand = string(o, "brand", at)
            let description = string(o, "description", at, optional: true, nonEmpty: false)
            if let gtin {
                let digits = gtin.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                if gtin.count != 14 || !digits {
                    problems.append("\(entryLabel(o, at)): gtin: \"\(gtin)\" must be 14 digits (GTIN-14)")
                } else if GS1Key.checkDigit(String(gtin.dropLast())) != Int(String(gtin.last!)) {
                    problems.append("\(entryLabel(o, at)): gtin: \"\(gtin)\" has a wrong check digit (expected \(GS1Key.checkDigit(String(gtin.dropLast()))))")
                }
            }
            guard problems.count == n, let gtin, let brand else { return nil }
            return Product(gtin: gtin, brand: brand, description: description ?? "")
        }

        mutating func seriesEntry(_ v: JSONValue, _ at: String) -> MasterDataSet.SeriesEntry? {
            guard let o = object(v, at, allowed: ["id", "name", "description", "features"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), name = string(o, "name", at)
            let description = string(o, "description", at, optional: true, nonEmpty: false)
            var features: [ChecklistFeature] = []
            if let fv = o["features"] {
                if case .array(let items) = fv {
                    for (i, item) in items.enumerated() {
                        let fat = "\(entryLabel(o, at)): features[\(i)]"
                        guard let f = object(item, fat, allowed: ["id", "name", "level", "tool", "look_for"]) else { continue }
                        let fid = string(f, "id", fat), fname = string(f, "name", fat), look = string(f, "look_for", fat)
                        let level = string(f, "level", fat).flatMap { s -> FeatureLevel? in
                            let l = FeatureLevel(rawValue: s)
                            if l == nil { problems.append("\(entryLabel(f, fat)): level: \"\(s)\" must be overt, semi-covert or covert") }
                            return l
                        }
                        let tool = string(f, "tool", fat).flatMap { s -> InspectionTool? in
                            let t = InspectionTool(rawValue: s)
                            if t == nil { problems.append("\(entryLabel(f, fat)): tool: \"\(s)\" must be none, loupe, uv-torch or reader") }
                            return t
                        }
                        if let id, let fid, let fname, let look, let level, let tool {
                            features.append(ChecklistFeature(seriesID: id, featureID: fid, position: Int64(i + 1), name: fname, level: level,
                                                             lookFor: look, tool: tool))
                        }
                    }
                    duplicates(features.map(\.featureID), "\(entryLabel(o, at)): features")
                } else {
                    problems.append("\(entryLabel(o, at)): features: must be an array")
                }
            }
            guard problems.count == n, let id, let name else { return nil }
            return MasterDataSet.SeriesEntry(series: StampSeries(seriesID: id, name: name, description: description ?? ""), features: features)
        }

        mutating func locationEntry(_ v: JSONValue, _ at: String) -> MasterDataSet.LocationEntry? {
            guard let o = object(v, at, allowed: ["id", "name", "region", "latitude", "longitude"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), name = string(o, "name", at), reg = region(o, "region", at)
            let (lat, lon, _) = coordinates(o, at)
            if let id, !id.contains(":") || id.contains(" ") {
                problems.append("\(entryLabel(o, at)): id: must be a location URI such as urn:epc:id:sgln:9520600.00001.0")
            }
            guard problems.count == n, let id, let name, let reg else { return nil }
            return MasterDataSet.LocationEntry(id: id, name: name, region: reg, latitude: lat, longitude: lon)
        }

        mutating func coverageEntry(_ v: JSONValue, _ at: String) -> MasterDataSet.CoverageClaim? {
            guard let o = object(v, at, allowed: ["facility", "from", "to", "basis"]) else { return nil }
            let n = problems.count
            let f = string(o, "facility", at), from = time(o, "from", at), to = time(o, "to", at), basis = string(o, "basis", at)
            if let from, let to, from > to { problems.append("\(at): from is after to") }
            guard problems.count == n, let f, let from, let to, let basis else { return nil }
            return MasterDataSet.CoverageClaim(facilityID: f, from: from, to: to, basis: basis)
        }

        mutating func orderEntry(_ v: JSONValue, _ at: String) -> MasterDataSet.StampOrder? {
            guard let o = object(v, at, allowed: ["id", "operator", "month", "quantity"]) else { return nil }
            let n = problems.count
            let id = string(o, "id", at), op = string(o, "operator", at), month = string(o, "month", at)
            if let month {
                let b = Array(month.utf8)
                let ok = b.count == 7 && b[4] == 0x2D && Int(month.prefix(4)) != nil && (Int(month.suffix(2)).map { (1...12).contains($0) } ?? false)
                if !ok { problems.append("\(entryLabel(o, at)): month: \"\(month)\" must be YYYY-MM") }
            }
            var quantity: Int64?
            if let q = o["quantity"] {
                if let i = q.integerValue, i >= 0 { quantity = i } else {
                    problems.append("\(entryLabel(o, at)): quantity: must be a whole number of stamps, 0 or more")
                }
            } else {
                problems.append("\(entryLabel(o, at)): quantity: missing")
            }
            guard problems.count == n, let id, let op, let month, let quantity else { return nil }
            return MasterDataSet.StampOrder(id: id, operatorID: op, month: month, quantity: quantity)
        }
    }
}
