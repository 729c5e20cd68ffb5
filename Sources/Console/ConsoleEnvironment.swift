import FieldStore
import Provenance
import StampCodes

/// How fresh the offline cache is, as the status bar and the result panel say it.
public enum CacheFreshness: String, Sendable, Equatable {
    case fresh, stale, expired
    case noCache = "no cache"
}

/// The last cache update attempt, as the cache & sync screen shows it.
public struct CacheUpdateSummary: Sendable, Equatable {
    /// `succeeded`, `failed`, `interrupted` or `in-progress`.
    public var state: String
    /// What was being applied (`snapshot v42 (region MZ)`).
    public var target: String
    /// Epoch seconds: when it started and (if it did) finished.
    public var startedAt: Int64
    public var finishedAt: Int64?
    /// Why it failed, in a sentence.
    public var error: String?
    /// When an update last succeeded (epoch seconds).
    public var lastSuccessAt: Int64?

    public init(state: String, target: String, startedAt: Int64, finishedAt: Int64? = nil, error: String? = nil,
                lastSuccessAt: Int64? = nil) {
        self.state = state; self.target = target; self.startedAt = startedAt; self.finishedAt = finishedAt
        self.error = error; self.lastSuccessAt = lastSuccessAt
    }
}

/// What the console shows about the offline cache: freshness, version and age (nil values: unknown),
/// and for the cache & sync screen where it came from and how the last update went.
public struct CacheSummary: Sendable, Equatable {
    public var freshness: CacheFreshness
    public var version: Int64?
    public var ageSeconds: Int64?
    /// Inspections recorded but not yet acknowledged by the hub (pending plus in flight); nil if unknown.
    public var pendingUploads: Int?
    public var region: String?
    /// Where the cache was loaded from (a URL or a directory).
    public var source: String?
    /// Epoch seconds.
    public var publishedAt: Int64?
    public var appliedAt: Int64?
    /// When the cache is due to be refreshed, and when it counts as expired.
    public var dueAt: Int64?
    public var expiresHardAt: Int64?
    public var lastUpdate: CacheUpdateSummary?

    public init(freshness: CacheFreshness, version: Int64? = nil, ageSeconds: Int64? = nil, pendingUploads: Int? = nil,
                region: String? = nil, source: String? = nil, publishedAt: Int64? = nil, appliedAt: Int64? = nil,
                dueAt: Int64? = nil, expiresHardAt: Int64? = nil, lastUpdate: CacheUpdateSummary? = nil) {
        self.freshness = freshness
        self.version = version
        self.ageSeconds = ageSeconds
        self.pendingUploads = pendingUploads
        self.region = region; self.source = source; self.publishedAt = publishedAt; self.appliedAt = appliedAt
        self.dueAt = dueAt; self.expiresHardAt = expiresHardAt; self.lastUpdate = lastUpdate
    }

    /// A device with no cache applied yet.
    public static let noCache = CacheSummary(freshness: .noCache)
}

/// The console's view of uploads to the hub, fed by the background sync (`stampwatch` maps `Sync.SyncStatus`
/// onto it) or, without one, by the outbox counts alone.
public struct SyncStatus: Sendable, Equatable {
    /// The link to the hub as the sync engine learned it by trying (never guessed).
    public enum Link: String, Sendable, Equatable {
        /// No sync runs in this console (plain counts from the outbox; records wait there).
        case notRunning = "not running"
        /// This console is not enrolled with a hub: records wait in the outbox until it is.
        case notEnrolled = "not enrolled"
        /// The hub could not be reached, or it is busy and asked to wait (`lastError` says which).
        case offline
        /// A run is trying to reach the hub and nothing is known yet.
        case connecting
        case online
        /// The hub refuses this device or the link is not trusted (revoked, signature, TLS pin, forged
        /// receipt, no hub key): retrying will not help until someone acts. `lastError` says what.
        case refused
    }

