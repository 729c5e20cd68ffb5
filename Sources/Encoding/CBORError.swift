/// Resource limits applied while decoding CBOR.
///
/// Definite lengths are always checked against the bytes that remain before
/// anything is allocated, so these limits only bound what a well-formed but
/// hostile input can make the decoder build.
public struct CBORLimits: Sendable, Hashable {
    /// Maximum number of nested containers (arrays, maps and tags) around any
    /// data item. A top-level scalar has depth 0, the items of a top-level
    /// array depth 1. The decoder recurses once per level, so keep this
    /// small (the default is 64).
    public var maxDepth: Int
    /// Maximum number of data items in one decode: every item counts, including
    /// array elements, map keys and values, and tag contents.
    public var maxItems: Int
    /// Maximum length in bytes of one byte or text string (for indefinite-length
    /// strings, of the concatenated chunks).
    public var maxStringLength: Int

    public init(maxDepth: Int = 64, maxItems: Int = 1 << 20, maxStringLength: Int = 1 << 24) {
        self.maxDepth = maxDepth
        self.maxItems = maxItems
        self.maxStringLength = maxStringLength
    }
}

/// Why a byte sequence is not an acceptable CBOR data item.
public struct CBORError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// The input ends inside a head, a string, or before a container or
        /// tag is complete (including a declared length larger than the input).
        case truncated
        /// `decode` found bytes after the single data item.
        case trailingBytes
        /// Additional information 28, 29 or 30.
        case reservedAdditionalInfo
        /// Additional information 31 on major type 0, 1 or 6.
        case invalidIndefiniteLength
        /// A break stop code (0xff) where no indefinite-length item is open,
        /// or in the value position of an indefinite-length map.
        case unexpectedBreak
        /// A chunk inside an indefinite-length string that is not a
        /// definite-length string of the same major type.
        case invalidChunk
        /// A text string that is not valid UTF-8.
        case invalidUTF8
        /// More nested containers than `CBORLimits.maxDepth`.
        case tooDeep
        /// More items than `CBORLimits.maxItems`, or a string longer than
        /// `CBORLimits.maxStringLength`.
        case tooLarge
        /// A two-byte simple value (0xf8 xx) with xx < 32.
        case invalidSimpleValue
    }

    public var kind: Kind
    /// Byte offset (0-based, from the start of the buffer given to the
    /// decoder) where the problem was found: the start of the head for
    /// problems in a head or a string, the position of the offending byte
    /// otherwise.
    public var offset: Int
    /// A short explanation, e.g. "a byte string needs 12 more bytes".
    public var detail: String

    public init(_ kind: Kind, at offset: Int, detail: String = "") {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    /// A sentence for a person, e.g.
    /// "CBOR is truncated at byte 41 (a byte string needs 12 more bytes)".
    public var description: String {
        let head: String
        switch kind {
        case .truncated: head = "CBOR is truncated"
        case .trailingBytes: head = "CBOR has unexpected trailing bytes"
        case .reservedAdditionalInfo: head = "CBOR uses reserved additional information"
        case .invalidIndefiniteLength: head = "CBOR has an indefinite length where none is allowed"
        case .unexpectedBreak: head = "CBOR has a misplaced break code"
        case .invalidChunk: head = "CBOR has an invalid chunk in an indefinite-length string"
        case .invalidUTF8: head = "CBOR text string is not valid UTF-8"
        case .tooDeep: head = "CBOR is nested too deeply"
        case .tooLarge: head = "CBOR exceeds a size limit"
        case .invalidSimpleValue: head = "CBOR has an invalid simple value"
        }
        if detail.isEmpty {
            return "\(head) at byte \(offset)"
        }
        return "\(head) at byte \(offset) (\(detail))"
    }
}
