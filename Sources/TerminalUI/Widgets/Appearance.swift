/// What widgets draw with: the theme's styles and the glyph set the locale can show.
public struct Appearance: Hashable, Sendable {
    public var theme: Theme
    public var glyphs: Glyphs

    public init(theme: Theme = .default, glyphs: Glyphs = .unicode) {
        self.theme = theme
        self.glyphs = glyphs
    }

    /// The appearance for a terminal: the theme adapted to its colour depth (reverse video standing in
    /// for backgrounds in monochrome), Unicode or ASCII glyphs by the locale.
    public static func forTerminal(theme: Theme, depth: ColorDepth, environment: [String: String]) -> Appearance {
        Appearance(theme: theme.adapted(to: depth), glyphs: .forEnvironment(environment))
    }

    public subscript(slot: ThemeSlot) -> Style { theme[slot] }

    /// A blank cell in a slot's style, for painting a region's background.
    public func blank(_ slot: ThemeSlot) -> Cell { Cell(" ", style: theme[slot]) }
}
