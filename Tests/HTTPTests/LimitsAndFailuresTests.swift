import Foundation
import HTTP
import XCTest

/// How transfers fail on a bad link or a hostile server: size limits, timeouts, stalls, drops, refusals.
final class LimitsAndFailuresTests: XCTestCase {
    private let client = HTTPClient()

    /// One libcurl write chunk (CURL_MAX_WRITE_SIZE): the most a limit check can lag behind the wire.
    private let chunk = 16 * 1024

    func testEndlessResponseIsCutAtTheLimitWithoutBufferingPastIt() throws {
        let server = try TestServer.plain()
        let limit = 1_000_000
        var largest = 0
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/endless"), options: loopbackOptions { $0.maxResponseBytes = limit }),
                            progress: { received, _ in largest = max(largest, received) })
        }
        XCTAssertEqual(error, .responseTooLarge(limit: limit))
        XCTAssertLessThanOrEqual(largest, limit, "never holds more than the limit")
        XCTAssertGreaterThan(largest, limit - chunk, "streamed up to the limit rather than refusing early")
    }

    func testAnnouncedOversizedBodyIsRefusedBeforeItsFirstByte() throws {
        let server = try TestServer.plain()
        var calls = 0
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/endless-declared"), options: loopbackOptions { $0.maxResponseBytes = 1_000_000 }),
                            progress: { _, _ in calls += 1 })
        }
        XCTAssertEqual(error, .responseTooLarge(limit: 1_000_000))
        XCTAssertEqual(calls, 0)
    }

    func testLimitCountsDecompressedBytes() throws {
        let server = try TestServer.plain()
        // 16 MB of zeros is about 16 KB of gzip: a decompression bomb must hit the limit too.
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/gzip-bomb?size=16000000"), options: loopbackOptions { $0.maxResponseBytes = 1_000_000 }))
        }
        XCTAssertEqual(error, .responseTooLarge(limit: 1_000_000))
    }

    func testBodyExactlyAtTheLimitIsAccepted() throws {
        let server = try TestServer.plain()
        let response = try client.send(HTTPRequest(url: server.url("/file?size=5000"), options: loopbackOptions { $0.maxResponseBytes = 5000 }))
        XCTAssertEqual(response.body.count, 5000)
    }

    func testClosedPortIsCannotConnect() throws {
        let port = try closedLoopbackPort()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", options: loopbackOptions()))
        }
        guard case .cannotConnect(let host, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(host, "127.0.0.1")
        XCTAssertFalse(detail.isEmpty, "carries libcurl's message")
        XCTAssertTrue(error!.isTransient)
        XCTAssertTrue(error!.description.contains("link may be down"), error!.description)
    }

    func testTotalTimeout() throws {
        let server = try TestServer.plain()
        let start = Date()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/sleep?seconds=5"), options: loopbackOptions { $0.totalTimeout = .milliseconds(700) }))
        }
        guard case .timedOut(let seconds, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(seconds, 0.7, accuracy: 0.001)
        XCTAssertTrue(detail.contains("timed out"), detail)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testStalledTransferIsAbortedByTheLowSpeedLimit() throws {
        let server = try TestServer.plain()
        let start = Date()
        // A short first burst: libcurl averages the rate over up to 5 s, so a big burst would delay the verdict.
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/stall?after=100&length=100000"), options: loopbackOptions {
                $0.lowSpeed = LowSpeedLimit(bytesPerSecond: 500, duration: .seconds(1))
            }))
        }
        guard case .stalled(let rate, let seconds, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(rate, 500)
        XCTAssertEqual(seconds, 1)
        XCTAssertTrue(detail.hasPrefix("Operation too slow"), detail)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testConnectionDroppedMidBodyIsInterrupted() throws {
        let server = try TestServer.plain()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/file?size=100000&drop=30000"), options: loopbackOptions()))
        }
        guard case .interrupted(let received, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(received, 30000)
        XCTAssertFalse(detail.isEmpty)
    }

    func testMalformedHeadersAndOptionsAreRefusedBeforeSending() throws {
        let server = try TestServer.plain()
        let cases: [HTTPRequest] = [
            HTTPRequest(url: server.url("/echo"), headers: ["X-A": "b\r\nX-Injected: 1"], options: loopbackOptions()),
            HTTPRequest(url: server.url("/echo"), headers: ["Bad Name": "x"], options: loopbackOptions()),
            HTTPRequest(url: server.url("/echo"), headers: ["Content-Length": "3"], options: loopbackOptions()),
            HTTPRequest(method: HTTPMethod("GET /x"), url: server.url("/echo"), options: loopbackOptions()),
            HTTPRequest(url: server.url("/echo"), options: loopbackOptions { $0.tls.pinnedPublicKey = "/etc/key.pem" }),
            HTTPRequest(url: server.url("/echo"), options: loopbackOptions { $0.tls.pinnedPublicKey = "sha256//AAAA" }),
        ]
        for request in cases {
            let error = expectHTTPError { () throws(HTTPError) in try client.send(request) }
            guard case .invalidRequest? = error else { XCTFail("\(request): \(String(describing: error))"); continue }
        }
    }
}
