// CBOR decoder: a recursive-descent reader over an UnsafeBufferPointer.
//
// Invariants:
// - `pos <= end` at all times; every read is preceded by an explicit check
//   of `end - pos`, so no index ever leaves the buffer.
// - Declared lengths are compared with the remaining byte count before any
//   allocation; counts of arrays/maps must also fit in the remaining bytes.
// - Recursion depth is bounded by `CBORLimits.maxDepth`.

extension CBOR {
    /// Decodes exactly one data item; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8], limits: CBORLimits = .init()) throws(CBORError) -> CBOR {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CBORError) -> CBOR in
            try decode(buffer, limits: limits)
        }
    }

    /// Decodes exactly one data item; trailing bytes are an error. Error
    /// offsets are relative to the start of the slice.
    public static func decode(_ bytes: ArraySlice<UInt8>, limits: CBORLimits = .init()) throws(CBORError) -> CBOR {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CBORError) -> CBOR in
            try decode(buffer, limits: limits)
        }
    }

    /// Decodes exactly one data item from raw memory; trailing bytes are an error.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: CBORLimits = .init()) throws(CBORError) -> CBOR {
        try decode(bytes.assumingMemoryBound(to: UInt8.self), limits: limits)
    }

    /// Decodes exactly one data item from a buffer; trailing bytes are an error.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: CBORLimits = .init()) throws(CBORError) -> CBOR {
        var reader = CBORReader(bytes, limits: limits)
        let item = try reader.readItem(depth: 0)
        if reader.pos != reader.end {
            let extra = reader.end - reader.pos
            throw CBORError(.trailingBytes, at: reader.pos,
                            detail: "\(extra) \(extra == 1 ? "byte follows" : "bytes follow") the complete data item")
        }
        return item
    }

    /// Decodes the first data item and reports how many bytes it used;
    /// whatever follows is left alone.
    public static func decodePrefix(_ bytes: [UInt8], limits: CBORLimits = .init()) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) in
            try decodePrefix(buffer, limits: limits)
        }
    }

    /// Decodes the first data item of the slice; `bytesConsumed` counts from
    /// the slice's start.
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>, limits: CBORLimits = .init()) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) in
            try decodePrefix(buffer, limits: limits)
        }
    }

    /// Decodes the first data item in raw memory.
    public static func decodePrefix(_ bytes: UnsafeRawBufferPointer, limits: CBORLimits = .init()) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) {
        try decodePrefix(bytes.assumingMemoryBound(to: UInt8.self), limits: limits)
    }

    /// Decodes the first data item of the buffer.
    public static func decodePrefix(_ bytes: UnsafeBufferPointer<UInt8>, limits: CBORLimits = .init()) throws(CBORError) -> (item: CBOR, bytesConsumed: Int) {
        var reader = CBORReader(bytes, limits: limits)
        let item = try reader.readItem(depth: 0)
        return (item, reader.pos)
    }
}

/// Names used in error details, indexed by major type.
private let majorNames: [String] = [
    "an unsigned integer", "a negative integer", "a byte string", "a text string",
    "an array", "a map", "a tag", "a simple value or float",
]

