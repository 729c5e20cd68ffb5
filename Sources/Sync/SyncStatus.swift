import Foundation

/// Whether the hub can be reached, as learned by trying (never guessed).
public enum LinkState: String, Sendable, Equatable {
    /// Not tried yet in this process, and nothing remembered.
    case unknown
    /// The last exchange with the hub completed.
    case up
    /// The last attempt could not reach the hub, or the connection dropped.
    case down
    /// The hub answered but is busy or failing (429, 5xx): it asked to try later.
    case busy
    /// The hub refuses this device or the link is not trusted (revoked, not enrolled, TLS pin, forged receipt):
    /// retrying will not help until someone acts.
    case refused
}

/// What the sync screen and `stampwatch sync` show: counts per outbox state, the link, the last error in plain
/// words and the last success.
public struct SyncStatus: Sendable, Equatable {
    public var pending: Int
    public var inFlight: Int
    public var acknowledged: Int
    public var refused: Int
    public var link: LinkState
    /// In plain words, for the officer; nil after a clean run.
    public var lastError: String?
    /// Epoch seconds of the last run that left nothing it could send unsent.
    public var lastSuccessAt: Int64?
    /// Epoch seconds of the last attempt.
    public var lastAttemptAt: Int64?
    /// When the engine will try again (backoff, or the hub's Retry-After).
    public var nextAttemptAt: Int64?
    public var consecutiveFailures: Int
    /// What the last run did.
    public var lastRun: RunSummary?
    /// The hub receipt key from the signed cache is present: without it nothing can be marked delivered.
    public var hasHubKey: Bool
    /// The enrolled device id (nil: not enrolled).
    public var deviceID: String?

    public init(pending: Int = 0, inFlight: Int = 0, acknowledged: Int = 0, refused: Int = 0, link: LinkState = .unknown,
                lastError: String? = nil, lastSuccessAt: Int64? = nil, lastAttemptAt: Int64? = nil, nextAttemptAt: Int64? = nil,
                consecutiveFailures: Int = 0, lastRun: RunSummary? = nil, hasHubKey: Bool = false, deviceID: String? = nil) {
        self.pending = pending; self.inFlight = inFlight; self.acknowledged = acknowledged; self.refused = refused
        self.link = link; self.lastError = lastError; self.lastSuccessAt = lastSuccessAt
        self.lastAttemptAt = lastAttemptAt; self.nextAttemptAt = nextAttemptAt; self.consecutiveFailures = consecutiveFailures
        self.lastRun = lastRun; self.hasHubKey = hasHubKey; self.deviceID = deviceID
    }

    /// Records still to deliver (pending and in flight).
    public var unsent: Int { pending + inFlight }
}

/// What one `runOnce` did.
public struct RunSummary: Sendable, Equatable {
    public var startedAt: Double
    public var finishedAt: Double
    public var batchesSent: Int = 0
    /// Records newly acknowledged by verified receipts in this run.
    public var acknowledged: Int = 0
    public var refused: Int = 0
    /// Bytes of request bodies sent (compressed) and of the JSON before compression.
    public var bytesSent: Int = 0
    public var jsonBytes: Int = 0
    /// Bytes of the acknowledged records as stored on the device.
    public var payloadBytes: Int = 0
    /// True when the run ended with nothing left it could send now.
    public var completed: Bool = false
    /// The cache refresh after the upload: nil when not run, else its one-line outcome.
    public var cacheRefresh: String?
    public var cacheRefreshFailed: Bool = false

    public init(startedAt: Double, finishedAt: Double) { self.startedAt = startedAt; self.finishedAt = finishedAt }
}
