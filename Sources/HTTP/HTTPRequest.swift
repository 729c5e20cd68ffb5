/// One HTTP request as a value: what to send and the limits and policies to send it under.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    /// An absolute `https://` URL (or `http://` to loopback when `options.allowInsecureLoopback`).
    public var url: String
    /// Extra request fields. `Content-Length`, `Transfer-Encoding` and `Accept-Encoding` are the client's.
    public var headers: HTTPHeaders
    /// The request body; sent with any method when non-empty, and always (even empty) with POST.
    public var body: [UInt8]
    public var options: TransferOptions

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                options: TransferOptions = TransferOptions()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.options = options
    }

    /// Refuses header fields that would corrupt the request: CR/LF would inject fields, and the framing
    /// fields are computed by the client from `body`.
    func validate() throws(HTTPError) {
        guard method.isValidToken else { throw .invalidRequest(reason: "\"\(method)\" is not a valid HTTP method") }
        for field in headers {
            guard HTTPToken.isToken(field.name) else {
                throw .invalidRequest(reason: "\"\(field.name)\" is not a valid header name")
            }
            guard !field.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                throw .invalidRequest(reason: "the value of header \(field.name) contains a line break or NUL")
            }
            for reserved in ["Content-Length", "Transfer-Encoding", "Accept-Encoding"]
            where HTTPHeaders.same(field.name, reserved) {
                throw .invalidRequest(reason: "\(reserved) is set by the client; leave it out of the request headers")
            }
        }
        guard options.maxResponseBytes >= 0 else { throw .invalidRequest(reason: "maxResponseBytes is negative") }
    }
}
