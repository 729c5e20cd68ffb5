import Foundation
import GRDB

/// The cache version in use, as recorded when it was applied.
public struct CacheInfo: Sendable, Equatable {
    public var version: Int64
    public var kind: CacheFileMeta.Kind
    public var region: String
    public var source: String
    public var publishedAt: Int64
    public var expires: Int64
    public var appliedAt: Int64
    public var contentSHA256: String
}

/// Everything the console's status line and `doctor` show about the cache.
public struct CacheStatus: Sendable, Equatable {
    /// nil before the first snapshot.
    public var cache: CacheInfo?
    public var trusted: TrustedState
    /// Trusted time minus the cache's publication time (seconds), nil without a cache.
    public var ageSeconds: Int64?
    public var freshness: FreshnessAssessment
    public var sizeOnDisk: Int64
    /// The last update's error, if it failed or was interrupted.
    public var lastError: String?
}

extension FieldStore {
    /// The cache in use, or nil.
    public func cacheInfo() throws(FieldStoreError) -> CacheInfo? {
        try read { db in try Self.cacheInfo(db) }
    }

    static func cacheInfo(_ db: Database, schema: String = "main") throws -> CacheInfo? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT version, kind, region, source, published_at, expires, applied_at, content_sha256 FROM \(schema).cache_meta WHERE id = 1
            """) else { return nil }
        return CacheInfo(version: row[0], kind: CacheFileMeta.Kind(rawValue: row[1]) ?? .snapshot, region: row[2], source: row[3],
                         publishedAt: row[4], expires: row[5], appliedAt: row[6], contentSHA256: row[7])
    }

    /// Status as of `deviceClock` (epoch seconds), judged on trusted time.
    public func status(deviceClock: Int64) throws(FieldStoreError) -> CacheStatus {
        let (cache, trusted) = try read { db in (try Self.cacheInfo(db), try Self.trustedState(db)) }
        let freshness = FreshnessRule.assess(
            deviceClock: deviceClock, maxSignedTime: trusted.maxSignedTime,
            timestampExpires: trusted.roles["timestamp"]?.expires, cacheExpires: cache?.expires,
            policy: options.freshnessPolicy)
        let lastError: String? = switch trusted.lastAttempt?.state {
        case .failed?, .interrupted?: trusted.lastAttempt?.error
        default: nil
        }
        return CacheStatus(cache: cache, trusted: trusted, ageSeconds: cache.map { freshness.trustedNow - $0.publishedAt },
                           freshness: freshness, sizeOnDisk: sizeOnDisk(), lastError: lastError)
    }
}
