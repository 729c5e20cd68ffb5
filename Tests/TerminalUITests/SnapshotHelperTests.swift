@testable import TerminalUI
import XCTest

final class SnapshotHelperTests: XCTestCase {
    func testEqualScreensHaveNoDifferenceIgnoringTrailingSpaces() {
        XCTAssertNil(ScreenSnapshot.difference(expected: ["ab", "c"], actual: ["ab   ", "c    "]))
    }

    func testReportNamesTheLineShowsBothVersionsAndPointsAtTheColumn() throws {
        let report = try XCTUnwrap(ScreenSnapshot.difference(expected: ["title", "Hello world"], actual: ["title", "Hello wrold"]))
        XCTAssertTrue(report.contains("1 of 2 lines"), report)
        XCTAssertTrue(report.contains("line 2:"), report)
        XCTAssertTrue(report.contains("- expected: |Hello world|"), report)
        XCTAssertTrue(report.contains("+ actual:   |Hello wrold|"), report)
        // The caret sits under the 8th column ("w" vs "r"): 17 spaces of prefix + 7 columns.
        XCTAssertTrue(report.contains("\n" + String(repeating: " ", count: 17 + 7) + "^"), report)
        XCTAssertTrue(report.contains("  2 |Hello wrold|"), report)
    }

    func testCaretCountsWideCharactersAsTwoColumns() {
        XCTAssertEqual(ScreenSnapshot.firstDifferenceColumn("東京x", "東京y"), 4)
    }

    func testMissingLinesAreReported() throws {
        let report = try XCTUnwrap(ScreenSnapshot.difference(expected: ["a", "b"], actual: ["a"]))
        XCTAssertTrue(report.contains("+ actual:   (no line)"), report)
    }
}
