/// Exit codes from sysexits(3), so scripts can tell a typo from a missing file from a bad keyring.
public enum SysExit: Int32, Sendable {
    case ok = 0
    /// Verification ran and at least one code was not genuine.
    case notAllGenuine = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cantCreate = 73
    case ioError = 74
    case tempFail = 75
    case noPermission = 77
    case config = 78
}

/// An error a command reports to the person at the terminal, with the exit code it maps to.
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public var exit: SysExit
    public var message: String
    public init(_ exit: SysExit, _ message: String) {
        self.exit = exit
        self.message = message
    }
    public var description: String { message }
}