struct CBORReader {
    let p: UnsafeBufferPointer<UInt8>
    var pos: Int
    let end: Int
    let maxDepth: Int
    let maxItems: Int
    let maxStringLength: Int
    var itemCount: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, limits: CBORLimits) {
        p = buffer
        pos = 0
        end = buffer.count
        maxDepth = limits.maxDepth
        maxItems = limits.maxItems
        maxStringLength = limits.maxStringLength
        itemCount = 0
    }

    // MARK: Primitive reads (caller has checked the bytes are there)

    @inline(__always)
    func load16(_ i: Int) -> UInt16 {
        UInt16(p[i]) &<< 8 | UInt16(p[i &+ 1])
    }

    @inline(__always)
    func load32(_ i: Int) -> UInt32 {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt32.self).bigEndian
    }

    @inline(__always)
    func load64(_ i: Int) -> UInt64 {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self).bigEndian
    }

    // MARK: Heads

    /// Reads the argument for additional information `ai` (0...27). `start`
    /// is the offset of the initial byte, used for error reporting.
    @inline(__always)
    mutating func argument(_ ai: UInt8, major: UInt8, start: Int) throws(CBORError) -> UInt64 {
        if ai < 24 { return UInt64(ai) }
        let available = end &- pos
        let size: Int
        switch ai {
        case 24: size = 1
        case 25: size = 2
        case 26: size = 4
        case 27: size = 8
        case 31:
            throw CBORError(.invalidIndefiniteLength, at: start,
                            detail: "initial byte 0x\(hex2(p[start])): \(majorNames[Int(major)]) cannot have indefinite length")
        default:
            throw CBORError(.reservedAdditionalInfo, at: start,
                            detail: "initial byte 0x\(hex2(p[start])): additional information \(ai) is reserved")
        }
        guard available >= size else {
            let missing = size - available
            throw CBORError(.truncated, at: start,
                            detail: "the head of \(majorNames[Int(major)]) needs \(missing) more \(missing == 1 ? "byte" : "bytes")")
        }
        let value: UInt64
        switch size {
        case 1: value = UInt64(p[pos])
        case 2: value = UInt64(load16(pos))
        case 4: value = UInt64(load32(pos))
        default: value = load64(pos)
        }
        pos &+= size
        return value
    }

    /// Checks that `length` bytes of string content remain and are within the
    /// string limit; returns the length as an Int.
    @inline(__always)
    func checkedLength(_ length: UInt64, major: UInt8, start: Int) throws(CBORError) -> Int {
        let available = end &- pos
        guard length <= UInt64(available) else {
            let missing = length - UInt64(available)
            throw CBORError(.truncated, at: start,
                            detail: "\(majorNames[Int(major)]) needs \(missing) more \(missing == 1 ? "byte" : "bytes")")
        }
        let n = Int(length)
        guard n <= maxStringLength else {
            throw CBORError(.tooLarge, at: start,
                            detail: "\(majorNames[Int(major)]) of \(n) bytes is longer than the limit of \(maxStringLength)")
        }
        return n
    }

    @inline(__always)
    mutating func countItems(_ n: Int, at start: Int) throws(CBORError) {
        // itemCount <= maxItems always holds here, so the subtraction is safe
        // as long as maxItems >= 0; clamp negative limits to zero.
        let room = maxItems > itemCount ? maxItems - itemCount : 0
        guard n <= room else {
            throw CBORError(.tooLarge, at: start,
                            detail: "more than the limit of \(maxItems) data items")
        }
        itemCount &+= n
    }

    // MARK: Items

    mutating func readItem(depth: Int) throws(CBORError) -> CBOR {
        guard pos < end else {
            throw CBORError(.truncated, at: pos, detail: "a data item is missing")
        }
        try countItems(1, at: pos)
        let start = pos
        let initial = p[pos]
        pos &+= 1
        let major = initial &>> 5
        let ai = initial & 0x1f

        switch major {
        case 0:
            return .unsigned(try argument(ai, major: 0, start: start))

        case 1:
            return .negative(try argument(ai, major: 1, start: start))

        case 2:
            if ai == 31 {
                return .bytes(try readIndefiniteString(major: 2, start: start))
            }
            // Two statements on purpose: `argument` advances `pos`, which
            // `checkedLength` must see.
            let length = try argument(ai, major: 2, start: start)
            let n = try checkedLength(length, major: 2, start: start)
            let bytes = [UInt8](UnsafeBufferPointer(rebasing: p[pos ..< pos &+ n]))
            pos &+= n
            return .bytes(bytes)

        case 3:
            if ai == 31 {
                let bytes = try readIndefiniteString(major: 3, start: start)
                return .text(String(decoding: bytes, as: UTF8.self))
            }
            let length = try argument(ai, major: 3, start: start)
            let n = try checkedLength(length, major: 3, start: start)
            let content = UnsafeBufferPointer(rebasing: p[pos ..< pos &+ n])
            if let bad = firstInvalidUTF8(content) {
                throw CBORError(.invalidUTF8, at: pos &+ bad,
                                detail: "in the text string that starts at byte \(start)")
            }
            pos &+= n
            return .text(String(decoding: content, as: UTF8.self))

        case 4:
            guard depth < maxDepth else { throw tooDeep(start) }
            if ai == 31 {
                var items: [CBOR] = []
                while true {
                    guard pos < end else {
                        throw CBORError(.truncated, at: pos,
                                        detail: "the indefinite-length array that starts at byte \(start) has no break code")
                    }
                    if p[pos] == 0xff {
                        pos &+= 1
                        break
                    }
                    items.append(try readItem(depth: depth &+ 1))
                }
                return .array(items)
            }
            let count = try argument(ai, major: 4, start: start)
            let available = end &- pos
            guard count <= UInt64(available) else {
                throw CBORError(.truncated, at: start,
                                detail: "an array of \(count) items needs at least \(count) bytes but only \(available) remain")
            }
            let n = Int(count)
            guard n <= maxItems &- itemCount else {
                throw CBORError(.tooLarge, at: start, detail: "an array of \(n) items is more than the limit of \(maxItems) data items")
            }
            var items: [CBOR] = []
            items.reserveCapacity(n)
            var i = 0
            while i < n {
                guard pos < end else {
                    let missing = n - i
                    throw CBORError(.truncated, at: pos,
                                    detail: "the array that starts at byte \(start) needs \(missing) more \(missing == 1 ? "item" : "items")")
                }
                items.append(try readItem(depth: depth &+ 1))
                i &+= 1
            }
            return .array(items)

        case 5:
            guard depth < maxDepth else { throw tooDeep(start) }
            if ai == 31 {
                var pairs: [CBORPair] = []
                while true {
                    guard pos < end else {
                        throw CBORError(.truncated, at: pos,
                                        detail: "the indefinite-length map that starts at byte \(start) has no break code")
                    }
                    if p[pos] == 0xff {
                        pos &+= 1
                        break
                    }
                    let key = try readItem(depth: depth &+ 1)
                    guard pos < end else {
                        throw CBORError(.truncated, at: pos,
                                        detail: "the map that starts at byte \(start) needs a value for its last key")
                    }
                    if p[pos] == 0xff {
                        throw CBORError(.unexpectedBreak, at: pos,
                                        detail: "the indefinite-length map that starts at byte \(start) ends after a key, without its value")
                    }
                    let value = try readItem(depth: depth &+ 1)
                    pairs.append(CBORPair(key, value))
                }
                return .map(pairs)
            }
            let count = try argument(ai, major: 5, start: start)
            let available = end &- pos
            // A pair needs at least two bytes, but only a count beyond the
            // remaining bytes is refused up front, so that a break inside a
            // short map is still reported as a misplaced break (RFC 8949 F.1).
            guard count <= UInt64(available) else {
                throw CBORError(.truncated, at: start,
                                detail: "a map of \(count) pairs needs at least two bytes per pair but only \(available) remain")
            }
            let n = Int(count)
            guard n <= (maxItems &- itemCount) / 2 else {
                throw CBORError(.tooLarge, at: start, detail: "a map of \(n) pairs is more than the limit of \(maxItems) data items")
            }
            var pairs: [CBORPair] = []
            pairs.reserveCapacity(Swift.min(n, available / 2))
            var i = 0
            while i < n {
                guard pos < end else {
                    let missing = n - i
                    throw CBORError(.truncated, at: pos,
                                    detail: "the map that starts at byte \(start) needs \(missing) more \(missing == 1 ? "pair" : "pairs")")
                }
                let key = try readItem(depth: depth &+ 1)
                guard pos < end else {
                    throw CBORError(.truncated, at: pos,
                                    detail: "the map that starts at byte \(start) needs a value for its last key")
                }
                let value = try readItem(depth: depth &+ 1)
                pairs.append(CBORPair(key, value))
                i &+= 1
            }
            return .map(pairs)

        case 6:
            let tag = try argument(ai, major: 6, start: start)
            guard depth < maxDepth else { throw tooDeep(start) }
            guard pos < end else {
                throw CBORError(.truncated, at: pos, detail: "tag \(tag) at byte \(start) has no content")
            }
            return .tagged(tag, try readItem(depth: depth &+ 1))

        default: // 7
            return try readSimpleOrFloat(ai, start: start)
        }
    }

    @inline(__always)
    func tooDeep(_ start: Int) -> CBORError {
        CBORError(.tooDeep, at: start, detail: "more than \(maxDepth) nested arrays, maps or tags")
    }

    mutating func readSimpleOrFloat(_ ai: UInt8, start: Int) throws(CBORError) -> CBOR {
        switch ai {
        case 0 ..< 20:
            return .simple(ai)
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            guard pos < end else {
                throw CBORError(.truncated, at: start, detail: "the head of a simple value needs 1 more byte")
            }
            let value = p[pos]
            guard value >= 32 else {
                throw CBORError(.invalidSimpleValue, at: start,
                                detail: "simple value \(value) must not use the two-byte form 0xf8 0x\(hex2(value))")
            }
            pos &+= 1
            return .simple(value)
        case 25, 26, 27:
            let size = ai == 25 ? 2 : (ai == 26 ? 4 : 8)
            let available = end &- pos
            guard available >= size else {
                let missing = size - available
                throw CBORError(.truncated, at: start,
                                detail: "a float needs \(missing) more \(missing == 1 ? "byte" : "bytes")")
            }
            let value: Double
            switch size {
            case 2: value = halfToDouble(load16(pos))
            case 4: value = Double(Float(bitPattern: load32(pos)))
            default: value = Double(bitPattern: load64(pos))
            }
            pos &+= size
            return .float(value)
        case 31:
            throw CBORError(.unexpectedBreak, at: start,
                            detail: "a break code (0xff) may only end an indefinite-length string, array or map")
        default:
            throw CBORError(.reservedAdditionalInfo, at: start,
                            detail: "initial byte 0x\(hex2(p[start])): additional information \(ai) is reserved")
        }
    }

    /// Reads the chunks of an indefinite-length byte (major 2) or text
    /// (major 3) string, after its initial byte. Text chunks are validated
    /// individually, as RFC 8949 requires.
    mutating func readIndefiniteString(major: UInt8, start: Int) throws(CBORError) -> [UInt8] {
        var result: [UInt8] = []
        while true {
            guard pos < end else {
                throw CBORError(.truncated, at: pos,
                                detail: "the indefinite-length \(major == 2 ? "byte" : "text") string that starts at byte \(start) has no break code")
            }
            let chunkStart = pos
            let initial = p[pos]
            if initial == 0xff {
                pos &+= 1
                return result
            }
            let chunkMajor = initial &>> 5
            let chunkAI = initial & 0x1f
            guard chunkMajor == major, chunkAI != 31 else {
                let what = major == 2 ? "byte" : "text"
                let found = chunkMajor == major ? "an indefinite-length chunk" : majorNames[Int(chunkMajor)]
                throw CBORError(.invalidChunk, at: chunkStart,
                                detail: "an indefinite-length \(what) string may only contain definite-length \(what) strings, found \(found) (0x\(hex2(initial)))")
            }
            pos &+= 1
            let length = try argument(chunkAI, major: major, start: chunkStart)
            let n = try checkedLength(length, major: major, start: chunkStart)
            guard n <= maxStringLength - result.count else {
                throw CBORError(.tooLarge, at: chunkStart,
                                detail: "the indefinite-length string that starts at byte \(start) is longer than the limit of \(maxStringLength) bytes")
            }
            let content = UnsafeBufferPointer(rebasing: p[pos ..< pos &+ n])
            if major == 3, let bad = firstInvalidUTF8(content) {
                throw CBORError(.invalidUTF8, at: pos &+ bad,
                                detail: "in the text string chunk that starts at byte \(chunkStart)")
            }
            result.append(contentsOf: content)
            pos &+= n
        }
    }
}

