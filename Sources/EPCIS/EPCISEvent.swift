import StrictJSON

/// The five EPCIS 2.0 event types, or a user-defined event type URI (the schema's Extended-Event).
public enum EPCISEventType: Sendable, Equatable, Hashable, CustomStringConvertible {
    case objectEvent, aggregationEvent, transactionEvent, transformationEvent, associationEvent
    case extended(String)

    public init(_ name: String) {
        switch name {
        case "ObjectEvent": self = .objectEvent
        case "AggregationEvent": self = .aggregationEvent
        case "TransactionEvent": self = .transactionEvent
        case "TransformationEvent": self = .transformationEvent
        case "AssociationEvent": self = .associationEvent
        default: self = .extended(name)
        }
    }

    /// The `type` value as EPCIS writes it.
    public var name: String {
        switch self {
        case .objectEvent: return "ObjectEvent"
        case .aggregationEvent: return "AggregationEvent"
        case .transactionEvent: return "TransactionEvent"
        case .transformationEvent: return "TransformationEvent"
        case .associationEvent: return "AssociationEvent"
        case .extended(let s): return s
        }
    }

    public var description: String { name }
}

/// `ADD`, `OBSERVE` or `DELETE`: what the event does to the objects or the parent–child relation.
public enum EPCISAction: String, Sendable, Equatable, Hashable {
    case add = "ADD", observe = "OBSERVE", delete = "DELETE"
}

/// A quantity of a class of objects (`quantityList` and its relatives).
public struct QuantityElement: Sendable, Equatable, Hashable {
    /// Class-level identifier: `urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:…*`, a GTIN Digital Link.
    public var epcClass: String
    /// The amount as written in JSON; nil when omitted.
    public var quantity: JSONNumber?
    /// UN/ECE Rec 20 unit code (`KGM`); nil for a count.
    public var uom: String?

    public init(epcClass: String, quantity: JSONNumber?, uom: String?) {
        self.epcClass = epcClass
        self.quantity = quantity
        self.uom = uom
    }
}

/// A JSON number as parsed: an exact integer or a double, so that `10` and `10.5` keep their form.
public enum JSONNumber: Sendable, Equatable, Hashable {
    case integer(Int64)
    case double(Double)

    public var doubleValue: Double {
        switch self {
        case .integer(let i): return Double(i)
        case .double(let d): return d
        }
    }
}

/// A business transaction the event is part of (invoice, purchase order, despatch advice, …).
public struct BizTransaction: Sendable, Equatable, Hashable {
    /// The transaction type; nil when omitted (the schema makes it optional).
    public var type: VocabularyValue?
    /// The transaction's identifier, a URI (`urn:epcglobal:cbv:bt:…`, a GDTI, an http URL).
    public var id: String

    public init(type: VocabularyValue?, id: String) {
        self.type = type
        self.id = id
    }
}

/// A source or destination of a business transfer: an owning party, possessing party or location.
public struct SourceDestination: Sendable, Equatable, Hashable {
    public var type: VocabularyValue
    /// The party or location identifier (PGLN, SGLN, Digital Link, or another URI).
    public var id: String

    public init(type: VocabularyValue, id: String) {
        self.type = type
        self.id = id
    }
}

/// `readPoint` or `bizLocation`: an identifier plus any namespaced extension fields.
public struct EPCISLocation: Sendable, Equatable {
    public var id: String
    /// Extension members other than `id`, in document order.
    public var extensions: JSONObject

    public init(id: String, extensions: JSONObject = JSONObject()) {
        self.id = id
        self.extensions = extensions
    }
}

/// An error declaration: this event is asserted to be wrong (EPCIS 2.0 §7.4.1.4).
public struct ErrorDeclaration: Sendable, Equatable {
    public var declarationTime: EPCISTime
    public var reason: VocabularyValue?
    public var correctiveEventIDs: [String]
    public var extensions: JSONObject

    public init(declarationTime: EPCISTime, reason: VocabularyValue?, correctiveEventIDs: [String], extensions: JSONObject) {
        self.declarationTime = declarationTime
        self.reason = reason
        self.correctiveEventIDs = correctiveEventIDs
        self.extensions = extensions
    }
}

/// Dispositions that persist until unset (EPCIS 2.0 §7.3.5.4.2).
public struct PersistentDisposition: Sendable, Equatable {
    public var set: [VocabularyValue]
    public var unset: [VocabularyValue]

    public init(set: [VocabularyValue], unset: [VocabularyValue]) {
        self.set = set
        self.unset = unset
    }
}

/// One validated EPCIS 2.0 event, every standard field modelled, everything else kept as JSON.
///
/// Absent and empty are different: `epcList == nil` means the field was not written, `[]` that it
/// was written empty (the schema treats them differently for ObjectEvent).
public struct EPCISEvent: Sendable, Equatable {
    public var type: EPCISEventType
    public var eventTime: EPCISTime
    public var eventTimeZoneOffset: String
    public var recordTime: EPCISTime?
    /// The `eventID` as written; see `EventHash` for events without one.
    public var eventID: String?
    public var errorDeclaration: ErrorDeclaration?
    /// As written: a URI, an array of URIs, or an array of `gs1:CertificationDetails` objects.
    public var certificationInfo: JSONValue?

    public var action: EPCISAction?

    // What
    public var epcList: [String]?
    public var quantityList: [QuantityElement]?
    public var parentID: String?
    public var childEPCs: [String]?
    public var childQuantityList: [QuantityElement]?
    public var inputEPCList: [String]?
    public var inputQuantityList: [QuantityElement]?
    public var outputEPCList: [String]?
    public var outputQuantityList: [QuantityElement]?
    public var transformationID: String?

    // Why
    public var bizStep: VocabularyValue?
    public var disposition: VocabularyValue?
    public var persistentDisposition: PersistentDisposition?
    public var bizTransactionList: [BizTransaction]?
    public var sourceList: [SourceDestination]?
    public var destinationList: [SourceDestination]?
    /// Instance/lot master data, members keyed `prefix:name` as written.
    public var ilmd: JSONObject?

    // Where
    public var readPoint: EPCISLocation?
    public var bizLocation: EPCISLocation?

    // How
    /// `sensorElementList` as written (validated against the schema, not modelled further).
    public var sensorElementList: JSONValue?

    /// Top-level namespaced extension members (`example:myField`, `rdfs:comment`), in document order.
    public var extensions: JSONObject

    /// The prefixes in force for this event: the GS1 EPCIS context, the document's `@context`, then
    /// the event's own `@context`. Needed to read `extensions` and `ilmd` keys and to hash.
    public var context: JSONLDContext

    /// The event exactly as received (member order kept), for storage and re-hashing.
    public var json: JSONObject

    public init(type: EPCISEventType, eventTime: EPCISTime, eventTimeZoneOffset: String, context: JSONLDContext, json: JSONObject) {
        self.type = type
        self.eventTime = eventTime
        self.eventTimeZoneOffset = eventTimeZoneOffset
        self.context = context
        self.json = json
        self.extensions = JSONObject()
    }

    /// The event's JSON text, compact, member order as received.
    public var jsonText: String { JSONValue.object(json).serialized() }

    /// Every instance identifier the event names (epcList, parentID, childEPCs, input and output
    /// lists), in field order.
    public var instanceIdentifiers: [String] {
        var out: [String] = []
        out += epcList ?? []
        if let p = parentID { out.append(p) }
        out += childEPCs ?? []
        out += inputEPCList ?? []
        out += outputEPCList ?? []
        return out
    }
}
