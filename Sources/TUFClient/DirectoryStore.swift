/// A `TUFMetadataStore` over one directory: each name is a file, replaced atomically and durably
/// (write a temp file, fsync, rename over the old name, fsync the directory). Also used for the
/// downloaded target files, which need the same guarantee.
///
/// Temp files are named ".NAME.tmp-RANDOM" (they never end in ".json") and removed on failure; a
/// kill between write and rename can leave one behind, which is harmless and never read.
/// Concurrent writers (two processes refreshing the same directory) are not coordinated: each
/// file stays whole and verified, but the last writer wins.
public struct DirectoryStore: TUFMetadataStore, Sendable {
    public let directory: String

    /// Uses `directory`, which must exist (see `create`).
    public init(directory: String) {
        self.directory = directory
    }

    /// Creates `directory` (and missing parents) if needed.
    public static func create(directory: String) throws(TUFError) -> DirectoryStore {
        if let problem = POSIXFile.makeDirectories(directory) { throw .storage(file: directory, message: problem) }
        return DirectoryStore(directory: directory)
    }

    public func load(_ name: String, maxLength: Int) throws(TUFError) -> [UInt8]? {
        if let bad = POSIXFile.checkName(name) { throw .storage(file: name, message: bad) }
        switch POSIXFile.read(path: directory + "/" + name, maxLength: maxLength) {
        case .bytes(let b): return b
        case .notFound: return nil
        case .tooLong: throw .storage(file: name, message: "longer than the limit of \(maxLength) bytes")
        case .failed(let why): throw .storage(file: name, message: why)
        }
    }

    public func store(_ name: String, _ bytes: [UInt8]) throws(TUFError) {
        if let problem = POSIXFile.writeAtomically(directory: directory, name: name, bytes: bytes) {
            throw .storage(file: name, message: problem)
        }
    }

    public func remove(_ name: String) throws(TUFError) {
        if let problem = POSIXFile.remove(directory: directory, name: name) {
            throw .storage(file: name, message: problem)
        }
    }
}
