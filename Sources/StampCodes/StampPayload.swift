import Encoding

/// The decrypted content of a stamp code: FCTC Protocol Art. 8.4.1 items carried by the marking itself.
public struct StampPayload: Sendable, Equatable {
    public var uid: String
    public var product: String
    public var facility: String
    public var machine: String
    /// UTC epoch seconds.
    public var manufactured: Int64
    public var shift: String?
    public var market: String
    public var series: String
    public var `operator`: String?

    public init(uid: String, product: String, facility: String, machine: String, manufactured: Int64,
                shift: String? = nil, market: String, series: String, operator: String? = nil) {
        self.uid = uid
        self.product = product
        self.facility = facility
        self.machine = machine
        self.manufactured = manufactured
        self.shift = shift
        self.market = market
        self.series = series
        self.operator = `operator`
    }

    /// Plaintext map keys (docs/stamp-code.md).
    public enum Key: UInt64, CaseIterable, Sendable {
        case uid = 1, product, facility, machine, manufactured, shift, market, series, `operator`

        var name: String {
            switch self {
            case .uid: "uid"
            case .product: "product"
            case .facility: "facility"
            case .machine: "machine"
            case .manufactured: "manufactured"
            case .shift: "shift"
            case .market: "market"
            case .series: "series"
            case .operator: "operator"
            }
        }
        var required: Bool { self != .shift && self != .operator }
    }

    public static let maxUIDLength = 50

    /// Why a plaintext is not a valid payload; `field` names the key.
    public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var problem: String
        public var description: String { "payload field \(field): \(problem)" }
    }

    /// Decodes and validates a plaintext map. Unknown keys are ignored; duplicates of a known key are refused.
    public static func decode(cbor: CBOR) throws(FieldError) -> StampPayload {
        guard case .map(let pairs) = cbor else {
            throw FieldError(field: "(plaintext)", problem: "expected a CBOR map, found \(kindName(cbor))")
        }
        var values = [CBOR?](repeating: nil, count: Key.allCases.count + 1)
        for pair in pairs {
            guard case .unsigned(let k) = pair.key, let key = Key(rawValue: k) else { continue }
            if values[Int(key.rawValue)] != nil {
                throw FieldError(field: key.name, problem: "appears more than once")
            }
            values[Int(key.rawValue)] = pair.value
        }
        func text(_ key: Key) throws(FieldError) -> String? {
            guard let v = values[Int(key.rawValue)] else {
                if key.required { throw FieldError(field: key.name, problem: "is missing (key \(key.rawValue))") }
                return nil
            }
            guard case .text(let s) = v else {
                throw FieldError(field: key.name, problem: "must be a text string, found \(kindName(v))")
            }
            return s
        }
        let uid = try text(.uid)!
        guard !uid.isEmpty else { throw FieldError(field: "uid", problem: "is empty") }
        guard uid.unicodeScalars.count <= maxUIDLength else {
            throw FieldError(field: "uid", problem: "has \(uid.unicodeScalars.count) characters, more than \(maxUIDLength)")
        }
        let product = try text(.product)!
        let facility = try text(.facility)!
        let machine = try text(.machine)!
        guard let m = values[Int(Key.manufactured.rawValue)] else {
            throw FieldError(field: "manufactured", problem: "is missing (key 5)")
        }
        guard case .unsigned(let t) = m else {
            throw FieldError(field: "manufactured", problem: "must be an unsigned integer (epoch seconds), found \(kindName(m))")
        }
        guard t <= UInt64(Int64.max) else {
            throw FieldError(field: "manufactured", problem: "is out of range")
        }
        let shift = try text(.shift)
        let market = try text(.market)!
        guard Market(market) != nil else {
            throw FieldError(field: "market", problem: "\"\(market)\" is not an ISO 3166 market such as MZ or MZ-MPM")
        }
        let series = try text(.series)!
        let op = try text(.operator)
        return StampPayload(uid: uid, product: product, facility: facility, machine: machine,
                            manufactured: Int64(t), shift: shift, market: market, series: series, operator: op)
    }

    /// The plaintext map, in key order, with optional extra (unknown) keys for tests and future versions.
    public func cbor(extra: [CBORPair] = []) -> CBOR {
        var pairs: [CBORPair] = [
            CBORPair(.unsigned(1), .text(uid)),
            CBORPair(.unsigned(2), .text(product)),
            CBORPair(.unsigned(3), .text(facility)),
            CBORPair(.unsigned(4), .text(machine)),
            CBORPair(.unsigned(5), .unsigned(UInt64(max(0, manufactured)))),
        ]
        if let shift { pairs.append(CBORPair(.unsigned(6), .text(shift))) }
        pairs.append(CBORPair(.unsigned(7), .text(market)))
        pairs.append(CBORPair(.unsigned(8), .text(series)))
        if let op = `operator` { pairs.append(CBORPair(.unsigned(9), .text(op))) }
        return .map(pairs + extra)
    }
}

func kindName(_ c: CBOR) -> String {
    switch c {
    case .unsigned, .negative: "an integer"
    case .bytes: "a byte string"
    case .text: "a text string"
    case .array: "an array"
    case .map: "a map"
    case .tagged(let t, _): "a tag \(t) item"
    case .simple: "a simple value"
    case .bool: "a boolean"
    case .null: "null"
    case .undefined: "undefined"
    case .float: "a float"
    }
}