    /// Recorded, waiting to be sent.
    public var pending: Int
    /// Sent, waiting for the hub's signed receipt.
    public var inFlight: Int
    /// Stored by the hub (a verified receipt names them).
    public var acknowledged: Int
    /// Refused by the hub for good (kept on the device, shown to the officer).
    public var refused: Int
    public var link: Link
    /// The last send error, in a sentence.
    public var lastError: String?
    /// When a batch was last acknowledged (epoch seconds).
    public var lastSuccessAt: Int64?
    /// When the next attempt is due (epoch seconds), if one is scheduled.
    public var nextAttemptAt: Int64?
    /// A run is in progress right now, with its progress (records answered of those waiting when it began).
    public var running = false
    public var progressDone = 0
    public var progressTotal = 0
    /// The hub this console is enrolled with, and its id there (nil: not enrolled or unknown).
    public var hub: String?
    public var deviceID: String?

    public init(pending: Int = 0, inFlight: Int = 0, acknowledged: Int = 0, refused: Int = 0, link: Link = .notRunning,
                lastError: String? = nil, lastSuccessAt: Int64? = nil, nextAttemptAt: Int64? = nil, running: Bool = false,
                progressDone: Int = 0, progressTotal: Int = 0, hub: String? = nil, deviceID: String? = nil) {
        self.pending = pending; self.inFlight = inFlight; self.acknowledged = acknowledged; self.refused = refused
        self.link = link; self.lastError = lastError; self.lastSuccessAt = lastSuccessAt; self.nextAttemptAt = nextAttemptAt
        self.running = running; self.progressDone = progressDone; self.progressTotal = progressTotal
        self.hub = hub; self.deviceID = deviceID
    }

    /// Records not yet stored by the hub.
    public var waiting: Int { pending + inFlight }

    /// The link in a word or two, for the status bar.
    public var linkWord: String {
        switch link {
        case .notRunning: "sync off"
        case .notEnrolled: "not enrolled"
        case .offline: "offline"
        case .connecting: "connecting"
        case .online: "online"
        case .refused: "sync refused"
        }
    }

    /// The console's link for the sync engine's `LinkState` (its raw value: `unknown`, `up`, `down`, `busy`,
    /// `refused`). `up` is online; `down` and `busy` are offline (the error says which: unreachable, or the
    /// hub asked to wait); `refused` stays refused (someone must act); `unknown` is connecting while a run
    /// tries, else offline when the last attempt left an error (no hub key yet, say), else connecting.
    public static func link(engineState: String, running: Bool, lastError: String?) -> Link {
        switch engineState {
        case "up": .online
        case "down", "busy": .offline
        case "refused": .refused
        default: running || lastError == nil ? .connecting : .offline
        }
    }
}

/// One inspection record as the console hands it to the store.
///
/// The first record of an inspection is written when the officer presses Enter on a code, before the
/// verdict shows. A checklist completed afterwards is written as a follow-up record whose
/// `checklistJSON` names the first record (`"amends": "<record uuid>"`); records are never rewritten.
public struct InspectionDraft: Sendable, Equatable {
    public var code: String
    public var verdict: Verdict
    public var reasons: [Reason]
    /// The checklist results as JSON (`{}` for the first record, before any checklist).
    public var checklistJSON: String
    public var notes: String
    public var place: String
    public var officerID: String
    public var cacheVersion: Int64?
    public var cacheAgeSeconds: Int64?
    /// Epoch seconds.
    public var createdAt: Int64

    public init(code: String, verdict: Verdict, reasons: [Reason], checklistJSON: String = "{}", notes: String = "", place: String,
                officerID: String, cacheVersion: Int64?, cacheAgeSeconds: Int64?, createdAt: Int64) {
        self.code = code; self.verdict = verdict; self.reasons = reasons; self.checklistJSON = checklistJSON; self.notes = notes
        self.place = place; self.officerID = officerID
        self.cacheVersion = cacheVersion; self.cacheAgeSeconds = cacheAgeSeconds; self.createdAt = createdAt
    }

