import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import HTTP
import StampCodes
import StampCrypto
import StrictJSON
import Sync
import TUFClient

/// Where the device keeps its field store and its trusted TUF metadata.
enum DevicePaths {
    static var store: String {
        if let p = ProcessInfo.processInfo.environment["STAMPWATCH_STORE"], !p.isEmpty { return p }
        return XDGDirectories.current.appData() + "/field.sqlite"
    }
    /// Trusted TUF metadata lives beside the store, never inside cache content.
    static var tufMetadata: String { (store as NSString).deletingLastPathComponent + "/tuf" }
}

/// The cache target names the hub publishes for a region (see docs/signed-cache.md).
enum CacheTargets {
    static func snapshot(region: String) -> String { "cache/\(region)/snapshot.sqlite" }
    static func delta(region: String, from version: Int64) -> String { "cache/\(region)/delta-from-\(version).sqlite" }
}

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The signed offline cache: status, update (TUF-verified), verify.",
        subcommands: [Status.self, Update.self, VerifyCache.self])

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    static func openStore(create: Bool) throws(CommandFailure) -> FieldStore? {
        let path = DevicePaths.store
        if !create, !FileManager.default.fileExists(atPath: path) { return nil }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.cantCreate, "cannot create the data directory for \(path): \(error.localizedDescription)")
        }
        do {
            return try FieldStore.open(at: path)
        } catch {
            throw CommandFailure(.dataError, "the field store \(path) cannot be opened: \(error)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the cache version, signed times, age, freshness, size, source and last error.")

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() throws {
            do {
                guard let store = try Cache.openStore(create: false) else {
                    if json {
                        print("{\"store\":\(JSONString.quoted(DevicePaths.store)),\"cache\":null,\"freshness\":\"none\"}")
                    } else {
                        print("""
                        No cache yet (\(DevicePaths.store)).
                        Get one with:  stampwatch cache update --from URL|DIR --root ROOT.json
                        (ROOT.json is the authority's trusted root, delivered with the device.)
                        """)
                    }
                    return
                }
                let s: CacheStatus
                do { s = try store.status(deviceClock: Cache.now()) } catch { throw CommandFailure(.dataError, "\(error)") }
                print(json ? Self.json(s) : Self.text(s))
            } catch let f as CommandFailure {
                throw f.exit()
            }
        }

        static func json(_ s: CacheStatus) -> String {
            var o: [(String, JSONValue)] = [("store", .string(DevicePaths.store))]
            if let c = s.cache {
                o.append(("cache", .object(JSONObject([
                    ("version", .integer(c.version)), ("region", .string(c.region)), ("source", .string(c.source)),
                    ("published_at", .string(RFC3339.format(c.publishedAt))), ("expires", .string(RFC3339.format(c.expires))),
                    ("applied_at", .string(RFC3339.format(c.appliedAt))), ("content_sha256", .string(c.contentSHA256)),
                ]))))
            } else {
                o.append(("cache", .null))
            }
            o.append(("freshness", .string(s.freshness.freshness.rawValue)))
            o.append(("age_seconds", s.ageSeconds.map { .integer($0) } ?? .null))
            o.append(("trusted_now", .string(RFC3339.format(s.freshness.trustedNow))))
            o.append(("stale_at", s.freshness.dueAt.map { .string(RFC3339.format($0)) } ?? .null))
            o.append(("expired_at", s.freshness.expiresHardAt.map { .string(RFC3339.format($0)) } ?? .null))
            o.append(("reasons", .array(s.freshness.reasons.map { .object(JSONObject([("code", .string($0.code)), ("message", .string($0.message))])) })))
            o.append(("size_bytes", .integer(s.sizeOnDisk)))
            o.append(("last_error", s.lastError.map { .string($0) } ?? .null))
            return JSONValue.object(JSONObject(o)).serialized()
        }

        static func text(_ s: CacheStatus) -> String {
            var lines: [String] = []
            if let c = s.cache {
                lines.append("cache        version \(c.version), region \(c.region), from \(c.source)")
                lines.append("published    \(RFC3339.format(c.publishedAt))  (signed)")
                lines.append("applied      \(RFC3339.format(c.appliedAt))")
            } else {
                lines.append("cache        none applied yet")
            }
            let f = s.freshness
            lines.append("freshness    \(f.freshness.rawValue.uppercased())\(s.ageSeconds.map { ", age \(Self.age($0))" } ?? "")")
            if let due = f.dueAt { lines.append("stale from   \(RFC3339.format(due))") }
            if let hard = f.expiresHardAt { lines.append("expired from \(RFC3339.format(hard))") }
            for r in f.reasons { lines.append("  - [\(r.code)] \(r.message)") }
            lines.append("size         \(s.sizeOnDisk) bytes  (\(DevicePaths.store))")
            lines.append("last error   \(s.lastError ?? "none")")
            return lines.joined(separator: "\n")
        }

        static func age(_ seconds: Int64) -> String {
            seconds >= 86_400 ? "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h" : "\(seconds / 3600) h \(seconds % 3600 / 60) min"
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refresh the cache from the hub or a carried copy, verified with TUF before anything is applied.",
            discussion: """
            SOURCE is a URL (https://hub/tuf) or a directory (a USB stick), each holding metadata/ and targets/. \
            The first update needs --root: the authority's trusted root metadata, delivered with the device. \
            A delta from the current version is used when the hub published one, else the full snapshot. A failed \
            or refused update leaves the previous cache in use and is shown by `stampwatch cache status`. \
            The hub's receipt key (target hub/receipt-key.json) is kept with the trusted metadata: `stampwatch sync` \
            checks receipts with it. When this console is enrolled (`stampwatch device enrol`) and SOURCE is its hub, \
            target downloads are signed with the device key and use the pin and CA given at enrolment.
            """)

        @Option(name: .long, help: ArgumentHelp("Repository URL or directory.", valueName: "url|dir"))
        var from: String

        @Option(name: .long, help: ArgumentHelp("Trusted root metadata for the first update.", valueName: "file"))
        var root: String?

        @Option(name: .long, help: "The device's region.")
        var region: String = "MZ"

        @Flag(name: .long, help: "Allow plain http:// to a loopback address (tests and local hubs only).")
        var insecureLoopback = false

        func run() throws {
            do {
                var refresh = CacheRefresh(from: from, root: root, region: region, allowInsecureLoopback: insecureLoopback)
                if let identity = try? Sync.DeviceIdentity.load(Device.paths), refresh.isHTTP,
                   from.lowercased().hasPrefix(identity.hubURL.lowercased()) {
                    refresh.signer = DeviceRequestSigner(deviceID: identity.deviceID, key: identity.key)
                    refresh.tls = TLSOptions(caFile: identity.caFile, pinnedPublicKey: identity.pin)
                    refresh.allowInsecureLoopback = insecureLoopback || identity.allowInsecureLoopback
                }
                print(try refresh.run())
            } catch {
                throw error.exit()
            }
        }
    }

    struct VerifyCache: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Re-check everything on disk: the signed cache files and the database, naming whatever is corrupt.",
            discussion: """
            1. Every cache file the device applied since its last snapshot (kept under the TUF directory) is \
            re-hashed against the SHA-256 and length its signed targets metadata listed. 2. The database passes \
            SQLite's quick_check and every content table is re-hashed against the digest its signed file carried.
            """)

        func run() throws {
            do {
                guard let store = try Cache.openStore(create: false) else {
                    throw CommandFailure(.noInput, "no cache at \(DevicePaths.store) to verify.")
                }
                var problems: [String] = []
                let t0 = Date()
                let (bytes, fileProblems) = Evidence.verify(in: DevicePaths.tufMetadata)
                problems += fileProblems
                let t1 = Date()
                do {
                    let (quick, tables) = try store.verifyStore()
                    problems += quick.map { "\(DevicePaths.store): \($0)" }
                    problems += tables.map { "\(DevicePaths.store): table \($0) differs from the rows its signed cache file carried" }
                } catch {
                    throw CommandFailure(.dataError, "\(error)")
                }
                let t2 = Date()
                print(String(format: "signed files: %d bytes re-hashed in %.3f s", bytes, t1.timeIntervalSince(t0)))
                print(String(format: "database: %lld bytes checked in %.3f s", store.sizeOnDisk(), t2.timeIntervalSince(t1)))
                if problems.isEmpty {
                    print("cache verified: nothing on disk differs from what was signed")
                } else {
                    for p in problems { printError("corrupt: \(p)") }
                    throw CommandFailure(.dataError, "the cache is corrupt (\(problems.count) problem(s)); run `stampwatch cache update` to replace it.")
                }
            } catch let f as CommandFailure {
                throw f.exit()
            }
        }
    }
}

