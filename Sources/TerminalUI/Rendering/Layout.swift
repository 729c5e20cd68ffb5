/// A size rule for one part of a split.
public enum Constraint: Hashable, Sendable {
    /// Exactly this many cells (shrunk only when the parts cannot all fit).
    case length(Int)
    /// This percentage of the whole, rounded down.
    case percentage(Int)
    /// At least this many cells, and a share of what is left like `.fill(1)`.
    case min(Int)
    /// A share of the space left after the fixed parts, in proportion to the weight.
    case fill(Int)
}

/// The direction of a split.
public enum Axis: Sendable { case horizontal, vertical }

extension Rect {
    /// Splits this rectangle into rows (top to bottom).
    public func rows(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] { split(.vertical, constraints, spacing: spacing) }

    /// Splits this rectangle into columns (left to right).
    public func columns(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] { split(.horizontal, constraints, spacing: spacing) }

    /// Splits along `axis`. Fixed parts (length, percentage, the minimum of `.min`) are served first,
    /// from the first part on, so when space runs out the trailing parts shrink (the status bar you put
    /// last should be a `.length`, and it is the content above that gives way). What is left goes to
    /// `.fill` and `.min` parts by weight; rounding leftovers go to the earliest of them. The parts
    /// always tile the rectangle exactly when any part can grow.
    public func split(_ axis: Axis, _ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        guard !constraints.isEmpty else { return [] }
        let total = axis == .horizontal ? width : height
        let gaps = Swift.max(0, spacing) * (constraints.count - 1)
        var available = Swift.max(0, total - gaps)
        var sizes = [Int](repeating: 0, count: constraints.count)

        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .length(let n): want = Swift.max(0, n)
            case .percentage(let p): want = total * Swift.min(100, Swift.max(0, p)) / 100
            case .min(let n): want = Swift.max(0, n)
            case .fill: want = 0
            }
            sizes[i] = Swift.min(want, available)
            available -= sizes[i]
        }

        let weights = constraints.map { c -> Int in
            switch c {
            case .fill(let w): Swift.max(0, w)
            case .min: 1
            default: 0
            }
        }
        let weightSum = weights.reduce(0, +)
        if weightSum > 0 && available > 0 {
            var given = 0
            for i in constraints.indices where weights[i] > 0 {
                let share = available * weights[i] / weightSum
                sizes[i] += share
                given += share
            }
            var leftover = available - given
            for i in constraints.indices where weights[i] > 0 && leftover > 0 {
                sizes[i] += 1
                leftover -= 1
            }
        }

        var result: [Rect] = []
        var offset = axis == .horizontal ? x : y
        for (i, size) in sizes.enumerated() {
            switch axis {
            case .horizontal: result.append(Rect(x: offset, y: y, width: size, height: height))
            case .vertical: result.append(Rect(x: x, y: offset, width: width, height: size))
            }
            offset += size + (i < sizes.count - 1 ? Swift.max(0, spacing) : 0)
        }
        return result
    }
}
