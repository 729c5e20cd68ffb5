@testable import TerminalUI
import XCTest

final class DisplayWidthTests: XCTestCase {
    func testASCIIIsOneColumn() {
        XCTAssertEqual(DisplayWidth.of("TS1:ABC-123"), 11)
        XCTAssertEqual(DisplayWidth.of(Character(" ")), 1)
    }

    func testEastAsianWideAndFullwidthAreTwoColumns() {
        XCTAssertEqual(DisplayWidth.of(Character("東")), 2)       // CJK ideograph
        XCTAssertEqual(DisplayWidth.of(Character("한")), 2)       // Hangul syllable
        XCTAssertEqual(DisplayWidth.of(Character("カ")), 2)       // Katakana
        XCTAssertEqual(DisplayWidth.of(Character("Ａ")), 2)       // fullwidth Latin
        XCTAssertEqual(DisplayWidth.of(Character("。")), 2)       // ideographic full stop
        XCTAssertEqual(DisplayWidth.of("東京都"), 6)
        XCTAssertEqual(DisplayWidth.of(Character("\u{20000}")), 2) // CJK extension B
    }

    func testHalfwidthAndNarrowScriptsAreOneColumn() {
        XCTAssertEqual(DisplayWidth.of(Character("ｶ")), 1)       // halfwidth katakana
        XCTAssertEqual(DisplayWidth.of(Character("é")), 1)
        XCTAssertEqual(DisplayWidth.of(Character("Ж")), 1)
        XCTAssertEqual(DisplayWidth.of(Character("ع")), 1)
        XCTAssertEqual(DisplayWidth.of(Character("─")), 1)       // box drawing is ambiguous: narrow
    }

    func testEmojiPresentationIsTwoColumns() {
        XCTAssertEqual(DisplayWidth.of(Character("😀")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("🚬")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("👍🏽")), 2)      // with a skin-tone modifier
        XCTAssertEqual(DisplayWidth.of(Character("👨‍👩‍👧")), 2)   // ZWJ family sequence
        XCTAssertEqual(DisplayWidth.of(Character("🇲🇿")), 2)      // flag: regional-indicator pair
    }

    func testVariationSelector16WidensTextDefaultEmoji() {
        XCTAssertEqual(DisplayWidth.of(Character("\u{2764}")), 1)          // ❤ text presentation
        XCTAssertEqual(DisplayWidth.of(Character("\u{2764}\u{FE0F}")), 2)  // ❤️ emoji presentation
        XCTAssertEqual(DisplayWidth.of(Character("1\u{FE0F}\u{20E3}")), 2) // keycap 1️⃣
    }

    func testCombiningMarksAndFormatCharactersAreZero() {
        XCTAssertEqual(DisplayWidth.of("\u{0301}" as Unicode.Scalar), 0)   // combining acute
        XCTAssertEqual(DisplayWidth.of("\u{200B}" as Unicode.Scalar), 0)   // zero-width space
        XCTAssertEqual(DisplayWidth.of("\u{200D}" as Unicode.Scalar), 0)   // ZWJ
        XCTAssertEqual(DisplayWidth.of("\u{FE0F}" as Unicode.Scalar), 0)   // variation selector
        XCTAssertEqual(DisplayWidth.of("\u{1161}" as Unicode.Scalar), 0)   // Hangul medial vowel
        XCTAssertEqual(DisplayWidth.of(Character("e\u{0301}")), 1)         // é decomposed: still one column
        XCTAssertEqual(DisplayWidth.of("Cafe\u{0301}"), 4)
    }

    func testControlCharactersHaveNoWidth() {
        XCTAssertEqual(DisplayWidth.of("\u{07}" as Unicode.Scalar), 0)
        XCTAssertEqual(DisplayWidth.of("\u{1B}" as Unicode.Scalar), 0)
        XCTAssertEqual(DisplayWidth.of("\u{85}" as Unicode.Scalar), 0)
    }

    func testSoftHyphenIsVisible() {
        XCTAssertEqual(DisplayWidth.of("\u{AD}" as Unicode.Scalar), 1)
    }

    func testTablesAreSortedAndDisjointForTheBinarySearch() {
        for table in [UnicodeWidthTables.wide, UnicodeWidthTables.zeroWidth, UnicodeWidthTables.emojiPresentation] {
            for (a, b) in zip(table, table.dropFirst()) { XCTAssertLessThan(a.upperBound, b.lowerBound, "\(a) then \(b)") }
        }
        // The binary search agrees with a linear scan at and around every range boundary.
        for table in [UnicodeWidthTables.wide, UnicodeWidthTables.zeroWidth, UnicodeWidthTables.emojiPresentation] {
            for r in table {
                for v in [r.lowerBound &- 1, r.lowerBound, r.upperBound, r.upperBound &+ 1] {
                    XCTAssertEqual(DisplayWidth.contains(table, v), table.contains { $0.contains(v) }, String(v, radix: 16))
                }
            }
        }
    }
}
