#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StampCrypto

/// `read` at file scope, where the name is not shadowed by `POSIXFile.read`.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// The few file operations the client needs, straight on POSIX so that their durability and
/// bounds are visible: bounded reads that never take in more than the limit (plus one byte to
/// notice it was exceeded), and atomic, durable replacement (temp file + fsync + rename + fsync of
/// the directory).
enum POSIXFile {
    enum ReadResult {
        case bytes([UInt8])
        case notFound
        /// The file holds more than the limit; reading stopped at limit + 1 bytes.
        case tooLong
        case failed(String)
    }

    /// Reads the regular file at `path`, at most `maxLength` bytes.
    static func read(path: String, maxLength: Int) -> ReadResult {
        // O_NONBLOCK: opening a FIFO (an endless source) must not hang; it is refused below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            return e == ENOENT || e == ENOTDIR ? .notFound : .failed(errorText(e))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failed(errorText(errno)) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failed("not a regular file") }
        let cap = maxLength >= Int.max - 1 ? Int.max : maxLength + 1
        var out: [UInt8] = []
        out.reserveCapacity(min(Int(clamping: st.st_size), cap, 1 << 24))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while out.count < cap {
            let want = min(chunk.count, cap - out.count)
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errorText(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out.count > maxLength ? .tooLong : .bytes(out)
    }

    /// Replaces `directory/name` with `bytes` so that a crash leaves either the old or the new
    /// content. Returns an error message, or nil on success.
    static func writeAtomically(directory: String, name: String, bytes: [UInt8]) -> String? {
        if let bad = checkName(name) { return bad }
        let target = directory + "/" + name
        // Not ending in ".json", so a leftover temp file is never mistaken for metadata.
        let temp = directory + "/." + name + ".tmp-" + Hex.encode(SecureRandom.bytes(6))
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o644))
        guard fd >= 0 else { return "cannot create \(temp): \(errorText(errno))" }
        var failure: String?
        var written = 0
        while written < bytes.count && failure == nil {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno != EINTR { failure = "cannot write \(temp): \(errorText(errno))" }
            } else {
                written += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot flush \(temp): \(errorText(errno))" }
        if close(fd) != 0 && failure == nil { failure = "cannot close \(temp): \(errorText(errno))" }
        if failure == nil && rename(temp, target) != 0 { failure = "cannot rename to \(target): \(errorText(errno))" }
        if let failure {
            unlink(temp)
            return failure
        }
        return syncDirectory(directory)
    }

    /// Deletes `directory/name` durably; a missing file is fine.
    static func remove(directory: String, name: String) -> String? {
        if let bad = checkName(name) { return bad }
        if unlink(directory + "/" + name) != 0 {
            let e = errno
            if e == ENOENT { return nil }
            return "cannot delete \(name): \(errorText(e))"
        }
        return syncDirectory(directory)
    }

    /// Creates `path` and its missing parents (mode 0755).
    static func makeDirectories(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, mode_t(0o755)) != 0 && errno != EEXIST {
                return "cannot create directory \(prefix): \(errorText(errno))"
            }
            prefix += "/"
        }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return "\(path) is not a directory" }
        return nil
    }

    /// The current working directory, for turning relative paths into absolute ones.
    static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A file name must stay inside its directory.
    static func checkName(_ name: String) -> String? {
        if name.isEmpty || name == "." || name == ".." || name.utf8.contains(0x2F) || name.utf8.contains(0) {
            return "refusing file name \"\(name)\": it must be a single path component"
        }
        return nil
    }

    private static func syncDirectory(_ directory: String) -> String? {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return "cannot open \(directory) to flush it: \(errorText(errno))" }
        defer { close(fd) }
        // Some file systems (and FUSE) refuse fsync on directories: the rename is still atomic.
        if fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP { return "cannot flush \(directory): \(errorText(errno))" }
        return nil
    }

    static func errorText(_ e: Int32) -> String {
        guard let s = strerror(e) else { return "errno \(e)" }
        return String(cString: s)
    }
}
