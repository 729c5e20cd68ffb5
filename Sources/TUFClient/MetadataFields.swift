import StrictJSON

/// Typed access to the fields of one metadata document, turning every structural problem into a
/// `TUFError.malformedMetadata` that names the role and the JSONPath of the field.
///
/// Unknown fields are allowed everywhere (the specification asks clients to keep them: they are
/// part of what was signed); only the fields TUF defines are checked.
struct MetadataFields {
    /// The role (or file) the document is for, used in every error.
    let role: String

    func fail(_ path: String, _ reason: String) -> TUFError {
        .malformedMetadata(role: role, path: path, reason: reason)
    }

    func require(_ value: JSONValue?, _ path: String) throws(TUFError) -> JSONValue {
        guard let value else { throw fail(path, "required field is missing") }
        return value
    }

    func object(_ value: JSONValue?, _ path: String) throws(TUFError) -> JSONObject {
        let v = try require(value, path)
        guard case .object(let o) = v else { throw fail(path, "expected an object, found \(v.typeName)") }
        return o
    }

    func array(_ value: JSONValue?, _ path: String) throws(TUFError) -> [JSONValue] {
        let v = try require(value, path)
        guard case .array(let a) = v else { throw fail(path, "expected an array, found \(v.typeName)") }
        return a
    }

    func string(_ value: JSONValue?, _ path: String) throws(TUFError) -> String {
        let v = try require(value, path)
        guard case .string(let s) = v else { throw fail(path, "expected a string, found \(v.typeName)") }
        return s
    }

    func bool(_ value: JSONValue?, _ path: String) throws(TUFError) -> Bool {
        let v = try require(value, path)
        guard case .bool(let b) = v else { throw fail(path, "expected true or false, found \(v.typeName)") }
        return b
    }

    /// A JSON integer (no fraction, no exponent) at least `minimum`.
    func integer(_ value: JSONValue?, _ path: String, minimum: Int64) throws(TUFError) -> Int64 {
        let v = try require(value, path)
        guard case .integer(let i) = v else { throw fail(path, "expected an integer, found \(v.typeName) \(v)") }
        guard i >= minimum else { throw fail(path, "must be at least \(minimum), found \(i)") }
        return i
    }

    /// A list of strings with no repeats (key ids, path patterns).
    func uniqueStrings(_ value: JSONValue?, _ path: String, what: String) throws(TUFError) -> [String] {
        let items = try array(value, path)
        var out: [String] = []
        out.reserveCapacity(items.count)
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            let s = try string(item, "\(path)[\(i)]")
            guard seen.insert(s).inserted else { throw fail("\(path)[\(i)]", "\(what) \"\(s)\" is listed twice") }
            out.append(s)
        }
        return out
    }

    /// `path` extended by one member name, in JSONPath form.
    static func member(_ path: String, _ key: String) -> String {
        var identifier = !key.isEmpty
        for (i, c) in key.utf8.enumerated() {
            let letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F
            let digit = c >= 0x30 && c <= 0x39
            if !(letter || (digit && i > 0)) {
                identifier = false
                break
            }
        }
        return identifier ? "\(path).\(key)" : "\(path)[\(JSONString.quoted(key))]"
    }
}
