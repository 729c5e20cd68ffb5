/// The four top-level TUF roles.
public enum TopLevelRole: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case root, timestamp, snapshot, targets

    public var description: String { rawValue }

    /// Signing order of a publish: what is referenced is written before what references it.
    var order: Int {
        switch self {
        case .targets: return 0
        case .snapshot: return 1
        case .root: return 2
        case .timestamp: return 3
        }
    }

    public static func < (a: TopLevelRole, b: TopLevelRole) -> Bool { a.order < b.order }
}

/// How many keys a role has and how many of them must sign.
public struct RoleKeyPolicy: Sendable, Equatable {
    public var keyCount: Int
    public var threshold: Int

    public init(keyCount: Int, threshold: Int) {
        self.keyCount = keyCount
        self.threshold = threshold
    }
}

/// Lifetimes of the metadata and the keys of each role.
///
/// Default lifetimes, chosen for a console that syncs over poor links or by USB stick and treats its
/// cache as *stale* once the timestamp has expired and as *expired* 30 days after that:
/// - **timestamp, 7 days**: the freshness promise. A console that has not seen a new timestamp for
///   a week shows its cache as stale, which bounds how long a freeze attack (or a hub that stopped
///   publishing) goes unnoticed. The hub re-signs it on every publish, so it must publish at least
///   weekly (a publish with no target changes is a heartbeat).
/// - **snapshot, 30 days**: the same order as the console's 30-day grace period; its key is online
///   like the timestamp key, so it is renewed automatically by the publishes.
/// - **targets, 90 days**: the targets key guards what the cache contains and may be kept more
///   carefully; a quarter between signatures leaves time to notice a hub that stopped.
/// - **root, 365 days**: the root keys should live offline and be brought out rarely; a yearly
///   ceremony (re-sign or rotate) is the usual rhythm.
///
/// A publish re-signs snapshot and targets (new version, new expiry) when their content changed
/// or less than half their lifetime is left, and root when less than half is left and a threshold
/// of root keys is in the keys directory; otherwise it reports a warning. So a repository that
/// publishes at least every `timestamp` days never lets snapshot or targets expire.
public struct RepositoryConfiguration: Sendable, Equatable {
    public static let day: Int64 = 86_400

    /// Lifetime of each role's metadata, in seconds.
    public var lifetimes: [TopLevelRole: Int64] = [
        .root: 365 * day,
        .targets: 90 * day,
        .snapshot: 30 * day,
        .timestamp: 7 * day,
    ]

    /// Keys made by `init` and `rotate`. Root: 2 of 3, so that one lost or stolen root key neither
    /// locks the repository nor lets anyone replace the root.
    public var keyPolicies: [TopLevelRole: RoleKeyPolicy] = [
        .root: RoleKeyPolicy(keyCount: 3, threshold: 2),
        .timestamp: RoleKeyPolicy(keyCount: 1, threshold: 1),
        .snapshot: RoleKeyPolicy(keyCount: 1, threshold: 1),
        .targets: RoleKeyPolicy(keyCount: 1, threshold: 1),
    ]

    /// TUF specification version written into every metadata file (the client accepts 1.x).
    public var specVersion = "1.0.31"

    public init() {}

    public func lifetime(_ role: TopLevelRole) -> Int64 { lifetimes[role] ?? RepositoryConfiguration().lifetimes[role]! }
    public func keyPolicy(_ role: TopLevelRole) -> RoleKeyPolicy { keyPolicies[role] ?? RepositoryConfiguration().keyPolicies[role]! }

    /// Throws `usage` for a lifetime that is not positive or a threshold outside 1...keyCount.
    public func validate() throws(TUFRepositoryError) {
        for role in TopLevelRole.allCases {
            let l = lifetime(role)
            guard l > 0 else { throw TUFRepositoryError(.usage, "the \(role) lifetime must be positive, found \(l) seconds.") }
            guard l <= 100 * 365 * RepositoryConfiguration.day else {
                throw TUFRepositoryError(.usage, "the \(role) lifetime of \(l / RepositoryConfiguration.day) days is longer than 100 years.")
            }
            let p = keyPolicy(role)
            guard p.keyCount >= 1, p.keyCount <= 16, p.threshold >= 1, p.threshold <= p.keyCount else {
                throw TUFRepositoryError(.usage, "the \(role) role needs 1 to 16 keys and a threshold between 1 and the number of keys, found \(p.threshold) of \(p.keyCount).")
            }
        }
    }
}