// MARK: - Helpers

@inline(__always)
func hex2(_ b: UInt8) -> String {
    let digits: StaticString = "0123456789abcdef"
    return digits.withUTF8Buffer { d in
        String(decoding: [d[Int(b >> 4)], d[Int(b & 0xf)]], as: UTF8.self)
    }
}

/// IEEE 754 binary16 to Double (exact).
@inline(__always)
func halfToDouble(_ h: UInt16) -> Double {
    let negative = h & 0x8000 != 0
    let exponent = Int((h >> 10) & 0x1f)
    let mantissa = UInt64(h & 0x3ff)
    let magnitude: Double
    if exponent == 0 {
        // Zero or subnormal: mantissa × 2^-24.
        magnitude = Double(mantissa) * 0x1p-24
    } else if exponent == 31 {
        magnitude = mantissa == 0 ? .infinity : .nan
    } else {
        // Normal: rebias the exponent (15 -> 1023) and widen the mantissa.
        magnitude = Double(bitPattern: UInt64(exponent - 15 + 1023) << 52 | mantissa << 42)
    }
    return negative ? -magnitude : magnitude
}

/// Returns the offset of the first byte that makes `s` invalid UTF-8, or nil
/// if it is valid (no overlong forms, no surrogates, nothing above U+10FFFF).
@inline(__always)
func firstInvalidUTF8(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = s.count
    var i = 0
    // ASCII fast path, eight bytes at a time.
    if n >= 8, let base = s.baseAddress {
        let raw = UnsafeRawPointer(base)
        while i &+ 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i &+= 8
        }
    }
    while i < n {
        let b0 = s[i]
        if b0 < 0x80 {
            i &+= 1
            continue
        }
        let remaining = n &- i
        if b0 < 0xc2 {
            return i // continuation byte or overlong two-byte lead
        } else if b0 < 0xe0 {
            guard remaining >= 2 else { return i }
            guard s[i &+ 1] & 0xc0 == 0x80 else { return i &+ 1 }
            i &+= 2
        } else if b0 < 0xf0 {
            guard remaining >= 2 else { return i }
            let b1 = s[i &+ 1]
            guard b1 & 0xc0 == 0x80 else { return i &+ 1 }
            if b0 == 0xe0 && b1 < 0xa0 { return i &+ 1 }     // overlong
            if b0 == 0xed && b1 > 0x9f { return i &+ 1 }     // surrogate
            guard remaining >= 3 else { return i }
            guard s[i &+ 2] & 0xc0 == 0x80 else { return i &+ 2 }
            i &+= 3
        } else if b0 < 0xf5 {
            guard remaining >= 2 else { return i }
            let b1 = s[i &+ 1]
            guard b1 & 0xc0 == 0x80 else { return i &+ 1 }
            if b0 == 0xf0 && b1 < 0x90 { return i &+ 1 }     // overlong
            if b0 == 0xf4 && b1 > 0x8f { return i &+ 1 }     // above U+10FFFF
            guard remaining >= 3 else { return i }
            guard s[i &+ 2] & 0xc0 == 0x80 else { return i &+ 2 }
            guard remaining >= 4 else { return i }
            guard s[i &+ 3] & 0xc0 == 0x80 else { return i &+ 3 }
            i &+= 4
        } else {
            return i
        }
    }
    return nil
}
