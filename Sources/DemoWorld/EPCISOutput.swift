import EPCIS
import FieldStore
import Foundation
import StrictJSON

/// The JSON-LD context and user vocabulary of every demo document and cached event.
enum DemoEPCIS {
    /// The `sw:` namespace of the demo's extension fields and ILMD (FCTC items a–d travel as ILMD).
    static let namespace = "https://stampwatch.example/ns/epcis#"
    static let context: JSONValue = .array([
        .string("https://ref.gs1.org/standards/epcis/epcis-context.jsonld"),
        .object(JSONObject([("sw", .string(namespace))])),
    ])
    static let contextText = context.serialized()
    /// A user business-transaction type for payment records; the tobacco mapping reads a type whose
    /// last segment is `pay` as a payment (docs/provenance.md).
    static let paymentType = "https://stampwatch.example/btt/pay"
}

/// The documents a world writes, one family of files per kind of event.
enum DocumentKind: String, CaseIterable, Sendable {
    /// Stamps applied: ObjectEvent ADD, bizStep commissioning, ILMD with FCTC items (a)–(d).
    case commissioning
    /// Packing into cartons, cases and pallets, and unpacking at the first customer.
    case packing
    /// Shipping, border crossings, receiving and storing of pallets.
    case movements
    /// Orders, invoices and payments (TransactionEvents).
    case transactions
    /// Cases shipped from first customers to shops, and received there.
    case retail
    /// Packs inspectors saw in shops and markets.
    case inspections
    /// The planted cases: theft, recall, destruction, seizure, the diverted pallet found.
    case incidents
}

/// Writes one kind of event into EPCIS 2.0 documents, streaming: a document is opened, events are
/// appended one per line, and a new part starts when a part passes `maxBytes` (the EPCIS reader and
/// most tools want documents that fit in memory).
final class EPCISDocumentWriter {
    let directory: String
    let kind: DocumentKind
    let creationDate: String
    let maxBytes: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var bytesInPart = 0
    private var eventsInPart = 0
    private(set) var files: [(name: String, events: Int)] = []

    init(directory: String, kind: DocumentKind, creationDate: String, maxBytes: Int = 64 << 20) {
        self.directory = directory
        self.kind = kind
        self.creationDate = creationDate
        self.maxBytes = maxBytes
        buffer.reserveCapacity(1 << 20)
    }

    func append(_ event: [UInt8]) throws(DemoWorldError) {
        if fd < 0 || bytesInPart >= maxBytes {
            try closePart()
            try openPart()
        }
        buffer.append(contentsOf: eventsInPart == 0 ? [0x0A] : [0x2C, 0x0A])
        buffer.append(contentsOf: event)
        bytesInPart += event.count + 2
        eventsInPart += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    func finish() throws(DemoWorldError) { try closePart() }

    private var currentName: String { "\(kind.rawValue)-\(DemoTime.pad(files.count + 1, 4)).json" }

    private func openPart() throws(DemoWorldError) {
        let path = directory + "/" + currentName
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DemoWorldError(.output, "cannot create \(path): \(String(cString: strerror(errno)))") }
        let header = "{\"@context\":\(DemoEPCIS.contextText),\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\","
            + "\"creationDate\":\"\(creationDate)\",\"epcisBody\":{\"eventList\":["
        buffer.append(contentsOf: Array(header.utf8))
        bytesInPart = header.utf8.count
        eventsInPart = 0
    }

    private func closePart() throws(DemoWorldError) {
        guard fd >= 0 else { return }
        buffer.append(contentsOf: Array("\n]}}\n".utf8))
        try flush()
        let rc = fsync(fd) == 0 && close(fd) == 0
        let name = currentName
        fd = -1
        guard rc else { throw DemoWorldError(.output, "cannot write \(directory)/\(name): \(String(cString: strerror(errno)))") }
        files.append((name, eventsInPart))
    }

    private func flush() throws(DemoWorldError) {
        var off = 0
        let ok = buffer.withUnsafeBytes { raw -> Bool in
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                off += n
            }
            return true
        }
        guard ok else { throw DemoWorldError(.output, "cannot write \(directory)/\(currentName): \(String(cString: strerror(errno)))") }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// An event before it is identified: its type, time, members (in EPCIS field order) and what the
/// cache indexes about it.
struct EventDraft: Sendable {
    var type: String
    var time: Int64
    var members: [(String, JSONValue)]
    /// The ids the cache's `event_epc` lists: a pack by its stamp UID, a container by its SSCC URI.
    var ids: [CachedEvent.EventID]
    var bizStep: String?
    var disposition: String?
    var readPoint: String?
    var bizLocation: String?
}

/// Validates, identifies and records events: each one is read back by the EPCIS module (so the world
/// can never publish an event the capture would refuse), named by its CBV 2.0 event hash, appended
/// to its document, and written to the snapshot with its ids.
final class EventEmitter {
    let sink: ContentSink?
    let end: Int64
    private var writers: [DocumentKind: EPCISDocumentWriter] = [:]
    /// Events by type and bizStep, e.g. `ObjectEvent shipping`.
    private(set) var counts: [String: Int] = [:]
    private(set) var total = 0

