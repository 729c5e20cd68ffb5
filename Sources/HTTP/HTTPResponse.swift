/// A complete response: the final status, its header fields and the (decoded) body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The URL that produced this response (differs from the request's after followed redirects).
    public var url: String

    public init(status: Int, headers: HTTPHeaders, body: [UInt8], url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The parsed `Retry-After`, if the server sent a valid one (typically with 429 and 503).
    public var retryAfter: RetryAfter? {
        headers["Retry-After"].flatMap { RetryAfter(headerValue: $0) }
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The response itself when its status is 2xx, `.httpStatus` otherwise — for callers that treat every
    /// other status as a failure.
    @discardableResult
    public func requireSuccess() throws(HTTPError) -> HTTPResponse {
        guard isSuccess else { throw .httpStatus(code: status, retryAfter: retryAfter) }
        return self
    }
}
