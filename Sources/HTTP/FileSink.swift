#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a download's body into its `.partial` file, continuing at the resume offset.
///
/// Decides, once the response head is known, how the body fits the file: a 206 whose Content-Range starts
/// exactly at the file's end is appended; a 200 means the server ignored the range, so the file is emptied
/// and the body written from byte 0 in the same transfer (no extra round trip on a slow link); a 206 at the
/// wrong offset or a 416 asks for a fresh request without a range. No byte beyond `maxBytes` (or beyond
/// `expectedLength`) is ever written.
final class FileSink: BodySink {
    let fd: Int32
    let path: String
    let maxBytes: Int
    let expectedLength: Int?
    let progress: (Int, Int?) -> Void
    /// Bytes in the file, which is also where the next chunk goes.
    private(set) var position: Int
    /// The resource's full length when the server said it.
    private(set) var total: Int?
    /// A 200 replaced a partial file.
    private(set) var restarted = false
    private var writing = false
    private var status = 0
    private var headers = HTTPHeaders()
    private var discarded = 0
    /// Most bytes of a non-2xx body read (and dropped) before giving up on it.
    private static let discardLimit = 64 * 1024

    init(fd: Int32, path: String, position: Int, maxBytes: Int, expectedLength: Int?, progress: @escaping (Int, Int?) -> Void) {
        self.fd = fd
        self.path = path
        self.position = position
        self.maxBytes = maxBytes
        self.expectedLength = expectedLength
        self.progress = progress
    }

    var receivedBytes: Int { position }

    func begin(status: Int, headers: HTTPHeaders) -> TransferAbort? {
        self.status = status
        self.headers = headers
        writing = false
        switch status {
        case 206:
            guard let range = headers["Content-Range"].flatMap(ContentRange.init(headerValue:)),
                  range.start == position else { return .restartFromZero }
            total = range.total
        case 200..<300:
            if position > 0 {
                guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { return fileFailure() }
                position = 0
                restarted = true
            }
            total = headers.contains("Content-Encoding") ? nil : headers["Content-Length"].flatMap { Int($0) }
        case 416 where position > 0:
            return .restartFromZero
        default:
            return nil  // not the file: drop the body, report the status afterwards
        }
        writing = true
        if let total {
            if total > maxBytes { return .fail(.responseTooLarge(limit: maxBytes)) }
            if let expectedLength, total != expectedLength {
                return .fail(.lengthMismatch(expected: expectedLength, actual: total))
            }
        }
        progress(position, total ?? expectedLength)
        return nil
    }

    func write(_ chunk: UnsafeRawBufferPointer) -> TransferAbort? {
        guard writing else {
            discarded += chunk.count
            guard discarded <= Self.discardLimit else {
                return .fail(.httpStatus(code: status, retryAfter: headers["Retry-After"].flatMap { RetryAfter(headerValue: $0) }))
            }
            return nil
        }
        if let expectedLength, expectedLength <= maxBytes, chunk.count > expectedLength - position {
            return .fail(.lengthMismatch(expected: expectedLength, actual: position + chunk.count))
        }
        guard chunk.count <= maxBytes - position else { return .fail(.responseTooLarge(limit: maxBytes)) }
        var offset = 0
        while offset < chunk.count {
            let n = posixWrite(fd, chunk.baseAddress! + offset, chunk.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return fileFailure()
            }
            offset += n
        }
        position += chunk.count
        progress(position, total ?? expectedLength)
        return nil
    }

    private func fileFailure() -> TransferAbort {
        .fail(.fileError(path: path, detail: String(cString: strerror(errno))))
    }
}

/// A parsed `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
struct ContentRange: Equatable {
    var start: Int
    var end: Int
    var total: Int?

    init?(headerValue: String) {
        let text = headerValue.trimmingCharacters(in: [" ", "\t"])
        guard text.hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count)
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = Int(bounds[0]), let end = Int(bounds[1]), start >= 0, end >= start
        else { return nil }
        self.start = start
        self.end = end
        if halves[1] == "*" {
            total = nil
        } else {
            guard let total = Int(halves[1]), total > end else { return nil }
            self.total = total
        }
    }
}

/// `write(2)`, named apart from `BodySink.write` and spelled once for both C libraries.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
