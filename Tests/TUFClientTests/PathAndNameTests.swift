import XCTest
@testable import TUFClient

/// Delegation path patterns (fnmatch per path segment) and percent-encoding of role names.
final class PathPatternTests: XCTestCase {
    func testWildcardsMatchWithinOneSegmentOnly() {
        let yes: [(String, String)] = [
            ("targets/a.tgz", "targets/*.tgz"), ("a/b", "a/b"), ("a/", "a/*"), ("file", "*"), ("x.txt", "?.txt"),
            ("b/y.txt", "b/[!x]*.txt"), ("b/c", "b/[a-c]"), ("b/-", "b/[a-]"), ("[x", "[x"), ("a]", "a]"), ("]", "[]]"),
            ("a/dd.txt", "a/d*"), ("aaa", "a*a*a"), ("abc", "*?c"), ("ünï/cödé", "ü*/c?dé"),
        ]
        for (path, pattern) in yes { XCTAssertTrue(PathPattern.matches(path: path, pattern: pattern), "\(path) ~ \(pattern)") }
        let no: [(String, String)] = [
            ("targets/sub/a.tgz", "targets/*.tgz"), ("a", "a/*"), ("b/x.txt", "b/[!x]*.txt"), ("b/d", "b/[a-c]"),
            ("A.txt", "a.txt"), ("xy.txt", "?.txt"), ("a/b", "*"), ("/a", "a"), ("aa", "a*a*a"), ("x", "[x"),
        ]
        for (path, pattern) in no { XCTAssertFalse(PathPattern.matches(path: path, pattern: pattern), "\(path) !~ \(pattern)") }
    }

    func testHostilePatternsStayFast() {
        let path = String(repeating: "a", count: 2_000)
        let pattern = String(repeating: "*a", count: 800) + "b"
        let start = ContinuousClock.now
        XCTAssertFalse(PathPattern.matches(path: path, pattern: pattern))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }
}

final class PercentEncodingTests: XCTestCase {
    func testEncodesRoleNamesLikePythonQuoteWithNothingSafe() {
        XCTAssertEqual(PercentEncoding.encodeAll("role-a_b.c~d"), "role-a_b.c~d")
        XCTAssertEqual(PercentEncoding.encodeAll("../evil"), "..%2Fevil")
        XCTAssertEqual(PercentEncoding.encodeAll("sp ace?#%"), "sp%20ace%3F%23%25")
        XCTAssertEqual(PercentEncoding.encodeAll("ü"), "%C3%BC")
        XCTAssertEqual(PercentEncoding.encodePath("/a b/c"), "/a%20b/c")
    }

    func testDecodingRoundTripsAndRefusesBrokenEscapes() {
        for s in ["../evil", "sp ace?#%", "ü/ñ", ""] { XCTAssertEqual(PercentEncoding.decode(PercentEncoding.encodeAll(s)), s) }
        for bad in ["%", "%4", "%zz", "%C3"] { XCTAssertNil(PercentEncoding.decode(bad), bad) }
    }
}
