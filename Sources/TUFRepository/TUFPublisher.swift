#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StampCrypto
import StrictJSON

/// A target's content for `publish`: bytes in memory, or a file to read.
public enum TargetSource: Sendable, Equatable {
    case bytes([UInt8])
    case file(String)
}

/// What an operation published.
public struct PublishResult: Sendable, Equatable {
    /// The current version of each role after the operation.
    public var versions: [TopLevelRole: Int64]
    /// The current expiry of each role (seconds since 1970, UTC).
    public var expires: [TopLevelRole: Int64]
    /// Roles that got a new version in this operation, in the order they were written.
    public var signed: [TopLevelRole]
    /// Targets added or given new content.
    public var updatedTargets: [String]
    public var removedTargets: [String]
    /// Key files written (rotate, init) and moved to `retired/` (rotate).
    public var newKeyFiles: [String]
    public var retiredKeyFiles: [String]
    /// Things to act on that did not stop the operation (a root close to expiry without its keys, …).
    public var warnings: [String]
}

/// What `prune` deleted.
public struct PruneResult: Sendable, Equatable {
    /// Metadata files deleted, such as "3.snapshot.json".
    public var removedMetadata: [String]
    /// Target files deleted, as paths below `REPO/targets`.
    public var removedTargetFiles: [String]
    /// Leftover temporary files of interrupted writes deleted.
    public var removedTemporaryFiles: [String]
}

/// The publisher side of the console's signed offline cache: maintains a TUF 1.0 repository with
/// consistent snapshots in `REPO/metadata` and `REPO/targets`, signing with Ed25519 role keys kept
/// in a separate keys directory (PKCS#8 PEM, mode 0600, never inside REPO).
///
/// Layout:
/// ```
/// REPO/metadata/1.root.json … N.root.json, root.json (= N)    every root version, for the client's chain
/// REPO/metadata/N.targets.json, N.snapshot.json               versioned, kept until `prune`
/// REPO/metadata/timestamp.json                                the only unversioned file; written last
/// REPO/targets/SHA256.NAME, REPO/targets/DIR/SHA256.NAME      content-addressed target files
/// KEYS/ROLE-KEYID.pem, KEYS/retired/…                        private keys
/// ```
///
/// Crash safety: every file is replaced atomically (temp file, fsync, rename, directory fsync), and
/// each operation writes target files first, then versioned metadata (targets, snapshot, root),
/// then `timestamp.json`. A reader therefore never sees a timestamp pointing at a file that is not
/// there yet, and an operation that fails or is killed half-way leaves the repository serving the
/// previous version; the next operation skips the version numbers of the leftovers (and retires
/// key files a rotation left behind). Inputs, keys and the repository itself are checked before
/// the first file is written, so an error of kind `usage`, `noInput`, `dataError` or
/// `noPermission` writes nothing (`initialise` may have created empty directories). An exclusive
/// lock (`REPO/.lock`) keeps two publishers apart.
///
/// Target files are read into memory whole (the cache files are tens of megabytes at most).
/// Delegations are not supported: the top-level targets role lists every file.
///
/// The clock is injected: every operation takes `now` (seconds since 1970) and never reads time.
public struct TUFPublisher: Sendable {
    public let repositoryDirectory: String
    public let keysDirectory: String
    public var configuration: RepositoryConfiguration
    /// Called with the path (below REPO or KEYS, e.g. "metadata/timestamp.json", "keys/…") before
    /// every write; tests throw from it to simulate a failure at that point.
    var beforeWrite: (@Sendable (String) throws(TUFRepositoryError) -> Void)?

    public init(repository: String, keys: String, configuration: RepositoryConfiguration = RepositoryConfiguration()) {
        self.repositoryDirectory = TUFPublisher.trimmed(repository)
        self.keysDirectory = TUFPublisher.trimmed(keys)
        self.configuration = configuration
    }

    var metadataDirectory: String { repositoryDirectory + "/metadata" }
    var targetsDirectory: String { repositoryDirectory + "/targets" }
    var keyDirectory: KeyDirectory { KeyDirectory(path: keysDirectory) }

