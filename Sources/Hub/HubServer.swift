import EPCIS
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import StampCrypto
import StrictJSON

/// Limits and options of the hub's HTTP API.
public struct HubOptions: Sendable {
    /// How far a request's `created` may be from the hub's clock, either way (seconds).
    public var replayWindow: Int64 = 300
    /// A TUF repository as `publish` writes it (`metadata/` and `targets/`), served under /tuf; nil: 404.
    public var tufRepository: String?
    /// Serve /tuf/targets to anyone. By default targets (the cache, which carries data keys) need a signed
    /// request from an enrolled console; metadata is always public (hashes and versions only).
    public var publicTUFTargets = false
    /// Largest request body as sent, and after gzip decoding.
    public var maxBodyBytes = 16 << 20
    public var maxDecodedBytes = 64 << 20
    /// Reported by /health.
    public var version = "0.1.0"

    public init(replayWindow: Int64 = 300, tufRepository: String? = nil, publicTUFTargets: Bool = false) {
        self.replayWindow = replayWindow; self.tufRepository = tufRepository; self.publicTUFTargets = publicTUFTargets
    }
}

/// The hub's HTTP API on Hummingbird 2: routes, device authentication, and the mapping of store outcomes to
/// answers. Everything it decides is delegated to pure functions (`RequestSignature`, `UploadBatch`,
/// `ExactlyOnce`, `EPCISReader`) and the store; this type only moves bytes between them.
public struct HubServer: Sendable {
    public let store: any HubStore
    public let signer: ReceiptSigner
    public let options: HubOptions
    /// The hub's clock (epoch seconds); a value in tests.
    public let now: @Sendable () -> Int64

    public init(store: any HubStore, signer: ReceiptSigner, options: HubOptions = HubOptions(),
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store; self.signer = signer; self.options = options; self.now = now
    }

