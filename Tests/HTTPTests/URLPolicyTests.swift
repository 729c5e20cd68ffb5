import Foundation
import HTTP
import XCTest

/// The transport policy: https everywhere, plain http only to loopback and only when explicitly allowed,
/// decided before any connection. No test here sends a packet off this machine: refused URLs fail
/// before libcurl is asked to connect.
final class URLPolicyTests: XCTestCase {
    private let client = HTTPClient()

    private func refusal(_ url: String, allowLoopback: Bool = true) -> HTTPError? {
        expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: url, options: TransferOptions(connectTimeout: .seconds(1), totalTimeout: .seconds(1),
                                                                          allowInsecureLoopback: allowLoopback)))
        }
    }

    func testPlainHTTPToANonLoopbackHostIsRefusedWithoutConnecting() {
        let start = Date()
        let error = refusal("http://192.0.2.1/snapshot")  // TEST-NET-1: nothing is there, nothing is sent
        guard case .insecureURLRefused(let url, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(url, "http://192.0.2.1/snapshot")
        XCTAssertTrue(reason.contains("unencrypted"), reason)
        XCTAssertTrue(error!.description.contains("Only https:// is allowed"), error!.description)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, "refused up front, not after a connect timeout")
    }

    func testLoopbackLookalikesAreNotLoopback() {
        for url in ["http://127.0.0.1.example/", "http://localhost.example/", "http://192.0.2.1/#127.0.0.1",
                    "http://[::ffff:192.0.2.1]/", "http://0x7f000001.example/"] {
            guard case .insecureURLRefused? = refusal(url) else { XCTFail("\(url) was not refused"); continue }
        }
    }

    func testPlainHTTPToLoopbackNeedsExplicitPermission() throws {
        let server = try TestServer.plain()
        let error = refusal(server.url("/file?size=1"), allowLoopback: false)
        guard case .insecureURLRefused(_, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("explicitly allowed"), reason)
        XCTAssertEqual(try client.send(HTTPRequest(url: server.url("/file?size=1"), options: loopbackOptions())).status, 200)
        XCTAssertEqual(try client.send(HTTPRequest(url: server.url("/file?size=1", host: "localhost"), options: loopbackOptions())).status, 200)
        XCTAssertEqual(try client.send(HTTPRequest(url: server.url("/file?size=1", host: "LOCALHOST"), options: loopbackOptions())).status, 200)
    }

    func testWholeLoopbackRangeAndIPv6LoopbackAreAllowed() throws {
        // Nothing listens on these ports: passing the policy shows up as a connection failure, not a refusal.
        let port = try closedLoopbackPort()
        for url in ["http://127.0.0.2:\(port)/", "http://127.255.255.254:\(port)/", "http://[::1]:\(port)/"] {
            guard case .cannotConnect? = refusal(url) else { XCTFail("\(url): \(String(describing: refusal(url)))"); continue }
        }
    }

    func testCredentialsInTheURLAndForeignSchemesAreInvalid() {
        // userinfo would also disguise the real host: http://127.0.0.1@192.0.2.1/ goes to 192.0.2.1.
        for url in ["http://127.0.0.1@192.0.2.1/", "https://user:pw@hub.example/"] {
            guard case .invalidURL(_, let reason)? = refusal(url) else { XCTFail("\(url) was accepted"); continue }
            XCTAssertTrue(reason.contains("credentials"), reason)
        }
        for url in ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url", "hub.example/x", ""] {
            guard case .invalidURL? = refusal(url) else { XCTFail("\(url) was not invalid"); continue }
        }
    }

    func testRedirectToPlainHTTPElsewhereIsRefused() throws {
        let server = try TestServer.plain()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: server.url("/redirect?to=http%3A%2F%2F192.0.2.1%2Fstolen"),
                                        options: loopbackOptions { $0.followRedirects = true }))
        }
        guard case .insecureURLRefused(let url, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(url, "http://192.0.2.1/stolen")
    }

    func testDownloadFollowsTheSamePolicyBeforeTouchingTheDisk() {
        let path = NSTemporaryDirectory() + "stampwatch-never-\(UUID().uuidString)"
        let error = expectHTTPError { () throws(HTTPError) in
            try client.download("http://192.0.2.1/snapshot", to: path, maxBytes: 10,
                                options: TransferOptions(allowInsecureLoopback: true))
        }
        guard case .insecureURLRefused? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
