/// The diffed flush: remembers the last buffer shown and sends a backend only the cells that changed.
///
/// After `invalidate` (a resize, a repaint request) the next frame is written in full.
public struct Screen: Sendable {
    public private(set) var previous: Buffer?
    /// Cells written by the last `present`, for tests and measurements.
    public private(set) var lastCellsWritten = 0
    private var lastCursor: Position??

    public init() {}

    public mutating func invalidate() {
        previous = nil
        lastCursor = nil
    }

    /// Shows `buffer` on `backend`. Returns the number of cells written (zero when nothing changed and
    /// the backend is not called at all, so an idle screen costs no bytes on the wire).
    @discardableResult
    public mutating func present(_ buffer: Buffer, on backend: some TerminalBackend) -> Int {
        let updates = buffer.diff(from: previous)
        let cursorChanged = lastCursor != .some(buffer.cursor)
        lastCellsWritten = updates.count
        if !updates.isEmpty || cursorChanged {
            backend.draw(updates, cursor: buffer.cursor)
        }
        previous = buffer
        lastCursor = .some(buffer.cursor)
        return updates.count
    }
}
