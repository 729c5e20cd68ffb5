import StampCrypto
import StrictJSON

/// Hashes listed for a file, in document order (algorithm, lowercase or uppercase hex digest).
public typealias FileHashes = [(algorithm: String, digest: String)]

/// What timestamp says about snapshot, or snapshot says about a targets role: `meta` entries.
public struct MetaFile: Sendable {
    public let version: Int64
    /// Optional in TUF; when present the file must be exactly this long.
    public let length: Int?
    /// Optional in TUF; when present every supported hash must match.
    public let hashes: FileHashes?

    init(_ value: JSONValue?, path: String, fields: MetadataFields) throws(TUFError) {
        let o = try fields.object(value, path)
        version = try fields.integer(o["version"], path + ".version", minimum: 1)
        length = try o["length"].map { v throws(TUFError) in try parseLength(v, path + ".length", fields) }
        hashes = try o["hashes"].map { v throws(TUFError) in try parseHashes(v, path + ".hashes", fields) }
    }

    /// Checks `bytes` against the listed length and hashes, whichever are present.
    func verify(_ bytes: [UInt8], file: String) throws(TUFError) {
        if let length, bytes.count != length {
            throw .lengthMismatch(file: file, expected: length, found: bytes.count)
        }
        if let hashes { try verifyHashes(bytes, hashes, file: file) }
    }
}

/// A target file as listed in a targets role: its path, length, hashes and custom data.
public struct TargetFile: Sendable {
    /// The target path (a path-relative URL string, `/`-separated).
    public let path: String
    public let length: Int
    public let hashes: FileHashes
    /// The application's `custom` object, if any (not interpreted by TUF).
    public let custom: JSONValue?

    init(path: String, value: JSONValue, jsonPath: String, fields: MetadataFields) throws(TUFError) {
        let o = try fields.object(value, jsonPath)
        self.path = path
        length = try parseLength(o["length"], jsonPath + ".length", fields)
        hashes = try parseHashes(o["hashes"], jsonPath + ".hashes", fields)
        custom = o["custom"]
    }

    /// Checks that `bytes` is exactly this target: the listed length and every supported listed hash.
    public func verify(_ bytes: [UInt8]) throws(TUFError) {
        guard bytes.count == length else { throw .lengthMismatch(file: path, expected: length, found: bytes.count) }
        try verifyHashes(bytes, hashes, file: path)
    }
}

private func parseLength(_ value: JSONValue?, _ path: String, _ fields: MetadataFields) throws(TUFError) -> Int {
    let n = try fields.integer(value, path, minimum: 0)
    guard let i = Int(exactly: n) else { throw fields.fail(path, "length \(n) is too large") }
    return i
}

private func parseHashes(_ value: JSONValue?, _ path: String, _ fields: MetadataFields) throws(TUFError) -> FileHashes {
    let o = try fields.object(value, path)
    guard !o.isEmpty else { throw fields.fail(path, "at least one hash is required") }
    var out: FileHashes = []
    for (algorithm, digest) in o {
        out.append((algorithm, try fields.string(digest, MetadataFields.member(path, algorithm))))
    }
    return out
}

/// The hash algorithms this client computes, by their TUF names.
let supportedHashAlgorithms = ["sha256", "sha512"]

/// Verifies every listed hash this client can compute (sha256, sha512) and requires at least one
/// of them: a file listed only with algorithms we cannot compute is refused rather than trusted
/// unverified. Other algorithms listed next to a supported one are not checked.
func verifyHashes(_ bytes: [UInt8], _ hashes: FileHashes, file: String) throws(TUFError) {
    var checked = 0
    for (algorithm, digest) in hashes {
        let actual: [UInt8]
        switch algorithm {
        case "sha256": actual = SHA256.hash(bytes)
        case "sha512": actual = SHA512.hash(bytes)
        default: continue
        }
        checked += 1
        guard let expected = Hex.decode(digest), expected == actual else {
            throw .hashMismatch(file: file, algorithm: algorithm, expected: digest, found: Hex.encode(actual))
        }
    }
    guard checked > 0 else { throw .noSupportedHash(file: file, algorithms: hashes.map(\.algorithm)) }
}
