import CCurl

/// Where a transfer's body goes: memory for `send`, a file for `download`.
///
/// Both calls happen on the thread running `curl_easy_perform`, in order: `begin` once the final response's
/// header block is complete (never for 1xx interim responses), then `write` per chunk libcurl delivers
/// (at most `CURL_MAX_WRITE_SIZE`, 16 KiB, after decoding). Returning a `TransferAbort` stops the transfer at
/// once, before the chunk is stored — which is how size limits hold without buffering past them.
protocol BodySink: AnyObject {
    func begin(status: Int, headers: HTTPHeaders) -> TransferAbort?
    func write(_ chunk: UnsafeRawBufferPointer) -> TransferAbort?
    /// Body bytes kept so far, for `.interrupted` reports.
    var receivedBytes: Int { get }
}

/// Why a sink stopped a transfer: a failure to report, or (downloads) a request to start over without a range.
enum TransferAbort: Equatable {
    case fail(HTTPError)
    case restartFromZero
}

/// What the libcurl callbacks of one transfer share: the response head as it arrives and the body sink.
///
/// Reached from C through an unretained pointer; `Transfer.perform` keeps it alive for the whole transfer.
final class TransferState {
    let sink: BodySink
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private(set) var begun = false
    private(set) var abort: TransferAbort?

    init(sink: BodySink) { self.sink = sink }

    /// One raw header line, status lines included. Returns false to abort the transfer.
    func headerLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Lines after the body started are trailers of a chunked body; they do not replace the head.
        guard !begun else { return true }
        // Trim CR/LF as bytes: "\r\n" is a single Character in Swift, so Character-wise trimming misses it.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response head (after 1xx or a proxy's answer): forget the previous one.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
        } else if line.isEmpty {
            if status >= 200 { return startBody() }
        } else if line.first == " " || line.first == "\t" {
            // obs-fold (RFC 9112 §5.2): a continuation of the previous field's value.
            if var last = headers.fields.last {
                last.value += " " + line.trimmingCharacters(in: [" ", "\t"])
                headers.replaceLast(last)
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: [" ", "\t"])
            headers.add(name, value)
        }
        return true
    }

    /// One body chunk. Returns false to abort the transfer.
    func bodyChunk(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if !begun, !startBody() { return false }
        return record(sink.write(bytes))
    }

    /// Called after a successful transfer, so an empty body (HEAD, 204) still reaches `begin`.
    func finish() {
        if !begun { _ = startBody() }
    }

    private func startBody() -> Bool {
        begun = true
        return record(sink.begin(status: status, headers: headers))
    }

    private func record(_ outcome: TransferAbort?) -> Bool {
        guard let outcome else { return true }
        abort = outcome
        return false
    }
}

extension HTTPHeaders {
    mutating func replaceLast(_ field: Field) {
        fields[fields.count - 1] = field
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// CURLOPT_HEADERFUNCTION: one header line per call. A return other than `size * count` aborts the transfer
/// with CURLE_WRITE_ERROR.
let curlHeaderCallback: sw_curl_write_cb = { data, size, count, userdata in
    let state = Unmanaged<TransferState>.fromOpaque(userdata!).takeUnretainedValue()
    let n = size * count
    return state.headerLine(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
}

/// CURLOPT_WRITEFUNCTION: one body chunk per call, same abort convention.
let curlWriteCallback: sw_curl_write_cb = { data, size, count, userdata in
    let state = Unmanaged<TransferState>.fromOpaque(userdata!).takeUnretainedValue()
    let n = size * count
    return state.bodyChunk(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
}
