// Base45 (RFC 9285).

/// Base45 encoding and decoding (RFC 9285), alphabet
/// `0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:`.
public enum Base45 {
    /// Encodes bytes: each pair becomes three characters, a final single
    /// byte two.
    public static func encode(_ bytes: [UInt8]) -> String {
        let pairs = bytes.count / 2
        let outCount = pairs * 3 + (bytes.count & 1 == 1 ? 2 : 0)
        if outCount == 0 { return "" }
        return bytes.withUnsafeBufferPointer { src in
            String(unsafeUninitializedCapacity: outCount) { dst in
                base45Alphabet.withUTF8Buffer { alphabet in
                    var i = 0
                    var o = 0
                    while i &+ 1 < src.count {
                        var n = Int(src[i]) &<< 8 | Int(src[i &+ 1])
                        dst[o] = alphabet[n % 45]; n /= 45
                        dst[o &+ 1] = alphabet[n % 45]; n /= 45
                        dst[o &+ 2] = alphabet[n]
                        i &+= 2
                        o &+= 3
                    }
                    if i < src.count {
                        let n = Int(src[i])
                        dst[o] = alphabet[n % 45]
                        dst[o &+ 1] = alphabet[n / 45]
                        o &+= 2
                    }
                    return o
                }
            }
        }
    }

    /// Decodes Base45 text. Error positions are character indices in `string`.
    public static func decode(_ string: String) throws(Base45Error) -> [UInt8] {
        var string = string
        let result: Result<[UInt8], Base45Failure> = string.withUTF8 { decodeCore($0) }
        switch result {
        case .success(let bytes):
            return bytes
        case .failure(let failure):
            throw failure.error(in: string)
        }
    }

    /// Decodes Base45 from raw (ASCII) bytes, e.g. straight from a scanner.
    /// Error positions are byte indices.
    public static func decode<C: Collection>(ascii: C) throws(Base45Error) -> [UInt8] where C.Element == UInt8 {
        let fast = ascii.withContiguousStorageIfAvailable { decodeCore($0) }
        let result = fast ?? Array(ascii).withUnsafeBufferPointer { decodeCore($0) }
        switch result {
        case .success(let bytes):
            return bytes
        case .failure(let failure):
            throw failure.error()
        }
    }
}

/// Why a text is not valid Base45.
public struct Base45Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// A character outside the Base45 alphabet.
        case invalidCharacter
        /// The length leaves a single character over (length mod 3 == 1).
        case invalidLength
        /// A group of three characters above 65535, or a final pair above 255.
        case valueOutOfRange
    }

    public var kind: Kind
    /// 0-based character index: of the bad character, of the first character
    /// of the out-of-range group, or of the left-over last character.
    public var position: Int
    /// The offending character (for `.invalidCharacter`), else nil. For the
    /// `decode(ascii:)` entry point a non-ASCII byte is shown as the Latin-1
    /// character with that code.
    public var character: Character?
    /// For `.valueOutOfRange`: the characters of the group and its value.
    public var group: String?
    public var value: Int?
    /// For `.invalidLength`: the total number of characters.
    public var length: Int?

    public init(kind: Kind, position: Int, character: Character? = nil,
                group: String? = nil, value: Int? = nil, length: Int? = nil) {
        self.kind = kind
        self.position = position
        self.character = character
        self.group = group
        self.value = value
        self.length = length
    }

    public var description: String {
        switch kind {
        case .invalidCharacter:
            var text = "character \(position)"
            if let c = character {
                text += " (\(Base45Error.show(c)))"
            }
            text += " is not in the Base45 alphabet (0-9, A-Z, space and $%*+-./:)"
            if let c = character, c.isASCII, c.isLowercase {
                text += "; Base45 is upper-case only - check Caps Lock or the scanner's keyboard layout"
            }
            return text
        case .invalidLength:
            let n = length ?? position + 1
            return "Base45 text of \(n) characters has an impossible length: it must be a multiple of 3, "
                + "or 2 more than a multiple of 3; the character at position \(position) is left over"
        case .valueOutOfRange:
            let chars = group.map { " (\"\($0)\")" } ?? ""
            let count = group?.count ?? 3
            let limit = count == 2 ? 255 : 65535
            let v = value.map { String($0) } ?? "a value"
            return "characters \(position)-\(position + count - 1)\(chars) of the Base45 text "
                + "encode \(v), more than the maximum \(limit) for \(count == 2 ? "a final byte" : "two bytes")"
        }
    }

    private static func show(_ c: Character) -> String {
        if c.isASCII, let scalar = c.unicodeScalars.first, scalar.value >= 0x20, scalar.value < 0x7f {
            return "'\(c)'"
        }
        let codes = c.unicodeScalars.map { scalar -> String in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        if c.unicodeScalars.allSatisfy({ $0.value >= 0xa0 }) {
            return "'\(c)', " + codes.joined(separator: " ")
        }
        return codes.joined(separator: " ")
    }
}

