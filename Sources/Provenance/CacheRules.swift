import FieldStore
import StampCodes

/// Reason codes the cache adds to a verdict (docs/stamp-code.md, "Verdicts"; docs/provenance.md).
extension ReasonCode {
    /// `watchlist-stolen`, `watchlist-recalled`, `watchlist-clone`, …
    public static func watchlist(_ reason: WatchReason) -> String { "watchlist-\(reason.rawValue)" }
    public static let commissioningMismatch = "commissioning-mismatch"
    public static let neverReported = "never-reported"
    /// Informational: the cache does not cover the pack's facility and time.
    public static let notInCache = "not-in-cache"
}

/// The verdict rules that need the cache: a pure function of a verification result and the report made
/// for its UID.
public enum CacheRules {
    /// The reasons the report's findings give. Suspect ones, plus an informational `not-in-cache`.
    public static func reasons(for report: ProvenanceReport) -> [Reason] {
        report.findings.map { finding in
            switch finding {
            case .watchlisted(_, let reason, let since, let note, let via):
                let what: String
                switch reason {
                case .deactivated: what = "deactivated"
                case .recalled: what = "recalled"
                case .stolen: what = "reported stolen"
                case .destroyed: what = "reported destroyed (this stamp should no longer exist)"
                case .seized: what = "seized"
                case .clone: what = "flagged as a cloned code (the same UID seen where no shipment explains it)"
                }
                let subject = via.isEmpty ? "This UID" : "Its \(via)"
                let detail = note.isEmpty ? "" : ": \(note)"
                return Reason(ReasonCode.watchlist(reason), .suspect,
                              "\(subject) is on the watchlist, \(what) on \(RFC3339.format(since))\(detail). Hold the pack and report it.")
            case .commissioningMismatch(let fields):
                let list = fields.map { "\($0.field): code says \($0.code), commissioning says \($0.cache)" }.joined(separator: "; ")
                return Reason(ReasonCode.commissioningMismatch, .suspect,
                              "The code disagrees with the pack's commissioning report (\(list)). The code may have been copied onto other goods.")
            case .neverReported(let w):
                return Reason(ReasonCode.neverReported, .suspect,
                              "Never reported as applied: the cache holds every pack made at \(w.facilityID) from \(RFC3339.format(w.from)) to \(RFC3339.format(w.to)), and not this UID.")
            case .notInCache(let covers):
                let scope = covers.isEmpty
                    ? "the cache holds no provenance coverage at all"
                    : "the cache covers " + summary(covers)
                return Reason(ReasonCode.notInCache, .genuine,
                              "This UID is not in the offline cache, and that alone is not a concern: \(scope). Provenance is unknown here.")
            }
        }
    }

    /// "F-MZL-01 (2026-07-01 to 2026-10-31), F-MZN-01 (…)", at most `limit` windows then a count.
    public static func summary(_ windows: [CoverageWindow], limit: Int = 6) -> String {
        func day(_ t: Int64) -> String { String(RFC3339.format(t).prefix(10)) }
        var parts = windows.prefix(limit).map { "\($0.facilityID) (\(day($0.from)) to \(day($0.to)))" }
        if windows.count > limit { parts.append("and \(windows.count - limit) more") }
        return parts.joined(separator: ", ")
    }

    /// The result with the cache's reasons added and the verdict recomputed (the worst reason wins).
    /// Applies only to codes whose payload was decrypted: a counterfeit or unreadable code carries no UID to
    /// trust. The generic `verified` reason ("no rule raised a concern") is dropped when a cache rule does.
    public static func apply(_ report: ProvenanceReport, to result: VerificationResult) -> VerificationResult {
        guard result.payload != nil else { return result }
        var r = result
        let added = reasons(for: report)
        if added.contains(where: { $0.verdict > .genuine }) {
            r.reasons.removeAll { $0.code == ReasonCode.verified }
        }
        // Expired-cache stays last: it qualifies every other reason.
        let expired = r.reasons.filter { $0.code == ReasonCode.expiredCache }
        r.reasons.removeAll { $0.code == ReasonCode.expiredCache }
        r.reasons += added + expired
        r.verdict = r.reasons.map(\.verdict).max() ?? .genuine
        return r
    }
}
