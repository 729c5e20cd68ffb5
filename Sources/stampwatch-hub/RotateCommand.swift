import ArgumentParser
import CLISupport
import Foundation
import TUFRepository

/// `stampwatch-hub keys rotate ROLE`: a subcommand of `keys`.
struct RotateKeys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the keys of a TUF role of the offline-cache repository.",
        discussion: """
        ROLE is root, timestamp, snapshot or targets. Writes new keys to KEYS and a new root version listing them, \
        signed by a threshold of the current root keys (and, for root, by the new root keys too, so consoles \
        follow the chain), then re-signs the role's metadata with the new keys under new versions. Consoles \
        update on their next sync. The old key files are moved to KEYS/retired/, never deleted. Needs a threshold \
        of the current root keys in KEYS.
        """)

    @Argument(help: ArgumentHelp("The role whose keys to replace: root, timestamp, snapshot or targets.", valueName: "role"))
    var role: String

    @Option(name: .long, help: ArgumentHelp("The repository directory (metadata/ and targets/ inside).", valueName: "dir"))
    var repo: String

    @Option(name: .long, help: ArgumentHelp("The directory of the private role keys.", valueName: "dir"))
    var keys: String

    @Option(name: .long, help: ArgumentHelp("Number of new keys (default: 3 for root, 1 otherwise).", valueName: "n"))
    var keyCount: Int?

    @Option(name: .long, help: ArgumentHelp("How many of the new keys must sign (default: 2 for root, 1 otherwise).", valueName: "n"))
    var threshold: Int?

    @OptionGroup var expiry: ExpiryOptions

    func validate() throws {
        guard let r = TopLevelRole(rawValue: role) else {
            throw ValidationError("unknown role \"\(role)\"; ROLE is root, timestamp, snapshot or targets.")
        }
        try expiry.validateDays()
        let policy = RepositoryConfiguration().keyPolicy(r)
        let count = keyCount ?? policy.keyCount
        let t = threshold ?? min(policy.threshold, count)
        guard count >= 1, count <= 16, t >= 1, t <= count else {
            throw ValidationError("--threshold must be between 1 and --key-count (at most 16).")
        }
    }

    func run() throws {
        try reporting {
            let r = TopLevelRole(rawValue: role)!
            var configuration = expiry.configuration()
            let policy = configuration.keyPolicy(r)
            let count = keyCount ?? policy.keyCount
            configuration.keyPolicies[r] = RoleKeyPolicy(keyCount: count, threshold: threshold ?? min(policy.threshold, count))
            let publisher = TUFPublisher(repository: repo, keys: keys, configuration: configuration)
            do throws(TUFRepositoryError) {
                let result = try publisher.rotate(role: r, now: Int64(Date().timeIntervalSince1970))
                print("rotated the \(r) keys of \(repo)")
                printVersions(result)
                for file in result.newKeyFiles { print("  new key     \(file)") }
                for file in result.retiredKeyFiles { print("  retired key \(file)") }
                for warning in result.warnings { printError("stampwatch-hub: warning: " + warning) }
            } catch {
                throw CommandFailure(error)
            }
        }
    }
}
