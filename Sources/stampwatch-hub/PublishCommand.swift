import ArgumentParser
import CLISupport
import Foundation
import Hub
import TUFRepository

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish files to the consoles' signed offline cache (a TUF repository).",
        discussion: """
        Maintains a TUF 1.0 repository with consistent snapshots: serve REPO/metadata and REPO/targets (or copy \
        REPO to a USB stick). With --init, creates the role keys in KEYS (root 2 of 3, timestamp, snapshot and \
        targets one each; PKCS#8 PEM, mode 0600) and version 1 of every role. Each publish re-signs the timestamp \
        (publish at least once per timestamp lifetime, even with nothing new, or consoles show their cache as \
        stale), and signs new targets and snapshot versions when the targets changed. Old versions stay until \
        --keep-versions prunes them. Keep KEYS outside REPO, and the root keys offline when not rotating.
        """)

    @Option(name: .long, help: ArgumentHelp("The repository directory (metadata/ and targets/ inside).", valueName: "dir"))
    var repo: String

    @Option(name: .long, help: ArgumentHelp("The directory of the private role keys (outside the repository).", valueName: "dir"))
    var keys: String

    @Flag(name: .customLong("init"), help: "Create the keys and an empty repository first.")
    var initialise = false

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Publish FILE as target NAME (for example cache/field.sqlite=./field.sqlite); repeatable.", valueName: "name=file"))
    var target: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Remove target NAME; repeatable.", valueName: "name"))
    var remove: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also publish this hub's receipt public key (from DIR/receipt-key.pem, created if missing) as target hub/receipt-key.json: consoles check receipts with it.", valueName: "dir"))
    var hubData: String?

    @Option(name: .long, help: ArgumentHelp("After publishing, delete all but the newest N snapshot versions and the targets versions and files only older ones list.", valueName: "n"))
    var keepVersions: Int?

    @Option(name: .long, help: ArgumentHelp("With --init: number of root keys.", valueName: "n"))
    var rootKeys: Int = 3

    @Option(name: .long, help: ArgumentHelp("With --init: how many root keys must sign a root.", valueName: "n"))
    var rootThreshold: Int = 2

    @OptionGroup var expiry: ExpiryOptions

    func validate() throws {
        try expiry.validateDays()
        if let keepVersions, keepVersions < 1 { throw ValidationError("--keep-versions must be at least 1.") }
        guard rootKeys >= 1, rootThreshold >= 1, rootThreshold <= rootKeys else {
            throw ValidationError("--root-threshold must be between 1 and --root-keys.")
        }
        if !initialise, rootKeys != 3 || rootThreshold != 2 {
            throw ValidationError("--root-keys and --root-threshold apply to --init only (use `keys rotate root` later).")
        }
        _ = try parsedTargets()
    }

    /// NAME=FILE pairs; a name given twice is a usage error.
    func parsedTargets() throws(ValidationError) -> [String: TargetSource] {
        var out: [String: TargetSource] = [:]
        for spec in target {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
                throw ValidationError("--target \"\(spec)\" must be NAME=FILE.")
            }
            let name = String(spec[..<eq])
            guard out[name] == nil else { throw ValidationError("--target \(name) is given twice.") }
            out[name] = .file(String(spec[spec.index(after: eq)...]))
        }
        return out
    }

    /// The TUF target name consoles fetch the receipt key from (Sync.HubReceiptKey.targetName).
    static let hubKeyTarget = "hub/receipt-key.json"

    func run() throws {
        try reporting {
            let now = Int64(Date().timeIntervalSince1970)
            var configuration = expiry.configuration()
            configuration.keyPolicies[.root] = RoleKeyPolicy(keyCount: rootKeys, threshold: rootThreshold)
            let publisher = TUFPublisher(repository: repo, keys: keys, configuration: configuration)
            var targets = try parsedTargets()
            if let hubData {
                guard targets[Self.hubKeyTarget] == nil else {
                    throw CommandFailure(.usage, "--hub-data publishes \(Self.hubKeyTarget); do not also give it with --target.")
                }
                do {
                    try FileManager.default.createDirectory(atPath: hubData, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    let signer = try ReceiptSigner.loadOrCreate(at: hubData + "/receipt-key.pem")
                    targets[Self.hubKeyTarget] = .bytes(signer.publicKeyJSON.serializedBytes(sortedKeys: true))
                } catch {
                    throw CommandFailure(.dataError, "the hub receipt key in \(hubData) is not usable: \(error).")
                }
            }
            do throws(TUFRepositoryError) {
                if initialise {
                    let created = try publisher.initialise(now: now)
                    print("initialised \(repo): root, timestamp, snapshot and targets version 1")
                    for file in created.newKeyFiles { print("  new key \(file)") }
                    if targets.isEmpty && remove.isEmpty {
                        printVersions(created)
                        return
                    }
                }
                let result = try publisher.publish(targets: targets, removing: remove, now: now)
                print("published \(repo)")
                printVersions(result)
                for name in result.updatedTargets { print("  + \(name)") }
                for name in result.removedTargets { print("  - \(name)") }
                for warning in result.warnings { printError("stampwatch-hub: warning: " + warning) }
                if let keepVersions {
                    let pruned = try publisher.prune(keepVersions: keepVersions)
                    print("pruned \(pruned.removedMetadata.count) metadata file(s) and \(pruned.removedTargetFiles.count) target file(s)")
                }
            } catch {
                throw CommandFailure(error)
            }
        }
    }
}

