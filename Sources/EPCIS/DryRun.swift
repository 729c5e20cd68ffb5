import StrictJSON

/// What `stampwatch-hub capture --dry-run --json FILE` reports: for a valid document one line per
/// event (its index, type, ID, and whether the ID was computed), for an invalid one every problem.
///
/// Why a pure value: the CLI only prints `jsonLines` and exits with `exitCode`; everything a test
/// or an operator needs to predict is decided here.
public enum DryRunReport: Sendable, Equatable {
    case accepted([DryRunEvent])
    case rejected([EPCISIssue])

    /// sysexits: 0 for a valid document, 65 (EX_DATAERR) for an invalid one.
    public var exitCode: Int32 {
        switch self {
        case .accepted: return 0
        case .rejected: return 65
        }
    }

    /// One compact JSON object per line, in document order:
    /// `{"index":0,"type":"ObjectEvent","eventID":"ni:///sha-256;…?ver=CBV2.0","hashed":true}` or
    /// `{"index":3,"type":"ObjectEvent","field":"action","error":"event 3 (ObjectEvent): action …"}`
    /// (`index` and `type` are null for document-level problems).
    public var jsonLines: [String] {
        switch self {
        case .accepted(let events):
            return events.map { $0.jsonLine }
        case .rejected(let issues):
            return issues.map { i in
                JSONValue.object(JSONObject([
                    ("index", i.eventIndex.map { JSONValue.integer(Int64($0)) } ?? .null),
                    ("type", i.eventType.map { JSONValue.string($0) } ?? .null),
                    ("field", .string(i.field)),
                    ("error", .string(i.description)),
                ])).serialized()
            }
        }
    }
}

/// One event of an accepted document.
public struct DryRunEvent: Sendable, Equatable {
    /// Position in the event list (0 for a single-event document).
    public var index: Int
    public var type: String
    /// The event's own `eventID`, or the CBV 2.0 hash ID when it had none.
    public var eventID: String
    /// True when `eventID` was computed here.
    public var hashed: Bool

    public init(index: Int, type: String, eventID: String, hashed: Bool) {
        self.index = index
        self.type = type
        self.eventID = eventID
        self.hashed = hashed
    }

    public var jsonLine: String {
        JSONValue.object(JSONObject([
            ("index", .integer(Int64(index))),
            ("type", .string(type)),
            ("eventID", .string(eventID)),
            ("hashed", .bool(hashed)),
        ])).serialized()
    }
}

public enum DryRun {
    /// Validates the document and identifies each event, storing nothing.
    public static func report(_ bytes: [UInt8]) -> DryRunReport {
        switch EPCISReader.read(bytes) {
        case .failure(let e):
            return .rejected(e.issues)
        case .success(let doc):
            return .accepted(doc.events.enumerated().map { i, e in
                if let id = e.eventID { return DryRunEvent(index: i, type: e.type.name, eventID: id, hashed: false) }
                return DryRunEvent(index: i, type: e.type.name, eventID: EventHash.hashID(e), hashed: true)
            })
        }
    }
}
