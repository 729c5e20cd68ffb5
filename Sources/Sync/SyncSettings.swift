import Foundation

/// Everything `stampwatch sync` and the console's background sync are configured by.
///
/// Layers, later ones winning: built-in defaults, the enrolled identity (hub URL, pin, CA as given at enrolment),
/// the `[sync]` section of `$XDG_CONFIG_HOME/stampwatch/config`, then command-line flags.
public struct SyncSettings: Sendable, Equatable {
    /// The hub's API root, e.g. `https://hub.example` (requests go to `/v1/...` and `/tuf/...` under it).
    public var hubURL: String?
    /// `sha256//BASE64` of the hub's TLS public key (several separated by `;`).
    public var pin: String?
    /// A PEM CA bundle to trust instead of the system's.
    public var caFile: String?
    /// Allow plain http:// to a loopback hub (tests, a hub on the same machine).
    public var allowInsecureLoopback = false
    public var limits = BatchLimits()
    /// Seconds between runs when there is nothing to retry (loop mode).
    public var interval: Double = 60
    public var backoff = BackoffPolicy()
    /// Longest time for one request (seconds); a stalled link is also cut after `stallSeconds` below 100 B/s.
    public var requestTimeout: Double = 120
    public var connectTimeout: Double = 20
    public var stallSeconds: Double = 30
    /// Run the signed-cache refresh after a successful upload.
    public var cacheRefresh = true
    /// After a run that uploaded nothing, refresh only if the last refresh (in this process) is older than this.
    public var cacheRefreshInterval: Double = 900
    /// Delete inspections once acknowledged (default: keep them, marked acknowledged, as the officer's record).
    public var deleteAcknowledged = false

    public init() {}

    /// Applies the non-nil values of `o`.
    public mutating func apply(_ o: SyncSettingsOverlay) {
        if let v = o.hubURL { hubURL = v }
        if let v = o.pin { pin = v }
        if let v = o.caFile { caFile = v }
        if let v = o.allowInsecureLoopback { allowInsecureLoopback = v }
        if let v = o.batchRecords { limits.maxRecords = min(max(1, v), BatchLimits.hubMaxRecords) }
        if let v = o.batchBytes { limits.maxBytes = max(1, v) }
        if let v = o.compress { limits.compress = v }
        if let v = o.interval { interval = v }
        if let v = o.backoffBase { backoff = BackoffPolicy(baseDelay: v, maxDelay: backoff.maxDelay, maxRetryAfter: backoff.maxRetryAfter) }
        if let v = o.backoffMax { backoff = BackoffPolicy(baseDelay: backoff.baseDelay, maxDelay: v, maxRetryAfter: backoff.maxRetryAfter) }
        if let v = o.requestTimeout { requestTimeout = v }
        if let v = o.connectTimeout { connectTimeout = v }
        if let v = o.stallSeconds { stallSeconds = v }
        if let v = o.cacheRefresh { cacheRefresh = v }
        if let v = o.deleteAcknowledged { deleteAcknowledged = v }
    }
}

/// One layer of settings: nil leaves the value below unchanged.
public struct SyncSettingsOverlay: Sendable, Equatable {
    public var hubURL: String?
    public var pin: String?
    public var caFile: String?
    public var allowInsecureLoopback: Bool?
    public var batchRecords: Int?
    public var batchBytes: Int?
    public var compress: Bool?
    public var interval: Double?
    public var backoffBase: Double?
    public var backoffMax: Double?
    public var requestTimeout: Double?
    public var connectTimeout: Double?
    public var stallSeconds: Double?
    public var cacheRefresh: Bool?
    public var deleteAcknowledged: Bool?
    public init() {}
}

/// The `[sync]` section of the console's config file: a small TOML subset (`key = value` with strings, integers,
/// floats and booleans; `#` comments). Other sections belong to other parts of the console and are skipped.
///
/// ```toml
/// [sync]
/// hub = "https://hub.example"
/// pin = "sha256//AbC…="
/// batch_size = 200        # records per upload
/// batch_bytes = 65536     # JSON bytes per upload, before gzip
/// interval = 60           # seconds between runs in loop mode
/// ```
public enum SyncConfigFile {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static let keys: [String: String] = [
        "hub": "hub URL (string)", "pin": "TLS public-key pin sha256//BASE64 (string)", "ca": "CA bundle file (string)",
        "allow_insecure_loopback": "boolean", "batch_size": "records per batch (integer 1-1000)",
        "batch_bytes": "JSON bytes per batch (integer)", "compress": "boolean", "interval": "seconds (number)",
        "backoff_base": "seconds (number)", "backoff_max": "seconds (number)", "timeout": "seconds (number)",
        "connect_timeout": "seconds (number)", "stall_seconds": "seconds (number)", "cache_refresh": "boolean",
        "delete_acknowledged": "boolean",
    ]

