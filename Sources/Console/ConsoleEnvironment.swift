import StampCodes

/// How fresh the offline cache is, as the status bar and the result panel say it.
public enum CacheFreshness: String, Sendable, Equatable {
    case fresh, stale, expired
    case noCache = "no cache"
}

/// What the console shows about the offline cache: freshness, version and age (nil values: unknown).
public struct CacheSummary: Sendable, Equatable {
    public var freshness: CacheFreshness
    public var version: Int64?
    public var ageSeconds: Int64?
    /// Inspections recorded but not yet acknowledged by the hub (pending plus in flight); nil if unknown.
    public var pendingUploads: Int?

    public init(freshness: CacheFreshness, version: Int64? = nil, ageSeconds: Int64? = nil, pendingUploads: Int? = nil) {
        self.freshness = freshness
        self.version = version
        self.ageSeconds = ageSeconds
        self.pendingUploads = pendingUploads
    }

    /// A device with no cache applied yet.
    public static let noCache = CacheSummary(freshness: .noCache)
}

/// One inspection as the console hands it to the store when the officer presses Enter.
public struct InspectionDraft: Sendable, Equatable {
    public var code: String
    public var verdict: Verdict
    public var reasons: [Reason]
    public var place: String
    public var officerID: String
    public var cacheVersion: Int64?
    public var cacheAgeSeconds: Int64?
    /// Epoch seconds.
    public var createdAt: Int64

    public init(code: String, verdict: Verdict, reasons: [Reason], place: String, officerID: String,
                cacheVersion: Int64?, cacheAgeSeconds: Int64?, createdAt: Int64) {
        self.code = code; self.verdict = verdict; self.reasons = reasons; self.place = place; self.officerID = officerID
        self.cacheVersion = cacheVersion; self.cacheAgeSeconds = cacheAgeSeconds; self.createdAt = createdAt
    }

    /// The reasons as the JSON array the outbox stores: `[{"code": …, "message": …}]`.
    public var reasonsJSON: String {
        "[" + reasons.map { "{\"code\":\(Self.quoted($0.code)),\"message\":\(Self.quoted($0.message))}" }.joined(separator: ",") + "]"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// Everything the console needs from the outside world, as values and closures, so the core runs in
/// tests without a terminal or a disk. `stampwatch` wires these to the keyring and the field store.
public struct ConsoleEnvironment: Sendable {
    /// Verifies one code (the verifier with the device's keyring and "now").
    public var verify: @Sendable (String) -> VerificationResult
    /// The cache and outbox state right now (nil when the store cannot be read).
    public var cacheStatus: @Sendable () -> CacheSummary?
    /// Stores an inspection durably; returns only once it is on disk.
    public var record: @Sendable (InspectionDraft) throws -> Void
    /// Epoch seconds.
    public var now: @Sendable () -> Int64
    /// Where and by whom inspections are made (from config; empty when not set).
    public var place: String
    public var officerID: String
    /// Whether a UID typed by hand can be looked up (needs the provenance cache, not built yet).
    public var uidLookupAvailable: Bool

    public init(verify: @escaping @Sendable (String) -> VerificationResult,
                cacheStatus: @escaping @Sendable () -> CacheSummary?,
                record: @escaping @Sendable (InspectionDraft) throws -> Void,
                now: @escaping @Sendable () -> Int64,
                place: String = "", officerID: String = "", uidLookupAvailable: Bool = false) {
        self.verify = verify; self.cacheStatus = cacheStatus; self.record = record; self.now = now
        self.place = place; self.officerID = officerID; self.uidLookupAvailable = uidLookupAvailable
    }
}