    /// True when REPO holds an initialised repository (a root and a timestamp).
    public var isInitialised: Bool {
        FileSystem.exists(metadataDirectory + "/1.root.json") && FileSystem.exists(metadataDirectory + "/timestamp.json")
    }

    // MARK: - init

    /// Creates the role keys (root: 2 of 3 by default; timestamp, snapshot, targets: 1 each) and
    /// version 1 of every role, with no targets. Refuses an initialised repository, a metadata
    /// directory with files in it, and a keys directory that already holds role keys.
    @discardableResult
    public func initialise(now: Int64) throws(TUFRepositoryError) -> PublishResult {
        try configuration.validate()
        try checkKeysOutsideRepository()
        if isInitialised {
            throw TUFRepositoryError(.cantCreate, "\(repositoryDirectory) is already an initialised TUF repository; publish to it without --init.")
        }
        if let names = FileSystem.list(metadataDirectory), names.contains(where: { !$0.hasPrefix(".") }) {
            throw TUFRepositoryError(.cantCreate, "\(metadataDirectory) is not empty (\(names.prefix(3).joined(separator: ", "))…): an earlier --init may have been interrupted. Remove it (and the role keys that init wrote) or use another directory.")
        }
        let existingKeys = keyDirectory.keyFileNames()
        if !existingKeys.isEmpty {
            throw TUFRepositoryError(.cantCreate, "\(keysDirectory) already holds TUF role keys (\(existingKeys.prefix(3).joined(separator: ", "))); use an empty keys directory for a new repository.")
        }

        try FileSystem.makeDirectories(repositoryDirectory)
        let lock = try FileSystem.lock(repositoryDirectory + "/.lock")
        defer { FileSystem.unlock(lock) }
        try FileSystem.makeDirectories(metadataDirectory)
        try FileSystem.makeDirectories(targetsDirectory)
        try FileSystem.makeDirectories(keysDirectory, mode: 0o700)

        var keys: [TopLevelRole: [RoleKey]] = [:]
        for role in TopLevelRole.allCases {
            keys[role] = try KeyDirectory.generate(role: role, count: configuration.keyPolicy(role).keyCount, in: keysDirectory)
        }
        let spec = configuration.specVersion
        var publicKeys: [String: String] = [:]
        var roles: [TopLevelRole: RoleEntry] = [:]
        for (role, list) in keys {
            for k in list { publicKeys[k.keyID] = k.publicHex }
            roles[role] = RoleEntry(keyIDs: list.map(\.keyID).sorted(), threshold: configuration.keyPolicy(role).threshold)
        }
        let expires = Dictionary(uniqueKeysWithValues: TopLevelRole.allCases.map { ($0, now + configuration.lifetime($0)) })
        let root = try Envelope.sign(Root.signed(spec: spec, version: 1, expires: expires[.root]!, keys: publicKeys, roles: roles),
                                     with: keys[.root]!)
        let targets = try Envelope.sign(JSONObject(Envelope.header(type: "targets", spec: spec, version: 1, expires: expires[.targets]!)
                                                   + [("targets", .object(JSONObject()))]), with: keys[.targets]!)
        let snapshot = try Envelope.sign(JSONObject(Envelope.header(type: "snapshot", spec: spec, version: 1, expires: expires[.snapshot]!)
                                                    + [("meta", .object(JSONObject([("targets.json", metaFileEntry(version: 1, bytes: targets))])))]),
                                         with: keys[.snapshot]!)
        let timestamp = try Envelope.sign(JSONObject(Envelope.header(type: "timestamp", spec: spec, version: 1, expires: expires[.timestamp]!)
                                                     + [("meta", .object(JSONObject([("snapshot.json", metaFileEntry(version: 1, bytes: snapshot))])))]),
                                          with: keys[.timestamp]!)

        var newKeyFiles: [String] = []
        for role in TopLevelRole.allCases {
            for k in keys[role]! {
                try hook("keys/" + FileSystem.split(k.path).name)
                try keyDirectory.write(k)
                newKeyFiles.append(k.path)
            }
        }
        for (name, bytes) in [("1.targets.json", targets), ("1.snapshot.json", snapshot), ("1.root.json", root),
                              ("root.json", root), ("timestamp.json", timestamp)] {
            try writeMetadata(name, bytes)
        }
        return PublishResult(versions: [.root: 1, .targets: 1, .snapshot: 1, .timestamp: 1], expires: expires,
                             signed: [.targets, .snapshot, .root, .timestamp], updatedTargets: [], removedTargets: [],
                             newKeyFiles: newKeyFiles, retiredKeyFiles: [], warnings: [])
    }

