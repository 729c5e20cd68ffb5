import Foundation
import HTTP

/// When to try again after a failure: exponential backoff with jitter, never sooner than the hub's
/// `Retry-After`. A pure function of (attempt, seed, header, now), so every schedule is testable.
///
/// The delay for attempt n (1 = the first retry) is drawn uniformly from [cap/2, cap] where
/// cap = min(maxDelay, base · 2^(n-1)) ("equal jitter": never a burst of immediate retries, and devices that lost
/// the link together do not come back in lock-step). The draw comes from SplitMix64 over (seed, n): the same
/// device retries on the same schedule after a restart, and different devices (seeds) spread out.
public struct BackoffPolicy: Sendable, Equatable {
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured (a hub asking for a week is capped to this).
    public var maxRetryAfter: Double

    public init(baseDelay: Double = 5, maxDelay: Double = 900, maxRetryAfter: Double = 3600) {
        self.baseDelay = max(0.001, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }
}

public enum Backoff {
    /// Seconds to wait before attempt `attempt + 1`, after `attempt` consecutive failures (attempt ≥ 1).
    ///
    /// - Parameters:
    ///   - retryAfter: the hub's `Retry-After` header value as received (delta-seconds or an HTTP-date), if any.
    ///   - now: epoch seconds when the answer arrived (to turn an HTTP-date into a wait).
    public static func delay(attempt: Int, seed: UInt64, retryAfter: String?, now: Double, policy: BackoffPolicy = BackoffPolicy()) -> Double {
        let n = max(1, attempt)
        let exponent = min(n - 1, 62)
        let cap = min(policy.maxDelay, policy.baseDelay * pow(2, Double(exponent)))
        let u = unitInterval(seed: seed, attempt: UInt64(n))
        let jittered = cap / 2 + u * cap / 2
        guard let retryAfter, let asked = retryAfterSeconds(retryAfter, now: now) else { return jittered }
        return max(jittered, min(asked, policy.maxRetryAfter))
    }

    /// The wait a `Retry-After` value asks for, from `now` (RFC 9110 §10.2.3); nil when it is neither form.
    public static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return Double(text) ?? .greatestFiniteMagnitude
        }
        guard let at = HTTPDate.parse(text) else { return nil }
        return max(0, Double(at) - now)
    }

    /// A number in [0, 1) from SplitMix64 of (seed, attempt).
    static func unitInterval(seed: UInt64, attempt: UInt64) -> Double {
        var z = seed &+ attempt &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z = z ^ (z >> 31)
        return Double(z >> 11) / Double(1 << 53)
    }

    /// A seed from a device id (FNV-1a), so a device's schedule survives restarts.
    public static func seed(for deviceID: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in deviceID.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
