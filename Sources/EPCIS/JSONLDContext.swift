import StrictJSON

/// The namespace prefixes a JSON-LD `@context` declares, which is all EPCIS needs of JSON-LD:
/// extension fields are written `prefix:name` and mean `{namespace}name`.
///
/// Why not a JSON-LD processor: the importer runs offline and must not fetch remote contexts; the
/// GS1 EPCIS context's own prefixes are built in (`standard`), and documents add theirs inline.
public struct JSONLDContext: Sendable, Equatable {
    /// Prefix → namespace IRI, later declarations winning (JSON-LD order).
    public private(set) var prefixes: [String: String]

    /// The prefixes the GS1 EPCIS 2.0 context defines, with the namespace forms the CBV 2.0 event
    /// hash uses: `cbvmda` is the XML namespace `urn:epcglobal:cbv:mda` (no trailing colon) so that
    /// JSON and XML captures of one event hash alike; `gs1` is the GS1 Web Vocabulary at
    /// `https://ref.gs1.org/voc/`, as the reference generator's current CBV 2.0 output shows.
    public static let standard = JSONLDContext(prefixes: [
        "epcis": "https://ref.gs1.org/epcis/",
        "cbv": "https://ref.gs1.org/cbv/",
        "cbvmda": "urn:epcglobal:cbv:mda",
        "gs1": "https://ref.gs1.org/voc/",
    ])

    public init(prefixes: [String: String] = [:]) { self.prefixes = prefixes }

    /// This context with the object members of `context` (a string, an object, or an array of
    /// both) added. Term definitions may be an IRI string or an object with `@id`; keywords
    /// (`@vocab`, `@version`, …) are skipped.
    public func adding(_ context: JSONValue) -> JSONLDContext {
        var out = self
        func addObject(_ o: JSONObject) {
            for (k, v) in o where !k.hasPrefix("@") {
                if let s = v.stringValue {
                    out.prefixes[k] = s
                } else if let id = v["@id"]?.stringValue {
                    out.prefixes[k] = id
                }
            }
        }
        switch context {
        case .object(let o): addObject(o)
        case .array(let a):
            for case .object(let o) in a { addObject(o) }
        default: break
        }
        return out
    }

    /// Binds `prefix` to `namespace`, replacing any earlier binding.
    public mutating func setPrefix(_ prefix: String, _ namespace: String) { prefixes[prefix] = namespace }

    /// The namespace of `prefix`, if declared.
    public func namespace(of prefix: String) -> String? { prefixes[prefix] }

    /// `{namespace}local` for a declared `prefix:local` key, the key unchanged otherwise (an absolute
    /// IRI, or an undeclared prefix).
    public func expandedKey(_ key: String) -> String {
        guard let (p, local) = URISyntax.splitCURIE(key), let ns = prefixes[p] else { return key }
        return "{\(ns)}\(local)"
    }

    /// Validates an `@context` value against the EPCIS schema: a URI string, an object, or an array
    /// of unique URI strings and objects.
    static func validate(_ v: JSONValue, at path: FieldPath, into sink: inout IssueSink) {
        switch v {
        case .string(let s):
            if !URISyntax.isAbsoluteURI(s) { sink.add(path, "\(quoted(s)) is not a URI") }
        case .object:
            break
        case .array(let items):
            var seen: [JSONValue] = []
            for (i, item) in items.enumerated() {
                switch item {
                case .string(let s):
                    if !URISyntax.isAbsoluteURI(s) { sink.add(path.index(i), "\(quoted(s)) is not a URI") }
                case .object:
                    break
                default:
                    sink.add(path.index(i), "is a \(item.typeName); a context entry is a URI or an object of prefixes")
                }
                if seen.contains(item) { sink.add(path.index(i), "repeats an earlier entry") }
                seen.append(item)
            }
        default:
            sink.add(path, "is a \(v.typeName); @context is a URI, an object of prefixes, or an array of them")
        }
    }
}