/// One signed-cache refresh: TUF metadata, the hub's receipt key, then the region's delta or snapshot, verified
/// and applied. Used by `cache update` and after each successful `stampwatch sync` upload.
struct CacheRefresh {
    var from: String
    var root: String?
    var region: String
    var allowInsecureLoopback: Bool
    /// Pin and CA for an https source.
    var tls = TLSOptions()
    /// Timeouts and limits to start from (sync passes its own, so a stalled link cannot hold a run for long).
    var transfer = TransferOptions()
    /// Signs target requests (the hub serves targets only to enrolled consoles unless it runs with --public-tuf-targets).
    var signer: DeviceRequestSigner?
    /// No progress lines on stderr (the console's full-screen UI).
    var quiet = false
    /// The field store to apply to (nil: open the device's).
    var store: FieldStore?

    init(from: String, root: String? = nil, region: String, allowInsecureLoopback: Bool) {
        self.from = from; self.root = root; self.region = region; self.allowInsecureLoopback = allowInsecureLoopback
    }

    var isHTTP: Bool {
        let lower = from.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    var options: TransferOptions {
        var options = transfer
        options.allowInsecureLoopback = allowInsecureLoopback
        options.tls = tls
        return options
    }

    /// The refresh as `SyncEngine` wants it: never throws, one line of outcome.
    func outcome() -> CacheRefreshOutcome {
        do { return CacheRefreshOutcome(ok: true, message: try run()) } catch {
            return CacheRefreshOutcome(ok: false, message: error.message)
        }
    }

    /// Returns the line to print on success.
    func run() throws(CommandFailure) -> String {
        let store: FieldStore
        if let given = self.store { store = given } else { store = try Cache.openStore(create: true)! }
        let metaDir = DevicePaths.tufMetadata
        do {
            try FileManager.default.createDirectory(atPath: metaDir, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.cantCreate, "cannot create \(metaDir): \(error.localizedDescription)")
        }
        let tufStore = DirectoryStore(directory: metaDir)
        if let root {
            let bytes = try readFile(root, what: "trusted root")
            do { try tufStore.store("root.json", bytes) } catch {
                throw CommandFailure(.ioError, "cannot store the trusted root: \(error)")
            }
        } else if !FileManager.default.fileExists(atPath: metaDir + "/root.json") {
            throw CommandFailure(.config, "no trusted root yet: give --root ROOT.json (the authority's root metadata, delivered with the device).")
        }
        let (metadataURL, targetsURL, transport) = try source()
        let trustedNow: Int64
        do { trustedNow = try store.trustedNow(deviceClock: Cache.now()) } catch { throw CommandFailure(.dataError, "\(error)") }
        var updater = TUFUpdater(metadataBaseURL: metadataURL, targetBaseURL: targetsURL, transport: transport, store: tufStore)
        func fail(_ target: String, _ message: String, _ exit: SysExit) -> CommandFailure {
            try? store.recordUpdateFailure(target: target, error: message, at: Cache.now())
            return CommandFailure(exit, message + " The previous cache stays in use.")
        }
        progress("verifying repository metadata from \(from)")
        do {
            let report = try updater.refresh(startTime: TUFTime(secondsSince1970: trustedNow))
            var versions = [TrustedRoleVersion(role: "root", version: report.rootVersion, expires: updater.trustedRoot?.expires.secondsSince1970 ?? 0)]
            if let t = updater.trustedTimestamp { versions.append(TrustedRoleVersion(role: "timestamp", version: t.version, expires: t.expires.secondsSince1970)) }
            if let s = updater.trustedSnapshot { versions.append(TrustedRoleVersion(role: "snapshot", version: s.version, expires: s.expires.secondsSince1970)) }
            if let g = updater.trustedTargets["targets"] { versions.append(TrustedRoleVersion(role: "targets", version: g.version, expires: g.expires.secondsSince1970)) }
            try? store.recordTrustedMetadata(versions, signedTime: nil, now: Cache.now())
        } catch {
            throw fail("metadata", "the repository's metadata did not verify: \(error).", error.isTransport ? .tempFail : .dataError)
        }
        let keyNote = fetchHubKey(&updater)

        let current: Int64?
        do { current = try store.cacheInfo()?.version } catch { throw CommandFailure(.dataError, "\(error)") }
        var candidates: [String] = []
        if let current { candidates.append(CacheTargets.delta(region: region, from: current)) }
        candidates.append(CacheTargets.snapshot(region: region))
        for name in candidates {
            let target: TargetFile
            do {
                guard case .found(let t, _) = try updater.lookup(name) else { continue }
                target = t
            } catch {
                throw fail(name, "looking up \(name) failed: \(error).", .dataError)
            }
            if AppliedTargets.load(metaDir).contains(target) {
                return "cache is up to date (version \(current.map(String.init) ?? "?"))" + keyNote
            }
            let staged = try fetch(target, name: name, updater: updater, into: metaDir, fail: fail)
            defer { unlink(staged) }
            let size = target.length
            do {
                let isDelta = name != CacheTargets.snapshot(region: region)
                let report = isDelta ? try store.applyDelta(at: staged, now: Cache.now()) : try store.applySnapshot(at: staged, now: Cache.now())
                try? store.noteSignedTime(report.meta.publishedAt)
                var applied = AppliedTargets()
                applied.insert(target)
                if isDelta, case .found(let snapshot, _)? = try? updater.lookup(CacheTargets.snapshot(region: region)) {
                    applied.insert(snapshot)   // published with this delta: same content version
                }
                applied.save(metaDir)
                Evidence.keep(staged, target: target, snapshot: !isDelta, in: metaDir)
                return "cache updated: version \(report.previousVersion.map(String.init) ?? "none") -> \(report.meta.version) (\(isDelta ? "delta" : "snapshot"), \(size) bytes)" + keyNote
            } catch {
                // A refused delta falls back to the snapshot; a refused snapshot is final.
                if name == CacheTargets.snapshot(region: region) {
                    throw fail(name, "the cache update was refused: \(error).", .dataError)
                }
                progress("delta refused (\(error)); trying the full snapshot")
            }
        }
        throw fail(CacheTargets.snapshot(region: region), "the repository lists no cache for region \(region).", .unavailable)
    }

    /// Fetches the hub's receipt key when the repository lists it, checks it against its signed length and hashes,
    /// and keeps it beside the trusted metadata. A failure here is reported, not fatal: the cache may still update.
    func fetchHubKey(_ updater: inout TUFUpdater) -> String {
        let paths = SyncPaths(store: DevicePaths.store)
        let target: TargetFile
        do {
            guard case .found(let t, _) = try updater.lookup(HubReceiptKey.targetName) else { return "" }
            target = t
        } catch {
            return "; hub receipt key not checked: \(error)"
        }
        do {
            let bytes: [UInt8]
            if isHTTP {
                let url = try updater.targetURL(target)
                var opts = options
                opts.maxResponseBytes = target.length
                var headers = HTTPHeaders()
                if let signer { headers = try signer.headers(forGet: url) }
                let response = try HTTPClient().send(HTTPRequest(url: url, headers: headers, options: opts)).requireSuccess()
                bytes = response.body
            } else {
                bytes = try updater.download(target)
            }
            try target.verify(bytes)
            let unchanged = FileManager.default.contents(atPath: paths.hubKey).map { [UInt8]($0) == bytes } ?? false
            if !unchanged { try HubReceiptKey.store(bytes, paths: paths) }
            let keyID = (try? HubReceiptKey.parse(bytes)).map { Hex.encode(SHA256.hash($0.spkiDER)).prefix(16) } ?? "?"
            return unchanged ? "" : "; hub receipt key \(keyID)… kept"
        } catch {
            progress("the hub receipt key could not be fetched: \(error)")
            return "; hub receipt key not fetched: \(error)"
        }
    }

    /// Downloads `target` into the TUF directory and verifies its length and hashes. Over HTTP the file is
    /// named by its hash, so an interrupted download resumes (Range) on the next run; a progress bar shows on a TTY.
    func fetch(_ target: TargetFile, name: String, updater: TUFUpdater, into dir: String,
               fail: (String, String, SysExit) -> CommandFailure) throws(CommandFailure) -> String {
        let hash = AppliedTargets.sha256(target) ?? String(getpid())
        let staged = dir + "/incoming-\(hash).sqlite"
        let bar = quiet ? nil : ProgressLine(label: "downloading \(name)", total: target.length)
        if isHTTP {
            let url: String
            do { url = try updater.targetURL(target) } catch { throw fail(name, "\(error)", .dataError) }
            var headers = HTTPHeaders()
            if let signer {
                do { headers = try signer.headers(forGet: url) } catch { throw fail(name, error.message, .config) }
            }
            do {
                let r = try HTTPClient().download(url, to: staged, expectedLength: target.length, maxBytes: target.length, headers: headers,
                                                  options: options, progress: { got, _ in bar?.update(got) })
                bar?.finish(r.resumedFrom > 0 ? "resumed at \(r.resumedFrom) bytes" : nil)
            } catch {
                bar?.finish("interrupted")
                var hint = ""
                if case .httpStatus(401, _) = error { hint = signer == nil ? " The hub serves the cache only to enrolled consoles: run `stampwatch device enrol` first." : " The hub did not accept this console's signature." }
                throw fail(name, "downloading \(name) failed: \(error).\(hint) Run the update again to resume.",
                           error.isTransient ? .tempFail : .dataError)
            }
            guard let data = FileManager.default.contents(atPath: staged) else {
                throw fail(name, "the downloaded \(name) cannot be read back.", .ioError)
            }
            do { try target.verify(Array(data)) } catch {
                unlink(staged)
                throw fail(name, "the downloaded \(name) does not match its signed length and hashes: \(error).", .dataError)
            }
            return staged
        }
        let bytes: [UInt8]
        do { bytes = try updater.download(target) } catch {
            throw fail(name, "downloading \(name) failed: \(error).", error.isTransport ? .tempFail : .dataError)
        }
        bar?.update(bytes.count)
        bar?.finish(nil)
        try writeFileAtomically(staged, bytes, mode: 0o600)
        return staged
    }

    func source() throws(CommandFailure) -> (String, String, any TUFTransport) {
        if isHTTP {
            let base = from.hasSuffix("/") ? String(from.dropLast()) : from
            return (base + "/metadata", base + "/targets", HTTPTransport(options: options))
        }
        let lower = from.lowercased()
        let dir = lower.hasPrefix("file://") ? String(from.dropFirst(7)) : from
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir + "/metadata", isDirectory: &isDir), isDir.boolValue else {
            throw CommandFailure(.noInput, "\(dir) holds no metadata/ folder: is it the cache repository (or the USB stick's copy of it)?")
        }
        return (FileTransport.url(forPath: dir + "/metadata"), FileTransport.url(forPath: dir + "/targets"), FileTransport())
    }

