/// The TUF client workflow (specification section 5, "Detailed client workflow") over a
/// transport and a metadata store: refresh the top-level metadata, look targets up through the
/// delegation graph, download and verify target files.
///
/// All trust decisions are made by `TrustedMetadataSet` (pure); this type only moves bytes between
/// the repository, the store and the set, in the order the specification gives. Metadata is
/// stored (atomically, under its non-versioned name) right after it has passed every check, so the
/// store never holds anything unverified, and a refresh interrupted at any point leaves a state
/// from which the next refresh proceeds normally.
///
/// Example:
/// ```swift
/// var updater = TUFUpdater(metadataBaseURL: FileTransport.url(forPath: "/media/usb/metadata"),
///                          targetBaseURL: FileTransport.url(forPath: "/media/usb/targets"),
///                          transport: FileTransport(), store: try DirectoryStore.create(directory: dir))
/// let report = try updater.refresh(startTime: now)          // `now` read once by the caller
/// if case .found(let file, _) = try updater.lookup("cache/field.sqlite") {
///     let bytes = try updater.download(file)                 // length and hashes verified
/// }
/// ```
public struct TUFUpdater {
    /// Ends with "/".
    public let metadataBaseURL: String
    /// Ends with "/"; nil when this updater only refreshes metadata.
    public let targetBaseURL: String?
    public let configuration: TUFConfiguration
    private let transport: any TUFTransport
    private let targetTransport: any TUFTransport
    private let store: any TUFMetadataStore
    /// Set by a successful refresh; target lookups load delegated roles into it.
    private var trusted: TrustedMetadataSet?

    /// `targetTransport` defaults to `transport`.
    public init(metadataBaseURL: String, targetBaseURL: String? = nil, transport: any TUFTransport,
                targetTransport: (any TUFTransport)? = nil, store: any TUFMetadataStore,
                configuration: TUFConfiguration = TUFConfiguration()) {
        self.metadataBaseURL = metadataBaseURL.hasSuffix("/") ? metadataBaseURL : metadataBaseURL + "/"
        self.targetBaseURL = targetBaseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.transport = transport
        self.targetTransport = targetTransport ?? transport
        self.store = store
        self.configuration = configuration
    }

    /// The root trusted after the last successful refresh.
    public var trustedRoot: RootMetadata? { trusted?.root }
    public var trustedTimestamp: TimestampMetadata? { trusted?.timestamp }
    public var trustedSnapshot: SnapshotMetadata? { trusted?.snapshot }
    /// Trusted targets roles by name ("targets" and delegated roles loaded so far).
    public var trustedTargets: [String: TargetsMetadata] { trusted?.targets ?? [:] }

    // MARK: - Refresh (5.1–5.6.5)

