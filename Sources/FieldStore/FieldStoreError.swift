import Foundation
import GRDB

/// Everything the field store can refuse or fail at, each case saying what is wrong and what to do next.
///
/// Decisions taken with this store end up in court, so an error never hides behind a bare SQLite code:
/// `description` is a sentence an officer (or the support desk) can act on.
public enum FieldStoreError: Error, Sendable, CustomStringConvertible {
    /// The database file failed `PRAGMA quick_check` or is not a database at all.
    case damaged(path: String, detail: String)
    /// The disk (or the file-size limit) is full: nothing was changed.
    case diskFull(detail: String)
    /// A cache file (snapshot or delta) was refused before anything was changed.
    case updateRefused(file: String, reason: String)
    /// The keyring in the cache does not parse.
    case keyring(String)
    /// A call was made with an argument the store cannot accept.
    case invalidArgument(String)
    /// Any other SQLite failure, with the statement's message.
    case database(String)

    public var description: String {
        switch self {
        case .damaged(let path, let detail):
            return "the field store \(path) is damaged (\(detail)); it was not changed. Reopen with recovery to keep its records and start a fresh cache"
        case .diskFull(let detail):
            return "the disk is full (\(detail)); nothing was changed. Free space and try again"
        case .updateRefused(let file, let reason):
            return "cache update \(file) refused: \(reason); the previous cache is still in use"
        case .keyring(let detail):
            return "the keyring in the cache is unusable: \(detail)"
        case .invalidArgument(let detail):
            return detail
        case .database(let detail):
            return "field store error: \(detail)"
        }
    }

    /// Maps GRDB/SQLite errors to the cases above, so callers see "disk full" and not SQLITE_FULL.
    static func wrap(_ error: any Error, path: String = "") -> FieldStoreError {
        if let e = error as? FieldStoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL:
                return .diskFull(detail: e.message ?? "SQLITE_FULL")
            case .SQLITE_IOERR where isFileTooLarge(e):
                return .diskFull(detail: "a write failed (\(e.message ?? "I/O error")): no space or the file-size limit reached")
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return .damaged(path: path, detail: e.message ?? "\(e.resultCode)")
            default:
                return .database(e.description)
            }
        }
        if let e = error as? CocoaError, e.code == .fileWriteOutOfSpace {
            return .diskFull(detail: e.localizedDescription)
        }
        if let code = posixCode(error), code == ENOSPC || code == EFBIG || code == EDQUOT {
            return .diskFull(detail: String(cString: strerror(code)))
        }
        return .database(String(describing: error))
    }

    /// The POSIX errno inside a Foundation error (itself, or its underlying error, as Foundation on
    /// Linux reports a failed copy as a Cocoa error wrapping the errno).
    static func posixCode(_ error: any Error) -> Int32? {
        if let p = error as? POSIXError { return p.code.rawValue }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] {
            if let u = underlying as? NSError, u !== ns { return posixCode(u) }
            if let u = underlying as? any Error { return posixCode(u) }
        }
        return nil
    }

    /// SQLite reports a write past RLIMIT_FSIZE (EFBIG) as SQLITE_IOERR_WRITE; errno tells it apart.
    private static func isFileTooLarge(_ e: DatabaseError) -> Bool {
        e.extendedResultCode == .SQLITE_IOERR_WRITE || e.extendedResultCode == .SQLITE_IOERR_FSYNC
            || e.extendedResultCode == .SQLITE_IOERR_TRUNCATE || e.extendedResultCode == .SQLITE_IOERR_SHMSIZE
    }
}
