import StrictJSON

/// Why a TUF update, lookup or download was refused.
///
/// Every case names the role (or file) it is about and what exactly failed, so a log line is
/// enough to act on. A failed refresh never leaves untrusted data behind: whatever the error,
/// the metadata directory holds only metadata that passed every check (see `TUFUpdater`).
public enum TUFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes of `role`'s metadata are not JSON.
    case malformedJSON(role: String, error: JSONParseError)
    /// Valid JSON but not valid TUF metadata: `path` is a JSONPath such as `$.signed.meta["snapshot.json"].version`.
    case malformedMetadata(role: String, path: String, reason: String)
    /// The file for `role` holds metadata of another type (`signed._type`): a mix-up or a substitution.
    case wrongType(role: String, expected: String, found: String)
    /// `signed.spec_version` names a major version of the specification this client does not implement.
    case unsupportedSpecVersion(role: String, found: String)
    /// Fewer than `threshold` distinct authorised keys of `delegator` produced a valid signature.
    /// `details` says, key by key, why a key did not count.
    case thresholdNotMet(role: String, delegator: String, valid: Int, threshold: Int, details: [String])
    /// The metadata expired at or before the fixed start time of the update (a freeze attack, a
    /// repository that stopped publishing, or a wrong device clock).
    case expired(role: String, version: Int64, expires: TUFTime, startTime: TUFTime)
    /// The offered version is lower than the trusted one.
    case rollback(role: String, trusted: Int64, offered: Int64)
    /// The version differs from the one that `source` requires (for example the snapshot version
    /// listed in timestamp, or N+1 for the next root).
    case versionMismatch(role: String, expected: Int64, found: Int64, source: String)
    /// A new snapshot no longer lists a metadata file that the trusted snapshot listed.
    case removedFromSnapshot(file: String)
    /// Snapshot does not list `file` although a targets role of that name must be loaded.
    case notInSnapshot(file: String)
    /// `role` is not delegated by `delegator` (a programming or repository error).
    case notDelegated(role: String, delegator: String)
    /// The downloaded bytes have another length than the trusted metadata lists.
    case lengthMismatch(file: String, expected: Int, found: Int)
    /// The downloaded bytes do not have the hash the trusted metadata lists.
    case hashMismatch(file: String, algorithm: String, expected: String, found: String)
    /// The trusted metadata lists only hash algorithms this client cannot compute.
    case noSupportedHash(file: String, algorithms: [String])
    /// Fetching `file` from `url` failed (not found, too long, I/O or HTTP error).
    case download(file: String, url: String, error: TUFTransportError)
    /// Reading or writing the local metadata (or target) directory failed.
    case storage(file: String, message: String)
    /// There is no usable trusted root in the metadata directory: the device was never initialised.
    case noTrustedRoot(reason: String)
    /// An operation was asked for in the wrong order (for example a target lookup before a refresh).
    case workflow(String)

    public var description: String {
        switch self {
        case let .malformedJSON(role, error):
            return "\(role): not valid JSON at \(error) (the file is damaged or is not TUF metadata)"
        case let .malformedMetadata(role, path, reason):
            return "\(role): malformed metadata at \(path): \(reason)"
        case let .wrongType(role, expected, found):
            return "\(role): expected metadata of type \"\(expected)\" but signed._type is \"\(found)\" (wrong or substituted file)"
        case let .unsupportedSpecVersion(role, found):
            return "\(role): spec_version \"\(found)\" is not supported (this client implements TUF 1.x)"
        case let .thresholdNotMet(role, delegator, valid, threshold, details):
            let why = details.isEmpty ? "" : " (" + details.joined(separator: "; ") + ")"
            return "\(role): signature threshold not met: \(valid) of \(threshold) required keys of \(delegator) signed validly\(why)"
        case let .expired(role, version, expires, startTime):
            return "\(role) version \(version) expired at \(expires), not after the update start time \(startTime): possible freeze attack, a repository that stopped publishing, or a wrong clock"
        case let .rollback(role, trusted, offered):
            return "\(role): rollback from version \(trusted) to \(offered) refused (possible rollback attack)"
        case let .versionMismatch(role, expected, found, source):
            return "\(role): version \(found) does not match version \(expected) required by \(source) (mix-and-match or inconsistent repository)"
        case let .removedFromSnapshot(file):
            return "snapshot: \(file) was listed in the trusted snapshot but is missing from the new one (possible rollback attack)"
        case let .notInSnapshot(file):
            return "snapshot does not list \(file), so it cannot be loaded"
        case let .notDelegated(role, delegator):
            return "\(role) is not delegated by \(delegator)"
        case let .lengthMismatch(file, expected, found):
            return "\(file): length \(found) bytes, but the trusted metadata lists \(expected) bytes"
        case let .hashMismatch(file, algorithm, expected, found):
            return "\(file): \(algorithm) hash mismatch: trusted metadata lists \(expected), the data hashes to \(found)"
        case let .noSupportedHash(file, algorithms):
            return "\(file): none of the listed hash algorithms (\(algorithms.joined(separator: ", "))) is supported (sha256, sha512): cannot verify it"
        case let .download(file, url, error):
            return "\(file): download from \(url) failed: \(error)"
        case let .storage(file, message):
            return "local storage \(file): \(message)"
        case let .noTrustedRoot(reason):
            return "no usable trusted root: \(reason) (initialise the metadata directory with a trusted root.json)"
        case let .workflow(message):
            return message
        }
    }
}
