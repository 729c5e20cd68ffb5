import Foundation

/// XDG base directories (https://specifications.freedesktop.org/basedir-spec/), resolved as a pure function of the environment.
public struct XDGDirectories: Sendable, Equatable {
    public var configHome: String
    public var dataHome: String
    public var cacheHome: String
    public var stateHome: String

    /// Relative paths in XDG variables are invalid per the spec and are ignored.
    public init(environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func dir(_ name: String, _ fallback: String) -> String {
            if let v = environment[name], v.hasPrefix("/") { return v }
            return home + "/" + fallback
        }
        configHome = dir("XDG_CONFIG_HOME", ".config")
        dataHome = dir("XDG_DATA_HOME", ".local/share")
        cacheHome = dir("XDG_CACHE_HOME", ".cache")
        stateHome = dir("XDG_STATE_HOME", ".local/state")
    }

    public static var current: XDGDirectories { XDGDirectories(environment: ProcessInfo.processInfo.environment) }

    public func appData(_ app: String = "stampwatch") -> String { dataHome + "/" + app }
    public func appConfig(_ app: String = "stampwatch") -> String { configHome + "/" + app }
    public func appCache(_ app: String = "stampwatch") -> String { cacheHome + "/" + app }
    public func appState(_ app: String = "stampwatch") -> String { stateHome + "/" + app }
}
