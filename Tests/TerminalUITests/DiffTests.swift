import TerminalUI
import XCTest

final class DiffTests: XCTestCase {
    func testFirstFrameWritesEveryCell() {
        let b = Buffer(width: 80, height: 24)
        XCTAssertEqual(b.diff(from: nil).count, 80 * 24)
    }

    func testIdenticalFramesWriteNothing() {
        var b = Buffer(width: 80, height: 24)
        b.write("hello", x: 0, y: 0)
        XCTAssertEqual(b.diff(from: b), [])
    }

    func testOneCellChangeWritesOneCell() {
        var a = Buffer(width: 80, height: 24)
        a.write("hello", x: 0, y: 0)
        var b = a
        b.write("j", x: 0, y: 0)
        XCTAssertEqual(b.diff(from: a), [CellUpdate(x: 0, y: 0, cell: Cell("j"))])
    }

    func testStyleOnlyChangeIsWritten() {
        let a = Buffer(width: 4, height: 1)
        var b = a
        b.apply(.reverse, to: Rect(x: 1, y: 0, width: 1, height: 1))
        XCTAssertEqual(b.diff(from: a).map(\.x), [1])
    }

    func testSizeChangeIsAFullRedraw() {
        let a = Buffer(width: 80, height: 24)
        let b = Buffer(width: 100, height: 30)
        XCTAssertEqual(b.diff(from: a).count, 3000)
    }

    func testWideCharacterIsWrittenOnceWithoutItsContinuation() {
        let a = Buffer(width: 6, height: 1)
        var b = a
        b.write("東", x: 2, y: 0)
        let d = b.diff(from: a)
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.x, 2)
        XCTAssertEqual(d.first?.cell.symbol, "東")
    }

    func testReplacingAWideCharacterWithNarrowOnesRewritesBothColumns() {
        var a = Buffer(width: 6, height: 1)
        a.write("東", x: 2, y: 0)
        var b = a
        b.write("x", x: 2, y: 0)
        XCTAssertEqual(b.diff(from: a).map(\.x), [2, 3])
        XCTAssertEqual(b.diff(from: a).map(\.cell.symbol), ["x", " "])
    }

    func testFullRedrawSkipsContinuations() {
        var b = Buffer(width: 4, height: 1)
        b.write("東京", x: 0, y: 0)
        XCTAssertEqual(b.fullRedraw().map(\.x), [0, 2])
    }

    func testScreenSendsOnlyChangesToTheBackendAndNothingWhenIdle() {
        let backend = MemoryBackend(width: 80, height: 24)
        var screen = Screen()
        var frame = Buffer(width: 80, height: 24)
        frame.write("Scan a code", x: 0, y: 0)
        XCTAssertEqual(screen.present(frame, on: backend), 80 * 24)
        frame.write("S", x: 0, y: 0)
        XCTAssertEqual(screen.present(frame, on: backend), 0)
        XCTAssertEqual(backend.statistics.flushes, 1, "an unchanged frame is not sent at all")
        frame.write("X", x: 79, y: 23)
        XCTAssertEqual(screen.present(frame, on: backend), 1)
        XCTAssertEqual(backend.statistics.cellsWritten, 80 * 24 + 1)
        XCTAssertEqual(backend.lines[23].last, "X")
        screen.invalidate()
        XCTAssertEqual(screen.present(frame, on: backend), 80 * 24)
    }

    func testOneCellChangeCostsAFewBytesOnTheWire() {
        let backend = MemoryBackend(width: 80, height: 24)
        var screen = Screen()
        var frame = Buffer(width: 80, height: 24)
        screen.present(frame, on: backend)
        backend.resetStatistics()
        frame.write("!", x: 40, y: 12)
        screen.present(frame, on: backend)
        // cursor move (ESC[13;41H = 8 bytes) + SGR reset + "!" + hide cursor: well under 30 bytes.
        XCTAssertLessThan(backend.statistics.bytesWritten, 30)
        XCTAssertEqual(backend.statistics.cellsWritten, 1)
    }

    func testCursorMoveAloneIsSent() {
        let backend = MemoryBackend(width: 10, height: 2)
        var screen = Screen()
        var frame = Buffer(width: 10, height: 2)
        screen.present(frame, on: backend)
        frame.cursor = Position(x: 3, y: 1)
        screen.present(frame, on: backend)
        XCTAssertEqual(backend.cursor, Position(x: 3, y: 1))
        XCTAssertEqual(backend.statistics.flushes, 2)
    }
}
