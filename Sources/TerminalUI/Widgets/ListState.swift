/// The selection and scroll position of a list or table of `count` rows.
///
/// Only numbers: rows are never stored, so a list of a million rows is as cheap as one of ten.
public struct ListState: Hashable, Sendable {
    public private(set) var count: Int
    /// The selected row (0 when the list is empty).
    public private(set) var selected: Int
    /// The first row shown.
    public private(set) var offset: Int

    public init(count: Int, selected: Int = 0) {
        self.count = max(0, count)
        self.selected = 0
        self.offset = 0
        self.selected = clamp(selected)
    }

    /// Changes the row count (data reloaded), keeping the selection in range.
    public mutating func setCount(_ newCount: Int) {
        count = max(0, newCount)
        selected = clamp(selected)
        offset = min(offset, max(0, count - 1))
    }

    /// Selects a row and scrolls just enough to show it in a viewport of `height` rows.
    public mutating func select(_ row: Int, height: Int) {
        selected = clamp(row)
        offset = Self.offset(keeping: selected, visibleFrom: offset, height: height, count: count)
    }

    /// Moves by `delta` rows (negative is up).
    public mutating func move(by delta: Int, height: Int) { select(selected + delta, height: height) }

    /// Handles the navigation actions (up, down, page up/down, top, bottom); returns whether it did.
    @discardableResult
    public mutating func handle(_ action: Action, height: Int) -> Bool {
        let page = max(1, height - 1)
        switch action {
        case .up: move(by: -1, height: height)
        case .down: move(by: 1, height: height)
        case .pageUp: move(by: -page, height: height)
        case .pageDown: move(by: page, height: height)
        case .top: select(0, height: height)
        case .bottom: select(count - 1, height: height)
        default: return false
        }
        return true
    }

    /// The rows a viewport of `height` shows: starts at `offset`, moved only as far as needed to
    /// show the selection (after a resize), and never past the end.
    public func visibleRange(height: Int) -> Range<Int> {
        guard height > 0, count > 0 else { return 0..<0 }
        let start = Self.offset(keeping: selected, visibleFrom: offset, height: height, count: count)
        return start..<min(count, start + height)
    }

    static func offset(keeping row: Int, visibleFrom offset: Int, height: Int, count: Int) -> Int {
        guard height > 0 else { return offset }
        var o = offset
        if row < o { o = row }
        if row >= o + height { o = row - height + 1 }
        return max(0, min(o, max(0, count - height)))
    }

    private func clamp(_ row: Int) -> Int { count == 0 ? 0 : min(max(0, row), count - 1) }
}
