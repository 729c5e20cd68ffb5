/// Target names (TUF target paths) this publisher accepts, and where their files are stored.
///
/// A name is one or more `/`-separated segments of ASCII letters, digits, `.`, `_`, `-` and `+`;
/// no segment is empty, `.` or `..`, or starts with `.` (hidden files are the publisher's temp
/// files). The narrow alphabet means a name never needs percent-encoding in a URL or a file path,
/// so every client (TUFClient over files or HTTP, python-tuf) fetches exactly the file written.
public enum TargetName {
    /// The longest segment: the stored file name is the 64-digit SHA-256, a dot and the segment,
    /// and must fit the usual 255-byte file-name limit.
    public static let maxSegmentLength = 255 - 65
    public static let maxLength = 1024

    /// Why `name` is not acceptable, or nil.
    public static func problem(_ name: String) -> String? {
        guard !name.isEmpty else { return "a target name must not be empty" }
        guard name.utf8.count <= maxLength else { return "target name \"\(name.prefix(40))…\" is longer than \(maxLength) bytes" }
        for segment in name.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "target name \"\(name)\" has an empty path segment (leading, trailing or double \"/\")" }
            if segment.hasPrefix(".") { return "target name \"\(name)\" has a segment starting with \".\"" }
            if segment.utf8.count > maxSegmentLength {
                return "target name \"\(name)\" has a segment longer than \(maxSegmentLength) bytes"
            }
            for scalar in segment.unicodeScalars {
                let c = scalar.value
                let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == 0x2E || c == 0x5F || c == 0x2D || c == 0x2B
                if !ok {
                    let shown = c < 0x20 || c == 0x7F ? "U+" + String(c, radix: 16, uppercase: true) : "\"\(scalar)\""
                    return "target name \"\(name)\" contains \(shown); use ASCII letters, digits, \".\", \"_\", \"-\", \"+\" and \"/\" between segments"
                }
            }
        }
        return nil
    }

    /// `dir/HASH.name` for `dir/name`: the consistent-snapshot file name of a target.
    public static func storedPath(_ name: String, sha256 hex: String) -> String {
        if let slash = name.lastIndex(of: "/") {
            return String(name[...slash]) + hex + "." + String(name[name.index(after: slash)...])
        }
        return hex + "." + name
    }
}
