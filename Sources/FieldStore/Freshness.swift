/// How old the cache is allowed to get. A pure function of trusted time and signed expiry dates.
///
/// Rule (chosen and documented here):
/// - the *due date* is the earliest of the timestamp role's `expires` and the cache's own `expires`
///   (both signed by the hub);
/// - **fresh** until the due date; **stale** from it (use continues with a warning: refresh when you
///   can); **expired** from `due date + hardLimit` (default 30 days). Expired verdicts still work, but
///   carry the `expired-cache` reason.
/// - "now" is trusted time, `max(device clock, newest signed time seen)`, so winding the device clock
///   back cannot make an old cache look fresh. (Winding it forward makes the cache look older, the safe
///   direction.)
/// The hard limit counts from the due date, not from the last signed time, so it means one thing to an
/// officer: "30 days past the date this cache was meant to be refreshed".
public struct FreshnessPolicy: Sendable, Equatable {
    /// Seconds after the due date at which the cache counts as expired.
    public var hardLimit: Int64 = 30 * 86_400

    public init(hardLimit: Int64 = 30 * 86_400) { self.hardLimit = hardLimit }
}

public enum Freshness: String, Sendable, Equatable {
    case fresh, stale, expired
    /// No cache has been applied yet.
    case noCache = "no-cache"
}

/// A reason for the verdict engine and the status line, with a stable code and a sentence.
public struct CacheReason: Sendable, Equatable {
    public var code: String
    public var message: String
}

public struct FreshnessAssessment: Sendable, Equatable {
    public var freshness: Freshness
    public var trustedNow: Int64
    /// When the cache was due to be refreshed (nil without a cache).
    public var dueAt: Int64?
    /// When it counts (or will count) as expired.
    public var expiresHardAt: Int64?
    /// `stale-cache`, `expired-cache` or `no-cache`; empty when fresh.
    public var reasons: [CacheReason]
}

public enum FreshnessRule {
    /// Assesses freshness. `timestampExpires` is the trusted timestamp role's expiry, `cacheExpires` the
    /// applied cache's `expires`; either may be nil (the other is then the due date); both nil = no cache.
    public static func assess(deviceClock: Int64, maxSignedTime: Int64?, timestampExpires: Int64?, cacheExpires: Int64?,
                              policy: FreshnessPolicy = FreshnessPolicy()) -> FreshnessAssessment {
        let now = max(deviceClock, maxSignedTime ?? .min)
        let due: Int64? = switch (timestampExpires, cacheExpires) {
        case (nil, nil): nil
        case (let t?, nil): t
        case (nil, let c?): c
        case (let t?, let c?): min(t, c)
        }
        guard let due, cacheExpires != nil else {
            return FreshnessAssessment(freshness: .noCache, trustedNow: now, dueAt: nil, expiresHardAt: nil,
                                       reasons: [CacheReason(code: "no-cache", message: "no reference cache has been loaded yet: provenance and watchlist checks are unavailable")])
        }
        let hard = due.addingReportingOverflow(policy.hardLimit).overflow ? Int64.max : due + policy.hardLimit
        if now < due {
            return FreshnessAssessment(freshness: .fresh, trustedNow: now, dueAt: due, expiresHardAt: hard, reasons: [])
        }
        if now < hard {
            return FreshnessAssessment(freshness: .stale, trustedNow: now, dueAt: due, expiresHardAt: hard, reasons: [
                CacheReason(code: "stale-cache", message: "the reference cache was due for refresh \(days(now - due)) ago; results use it, refresh when a network is available"),
            ])
        }
        return FreshnessAssessment(freshness: .expired, trustedNow: now, dueAt: due, expiresHardAt: hard, reasons: [
            CacheReason(code: "expired-cache", message: "the reference cache is \(days(now - due)) past its refresh date (limit \(days(policy.hardLimit))); results may miss recent recalls and thefts"),
        ])
    }

    static func days(_ seconds: Int64) -> String {
        if seconds < 3600 { return "\(max(seconds / 60, 0)) min" }
        if seconds < 2 * 86_400 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) days"
    }
}