/// `--expires-ROLE DAYS`, shared by `publish` and `keys rotate`.
struct ExpiryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Lifetime of a new root version in days (default 365).", valueName: "days"))
    var expiresRoot: Int?

    @Option(name: .long, help: ArgumentHelp("Lifetime of a new targets version in days (default 90).", valueName: "days"))
    var expiresTargets: Int?

    @Option(name: .long, help: ArgumentHelp("Lifetime of a new snapshot version in days (default 30).", valueName: "days"))
    var expiresSnapshot: Int?

    @Option(name: .long, help: ArgumentHelp("Lifetime of the new timestamp in days (default 7: consoles show the cache as stale after it).", valueName: "days"))
    var expiresTimestamp: Int?

    func validateDays() throws {
        for (flag, days) in [("root", expiresRoot), ("targets", expiresTargets), ("snapshot", expiresSnapshot), ("timestamp", expiresTimestamp)] {
            if let days, days < 1 || days > 36_500 { throw ValidationError("--expires-\(flag) must be between 1 and 36500 days.") }
        }
    }

    func configuration() -> RepositoryConfiguration {
        var c = RepositoryConfiguration()
        let day = RepositoryConfiguration.day
        if let d = expiresRoot { c.lifetimes[.root] = Int64(d) * day }
        if let d = expiresTargets { c.lifetimes[.targets] = Int64(d) * day }
        if let d = expiresSnapshot { c.lifetimes[.snapshot] = Int64(d) * day }
        if let d = expiresTimestamp { c.lifetimes[.timestamp] = Int64(d) * day }
        return c
    }
}

/// One line per role: version, whether this run signed it, and its expiry.
func printVersions(_ result: PublishResult) {
    for role in [TopLevelRole.root, .targets, .snapshot, .timestamp] {
        guard let v = result.versions[role] else { continue }
        let mark = result.signed.contains(role) ? " (new)" : ""
        let expires = result.expires[role].map { " expires \(iso8601($0))" } ?? ""
        print("  \(role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) v\(v)\(mark)\(expires)")
    }
}

private func iso8601(_ seconds: Int64) -> String {
    let f = ISO8601DateFormatter()
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
}

extension CommandFailure {
    /// A repository error with its sysexits code.
    init(_ error: TUFRepositoryError) {
        let code: SysExit
        switch error.kind {
        case .usage: code = .usage
        case .noInput: code = .noInput
        case .dataError: code = .dataError
        case .cantCreate: code = .cantCreate
        case .ioError: code = .ioError
        case .noPermission: code = .noPermission
        case .busy: code = .tempFail
        case .software: code = .software
        }
        self.init(code, error.message)
    }
}
