import HTTP

/// Fetches repository files over HTTP(S) through libcurl, honouring the transport contract: the body is cut
/// at `maxLength` (endless data never buffers), 404/403 mean "not found", everything else is a failure.
public struct HTTPTransport: TUFTransport {
    public let client: HTTPClient
    public let options: TransferOptions

    /// `options` carries timeouts, TLS (CA file, pinned key) and whether plain HTTP to loopback is allowed.
    public init(client: HTTPClient = HTTPClient(), options: TransferOptions = TransferOptions()) {
        self.client = client
        self.options = options
    }

    public func fetch(_ url: String, maxLength: Int) throws(TUFTransportError) -> [UInt8] {
        var opts = options
        opts.maxResponseBytes = maxLength
        let response: HTTPResponse
        do {
            response = try client.send(HTTPRequest(method: .get, url: url, options: opts))
        } catch {
            switch error {
            case .responseTooLarge(let limit): throw .lengthExceeded(url: url, limit: limit)
            case .insecureURLRefused(_, let reason), .invalidURL(_, let reason): throw .unsupportedURL(url: url, reason: reason)
            default: throw .failed(url: url, reason: error.description)
            }
        }
        if response.status == 404 || response.status == 403 { throw .notFound(url: url) }
        guard response.isSuccess else { throw .httpStatus(url: url, status: response.status) }
        return response.body
    }
}
