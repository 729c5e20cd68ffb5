import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A URL parsed once by libcurl's own parser (`CURLU`) and handed to the transfer as that same object.
///
/// The security policy is decided on this parse and libcurl connects using it (`CURLOPT_CURLU`), so there is
/// no second parser that could read `http://127.0.0.1@192.0.2.1/` or `http://127.1/` differently from the
/// check. Not Sendable: it lives for one transfer on one thread.
final class ParsedURL {
    let handle: OpaquePointer
    /// The normalised URL as libcurl will request it.
    let text: String
    /// Lower-cased scheme, e.g. `https`.
    let scheme: String
    /// The host as written in the URL (IPv6 literals keep their brackets), for messages and the policy.
    let host: String
    /// The port, explicit or the scheme's default.
    let port: Int

    init(_ url: String) throws(HTTPError) {
        guard let handle = curl_url() else { throw .invalidRequest(reason: "out of memory parsing the URL") }
        self.handle = handle
        // No user:password@ in URLs: credentials would end up in logs and error messages; use a header.
        let rc = curl_url_set(handle, CURLUPART_URL, url, UInt32(CURLU_DISALLOW_USER | CURLU_NON_SUPPORT_SCHEME))
        guard rc == CURLUE_OK else {
            curl_url_cleanup(handle)
            let reason = rc == CURLUE_USER_NOT_ALLOWED
                ? "credentials in the URL are not allowed; send them in a header"
                : String(cString: curl_url_strerror(rc)).lowercased()
            throw .invalidURL(url: url, reason: reason)
        }
        guard let text = Self.part(handle, CURLUPART_URL, 0),
              let scheme = Self.part(handle, CURLUPART_SCHEME, 0),
              let host = Self.part(handle, CURLUPART_HOST, 0) else {
            curl_url_cleanup(handle)
            throw .invalidURL(url: url, reason: "it has no host")
        }
        self.text = text
        self.scheme = scheme.lowercased()
        self.host = host
        self.port = Self.part(handle, CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) } ?? 0
    }

    deinit { curl_url_cleanup(handle) }

    /// Resolves a `Location` value (absolute or relative) against this URL, as a browser would.
    func resolving(_ reference: String) throws(HTTPError) -> ParsedURL {
        guard let copy = curl_url_dup(handle) else { throw .invalidRequest(reason: "out of memory resolving a redirect") }
        defer { curl_url_cleanup(copy) }
        let rc = curl_url_set(copy, CURLUPART_URL, reference, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard rc == CURLUE_OK, let absolute = Self.part(copy, CURLUPART_URL, 0) else {
            throw .invalidURL(url: reference, reason: "the redirect target cannot be parsed")
        }
        return try ParsedURL(absolute)
    }

    /// Same scheme, host and port: credentials may follow a redirect only within one origin.
    func sameOrigin(as other: ParsedURL) -> Bool {
        scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
    }

    /// True for 127.0.0.0/8, ::1 and the name `localhost` — addresses that never leave this device.
    var isLoopback: Bool { Self.isLoopback(host: host) }

    /// True when the host is the name `localhost` (which the transfer pins to 127.0.0.1 so DNS is never asked).
    var isLocalhostName: Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "localhost."
    }

    static func isLoopback(host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "localhost." { return true }
        if h.hasPrefix("[") && h.hasSuffix("]") {
            var addr = in6_addr()
            guard inet_pton(AF_INET6, String(h.dropFirst().dropLast()), &addr) == 1 else { return false }
            let bytes = withUnsafeBytes(of: addr) { Array($0) }
            return bytes == Array(repeating: 0, count: 15) + [1]
        }
        // inet_pton accepts only the four-part dotted-decimal form, so odd spellings fall through to "not loopback".
        var addr = in_addr()
        guard inet_pton(AF_INET, h, &addr) == 1 else { return false }
        return withUnsafeBytes(of: addr) { $0[0] } == 127
    }

    private static func part(_ handle: OpaquePointer, _ what: CURLUPart, _ flags: UInt32) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, what, &out, flags) == CURLUE_OK, let out else { return nil }
        defer { curl_free(out) }
        return String(cString: out)
    }
}

/// The transport-security policy: which URLs may be fetched at all, decided before any connection.
enum URLPolicy {
    /// Throws unless the URL is `https://`, or `http://` to loopback with `allowInsecureLoopback`.
    static func check(_ url: ParsedURL, allowInsecureLoopback: Bool) throws(HTTPError) {
        switch url.scheme {
        case "https":
            return
        case "http":
            guard url.isLoopback else {
                throw .insecureURLRefused(url: url.text, reason: "plain http:// to \(url.host) would travel "
                    + "unencrypted and unauthenticated over the network")
            }
            guard allowInsecureLoopback else {
                throw .insecureURLRefused(url: url.text, reason: "plain http:// is switched off, even to this "
                    + "device; it must be explicitly allowed for loopback addresses")
            }
        default:
            throw .invalidURL(url: url.text, reason: "the scheme \(url.scheme):// is not supported; use https://")
        }
    }
}