    /// Brings root, timestamp, snapshot and top-level targets up to date. `startTime` is the fixed
    /// update start time (5.1) against which every expiry is judged; read the clock once, outside.
    /// On failure nothing unverified has been stored, and target lookups are refused until a
    /// refresh succeeds.
    @discardableResult
    public mutating func refresh(startTime: TUFTime) throws(TUFError) -> RefreshReport {
        trusted = nil
        var notes: [String] = []

        // 5.2: the trusted root, verified by itself before anything is fetched.
        let rootBytes: [UInt8]?
        do {
            rootBytes = try store.load("root.json", maxLength: configuration.rootMaxLength)
        } catch {
            throw .noTrustedRoot(reason: "root.json cannot be read: \(error)")
        }
        guard let rootBytes else { throw .noTrustedRoot(reason: "there is no root.json in the metadata directory") }
        var set: TrustedMetadataSet
        do {
            set = try TrustedMetadataSet(trustedRoot: rootBytes, startTime: startTime)
        } catch {
            throw .noTrustedRoot(reason: "the stored root.json is not valid: \(error)")
        }
        let initialRootVersion = set.root.version

        // 5.3: root rotation, one version at a time, until the repository has no next version.
        var rotations = 0
        while rotations < configuration.maxRootRotations {
            let next = set.root.version + 1
            guard let bytes = try fetchMetadata("\(next).root.json", maxLength: configuration.rootMaxLength) else { break }
            let previous = set.root
            let new = try set.updateRoot(bytes)
            // 5.3.11, fast-forward attack recovery: when timestamp or snapshot keys rotate, forget
            // the trusted timestamp and snapshot, whose (possibly attacker-inflated) versions would
            // otherwise block the recovered repository forever. Done before the new root is stored,
            // so an interruption cannot leave the new root next to the old files.
            if previous.keyBinding(for: "timestamp") != new.keyBinding(for: "timestamp")
                || previous.keyBinding(for: "snapshot") != new.keyBinding(for: "snapshot") {
                try store.remove("timestamp.json")
                try store.remove("snapshot.json")
                notes.append("root version \(new.version) rotates the timestamp or snapshot keys: the trusted timestamp and snapshot were discarded (fast-forward attack recovery)")
            }
            try store.store("root.json", bytes)
            rotations += 1
        }
        if rotations == configuration.maxRootRotations && rotations > 0 {
            notes.append("stopped after \(rotations) root versions (the configured maximum); later root versions will be fetched by the next refresh")
        }
        // 5.3.10: the final root must not have expired.
        try set.checkFinalRoot()

        // 5.4: timestamp. The trusted copy, even if expired, is the baseline for rollback checks.
        if let local = loadLocal("timestamp.json", maxLength: configuration.timestampMaxLength, notes: &notes) {
            do {
                _ = try set.updateTimestamp(local)
            } catch {
                if !isRoutine(error) { notes.append("the stored timestamp.json could not be used: \(error)") }
            }
        }
        guard let timestampBytes = try fetchMetadata("timestamp.json", maxLength: configuration.timestampMaxLength) else {
            throw missing("timestamp.json")
        }
        // Same version as the trusted one means nothing new: the trusted file is kept as it is.
        if try set.updateTimestamp(timestampBytes) == .updated {
            try store.store("timestamp.json", timestampBytes)
        }

        // 5.5: snapshot. A stored snapshot that is still the one timestamp names is not fetched again.
        var haveSnapshot = false
        if let local = loadLocal("snapshot.json", maxLength: configuration.snapshotMaxLength, notes: &notes) {
            do {
                try set.updateSnapshot(local, isLocalCopy: true)
                haveSnapshot = true
            } catch {
                if !isRoutine(error) { notes.append("the stored snapshot.json could not be used: \(error)") }
            }
        }
        if !haveSnapshot {
            let listed = set.timestamp!.snapshotMeta
            let file = set.root.consistentSnapshot ? "\(listed.version).snapshot.json" : "snapshot.json"
            guard let bytes = try fetchMetadata(file, maxLength: listed.length ?? configuration.snapshotMaxLength) else {
                throw missing(file)
            }
            try set.updateSnapshot(bytes, isLocalCopy: false)
            try store.store("snapshot.json", bytes)
        }

        // 5.6: top-level targets.
        let targets = try loadTargets("targets", delegator: "root", set: &set, notes: &notes)

        trusted = set
        return RefreshReport(startTime: startTime, previousRootVersion: initialRootVersion,
                             rootVersion: set.root.version, timestampVersion: set.timestamp!.version,
                             snapshotVersion: set.snapshot!.version, targetsVersion: targets.version, notes: notes)
    }

    // MARK: - Targets (5.6.6–5.7)

    /// Finds `targetPath` by the pre-order depth-first search of 5.6.6: the top-level targets
    /// first, then delegations in order of appearance, each role at most once, a terminating
    /// delegation ending the search, at most `maxDelegations` roles after the top level. Delegated
    /// metadata is fetched, verified and stored as the search needs it.
    public mutating func lookup(_ targetPath: String) throws(TUFError) -> TargetLookup {
        guard var set = trusted, set.targets["targets"] != nil else {
            throw .workflow("targets cannot be looked up before a successful refresh")
        }
        var notes: [String] = []
        var stack: [(role: String, delegator: String)] = [("targets", "root")]
        var visited = Set<String>()
        var order: [String] = []
        var result: TargetLookup?
        do {
            while visited.count <= configuration.maxDelegations, let (role, delegator) = stack.popLast() {
                if visited.contains(role) { continue }
                let metadata = try loadTargets(role, delegator: delegator, set: &set, notes: &notes)
                if let file = metadata.targets[targetPath] {
                    result = .found(file, role: role)
                    break
                }
                visited.insert(role)
                order.append(role)
                guard let delegations = metadata.delegations else { continue }
                var children: [(role: String, delegator: String)] = []
                for (child, terminating) in delegations.roles(for: targetPath) {
                    children.append((child, role))
                    if terminating {
                        stack.removeAll()
                        break
                    }
                }
                stack.append(contentsOf: children.reversed())
            }
        } catch {
            trusted = set
            throw error
        }
        trusted = set
        return result ?? .notFound(searchedRoles: order, limitReached: !stack.isEmpty)
    }

    /// Fetches `target` from the target base URL (as HASH.NAME with consistent snapshots), reading
    /// no more than its listed length, and verifies its length and hashes.
    public func download(_ target: TargetFile) throws(TUFError) -> [UInt8] {
        let (base, path) = try targetLocation(target)
        guard let bytes = try fetch(path, base: base, maxLength: target.length, via: targetTransport) else {
            throw .download(file: target.path, url: base + path, error: .notFound(url: base + path))
        }
        try target.verify(bytes)
        return bytes
    }

