import Foundation
import StrictJSON

/// What sync remembers between runs and processes (the CLI, cron, the console's background sync): kept in
/// `sync-state.json` beside the store, replaced atomically.
public struct SyncState: Sendable, Equatable {
    public var lastSuccessAt: Int64?
    public var lastAttemptAt: Int64?
    public var lastError: String?
    public var link: LinkState = .unknown
    public var consecutiveFailures = 0
    public var nextAttemptAt: Int64?

    public init() {}

    var json: JSONValue {
        func opt(_ v: Int64?) -> JSONValue { v.map(JSONValue.integer) ?? .null }
        return ["last_success_at": opt(lastSuccessAt), "last_attempt_at": opt(lastAttemptAt),
                "last_error": lastError.map(JSONValue.string) ?? .null, "link": .string(link.rawValue),
                "consecutive_failures": .integer(Int64(consecutiveFailures)), "next_attempt_at": opt(nextAttemptAt)]
    }

    /// The remembered state; a missing or damaged file is a fresh start (it only schedules retries).
    public static func load(_ path: String) -> SyncState {
        var s = SyncState()
        guard let bytes = Files.read(path), case .object(let o)? = try? JSONParser.parse(bytes) else { return s }
        s.lastSuccessAt = o["last_success_at"]?.integerValue
        s.lastAttemptAt = o["last_attempt_at"]?.integerValue
        s.lastError = o["last_error"]?.stringValue
        s.link = o["link"]?.stringValue.flatMap(LinkState.init(rawValue:)) ?? .unknown
        s.consecutiveFailures = Int(o["consecutive_failures"]?.integerValue ?? 0)
        s.nextAttemptAt = o["next_attempt_at"]?.integerValue
        return s
    }

    public func save(_ path: String) throws(SyncError) {
        try Files.writeAtomically(path, json.serializedBytes(sortedKeys: true), mode: 0o644)
    }
}
