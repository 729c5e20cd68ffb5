import CCurl

/// libcurl's process-wide setup, done exactly once before the first handle exists.
///
/// `curl_global_init` is not thread-safe against other threads using libcurl, so it must run before any
/// easy handle is made; a `static let` gives the once-only, thread-safe initialisation for free.
enum CurlRuntime {
    /// The result of the one `curl_global_init` call (`CURLE_OK` on success).
    static let initialised: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Throws when libcurl could not be initialised, so every entry point fails with a reason, not a crash.
    static func ensure() throws(HTTPError) {
        let code = initialised
        guard code == CURLE_OK else {
            throw .transferFailed(curlCode: Int(code.rawValue), detail: "curl_global_init failed: " + CurlText.strerror(code))
        }
    }

    /// libcurl's own version line, for diagnostics (`stampwatch doctor`).
    static var version: String { String(cString: sw_curl_version()) }
}

/// Small conversions between libcurl's C strings and Swift.
enum CurlText {
    static func strerror(_ code: CURLcode) -> String { String(cString: curl_easy_strerror(code)) }
}
