import ArgumentParser
import CLISupport

@main
struct Stampwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampwatch",
        abstract: "Terminal enforcement console for tobacco tax stamps: verify codes offline, with reasons.",
        discussion: """
        With no subcommand, stampwatch opens the full-screen console (scan, checklist, provenance, cache & sync; --plain for a line-by-line one; docs/console.md). Exit codes follow sysexits: \
        0 success, 1 a verified code was not genuine, 64 usage, 65 bad data, 66 missing input, \
        69 unavailable, 78 configuration.
        """,
        version: "0.1.0",
        subcommands: [Verify.self, ProvenanceLookup.self, Cache.self, Device.self, SyncCommand.self, Doctor.self]
    )

    @Option(name: .long, help: "Console colour theme: default, light, high-contrast, sunlight, or a .theme file (overrides the config file).")
    var theme: String?

    @Flag(name: .long, help: "Linear console for screen readers and slow links: no boxes or redraws, one line per event.")
    var plain = false

    @Flag(name: .long, help: "Let the console use the mouse (wheel scrolls, clicks on the screen tabs); off by default.")
    var mouse = false

    func run() throws {
        try runConsole(ConsoleFlags(theme: theme, plain: plain, mouse: mouse))
    }
}

extension CommandFailure {
    /// Prints the message and exits with the mapped code.
    func exit() -> ExitCode {
        printError("stampwatch: " + message)
        return ExitCode(self.exit.rawValue)
    }
}