    /// Every route, as (method, OpenAPI path); `router()` registers exactly these.
    public static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/health"),
        (.post, "/v1/devices/{id}/enrolment"),
        (.post, "/v1/devices/{id}/records"),
        (.get, "/v1/devices/{id}/receipt"),
        (.post, "/epcis/capture"),
        (.get, "/tuf/metadata/{file}"),
        (.get, "/tuf/targets/{target}"),
    ]

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: AccessLog())
        router.get("/health") { _, _ in await self.guarded { try await self.health() } }
        router.post("/v1/devices/:id/enrolment") { req, ctx in await self.guarded { try await self.enrol(req, ctx) } }
        router.post("/v1/devices/:id/records") { req, ctx in await self.guarded { try await self.upload(req, ctx) } }
        router.get("/v1/devices/:id/receipt") { req, ctx in await self.guarded { try await self.receipt(req, ctx) } }
        router.post("/epcis/capture") { req, ctx in await self.guarded { try await self.capture(req, ctx) } }
        router.get("/tuf/metadata/:file") { req, ctx in await self.guarded { try await self.tufMetadata(req, ctx) } }
        router.get("/tuf/targets/**") { req, ctx in await self.guarded { try await self.tufTarget(req, ctx) } }
        return router
    }

    func guarded(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch { return HubProblem.from(error).response }
    }

    // MARK: Routes

    func health() async throws -> Response {
        do {
            try await store.checkHealth()
        } catch {
            return HubProblem(.serviceUnavailable, "unhealthy", "The hub's database cannot be read", detail: "\(error)", retryAfter: 30).response
        }
        return json(.ok, ["status": "ok", "version": .string(options.version), "time": .integer(now()),
                          "receipt_key": signer.publicKeyJSON])
    }

    func enrol(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try deviceID(context)
        let body = try await collect(request, limit: 64 << 10)
        guard case .object(let o)? = try? JSONParser.parse(body), let token = o["token"]?.stringValue,
              let keyText = o["public_key"]?.stringValue, let der = Data(base64Encoded: keyText) else {
            throw HubProblem.badRequest("the body must be {\"token\": \"…\", \"public_key\": \"BASE64 SubjectPublicKeyInfo DER\"}")
        }
        let key: VerifyingKey
        do { key = try VerifyingKey(spkiDER: [UInt8](der)) } catch {
            throw HubProblem.badRequest("public_key is not a usable public key: \(error)")
        }
        guard key.algorithm != nil else { throw HubProblem.badRequest("public_key must be Ed25519 or P-256") }
        // Proof of possession: the enrolment request is signed by the key it enrols. A replay needs no nonce
        // check: the token it carries is spent by the first enrolment (and nothing is written before that).
        _ = try verifySignature(request, body: body, key: key, expectedKeyID: id)
        let device = try await store.enrol(deviceID: id, tokenHash: SHA256.hash(Array(token.utf8)), publicKeySPKI: key.spkiDER, now: now())
        return json(.created, ["device_id": .string(device.deviceID), "role": .string(device.role.rawValue), "region": .string(device.region),
                               "enrolled_at": .integer(device.enrolledAt ?? 0), "receipt_key": signer.publicKeyJSON])
    }

    func upload(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try deviceID(context)
        let (_, raw) = try await authenticate(request, bodyLimit: options.maxBodyBytes, pathDeviceID: id, role: .console)
        let body = try decoded(request, raw)
        let items: [BatchItem]
        do { items = try UploadBatch.parse(body, deviceID: id) } catch {
            throw HubProblem.badRequest(error.description)
        }
        let (receipt, bytes) = try await store.upload(deviceID: id, items: items, requestSHA256: Hex.encode(SHA256.hash(raw)), now: now(), signer: signer)
        return receiptResponse(request, status: .init(code: ExactlyOnce.httpStatus(receipt.records)), bytes)
    }

    func receipt(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try deviceID(context)
        _ = try await authenticate(request, bodyLimit: 1 << 10, pathDeviceID: id, role: .console)
        let from = try queryInt(request, "from_seq", default: 1, range: 1...Int64.max)
        let limit = try queryInt(request, "limit", default: 1000, range: 1...Int64(UploadBatch.maxRecords))
        let (_, bytes) = try await store.status(deviceID: id, fromSeq: from, limit: Int(limit), now: now(), signer: signer)
        return receiptResponse(request, status: .ok, bytes)
    }

    func capture(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (client, raw) = try await authenticate(request, bodyLimit: options.maxBodyBytes, pathDeviceID: nil, role: .capture)
        let body = try decoded(request, raw)
        do { _ = try JSONParser.parse(body) } catch {
            throw HubProblem.badRequest("the document is not JSON", errors: [["index": .null, "type": .null, "field": "(document)", "error": .string("\(error)")]])
        }
        let document: EPCISDocument
        switch EPCISReader.read(body) {
        case .failure(let e):
            let errors: [JSONValue] = e.issues.map { i in
                ["index": i.eventIndex.map { .integer(Int64($0)) } ?? .null, "type": i.eventType.map(JSONValue.string) ?? .null,
                 "field": .string(i.field), "error": .string(i.description)]
            }
            throw HubProblem(.unprocessableContent, "epcis-invalid", "The EPCIS document is invalid; nothing was captured",
                             detail: "\(e.issues.count) problem\(e.issues.count == 1 ? "" : "s") found", errors: errors)
        case .success(let d): document = d
        }
        let events = EPCISCapture.prepare(document)
        let outcome = try await store.capture(clientID: client.deviceID, document: body, events: events, now: now())
        let list: [JSONValue] = outcome.events.map { e, status in
            ["index": .integer(Int64(e.index)), "type": .string(e.type), "eventID": .string(e.eventID), "hashed": .bool(e.hashed),
             "status": .string(status)]
        }
        return json(outcome.repeated ? .ok : .created, ["capture_id": .string(outcome.captureID), "repeated": .bool(outcome.repeated),
                                                         "events": .array(list)])
    }

    // MARK: TUF repository (static files)

    func tufMetadata(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let repo = options.tufRepository else { throw HubProblem.notFound("this hub serves no TUF repository") }
        let file = context.parameters.get("file") ?? ""
        guard Self.isSafeName(file), file.hasSuffix(".json") else { throw HubProblem.notFound("no metadata \(file)") }
        return try StaticFile.response(path: repo + "/metadata/" + file, contentType: "application/json", request: request)
    }

    func tufTarget(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let repo = options.tufRepository else { throw HubProblem.notFound("this hub serves no TUF repository") }
        let parts = context.parameters.getCatchAll().map(String.init)
        guard !parts.isEmpty, parts.count <= 8, parts.allSatisfy(Self.isSafeName) else { throw HubProblem.notFound("no such target") }
        if !options.publicTUFTargets {
            _ = try await authenticate(request, bodyLimit: 1 << 10, pathDeviceID: nil, role: .console)
        }
        return try StaticFile.response(path: repo + "/targets/" + parts.joined(separator: "/"), contentType: "application/octet-stream",
                                       request: request)
    }

    /// A path segment that cannot climb out of the repository: no dot files, no separators.
    static func isSafeName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 255 && !s.hasPrefix(".") && s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    // MARK: Authentication

    /// Reads the body and checks the request's signature against the enrolled device's key, then the device's
    /// state and role, then records the nonce; returns the device and the body as sent.
    ///
    /// Order matters: the signature fields and the device are checked before the body is read (a stranger
    /// cannot make the hub buffer large bodies by naming no device), nothing about a device's state is revealed
    /// before its key has signed, and only requests signed by an enrolled key write anything (the nonce).
    func authenticate(_ request: Request, bodyLimit: Int, pathDeviceID: String?, role: DeviceRole) async throws -> (DeviceRecord, [UInt8]) {
        let parsed: RequestSignature.Parsed
        switch RequestSignature.parse(Self.parts(request, body: [])) {
        case .failure(let f): throw HubProblem.unauthorized(f.description)
        case .success(let p): parsed = p
        }
        if let pathDeviceID, parsed.keyID != pathDeviceID {
            throw HubProblem.unauthorized("the request for device \(pathDeviceID) is signed with keyid \(parsed.keyID)")
        }
        guard let device = try await store.device(parsed.keyID), let spki = device.publicKeySPKI else {
            throw HubProblem.unauthorized("keyid \(parsed.keyID) is not an enrolled device")
        }
        let key = try VerifyingKey(spkiDER: spki)
        let body = try await collect(request, limit: bodyLimit)
        let parts = Self.parts(request, body: body)
        if case .failure(let f) = RequestSignature.verify(parsed, parts: parts, key: key, now: now(), window: options.replayWindow) {
            throw HubProblem.unauthorized(f.description)
        }
        if device.state == .revoked {
            throw HubProblem.forbidden("revoked", "device \(device.deviceID) was revoked" + (device.revokedReason.map { " (\($0))" } ?? ""))
        }
        guard device.role == role else {
            throw HubProblem.forbidden("wrong-role", "device \(device.deviceID) is enrolled as \(device.role.rawValue); this needs \(role.rawValue)")
        }
        guard try await store.rememberNonce(deviceID: device.deviceID, nonce: parsed.nonce, created: parsed.created, now: now(),
                                            keepFor: 2 * options.replayWindow) else {
            throw HubProblem.unauthorized("this request was seen before (replayed nonce)")
        }
        return (device, body)
    }

    func verifySignature(_ request: Request, body: [UInt8], key: VerifyingKey, expectedKeyID: String) throws -> RequestSignature.Parsed {
        let parts = Self.parts(request, body: body)
        switch RequestSignature.parse(parts) {
        case .failure(let f): throw HubProblem.unauthorized(f.description)
        case .success(let p):
            guard p.keyID == expectedKeyID else { throw HubProblem.unauthorized("the request for device \(expectedKeyID) is signed with keyid \(p.keyID)") }
            if case .failure(let f) = RequestSignature.verify(p, parts: parts, key: key, now: now(), window: options.replayWindow) {
                throw HubProblem.unauthorized(f.description)
            }
            return p
        }
    }

    static func parts(_ request: Request, body: [UInt8]) -> RequestSignature.Parts {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        return RequestSignature.Parts(method: request.method.rawValue, target: request.head.path ?? "/", headers: headers, body: body)
    }

    // MARK: Helpers

    func deviceID(_ context: BasicRequestContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard DeviceRecord.isValidID(id) else { throw HubProblem.notFound("no device \(id)") }
        return id
    }

    func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw HubProblem(.contentTooLarge, "too-large", "The body is too large", detail: "send at most \(limit) bytes")
        }
    }

    /// The body after Content-Encoding (gzip or identity).
    func decoded(_ request: Request, _ raw: [UInt8]) throws -> [UInt8] {
        let encoding = (request.headers[.contentEncoding] ?? "identity").trimmingCharacters(in: .whitespaces).lowercased()
        switch encoding {
        case "identity", "": return raw
        case "gzip", "x-gzip":
            do { return try Gzip.decompress(raw, limit: options.maxDecodedBytes) } catch .tooLarge(let limit) {
                throw HubProblem(.contentTooLarge, "too-large", "The body is too large", detail: "it decompresses to more than \(limit) bytes")
            } catch {
                throw HubProblem.badRequest(error.description)
            }
        default:
            throw HubProblem(.unsupportedMediaType, "unsupported-encoding", "Unsupported Content-Encoding",
                             detail: "Content-Encoding \(encoding) is not supported; use gzip or none")
        }
    }

    func queryInt(_ request: Request, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let v = Int64(text), range.contains(v) else {
            throw HubProblem.badRequest("\(name) must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    /// A receipt, gzip-compressed when the device accepts it (receipts are most of what a 2G link carries back).
    func receiptResponse(_ request: Request, status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        guard bytes.count >= 512, Self.acceptsGzip(request.headers[.acceptEncoding]) else {
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Response(status: status, headers: [.contentType: "application/json", .contentEncoding: "gzip", .vary: "Accept-Encoding"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Gzip.compress(bytes))))
    }

    /// Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3; `q=0` refuses it).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
        return false
    }

    func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes(sortedKeys: true))))
    }
}

