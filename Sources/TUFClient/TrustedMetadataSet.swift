/// The metadata a client currently trusts, and the checks of TUF section 5 ("Detailed client
/// workflow") that decide whether new metadata may join it. Pure: bytes in, state or error out;
/// no I/O and no clock (the update start time is fixed when the set is made).
///
/// Metadata must be loaded in the order root → timestamp → snapshot → targets → delegated
/// targets. Timestamp and snapshot may be held as *intermediate* metadata: loaded even though
/// expired (or, for snapshot, not the version timestamp names) so that they still protect the next
/// update against rollback, but such metadata never lets the next role load (the `checkFinal…`
/// functions refuse it).
struct TrustedMetadataSet {
    let startTime: TUFTime
    private(set) var root: RootMetadata
    private(set) var timestamp: TimestampMetadata?
    private(set) var snapshot: SnapshotMetadata?
    /// Role name → trusted targets metadata ("targets" and delegated roles).
    private(set) var targets: [String: TargetsMetadata] = [:]
    /// "delegator\u{0}role" pairs already verified, so a role is loaded once per delegator.
    private var verifiedDelegations = Set<String>()

    /// TUF 5.2: loads the trusted root. It must be signed by a threshold of its own root keys
    /// (an unsigned or damaged local root is refused before anything is fetched). Its expiry is
    /// not checked here: an expired root may still be updated (5.3.10 checks the final root).
    init(trustedRoot bytes: [UInt8], startTime: TUFTime) throws(TUFError) {
        self.startTime = startTime
        let envelope = try MetadataEnvelope(bytes: bytes, role: "root", expectedType: "root")
        let root = try RootMetadata(envelope)
        try SignatureThreshold.verify(envelope, role: root.roles["root"]!, keys: root.keys,
                                      roleName: "root version \(root.version)", delegator: "root version \(root.version) itself")
        self.root = root
    }

    // MARK: Root (5.3)

    /// TUF 5.3.3–5.3.6: accepts `bytes` as the next root. It must be signed by a threshold of the
    /// trusted root's root keys and by a threshold of its own, and be exactly one version newer.
    /// Its expiry does not matter yet.
    mutating func updateRoot(_ bytes: [UInt8]) throws(TUFError) -> RootMetadata {
        guard timestamp == nil else { throw .workflow("root cannot be updated after timestamp was loaded") }
        let expected = root.version + 1
        let label = "root version \(expected)"
        let envelope = try MetadataEnvelope(bytes: bytes, role: label, expectedType: "root")
        let new = try RootMetadata(envelope)
        try SignatureThreshold.verify(envelope, role: root.roles["root"]!, keys: root.keys,
                                      roleName: label, delegator: "the trusted root version \(root.version)")
        try SignatureThreshold.verify(envelope, role: new.roles["root"]!, keys: new.keys,
                                      roleName: label, delegator: "the new root version \(new.version) itself")
        guard new.version == expected else {
            throw .versionMismatch(role: "root", expected: expected, found: new.version,
                                   source: "the root rotation chain (file \(expected).root.json)")
        }
        root = new
        return new
    }

    /// TUF 5.3.10: the final root must not have expired.
    func checkFinalRoot() throws(TUFError) {
        if root.expires <= startTime {
            throw .expired(role: "root", version: root.version, expires: root.expires, startTime: startTime)
        }
    }

    // MARK: Timestamp (5.4)

    enum Outcome: Equatable {
        /// The new metadata replaced the trusted one.
        case updated
        /// Same version as the trusted one: nothing new, the trusted one stays (it is not replaced
        /// even if the bytes differ).
        case unchanged
    }

    /// TUF 5.4.1–5.4.3: signature by root's timestamp keys; no rollback of the timestamp version
    /// nor of the snapshot version it lists; then expiry. Expired timestamp stays held as
    /// intermediate (for the rollback checks of the next one) but the error is thrown.
    mutating func updateTimestamp(_ bytes: [UInt8]) throws(TUFError) -> Outcome {
        guard snapshot == nil else { throw .workflow("timestamp cannot be updated after snapshot was loaded") }
        try checkFinalRoot()
        let envelope = try MetadataEnvelope(bytes: bytes, role: "timestamp", expectedType: "timestamp")
        let new = try TimestampMetadata(envelope)
        try SignatureThreshold.verify(envelope, role: root.roles["timestamp"]!, keys: root.keys,
                                      roleName: "timestamp version \(new.version)", delegator: "root version \(root.version)")
        if let old = timestamp {
            if new.version < old.version {
                throw .rollback(role: "timestamp", trusted: old.version, offered: new.version)
            }
            if new.version == old.version { return .unchanged }
            if new.snapshotMeta.version < old.snapshotMeta.version {
                throw .rollback(role: "snapshot (as listed in timestamp version \(new.version))",
                                trusted: old.snapshotMeta.version, offered: new.snapshotMeta.version)
            }
        }
        timestamp = new
        try checkFinalTimestamp()
        return .updated
    }

