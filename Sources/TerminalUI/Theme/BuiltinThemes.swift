extension Theme {
    /// The dark default, and the theme every other theme falls back on.
    public static let `default` = builtin(BuiltinThemeSources.defaultTheme, source: "default.theme", fallback: .plain)
    /// Dark text on white.
    public static let light = builtin(BuiltinThemeSources.light, source: "light.theme", fallback: .default)
    /// Black and white with saturated accents and bold everywhere.
    public static let highContrast = builtin(BuiltinThemeSources.highContrast, source: "high-contrast.theme", fallback: .default)
    /// White background, black bold text, wide colour bands: for glare outdoors.
    public static let sunlight = builtin(BuiltinThemeSources.sunlight, source: "sunlight.theme", fallback: .default)

    /// The built-in themes, by the names people type (`--theme sunlight`).
    public static let builtins: [String: Theme] = [
        "default": .default, "light": .light, "high-contrast": .highContrast, "sunlight": .sunlight,
    ]

    /// No colours at all, reverse for selection: what is left if even the default theme were broken.
    public static let plain = Theme(name: "plain", styles: [.base: .plain, .selected: Style(attributes: [.reverse, .bold])],
                                    definedSlots: [])

    private static func builtin(_ text: String, source: String, fallback: Theme) -> Theme {
        switch parse(text, source: source, fallback: fallback) {
        case .success(let theme): return theme
        case .failure: return fallback  // a test guards every built-in theme
        }
    }
}
