import EPCIS
import FieldStore
import StampCodes

/// Where a shown value comes from. An officer must be able to tell a fact the signed code carries from
/// one the cache adds, and from one nobody reported.
public enum ValueSource: String, Sendable, Equatable, CaseIterable {
    /// Decrypted from the stamp code itself (signed by the authority).
    case code
    /// From the signed offline cache (master data and EPCIS events reported to the hub).
    case cache
    /// Nobody reported it, or the cache does not hold it.
    case unknown
}

/// One labelled value with its source: "facility F-MZL-01 (code)".
public struct SourcedText: Sendable, Equatable {
    public var label: String
    public var value: String
    public var source: ValueSource

    public init(_ label: String, _ value: String, _ source: ValueSource) {
        self.label = label
        self.value = value
        self.source = source
    }
}

/// One FCTC Protocol Art. 8.4.1 item, (a) to (j), with what is known of it.
public struct FCTCEntry: Sendable, Equatable {
    public var item: FCTCItem
    public var values: [SourcedText]

    /// `unknown` when nothing is known; otherwise the source of the first value (code before cache).
    public var source: ValueSource { values.first?.source ?? .unknown }

    public var title: String { Self.title(item) }

    public static func title(_ item: FCTCItem) -> String {
        switch item {
        case .a: "date and location of manufacture"
        case .b: "manufacturing facility"
        case .c: "machine"
        case .d: "production shift or time of manufacture"
        case .e: "first customer: name, invoice, order, payment"
        case .f: "intended market of retail sale"
        case .g: "product description"
        case .h: "warehousing and shipping"
        case .i: "subsequent purchasers"
        case .j: "shipment route, date, destination, departure, consignee"
        }
    }
}

/// One link of the containment chain, pack first: pack → carton → case → pallet.
public struct ChainLink: Sendable, Equatable {
    public var id: String
    /// nil when the cache does not say (a container known only from an event).
    public var level: PackagingLevel?
    /// When the previous link was put into this one (nil for the pack itself).
    public var packedAt: Int64?
    /// When the previous link was taken out of this one; nil while it is still inside.
    public var unpackedAt: Int64?

    public init(id: String, level: PackagingLevel?, packedAt: Int64? = nil, unpackedAt: Int64? = nil) {
        self.id = id
        self.level = level
        self.packedAt = packedAt
        self.unpackedAt = unpackedAt
    }

    public var levelName: String { level?.rawValue ?? "container" }
}

/// A business transaction an event names (invoice, purchase order, payment, …).
public struct TransactionRef: Sendable, Equatable {
    /// The CBV short name (`inv`, `po`, `pay`, …) or the type URI; empty when untyped.
    public var type: String
    public var id: String

    public var kindName: String {
        switch type {
        case "inv": "invoice"
        case "po": "purchase order"
        case "poc": "order confirmation"
        case "pay": "payment"
        case "desadv": "despatch advice"
        case "bol": "bill of lading"
        case "recadv": "receiving advice"
        case "": "transaction"
        default: type
        }
    }
}

/// A party or place from an event's sourceList / destinationList.
public struct PartyRef: Sendable, Equatable {
    /// `owning_party`, `possessing_party`, `location`, or a URI.
    public var type: String
    public var id: String
}

/// An EPCIS event as the provenance timeline shows it.
public struct ProvenanceEvent: Sendable, Equatable {
    public var eventID: String
    public var type: String
    public var time: Int64
    public var action: String?
    public var bizStep: String?
    public var disposition: String?
    public var readPoint: String?
    public var bizLocation: String?
    /// The chain ids this event names, e.g. `case urn:epc:id:sscc:…` (what ties it to the pack).
    public var via: [String]
    public var parentID: String?
    public var transactions: [TransactionRef]
    public var sources: [PartyRef]
    public var destinations: [PartyRef]
    /// ILMD and extension members, `prefix:name = value`, in document order.
    public var details: [(name: String, value: String)]
    /// The FCTC items this event evidences (docs/provenance.md).
    public var fctcItems: [FCTCItem]
    /// Why the event body could not be read, if it could not (the row's columns are still shown).
    public var unreadable: String?

    public static func == (a: ProvenanceEvent, b: ProvenanceEvent) -> Bool {
        a.eventID == b.eventID && a.type == b.type && a.time == b.time && a.action == b.action && a.bizStep == b.bizStep
            && a.disposition == b.disposition && a.readPoint == b.readPoint && a.bizLocation == b.bizLocation
            && a.via == b.via && a.parentID == b.parentID && a.transactions == b.transactions && a.sources == b.sources
            && a.destinations == b.destinations && a.details.map(\.name) == b.details.map(\.name)
            && a.details.map(\.value) == b.details.map(\.value) && a.fctcItems == b.fctcItems && a.unreadable == b.unreadable
    }

    /// A one-line summary: "shipping · in_transit · from sgln … to sgln …".
    public var headline: String {
        var parts: [String] = [bizStep ?? type]
        if let d = disposition { parts.append(d) }
        if let a = action, type == "AggregationEvent" { parts[0] = a == "DELETE" ? "unpacking" : (bizStep ?? "packing") }
        return parts.joined(separator: " · ")
    }
}

/// A field on which the code and the cache's commissioning record disagree.
public struct Mismatch: Sendable, Equatable {
    public var field: String
    public var code: String
    public var cache: String
}

/// What the cache says about the scanned UID, beyond the code itself.
public enum CacheFinding: Sendable, Equatable {
    /// The UID, or a container it is in, is on the watchlist.
    case watchlisted(uid: String, reason: WatchReason, since: Int64, note: String, via: String)
    /// The commissioning record disagrees with the code on product, facility or market.
    case commissioningMismatch([Mismatch])
    /// The cache claims every pack of that facility and time, and not this one.
    case neverReported(CoverageWindow)
    /// The cache makes no claim on that facility and time: missing means nothing.
    case notInCache(covers: [CoverageWindow])
}

/// Everything the console and `stampwatch provenance` show for one UID.
public struct ProvenanceReport: Sendable, Equatable {
    public var uid: String
    /// The decrypted code, when the report was made from a verified code (nil for a UID typed by hand).
    public var payload: StampPayload?
    /// The cache's commissioning record of the pack.
    public var pack: Pack?
    /// Pack first, then its containers (current ones, then ones it was in before).
    public var chain: [ChainLink]
    /// Oldest first.
    public var events: [ProvenanceEvent]
    /// Items (a) to (j), in order.
    public var fctc: [FCTCEntry]
    public var findings: [CacheFinding]
    public var facility: Facility?
    public var economicOperator: EconomicOperator?
    public var product: Product?
    public var machine: Machine?
    /// The pack's commissioning as its EPCIS event reports it (ILMD), when the cache has the event.
    public var commissioning: ManufactureRecord?

    /// Whether the cache holds the pack at all.
    public var inCache: Bool { pack != nil }
}
