/// One terminal cell: a grapheme and its style.
///
/// A wide grapheme (CJK, emoji) sits in its first cell with `width == 2`; the next cell is a
/// continuation (empty symbol, `width == 0`) that the diff never writes on its own, so a wide
/// character and its right half always change together.
public struct Cell: Hashable, Sendable {
    public private(set) var symbol: String
    public var style: Style
    /// 1 for ordinary cells, 2 for the first half of a wide grapheme, 0 for its continuation.
    public private(set) var width: UInt8

    /// A cell holding `symbol` (one grapheme). Zero-width and control symbols become a space,
    /// because a cell must occupy its column.
    public init(_ symbol: String = " ", style: Style = .plain) {
        let w = symbol.count == 1 ? DisplayWidth.of(symbol.first!) : 0
        if w == 0 {
            self.symbol = " "
            self.width = 1
        } else {
            self.symbol = symbol
            self.width = UInt8(w)
        }
        self.style = style
    }

    init(symbol: String, style: Style, width: UInt8) {
        self.symbol = symbol
        self.style = style
        self.width = width
    }

    public static let blank = Cell(symbol: " ", style: .plain, width: 1)

    /// The right half of a wide grapheme.
    public static func continuation(_ style: Style) -> Cell { Cell(symbol: "", style: style, width: 0) }

    public var isContinuation: Bool { width == 0 }
    public var isWide: Bool { width == 2 }

    /// Adds a zero-width grapheme (a stray combining mark) to this cell's symbol.
    mutating func append(_ zeroWidth: Character) { symbol.append(zeroWidth) }
}