// MARK: - Internals

private let base45Alphabet: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/// 256-entry table: the digit value of each byte, 0xff if not in the alphabet.
private let base45Lookup: [UInt8] = {
    var table = [UInt8](repeating: 0xff, count: 256)
    base45Alphabet.withUTF8Buffer { alphabet in
        for (i, c) in alphabet.enumerated() {
            table[Int(c)] = UInt8(i)
        }
    }
    return table
}()

/// A decode failure located by byte offset, turned into a `Base45Error` by
/// the entry point that knows how to translate offsets into positions.
struct Base45Failure: Error {
    var kind: Base45Error.Kind
    var byteOffset: Int
    var byte: UInt8 = 0
    var groupBytes: [UInt8] = []
    var value: Int = 0
    var totalBytes: Int = 0

    /// For raw ASCII input: byte offsets are positions.
    func error() -> Base45Error {
        switch kind {
        case .invalidCharacter:
            return Base45Error(kind: kind, position: byteOffset,
                               character: Character(Unicode.Scalar(byte)))
        case .invalidLength:
            return Base45Error(kind: kind, position: byteOffset, length: totalBytes)
        case .valueOutOfRange:
            return Base45Error(kind: kind, position: byteOffset,
                               group: String(decoding: groupBytes, as: UTF8.self), value: value)
        }
    }

    /// For String input: translate the byte offset into a Character index.
    func error(in string: String) -> Base45Error {
        var position = 0
        var consumed = 0
        var found: Character? = nil
        for c in string {
            let size = c.utf8.count
            if consumed + size > byteOffset {
                found = c
                break
            }
            consumed += size
            position += 1
        }
        switch kind {
        case .invalidCharacter:
            return Base45Error(kind: kind, position: position, character: found)
        case .invalidLength:
            return Base45Error(kind: kind, position: position, length: string.count)
        case .valueOutOfRange:
            // Everything before a group that reached the value check is ASCII,
            // so byte offsets and positions coincide there.
            return Base45Error(kind: kind, position: position,
                               group: String(decoding: groupBytes, as: UTF8.self), value: value)
        }
    }
}

@inline(__always)
private func decodeCore(_ src: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Base45Failure> {
    let n = src.count
    let full = n / 3
    let rest = n - full * 3
    let outCount = full * 2 + (rest == 2 ? 1 : 0)
    var failure: Base45Failure? = nil
    let bytes = base45Lookup.withUnsafeBufferPointer { table -> [UInt8] in
        [UInt8](unsafeUninitializedCapacity: outCount) { dst, initialized in
            var i = 0
            var o = 0
            while i < full * 3 {
                let c0 = table[Int(src[i])]
                let c1 = table[Int(src[i &+ 1])]
                let c2 = table[Int(src[i &+ 2])]
                if (c0 | c1 | c2) == 0xff {
                    // 0xff only arises when one of them is 0xff (digits are < 64).
                    let bad = c0 == 0xff ? i : (c1 == 0xff ? i &+ 1 : i &+ 2)
                    failure = Base45Failure(kind: .invalidCharacter, byteOffset: bad, byte: src[bad])
                    initialized = o
                    return
                }
                let v = Int(c0) &+ Int(c1) &* 45 &+ Int(c2) &* 2025
                if v > 0xffff {
                    failure = Base45Failure(kind: .valueOutOfRange, byteOffset: i,
                                            groupBytes: Array(src[i ..< i &+ 3]), value: v)
                    initialized = o
                    return
                }
                dst[o] = UInt8(truncatingIfNeeded: v &>> 8)
                dst[o &+ 1] = UInt8(truncatingIfNeeded: v)
                i &+= 3
                o &+= 2
            }
            if rest > 0 {
                var j = i
                while j < n {
                    if table[Int(src[j])] == 0xff {
                        failure = Base45Failure(kind: .invalidCharacter, byteOffset: j, byte: src[j])
                        initialized = o
                        return
                    }
                    j &+= 1
                }
                if rest == 1 {
                    failure = Base45Failure(kind: .invalidLength, byteOffset: i, totalBytes: n)
                    initialized = o
                    return
                }
                let v = Int(table[Int(src[i])]) &+ Int(table[Int(src[i &+ 1])]) &* 45
                if v > 0xff {
                    failure = Base45Failure(kind: .valueOutOfRange, byteOffset: i,
                                            groupBytes: Array(src[i ..< i &+ 2]), value: v)
                    initialized = o
                    return
                }
                dst[o] = UInt8(truncatingIfNeeded: v)
                o &+= 1
            }
            initialized = o
        }
    }
    if let failure { return .failure(failure) }
    return .success(bytes)
}
