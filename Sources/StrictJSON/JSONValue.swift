// A JSON value as parsed by `JSONParser` and written by the writers.
//
// Strings and object keys compare by Unicode scalar (their UTF-8 bytes), like
// Python and most JSON implementations, and NOT by Swift's canonical
// equivalence: "\u{E9}" and "e\u{301}" are different keys and different strings.

/// A JSON value.
///
/// Numbers: `.integer` is a number written with no fraction and no exponent that
/// fits `Int64`; every other number is `.number`.
///
/// The enum is deliberately not `indirect`: arrays and objects already store their
/// elements out of line, and keeping scalars inline avoids one heap allocation per value.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number with no fraction and no exponent that fits `Int64`.
    case integer(Int64)
    /// Every other number (never NaN or infinite when produced by the parser).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue: Equatable {
    /// Structural equality. Strings compare by Unicode scalars; objects compare as
    /// unordered maps (same keys, equal values, key order ignored); `.integer(1)` and
    /// `.number(1.0)` are different values.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return utf8Equal(a, b)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

// MARK: - Accessors

extension JSONValue {
    /// The string, if this is `.string`.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is `.integer`, or a `.number` that is integral and exactly
    /// representable as `Int64`.
    @inlinable public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d):
            // Not `Int64(exactly:)`: that calls libm's rint/trunc/..., and this module
            // must link without libm. Int64(d) on this range is one truncating conversion.
            guard d >= -9223372036854775808.0 && d < 9223372036854775808.0 else { return nil }
            let i = Int64(d)
            return Double(i) == d ? i : nil
        default: return nil
        }
    }

    /// `integerValue` as `Int`, if it fits.
    @inlinable public var intValue: Int? {
        guard let i = integerValue else { return nil }
        return Int(exactly: i)
    }

    /// The number as a `Double`, from either `.integer` (possibly rounded beyond 2^53) or `.number`.
    @inlinable public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// The boolean, if this is `.bool`.
    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this is `.array`.
    @inlinable public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, if this is `.object`.
    @inlinable public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// True for `.null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key`; nil if this is not an object or has no such member.
    @inlinable public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index`; nil if this is not an array or the index is out of bounds.
    @inlinable public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return nil
    }

    /// A short type name for error messages: "null", "boolean", "integer", "number",
    /// "string", "array" or "object".
    @inlinable public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

// MARK: - Literals and description

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Later duplicates replace earlier values.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text (`serialized()`).
    public var description: String { serialized() }
}

// MARK: - Byte-wise string helpers (internal)

/// True when the two strings have identical UTF-8 bytes (identical Unicode scalars).
@usableFromInline
func utf8Equal(_ a: String, _ b: String) -> Bool {
    let au = a.utf8, bu = b.utf8
    if au.count != bu.count { return false }
    if let r = au.withContiguousStorageIfAvailable({ pa in
        bu.withContiguousStorageIfAvailable { pb -> Bool in
            var i = 0
            let n = pa.count
            while i < n {
                if pa[i] != pb[i] { return false }
                i += 1
            }
            return true
        }
    }), let result = r {
        return result
    }
    return au.elementsEqual(bu)
}

/// Unicode code point order (the order of Python's `sorted()` on `str`), which is
/// the lexicographic order of the UTF-8 bytes.
@usableFromInline
func utf8Less(_ a: String, _ b: String) -> Bool {
    if let r = a.utf8.withContiguousStorageIfAvailable({ pa in
        b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
            let n = min(pa.count, pb.count)
            var i = 0
            while i < n {
                let x = pa[i], y = pb[i]
                if x != y { return x < y }
                i += 1
            }
            return pa.count < pb.count
        }
    }), let result = r {
        return result
    }
    return a.utf8.lexicographicallyPrecedes(b.utf8)
}
