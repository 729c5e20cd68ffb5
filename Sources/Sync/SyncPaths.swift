import Foundation

/// Where sync keeps its files: all beside the field store (`$STAMPWATCH_STORE`, default
/// `$XDG_DATA_HOME/stampwatch/field.sqlite`), so one directory holds everything a device must keep.
///
/// ```
/// field.sqlite             the field store (outbox, receipts)
/// tuf/                     trusted TUF metadata (cache update), and hub-receipt-key.json from the signed cache
/// device/identity.json     the enrolled identity (device id, hub URL, TLS pin/CA)
/// device/device-key.pem    the device's private key (PKCS#8, mode 0600; the folder is 0700)
/// sync-state.json          last success, last error, backoff state (shared by the CLI and the console)
/// device-id                the id the console records under (written at enrolment)
/// ```
public struct SyncPaths: Sendable, Equatable {
    public var store: String
    public var dataDirectory: String { (store as NSString).deletingLastPathComponent }
    public var tufDirectory: String { dataDirectory + "/tuf" }
    public var hubKey: String { tufDirectory + "/" + HubReceiptKey.fileName }
    public var identityDirectory: String { dataDirectory + "/device" }
    public var identity: String { identityDirectory + "/identity.json" }
    public var privateKey: String { identityDirectory + "/device-key.pem" }
    public var state: String { dataDirectory + "/sync-state.json" }
    public var consoleDeviceID: String { dataDirectory + "/device-id" }

    public init(store: String) { self.store = store }
}

/// Small file helpers: atomic replace with fsync, and reading.
enum Files {
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(SyncError) {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw SyncError(.io, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = bytes.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        ok = ok && fchmod(fd, mode) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw SyncError(.io, "cannot write \(path): \(why)")
        }
        // The rename is durable once the directory is synced.
        let dfd = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}

/// A sync failure outside the per-record outcomes (configuration, identity, files), with what to do.
public struct SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Not enrolled, no hub URL, bad settings.
        case configuration
        /// No hub receipt key in the signed cache.
        case noHubKey
        /// A file could not be read or written.
        case io
        /// The hub or the link refused (enrolment token, TLS, revoked).
        case refused
        /// The hub could not be reached.
        case unavailable
        /// A file or answer is malformed.
        case data
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