    // MARK: - publish

    /// Adds or replaces `targets` (name → content) and removes `removing`, then signs what
    /// changed: targets and snapshot get a new version when their content changed (or when less
    /// than half their lifetime is left, or they are not yet signed by the keys the current root
    /// lists); timestamp always gets a new version, so clients see a fresh repository. With no
    /// targets and nothing to remove this is a heartbeat: a new timestamp only.
    @discardableResult
    public func publish(targets: [String: TargetSource] = [:], removing: [String] = [],
                        now: Int64) throws(TUFRepositoryError) -> PublishResult {
        try configuration.validate()
        try checkKeysOutsideRepository()
        for name in targets.keys.sorted() {
            if let problem = TargetName.problem(name) { throw TUFRepositoryError(.usage, problem + ".") }
        }
        if let both = removing.first(where: { targets[$0] != nil }) {
            throw TUFRepositoryError(.usage, "target \(both) is both published and removed; give it once.")
        }
        let lock = try lockRepository()
        defer { FileSystem.unlock(lock) }
        let state = try loadState()
        for name in removing where state.targetEntries[name] == nil {
            throw TUFRepositoryError(.dataError, "cannot remove target \(name): targets version \(state.targets.version) does not list it.")
        }

        // Read every target first: a missing file stops the publish before anything is written.
        var files: [(path: String, bytes: [UInt8])] = []
        var entries = state.targetEntries
        var updated: [String] = []
        for name in targets.keys.sorted() {
            let bytes: [UInt8]
            switch targets[name]! {
            case .bytes(let b): bytes = b
            case .file(let path):
                guard let b = try FileSystem.readIfExists(path, what: "the file for target \(name),") else {
                    throw TUFRepositoryError(.noInput, "file \(path) for target \(name) does not exist.")
                }
                bytes = b
            }
            let entry = JSONValue.object(JSONObject([("length", .integer(Int64(bytes.count))), ("hashes", hashesObject(bytes))]))
            let sha = entry["hashes"]!["sha256"]!.stringValue!
            files.append(("targets/" + TargetName.storedPath(name, sha256: sha), bytes))
            if entries[name] != entry { updated.append(name) }
            entries[name] = entry
        }
        for name in removing { _ = entries.removeValue(forKey: name) }

        let keys = try keyDirectory.loadAll()
        var plan = try plan(state: state, keys: keys, targetEntries: entries, newRoot: nil, now: now)
        plan.retire = TUFPublisher.replacedKeys(keys, roots: state.roots, current: state.root)
        plan.result.updatedTargets = updated
        plan.result.removedTargets = Set(removing).sorted()
        plan.result.warnings = state.warnings.filter { w in !targets.keys.contains { w.hasPrefix("the file of target \($0) ") } } + plan.result.warnings
        return try write(targetFiles: files, plan: plan)
    }

    // MARK: - rotate