/// One line per request in the hub's log: method, path, status, milliseconds. Bodies, signatures and
/// tokens are never logged.
struct AccessLog<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        func log(_ status: Int) {
            let ms = (ContinuousClock.now - start).components
            let millis = ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000
            context.logger.info("\(request.method.rawValue) \(request.uri.path) \(status) \(millis) ms")
        }
        do {
            let response = try await next(request, context)
            log(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            log(error.status.code)
            throw error
        } catch {
            log(500)
            throw error
        }
    }
}

/// Regular files with single-range support (RFC 9110 §14), so an interrupted cache download resumes.
enum StaticFile {
    static func response(path: String, contentType: String, request: Request) throws -> Response {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw HubProblem.notFound("not found") }
        let size = Int64(st.st_size)
        var range: ClosedRange<Int64>? = nil
        if let header = request.headers[.range] {
            switch parseRange(header, size: size) {
            case .none: break  // not a bytes range we understand: whole file (RFC 9110 allows ignoring Range)
            case .some(nil):
                return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"])
            case .some(let r?): range = r
            }
        }
        let start = range?.lowerBound ?? 0
        let length = range.map { $0.upperBound - $0.lowerBound + 1 } ?? size
        guard let handle = FileHandle(forReadingAtPath: path) else { throw HubProblem.notFound("not found") }
        var headers: HTTPFields = [.contentType: contentType, .acceptRanges: "bytes", .contentLength: String(length)]
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)" }
        let body = ResponseBody(contentLength: Int(length)) { writer in
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(start))
            var left = length
            while left > 0 {
                let chunk = try handle.read(upToCount: Int(min(left, 256 << 10))) ?? Data()
                guard !chunk.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: chunk))
                left -= Int64(chunk.count)
            }
            try await writer.finish(nil)
        }
        return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
    }

    /// nil: ignore the header; .some(nil): unsatisfiable; .some(range).
    static func parseRange(_ header: String, size: Int64) -> ClosedRange<Int64>?? {
        let h = header.trimmingCharacters(in: .whitespaces)
        guard h.hasPrefix("bytes="), !h.contains(",") else { return .none }
        let spec = h.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-") else { return .none }
        let a = spec[..<dash], b = spec[spec.index(after: dash)...]
        if a.isEmpty {
            guard let n = Int64(b), n > 0 else { return .none }
            return size == 0 ? .some(nil) : .some(max(0, size - n)...(size - 1))
        }
        guard let first = Int64(a), first >= 0 else { return .none }
        let last: Int64
        if b.isEmpty {
            last = Int64.max
        } else {
            guard let l = Int64(b), l >= first else { return .none }  // syntactically invalid: ignore the header
            last = l
        }
        guard first < size else { return .some(nil) }
        return .some(first...min(last, size - 1))
    }
}
