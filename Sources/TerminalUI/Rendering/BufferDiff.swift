/// One cell a backend must write.
public struct CellUpdate: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell
    public init(x: Int, y: Int, cell: Cell) { self.x = x; self.y = y; self.cell = cell }
}

extension Buffer {
    /// The cells that differ from `previous`, in screen order: what a flush must write to turn the
    /// terminal showing `previous` into one showing `self`.
    ///
    /// Continuation cells are never listed: a wide grapheme's right half changes only together with its
    /// first half, and writing the first half draws both. A size change means a full redraw.
    public func diff(from previous: Buffer?) -> [CellUpdate] {
        guard let previous, previous.width == width, previous.height == height else { return fullRedraw() }
        var updates: [CellUpdate] = []
        cells.withUnsafeBufferPointer { now in
            previous.cells.withUnsafeBufferPointer { before in
                for i in 0..<now.count where now[i] != before[i] && !now[i].isContinuation {
                    updates.append(CellUpdate(x: i % width, y: i / width, cell: now[i]))
                }
            }
        }
        return updates
    }

    /// Every cell but continuations: what a first frame or a repaint writes.
    public func fullRedraw() -> [CellUpdate] {
        var updates: [CellUpdate] = []
        updates.reserveCapacity(cells.count)
        for (i, c) in cells.enumerated() where !c.isContinuation {
            updates.append(CellUpdate(x: i % width, y: i / width, cell: c))
        }
        return updates
    }
}