    /// Replaces the keys of `role` with new ones (as many, and the threshold, as the key policy
    /// says), publishing a new root version that lists them: signed by a threshold of the current
    /// root keys and, when `role` is root, also by the new root keys (TUF 5.3.4). The metadata of
    /// the rotated role is then signed with the new keys under a new version (and everything
    /// that lists it, up to the timestamp), so clients recover from a fast-forward attack as the
    /// specification describes (5.3.11). The new key files are written before anything that
    /// needs them, and the old ones are moved to `KEYS/retired/` once the repository no longer
    /// uses them.
    @discardableResult
    public func rotate(role: TopLevelRole, now: Int64) throws(TUFRepositoryError) -> PublishResult {
        try configuration.validate()
        try checkKeysOutsideRepository()
        let lock = try lockRepository()
        defer { FileSystem.unlock(lock) }
        let state = try loadState()
        var keys = try keyDirectory.loadAll()
        let current = state.root

        // The current root keys must be here (a threshold of them) before anything is generated.
        let rootSigners = try signers(for: .root, root: current, keys: keys, purpose: "rotate the \(role) keys")

        let policy = configuration.keyPolicy(role)
        let fresh = try KeyDirectory.generate(role: role, count: policy.keyCount, in: keysDirectory)
        for k in fresh { keys[k.keyID] = k }
        var roles = current.roles
        let oldIDs = Set(roles[role]!.keyIDs)
        roles[role] = RoleEntry(keyIDs: fresh.map(\.keyID).sorted(), threshold: policy.threshold)
        let used = Set(roles.values.flatMap(\.keyIDs))
        var publicKeys = current.publicKeys.filter { used.contains($0.key) }
        for k in fresh { publicKeys[k.keyID] = k.publicHex }
        let signed = Root.signed(spec: configuration.specVersion, version: current.version + 1,
                                 expires: now + configuration.lifetime(.root), keys: publicKeys, roles: roles)
        let newRoot = NewRoot(signed: signed, signers: role == .root ? rootSigners + fresh : rootSigners)

        var plan = try plan(state: state, keys: keys, targetEntries: state.targetEntries, newRoot: newRoot, now: now)
        plan.newKeys = fresh
        plan.retire = TUFPublisher.replacedKeys(keys, roots: state.roots, current: state.root)
        for k in oldIDs.subtracting(used).compactMap({ keys[$0] }) where !plan.retire.contains(where: { $0.keyID == k.keyID }) {
            plan.retire.append(k)
        }
        plan.retire.sort { $0.path < $1.path }
        plan.result.warnings = state.warnings + plan.result.warnings
        return try write(targetFiles: [], plan: plan)
    }

    // MARK: - prune

