import Foundation
import Hub
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import StampCrypto
import StrictJSON
import XCTest

/// The repository root, from this file's path (Tests/HubTests/…).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A scratch folder removed when released.
final class Scratch: @unchecked Sendable {
    let path: String
    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "hub-tests/\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A settable clock for the hub.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ t: Int64) { value = t }
    var now: Int64 {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

let t0: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z

/// A device as the hub sees it from outside: an id and a key pair that signs its requests.
struct TestDevice: Sendable {
    var id: String
    var key: SigningKey

    init(_ id: String, _ alg: SignatureAlgorithm = .eddsa) {
        self.id = id
        self.key = try! SigningKey.generate(alg)
    }

    /// Signed header fields for a request.
    func headers(_ method: String, _ target: String, body: [UInt8], created: Int64, nonce: String = RequestSignature.randomNonce(),
                 keyID: String? = nil) -> HTTPFields {
        let parts = RequestSignature.Parts(method: method, target: target, headers: [:], body: body)
        let h = try! RequestSignature.sign(method: method, path: parts.path, query: parts.query, body: body, keyID: keyID ?? id,
                                           key: key, created: created, nonce: nonce)
        var fields = HTTPFields()
        for (name, value) in h { fields[HTTPField.Name(name)!] = value }
        return fields
    }
}

/// One inspection payload as the console's outbox writes it (JSON, keys sorted).
func inspectionPayload(uuid: String, device: String, seq: Int64, code: String = "TS1:TEST", place: String = "", createdAt: Int64 = t0,
                       notes: String = "") -> [UInt8] {
    let o: JSONValue = [
        "record_uuid": .string(uuid), "device_id": .string(device), "seq": .integer(seq), "code": .string(code), "verdict": "genuine",
        "reasons": [], "checklist": [:], "notes": .string(notes), "place": .string(place), "officer_id": "officer-1",
        "cache_version": 1, "cache_age_seconds": 60, "created_at": .integer(createdAt),
    ]
    return o.serializedBytes(sortedKeys: true)
}

struct TestRecord {
    var uuid: String
    var seq: Int64
    var payload: [UInt8]
    init(device: String, seq: Int64, uuid: String = UUID().uuidString.lowercased(), notes: String = "", code: String = "TS1:TEST",
         place: String = "", createdAt: Int64 = t0) {
        self.uuid = uuid
        self.seq = seq
        self.payload = inspectionPayload(uuid: uuid, device: device, seq: seq, code: code, place: place, createdAt: createdAt, notes: notes)
    }
}

func batch(_ records: [TestRecord]) -> [UInt8] {
    UploadBatch.encode(records.map { ($0.uuid, $0.seq, "inspection", $0.payload) })
}

/// The hub under test: a real store in a scratch folder, a fixed clock, a fresh receipt key.
final class HubFixture: @unchecked Sendable {
    let scratch: Scratch
    let store: SQLiteHubStore
    let signer: ReceiptSigner
    let clock = TestClock(t0)
    let server: HubServer

    init(_ name: String = #function, options: HubOptions = HubOptions(), storeDirectory: String? = nil) throws {
        scratch = Scratch(name)
        let dir = storeDirectory ?? scratch.path
        store = try SQLiteHubStore(path: dir + "/hub.sqlite")
        signer = try ReceiptSigner.loadOrCreate(at: scratch.file("receipt-key.pem"))
        let clock = self.clock
        server = HubServer(store: store, signer: signer, options: options, now: { clock.now })
    }

    func application() -> some ApplicationProtocol {
        Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    logger: HubApplication.stderrLogger(level: "warning"))
    }

    /// Runs `body` against the hub in the given mode, with a client that checks every answer against docs/openapi.yaml.
    func test(_ mode: TestingSetup, _ body: @escaping @Sendable (HubClient) async throws -> Void) async throws {
        let fixture = self
        try await application().test(mode) { client in
            try await body(HubClient(client: client, fixture: fixture))
        }
    }

    /// Issues a token (as `stampwatch-hub devices token` does).
    func token(for id: String, role: DeviceRole = .console, region: String = "MZ", ttl: Int64 = 3600) throws -> String {
        try store.issueToken(deviceID: id, role: role, region: region, now: clock.now, ttl: ttl)
    }
}

/// A client for the hub under test that signs as a device and checks each response against the OpenAPI document.
struct HubClient: Sendable {
    let client: any TestClientProtocol
    let fixture: HubFixture

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = [:], body: [UInt8]? = nil,
              file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        let response = try await client.executeRequest(uri: target, method: method, headers: headers,
                                                       body: body.map { ByteBuffer(bytes: $0) })
        OpenAPI.shared.assertDocumented(method: method.rawValue, target: target, response: response, file: file, line: line)
        return response
    }

    /// A request signed by `device` (now, fresh nonce unless given).
    @discardableResult
    func signed(_ device: TestDevice, _ method: HTTPRequest.Method, _ target: String, body: [UInt8] = [], extra: HTTPFields = [:],
                created: Int64? = nil, nonce: String = RequestSignature.randomNonce(),
                file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        var headers = device.headers(method.rawValue, target, body: body, created: created ?? fixture.clock.now, nonce: nonce)
        headers.append(contentsOf: extra)
        return try await send(method, target, headers: headers, body: body, file: file, line: line)
    }

