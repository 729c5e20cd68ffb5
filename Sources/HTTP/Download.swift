#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished download did.
public struct DownloadResult: Sendable, Equatable {
    /// The completed file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int
    /// Bytes that were already in the partial file and kept (0 for a fresh or restarted download).
    public var resumedFrom: Int
    /// The final HTTP status (200 or 206), or nil when the partial file was already complete and nothing was fetched.
    public var status: Int?

    public init(path: String, bytes: Int, resumedFrom: Int, status: Int?) {
        self.path = path
        self.bytes = bytes
        self.resumedFrom = resumedFrom
        self.status = status
    }
}

extension HTTPClient {
    /// Downloads `url` into the file at `path`, resuming an earlier attempt's `path.partial` when it can.
    ///
    /// The body goes into `path + ".partial"`, which is renamed to `path` (after fsync) only once complete, so a
    /// reader never sees a half file and an interrupted download leaves a partial file the next call continues
    /// with `Range: bytes=N-`. If the server answers 200 instead of 206 the partial content is discarded and
    /// the download restarts from byte 0 in the same transfer. Responses are never compressed here: ranges
    /// must count the bytes stored.
    ///
    /// - Parameters:
    ///   - expectedLength: the exact size when known (from signed metadata); a different size fails with
    ///     `.lengthMismatch` and a complete partial file is finished without any request.
    ///   - maxBytes: no byte beyond this is written; a larger resource fails with `.responseTooLarge`.
    ///   - options: timeouts, TLS and URL policy; `maxResponseBytes` and `acceptCompression` are not used.
    ///   - progress: called on this thread with bytes in the file so far and the total, when known.
    /// - Throws: `HTTPError`. After `.interrupted`, `.timedOut`, `.stalled` or `.cannotConnect` the partial file
    ///   is kept for the next call; after `.responseTooLarge` or `.lengthMismatch` it is deleted.
    @discardableResult
    public func download(_ url: String, to path: String, expectedLength: Int? = nil, maxBytes: Int,
                         headers: HTTPHeaders = [:], options: TransferOptions = TransferOptions(),
                         progress: (_ received: Int, _ total: Int?) -> Void = { _, _ in }) throws(HTTPError) -> DownloadResult {
        try CurlRuntime.ensure()
        try HTTPRequest(url: url, headers: headers, options: options).validate()
        guard !headers.contains("Range") else { throw .invalidRequest(reason: "Range is set by download to resume; leave it out") }
        guard maxBytes >= 0, (expectedLength ?? 0) >= 0 else {
            throw .invalidRequest(reason: "maxBytes and expectedLength must not be negative")
        }
        if let expectedLength, expectedLength > maxBytes { throw .responseTooLarge(limit: maxBytes) }
        let parsed = try ParsedURL(url)
        // Checked again per hop by the transfer; checked here too so a refused URL never creates a partial file.
        try URLPolicy.check(parsed, allowInsecureLoopback: options.allowInsecureLoopback)
        let result: Result<DownloadResult, HTTPError> = withoutActuallyEscaping(progress) { progress in
            Result { () throws(HTTPError) in
                try ResumableDownload(client: self, url: parsed, path: path, expectedLength: expectedLength,
                                      maxBytes: maxBytes, headers: headers, options: options, progress: progress).run()
            }
        }
        return try result.get()
    }
}

/// The steps of one `download` call: open the partial file, fetch, check completeness, rename.
private struct ResumableDownload {
    let client: HTTPClient
    let url: ParsedURL
    let path: String
    let expectedLength: Int?
    let maxBytes: Int
    let headers: HTTPHeaders
    let options: TransferOptions
    let progress: (Int, Int?) -> Void

    var partialPath: String { path + ".partial" }

    func run() throws(HTTPError) -> DownloadResult {
        // At most one restart: a server that refuses its own range twice is not going to be resumed.
        for attempt in 0..<2 {
            if let result = try attemptOnce(allowRestart: attempt == 0) { return result }
        }
        throw .interrupted(receivedBytes: 0, detail: "the server could not serve the file from its start")
    }

    /// nil when the server asked for a fresh start (the partial file has then been emptied).
    private func attemptOnce(allowRestart: Bool) throws(HTTPError) -> DownloadResult? {
        let fd = open(partialPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fileError() }
        var open = true
        defer { if open { close(fd) } }

        var existing = fileSize(fd)
        if existing > maxBytes || existing > (expectedLength ?? Int.max) {
            guard ftruncate(fd, 0) == 0 else { throw fileError() }
            existing = 0
        }
        if let expectedLength, existing == expectedLength {
            try finish(fd, &open)
            return DownloadResult(path: path, bytes: existing, resumedFrom: existing, status: nil)
        }
        guard lseek(fd, off_t(existing), SEEK_SET) == off_t(existing) else { throw fileError() }

        let sink = FileSink(fd: fd, path: partialPath, position: existing, maxBytes: maxBytes,
                            expectedLength: expectedLength, progress: progress)
        let exchange = Exchange(method: .get, url: url, headers: headers, body: [], options: options,
                                rangeStart: existing, acceptCompression: false)
        let head: ResponseHead
        do {
            head = try Transfer(pool: client.pool, userAgent: client.userAgent).run(exchange, sink: sink)
        } catch {
            switch error {
            case .responseTooLarge, .lengthMismatch: discardPartial()
            default: break
            }
            throw error
        }
        if head.restartRequested {
            guard allowRestart else { throw .interrupted(receivedBytes: 0, detail: "the server refused to resume twice") }
            guard ftruncate(fd, 0) == 0 else { throw fileError() }
            return nil
        }
        guard (200..<300).contains(head.status) else {
            throw .httpStatus(code: head.status, retryAfter: head.headers["Retry-After"].flatMap { RetryAfter(headerValue: $0) })
        }
        if let total = sink.total, sink.position != total {
            throw .interrupted(receivedBytes: sink.position, detail: "the server sent \(sink.position) of \(total) bytes")
        }
        if let expectedLength, sink.position != expectedLength {
            throw .interrupted(receivedBytes: sink.position,
                               detail: "the connection closed at \(sink.position) of \(expectedLength) expected bytes")
        }
        try finish(fd, &open)
        return DownloadResult(path: path, bytes: sink.position, resumedFrom: sink.restarted ? 0 : existing,
                              status: head.status)
    }

    /// Makes the bytes durable, then publishes the file under its final name in one atomic rename.
    private func finish(_ fd: Int32, _ open: inout Bool) throws(HTTPError) {
        guard fsync(fd) == 0 else { throw fileError() }
        open = false
        guard close(fd) == 0 else { throw fileError() }
        guard rename(partialPath, path) == 0 else { throw fileError(path) }
    }

    private func discardPartial() { unlink(partialPath) }

    private func fileSize(_ fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    private func fileError(_ which: String? = nil) -> HTTPError {
        .fileError(path: which ?? partialPath, detail: String(cString: strerror(errno)))
    }
}
