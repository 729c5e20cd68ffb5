import XCTest
@testable import TUFClient

final class TUFTimeTests: XCTestCase {
    func testParsesAndFormatsTheTUFExpiryForm() throws {
        let t = try XCTUnwrap(TUFTime(iso8601: "2030-01-01T00:00:00Z"))
        XCTAssertEqual(t.secondsSince1970, 1_893_456_000)
        XCTAssertEqual(t.iso8601, "2030-01-01T00:00:00Z")
        XCTAssertEqual(TUFTime(iso8601: "1970-01-01T00:00:00Z")?.secondsSince1970, 0)
        XCTAssertEqual(TUFTime(iso8601: "2024-02-29T23:59:59Z")?.iso8601, "2024-02-29T23:59:59Z")
        XCTAssertEqual(TUFTime(secondsSince1970: -1).iso8601, "1969-12-31T23:59:59Z")
        // Extreme values (a saturated clock) are still described, never trapped on.
        for s in [Int64.min, Int64.max, -999_999_999_999_999_999] { XCTAssertFalse(TUFTime(secondsSince1970: s).iso8601.isEmpty) }
        XCTAssertEqual(TUFTime(secondsSince1970: .max).adding(seconds: 1).secondsSince1970, .max)
    }

    func testRefusesEverythingElse() {
        for bad in ["2030-01-01T00:00:00", "2030-01-01T00:00:00.5Z", "2030-01-01T00:00:00+00:00", "2023-02-29T00:00:00Z",
                    "2030-13-01T00:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z", "2030-01-01t00:00:00Z",
                    "20300-01-01T00:00:00Z", "", "2030-01-01 00:00:00Z", "2030-04-31T00:00:00Z"] {
            XCTAssertNil(TUFTime(iso8601: bad), bad)
        }
    }

    func testRoundTripsEveryDayOverFourHundredYears() throws {
        var t = TUFTime(iso8601: "1900-01-01T12:34:56Z")!
        for _ in 0..<(146_097) {
            XCTAssertEqual(TUFTime(iso8601: t.iso8601), t)
            t = t.adding(seconds: 86_400)
        }
        XCTAssertEqual(t.iso8601, "2300-01-01T12:34:56Z")
    }
}
