import Foundation
import HTTP
import XCTest

/// The pure values: HTTP-date and Retry-After parsing, header lookup, error sentences.
final class ValueTests: XCTestCase {
    func testHTTPDateAcceptsAllThreeForms() {
        let expected: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), expected)
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), expected)
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), expected)
        XCTAssertEqual(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0)
        XCTAssertEqual(HTTPDate.parse("Tue, 29 Feb 2028 23:59:59 GMT"), 1_835_481_599)
        XCTAssertEqual(HTTPDate.parse("Monday, 01-Jan-68 00:00:00 GMT"), 3_092_601_600, "two-digit years below 70 are 20xx")
    }

    func testHTTPDateRejectsMalformedInput() {
        for text in ["", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                     "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                     "Sun, 06 Nov 94 08:49:37 GMT", "2015-10-21T07:28:00Z", "Sun Nov 6 08:49:37", "120"] {
            XCTAssertNil(HTTPDate.parse(text), text)
        }
    }

    func testRetryAfterValues() {
        XCTAssertEqual(RetryAfter(headerValue: "0"), .delay(seconds: 0))
        XCTAssertEqual(RetryAfter(headerValue: " 3600 "), .delay(seconds: 3600))
        XCTAssertEqual(RetryAfter(headerValue: "99999999999999999999999"), .delay(seconds: Int.max))
        XCTAssertEqual(RetryAfter(headerValue: "Wed, 21 Oct 2015 07:28:00 GMT"), .date(Date(timeIntervalSince1970: 1_445_412_480)))
        for junk in ["", "-5", "1.5", "soon", "120s"] { XCTAssertNil(RetryAfter(headerValue: junk), junk) }
        let now = Date(timeIntervalSince1970: 1_445_412_470)
        XCTAssertEqual(RetryAfter.date(Date(timeIntervalSince1970: 1_445_412_480)).delay(from: now), 10)
        XCTAssertEqual(RetryAfter.delay(seconds: 5).delay(from: now), 5)
    }

    func testHeadersLookupIsCaseInsensitiveAndKeepsRepeats() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        headers.add("set-cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        XCTAssertEqual(headers["content-TYPE"], "text/plain")
        XCTAssertEqual(headers.values("SET-COOKIE"), ["a=1", "b=2"])
        XCTAssertNil(headers["Content-Typ"])
        headers.replace("SET-cookie", "c=3")
        XCTAssertEqual(headers.values("set-cookie"), ["c=3"])
        headers.remove("content-type")
        XCTAssertEqual(headers.count, 1)
        XCTAssertNil(HTTPHeaders()["x"])
    }

    func testEveryErrorHasASentence() {
        let errors: [HTTPError] = [
            .cannotConnect(host: "hub", detail: "d"), .timedOut(seconds: 2.5, detail: "d"),
            .stalled(bytesPerSecond: 100, seconds: 60, detail: "d"), .tlsFailure(detail: "d"), .pinnedKeyMismatch(detail: "d"),
            .responseTooLarge(limit: 10), .httpStatus(code: 429, retryAfter: .delay(seconds: 30)),
            .insecureURLRefused(url: "u", reason: "r"), .invalidURL(url: "u", reason: "r"),
            .interrupted(receivedBytes: 5, detail: "d"), .tooManyRedirects(limit: 5), .lengthMismatch(expected: 1, actual: 2),
            .invalidRequest(reason: "r"), .fileError(path: "p", detail: "d"), .transferFailed(curlCode: 99, detail: "d"),
        ]
        for error in errors {
            XCTAssertTrue(error.description.hasSuffix(".") || error.description.hasSuffix("]"), error.description)
            XCTAssertGreaterThan(error.description.count, 20, error.description)
        }
        XCTAssertEqual(HTTPError.timedOut(seconds: 2.5, detail: "").description.contains("2.5 s"), true)
        XCTAssertEqual(HTTPError.httpStatus(code: 429, retryAfter: .delay(seconds: 30)).description,
                       "The server answered HTTP 429 (too many requests). It asks to try again after 30 s.")
        XCTAssertTrue(HTTPError.cannotConnect(host: "hub", detail: "Connection refused").description.hasSuffix("[Connection refused]"))
    }

    func testLibcurlVersionIsReported() {
        XCTAssertTrue(HTTPClient.libcurlVersion.hasPrefix("libcurl/"), HTTPClient.libcurlVersion)
    }
}
