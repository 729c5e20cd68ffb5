import Foundation

/// Writes to standard error (diagnostics never go to stdout, which carries results).
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Writes all of `text` to a file descriptor, retrying short writes and EINTR.
@discardableResult
public func writeAll(_ text: String, to fd: Int32 = 1) -> Bool {
    var text = text
    return text.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }
}

/// Writes all of `bytes` to a file descriptor, retrying short writes and EINTR.
@discardableResult
public func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) -> Bool {
    bytes.withUnsafeBytes { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }
}

/// Reads a whole file, mapping failures to the sysexits the commands document.
public func readFile(_ path: String, what: String) throws(CommandFailure) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
        throw CommandFailure(.noInput, "\(what) \(path) does not exist.")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(.dataError, "\(what) \(path) cannot be read (check its permissions).")
    }
    return Array(data)
}

/// Writes a file atomically (temporary file, fsync, rename) with the given permissions.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(CommandFailure) {
    let tmp = path + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { throw CommandFailure(.cantCreate, "cannot create \(tmp): \(String(cString: strerror(errno))).") }
    var ok = bytes.withUnsafeBytes { buf -> Bool in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 { if errno == EINTR { continue }; return false }
            off += n
        }
        return true
    }
    ok = ok && fsync(fd) == 0
    let err = errno
    close(fd)
    guard ok, rename(tmp, path) == 0 else {
        unlink(tmp)
        throw CommandFailure(.ioError, "cannot write \(path): \(String(cString: strerror(ok ? errno : err))).")
    }
}
