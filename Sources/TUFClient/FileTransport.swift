/// Reads repository files from the local file system: `file://` URLs, or absolute paths read as
/// the path part of a file URL (so `%` must be written `%25`). A signed cache carried on a USB
/// stick is thus verified exactly like a downloaded one: same URLs, same length limits, same
/// checks.
///
/// The path is percent-decoded (RFC 8089); a decoded path with a `.` or `..` segment, a NUL, a
/// query or a fragment is refused, so an encoded role name such as "..%2Fx" cannot reach outside
/// the repository. Only regular files are read (a FIFO or device would be endless data), and never
/// more than `maxLength + 1` bytes of them.
public struct FileTransport: TUFTransport, Sendable {
    public init() {}

    public func fetch(_ url: String, maxLength: Int) throws(TUFTransportError) -> [UInt8] {
        let path = try FileTransport.path(forURL: url)
        switch POSIXFile.read(path: path, maxLength: maxLength) {
        case .bytes(let b): return b
        case .notFound: throw .notFound(url: url)
        case .tooLong: throw .lengthExceeded(url: url, limit: maxLength)
        case .failed(let why): throw .failed(url: url, reason: why)
        }
    }

    /// The local path a `file://` URL (or absolute path) names.
    public static func path(forURL url: String) throws(TUFTransportError) -> String {
        var encodedPath: Substring
        if url.lowercased().hasPrefix("file://") {
            let rest = url.dropFirst(7)
            guard let slash = rest.firstIndex(of: "/") else { throw .unsupportedURL(url: url, reason: "a file URL needs an absolute path") }
            let host = rest[..<slash]
            guard host.isEmpty || host.lowercased() == "localhost" else {
                throw .unsupportedURL(url: url, reason: "file URLs on another host (\(host)) are not supported")
            }
            encodedPath = rest[slash...]
        } else if url.lowercased().hasPrefix("file:/") {
            encodedPath = url.dropFirst(5)
        } else if url.hasPrefix("/") {
            encodedPath = Substring(url)
        } else {
            throw .unsupportedURL(url: url, reason: "FileTransport reads file:// URLs and absolute paths only")
        }
        guard !encodedPath.contains("?"), !encodedPath.contains("#") else {
            throw .unsupportedURL(url: url, reason: "file URLs with a query or fragment are not supported")
        }
        guard let path = PercentEncoding.decode(String(encodedPath)) else {
            throw .unsupportedURL(url: url, reason: "malformed percent-encoding")
        }
        guard !path.utf8.contains(0) else { throw .unsupportedURL(url: url, reason: "NUL in path") }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) where segment == "." || segment == ".." {
            throw .unsupportedURL(url: url, reason: "path has a \"\(segment)\" segment")
        }
        return path
    }

    /// The `file://` URL for a local directory or file path; a relative path is taken from the
    /// current directory, and `.` and `..` segments are resolved lexically.
    public static func url(forPath path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            absolute = (POSIXFile.currentDirectory() ?? "") + "/" + path
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        let trailing = path.hasSuffix("/") && !parts.isEmpty ? "/" : ""
        return "file://" + PercentEncoding.encodePath("/" + parts.joined(separator: "/") + trailing)
    }
}
