import Foundation
@testable import Hub
import Hummingbird
import XCTest

/// docs/openapi.yaml and the router agree. (Every request in this suite also goes through `HubClient`,
/// which fails a test when an answer's status or media type is not documented for its operation.)
final class OpenAPITests: XCTestCase, @unchecked Sendable {
    /// "/v1/devices/:id/records" → "/v1/devices/{id}/records"; "/tuf/targets/**" → "/tuf/targets/{*}".
    func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false).map { seg -> String in
            if seg.hasPrefix(":") { return "{\(seg.dropFirst())}" }
            if seg == "**" { return "{*}" }
            return String(seg)
        }.joined(separator: "/")
    }

    func documented() -> Set<String> {
        Set(OpenAPI.shared.operations.map { op -> String in
            let catchAll = OpenAPI.shared.root["paths"]?[op.template]?["x-stampwatch-catch-all"]?.string == "true"
            var path = op.template
            if catchAll, let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) + "/{*}" }
            return "\(op.method) \(path)"
        })
    }

    func testEveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let hub = try HubFixture()
        let router = hub.server.router()
        try router.validate()
        let routed = Set(router.routes.map { "\($0.method.rawValue) \(openAPIPath($0.path.description))" })
        XCTAssertFalse(routed.isEmpty)
        let documented = documented()
        XCTAssertEqual(routed.subtracting(documented), [], "routes missing from docs/openapi.yaml")
        XCTAssertEqual(documented.subtracting(routed), [], "documented operations the router does not serve")
        // HubServer.routes (what the code says it registers) is the same list, in OpenAPI spelling.
        let declared = Set(HubServer.routes.map { r -> String in
            let doc = OpenAPI.shared.root["paths"]?[r.path]?["x-stampwatch-catch-all"]?.string == "true"
            var p = r.path
            if doc, let slash = p.lastIndex(of: "/") { p = String(p[..<slash]) + "/{*}" }
            return "\(r.method.rawValue) \(p)"
        })
        XCTAssertEqual(declared, routed)
    }

    func testEveryOperationDocumentsItsErrorsAsProblemDetails() {
        for op in OpenAPI.shared.operations {
            for (status, media) in op.responses where status.hasPrefix("4") || status.hasPrefix("5") {
                // Upload refusals carry the signed receipt (409/422); 416 has no body; the rest are problems.
                if op.template.hasSuffix("/records"), status == "409" || status == "422" {
                    XCTAssertEqual(media, ["application/json"], "\(op.method) \(op.template) \(status)")
                } else if status != "416" {
                    XCTAssertEqual(media, ["application/problem+json"], "\(op.method) \(op.template) \(status)")
                }
            }
            XCTAssertNotNil(op.responses.keys.first { $0.hasPrefix("2") }, "\(op.method) \(op.template) has a success response")
        }
        XCTAssertEqual(OpenAPI.shared.root["openapi"]?.string, "3.1.0")
    }

    func testTheYAMLReaderReadsTheSubsetTheDocumentUses() throws {
        let doc = try MiniYAML.parse("""
            # comment
            a: 1
            b:
              "200":
                $ref: "#/x"
              list:
                - name: id
                  in: path
                - plain
              flow: [x, "y", 3]
              text: |
                line one
                  - still text
            c: 'it''s'
            """)
        XCTAssertEqual(doc["a"]?.string, "1")
        XCTAssertEqual(doc["b"]?["200"]?["$ref"]?.string, "#/x")
        XCTAssertEqual(doc["b"]?["list"]?.items.count, 2)
        XCTAssertEqual(doc["b"]?["list"]?.items[0]["in"]?.string, "path")
        XCTAssertEqual(doc["b"]?["list"]?.items[1].string, "plain")
        XCTAssertEqual(doc["b"]?["flow"]?.items.compactMap(\.string), ["x", "y", "3"])
        XCTAssertEqual(doc["b"]?["text"]?.string, "line one\n- still text")
        XCTAssertEqual(doc["c"]?.string, "it's")
        XCTAssertThrowsError(try MiniYAML.parse("a: 1\na: 2"))
        XCTAssertThrowsError(try MiniYAML.parse("a:\n  b: 1\n    c: 2"))
    }
}
