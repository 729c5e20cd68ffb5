/// One problem found in an EPCIS document, located well enough for an officer or an engineer to
/// find it: which event (by its position in `eventList`), what kind of event, which field.
///
/// Why a list of these rather than one thrown error: a capture document is rejected whole, and the
/// sender needs every problem at once to fix them in one round trip, not one per attempt.
public struct EPCISIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Position of the event in `epcisBody.eventList` (0-based); nil for document-level problems.
    public var eventIndex: Int?
    /// The event's `type` as written ("ObjectEvent", …) when known.
    public var eventType: String?
    /// Where, relative to the event (or to the document when `eventIndex` is nil):
    /// `action`, `quantityList[0].quantity`, `ilmd.materialType`, `@context`.
    public var field: String
    /// What is wrong, starting with the offending value where there is one:
    /// `"ADDED" is not ADD, OBSERVE or DELETE`.
    public var problem: String

    public init(eventIndex: Int?, eventType: String?, field: String, problem: String) {
        self.eventIndex = eventIndex
        self.eventType = eventType
        self.field = field
        self.problem = problem
    }

    /// Where the problem is: `event 3 (ObjectEvent)`, `event 3`, or `document`.
    public var location: String {
        guard let i = eventIndex else { return "document" }
        if let t = eventType { return "event \(i) (\(t))" }
        return "event \(i)"
    }

    /// `event 3 (ObjectEvent): action "ADDED" is not ADD, OBSERVE or DELETE`
    public var description: String {
        field.isEmpty ? "\(location): \(problem)" : "\(location): \(field) \(problem)"
    }
}

/// A rejected document: every problem found, in document order.
public struct EPCISDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [EPCISIssue]

    public init(issues: [EPCISIssue]) { self.issues = issues }

    /// One problem per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues for one scope (the document, or one event) with a running field path.
///
/// Internal: validators pass it down by `inout` so each reader can report where it is without
/// threading indices through every call.
struct IssueSink {
    let eventIndex: Int?
    var eventType: String?
    private(set) var issues: [EPCISIssue] = []

    init(eventIndex: Int?, eventType: String?) {
        self.eventIndex = eventIndex
        self.eventType = eventType
    }

    mutating func add(_ path: FieldPath, _ problem: String) {
        issues.append(EPCISIssue(eventIndex: eventIndex, eventType: eventType, field: path.text, problem: problem))
    }

    var count: Int { issues.count }
}

/// A dotted field path: `quantityList[0].quantity`, `ilmd.example:lot`.
struct FieldPath: Sendable, Equatable {
    let text: String

    static let root = FieldPath(text: "")

    init(text: String) { self.text = text }

    func key(_ k: String) -> FieldPath { FieldPath(text: text.isEmpty ? k : text + "." + k) }

    func index(_ i: Int) -> FieldPath { FieldPath(text: text + "[\(i)]") }
}

/// A value quoted for a message, shortened so that hostile input cannot flood a report.
func quoted(_ s: String, limit: Int = 80) -> String {
    var out = "\""
    var n = 0
    for ch in s.unicodeScalars {
        if n == limit {
            out += "…"
            break
        }
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if ch.value < 0x20 || ch.value == 0x7F {
                out += "\\u{\(String(ch.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        n += 1
    }
    return out + "\""
}
