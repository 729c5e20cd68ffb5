import FieldStore
import XCTest

/// The freshness rule (pure) and the status the console shows.
final class FreshnessTests: XCTestCase {
    let due: Int64 = 1_000_000
    let day: Int64 = 86_400

    private func assess(clock: Int64, signed: Int64? = nil, timestamp: Int64? = nil, cache: Int64? = nil,
                        policy: FreshnessPolicy = FreshnessPolicy()) -> FreshnessAssessment {
        FreshnessRule.assess(deviceClock: clock, maxSignedTime: signed, timestampExpires: timestamp ?? due, cacheExpires: cache ?? due + 10 * day,
                             policy: policy)
    }

    func testFreshStaleExpiredBoundaries() {
        XCTAssertEqual(assess(clock: due - 1).freshness, .fresh)
        XCTAssertEqual(assess(clock: due - 1).reasons, [])
        XCTAssertEqual(assess(clock: due).freshness, .stale)
        XCTAssertEqual(assess(clock: due).reasons.map(\.code), ["stale-cache"])
        XCTAssertEqual(assess(clock: due + 30 * day - 1).freshness, .stale)
        let expired = assess(clock: due + 30 * day)
        XCTAssertEqual(expired.freshness, .expired)
        XCTAssertEqual(expired.reasons.map(\.code), ["expired-cache"])
        XCTAssertTrue(expired.reasons[0].message.contains("30 days past its refresh date"))
        XCTAssertEqual(expired.expiresHardAt, due + 30 * day)
        XCTAssertEqual(assess(clock: due + 2 * day, policy: FreshnessPolicy(hardLimit: day)).freshness, .expired)
    }

    func testWindingTheClockBackDoesNotMakeTheCacheFresh() {
        // The device says it is well before the due date, but a signed time past it has been seen.
        let a = assess(clock: due - 100 * day, signed: due + 31 * day)
        XCTAssertEqual(a.trustedNow, due + 31 * day)
        XCTAssertEqual(a.freshness, .expired)
        // A clock ahead of every signed time is used as is.
        XCTAssertEqual(assess(clock: due + 1, signed: due - 5).trustedNow, due + 1)
    }

    func testDueDateIsTheEarlierOfTimestampAndCacheExpiry() {
        XCTAssertEqual(assess(clock: due - 10, timestamp: due, cache: due - 20).freshness, .stale)
        XCTAssertEqual(assess(clock: due - 10, timestamp: due, cache: due - 20).dueAt, due - 20)
        let noTimestamp = FreshnessRule.assess(deviceClock: due - 1, maxSignedTime: nil, timestampExpires: nil, cacheExpires: due)
        XCTAssertEqual(noTimestamp.freshness, .fresh)
        let none = FreshnessRule.assess(deviceClock: 0, maxSignedTime: nil, timestampExpires: due, cacheExpires: nil)
        XCTAssertEqual(none.freshness, .noCache)
        XCTAssertEqual(none.reasons.map(\.code), ["no-cache"])
    }

    func testStatusUsesTrustedTimeAndReportsTheCache() throws {
        let scratch = Scratch()
        let store = try Fixture.openStore(scratch)
        XCTAssertEqual(try store.status(deviceClock: Fixture.t0).freshness.freshness, .noCache)
        try store.applySnapshot(at: try Fixture.snapshot(scratch), now: Fixture.t0)
        let published = Fixture.t0 + Fixture.day
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "timestamp", version: 1, expires: published + Fixture.day)],
                                        signedTime: published, now: published)
        var status = try store.status(deviceClock: published + 3600)
        XCTAssertEqual(status.freshness.freshness, .fresh)
        XCTAssertEqual(status.ageSeconds, 3600)
        XCTAssertEqual(status.cache?.version, 1)
        XCTAssertEqual(status.cache?.source, "test hub")
        XCTAssertGreaterThan(status.sizeOnDisk, 0)
        XCTAssertNil(status.lastError)
        // A later signed time seen (e.g. from a timestamp that failed to download its targets) makes a
        // device with a clock wound back see the cache as stale.
        try store.noteSignedTime(published + 3 * Fixture.day)
        status = try store.status(deviceClock: Fixture.t0)
        XCTAssertEqual(status.freshness.freshness, .stale)
        XCTAssertEqual(status.ageSeconds, 3 * Fixture.day)
    }
}
