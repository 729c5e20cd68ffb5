/// Why a repository operation was refused or failed.
///
/// `kind` says what the person at the terminal has to do about it (and is what the hub maps to a
/// sysexits code); `message` says what exactly, naming the file, role or key involved. Every
/// operation checks its inputs, keys and the repository before it writes anything, so an error of
/// kind `usage`, `noInput`, `dataError` or `noPermission` means nothing was written.
public struct TUFRepositoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The request itself is wrong: an unknown role, a bad target name, contradictory options.
        case usage
        /// Something the operation needs does not exist: a target file, the keys directory, an
        /// uninitialised repository.
        case noInput
        /// Something exists but is not usable: malformed or inconsistent metadata, keys that do
        /// not match the root, a signature that does not verify.
        case dataError
        /// A file or directory cannot be created, or would be overwritten (for example `init` on
        /// an initialised repository).
        case cantCreate
        /// Reading or writing failed part-way (disk full, I/O error). Files written so far are
        /// complete (each is replaced atomically) and no timestamp points at a missing file.
        case ioError
        /// A private key file is readable by other users, or a file cannot be opened for lack of
        /// permission.
        case noPermission
        /// Another process holds the repository lock.
        case busy
        /// A failure that should not happen (cryptography, encoding).
        case software
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
