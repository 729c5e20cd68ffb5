import ArgumentParser
import CLISupport

@main
struct Stampwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampwatch",
        abstract: "Terminal enforcement console for tobacco tax stamps: verify codes offline, with reasons.",
        discussion: """
        With no subcommand, stampwatch opens the full-screen console (scan, verdict, session list). Exit codes follow sysexits: \
        0 success, 1 a verified code was not genuine, 64 usage, 65 bad data, 66 missing input, \
        69 unavailable, 78 configuration.
        """,
        version: "0.1.0",
        subcommands: [Verify.self, Cache.self, Device.self, SyncCommand.self, Doctor.self]
    )

    func run() throws {
        try runConsole()
    }
}

extension CommandFailure {
    /// Prints the message and exits with the mapped code.
    func exit() -> ExitCode {
        printError("stampwatch: " + message)
        return ExitCode(self.exit.rawValue)
    }
}
