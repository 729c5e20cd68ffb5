import StrictJSON

/// One metadata file, parsed but not yet trusted: `{"signed": {...}, "signatures": [...]}`.
///
/// The signed bytes are the canonical JSON (OLPC / securesystemslib) of `signed`, recomputed
/// from the parsed value, so formatting of the file does not matter and any extra field inside
/// `signed` is covered by the signatures.
struct MetadataEnvelope {
    struct Signature {
        let keyID: String
        let hex: String
    }

    /// The role the file was fetched as (for error messages).
    let role: String
    let signed: JSONObject
    let signedBytes: [UInt8]
    let signatures: [Signature]
    let type: String
    let version: Int64
    let expires: TUFTime
    let fields: MetadataFields

    /// Parses `bytes` as metadata of `expectedType` ("root", "timestamp", "snapshot", "targets").
    init(bytes: [UInt8], role: String, expectedType: String) throws(TUFError) {
        let fields = MetadataFields(role: role)
        self.fields = fields
        self.role = role
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, limits: JSONLimits(maxDepth: 64, maxBytes: max(bytes.count, 1)))
        } catch {
            throw .malformedJSON(role: role, error: error)
        }
        let top = try fields.object(document, "$")
        let signed = try fields.object(top["signed"], "$.signed")
        self.signed = signed

        // The type first: a substituted file of another role is reported as such, not as a
        // confusing missing field.
        let type = try fields.string(signed["_type"], "$.signed._type")
        guard type == expectedType else { throw .wrongType(role: role, expected: expectedType, found: type) }
        self.type = type

        let spec = try fields.string(signed["spec_version"], "$.signed.spec_version")
        let parts = spec.split(separator: ".", omittingEmptySubsequences: false)
        let digitsOnly = parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard (parts.count == 2 || parts.count == 3), digitsOnly else {
            throw fields.fail("$.signed.spec_version", "expected a version such as \"1.0.31\", found \"\(spec)\"")
        }
        guard parts[0] == "1" else { throw .unsupportedSpecVersion(role: role, found: spec) }

        version = try fields.integer(signed["version"], "$.signed.version", minimum: 1)
        let expiresText = try fields.string(signed["expires"], "$.signed.expires")
        guard let expires = TUFTime(iso8601: expiresText) else {
            throw fields.fail("$.signed.expires", "expected a UTC time such as \"2030-01-01T00:00:00Z\", found \"\(expiresText)\"")
        }
        self.expires = expires

        let list = try fields.array(top["signatures"], "$.signatures")
        var signatures: [Signature] = []
        signatures.reserveCapacity(list.count)
        var firstIndex: [String: Int] = [:]
        for (i, entry) in list.enumerated() {
            let path = "$.signatures[\(i)]"
            let o = try fields.object(entry, path)
            let keyID = try fields.string(o["keyid"], path + ".keyid")
            // TUF 1.0.x, "Metadata format": the keyid MUST be unique in the signatures array.
            // Two signatures under one key id are refused outright (as python-tuf and the TUF
            // conformance suite do), not resolved by picking one: a repository that publishes
            // them is broken, and which of them "counts" must not be left to each client.
            if let first = firstIndex[keyID] {
                let short = keyID.count > 12 ? String(keyID.prefix(12)) + "…" : keyID
                throw fields.fail(path + ".keyid", "key id \(short) already signs at $.signatures[\(first)]; "
                    + "the TUF specification allows one signature per key id (the repository must re-sign this file)")
            }
            firstIndex[keyID] = i
            signatures.append(Signature(keyID: keyID, hex: try fields.string(o["sig"], path + ".sig")))
        }
        self.signatures = signatures

        do {
            signedBytes = try JSONValue.object(signed).canonicalBytes()
        } catch {
            throw fields.fail("$.signed" + error.path.dropFirst(), "cannot be signed as canonical JSON: \(error.message)")
        }
    }
}
