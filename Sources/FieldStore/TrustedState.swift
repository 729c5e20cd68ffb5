import Foundation
import GRDB

/// The trusted TUF metadata version of one role, as the TUF client last accepted it.
public struct TrustedRoleVersion: Sendable, Equatable {
    public var role: String
    public var version: Int64
    /// Epoch seconds: the role metadata's `expires`.
    public var expires: Int64

    public init(role: String, version: Int64, expires: Int64) {
        self.role = role
        self.version = version
        self.expires = expires
    }
}

/// The last cache update attempt and how it ended.
public struct UpdateAttempt: Sendable, Equatable {
    public enum State: String, Sendable { case inProgress = "in-progress", succeeded, failed, interrupted }
    public var startedAt: Int64
    public var finishedAt: Int64?
    /// What was being applied, e.g. `snapshot v42 (region MZ)`.
    public var target: String
    public var state: State
    /// Why it failed or was interrupted, in a sentence.
    public var error: String?
    /// When an update last succeeded.
    public var lastSuccessAt: Int64?
}

/// Trusted state: what the device has verified, kept apart from cache content.
public struct TrustedState: Sendable, Equatable {
    public var roles: [String: TrustedRoleVersion]
    /// The newest signed time seen (epoch seconds), or nil before the first one.
    public var maxSignedTime: Int64?
    public var lastAttempt: UpdateAttempt?

    public init(roles: [String: TrustedRoleVersion], maxSignedTime: Int64?, lastAttempt: UpdateAttempt?) {
        self.roles = roles
        self.maxSignedTime = maxSignedTime
        self.lastAttempt = lastAttempt
    }

    /// Trusted time: the device clock, but never earlier than the newest signed time seen, so winding
    /// the clock back cannot make stale data look fresh.
    public func trustedNow(deviceClock: Int64) -> Int64 { max(deviceClock, maxSignedTime ?? .min) }
}

/// The narrow API that writes trusted state. Nothing else writes these tables; cache files cannot
/// name them (they are not content tables), and triggers refuse a version or time going backwards.
extension FieldStore {
    /// Reads the trusted state.
    public func trustedState() throws(FieldStoreError) -> TrustedState {
        try read { db in try Self.trustedState(db) }
    }

    static func trustedState(_ db: Database) throws -> TrustedState {
        var roles: [String: TrustedRoleVersion] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT role, version, expires FROM trusted_role") {
            let r = TrustedRoleVersion(role: row[0], version: row[1], expires: row[2])
            roles[r.role] = r
        }
        let maxSigned = try Int64.fetchOne(db, sql: "SELECT max_signed_time FROM trusted_time WHERE id = 1")
        var attempt: UpdateAttempt?
        if let row = try Row.fetchOne(db, sql: "SELECT started_at, finished_at, target, state, error, last_success_at FROM update_attempt WHERE id = 1") {
            attempt = UpdateAttempt(startedAt: row[0], finishedAt: row[1], target: row[2],
                                    state: UpdateAttempt.State(rawValue: row[3]) ?? .failed, error: row[4], lastSuccessAt: row[5])
        }
        return TrustedState(roles: roles, maxSignedTime: maxSigned, lastAttempt: attempt)
    }

    /// Records role metadata the TUF client has just verified. A lower version than the trusted one is
    /// refused (rollback); `signedTime`, when given, raises the newest signed time seen.
    public func recordTrustedMetadata(_ versions: [TrustedRoleVersion], signedTime: Int64?, now: Int64) throws(FieldStoreError) {
        try write { db in
            for v in versions {
                if let current = try Int64.fetchOne(db, sql: "SELECT version FROM trusted_role WHERE role = ?", arguments: [v.role]),
                   v.version < current {
                    throw FieldStoreError.invalidArgument("trusted \(v.role) metadata is at version \(current); version \(v.version) would be a rollback and was refused")
                }
                try db.execute(sql: """
                    INSERT INTO trusted_role (role, version, expires, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (role) DO UPDATE SET version = excluded.version, expires = excluded.expires, updated_at = excluded.updated_at
                    """, arguments: [v.role, v.version, v.expires, now])
            }
            if let signedTime { try Self.noteSignedTime(db, signedTime) }
        }
    }

    /// Raises the newest signed time seen (never lowers it).
    public func noteSignedTime(_ time: Int64) throws(FieldStoreError) {
        try write { db in try Self.noteSignedTime(db, time) }
    }

    static func noteSignedTime(_ db: Database, _ time: Int64) throws {
        try db.execute(sql: """
            INSERT INTO trusted_time (id, max_signed_time) VALUES (1, ?)
            ON CONFLICT (id) DO UPDATE SET max_signed_time = max(max_signed_time, excluded.max_signed_time)
            """, arguments: [time])
    }

    /// Trusted time now: `max(deviceClock, newest signed time seen)`.
    public func trustedNow(deviceClock: Int64) throws(FieldStoreError) -> Int64 {
        try trustedState().trustedNow(deviceClock: deviceClock)
    }

    /// Records that an update could not even start (e.g. the TUF client refused the download), so the
    /// console can show why the cache is not refreshing.
    public func recordUpdateFailure(target: String, error: String, at now: Int64) throws(FieldStoreError) {
        try write { db in try Self.setAttempt(db, started: now, target: target, state: .failed, error: error, finished: now) }
    }

    static func setAttempt(_ db: Database, started: Int64, target: String, state: UpdateAttempt.State, error: String?,
                           finished: Int64?) throws {
        let lastSuccess = state == .succeeded ? finished : nil
        try db.execute(sql: """
            INSERT INTO update_attempt (id, started_at, finished_at, target, state, error, last_success_at)
            VALUES (1, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
              target = excluded.target, state = excluded.state, error = excluded.error,
              last_success_at = coalesce(excluded.last_success_at, update_attempt.last_success_at)
            """, arguments: [started, finished, target, state.rawValue, error, lastSuccess])
    }
}
