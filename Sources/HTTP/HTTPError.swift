import Foundation

/// Every way a request or download can fail, one case per situation an operator must tell apart.
///
/// `description` is a sentence for the officer (what happened, what to do next) followed, where libcurl said
/// something, by its own words in brackets for the engineer reading the log.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host could not be resolved or reached, or the connection timed out: the link is probably down.
    case cannotConnect(host: String, detail: String)
    /// Connected, but the whole transfer took longer than the total timeout.
    case timedOut(seconds: Double, detail: String)
    /// The transfer stayed below the low-speed limit for its whole window.
    case stalled(bytesPerSecond: Int, seconds: Int, detail: String)
    /// The TLS handshake or certificate verification failed.
    case tlsFailure(detail: String)
    /// The certificate verified but the server's public key is not a pinned one.
    case pinnedKeyMismatch(detail: String)
    /// More than `limit` body bytes arrived (or were announced); the transfer was cut at the limit.
    case responseTooLarge(limit: Int)
    /// The server answered with a non-success status (only from `requireSuccess` and `download`).
    case httpStatus(code: Int, retryAfter: RetryAfter?)
    /// Plain `http://` was refused before any connection was made.
    case insecureURLRefused(url: String, reason: String)
    /// The URL could not be parsed or uses an unsupported scheme.
    case invalidURL(url: String, reason: String)
    /// The connection dropped before the whole body arrived; `receivedBytes` did arrive.
    case interrupted(receivedBytes: Int, detail: String)
    /// More redirects than `maxRedirects`.
    case tooManyRedirects(limit: Int)
    /// A download's size differs from the expected length.
    case lengthMismatch(expected: Int, actual: Int)
    /// The request itself is malformed (bad header, bad pin, option libcurl refused).
    case invalidRequest(reason: String)
    /// Reading or writing the download's file failed.
    case fileError(path: String, detail: String)
    /// Any other libcurl failure, with its code.
    case transferFailed(curlCode: Int, detail: String)

    /// True for failures worth retrying later on the same link: a weak or absent signal, an overloaded server.
    public var isTransient: Bool {
        switch self {
        case .cannotConnect, .timedOut, .stalled, .interrupted: return true
        case .httpStatus(let code, _): return code == 408 || code == 429 || code >= 500
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .cannotConnect(let host, let detail):
            return "Cannot reach \(host): the link may be down or the server is off. Try again when the signal is back."
                + Self.bracket(detail)
        case .timedOut(let seconds, let detail):
            return "The server did not finish answering within \(Self.format(seconds)) s. Try again, if possible "
                + "where the signal is stronger." + Self.bracket(detail)
        case .stalled(let rate, let seconds, let detail):
            return "The transfer stalled (under \(rate) bytes/s for \(seconds) s) and was stopped: the link is too weak "
                + "right now. Try again later; a download continues where it stopped." + Self.bracket(detail)
        case .tlsFailure(let detail):
            return "The secure connection failed: the server's certificate could not be verified. Do not trust this "
                + "network; report it if it persists." + Self.bracket(detail)
        case .pinnedKeyMismatch(let detail):
            return "The server's key is not the one this console trusts, so the connection was refused. This may be "
                + "an interception attempt: report it and do not retry on this network." + Self.bracket(detail)
        case .responseTooLarge(let limit):
            return "The server sent more than \(limit) bytes, the most allowed for this request; the transfer was stopped."
        case .httpStatus(let code, let retryAfter):
            let wait = retryAfter.map { " It asks to try again after \($0)." } ?? ""
            return "The server answered HTTP \(code) (\(Self.reason(code))).\(wait)"
        case .insecureURLRefused(let url, let reason):
            return "Refused to connect to \(url): \(reason). Only https:// is allowed, except http:// to this device "
                + "itself (loopback) when explicitly enabled."
        case .invalidURL(let url, let reason):
            return "\"\(url)\" is not a usable address: \(reason)."
        case .interrupted(let received, let detail):
            return "The connection dropped after \(received) bytes, so the answer is incomplete. Try again; a download "
                + "continues where it stopped." + Self.bracket(detail)
        case .tooManyRedirects(let limit):
            return "The server redirected more than \(limit) times; stopped to avoid a loop."
        case .lengthMismatch(let expected, let actual):
            return "The file is \(actual) bytes but \(expected) were expected: the server has a different version. "
                + "Refresh the index and try again."
        case .invalidRequest(let reason):
            return "The request is invalid: \(reason)."
        case .fileError(let path, let detail):
            return "Cannot write the download to \(path): \(detail). Check free space and permissions."
        case .transferFailed(let code, let detail):
            return "The transfer failed (libcurl error \(code))." + Self.bracket(detail)
        }
    }

    private static func bracket(_ detail: String) -> String { detail.isEmpty ? "" : " [\(detail)]" }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    private static func reason(_ code: Int) -> String {
        switch code {
        case 400: return "bad request"
        case 401: return "not authenticated"
        case 403: return "forbidden"
        case 404: return "not found"
        case 408: return "request timeout"
        case 409: return "conflict"
        case 410: return "gone"
        case 413: return "request too large"
        case 416: return "range not satisfiable"
        case 429: return "too many requests"
        case 500: return "server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway timeout"
        case 300..<400: return "redirect"
        case 400..<500: return "request refused"
        case 500..<600: return "server error"
        default: return "unexpected status"
        }
    }
}
