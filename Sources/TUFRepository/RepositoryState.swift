import StrictJSON

/// The published state of a repository, read from `REPO/metadata` and checked the way a client
/// would check it: the root chain from version 1 (each version signed by a threshold of the
/// previous root's keys and of its own), timestamp → snapshot → targets by version, length and
/// hashes, and every role signed by its keys.
///
/// The committed state is what `timestamp.json` points at (the timestamp is written last); newer
/// versioned files without a timestamp pointing at them are leftovers of an interrupted publish
/// and are skipped over, never reused. Roots are different: a client fetches `N.root.json`
/// without being pointed at it, so the highest root version present is the current root.
struct RepositoryState {
    let metadataDirectory: String
    /// Root versions 1...N, in order.
    let roots: [Root]
    let timestamp: Envelope
    let snapshot: Envelope
    let targets: Envelope
    /// `targets.signed.targets`.
    let targetEntries: JSONObject
    /// Highest version number of each role's versioned files present (committed or not).
    let highestFileVersion: [TopLevelRole: Int64]
    /// Things that do not stop a publish but should be known (missing target files).
    let warnings: [String]

    var root: Root { roots.last! }
    var previousRoot: Root? { roots.count >= 2 ? roots[roots.count - 2] : nil }

    /// Reads and checks the repository at `metadataDirectory`.
    static func load(metadataDirectory md: String, targetsDirectory: String) throws(TUFRepositoryError) -> RepositoryState {
        guard let names = FileSystem.list(md), names.contains("1.root.json") else {
            throw TUFRepositoryError(.noInput, "\(md) holds no TUF repository (no 1.root.json); create one with `publish --init`.")
        }
        guard names.contains("timestamp.json") else {
            throw TUFRepositoryError(.dataError, "\(md) has 1.root.json but no timestamp.json: an `--init` was interrupted. Remove the repository directory and the role keys that init wrote, then run `publish --init` again.")
        }

        var highest: [TopLevelRole: Int64] = [:]
        for name in names where name.hasSuffix(".json") {
            let parts = name.split(separator: ".")
            guard parts.count == 3, let v = Int64(parts[0]), v >= 1, let role = TopLevelRole(rawValue: String(parts[1])) else { continue }
            highest[role] = max(highest[role] ?? 0, v)
        }

        // Root chain.
        var roots: [Root] = []
        var v: Int64 = 1
        while let bytes = try FileSystem.readIfExists(md + "/\(v).root.json", what: "root metadata") {
            let root = try Root(try Envelope(bytes: bytes, file: "\(v).root.json", expectedType: "root"))
            guard root.version == v else {
                throw TUFRepositoryError(.dataError, "\(v).root.json holds root version \(root.version).")
            }
            if let previous = roots.last, !previous.meetsThreshold(root.envelope, for: .root) {
                throw TUFRepositoryError(.dataError, "\(v).root.json is not signed by a threshold of the root keys of version \(v - 1); the repository's root chain is broken (tampering or a damaged file).")
            }
            guard root.meetsThreshold(root.envelope, for: .root) else {
                throw TUFRepositoryError(.dataError, "\(v).root.json is not signed by a threshold of its own root keys (tampering or a damaged file).")
            }
            roots.append(root)
            v += 1
        }
        if let h = highest[.root], h >= v {
            throw TUFRepositoryError(.dataError, "root versions are not contiguous: \(v).root.json is missing but \(h).root.json exists.")
        }
        let root = roots.last!
        let previousRoot = roots.count >= 2 ? roots[roots.count - 2] : nil

        // A role's committed metadata must be signed by its keys in the current root, or (after a
        // rotation interrupted before the re-signing) in the previous one; anything else is not
        // carried forward, because the publisher would sign it again.
        func checkSigned(_ e: Envelope, _ role: TopLevelRole) throws(TUFRepositoryError) {
            if root.meetsThreshold(e, for: role) { return }
            if let previousRoot, previousRoot.meetsThreshold(e, for: role) { return }
            throw TUFRepositoryError(.dataError, "\(e.file) is not signed by the \(role) keys of root version \(root.version)\(previousRoot == nil ? "" : " or \(root.version - 1)"): refusing to carry it forward (tampering or a damaged file).")
        }

        let timestamp = try Envelope(bytes: try FileSystem.read(md + "/timestamp.json", what: "timestamp metadata"),
                                     file: "timestamp.json", expectedType: "timestamp")
        try checkSigned(timestamp, .timestamp)
        let snapshotEntry = timestamp.signed["meta"]?["snapshot.json"]
        guard let snapshotVersion = snapshotEntry?["version"]?.integerValue else {
            throw TUFRepositoryError(.dataError, "timestamp.json does not list snapshot.json.")
        }
        let snapshotFile = "\(snapshotVersion).snapshot.json"
        guard let snapshotBytes = try FileSystem.readIfExists(md + "/" + snapshotFile, what: "snapshot metadata") else {
            throw TUFRepositoryError(.dataError, "timestamp.json lists \(snapshotFile), which is missing.")
        }
        guard matchesMetaEntry(snapshotEntry, bytes: snapshotBytes) else {
            throw TUFRepositoryError(.dataError, "\(snapshotFile) does not have the length and hashes timestamp.json lists for it.")
        }
        let snapshot = try Envelope(bytes: snapshotBytes, file: snapshotFile, expectedType: "snapshot")
        guard snapshot.version == snapshotVersion else {
            throw TUFRepositoryError(.dataError, "\(snapshotFile) holds snapshot version \(snapshot.version).")
        }
        try checkSigned(snapshot, .snapshot)

        let targetsEntry = snapshot.signed["meta"]?["targets.json"]
        guard let targetsVersion = targetsEntry?["version"]?.integerValue else {
            throw TUFRepositoryError(.dataError, "\(snapshotFile) does not list targets.json.")
        }
        let targetsFile = "\(targetsVersion).targets.json"
        guard let targetsBytes = try FileSystem.readIfExists(md + "/" + targetsFile, what: "targets metadata") else {
            throw TUFRepositoryError(.dataError, "\(snapshotFile) lists \(targetsFile), which is missing.")
        }
        guard matchesMetaEntry(targetsEntry, bytes: targetsBytes) else {
            throw TUFRepositoryError(.dataError, "\(targetsFile) does not have the length and hashes \(snapshotFile) lists for it.")
        }
        let targets = try Envelope(bytes: targetsBytes, file: targetsFile, expectedType: "targets")
        guard targets.version == targetsVersion else {
            throw TUFRepositoryError(.dataError, "\(targetsFile) holds targets version \(targets.version).")
        }
        try checkSigned(targets, .targets)
        guard case .object(let entries)? = targets.signed["targets"] else {
            throw TUFRepositoryError(.dataError, "\(targetsFile) has no targets object.")
        }
        if targets.signed["delegations"] != nil {
            throw TUFRepositoryError(.dataError, "\(targetsFile) has delegations, which this publisher does not maintain.")
        }

        var warnings: [String] = []
        for (name, entry) in entries {
            guard let sha = entry["hashes"]?["sha256"]?.stringValue else {
                warnings.append("target \(name) has no sha256 hash; clients of this repository expect one.")
                continue
            }
            if !FileSystem.exists(targetsDirectory + "/" + TargetName.storedPath(name, sha256: sha)) {
                warnings.append("the file of target \(name) (\(TargetName.storedPath(name, sha256: sha))) is missing from \(targetsDirectory): clients cannot download it; publish it again.")
            }
        }
        return RepositoryState(metadataDirectory: md, roots: roots, timestamp: timestamp, snapshot: snapshot, targets: targets,
                               targetEntries: entries, highestFileVersion: highest, warnings: warnings)
    }

    /// The envelope currently committed for a non-root role.
    func envelope(_ role: TopLevelRole) -> Envelope {
        switch role {
        case .root: return root.envelope
        case .timestamp: return timestamp
        case .snapshot: return snapshot
        case .targets: return targets
        }
    }

    /// The version a new file of `role` gets: above the committed one and above any leftover.
    func nextVersion(_ role: TopLevelRole) -> Int64 {
        max(envelope(role).version, highestFileVersion[role] ?? 0) + 1
    }
}