    /// The reasons as the JSON array the outbox stores: `[{"code": …, "message": …}]`.
    public var reasonsJSON: String {
        "[" + reasons.map { "{\"code\":\(JSONText.quoted($0.code)),\"message\":\(JSONText.quoted($0.message))}" }.joined(separator: ",") + "]"
    }
}

/// A series' optical checklist as the cache holds it.
public struct SeriesChecklist: Sendable, Equatable {
    public var series: StampSeries
    /// In the cache's order.
    public var features: [ChecklistFeature]

    public init(series: StampSeries, features: [ChecklistFeature]) {
        self.series = series
        self.features = features
    }
}

/// Everything the console needs from the outside world, as values and closures, so the core runs in
/// tests without a terminal or a disk. `stampwatch` wires these to the keyring and the field store.
public struct ConsoleEnvironment: Sendable {
    /// Verifies one code (the verifier with the device's keyring and "now").
    public var verify: @Sendable (String) -> VerificationResult
    /// The provenance report of a UID from the offline cache (`payload` when it came from a verified code);
    /// nil when the device has no cache. Throws when the cache cannot be read.
    public var provenance: @Sendable (_ uid: String, _ payload: StampPayload?) throws -> ProvenanceReport?
    /// A series' optical checklist from the cache; nil when the cache does not know the series.
    public var checklist: @Sendable (_ seriesID: String) throws -> SeriesChecklist?
    /// The cache and outbox state right now (nil when the store cannot be read).
    public var cacheStatus: @Sendable () -> CacheSummary?
    /// Uploads to the hub right now (nil when unknown). Cheap: called after every inspection.
    public var syncStatus: @Sendable () -> SyncStatus?
    /// Asks the background sync to run now ("Sync now"); nil when this console has none (not enrolled, tests).
    /// Must return at once: the run happens on the sync's own thread.
    public var syncNow: (@Sendable () -> Void)?
    /// Subscribes to the background sync's status changes (a run starting, its progress, its end). The
    /// callback may be called from any thread, at any time, until the process ends; nil: no background sync.
    public var syncUpdates: (@Sendable (_ deliver: @escaping @Sendable (SyncStatus) -> Void) -> Void)?
    /// Stores an inspection record durably with its outbox row; returns its record id (a UUID) only
    /// once it is on disk.
    public var record: @Sendable (InspectionDraft) throws -> String
    /// Epoch seconds.
    public var now: @Sendable () -> Int64
    /// Appends a line to the console's log file (never the screen).
    public var log: @Sendable (String) -> Void
    /// Where and by whom inspections are made (from config; empty when not set).
    public var place: String
    public var officerID: String

    public init(verify: @escaping @Sendable (String) -> VerificationResult,
                provenance: @escaping @Sendable (String, StampPayload?) throws -> ProvenanceReport? = { _, _ in nil },
                checklist: @escaping @Sendable (String) throws -> SeriesChecklist? = { _ in nil },
                cacheStatus: @escaping @Sendable () -> CacheSummary?,
                syncStatus: @escaping @Sendable () -> SyncStatus? = { nil },
                record: @escaping @Sendable (InspectionDraft) throws -> String,
                now: @escaping @Sendable () -> Int64,
                log: @escaping @Sendable (String) -> Void = { _ in },
                place: String = "", officerID: String = "",
                syncNow: (@Sendable () -> Void)? = nil,
                syncUpdates: (@Sendable (@escaping @Sendable (SyncStatus) -> Void) -> Void)? = nil) {
        self.verify = verify; self.provenance = provenance; self.checklist = checklist
        self.cacheStatus = cacheStatus; self.syncStatus = syncStatus; self.record = record; self.now = now; self.log = log
        self.place = place; self.officerID = officerID
        self.syncNow = syncNow; self.syncUpdates = syncUpdates
    }
}

/// Minimal JSON text writing for the records' JSON columns (the store parses them again before writing).
public enum JSONText {
    public static func quoted(_ s: String) -> String {
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
