import CCurl

/// One libcurl easy handle with its error buffer, and checked setters for the options this module uses.
///
/// Every `curl_easy_setopt` result is checked: an option libcurl refuses (a TLS backend without pinning, an
/// old libcurl without `CURLOPT_PROTOCOLS_STR`) must fail the request, never be skipped silently. Not
/// Sendable: a handle is used by one thread at a time, passed between threads only through `HandlePool`.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: libcurl writes its most specific message here, better than `curl_easy_strerror`.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The TLS trust settings of the connections this handle may have cached; see `HandlePool`.
    var securityKey: String = ""

    init() throws(HTTPError) {
        try CurlRuntime.ensure()
        guard let raw = curl_easy_init() else { throw .invalidRequest(reason: "libcurl could not create a handle") }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option but keeps the connection, TLS-session and DNS caches (the point of reusing a handle
    /// on a slow link), then re-attaches the error buffer.
    func reset() throws(HTTPError) {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    /// Runs the transfer on the calling thread and returns libcurl's result with its error text.
    func perform() -> (code: CURLcode, detail: String) {
        errorBuffer[0] = 0
        let code = curl_easy_perform(raw)
        let buffered = String(cString: errorBuffer).trimmingTrailingNewlines()
        return (code, code == CURLE_OK ? "" : (buffered.isEmpty ? CurlText.strerror(code) : buffered))
    }

    func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
        try check(sw_curl_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws(HTTPError) {
        // libcurl copies string options (except POSTFIELDS, which this module never uses), so the
        // temporary C string is enough.
        try check(sw_curl_setopt_str(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int) throws(HTTPError) {
        try check(sw_curl_setopt_off(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(HTTPError) {
        try check(sw_curl_setopt_ptr(raw, option, value), option)
    }

    func set(_ option: CURLoption, callback: sw_curl_write_cb) throws(HTTPError) {
        try check(sw_curl_setopt_writefn(raw, option, callback), option)
    }

    func info(_ item: CURLINFO) -> Int {
        var value = 0
        return sw_curl_getinfo_long(raw, item, &value) == CURLE_OK ? value : 0
    }

    func info(offset item: CURLINFO) -> Int {
        var value: curl_off_t = 0
        return sw_curl_getinfo_off(raw, item, &value) == CURLE_OK ? Int(value) : 0
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw .invalidRequest(reason: "libcurl refused option \(option.rawValue): \(CurlText.strerror(code))")
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}