    /// The URL `download` fetches `target` from, for callers that download it themselves (for example a
    /// resumable HTTP download to a file); they must then check the bytes with `TargetFile.verify`.
    public func targetURL(_ target: TargetFile) throws(TUFError) -> String {
        let (base, path) = try targetLocation(target)
        return base + path
    }

    private func targetLocation(_ target: TargetFile) throws(TUFError) -> (base: String, path: String) {
        guard let base = targetBaseURL else { throw .workflow("no target base URL was configured") }
        guard let set = trusted else { throw .workflow("targets cannot be downloaded before a successful refresh") }
        var path = target.path
        if set.root.consistentSnapshot && configuration.prefixTargetsWithHash, let first = target.hashes.first {
            if let slash = path.lastIndex(of: "/") {
                path = String(path[...slash]) + first.digest + "." + String(path[path.index(after: slash)...])
            } else {
                path = first.digest + "." + path
            }
        }
        return (base, path)
    }

    // MARK: - Helpers

    /// TUF 5.6.1–5.6.5 for one targets role: the stored copy if it is still the version snapshot
    /// lists, else the repository's, verified and stored.
    private func loadTargets(_ role: String, delegator: String, set: inout TrustedMetadataSet,
                             notes: inout [String]) throws(TUFError) -> TargetsMetadata {
        if set.hasVerified(role, delegator: delegator), let known = set.targets[role] { return known }
        let encoded = PercentEncoding.encodeAll(role)
        let stored = encoded + ".json"
        if let local = loadLocal(stored, maxLength: configuration.targetsMaxLength, notes: &notes) {
            do {
                return try set.updateTargets(local, role: role, delegator: delegator)
            } catch {
                if !isRoutine(error) { notes.append("the stored \(stored) could not be used: \(error)") }
            }
        }
        try set.checkFinalSnapshot()
        guard let listed = set.snapshot!.meta[role + ".json"] else { throw .notInSnapshot(file: role + ".json") }
        let file = set.root.consistentSnapshot ? "\(listed.version).\(encoded).json" : stored
        guard let bytes = try fetchMetadata(file, maxLength: listed.length ?? configuration.targetsMaxLength) else {
            throw missing(file)
        }
        let metadata = try set.updateTargets(bytes, role: role, delegator: delegator)
        try store.store(stored, bytes)
        return metadata
    }

    private func fetchMetadata(_ file: String, maxLength: Int) throws(TUFError) -> [UInt8]? {
        try fetch(file, base: metadataBaseURL, maxLength: maxLength, via: transport)
    }

    /// The bytes at `base + file`, nil when not found. A transport that returns more than it was
    /// allowed to is treated as having exceeded the limit.
    private func fetch(_ file: String, base: String, maxLength: Int, via transport: any TUFTransport) throws(TUFError) -> [UInt8]? {
        let url = base + file
        do throws(TUFTransportError) {
            let bytes = try transport.fetch(url, maxLength: maxLength)
            guard bytes.count <= maxLength else { throw .lengthExceeded(url: url, limit: maxLength) }
            return bytes
        } catch {
            if case .notFound = error { return nil }
            throw .download(file: file, url: url, error: error)
        }
    }

    private func missing(_ file: String) -> TUFError {
        .download(file: file, url: metadataBaseURL + file, error: .notFound(url: metadataBaseURL + file))
    }

    /// The stored copy of `name`, or nil (a damaged or unreadable copy is noted and ignored: the
    /// repository's copy is then fetched and verified instead).
    private func loadLocal(_ name: String, maxLength: Int, notes: inout [String]) -> [UInt8]? {
        do {
            return try store.load(name, maxLength: maxLength)
        } catch {
            notes.append("the stored \(name) could not be read: \(error)")
            return nil
        }
    }

    /// Errors that only mean a stored copy is out of date, which is normal.
    private func isRoutine(_ error: TUFError) -> Bool {
        switch error {
        case .expired, .versionMismatch, .lengthMismatch, .hashMismatch, .rollback: return true
        default: return false
        }
    }
}

/// What a refresh did, for the log and for the officer's "last verified" display.
public struct RefreshReport: Sendable, Equatable {
    public let startTime: TUFTime
    public let previousRootVersion: Int64
    public let rootVersion: Int64
    public let timestampVersion: Int64
    public let snapshotVersion: Int64
    public let targetsVersion: Int64
    /// Things worth knowing that did not stop the refresh: stored files that could not be used,
    /// metadata discarded after a key rotation, the root rotation limit reached.
    public let notes: [String]
}

/// The outcome of a target search.
public enum TargetLookup: Sendable {
    /// Found in `role`, the most trusted role that lists the path.
    case found(TargetFile, role: String)
    /// No responsible role lists the path. `limitReached` is true when the search stopped at
    /// `maxDelegations` with roles left unvisited, so the answer is "not found within the limit".
    case notFound(searchedRoles: [String], limitReached: Bool)
}
