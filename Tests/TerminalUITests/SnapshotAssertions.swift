import TerminalUI
import XCTest

/// Asserts a screen line by line; on failure the message shows expected and actual lines with a caret.
func assertScreen(_ actual: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    if let report = ScreenSnapshot.difference(expected: expected, actual: actual) {
        XCTFail("\n" + report, file: file, line: line)
    }
}

/// Renders into a fresh buffer of the given size and returns it.
func render(width: Int, height: Int, _ draw: (inout Buffer) -> Void) -> Buffer {
    var buffer = Buffer(width: width, height: height)
    draw(&buffer)
    return buffer
}

/// The same as `assertScreen`, for a buffer.
func assertScreen(_ buffer: Buffer, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    assertScreen(buffer.lines, expected, file: file, line: line)
}

/// Plain look for snapshot tests: the default theme's slots, ASCII or Unicode glyphs.
let unicodeLook = Appearance(theme: .default, glyphs: .unicode)
let asciiLook = Appearance(theme: .default, glyphs: .ascii)
