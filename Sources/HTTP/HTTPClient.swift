/// A small, blocking HTTP/1.1 and HTTP/2 client over libcurl for a console on slow, unreliable links.
///
/// Safe to share between threads: each call runs its whole transfer on the calling thread with an easy handle
/// taken from a small pool (kept so connections and TLS sessions are reused). Calls block; run them off the UI
/// thread. Only `https://` is fetched, plus `http://` to loopback when a request explicitly allows it.
///
/// ```swift
/// let client = HTTPClient()
/// let response = try client.send(HTTPRequest(url: "https://hub.example/v1/status"))
/// if response.status == 429, let wait = response.retryAfter?.delay(from: Date()) { … }
/// ```
public final class HTTPClient: Sendable {
    /// Sent as `User-Agent`, so the hub's logs can tell console versions apart.
    public let userAgent: String
    let pool: HandlePool

    /// - Parameter maxIdleHandles: easy handles (each with its open connections) kept between requests.
    public init(userAgent: String = "stampwatch", maxIdleHandles: Int = 4) {
        self.userAgent = userAgent
        pool = HandlePool(capacity: max(0, maxIdleHandles))
    }

    /// libcurl's version line (TLS backend, compression libraries), for diagnostics.
    public static var libcurlVersion: String { CurlRuntime.version }

    /// Sends a request and returns the final response, whatever its status (see `HTTPResponse.requireSuccess`).
    ///
    /// - Parameter progress: called on this thread after each body chunk with the bytes received so far and the
    ///   announced length, when known.
    /// - Throws: `HTTPError`, never anything else. A refused URL fails before any connection is attempted.
    public func send(_ request: HTTPRequest, progress: ((_ received: Int, _ total: Int?) -> Void)? = nil) throws(HTTPError) -> HTTPResponse {
        try CurlRuntime.ensure()
        try request.validate()
        let exchange = Exchange(method: request.method, url: try ParsedURL(request.url), headers: request.headers,
                                body: request.body, options: request.options, rangeStart: nil,
                                acceptCompression: request.options.acceptCompression)
        let sink = MemorySink(limit: request.options.maxResponseBytes, bodyExpected: request.method != .head,
                              progress: progress)
        let head = try Transfer(pool: pool, userAgent: userAgent).run(exchange, sink: sink)
        return HTTPResponse(status: head.status, headers: head.headers, body: sink.bytes, url: head.url.text)
    }
}
