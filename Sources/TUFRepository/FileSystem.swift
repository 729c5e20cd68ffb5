#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StampCrypto

/// `read`/`write`/`rename` at file scope, where the names are not shadowed by `FileSystem`'s.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
private func posixRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// The file operations of the publisher, straight on POSIX so their durability is visible:
/// every file is replaced atomically (temp file in the same directory, fsync, rename, fsync of the
/// directory), so a crash at any moment leaves each path with its old or its new content.
enum FileSystem {
    /// The whole regular file at `path`; `what` names it in errors ("target file", "key file").
    static func read(_ path: String, what: String) throws(TUFRepositoryError) -> [UInt8] {
        guard let bytes = try readIfExists(path, what: what) else {
            throw TUFRepositoryError(.noInput, "\(what) \(path) does not exist.")
        }
        return bytes
    }

    /// Like `read`, but nil when nothing exists at `path`.
    static func readIfExists(_ path: String, what: String) throws(TUFRepositoryError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return nil }
            throw TUFRepositoryError(e == EACCES || e == EPERM ? .noPermission : .ioError,
                                     "cannot open \(what) \(path): \(errorText(e)).")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TUFRepositoryError(.ioError, "cannot inspect \(what) \(path): \(errorText(errno)).") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw TUFRepositoryError(.dataError, "\(what) \(path) is not a regular file.")
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(clamping: st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TUFRepositoryError(.ioError, "cannot read \(what) \(path): \(errorText(errno)).")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Replaces `path` with `bytes` atomically and durably, with permissions `mode`.
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(TUFRepositoryError) {
        let (directory, name) = split(path)
        // Hidden and not ending in ".json": a leftover is never mistaken for metadata or a target.
        let temp = directory + "/." + name + ".tmp-" + Hex.encode(SecureRandom.bytes(6))
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let e = errno
            throw TUFRepositoryError(e == EACCES || e == EPERM ? .noPermission : .cantCreate, "cannot create \(temp): \(errorText(e)).")
        }
        var failure: String?
        // open() applies the umask; the mode must be exact (0600 for private keys).
        if fchmod(fd, mode) != 0 { failure = "cannot set the mode of \(temp): \(errorText(errno))" }
        var written = 0
        while written < bytes.count && failure == nil {
            let n = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno != EINTR { failure = "cannot write \(temp): \(errorText(errno))" }
            } else {
                written += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot flush \(temp): \(errorText(errno))" }
        if close(fd) != 0 && failure == nil { failure = "cannot close \(temp): \(errorText(errno))" }
        if failure == nil && posixRename(temp, path) != 0 { failure = "cannot rename \(temp) to \(path): \(errorText(errno))" }
        if let failure {
            unlink(temp)
            throw TUFRepositoryError(.ioError, failure + ".")
        }
        try syncDirectory(directory)
    }

    /// Renames `from` to `to` (same file system) and makes both directories durable.
    static func move(_ from: String, to: String) throws(TUFRepositoryError) {
        guard posixRename(from, to) == 0 else {
            throw TUFRepositoryError(.ioError, "cannot move \(from) to \(to): \(errorText(errno)).")
        }
        try syncDirectory(split(to).directory)
        try syncDirectory(split(from).directory)
    }

    /// Deletes `path` durably; a missing file is fine.
    static func remove(_ path: String) throws(TUFRepositoryError) {
        if unlink(path) != 0 {
            let e = errno
            if e == ENOENT { return }
            throw TUFRepositoryError(.ioError, "cannot delete \(path): \(errorText(e)).")
        }
        try syncDirectory(split(path).directory)
    }

    /// Creates `path` and its missing parents with `mode`.
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(TUFRepositoryError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                let e = errno
                throw TUFRepositoryError(e == EACCES || e == EPERM ? .noPermission : .cantCreate,
                                         "cannot create directory \(prefix): \(errorText(e)).")
            }
            prefix += "/"
        }
        guard isDirectory(path) else { throw TUFRepositoryError(.cantCreate, "\(path) exists and is not a directory.") }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Permission bits of the file at `path` (following symbolic links), nil if it does not exist.
    static func permissions(_ path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Names in `directory` (without "." and ".."), sorted; nil when it is not a readable directory.
    static func list(_ directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Every regular file below `directory`, as paths relative to it ("a.txt", "dir/b.bin").
    static func walk(_ directory: String) -> [String] {
        var out: [String] = []
        func visit(_ relative: String) {
            let full = relative.isEmpty ? directory : directory + "/" + relative
            for name in list(full) ?? [] {
                let child = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(directory + "/" + child, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: visit(child)
                case S_IFREG: out.append(child)
                default: continue
                }
            }
        }
        visit("")
        return out
    }

    /// An exclusive advisory lock on `path` (created if needed), held until `unlock`. Throws
    /// `busy` at once when another process holds it.
    static func lock(_ path: String) throws(TUFRepositoryError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o644))
        guard fd >= 0 else { throw TUFRepositoryError(.cantCreate, "cannot create the lock file \(path): \(errorText(errno)).") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK {
                throw TUFRepositoryError(.busy, "another stampwatch-hub process is publishing to this repository (lock \(path) is held); try again when it has finished.")
            }
            throw TUFRepositoryError(.ioError, "cannot lock \(path): \(errorText(e)).")
        }
        return fd
    }

    static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    private static func syncDirectory(_ directory: String) throws(TUFRepositoryError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw TUFRepositoryError(.ioError, "cannot open \(directory) to flush it: \(errorText(errno)).") }
        defer { close(fd) }
        // Some file systems refuse fsync on directories; the rename is still atomic there.
        if fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP {
            throw TUFRepositoryError(.ioError, "cannot flush \(directory): \(errorText(errno)).")
        }
    }

    static func errorText(_ e: Int32) -> String {
        guard let s = strerror(e) else { return "errno \(e)" }
        return String(cString: s)
    }
}
