import FieldStore
import GRDB
import XCTest

/// Trusted state moves only forward, only through its own API.
final class TrustedStateTests: XCTestCase {
    func testRoleVersionsRollbackRefusedAndSignedTimeMonotonic() throws {
        let scratch = Scratch()
        let store = try Fixture.openStore(scratch)
        XCTAssertEqual(try store.trustedState(), TrustedState(roles: [:], maxSignedTime: nil, lastAttempt: nil))
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "root", version: 2, expires: 900),
                                         TrustedRoleVersion(role: "timestamp", version: 40, expires: 1000)], signedTime: 500, now: 10)
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "timestamp", version: 41, expires: 1100)], signedTime: 400, now: 11)
        var state = try store.trustedState()
        XCTAssertEqual(state.roles["timestamp"], TrustedRoleVersion(role: "timestamp", version: 41, expires: 1100))
        XCTAssertEqual(state.roles["root"]?.version, 2)
        XCTAssertEqual(state.maxSignedTime, 500, "an older signed time does not lower it")
        XCTAssertEqual(state.trustedNow(deviceClock: 100), 500)
        XCTAssertEqual(state.trustedNow(deviceClock: 700), 700)

        let e = assertFieldStoreError(try store.recordTrustedMetadata([TrustedRoleVersion(role: "timestamp", version: 39, expires: 2000)],
                                                                       signedTime: 9999, now: 12)) { _ in true }
        XCTAssertTrue(e?.description.contains("version 39 would be a rollback") ?? false)
        state = try store.trustedState()
        XCTAssertEqual(state.roles["timestamp"]?.version, 41)
        XCTAssertEqual(state.maxSignedTime, 500, "a refused call changes nothing, not even the signed time")
    }

    func testTriggersGuardTheTablesEvenAgainstRawSQL() throws {
        let scratch = Scratch()
        let store = try Fixture.openStore(scratch)
        try store.recordTrustedMetadata([TrustedRoleVersion(role: "snapshot", version: 7, expires: 1)], signedTime: 100, now: 1)
        XCTAssertThrowsError(try store.rawWrite("UPDATE trusted_role SET version = 3 WHERE role = 'snapshot'")) {
            XCTAssertTrue("\($0)".contains("cannot go backwards"))
        }
        XCTAssertThrowsError(try store.rawWrite("UPDATE trusted_time SET max_signed_time = 5"))
        XCTAssertEqual(try store.trustedState().maxSignedTime, 100)
    }

    func testUpdateFailureIsRecordedForTheStatusLine() throws {
        let scratch = Scratch()
        let store = try Fixture.openStore(scratch)
        try store.recordUpdateFailure(target: "timestamp.json", error: "signature threshold not met", at: 50)
        let status = try store.status(deviceClock: 60)
        XCTAssertEqual(status.lastError, "signature threshold not met")
        XCTAssertEqual(status.trusted.lastAttempt?.target, "timestamp.json")
        try store.applySnapshot(at: try Fixture.snapshot(scratch), now: 70)
        let after = try store.status(deviceClock: 80)
        XCTAssertNil(after.lastError)
        XCTAssertEqual(after.trusted.lastAttempt?.lastSuccessAt, 70)
    }
}