    /// The trusted timestamp exists and has not expired.
    func checkFinalTimestamp() throws(TUFError) {
        guard let t = timestamp else { throw .workflow("no trusted timestamp") }
        if t.expires <= startTime {
            throw .expired(role: "timestamp", version: t.version, expires: t.expires, startTime: startTime)
        }
    }

    // MARK: Snapshot (5.5)

    /// TUF 5.5.1–5.5.5: length and hashes listed in timestamp (skipped for `isLocalCopy`: a
    /// snapshot this client verified before may be older than what timestamp now lists, yet still
    /// serve the rollback check), signature by root's snapshot keys, no targets role removed or
    /// rolled back, then the final checks (version named by timestamp, not expired). A snapshot
    /// that fails only the final checks is kept as intermediate and the error is thrown.
    mutating func updateSnapshot(_ bytes: [UInt8], isLocalCopy: Bool) throws(TUFError) {
        guard timestamp != nil else { throw .workflow("snapshot cannot be loaded before timestamp") }
        guard targets.isEmpty else { throw .workflow("snapshot cannot be updated after targets were loaded") }
        try checkFinalTimestamp()
        let listed = timestamp!.snapshotMeta
        if !isLocalCopy { try listed.verify(bytes, file: "snapshot.json") }
        let envelope = try MetadataEnvelope(bytes: bytes, role: "snapshot", expectedType: "snapshot")
        let new = try SnapshotMetadata(envelope)
        try SignatureThreshold.verify(envelope, role: root.roles["snapshot"]!, keys: root.keys,
                                      roleName: "snapshot version \(new.version)", delegator: "root version \(root.version)")
        if let old = snapshot {
            for (file, oldInfo) in old.meta.sorted(by: { $0.key < $1.key }) {
                guard let newInfo = new.meta[file] else { throw .removedFromSnapshot(file: file) }
                if newInfo.version < oldInfo.version {
                    throw .rollback(role: "\(file) (as listed in snapshot version \(new.version))",
                                    trusted: oldInfo.version, offered: newInfo.version)
                }
            }
        }
        snapshot = new
        try checkFinalSnapshot()
    }

    /// The trusted snapshot is the one timestamp names and has not expired.
    func checkFinalSnapshot() throws(TUFError) {
        guard let s = snapshot, let t = timestamp else { throw .workflow("no trusted snapshot") }
        if s.expires <= startTime {
            throw .expired(role: "snapshot", version: s.version, expires: s.expires, startTime: startTime)
        }
        if s.version != t.snapshotMeta.version {
            throw .versionMismatch(role: "snapshot", expected: t.snapshotMeta.version, found: s.version,
                                   source: "timestamp version \(t.version)")
        }
    }

    // MARK: Targets (5.6)

    /// Whether `role` was already verified as delegated by `delegator`.
    func hasVerified(_ role: String, delegator: String) -> Bool {
        verifiedDelegations.contains(delegator + "\u{0}" + role)
    }

    /// TUF 5.6.1–5.6.4 for top-level targets (`delegator` "root") and delegated roles: length and
    /// hashes listed in snapshot, signature threshold of the delegator's keys for the role,
    /// version named by snapshot, not expired.
    mutating func updateTargets(_ bytes: [UInt8], role: String, delegator: String) throws(TUFError) -> TargetsMetadata {
        try checkFinalSnapshot()
        let roleKeys: RoleKeys
        let keys: [String: TUFKey]
        let delegatorLabel: String
        if delegator == "root" {
            guard role == "targets" else { throw .notDelegated(role: role, delegator: delegator) }
            roleKeys = root.roles["targets"]!
            keys = root.keys
            delegatorLabel = "root version \(root.version)"
        } else {
            guard let parent = targets[delegator] else { throw .workflow("\(role) cannot be loaded before its delegator \(delegator)") }
            guard let d = parent.delegations, let rk = d.roleKeys(for: role) else {
                throw .notDelegated(role: role, delegator: delegator)
            }
            roleKeys = rk
            keys = d.keys
            delegatorLabel = "\(delegator) version \(parent.version)"
        }
        let file = role + ".json"
        guard let listed = snapshot!.meta[file] else { throw .notInSnapshot(file: file) }
        try listed.verify(bytes, file: file)
        let envelope = try MetadataEnvelope(bytes: bytes, role: role, expectedType: "targets")
        let new = try TargetsMetadata(envelope)
        try SignatureThreshold.verify(envelope, role: roleKeys, keys: keys,
                                      roleName: "\(role) version \(new.version)", delegator: delegatorLabel)
        guard new.version == listed.version else {
            throw .versionMismatch(role: role, expected: listed.version, found: new.version,
                                   source: "snapshot version \(snapshot!.version)")
        }
        if new.expires <= startTime {
            throw .expired(role: role, version: new.version, expires: new.expires, startTime: startTime)
        }
        targets[role] = new
        verifiedDelegations.insert(delegator + "\u{0}" + role)
        return new
    }
}