    /// Deletes snapshot versions older than the newest `keepVersions` (≥ 1), the targets versions
    /// only they listed, the target files no kept targets version lists, and leftover temporary
    /// files. Root versions are never deleted: a client that has been offline for a long time
    /// follows the whole chain. Keep at least 2 so that a client that fetched the previous
    /// timestamp a moment ago can still finish its update.
    @discardableResult
    public func prune(keepVersions: Int) throws(TUFRepositoryError) -> PruneResult {
        guard keepVersions >= 1 else { throw TUFRepositoryError(.usage, "keepVersions must be at least 1, found \(keepVersions).") }
        let lock = try lockRepository()
        defer { FileSystem.unlock(lock) }
        let state = try loadState()
        let md = metadataDirectory
        let names = FileSystem.list(md) ?? []
        func versions(_ role: TopLevelRole) -> [Int64] {
            names.compactMap { name -> Int64? in
                let parts = name.split(separator: ".")
                guard parts.count == 3, parts[1] == role.rawValue, parts[2] == "json", let v = Int64(parts[0]) else { return nil }
                return v
            }.sorted()
        }
        let currentSnapshot = state.snapshot.version
        let olderSnapshots = versions(.snapshot).filter { $0 <= currentSnapshot }
        let keptSnapshots = Set(olderSnapshots.suffix(keepVersions)).union(versions(.snapshot).filter { $0 > currentSnapshot })

        // Targets versions a kept snapshot lists (an unreadable snapshot keeps everything).
        var keptTargets = Set(versions(.targets).filter { $0 >= state.targets.version })
        var keepAllTargets = false
        for v in keptSnapshots {
            guard let bytes = try? FileSystem.read(md + "/\(v).snapshot.json", what: "snapshot"),
                  let e = try? Envelope(bytes: bytes, file: "\(v).snapshot.json", expectedType: "snapshot"),
                  let t = e.signed["meta"]?["targets.json"]?["version"]?.integerValue else {
                keepAllTargets = true
                continue
            }
            keptTargets.insert(t)
        }
        if keepAllTargets { keptTargets.formUnion(versions(.targets)) }

        var referenced = Set<String>()
        var keepAllFiles = false
        for v in keptTargets {
            guard let bytes = try? FileSystem.read(md + "/\(v).targets.json", what: "targets"),
                  let e = try? Envelope(bytes: bytes, file: "\(v).targets.json", expectedType: "targets"),
                  let entries = e.signed["targets"]?.objectValue else {
                keepAllFiles = true
                continue
            }
            for (name, entry) in entries {
                if let sha = entry["hashes"]?["sha256"]?.stringValue { referenced.insert(TargetName.storedPath(name, sha256: sha.lowercased())) }
            }
        }

        var result = PruneResult(removedMetadata: [], removedTargetFiles: [], removedTemporaryFiles: [])
        for v in versions(.snapshot) where !keptSnapshots.contains(v) {
            try FileSystem.remove(md + "/\(v).snapshot.json")
            result.removedMetadata.append("\(v).snapshot.json")
        }
        for v in versions(.targets) where !keptTargets.contains(v) {
            try FileSystem.remove(md + "/\(v).targets.json")
            result.removedMetadata.append("\(v).targets.json")
        }
        for name in names where TUFPublisher.isTemporary(name) {
            try FileSystem.remove(md + "/" + name)
            result.removedTemporaryFiles.append("metadata/" + name)
        }
        for path in FileSystem.walk(targetsDirectory) {
            let name = FileSystem.split(path).name
            if TUFPublisher.isTemporary(name) {
                try FileSystem.remove(targetsDirectory + "/" + path)
                result.removedTemporaryFiles.append("targets/" + path)
            } else if !keepAllFiles, TUFPublisher.isContentAddressed(name), !referenced.contains(path) {
                try FileSystem.remove(targetsDirectory + "/" + path)
                result.removedTargetFiles.append(path)
            }
        }
        return result
    }

    // MARK: - Status

    /// The committed versions and expiries, after the same checks a publish makes.
    public func status() throws(TUFRepositoryError) -> PublishResult {
        let state = try loadState()
        var result = PublishResult(versions: [:], expires: [:], signed: [], updatedTargets: [], removedTargets: [],
                                   newKeyFiles: [], retiredKeyFiles: [], warnings: state.warnings)
        for role in TopLevelRole.allCases {
            result.versions[role] = state.envelope(role).version
            result.expires[role] = state.envelope(role).expires
        }
        return result
    }

    /// Target name → (length, sha256) as the committed targets metadata lists them.
    public func publishedTargets() throws(TUFRepositoryError) -> [String: (length: Int64, sha256: String)] {
        let state = try loadState()
        var out: [String: (length: Int64, sha256: String)] = [:]
        for (name, entry) in state.targetEntries {
            out[name] = (entry["length"]?.integerValue ?? -1, entry["hashes"]?["sha256"]?.stringValue ?? "")
        }
        return out
    }

    // MARK: - The signing plan

    struct NewRoot {
        let signed: JSONObject
        let signers: [RoleKey]
    }

    /// Everything one operation writes, signed in memory before the first write.
    struct Plan {
        /// Metadata file name → bytes, in write order (timestamp.json last).
        var metadata: [(name: String, bytes: [UInt8])] = []
        var newKeys: [RoleKey] = []
        var retire: [RoleKey] = []
        var result: PublishResult
    }

