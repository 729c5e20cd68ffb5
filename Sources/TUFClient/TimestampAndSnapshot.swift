/// The signed part of timestamp metadata: which snapshot is current.
public struct TimestampMetadata: Sendable {
    public let version: Int64
    public let expires: TUFTime
    /// `meta["snapshot.json"]`.
    public let snapshotMeta: MetaFile

    init(_ envelope: MetadataEnvelope) throws(TUFError) {
        let f = envelope.fields
        version = envelope.version
        expires = envelope.expires
        let meta = try f.object(envelope.signed["meta"], "$.signed.meta")
        snapshotMeta = try MetaFile(meta["snapshot.json"], path: "$.signed.meta[\"snapshot.json\"]", fields: f)
    }
}

/// The signed part of snapshot metadata: the current version of every targets role.
public struct SnapshotMetadata: Sendable {
    public let version: Int64
    public let expires: TUFTime
    /// File name ("targets.json", "ROLE.json") → what the current file must be.
    public let meta: [String: MetaFile]

    init(_ envelope: MetadataEnvelope) throws(TUFError) {
        let f = envelope.fields
        version = envelope.version
        expires = envelope.expires
        let o = try f.object(envelope.signed["meta"], "$.signed.meta")
        var meta: [String: MetaFile] = [:]
        meta.reserveCapacity(o.count)
        for (name, value) in o {
            meta[name] = try MetaFile(value, path: MetadataFields.member("$.signed.meta", name), fields: f)
        }
        self.meta = meta
    }
}
