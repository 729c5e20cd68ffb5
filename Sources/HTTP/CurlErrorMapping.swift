import CCurl

/// Turns a failed `curl_easy_perform` into the `HTTPError` an operator can act on.
///
/// libcurl reports a total timeout, a low-speed abort and a connect timeout all as CURLE_OPERATION_TIMEDOUT;
/// they mean different things in the field (server slow, link weak, link down), so they are told apart by the
/// error-buffer message libcurl writes for each (stable wording since libcurl 7.6x).
enum CurlErrorMapping {
    struct Context {
        var host: String
        var receivedBytes: Int
        var options: TransferOptions
    }

    static func error(code: CURLcode, detail: String, context c: Context) -> HTTPError {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .cannotConnect(host: c.host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            if detail.hasPrefix("Operation too slow") {
                let limit = c.options.lowSpeed
                return .stalled(bytesPerSecond: limit?.bytesPerSecond ?? 0, seconds: limit?.seconds ?? 0, detail: detail)
            }
            if detail.hasPrefix("Resolving timed out") || detail.hasPrefix("Connection timed out")
                || detail.hasPrefix("Failed to connect") || detail.hasPrefix("Connection time-out") {
                return .cannotConnect(host: c.host, detail: detail)
            }
            return .timedOut(seconds: c.options.totalTimeout?.secondsValue ?? 0, detail: detail)
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .pinnedKeyMismatch(detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tlsFailure(detail: detail)
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(limit: c.options.maxResponseBytes)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_BAD_CONTENT_ENCODING:
            // BAD_CONTENT_ENCODING: a compressed body cut short fails in the decoder, not as PARTIAL_FILE.
            return .interrupted(receivedBytes: c.receivedBytes, detail: detail)
        case CURLE_RANGE_ERROR:
            return .interrupted(receivedBytes: c.receivedBytes, detail: "the server cannot resume this transfer: " + detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url: c.host, reason: detail)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(limit: c.options.maxRedirects)
        default:
            // CURLE_WRITE_ERROR lands here only when no sink asked for the abort (which would have been reported).
            return .transferFailed(curlCode: Int(code.rawValue), detail: detail)
        }
    }
}