    init(sink: ContentSink?, directory: String, creationDate: String, end: Int64) {
        self.sink = sink
        self.end = end
        for kind in DocumentKind.allCases {
            writers[kind] = EPCISDocumentWriter(directory: directory, kind: kind, creationDate: creationDate)
        }
    }

    /// Records the event if it happened by the end of the world's timeline; returns its event ID.
    @discardableResult
    func emit(_ d: EventDraft, to kind: DocumentKind) throws -> String? {
        guard d.time <= end else { return nil }
        let prepared = try Self.prepare(d)
        try record(d, prepared, to: kind)
        return prepared.eventID
    }

    /// Records a batch of events in order, validating and hashing them on all cores first (most of
    /// the cost of a world is reading each event back and computing its CBV 2.0 hash).
    func emit(batch drafts: [(EventDraft, DocumentKind)]) throws {
        let kept = drafts.filter { $0.0.time <= end }
        var results = [Result<Prepared, DemoWorldError>?](repeating: nil, count: kept.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own element only.
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: kept.count) { i in
                out[i] = Result { () throws(DemoWorldError) in try Self.prepare(kept[i].0) }
            }
        }
        for (i, d) in kept.enumerated() { try record(d.0, try results[i]!.get(), to: d.1) }
    }

    struct Prepared: Sendable {
        let eventID: String
        let bytes: [UInt8]
    }

    /// Validates the event with the EPCIS module, names it by its hash and serialises it.
    static func prepare(_ d: EventDraft) throws(DemoWorldError) -> Prepared {
        let head: [(String, JSONValue)] = [
            ("type", .string(d.type)), ("eventTime", .string(DemoTime.eventTime(d.time))),
            ("eventTimeZoneOffset", .string(DemoTime.offsetText)),
        ]
        let standalone = JSONValue.object(JSONObject([("@context", DemoEPCIS.context)] + head + d.members))
        let event: EPCISEvent
        switch EPCISReader.read(standalone) {
        case .success(let doc): event = doc.events[0]
        case .failure(let e):
            throw DemoWorldError(.internal, "a generated \(d.type) fails EPCIS validation: \(e)\n\(standalone.serialized())")
        }
        let eventID = EventHash.hashID(event)
        let identified = JSONValue.object(JSONObject([head[0], ("eventID", .string(eventID))] + head.dropFirst() + d.members))
        return Prepared(eventID: eventID, bytes: identified.serializedBytes())
    }

    private func record(_ d: EventDraft, _ p: Prepared, to kind: DocumentKind) throws {
        let eventID = p.eventID, bytes = p.bytes
        try writers[kind]!.append(bytes)
        // The cached body is the event on its own with the document's @context, so a console can read
        // its `sw:` members and recompute its hash without the document.
        if let sink {
            var body = "{\"@context\":" + DemoEPCIS.contextText + ","
            body += String(decoding: bytes.dropFirst(), as: UTF8.self)
            try sink.add(CachedEvent(eventID: eventID, type: d.type, time: d.time, bizStep: d.bizStep, disposition: d.disposition,
                                 readPoint: d.readPoint, bizLocation: d.bizLocation, body: body, ids: d.ids))
        }
        counts[d.type + (d.bizStep.map { " " + $0 } ?? ""), default: 0] += 1
        total += 1
    }

    func finish() throws(DemoWorldError) {
        for kind in DocumentKind.allCases { try writers[kind]!.finish() }
    }

    /// Every document written, in kind order.
    var files: [(name: String, events: Int)] { DocumentKind.allCases.flatMap { writers[$0]!.files } }
}

// MARK: - Members

/// Builders for the EPCIS members the world uses (plain JSON values, in the schema's field order).
enum Member {
    static func strings(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
    static func id(_ uri: String) -> JSONValue { .object(JSONObject([("id", .string(uri))])) }
    static func sources(_ pairs: [(String, String)]) -> JSONValue {
        .array(pairs.map { .object(JSONObject([("type", .string($0.0)), ("source", .string($0.1))])) })
    }
    static func destinations(_ pairs: [(String, String)]) -> JSONValue {
        .array(pairs.map { .object(JSONObject([("type", .string($0.0)), ("destination", .string($0.1))])) })
    }
    static func transactions(_ pairs: [(String, String)]) -> JSONValue {
        .array(pairs.map { .object(JSONObject([("type", .string($0.0)), ("bizTransaction", .string($0.1))])) })
    }
}
