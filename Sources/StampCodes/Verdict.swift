/// The outcome for one code. Cases are ordered by precedence: a higher one always wins.
public enum Verdict: String, Sendable, CaseIterable, Comparable {
    case genuine, suspect, unverifiable, counterfeit, malformed

    var rank: Int {
        switch self {
        case .genuine: 0
        case .suspect: 1
        case .unverifiable: 2
        case .counterfeit: 3
        case .malformed: 4
        }
    }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }

    /// A symbol that travels with the word, so meaning never rests on colour alone.
    public var symbol: String {
        switch self {
        case .genuine: "✔"
        case .suspect: "⚠"
        case .unverifiable: "?"
        case .counterfeit: "✘"
        case .malformed: "✘"
        }
    }
}

/// Why a verdict was reached: a stable machine-readable code and a sentence for an officer.
public struct Reason: Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The verdict this reason implies on its own.
    public var verdict: Verdict

    public init(_ code: String, _ verdict: Verdict, _ message: String) {
        self.code = code
        self.verdict = verdict
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}

/// Stable reason codes (docs/stamp-code.md lists them with their verdicts).
public enum ReasonCode {
    public static func malformed(_ layer: CodeLayer) -> String { "malformed-\(layer.rawValue)" }
    public static let signatureInvalid = "signature-invalid"
    public static let algorithmMismatch = "algorithm-mismatch"
    public static let decryptionFailed = "decryption-failed"
    public static let unknownSignerKey = "unknown-signer-key"
    public static let unknownDataKey = "unknown-data-key"
    public static let marketMismatch = "market-mismatch"
    public static let signerKeyRevoked = "signer-key-revoked"
    public static let manufacturedInFuture = "manufactured-in-future"
    public static let outsideKeyValidity = "outside-signer-key-validity"
    public static let verified = "verified"
    public static let expiredCache = "expired-cache"
}