    /// Decides which roles get a new version and signs them.
    func plan(state: RepositoryState, keys: [String: RoleKey], targetEntries: JSONObject, newRoot: NewRoot?,
              now: Int64) throws(TUFRepositoryError) -> Plan {
        let spec = configuration.specVersion
        var warnings: [String] = []
        var signedRoles: [TopLevelRole] = []
        var versions: [TopLevelRole: Int64] = [:]
        var expires: [TopLevelRole: Int64] = [:]
        for role in TopLevelRole.allCases {
            versions[role] = state.envelope(role).version
            expires[role] = state.envelope(role).expires
        }
        func renewalDue(_ role: TopLevelRole) -> Bool {
            state.envelope(role).expires - now < configuration.lifetime(role) / 2
        }

        // Root: a rotation, or a renewal of the current root when its keys are at hand.
        var rootBytes: [UInt8]?
        var root = state.root
        var rootSignedObject = newRoot?.signed
        var rootSigners = newRoot?.signers ?? []
        if rootSignedObject == nil && renewalDue(.root) {
            if let s = try? signers(for: .root, root: state.root, keys: keys, purpose: "renew the root") {
                var o = state.root.envelope.signed
                o["version"] = .integer(state.root.version + 1)
                o["expires"] = .string(UTCTime.format(now + configuration.lifetime(.root)))
                o["spec_version"] = .string(spec)
                rootSignedObject = o
                rootSigners = s
            } else {
                let left = (state.root.expires - now) / RepositoryConfiguration.day
                warnings.append(left <= 0
                    ? "root version \(state.root.version) expired at \(UTCTime.format(state.root.expires)): clients refuse the repository until a threshold of root keys signs a new root (put them in the keys directory and publish)."
                    : "root version \(state.root.version) expires at \(UTCTime.format(state.root.expires)) (in \(left) days); bring a threshold of root keys to the keys directory and publish to renew it.")
            }
        }
        if let o = rootSignedObject {
            let bytes = try Envelope.sign(o, with: rootSigners)
            root = try Root(try Envelope(bytes: bytes, file: "\(state.root.version + 1).root.json", expectedType: "root"))
            // What the client checks (5.3.4): a threshold of the old root's keys and of its own.
            guard state.root.meetsThreshold(root.envelope, for: .root), root.meetsThreshold(root.envelope, for: .root) else {
                throw TUFRepositoryError(.software, "the new root is not signed by a threshold of the old and the new root keys.")
            }
            rootBytes = bytes
            versions[.root] = root.version
            expires[.root] = root.expires
        }

        // Targets.
        var targetsFile: (name: String, bytes: [UInt8])?
        var targetsVersion = state.targets.version
        var targetsBytes = state.targets.bytes
        if JSONValue.object(targetEntries) != JSONValue.object(state.targetEntries) || renewalDue(.targets)
            || !root.meetsThreshold(state.targets, for: .targets) {
            let s = try signers(for: .targets, root: root, keys: keys, purpose: "sign targets")
            targetsVersion = state.nextVersion(.targets)
            var sorted = JSONObject()
            for name in targetEntries.keys.sorted() { sorted[name] = targetEntries[name]! }
            targetsBytes = try Envelope.sign(JSONObject(Envelope.header(type: "targets", spec: spec, version: targetsVersion,
                                                                        expires: now + configuration.lifetime(.targets))
                                                        + [("targets", .object(sorted))]), with: s)
            targetsFile = ("\(targetsVersion).targets.json", targetsBytes)
            signedRoles.append(.targets)
            versions[.targets] = targetsVersion
            expires[.targets] = now + configuration.lifetime(.targets)
        }

        // Snapshot.
        var snapshotFile: (name: String, bytes: [UInt8])?
        var snapshotVersion = state.snapshot.version
        var snapshotBytes = state.snapshot.bytes
        if targetsFile != nil || renewalDue(.snapshot) || !root.meetsThreshold(state.snapshot, for: .snapshot) {
            let s = try signers(for: .snapshot, root: root, keys: keys, purpose: "sign the snapshot")
            snapshotVersion = state.nextVersion(.snapshot)
            snapshotBytes = try Envelope.sign(JSONObject(Envelope.header(type: "snapshot", spec: spec, version: snapshotVersion,
                                                                         expires: now + configuration.lifetime(.snapshot))
                                                         + [("meta", .object(JSONObject([("targets.json", metaFileEntry(version: targetsVersion, bytes: targetsBytes))])))]),
                                              with: s)
            snapshotFile = ("\(snapshotVersion).snapshot.json", snapshotBytes)
            signedRoles.append(.snapshot)
            versions[.snapshot] = snapshotVersion
            expires[.snapshot] = now + configuration.lifetime(.snapshot)
        }

        // Timestamp: always, so that clients see the repository is alive.
        let timestampSigners = try signers(for: .timestamp, root: root, keys: keys, purpose: "sign the timestamp")
        let timestampVersion = state.timestamp.version + 1
        let timestampBytes = try Envelope.sign(JSONObject(Envelope.header(type: "timestamp", spec: spec, version: timestampVersion,
                                                                          expires: now + configuration.lifetime(.timestamp))
                                                          + [("meta", .object(JSONObject([("snapshot.json", metaFileEntry(version: snapshotVersion, bytes: snapshotBytes))])))]),
                                               with: timestampSigners)
        versions[.timestamp] = timestampVersion
        expires[.timestamp] = now + configuration.lifetime(.timestamp)

        var plan = Plan(result: PublishResult(versions: versions, expires: expires, signed: [], updatedTargets: [], removedTargets: [],
                                              newKeyFiles: [], retiredKeyFiles: [], warnings: warnings))
        if let targetsFile { plan.metadata.append(targetsFile) }
        if let snapshotFile { plan.metadata.append(snapshotFile) }
        if let rootBytes {
            plan.metadata.append(("\(root.version).root.json", rootBytes))
            signedRoles.append(.root)
        }
        let latestRoot = rootBytes ?? state.root.envelope.bytes
        if (try? FileSystem.read(metadataDirectory + "/root.json", what: "root.json")) != latestRoot {
            plan.metadata.append(("root.json", latestRoot))
        }
        plan.metadata.append(("timestamp.json", timestampBytes))
        signedRoles.append(.timestamp)
        plan.result.signed = signedRoles

        for role in [TopLevelRole.targets, .snapshot, .timestamp] where expires[role]! > expires[.root]! {
            plan.result.warnings.append("\(role) expires at \(UTCTime.format(expires[role]!)), after root version \(versions[.root]!) (\(UTCTime.format(expires[.root]!))): clients stop at the root's expiry.")
        }
        return plan
    }

