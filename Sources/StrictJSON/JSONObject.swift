/// A hashable wrapper that hashes and compares a key by its UTF-8 bytes.
@usableFromInline
struct JSONKey: Hashable, Sendable {
    @usableFromInline let string: String

    @inlinable init(_ string: String) { self.string = string }

    @usableFromInline static func == (a: JSONKey, b: JSONKey) -> Bool {
        utf8Equal(a.string, b.string)
    }

    @usableFromInline func hash(into hasher: inout Hasher) {
        let done: Bool? = string.utf8.withContiguousStorageIfAvailable { p in
            hasher.combine(bytes: UnsafeRawBufferPointer(p))
            return true
        }
        if done == nil {
            for b in string.utf8 { hasher.combine(b) }
        }
        hasher.combine(0xFF as UInt8)  // terminator (0xFF never occurs in UTF-8)
    }
}

/// A JSON object: members in insertion (document) order, unique keys.
///
/// Keys compare by Unicode scalar (UTF-8 bytes). Lookups are a linear scan for small
/// objects and use a hash index once an object has `JSONObject.indexThreshold` keys.
/// Equality ignores member order (JSON objects are unordered); iteration and writing
/// keep it.
public struct JSONObject: Sendable {
    public typealias Element = (key: String, value: JSONValue)

    /// Objects with at least this many keys keep a hash index.
    public static let indexThreshold = 16

    @usableFromInline var _keys: [String]
    @usableFromInline var _values: [JSONValue]
    @usableFromInline var _index: [JSONKey: Int]?

    /// An empty object.
    public init() {
        _keys = []
        _values = []
        _index = nil
    }

    /// An object with the given members in order. A later duplicate key replaces the
    /// earlier value and keeps the earlier position.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        _keys.reserveCapacity(pairs.count)
        _values.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Trusted construction (unique keys guaranteed by the caller, index already
    /// built when `keys.count >= indexThreshold`).
    init(uniqueKeys keys: [String], values: [JSONValue], index: [JSONKey: Int]?) {
        _keys = keys
        _values = values
        _index = keys.count >= JSONObject.indexThreshold ? (index ?? JSONObject.buildIndex(keys)) : nil
    }

    static func buildIndex(_ keys: [String]) -> [JSONKey: Int] {
        var idx = [JSONKey: Int](minimumCapacity: keys.count)
        for (i, k) in keys.enumerated() { idx[JSONKey(k)] = i }
        return idx
    }

    /// The keys in order.
    @inlinable public var keys: [String] { _keys }
    /// The values in key order.
    @inlinable public var values: [JSONValue] { _values }
    @inlinable public var count: Int { _keys.count }
    @inlinable public var isEmpty: Bool { _keys.isEmpty }

    /// The position of `key` in `keys`, or nil.
    public func index(forKey key: String) -> Int? {
        if let idx = _index { return idx[JSONKey(key)] }
        for i in 0..<_keys.count where utf8Equal(_keys[i], key) { return i }
        return nil
    }

    /// True if the object has a member named `key`.
    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// The value for `key`. Setting nil removes the member; setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index(forKey: key) else { return nil }
            return _values[i]
        }
        set {
            if let v = newValue {
                updateValue(v, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value for `key` (appending a new member if absent); returns the old value.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let i = index(forKey: key) {
            let old = _values[i]
            _values[i] = value
            return old
        }
        _keys.append(key)
        _values.append(value)
        if _index != nil {
            _index![JSONKey(key)] = _keys.count - 1
        } else if _keys.count >= JSONObject.indexThreshold {
            _index = JSONObject.buildIndex(_keys)
        }
        return nil
    }

    /// Removes the member named `key`; returns its value. O(n).
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index(forKey: key) else { return nil }
        _keys.remove(at: i)
        let old = _values.remove(at: i)
        _index = _keys.count >= JSONObject.indexThreshold ? JSONObject.buildIndex(_keys) : nil
        return old
    }
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        @usableFromInline let keys: [String]
        @usableFromInline let values: [JSONValue]
        @usableFromInline var i = 0
        @inlinable init(keys: [String], values: [JSONValue]) {
            self.keys = keys
            self.values = values
        }
        @inlinable public mutating func next() -> (key: String, value: JSONValue)? {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], values[i])
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(keys: _keys, values: _values) }
    @inlinable public var underestimatedCount: Int { _keys.count }
}

extension JSONObject: Equatable {
    /// Same set of keys (by Unicode scalars) with equal values; member order is ignored.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in 0..<lhs._keys.count {
            // Fast path: same key at the same position.
            if utf8Equal(lhs._keys[i], rhs._keys[i]) {
                if lhs._values[i] != rhs._values[i] { return false }
                continue
            }
            guard let j = rhs.index(forKey: lhs._keys[i]), lhs._values[i] == rhs._values[j] else {
                return false
            }
        }
        return true
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Later duplicates replace earlier values.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { JSONValue.object(self).serialized() }
}
