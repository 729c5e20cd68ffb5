/// Where the client keeps the metadata it trusts, by non-versioned file name ("root.json",
/// "timestamp.json", "snapshot.json", "targets.json", and "ROLE.json" with ROLE percent-encoded).
///
/// `store` must be atomic: after a crash or power loss at any moment, each name holds either its
/// previous content or its new content, never a mix. The workflow only ever stores metadata that
/// passed every check, one file at a time, so any set of files left behind is a consistent trusted
/// state (each file is verified again when next loaded).
public protocol TUFMetadataStore {
    /// The content of `name`, or nil when there is none. Content longer than `maxLength` is an
    /// error (and is not read whole).
    func load(_ name: String, maxLength: Int) throws(TUFError) -> [UInt8]?
    /// Replaces `name` atomically and durably.
    func store(_ name: String, _ bytes: [UInt8]) throws(TUFError)
    /// Deletes `name` durably; deleting a missing name is not an error.
    func remove(_ name: String) throws(TUFError)
}

/// A metadata store in memory, for tests and for callers that persist elsewhere. Not thread-safe.
public final class InMemoryMetadataStore: TUFMetadataStore {
    private var files: [String: [UInt8]]

    public init(_ files: [String: [UInt8]] = [:]) { self.files = files }

    /// A copy of the current content.
    public var contents: [String: [UInt8]] { files }

    public func load(_ name: String, maxLength: Int) throws(TUFError) -> [UInt8]? {
        guard let bytes = files[name] else { return nil }
        guard bytes.count <= maxLength else {
            throw .storage(file: name, message: "longer than the limit of \(maxLength) bytes")
        }
        return bytes
    }

    public func store(_ name: String, _ bytes: [UInt8]) throws(TUFError) { files[name] = bytes }

    public func remove(_ name: String) throws(TUFError) { files[name] = nil }
}
