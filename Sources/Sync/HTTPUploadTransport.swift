import DeviceAuth
import Foundation
import HTTP
import StampCrypto

/// Signs requests as the device: RFC 9421 over method, path, query and the Content-Digest of the body as sent,
/// with `created` from the device clock and a fresh nonce (the hub refuses replays). The one implementation is
/// `DeviceAuth.RequestSignature`, shared with the hub.
public struct DeviceRequestSigner: Sendable {
    public let deviceID: String
    public let key: SigningKey
    public let now: @Sendable () -> Int64

    public init(deviceID: String, key: SigningKey, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.deviceID = deviceID; self.key = key; self.now = now
    }

    public func headers(method: String, path: String, query: String?, body: [UInt8]) throws(SyncError) -> [(name: String, value: String)] {
        do {
            return try RequestSignature.sign(method: method, path: path, query: query, body: body, keyID: deviceID, key: key, created: now())
        } catch {
            throw SyncError(.configuration, "cannot sign the request with the device key: \(error)")
        }
    }

    /// Signed header fields for a GET of `url` (its path and query), e.g. a TUF target the hub serves only to
    /// enrolled devices.
    public func headers(forGet url: String) throws(SyncError) -> HTTPHeaders {
        guard let comps = URLComponents(string: url) else { throw SyncError(.configuration, "\(url) is not a URL") }
        let path = comps.percentEncodedPath.isEmpty ? "/" : comps.percentEncodedPath
        var h = HTTPHeaders()
        for f in try headers(method: "GET", path: path, query: comps.percentEncodedQuery, body: []) { h.add(f.name, f.value) }
        return h
    }
}

/// Where the hub is and how to trust it.
public struct HubEndpoint: Sendable, Equatable {
    /// The API root without a trailing slash, e.g. `https://hub.example`.
    public var baseURL: String
    public var options: TransferOptions

    public init(baseURL: String, pin: String? = nil, caFile: String? = nil, allowInsecureLoopback: Bool = false,
                requestTimeout: Double = 120, connectTimeout: Double = 20, stallSeconds: Double = 30) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        options = TransferOptions(connectTimeout: .milliseconds(Int64(connectTimeout * 1000)),
                                  totalTimeout: .milliseconds(Int64(requestTimeout * 1000)),
                                  lowSpeed: LowSpeedLimit(bytesPerSecond: 100, duration: .seconds(Int64(max(1, stallSeconds)))),
                                  maxResponseBytes: 16 << 20, tls: TLSOptions(caFile: caFile, pinnedPublicKey: pin),
                                  allowInsecureLoopback: allowInsecureLoopback)
    }

    public init(settings: SyncSettings) throws(SyncError) {
        guard let hub = settings.hubURL, !hub.isEmpty else {
            throw SyncError(.configuration, "no hub URL: enrol with `stampwatch device enrol --hub URL …`, or give --hub URL (or hub = \"…\" under [sync] in the config file)")
        }
        self.init(baseURL: hub, pin: settings.pin, caFile: settings.caFile, allowInsecureLoopback: settings.allowInsecureLoopback,
                  requestTimeout: settings.requestTimeout, connectTimeout: settings.connectTimeout, stallSeconds: settings.stallSeconds)
    }

    /// The TUF repository the hub serves.
    public var tufURL: String { baseURL + "/tuf" }
}

/// The real transport: libcurl (HTTP module) with TLS pinning / CA file, plain http only to loopback when allowed,
/// every request signed with the device key.
public struct HTTPUploadTransport: UploadTransport {
    public let endpoint: HubEndpoint
    public let signer: DeviceRequestSigner
    public let client: HTTPClient

    public init(endpoint: HubEndpoint, signer: DeviceRequestSigner, client: HTTPClient = HTTPClient(userAgent: "stampwatch-sync")) {
        self.endpoint = endpoint; self.signer = signer; self.client = client
    }

    public func send(_ request: SyncRequest) throws(TransportFailure) -> SyncResponse {
        var headers = HTTPHeaders()
        do {
            for f in try signer.headers(method: request.method, path: request.path, query: request.query, body: request.body) {
                headers.add(f.name, f.value)
            }
        } catch {
            throw TransportFailure(.configuration, error.message)
        }
        if let t = request.contentType { headers.add("Content-Type", t) }
        if let e = request.contentEncoding { headers.add("Content-Encoding", e) }
        let method = HTTPMethod(request.method)
        let http = HTTPRequest(method: method, url: endpoint.baseURL + request.target, headers: headers, body: request.body,
                               options: endpoint.options)
        do {
            let r = try client.send(http)
            var h: [String: String] = [:]
            for f in r.headers { h[f.name.lowercased()] = f.value }
            return SyncResponse(status: r.status, headers: h, body: r.body)
        } catch {
            throw Self.failure(error, hub: endpoint.baseURL)
        }
    }

    static func failure(_ error: HTTPError, hub: String) -> TransportFailure {
        switch error {
        case .cannotConnect: return TransportFailure(.cannotConnect, "cannot reach the hub (\(hub)): the link may be down. " + error.description)
        case .timedOut, .stalled, .interrupted, .responseTooLarge, .transferFailed, .lengthMismatch, .httpStatus, .fileError, .tooManyRedirects:
            return TransportFailure(.interrupted, error.description)
        case .tlsFailure, .pinnedKeyMismatch: return TransportFailure(.tls, error.description)
        case .insecureURLRefused, .invalidURL, .invalidRequest: return TransportFailure(.configuration, error.description)
        }
    }
}