    func progress(_ line: String) { if !quiet { printError(line) } }
}

/// The signed cache files applied since the last snapshot, kept byte for byte (named by their signed hash) so
/// `cache verify` can re-hash what the device actually received against what the hub signed.
enum Evidence {
    struct Entry {
        var path: String
        var sha256: String
        var length: Int
        var file: String
    }

    static func listPath(_ dir: String) -> String { dir + "/evidence.json" }

    static func load(_ dir: String) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: listPath(dir)),
              let items = (try? JSONParser.parse(Array(data)))?.arrayValue else { return [] }
        return items.compactMap { i in
            guard let p = i["path"]?.stringValue, let h = i["sha256"]?.stringValue, let n = i["length"]?.integerValue,
                  let f = i["file"]?.stringValue else { return nil }
            return Entry(path: p, sha256: h, length: Int(n), file: f)
        }
    }

    /// Moves the applied file into the evidence folder; a snapshot starts a new chain, a delta extends it.
    static func keep(_ staged: String, target: TargetFile, snapshot: Bool, in dir: String) {
        guard let sha = AppliedTargets.sha256(target) else { return }
        let folder = dir + "/targets"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/\(sha).\((target.path as NSString).lastPathComponent)"
        guard rename(staged, file) == 0 else { return }
        var entries = snapshot ? [] : load(dir)
        entries.append(Entry(path: target.path, sha256: sha, length: target.length, file: file))
        let json = JSONValue.array(entries.map { e in
            .object(JSONObject([("path", .string(e.path)), ("sha256", .string(e.sha256)), ("length", .integer(Int64(e.length))),
                                ("file", .string(e.file))]))
        }).serialized(pretty: true)
        try? writeFileAtomically(listPath(dir), Array(json.utf8), mode: 0o600)
        // Files of an older chain are no longer evidence of what is applied.
        let keep = Set(entries.map(\.file))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !keep.contains(folder + "/" + name) {
            unlink(folder + "/" + name)
        }
    }

    /// Re-hashes every kept file; returns the bytes hashed and one line per problem, naming the file.
    /// Files are hashed from a read-only mapping (no copy through a read buffer: ~25% faster than read(2)
    /// on this path), in 16 MiB windows so a huge file does not map at once; `read(2)` is the fallback.
    static func verify(in dir: String) -> (Int, [String]) {
        var problems: [String] = []
        var total = 0
        for e in load(dir) {
            let fd = open(e.file, O_RDONLY)
            guard fd >= 0 else {
                problems.append("\(e.file) (\(e.path)) is missing")
                continue
            }
            defer { close(fd) }
            let hasher = SHA256Hasher()
            let length = hashFile(fd, into: hasher)
            total += length
            let digest = Hex.encode(hasher.finalize())
            if length != e.length || digest != e.sha256 {
                problems.append("\(e.file) (\(e.path)) differs from what was signed: \(length) bytes, sha256 \(digest); signed \(e.length) bytes, sha256 \(e.sha256)")
            }
        }
        return (total, problems)
    }

    /// Feeds the whole file to `hasher`; returns its length in bytes.
    static func hashFile(_ fd: Int32, into hasher: SHA256Hasher) -> Int {
        var st = stat()
        let window = 16 << 20
        if fstat(fd, &st) == 0, st.st_size > 0 {
            let size = Int(st.st_size)
            var offset = 0
            var mapped = true
            while offset < size, mapped {
                let n = min(window, size - offset)
                guard let base = mmap(nil, n, PROT_READ, MAP_PRIVATE, fd, off_t(offset)), base != MAP_FAILED else {
                    mapped = false
                    break
                }
                _ = madvise(base, n, MADV_SEQUENTIAL)
                _ = madvise(base, n, MADV_WILLNEED)
                hasher.update(UnsafeRawBufferPointer(start: base, count: n))
                munmap(base, n)
                offset += n
            }
            if mapped { return size }
            // Mapping failed part way: hash the rest by reading from where the mapping stopped.
            _ = lseek(fd, off_t(offset), SEEK_SET)
            return offset + readAll(fd, into: hasher)
        }
        return readAll(fd, into: hasher)
    }

    static func readAll(_ fd: Int32, into hasher: SHA256Hasher) -> Int {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var length = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            length += n
        }
        return length
    }
}

