import Foundation

/// A private tmux server for end-to-end terminal tests: `tmux -L SOCKET -f /dev/null ARGS…`.
///
/// Spawned with posix_spawn rather than Foundation's `Process`: the command that starts the tmux server
/// forks a daemon, and `Process.waitUntilExit` never returns once a daemon holds on to what the child
/// inherited. Here the child gets /dev/null for everything but the output pipe, and the server starter
/// not even that.
public struct TmuxServer: Sendable {
    public var tmuxPath: String
    public var socket: String

    public init(tmuxPath: String, socket: String) {
        self.tmuxPath = tmuxPath
        self.socket = socket
    }

    /// Runs one tmux command and returns its standard output (empty for the server starter).
    @discardableResult
    public func run(_ args: [String], startsServer: Bool = false) throws -> String {
        let argv = [tmuxPath, "-L", socket, "-f", "/dev/null"] + args
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if startsServer {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        } else {
            guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        }
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, tmuxPath, &actions, nil, &cArgs, environ)
        if fds[1] >= 0 { close(fds[1]) }
        guard rc == 0 else {
            if fds[0] >= 0 { close(fds[0]) }
            throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL)
        }
        var output = [UInt8]()
        if fds[0] >= 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fds[0], &chunk, chunk.count)
                if n <= 0 { break }
                output += chunk[0..<n]
            }
            close(fds[0])
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: output, as: UTF8.self)
    }
}
