import Foundation
import HTTP
import StampCrypto
import StrictJSON

/// `stampwatch device enrol`: creates the device's key pair, proves possession to the hub with a one-time token,
/// and keeps the identity beside the field store.
public enum Enrolment {
    public struct Request: Sendable {
        public var hubURL: String
        public var token: String
        /// Must match the id the token names; nil: take it from the token.
        public var deviceID: String?
        public var pin: String?
        public var caFile: String?
        public var allowInsecureLoopback: Bool
        public var algorithm: SignatureAlgorithm
        public init(hubURL: String, token: String, deviceID: String? = nil, pin: String? = nil, caFile: String? = nil,
                    allowInsecureLoopback: Bool = false, algorithm: SignatureAlgorithm = .eddsa) {
            self.hubURL = hubURL; self.token = token; self.deviceID = deviceID; self.pin = pin; self.caFile = caFile
            self.allowInsecureLoopback = allowInsecureLoopback; self.algorithm = algorithm
        }
    }

    /// The device id a token names (`DEVICE_ID:HEX`, as `stampwatch-hub devices token` prints it).
    public static func deviceID(inToken token: String) -> String? {
        guard let colon = token.lastIndex(of: ":") else { return nil }
        let id = String(token[..<colon])
        return isValidDeviceID(id) ? id : nil
    }

    public static func isValidDeviceID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id != "." && id != ".." && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    public static func enrol(_ r: Request, paths: SyncPaths, client: HTTPClient = HTTPClient(userAgent: "stampwatch-enrol"),
                             now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws(SyncError) -> DeviceIdentity {
        let token = r.token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let named = deviceID(inToken: token) else {
            throw SyncError(.configuration, "the token does not look like one from `stampwatch-hub devices token` (DEVICE_ID:HEX); check it was copied whole")
        }
        if let given = r.deviceID, given != named {
            throw SyncError(.configuration, "--id \(given) does not match the device the token was issued for (\(named))")
        }
        if let existing = try DeviceIdentity.load(paths) {
            throw SyncError(.configuration, "this console is already enrolled as \(existing.deviceID) with \(existing.hubURL) "
                            + "(\(paths.identity)). A device enrols once; to replace it, have the hub revoke it and enrol this console under a new id with a fresh data directory")
        }
        let key: SigningKey
        if let pending = DeviceIdentity.pendingKey(paths), pending.algorithm == r.algorithm {
            key = pending
        } else {
            do { key = try SigningKey.generate(r.algorithm) } catch { throw SyncError(.io, "cannot create a key pair: \(error)") }
            try DeviceIdentity.storeKey(key, paths: paths)
        }
        let endpoint = HubEndpoint(baseURL: r.hubURL, pin: r.pin, caFile: r.caFile, allowInsecureLoopback: r.allowInsecureLoopback,
                                   requestTimeout: 60, connectTimeout: 20, stallSeconds: 30)
        let transport = HTTPUploadTransport(endpoint: endpoint, signer: DeviceRequestSigner(deviceID: named, key: key, now: now), client: client)
        let body = JSONValue.object(["token": .string(token), "public_key": .string(Data(key.publicKey.spkiDER).base64EncodedString())])
            .serializedBytes(sortedKeys: true)
        let response: SyncResponse
        do {
            response = try transport.send(SyncRequest(method: "POST", path: "/v1/devices/\(named)/enrolment", body: body, contentType: "application/json"))
        } catch {
            throw describe(error, hub: endpoint.baseURL)
        }
        func identity(region: String, role: String, at: Int64) -> DeviceIdentity {
            DeviceIdentity(deviceID: named, hubURL: endpoint.baseURL, pin: r.pin, caFile: r.caFile, allowInsecureLoopback: r.allowInsecureLoopback,
                           region: region, role: role, enrolledAt: at, key: key)
        }
        let answer = try? JSONParser.parse(response.body)
        switch response.status {
        case 201:
            let id = identity(region: answer?["region"]?.stringValue ?? "", role: answer?["role"]?.stringValue ?? "console",
                              at: answer?["enrolled_at"]?.integerValue ?? now())
            try id.save(paths)
            return id
        case 403 where answer?["type"]?.stringValue == "urn:stampwatch:problem:token-refused":
            // A previous attempt may have enrolled this very key and then lost the answer: ask the hub as the device.
            if let probe = try? transport.send(SyncRequest(method: "GET", path: "/v1/devices/\(named)/receipt", query: "from_seq=1&limit=1")),
               probe.status == 200 {
                let id = identity(region: "", role: "console", at: now())
                try id.save(paths)
                return id
            }
            throw SyncError(.refused, "the hub refused the enrolment token: \(detail(answer, response)). A token works once and expires "
                            + "(24 h by default); ask the hub operator for a new one (`stampwatch-hub devices token --id \(named)`)")
        default:
            throw SyncError(.refused, "the hub refused the enrolment (HTTP \(response.status)): \(detail(answer, response))")
        }
    }

    static func detail(_ answer: JSONValue?, _ r: SyncResponse) -> String {
        answer?["detail"]?.stringValue ?? String(decoding: r.body.prefix(300), as: UTF8.self)
    }

    /// A transport failure during enrolment, in words that say what to check.
    static func describe(_ f: TransportFailure, hub: String) -> SyncError {
        switch f.kind {
        case .cannotConnect: return SyncError(.unavailable, "cannot reach the hub at \(hub): check the address and that the hub is running. (\(f.message))")
        case .tls: return SyncError(.refused, "the hub at \(hub) is not the one this console was told to trust (TLS): \(f.message)")
        case .configuration: return SyncError(.configuration, f.message)
        case .interrupted: return SyncError(.unavailable, "the connection to \(hub) failed during enrolment; run the same command again (if the hub took the key before the link dropped, the console finds out and finishes). (\(f.message))")
        }
    }
}
