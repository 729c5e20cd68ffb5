// CBOR (RFC 8949) data model.
//
// The decoder lives in CBORDecoder.swift, the encoder in CBOREncoder.swift,
// diagnostic notation in CBORDescription.swift and errors/limits in
// CBORError.swift.

/// One entry of a CBOR map. Maps keep their entries in the order they were
/// decoded (or built) in; keys may repeat and callers decide what that means.
public struct CBORPair: Sendable, Hashable {
    public var key: CBOR
    public var value: CBOR

    @inlinable
    public init(_ key: CBOR, _ value: CBOR) {
        self.key = key
        self.value = value
    }
}

/// A CBOR data item (RFC 8949).
///
/// Indefinite-length strings, arrays and maps decode to their definite
/// equivalents (string chunks are concatenated). Half, single and double
/// precision floats all decode to `.float(Double)`.
///
/// Equality is structural. For `.float`, two values are equal when their bit
/// patterns are equal or both are NaN, so `.float(0.0) != .float(-0.0)` and
/// `.float(.nan) == .float(.nan)`. `.unsigned(1)` and `.float(1.0)` are
/// different items.
///
/// Only `.tagged` is stored indirectly; the other cases are stored inline so
/// that decoding an integer or a string does not allocate a box.
public enum CBOR: Sendable {
    case unsigned(UInt64)
    /// The value is `-1 - n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// Entries in the order decoded or given.
    case map([CBORPair])
    indirect case tagged(UInt64, CBOR)
    /// Simple values other than false/true/null/undefined, i.e. 0...19 and
    /// 32...255. Values 20...23 are encoded as false/true/null/undefined and
    /// values 24...31 cannot be encoded in well-formed CBOR (see `encode`).
    case simple(UInt8)
    case bool(Bool)
    case null
    case undefined
    /// Half, single and double precision all decode to `Double`.
    case float(Double)
}

// MARK: - Convenience initialisers and accessors

extension CBOR {
    /// `.unsigned` for values >= 0, otherwise `.negative`.
    @inlinable
    public init(_ int: Int64) {
        if int >= 0 {
            self = .unsigned(UInt64(int))
        } else {
            // -1 - int cannot overflow for any negative Int64.
            self = .negative(UInt64(-1 - int))
        }
    }

    /// `.unsigned` for values >= 0, otherwise `.negative`.
    @inlinable
    public init(_ int: Int) {
        self.init(Int64(int))
    }

    @inlinable
    public init(_ uint: UInt64) {
        self = .unsigned(uint)
    }

    /// The integer value if this is `.unsigned` or `.negative` and it fits in
    /// an `Int64`.
    @inlinable
    public var int64: Int64? {
        switch self {
        case .unsigned(let n):
            return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n):
            return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default:
            return nil
        }
    }

    /// The value of an `.unsigned` item.
    @inlinable
    public var uint64: UInt64? {
        if case .unsigned(let n) = self { return n }
        return nil
    }

    @inlinable
    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    @inlinable
    public var textValue: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    @inlinable
    public var arrayValue: [CBOR]? {
        if case .array(let a) = self { return a }
        return nil
    }

    @inlinable
    public var mapValue: [CBORPair]? {
        if case .map(let m) = self { return m }
        return nil
    }

    @inlinable
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value of a `.float` item (integers are not converted).
    @inlinable
    public var doubleValue: Double? {
        if case .float(let d) = self { return d }
        return nil
    }

    /// The tag number and content of a `.tagged` item.
    @inlinable
    public var taggedValue: (tag: UInt64, item: CBOR)? {
        if case .tagged(let t, let v) = self { return (t, v) }
        return nil
    }

    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// On a map: the value of the first entry whose key equals `key`.
    /// `nil` when not found or when `self` is not a map.
    @_disfavoredOverload
    public subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        for pair in pairs where pair.key == key {
            return pair.value
        }
        return nil
    }

    /// On a map: the value of the first entry whose key is the integer
    /// `intKey` (encoded as major type 0 or 1).
    public subscript(intKey: Int64) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        let wanted = CBOR(intKey)
        for pair in pairs where pair.key == wanted {
            return pair.value
        }
        return nil
    }

    /// Labelled spelling of `self[key]`.
    public subscript(key key: CBOR) -> CBOR? {
        self[key]
    }

    /// Labelled spelling of `self[intKey]`.
    public subscript(intKey intKey: Int64) -> CBOR? {
        self[intKey]
    }
}

// MARK: - Equality and hashing

extension CBOR: Equatable {
    public static func == (lhs: CBOR, rhs: CBOR) -> Bool {
        switch (lhs, rhs) {
        case let (.unsigned(a), .unsigned(b)): return a == b
        case let (.negative(a), .negative(b)): return a == b
        case let (.bytes(a), .bytes(b)): return a == b
        case let (.text(a), .text(b)):
            // Compare code units, not canonical equivalence: CBOR text strings
            // with different bytes are different data items.
            return a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(b)): return a == b
        case let (.map(a), .map(b)): return a == b
        case let (.tagged(ta, a), .tagged(tb, b)): return ta == tb && a == b
        case let (.simple(a), .simple(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        case (.undefined, .undefined): return true
        case let (.float(a), .float(b)):
            return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        default: return false
        }
    }
}

extension CBOR: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let n): hasher.combine(0 as UInt8); hasher.combine(n)
        case .negative(let n): hasher.combine(1 as UInt8); hasher.combine(n)
        case .bytes(let b): hasher.combine(2 as UInt8); hasher.combine(b)
        case .text(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s.utf8.count)
            for u in s.utf8 { hasher.combine(u) }
        case .array(let a): hasher.combine(4 as UInt8); hasher.combine(a)
        case .map(let m): hasher.combine(5 as UInt8); hasher.combine(m)
        case .tagged(let t, let v): hasher.combine(6 as UInt8); hasher.combine(t); hasher.combine(v)
        case .simple(let v): hasher.combine(7 as UInt8); hasher.combine(v)
        case .bool(let b): hasher.combine(8 as UInt8); hasher.combine(b)
        case .null: hasher.combine(9 as UInt8)
        case .undefined: hasher.combine(10 as UInt8)
        case .float(let d):
            hasher.combine(11 as UInt8)
            hasher.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
        }
    }
}

// MARK: - Literals

extension CBOR: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: Int64) { self.init(value) }
}

extension CBOR: ExpressibleByFloatLiteral {
    @inlinable
    public init(floatLiteral value: Double) { self = .float(value) }
}

extension CBOR: ExpressibleByStringLiteral {
    @inlinable
    public init(stringLiteral value: String) { self = .text(value) }
}

extension CBOR: ExpressibleByBooleanLiteral {
    @inlinable
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension CBOR: ExpressibleByArrayLiteral {
    @inlinable
    public init(arrayLiteral elements: CBOR...) { self = .array(elements) }
}

extension CBOR: ExpressibleByDictionaryLiteral {
    /// Builds a `.map` with the entries in the order written.
    @inlinable
    public init(dictionaryLiteral elements: (CBOR, CBOR)...) {
        self = .map(elements.map { CBORPair($0.0, $0.1) })
    }
}