    /// The keys in `keys` that sign for `role` under `root`, at least its threshold of them.
    func signers(for role: TopLevelRole, root: Root, keys: [String: RoleKey], purpose: String) throws(TUFRepositoryError) -> [RoleKey] {
        let entry = root.roles[role]!
        let available = entry.keyIDs.compactMap { keys[$0] }
        guard available.count >= entry.threshold else {
            let listed = entry.keyIDs.map { String($0.prefix(12)) + "…" }.joined(separator: ", ")
            let held = keyDirectory.keyFileNames()
            let kind: TUFRepositoryError.Kind = held.isEmpty ? .noInput : .dataError
            throw TUFRepositoryError(kind, "cannot \(purpose): root version \(root.version) requires \(entry.threshold) of the \(role) keys \(listed), and the keys directory \(keysDirectory) holds \(available.count) of them\(held.isEmpty ? " (it holds no role keys at all)" : ""). Is --keys the directory this repository was initialised with?")
        }
        return available
    }

    /// Writes an operation's files in the crash-safe order: new keys, target files, versioned
    /// metadata, root.json, timestamp.json; then retires the old keys. Returns the plan's result
    /// with the key files written and retired.
    func write(targetFiles: [(path: String, bytes: [UInt8])], plan: Plan) throws(TUFRepositoryError) -> PublishResult {
        var plan = plan
        for k in plan.newKeys {
            try hook("keys/" + FileSystem.split(k.path).name)
            try keyDirectory.write(k)
            plan.result.newKeyFiles.append(k.path)
        }
        for (path, bytes) in targetFiles {
            let full = repositoryDirectory + "/" + path
            // Content-addressed: an existing file with the right content is left alone.
            if let existing = try? FileSystem.readIfExists(full, what: "target file"), existing == bytes { continue }
            try FileSystem.makeDirectories(FileSystem.split(full).directory)
            try hook(path)
            try FileSystem.writeAtomically(full, bytes)
        }
        for (name, bytes) in plan.metadata {
            try writeMetadata(name, bytes)
        }
        for k in plan.retire {
            try hook("keys/retired/" + FileSystem.split(k.path).name)
            try keyDirectory.retire(k)
            plan.result.retiredKeyFiles.append(k.path)
        }
        return plan.result
    }

