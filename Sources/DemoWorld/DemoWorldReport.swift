import FieldStore
import StampCodes
import StrictJSON

/// A sample stamp code and what verifying it must show.
public struct DemoSample: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case genuineDomestic = "genuine-domestic"
        case genuineImport = "genuine-import"
        case diverted
        case clone
        case stolen
        case recalled
        case destroyed
        case seized
        case counterfeitRogueKey = "counterfeit-rogue-key"
        case counterfeitForgedPayload = "counterfeit-forged-payload"
        case unknownSigner = "unknown-signer"
        case revokedKey = "revoked-key"
        case damagedScan = "damaged-scan"
    }

    public var kind: Kind
    /// One line for an officer: what the pack is and what to expect.
    public var description: String
    public var code: String
    /// The UID the code carries (nil when it cannot be read).
    public var uid: String?
    /// The market to verify with (`stampwatch verify --market`).
    public var market: String
    public var verdict: Verdict
    /// Reason codes in the verifier's order.
    public var reasons: [String]
    /// The cache's watchlist entry for the UID, if any.
    public var watchlist: WatchReason?
    /// Whether the snapshot holds the pack (`FieldStore.pack(uid:)`).
    public var inCache: Bool
    /// The pack's containers in the snapshot, innermost first (`FieldStore.aggregationChain(of:)`).
    public var chain: [String]
    /// The claimed facility and time, for `lookupPack` (counterfeits name a real facility).
    public var claimedFacility: String?
    public var claimedManufactured: Int64?
}

/// One of the planted cases an inspector is meant to find.
public struct PlantedCase: Sendable, Equatable {
    public var kind: String
    public var story: String
    /// The containers (SSCC URIs) involved.
    public var containers: [String]
    /// Packs concerned.
    public var packs: Int
    public var watchlist: WatchReason?
}

/// What a generated world holds, and where.
public struct DemoWorldReport: Sendable {
    public var recipe: DemoWorldRecipe
    public var directory: String
    public var samples: [DemoSample]
    public var planted: [PlantedCase]
    /// Named counts (packs, cartons, cases, pallets, events, watchlist entries, …) in a stable order.
    public var counts: [(name: String, value: Int)]
    /// EPCIS documents written (paths relative to the directory) with their event counts.
    public var epcisFiles: [(file: String, events: Int)]
    public var snapshotPath: String
    /// `content_sha256` of the snapshot (the FieldStore meta value).
    public var contentSHA256: String
    public var publishedAt: Int64
    public var expires: Int64
    /// Wall-clock seconds the generation took (not written to world.json, which is deterministic).
    public var seconds: Double
    /// Time spent capturing the documents into the hub, and assembling the snapshot from it (0 on the direct path).
    public var captureSeconds: Double = 0
    public var assembleSeconds: Double = 0

    public func count(_ name: String) -> Int { counts.first { $0.name == name }?.value ?? 0 }
}
