/// The provenance facts a tobacco console draws from EPCIS events, labelled with the FCTC Protocol
/// Art. 8.4.1 data items they evidence. Produced by `TobaccoMapping`; see docs/provenance.md.

/// FCTC Protocol to Eliminate Illicit Trade in Tobacco Products, Art. 8.4.1, items (a)–(j).
public enum FCTCItem: String, Sendable, Equatable, Hashable, CaseIterable {
    /// (a) date and location of manufacture
    case a
    /// (b) manufacturing facility
    case b
    /// (c) machine used to manufacture
    case c
    /// (d) production shift or time of manufacture
    case d
    /// (e) name, invoice, order number and payment records of the first customer not affiliated with the manufacturer
    case e
    /// (f) intended market of retail sale
    case f
    /// (g) product description
    case g
    /// (h) any warehousing and shipping
    case h
    /// (i) identity of any known subsequent purchaser
    case i
    /// (j) intended shipment route, shipment date, shipment destination, point of departure and consignee
    case j
}

/// An identifier an event names, read as a GS1 key when it is one.
public struct ObjectRef: Sendable, Equatable, Hashable {
    /// As written in the event.
    public var uri: String
    /// The GS1 key, when the URI is a readable EPC URI or Digital Link.
    public var key: GS1Key?
    /// Why a GS1-looking URI could not be read (bad check digit, malformed EPC URI); nil otherwise.
    public var problem: String?

    public init(_ uri: String) {
        self.uri = uri
        if uri.hasPrefix("urn:epc:") || uri.hasPrefix("http://") || uri.hasPrefix("https://") {
            switch GS1Key.parse(uri) {
            case .success(let k): key = k
            case .failure(let e): problem = uri.hasPrefix("urn:epc:") || DigitalLink.parse(uri).isSuccess ? e.message : nil
            }
        }
    }
}

/// A value with where it came from, so a screen can show "machine: line 3 (from ILMD example:machine)"
/// rather than an unexplained claim.
public struct SourcedValue: Sendable, Equatable, Hashable {
    public var value: String
    /// `ilmd example:machine`, `readPoint`, `bizLocation`, `eventTime`.
    public var source: String

    public init(_ value: String, source: String) {
        self.value = value
        self.source = source
    }
}

/// A class of packs counted rather than serialised.
public struct QuantityRef: Sendable, Equatable, Hashable {
    public var epcClass: ObjectRef
    public var quantity: JSONNumber?
    public var uom: String?
}

/// Items (a)–(d): where, when, on what and in which shift packs were made (commissioning).
public struct ManufactureRecord: Sendable, Equatable {
    public var items: [ObjectRef]
    public var quantities: [QuantityRef]
    public var time: EPCISTime
    public var date: SourcedValue
    public var location: SourcedValue?
    public var facility: SourcedValue?
    public var machine: SourcedValue?
    public var shiftOrTime: SourcedValue
    /// Every ILMD member flattened to `prefix:name = value` for display, in document order.
    public var ilmd: [SourcedValue]
}

/// Packing and unpacking: pack → carton → case → pallet, one level per event.
public struct AggregationRecord: Sendable, Equatable {
    public enum Change: String, Sendable, Equatable { case pack, unpack, observe }
    public var change: Change
    public var parent: ObjectRef?
    public var children: [ObjectRef]
    public var childQuantities: [QuantityRef]
    public var time: EPCISTime
    public var place: String?
}

/// Items (h) and (j): warehousing and shipping steps and what they say about the route.
public struct MovementRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case shipping, receiving, warehousing, transport }
    public var kind: Kind
    /// The CBV business step behind the kind ("shipping", "arriving", …).
    public var bizStep: String
    public var items: [ObjectRef]
    public var time: EPCISTime
    public var readPoint: String?
    public var bizLocation: String?
    public var sources: [SourceDestination]
    public var destinations: [SourceDestination]
}

/// Items (e) and (i): invoices, orders and payments, with the parties the event names.
public struct TransactionRecord: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case invoice, purchaseOrder, orderConfirmation, payment, despatchAdvice, billOfLading, receivingAdvice
        case other(String)
        case untyped
    }
    public var kind: Kind
    public var id: String
    public var items: [ObjectRef]
    public var time: EPCISTime
    /// Owning and possessing parties from sourceList (seller side) and destinationList (buyer side).
    public var sellers: [SourceDestination]
    public var buyers: [SourceDestination]
    /// True when stated by a TransactionEvent (the event type EPCIS dedicates to transactions).
    public var fromTransactionEvent: Bool
}

/// Objects that must raise an alarm if seen again in the market.
public struct WatchlistEntry: Sendable, Equatable {
    public enum Reason: String, Sendable, Equatable { case decommissioned, destroyed, recalled, stolen }
    public var reason: Reason
    /// What in the event said so: `bizStep decommissioning`, `disposition stolen`, `persistentDisposition recalled`.
    public var evidence: String
    public var items: [ObjectRef]
    public var quantities: [QuantityRef]
    public var time: EPCISTime
}

/// One provenance fact drawn from one event.
public enum ProvenanceFact: Sendable, Equatable {
    case manufacture(ManufactureRecord)
    case aggregation(AggregationRecord)
    case movement(MovementRecord)
    case transaction(TransactionRecord)
    case watchlist(WatchlistEntry)

    /// The FCTC Art. 8.4.1 items this fact evidences.
    public var fctcItems: [FCTCItem] {
        switch self {
        case .manufacture: return [.a, .b, .c, .d]
        case .aggregation: return []
        case .movement(let m):
            return m.kind == .shipping || !m.destinations.isEmpty ? [.h, .j] : [.h]
        case .transaction(let t):
            switch t.kind {
            case .invoice, .purchaseOrder, .orderConfirmation, .payment: return t.buyers.isEmpty ? [.e] : [.e, .i]
            default: return t.buyers.isEmpty ? [.h] : [.h, .i]
            }
        case .watchlist: return []
        }
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