    enum Value: Equatable { case string(String), integer(Int64), number(Double), bool(Bool) }

    public static func parse(_ text: String) throws(Failure) -> SyncSettingsOverlay {
        var o = SyncSettingsOverlay()
        var section = ""
        var seen: Set<String> = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = i + 1
            let s = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if s.isEmpty { continue }
            if s.hasPrefix("[") {
                guard s.hasSuffix("]"), !s.hasPrefix("[[") else { throw Failure(line: line, message: "a section header must look like [name]") }
                section = s.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == "sync" else { continue }
            guard let eq = s.firstIndex(of: "=") else { throw Failure(line: line, message: "expected key = value") }
            let key = s[..<eq].trimmingCharacters(in: .whitespaces)
            let valueText = s[s.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard let what = keys[key] else {
                throw Failure(line: line, message: "unknown key \"\(key)\" in [sync]; known: \(keys.keys.sorted().joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw Failure(line: line, message: "\(key) is set twice") }
            guard let value = parseValue(valueText) else {
                throw Failure(line: line, message: "\(key) = \(valueText) is not a TOML string, number or boolean")
            }
            func bad() -> Failure { Failure(line: line, message: "\(key) must be a \(what)") }
            func number() throws(Failure) -> Double {
                switch value {
                case .integer(let v) where v >= 0: return Double(v)
                case .number(let v) where v >= 0 && v.isFinite: return v
                default: throw bad()
                }
            }
            func string() throws(Failure) -> String { if case .string(let v) = value { return v }; throw bad() }
            func bool() throws(Failure) -> Bool { if case .bool(let v) = value { return v }; throw bad() }
            func integer(_ range: ClosedRange<Int64>) throws(Failure) -> Int {
                if case .integer(let v) = value, range.contains(v) { return Int(v) }; throw bad()
            }
            switch key {
            case "hub": o.hubURL = try string()
            case "pin": o.pin = try string()
            case "ca": o.caFile = try string()
            case "allow_insecure_loopback": o.allowInsecureLoopback = try bool()
            case "batch_size": o.batchRecords = try integer(1...Int64(BatchLimits.hubMaxRecords))
            case "batch_bytes": o.batchBytes = try integer(1...(16 << 20))
            case "compress": o.compress = try bool()
            case "interval": o.interval = try number()
            case "backoff_base": o.backoffBase = try number()
            case "backoff_max": o.backoffMax = try number()
            case "timeout": o.requestTimeout = try number()
            case "connect_timeout": o.connectTimeout = try number()
            case "stall_seconds": o.stallSeconds = try number()
            case "cache_refresh": o.cacheRefresh = try bool()
            case "delete_acknowledged": o.deleteAcknowledged = try bool()
            default: break
            }
        }
        return o
    }

    /// Removes a `#` comment that is not inside a string.
    static func stripComment(_ s: String) -> String {
        var out = "", quote: Character? = nil, escaped = false
        for c in s {
            if let q = quote {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
                continue
            }
            if c == "#" { break }
            if c == "\"" || c == "'" { quote = c }
            out.append(c)
        }
        return out
    }

    static func parseValue(_ s: String) -> Value? {
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        if s.count >= 2, s.hasPrefix("'"), s.hasSuffix("'") {
            let inner = String(s.dropFirst().dropLast())
            return inner.contains("'") ? nil : .string(inner)
        }
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") {
            var out = "", escaped = false
            for c in s.dropFirst().dropLast() {
                if escaped {
                    switch c {
                    case "\"": out.append("\""); case "\\": out.append("\\"); case "n": out.append("\n"); case "t": out.append("\t")
                    default: return nil
                    }
                    escaped = false
                } else if c == "\\" { escaped = true } else if c == "\"" { return nil } else { out.append(c) }
            }
            return escaped ? nil : .string(out)
        }
        let digits = s.replacingOccurrences(of: "_", with: "")
        if let v = Int64(digits) { return .integer(v) }
        if let v = Double(digits), v.isFinite, digits.first?.isNumber == true || digits.first == "-" || digits.first == "+" { return .number(v) }
        return nil
    }
}
