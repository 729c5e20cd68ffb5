import Foundation

/// When the server asked to be tried again (RFC 9110 §10.2.3 `Retry-After`), kept as the value it sent.
///
/// A 429 or 503 on a 2G link is the server managing load; honouring it saves the officer's battery and the
/// hub's capacity. The value stays as sent (a delay or an instant) and is turned into a wait only against a
/// caller-supplied "now", so scheduling is testable without a clock.
public enum RetryAfter: Sendable, Equatable, CustomStringConvertible {
    /// `Retry-After: 120` — wait this many seconds from when the response arrived.
    case delay(seconds: Int)
    /// `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT` — wait until this instant.
    case date(Date)

    /// Parses a header value; nil when it is neither delta-seconds nor an HTTP-date.
    public init?(headerValue: String) {
        let text = headerValue.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Saturate absurd values rather than reject them: "wait a very long time" is still the message.
            self = .delay(seconds: Int(text) ?? Int.max)
        } else if let seconds = HTTPDate.parse(text) {
            self = .date(Date(timeIntervalSince1970: TimeInterval(seconds)))
        } else {
            return nil
        }
    }

    /// How long to wait from `now` (never negative: a date in the past means "now").
    public func delay(from now: Date) -> TimeInterval {
        switch self {
        case .delay(let seconds): return TimeInterval(seconds)
        case .date(let date): return max(0, date.timeIntervalSince(now))
        }
    }

    public var description: String {
        switch self {
        case .delay(let seconds): return "\(seconds) s"
        case .date(let date): return ISO8601DateFormatter().string(from: date)
        }
    }
}
