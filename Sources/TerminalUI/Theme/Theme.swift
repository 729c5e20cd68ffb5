/// A set of styles by slot, read from a human-editable theme file.
public struct Theme: Hashable, Sendable {
    public var name: String
    /// The styles, by slot. Slots a theme file leaves out are filled from the default theme.
    public var styles: [ThemeSlot: Style]
    /// The slots the theme's file set itself (the rest came from the default theme).
    public var definedSlots: Set<ThemeSlot>

    public init(name: String, styles: [ThemeSlot: Style], definedSlots: Set<ThemeSlot>? = nil) {
        self.name = name
        self.styles = styles
        self.definedSlots = definedSlots ?? Set(styles.keys)
    }

    /// The style for a slot: the slot's own, or the base style for a slot the theme does not know.
    public subscript(slot: ThemeSlot) -> Style {
        styles[slot] ?? styles[.base] ?? .plain
    }

    /// Standard slots the theme's own file did not define.
    public var missingSlots: [ThemeSlot] { ThemeSlot.standard.filter { !definedSlots.contains($0) } }

    /// The theme as a terminal of `depth` should use it: colours mapped down once here rather than for
    /// every cell drawn. On a monochrome terminal (or with `NO_COLOR`) a slot that stood out by its
    /// background (status bar, headers, buttons) gets reverse video instead, so it still stands out;
    /// attributes are kept everywhere.
    public func adapted(to depth: ColorDepth) -> Theme {
        guard depth == .monochrome else {
            var out = self
            for (slot, style) in styles { out.styles[slot] = style.adapted(to: depth) }
            return out
        }
        var out = self
        let baseBackground = styles[.base]?.bg
        for (slot, style) in styles {
            var s = style
            if slot != .base, let bg = style.bg, bg != baseBackground { s.attributes.insert(.reverse) }
            s.fg = nil
            s.bg = nil
            out.styles[slot] = s
        }
        return out
    }
}
