import Foundation

/// One request of the sync protocol, before signing: what the engine wants sent to the hub.
public struct SyncRequest: Sendable, Equatable {
    public var method: String
    /// The path under the hub's API root, e.g. `/v1/devices/console-1/records`.
    public var path: String
    /// The query without "?", or nil.
    public var query: String?
    /// The body exactly as it goes on the wire (already gzip-compressed when `contentEncoding` is gzip).
    public var body: [UInt8]
    /// "gzip" or nil.
    public var contentEncoding: String?
    public var contentType: String?

    public init(method: String, path: String, query: String? = nil, body: [UInt8] = [], contentEncoding: String? = nil,
                contentType: String? = nil) {
        self.method = method; self.path = path; self.query = query; self.body = body
        self.contentEncoding = contentEncoding; self.contentType = contentType
    }

    /// Path and query as one request target.
    public var target: String { query.map { path + "?" + $0 } ?? path }
}

/// The hub's answer, whatever its status.
public struct SyncResponse: Sendable, Equatable {
    public var status: Int
    /// Header fields by lower-case name.
    public var headers: [String: String]
    public var body: [UInt8]
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }
    public var retryAfter: String? { headers["retry-after"] }
}

/// Why no answer came back. `outcomeUnknown` tells the engine the hub may have committed the request.
public struct TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Nothing was sent: DNS, connection refused, no route (the link is down).
        case cannotConnect
        /// Sent (maybe partly), then the connection dropped, timed out or stalled: the hub may have committed.
        case interrupted
        /// TLS failed: certificate not trusted, or the server's key is not the pinned one. Not retried blindly.
        case tls
        /// The request could not be made (bad URL, refused plain http): a configuration problem.
        case configuration
    }
    public var kind: Kind
    /// In plain words, for the officer.
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
    public var outcomeUnknown: Bool { kind == .interrupted }
}

/// How the engine reaches the hub. The real one signs each request with the device key and sends it over
/// libcurl (`HTTPUploadTransport`); `InMemoryHub` is a deterministic double for fast tests and UI work.
///
/// Implementations are called from one thread at a time per engine, and may block.
public protocol UploadTransport: Sendable {
    func send(_ request: SyncRequest) throws(TransportFailure) -> SyncResponse
}
