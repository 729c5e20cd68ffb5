/// Bounds and switches of the client workflow. The defaults are python-tuf's, which the TUF
/// conformance suite also assumes.
public struct TUFConfiguration: Sendable, Equatable {
    /// At most this many new root versions are fetched in one refresh (TUF 5.3.2 "Y").
    public var maxRootRotations = 256
    /// At most this many roles are visited in one target search, after the top-level targets (TUF 5.6.6.1).
    public var maxDelegations = 32
    /// Download limit for a root version (its length is not listed anywhere).
    public var rootMaxLength = 512_000
    /// Download limit for timestamp (its length is not listed anywhere).
    public var timestampMaxLength = 16_384
    /// Download limit for snapshot when timestamp does not list its length.
    public var snapshotMaxLength = 2_000_000
    /// Download limit for a targets role when snapshot does not list its length.
    public var targetsMaxLength = 5_000_000
    /// With consistent snapshots, fetch targets as DIR/HASH.NAME (TUF 5.7.3); turn off only for
    /// repositories that publish consistent metadata but plain target names.
    public var prefixTargetsWithHash = true

    public init() {}
}
