import ArgumentParser
import CLISupport

@main
struct Stampwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampwatch",
        abstract: "Terminal enforcement console for tobacco tax stamps: verify codes offline, with reasons.",
        discussion: """
        With no subcommand, stampwatch opens the terminal console. Exit codes follow sysexits: \
        0 success, 1 a verified code was not genuine, 64 usage, 65 bad data, 66 missing input, \
        69 unavailable, 78 configuration.
        """,
        version: "0.1.0",
        subcommands: [Verify.self, Cache.self, Doctor.self]
    )

    func run() throws {
        // The curses console arrives with the console issue; until then say so plainly instead of guessing.
        printError("""
        stampwatch: the full-screen console is not built yet.
        Verify codes from the command line meanwhile:  stampwatch verify --keyring FILE CODE...
        (see stampwatch --help, or `make run` for a demo).
        """)
        throw ExitCode(SysExit.unavailable.rawValue)
    }
}

extension CommandFailure {
    /// Prints the message and exits with the mapped code.
    func exit() -> ExitCode {
        printError("stampwatch: " + message)
        return ExitCode(self.exit.rawValue)
    }
}
