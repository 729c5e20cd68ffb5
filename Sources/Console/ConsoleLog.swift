import Foundation

/// The console's log file (`$XDG_STATE_HOME/stampwatch/console.log`): one timestamped line per event,
/// in the engineer's words. Never the screen: ncurses owns it, and officers should not read stack traces.
public final class ConsoleLog: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private let handle: FileHandle?

    /// Opens (creating the directory and file) for appending; a log that cannot be opened drops lines
    /// rather than stopping the console (the caller says so on stderr).
    public init(path: String) {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    public var isOpen: Bool { handle != nil }

    public func write(_ message: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        let line = "\(stamp) [\(getpid())] \(message.replacingOccurrences(of: "\n", with: " | "))\n"
        lock.withLock { try? handle?.write(contentsOf: Data(line.utf8)) }
    }

    deinit { try? handle?.close() }
}
