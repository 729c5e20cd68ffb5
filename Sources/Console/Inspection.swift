import FieldStore
import Provenance
import StampCodes

/// Reason codes the console adds (docs/console.md).
public enum ConsoleReasonCode {
    /// A UID typed by hand: nothing was verified, only the cache was consulted.
    public static let uidNotVerified = "uid-not-verified"
    /// The cache could not be read for this inspection's provenance (informational).
    public static let cacheLookupFailed = "cache-lookup-failed"
    /// An overt or semi-covert feature failed the optical checklist.
    public static let checklistFailed = "checklist-failed"
    /// A covert feature failed in the field (informational: confirmed in the laboratory).
    public static let checklistCovertFailed = "checklist-covert-failed"
}

/// What the officer entered and what the console concluded: the verdict with its reasons, the decrypted
/// fields, and the provenance report from the cache.
public struct InspectionOutcome: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// A `TS1:` code, verified.
        case code
        /// A UID typed by hand: looked up in the cache only, never verified.
        case uid
    }

    /// Exactly what was entered (what gets recorded).
    public var input: String
    public var kind: Kind
    public var verdict: Verdict
    public var reasons: [Reason]
    public var payload: StampPayload?
    /// The cache's report for the UID (nil without a cache, or when there is no UID to look up).
    public var provenance: ProvenanceReport?
    /// Why there is no provenance, in the officer's words (nil when there is).
    public var provenanceNote: String?

    public init(input: String, kind: Kind, verdict: Verdict, reasons: [Reason], payload: StampPayload? = nil,
                provenance: ProvenanceReport? = nil, provenanceNote: String? = nil) {
        self.input = input; self.kind = kind; self.verdict = verdict; self.reasons = reasons; self.payload = payload
        self.provenance = provenance; self.provenanceNote = provenanceNote
    }

    /// The UID the inspection is about: the code's, or the one typed.
    public var uid: String? { payload?.uid ?? (kind == .uid ? input : nil) }

    /// The stamp series whose checklist applies: the code's, else the cache's commissioning record.
    public var seriesID: String? { payload?.series ?? provenance?.pack?.seriesID }
}

/// The inspection pipeline: verify, then the cache's verdict rules. Pure apart from the environment's
/// closures, which the tests give in-memory answers.
public enum Inspector {
    /// A scanned or typed `TS1:` code: verified, then (when the payload decrypted) the cache's rules:
    /// watchlist, commissioning mismatch, never reported (docs/provenance.md).
    public static func inspect(code: String, environment env: ConsoleEnvironment) -> InspectionOutcome {
        let result = env.verify(code)
        var outcome = InspectionOutcome(input: code, kind: .code, verdict: result.verdict, reasons: result.reasons,
                                        payload: result.payload)
        guard let payload = result.payload else {
            outcome.provenanceNote = "No provenance: the code could not be decrypted, so there is no UID to look up."
            return outcome
        }
        do {
            if let report = try env.provenance(payload.uid, payload) {
                let ruled = CacheRules.apply(report, to: result)
                outcome.verdict = ruled.verdict
                outcome.reasons = ruled.reasons
                outcome.provenance = report
            } else {
                outcome.provenanceNote = "No provenance: this device has no offline cache yet."
            }
        } catch {
            env.log("provenance lookup for \(payload.uid) failed: \(error)")
            outcome.provenanceNote = "The offline cache could not be read (\(error)); the verdict rests on the code alone."
            outcome.reasons.append(Reason(ConsoleReasonCode.cacheLookupFailed, .genuine,
                                          "The offline cache could not be read, so watchlist and provenance were not checked. Run `stampwatch cache verify`."))
        }
        return outcome
    }

    /// A UID typed by hand: only the cache is consulted and the result says so. The verdict is
    /// **unverifiable** (no code, no signature), or **suspect** when the cache raises a concern
    /// (a watchlisted UID is suspect whatever the stamp looks like).
    public static func lookUp(uid: String, environment env: ConsoleEnvironment) -> InspectionOutcome {
        var reasons = [Reason(ConsoleReasonCode.uidNotVerified, .unverifiable,
                              "NOT VERIFIED: the UID was typed by hand, so no stamp code was read and no signature checked. Only the offline cache was consulted. Scan the stamp to verify it.")]
        var outcome = InspectionOutcome(input: uid, kind: .uid, verdict: .unverifiable, reasons: reasons)
        do {
            if let report = try env.provenance(uid, nil) {
                let added = CacheRules.reasons(for: report)
                reasons += added
                outcome.provenance = report
                outcome.verdict = added.contains { $0.verdict == .suspect } ? .suspect : .unverifiable
            } else {
                outcome.provenanceNote = "No provenance: this device has no offline cache yet."
            }
        } catch {
            env.log("provenance lookup for typed UID \(uid) failed: \(error)")
            outcome.provenanceNote = "The offline cache could not be read (\(error))."
            reasons.append(Reason(ConsoleReasonCode.cacheLookupFailed, .genuine,
                                  "The offline cache could not be read, so the UID could not be looked up. Run `stampwatch cache verify`."))
        }
        outcome.reasons = reasons
        return outcome
    }
}

