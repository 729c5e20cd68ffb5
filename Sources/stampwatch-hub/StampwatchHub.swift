import ArgumentParser
import CLISupport

@main
struct StampwatchHub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stampwatch-hub",
        abstract: "Reference central server for Stampwatch: the HTTP API, issuer keys, minting, EPCIS capture, the signed cache.",
        discussion: "Exit codes follow sysexits: 64 usage, 65 bad data, 66 missing input, 73 cannot create, 74 I/O error.",
        version: "0.1.0",
        subcommands: [Keys.self, Mint.self, Capture.self, MasterDataCommand.self, CacheFiles.self, Publish.self, Serve.self, Devices.self, DemoWorldCommand.self]
    )
}

extension CommandFailure {
    func exit() -> ExitCode {
        printError("stampwatch-hub: " + message)
        return ExitCode(self.exit.rawValue)
    }
}

/// Runs a body that reports `CommandFailure`s as messages with their sysexits code.
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CommandFailure {
        throw failure.exit()
    }
}
