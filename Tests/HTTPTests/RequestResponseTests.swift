import Foundation
import HTTP
import XCTest

/// Requests and responses against the loopback server: methods, bodies, headers, compression, redirects.
final class RequestResponseTests: XCTestCase {
    private let client = HTTPClient(userAgent: "stampwatch-tests")

    private func echo(_ request: HTTPRequest) throws -> (method: String, headers: [[String]], body: [UInt8]) {
        let response = try client.send(request).requireSuccess()
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let body = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(doc["body"] as? String)))
        return (try XCTUnwrap(doc["method"] as? String), try XCTUnwrap(doc["headers"] as? [[String]]), Array(body))
    }

    private func header(_ headers: [[String]], _ name: String) -> [String] {
        headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
    }

    func testGetReturnsStatusHeadersAndBody() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(url: server.url("/file?size=70000"), options: loopbackOptions()))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, patternBytes(0..<70000))
        XCTAssertEqual(response.headers["content-length"], "70000")
        XCTAssertEqual(response.headers["CONTENT-TYPE"], "application/octet-stream")
        XCTAssertNil(response.retryAfter)
    }

    func testPostSendsBodyAndHeadersExactly() throws {
        let server = try TestServer.plain()
        let body: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A] + Array(repeating: 0x41, count: 5000)
        let seen = try echo(HTTPRequest(method: .post, url: server.url("/echo"),
                                        headers: ["X-Officer": "A-17", "X-Empty": "", "Content-Type": "application/cbor"],
                                        body: body, options: loopbackOptions()))
        XCTAssertEqual(seen.method, "POST")
        XCTAssertEqual(seen.body, body)
        XCTAssertEqual(header(seen.headers, "x-officer"), ["A-17"])
        XCTAssertEqual(header(seen.headers, "x-empty"), [""])
        XCTAssertEqual(header(seen.headers, "content-type"), ["application/cbor"])
        XCTAssertEqual(header(seen.headers, "user-agent"), ["stampwatch-tests"])
        XCTAssertEqual(header(seen.headers, "expect"), [], "no 100-continue round trip")
    }

    func testBodyWithoutContentTypeIsNotLabelledAsAForm() throws {
        let server = try TestServer.plain()
        let seen = try echo(HTTPRequest(method: .put, url: server.url("/echo"), body: Array("x".utf8), options: loopbackOptions()))
        XCTAssertEqual(seen.method, "PUT")
        XCTAssertEqual(seen.body, Array("x".utf8))
        XCTAssertEqual(header(seen.headers, "content-type"), [])
    }

    func testEmptyPostAndCustomMethod() throws {
        let server = try TestServer.plain()
        let post = try echo(HTTPRequest(method: .post, url: server.url("/echo"), options: loopbackOptions()))
        XCTAssertEqual(post.method, "POST")
        XCTAssertEqual(header(post.headers, "content-length"), ["0"])
        XCTAssertEqual(try echo(HTTPRequest(method: .delete, url: server.url("/echo"), options: loopbackOptions())).method, "DELETE")
    }

    func testHeadIgnoresTheAnnouncedLengthLimit() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(method: .head, url: server.url("/file?size=100000000"),
                                                   options: loopbackOptions { $0.maxResponseBytes = 10 }))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Content-Length"], "100000000")
        XCTAssertEqual(response.body, [])
    }

    func testRepeatedHeadersKeepEveryValueInOrder() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(url: server.url("/multi"), options: loopbackOptions()))
        XCTAssertEqual(response.headers.values("x-multi"), ["one", "two"])
        XCTAssertEqual(response.headers.values("SET-COOKIE"), ["a=1; Path=/", "b=2; Path=/"])
        XCTAssertEqual(response.headers["X-Multi"], "one")
    }

    func testGzipResponseIsDecodedTransparently() throws {
        let server = try TestServer.plain()
        var sizes: [Int] = []
        let response = try client.send(HTTPRequest(url: server.url("/gzip?size=200000"), options: loopbackOptions()),
                                       progress: { received, _ in sizes.append(received) })
        XCTAssertEqual(response.headers["Content-Encoding"], "gzip", "the server did compress")
        XCTAssertEqual(response.body.count, 200000)
        XCTAssertTrue(String(decoding: response.body, as: UTF8.self).hasPrefix("stampwatch compresses well"))
        XCTAssertEqual(sizes.last, 200000)

        let plain = try client.send(HTTPRequest(url: server.url("/gzip?size=1000"),
                                                options: loopbackOptions { $0.acceptCompression = false }))
        XCTAssertNil(plain.headers["Content-Encoding"])
        XCTAssertEqual(plain.body.count, 1000)
    }

    func testStatusesAreResponsesAndRequireSuccessTurnsThemIntoErrors() throws {
        let server = try TestServer.plain()
        let missing = try client.send(HTTPRequest(url: server.url("/nothing-here"), options: loopbackOptions()))
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in try missing.requireSuccess() }, .httpStatus(code: 404, retryAfter: nil))

        let busy = try client.send(HTTPRequest(url: server.url("/status?code=503&retry_after=7"), options: loopbackOptions()))
        XCTAssertEqual(busy.status, 503)
        XCTAssertEqual(busy.retryAfter, .delay(seconds: 7))
        let error = expectHTTPError { () throws(HTTPError) in try busy.requireSuccess() }
        XCTAssertEqual(error, .httpStatus(code: 503, retryAfter: .delay(seconds: 7)))
        XCTAssertEqual(error?.isTransient, true)
        XCTAssertTrue(error?.description.contains("HTTP 503 (service unavailable)") ?? false, error?.description ?? "")
    }

    func testRetryAfterAsSecondsAndAsHTTPDate() throws {
        let server = try TestServer.plain()
        let seconds = try client.send(HTTPRequest(url: server.url("/status?code=429&retry_after=120"), options: loopbackOptions()))
        XCTAssertEqual(seconds.status, 429)
        XCTAssertEqual(seconds.retryAfter, .delay(seconds: 120))
        XCTAssertEqual(seconds.retryAfter?.delay(from: Date()), 120)

        let date = try client.send(HTTPRequest(url: server.url("/status?code=503&retry_after=Wed,%2021%20Oct%202015%2007:28:00%20GMT"),
                                               options: loopbackOptions()))
        XCTAssertEqual(date.retryAfter, .date(Date(timeIntervalSince1970: 1_445_412_480)))
        XCTAssertEqual(date.retryAfter?.delay(from: Date(timeIntervalSince1970: 1_445_412_400)), 80)
        XCTAssertEqual(date.retryAfter?.delay(from: Date()), 0, "a past date means now")

        let junk = try client.send(HTTPRequest(url: server.url("/status?code=429&retry_after=soon"), options: loopbackOptions()))
        XCTAssertNil(junk.retryAfter)
    }

    func testRedirectsAreNotFollowedByDefault() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(url: server.url("/redirect?to=%2Ffile%3Fsize%3D10"), options: loopbackOptions()))
        XCTAssertEqual(response.status, 302)
        XCTAssertEqual(response.headers["Location"], "/file?size=10")
        XCTAssertEqual(response.body, Array("moved\n".utf8))
    }

    func testFollowedRedirectReachesTheTarget() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(url: server.url("/redirect?to=%2Ffile%3Fsize%3D10"),
                                                   options: loopbackOptions { $0.followRedirects = true }))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, patternBytes(0..<10))
        XCTAssertEqual(response.url, server.url("/file?size=10"))
    }

    func testSeeOtherTurnsPostIntoGetAndCrossOriginDropsCredentials() throws {
        let server = try TestServer.plain()
        // localhost and 127.0.0.1 are different origins: Authorization must not follow, other fields do.
        let target = server.url("/echo", host: "localhost").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let response = try client.send(HTTPRequest(method: .post, url: server.url("/redirect?code=303&to=\(target)"),
                                                   headers: ["Authorization": "Bearer secret", "X-Trace": "t1"],
                                                   body: Array("form".utf8),
                                                   options: loopbackOptions { $0.followRedirects = true }))
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual(doc["method"] as? String, "GET")
        XCTAssertEqual(doc["body"] as? String, "")
        let names = (doc["headers"] as? [[String]] ?? []).map { $0[0].lowercased() }
        XCTAssertFalse(names.contains("authorization"))
        XCTAssertTrue(names.contains("x-trace"))
        XCTAssertTrue(response.url.hasPrefix("http://localhost:"))
    }

    func testRedirectLoopStopsAtTheLimit() throws {
        let server = try TestServer.plain()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/loop"), options: loopbackOptions { $0.followRedirects = true; $0.maxRedirects = 3 }))
        }
        XCTAssertEqual(error, .tooManyRedirects(limit: 3))
    }

    func testSharedClientFromManyThreads() throws {
        let server = try TestServer.plain()
        let client = self.client
        let url = server.url("/file?size=20000")
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<4 {
                let ok = (try? client.send(HTTPRequest(url: url, options: loopbackOptions())).body == patternBytes(0..<20000)) ?? false
                if !ok { failures.withLock { $0 += 1 } }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
    }
}

/// A value behind a lock, for counting across threads in tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}
