import HTTPTypes
import Hummingbird
import StrictJSON

/// An error answer: RFC 9457 problem details (`application/problem+json`), with `errors` listing each
/// problem when there are several (EPCIS capture, batch parsing).
public struct HubProblem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// Short slug; the `type` member is `urn:stampwatch:problem:<slug>`.
    public var slug: String
    public var title: String
    public var detail: String
    public var errors: [JSONValue]?
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, detail: String, errors: [JSONValue]? = nil, retryAfter: Int? = nil) {
        self.status = status; self.slug = slug; self.title = title; self.detail = detail; self.errors = errors; self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(slug): \(detail)" }

    public var json: JSONValue {
        var o: JSONObject = ["type": .string("urn:stampwatch:problem:" + slug), "title": .string(title),
                             "status": .integer(Int64(status.code)), "detail": .string(detail)]
        if let errors { _ = o.updateValue(.array(errors), forKey: "errors") }
        return .object(o)
    }

    public var response: Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.serializedBytes(sortedKeys: true))))
    }

    // Common ones.
    static func unauthorized(_ detail: String) -> HubProblem {
        HubProblem(.unauthorized, "unauthorized", "The request is not signed by an enrolled device", detail: detail)
    }
    static func forbidden(_ slug: String, _ detail: String) -> HubProblem {
        HubProblem(.forbidden, slug, "The device may not do this", detail: detail)
    }
    static func badRequest(_ detail: String, errors: [JSONValue]? = nil) -> HubProblem {
        HubProblem(.badRequest, "bad-request", "The request is malformed", detail: detail, errors: errors)
    }
    static func notFound(_ detail: String) -> HubProblem {
        HubProblem(.notFound, "not-found", "Not found", detail: detail)
    }

    /// Maps a store error to its answer. Storage trouble is 503 with Retry-After: the device keeps its records
    /// and tries again; nothing was stored.
    static func from(_ error: any Error) -> HubProblem {
        switch error {
        case let p as HubProblem: return p
        case HubStoreError.tokenRefused(let m): return .forbidden("token-refused", m)
        case HubStoreError.conflict(let m): return HubProblem(.conflict, "conflict", "Conflict", detail: m)
        case HubStoreError.notFound(let m): return .notFound(m)
        case HubStoreError.invalidArgument(let m): return .badRequest(m)
        case let e as HubStoreError where { if case .storageFull = e { return true }; return false }():
            return HubProblem(.serviceUnavailable, "storage-full", "The hub cannot store anything right now", detail: e.description, retryAfter: 60)
        case let e as HubStoreError:
            return HubProblem(.internalServerError, "database", "The hub's database failed", detail: e.description, retryAfter: 60)
        default:
            return HubProblem(.internalServerError, "internal", "Internal error", detail: "\(error); nothing was stored", retryAfter: 60)
        }
    }
}