    // MARK: - Helpers

    /// Key files of keys that an earlier root version listed and the current one no longer does:
    /// left in place by a rotation that was interrupted after its new root was written. They are
    /// retired by the next operation.
    static func replacedKeys(_ keys: [String: RoleKey], roots: [Root], current: Root) -> [RoleKey] {
        let inUse = Set(current.roles.values.flatMap(\.keyIDs))
        return keys.values.filter { k in
            !inUse.contains(k.keyID) && roots.contains { $0.roles.values.contains { $0.keyIDs.contains(k.keyID) } }
        }.sorted { $0.path < $1.path }
    }

    func loadState() throws(TUFRepositoryError) -> RepositoryState {
        try RepositoryState.load(metadataDirectory: metadataDirectory, targetsDirectory: targetsDirectory)
    }

    func lockRepository() throws(TUFRepositoryError) -> Int32 {
        guard FileSystem.isDirectory(metadataDirectory) else {
            throw TUFRepositoryError(.noInput, "\(repositoryDirectory) is not a TUF repository (no metadata directory); create one with `publish --init`.")
        }
        return try FileSystem.lock(repositoryDirectory + "/.lock")
    }

    func writeMetadata(_ name: String, _ bytes: [UInt8]) throws(TUFRepositoryError) {
        try hook("metadata/" + name)
        try FileSystem.writeAtomically(metadataDirectory + "/" + name, bytes)
    }

    func hook(_ path: String) throws(TUFRepositoryError) {
        if let beforeWrite { try beforeWrite(path) }
    }

    /// Private keys must never be served: the keys directory may not be REPO or inside it.
    func checkKeysOutsideRepository() throws(TUFRepositoryError) {
        let repo = TUFPublisher.resolved(repositoryDirectory)
        let keys = TUFPublisher.resolved(keysDirectory)
        if keys == repo || keys.hasPrefix(repo + "/") || (repo == "/" && keys.hasPrefix("/")) {
            throw TUFRepositoryError(.usage, "the keys directory \(keysDirectory) is inside the repository \(repositoryDirectory), which is served to clients; keep private keys elsewhere.")
        }
    }

    static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    /// `HASH.NAME` with a 64-digit lowercase SHA-256.
    static func isContentAddressed(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard b.count > 65, b[64] == 0x2E else { return false }
        return b[0..<64].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func trimmed(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.isEmpty ? "." : p
    }

    /// An absolute path with symbolic links resolved as far as the path exists, lexically after.
    static func resolved(_ path: String) -> String {
        var existing = path.hasPrefix("/") ? path : (currentDirectory() + "/" + path)
        var rest: [String] = []
        while true {
            if let r = realpath(existing, nil) {
                defer { free(r) }
                var parts: [Substring] = []
                for part in (String(cString: r).split(separator: "/") + rest.reversed().map { Substring($0) }) {
                    if part == "." { continue }
                    if part == ".." { _ = parts.popLast(); continue }
                    parts.append(part)
                }
                return "/" + parts.joined(separator: "/")
            }
            let (dir, name) = FileSystem.split(existing)
            if dir == existing || existing == "/" { return path }
            rest.append(name)
            existing = dir
        }
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