/// How one checklist feature was found.
public enum ChecklistMark: String, Sendable, Equatable, CaseIterable {
    case notChecked = "not-checked", pass, fail

    /// The mark as a word with a symbol (never colour alone): `✓ PASS`, `✗ FAIL`, `· not checked`.
    public var label: String {
        switch self {
        case .pass: "✓ PASS"
        case .fail: "✗ FAIL"
        case .notChecked: "· ----"
        }
    }

    /// The next mark in the cycle Right walks: not checked → pass → fail → not checked.
    public var next: ChecklistMark {
        switch self {
        case .notChecked: .pass
        case .pass: .fail
        case .fail: .notChecked
        }
    }

    public var previous: ChecklistMark { next.next }
}

/// A series' checklist with the officer's marks.
public struct ChecklistState: Sendable, Equatable {
    public var checklist: SeriesChecklist
    public var marks: [ChecklistMark]

    public init(_ checklist: SeriesChecklist) {
        self.checklist = checklist
        self.marks = Array(repeating: .notChecked, count: checklist.features.count)
    }

    public var features: [ChecklistFeature] { checklist.features }

    public func count(_ mark: ChecklistMark) -> Int { marks.filter { $0 == mark }.count }
}

/// The checklist's verdict rules: pure functions of the features and the marks.
public enum ChecklistRules {
    public static func levelName(_ level: FeatureLevel) -> String {
        switch level {
        case .overt: "overt"
        case .semiCovert: "semi-covert"
        case .covert: "covert"
        }
    }

    public static func toolName(_ tool: InspectionTool) -> String {
        switch tool {
        case .none: "eyes"
        case .loupe: "loupe"
        case .uvTorch: "UV torch"
        case .reader: "reader"
        }
    }

    /// One reason per failed feature. A failed overt or semi-covert feature is **suspect**, naming the
    /// feature. A failed covert feature is recorded as information only: covert features are confirmed
    /// in the laboratory, and a field reading alone does not change the verdict.
    public static func reasons(_ state: ChecklistState) -> [Reason] {
        zip(state.features, state.marks).compactMap { feature, mark in
            guard mark == .fail else { return nil }
            switch feature.level {
            case .overt, .semiCovert:
                return Reason(ConsoleReasonCode.checklistFailed, .suspect,
                              "The \(levelName(feature.level)) feature “\(feature.name)” failed the optical check (looked for: \(feature.lookFor)). Hold the pack.")
            case .covert:
                return Reason(ConsoleReasonCode.checklistCovertFailed, .genuine,
                              "The covert feature “\(feature.name)” failed in the field (\(toolName(feature.tool))). Send a sample for laboratory confirmation.")
            }
        }
    }

    /// The inspection's verdict and reasons once the checklist is taken into account: the scan's
    /// reasons, then the checklist's; the worst verdict wins (a counterfeit stays counterfeit). The
    /// generic `verified` reason goes when the checklist raises a concern.
    public static func apply(_ state: ChecklistState, to outcome: InspectionOutcome) -> (verdict: Verdict, reasons: [Reason]) {
        let added = reasons(state)
        guard !added.isEmpty else { return (outcome.verdict, outcome.reasons) }
        var all = outcome.reasons
        if added.contains(where: { $0.verdict > .genuine }) { all.removeAll { $0.code == ReasonCode.verified } }
        all += added
        let verdict = max(outcome.verdict, added.map(\.verdict).max() ?? .genuine)
        return (verdict, all)
    }

    /// The checklist results as the record stores them:
    /// `{"amends":"<first record>","series":"…","features":[{"feature":"…","name":"…","level":"overt","tool":"loupe","result":"fail"}]}`.
    /// Without a checklist (a code with no known series) the record carries the notes and place only:
    /// `{"amends":"…","series":null,"features":[]}`.
    public static func json(_ state: ChecklistState?, amends: String?) -> String {
        var parts: [String] = []
        if let amends { parts.append("\"amends\":" + JSONText.quoted(amends)) }
        parts.append("\"series\":" + (state.map { JSONText.quoted($0.checklist.series.seriesID) } ?? "null"))
        let features = zip(state?.features ?? [], state?.marks ?? []).map { f, m in
            "{\"feature\":\(JSONText.quoted(f.featureID)),\"name\":\(JSONText.quoted(f.name)),\"level\":\(JSONText.quoted(f.level.rawValue)),"
                + "\"tool\":\(JSONText.quoted(f.tool.rawValue)),\"result\":\(JSONText.quoted(m.rawValue))}"
        }
        parts.append("\"features\":[" + features.joined(separator: ",") + "]")
        return "{" + parts.joined(separator: ",") + "}"
    }
}
