import StrictJSON

/// The signed part of a targets role (top-level or delegated): target files and delegations.
public struct TargetsMetadata: Sendable {
    public let version: Int64
    public let expires: TUFTime
    /// Target path → file description.
    public let targets: [String: TargetFile]
    public let delegations: Delegations?

    init(_ envelope: MetadataEnvelope) throws(TUFError) {
        let f = envelope.fields
        version = envelope.version
        expires = envelope.expires
        let o = try f.object(envelope.signed["targets"], "$.signed.targets")
        var targets: [String: TargetFile] = [:]
        targets.reserveCapacity(o.count)
        for (path, value) in o {
            targets[path] = try TargetFile(path: path, value: value, jsonPath: MetadataFields.member("$.signed.targets", path), fields: f)
        }
        self.targets = targets
        delegations = try envelope.signed["delegations"].map { v throws(TUFError) in
            try Delegations(v, path: "$.signed.delegations", fields: f)
        }
    }
}