    /// Enrols `device` with a fresh token; asserts 201.
    @discardableResult
    func enrol(_ device: TestDevice, role: DeviceRole = .console, region: String = "MZ",
               file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        let token = try fixture.token(for: device.id, role: role, region: region)
        let r = try await signed(device, .post, "/v1/devices/\(device.id)/enrolment", body: enrolmentBody(device, token: token), file: file, line: line)
        XCTAssertEqual(r.status, .created, String(buffer: r.body), file: file, line: line)
        return r
    }

    func upload(_ device: TestDevice, _ records: [TestRecord], file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        try await signed(device, .post, "/v1/devices/\(device.id)/records", body: batch(records), file: file, line: line)
    }
}

func enrolmentBody(_ device: TestDevice, token: String) -> [UInt8] {
    JSONValue.object(["token": .string(token), "public_key": .string(Data(device.key.publicKey.spkiDER).base64EncodedString())])
        .serializedBytes(sortedKeys: true)
}

extension TestResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var json: JSONValue? { try? JSONParser.parse(bytes) }
    var problemType: String? { json?["type"]?.stringValue }
}

/// docs/openapi.yaml, read once: which status codes and media types each operation documents.
final class OpenAPI: @unchecked Sendable {
    static let shared: OpenAPI = {
        do { return try OpenAPI(path: repoRoot + "/docs/openapi.yaml") } catch { fatalError("docs/openapi.yaml: \(error)") }
    }()

    let root: YAMLNode
    /// (template, method, status → media types ([] = no body documented))
    var operations: [(template: String, method: String, responses: [String: [String]])] = []

    init(path: String) throws {
        root = try MiniYAML.parse(try String(contentsOfFile: path, encoding: .utf8))
        for template in root["paths"]?.keys ?? [] {
            let item = root["paths"]![template]!
            for method in item.keys where ["get", "post", "put", "delete", "patch", "head"].contains(method) {
                var responses: [String: [String]] = [:]
                guard case .map(let rs)? = item[method]!["responses"] else { continue }
                for (status, r) in rs { responses[status] = mediaTypes(resolve(r)) }
                operations.append((template, method.uppercased(), responses))
            }
        }
    }

    func resolve(_ node: YAMLNode) -> YAMLNode {
        guard let ref = node["$ref"]?.string, ref.hasPrefix("#/") else { return node }
        var n = root
        for part in ref.dropFirst(2).split(separator: "/") { n = n[String(part)] ?? .map([]) }
        return n
    }

    func mediaTypes(_ response: YAMLNode) -> [String] { response["content"]?.keys ?? [] }

    /// The documented template a concrete request target matches.
    func template(for target: String, method: String) -> (template: String, method: String, responses: [String: [String]])? {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return operations.first { op in
            guard op.method == method else { return false }
            let t = op.template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let catchAll = root["paths"]?[op.template]?["x-stampwatch-catch-all"]?.string == "true"
            if catchAll {
                guard segments.count >= t.count else { return false }
            } else {
                guard segments.count == t.count else { return false }
            }
            for (i, part) in t.enumerated() where !(part.hasPrefix("{") && part.hasSuffix("}")) {
                if segments[i] != part { return false }
            }
            return true
        }
    }

    func assertDocumented(method: String, target: String, response: TestResponse, file: StaticString, line: UInt) {
        guard let op = template(for: target, method: method) else {
            XCTFail("\(method) \(target) is not in docs/openapi.yaml", file: file, line: line)
            return
        }
        let status = String(response.status.code)
        guard let media = op.responses[status] else {
            XCTFail("\(method) \(op.template) answered \(status), which docs/openapi.yaml does not document (documented: "
                    + op.responses.keys.sorted().joined(separator: ", ") + "); body: " + String(buffer: response.body), file: file, line: line)
            return
        }
        if response.body.readableBytes > 0, !media.isEmpty {
            let type = response.headers[.contentType]?.split(separator: ";").first.map(String.init) ?? "(none)"
            XCTAssertTrue(media.contains(type), "\(method) \(op.template) \(status): Content-Type \(type), documented \(media)", file: file, line: line)
        }
    }
}

/// The openepcis corpus beside the repository (../shared/testdata/epcis/openepcis).
let epcisCorpus = URL(fileURLWithPath: repoRoot + "/../shared/testdata/epcis/openepcis").standardized.path

/// XCTAssertEqual on the status of an awaited response (XCTest's autoclosures cannot await).
func assertStatus(_ response: @autoclosure () async throws -> TestResponse, _ status: HTTPResponse.Status, _ message: String = "",
                  file: StaticString = #filePath, line: UInt = #line) async throws {
    let r = try await response()
    XCTAssertEqual(r.status, status, "\(message) \(String(buffer: r.body))", file: file, line: line)
}

func assertStatus(_ response: @autoclosure () async throws -> TestClient.Response, _ status: HTTPResponse.Status, _ message: String = "",
                  file: StaticString = #filePath, line: UInt = #line) async throws {
    let r = try await response()
    XCTAssertEqual(r.status, status, "\(message) \(String(buffer: r.body ?? ByteBuffer()))", file: file, line: line)
}