/// A progress bar on a terminal (stderr), plain start and end lines otherwise.
final class ProgressLine {
    let label: String
    let total: Int
    let tty = isatty(2) != 0
    private var lastPercent = -1

    init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        if !tty { printError("\(label) (\(total) bytes)") }
    }

    func update(_ received: Int) {
        guard tty else { return }
        let percent = min(100, received * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(received / 1024)/\(total / 1024) KiB".utf8))
    }

    func finish(_ note: String?) {
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        if let note { printError("\(label): \(note)") }
    }
}

/// The targets whose content the cache already holds (the one applied, and the snapshot published with it),
/// so an unchanged snapshot is not downloaded again.
struct AppliedTargets {
    var entries: [String: String] = [:]   // path -> sha256

    static func sha256(_ t: TargetFile) -> String? { t.hashes.first { $0.algorithm == "sha256" }?.digest }

    func contains(_ t: TargetFile) -> Bool { Self.sha256(t).map { entries[t.path] == $0 } ?? false }

    mutating func insert(_ t: TargetFile) { entries[t.path] = Self.sha256(t) }

    func save(_ dir: String) {
        let list = entries.sorted { $0.key < $1.key }.map { JSONValue.object(JSONObject([("path", .string($0.key)), ("sha256", .string($0.value))])) }
        try? writeFileAtomically(dir + "/applied.json", Array(JSONValue.array(list).serialized().utf8), mode: 0o600)
    }

    static func load(_ dir: String) -> AppliedTargets {
        var a = AppliedTargets()
        guard let data = FileManager.default.contents(atPath: dir + "/applied.json"),
              let items = (try? JSONParser.parse(Array(data)))?.arrayValue else { return a }
        for i in items {
            if let p = i["path"]?.stringValue, let h = i["sha256"]?.stringValue { a.entries[p] = h }
        }
        return a
    }
}

extension TUFError {
    /// Whether the failure is the link's (try again later) rather than the repository's content.
    var isTransport: Bool {
        guard case .download(_, _, let error) = self else { return false }
        switch error {
        case .failed: return true
        case .httpStatus(_, let status): return status >= 500 || status == 429 || status == 408
        default: return false
        }
    }
}
