import Foundation
import StampCrypto
import XCTest
@testable import TUFClient

/// Root rotation, thresholds, rollback and fast-forward recovery: the decisions, the state they
/// leave, and the words they are reported in.
final class TrustDecisionTests: XCTestCase {
    func testRootRotatesThroughEveryVersionAndStoresEachAsItGoes() throws {
        let scenario = try Scenarios.scenario("root_rotation")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        device.clearFetched()
        let report = try device.refresh(scenario.steps[1], at: scenario.now).1.get()
        XCTAssertEqual(report.previousRootVersion, 1)
        XCTAssertEqual(report.rootVersion, 4)
        XCTAssertEqual(Array(device.fetched.map { ($0 as NSString).lastPathComponent }.prefix(5)),
                       ["2.root.json", "3.root.json", "4.root.json", "5.root.json", "timestamp.json"])
        XCTAssertEqual(try device.stored("root.json"), try scenario.steps[1].metadataFile("4.root.json"))
        // v3 rotated the timestamp key: the stored timestamp was discarded, and that is reported.
        XCTAssertTrue(report.notes.contains { $0.contains("root version 3 rotates the timestamp or snapshot keys") }, "\(report.notes)")
    }

    func testTheNumberOfRootRotationsPerRefreshIsBounded() throws {
        let scenario = try Scenarios.scenario("root_rotation")
        let device = try Device(scenario)
        device.configuration.maxRootRotations = 2
        let report = try device.refresh(scenario.steps[1], at: scenario.now).1.get()
        XCTAssertEqual(report.rootVersion, 3)
        XCTAssertFalse(device.fetched.contains { $0.hasSuffix("/4.root.json") })
        XCTAssertTrue(report.notes.contains { $0.contains("stopped after 2 root versions") }, "\(report.notes)")
        XCTAssertEqual(try device.refresh(scenario.steps[1], at: scenario.now).1.get().rootVersion, 4)
    }

    func testARootSignedByOnlyOneSideOfTheRotationIsRefused() throws {
        for (name, side) in [("root_rotation_without_old_keys", "the trusted root version 1"),
                             ("root_rotation_without_new_keys", "the new root version 2 itself")] {
            let scenario = try Scenarios.scenario(name)
            let device = try Device(scenario)
            let error = try XCTUnwrap(device.refresh(scenario.steps[0], at: scenario.now).1.failure)
            guard case .thresholdNotMet(let role, let delegator, let valid, let threshold, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(role, "root version 2")
            XCTAssertEqual(delegator, side)
            XCTAssertEqual([valid, threshold], [0, 1])
            XCTAssertEqual(try device.stored("root.json"), scenario.initialRoot, "the trusted root is unchanged")
        }
    }

    func testThresholdsCountKeysNotSignaturesOrKeyIDs() throws {
        let cases = [("threshold_not_met", "no signature"), ("duplicate_keys", "same key as one already counted")]
        for (name, detail) in cases {
            let scenario = try Scenarios.scenario(name)
            let error = try XCTUnwrap(try Device(scenario).refresh(scenario.steps[0], at: scenario.now).1.failure)
            guard case .thresholdNotMet(let role, _, 1, 2, let details) = error else { return XCTFail("\(name): \(error)") }
            XCTAssertEqual(role, "snapshot version 1", name)
            XCTAssertTrue(details.contains { $0.contains(detail) }, "\(name): \(details)")
            XCTAssertTrue(error.description.contains("signature threshold not met: 1 of 2 required keys of root version 2"), error.description)
        }
    }

    /// TUF spec, metadata format: "The keyid MUST be unique in the signatures array". Two
    /// signatures under one key id make the file malformed, even when one of them alone would
    /// meet the threshold (found by tuf-conformance test_duplicate_sig_keyids), and even when
    /// one of them is valid and the other not.
    func testTwoSignaturesUnderOneKeyIDAreRefused() throws {
        for (name, role, index) in [("duplicate_signature_keyids", "snapshot", 1), ("duplicate_signatures", "snapshot", 1),
                                    ("invalid_and_valid_signature_by_one_key", "targets", 1)] {
            let scenario = try Scenarios.scenario(name)
            let device = try Device(scenario)
            let error = try XCTUnwrap(device.refresh(scenario.steps[0], at: scenario.now).1.failure, name)
            guard case .malformedMetadata(let file, let path, let reason) = error else { return XCTFail("\(name): \(error)") }
            XCTAssertTrue(file.hasPrefix(role), "\(name): \(file)")
            XCTAssertEqual(path, "$.signatures[\(index)].keyid", name)
            XCTAssertTrue(reason.contains("already signs at $.signatures[0]"), "\(name): \(reason)")
            XCTAssertNil(try device.version(role), "\(name): the \(role) must not be trusted")
        }
    }

    func testUnusableKeysAreNamedWhenTheyCannotMeetTheThreshold() throws {
        let scenario = try Scenarios.scenario("unknown_key_type_only")
        let error = try XCTUnwrap(try Device(scenario).refresh(scenario.steps[0], at: scenario.now).1.failure)
        XCTAssertTrue(error.description.contains("unsupported key type \"sphincs-plus\" with scheme \"sphincs-shake-256f\""), error.description)
        // The same key next to a usable one changes nothing.
        let ok = try Scenarios.scenario("unknown_key_type_ignored")
        XCTAssertNoThrow(try Device(ok).refresh(ok.steps[0], at: ok.now).1.get())
    }

    func testABadSignatureIsReportedAsSuch() throws {
        let scenario = try Scenarios.scenario("invalid_signature")
        let error = try XCTUnwrap(try Device(scenario).refresh(scenario.steps[0], at: scenario.now).1.failure)
        XCTAssertTrue(error.description.contains("(ecdsa): bad signature"), error.description)
    }

    func testRollbacksAreRefusedAndLeaveTheTrustedStateUnchanged() throws {
        let cases = [("timestamp_rollback", "timestamp: rollback from version 2 to 1"),
                     ("snapshot_rollback", "snapshot (as listed in timestamp version 3): rollback from version 2 to 1"),
                     ("targets_rollback", "targets.json (as listed in snapshot version 3): rollback from version 2 to 1"),
                     ("delegated_rollback", "role-a.json (as listed in snapshot version 3): rollback from version 2 to 1")]
        for (name, message) in cases {
            let scenario = try Scenarios.scenario(name)
            let device = try Device(scenario)
            XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get(), name)
            let before = try snapshotOfState(device)
            let error = try XCTUnwrap(device.refresh(scenario.steps[1], at: scenario.now).1.failure, name)
            XCTAssertTrue(error.description.hasPrefix(message), "\(name): \(error)")
            var after = try snapshotOfState(device)
            if name == "targets_rollback" || name == "delegated_rollback" {
                // The new timestamp (v3) passed its own checks and is kept; nothing else changed.
                XCTAssertEqual(try device.version("timestamp"), 3)
                after["timestamp.json"] = before["timestamp.json"]
            }
            XCTAssertTrue(before == after, "\(name): the stored state changed")
        }
    }

    /// File name → SHA-256 of the content, for comparing stored states.
    private func snapshotOfState(_ device: Device) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try device.files() { out[name] = Hex.encode(SHA256.hash(try device.stored(name) ?? [])) }
        return out
    }

    func testFastForwardRecoveryAfterKeyRotation() throws {
        for (name, role, from, to) in [("fast_forward_timestamp", "timestamp", Int64(100), Int64(1)),
                                       ("fast_forward_snapshot", "snapshot", 99999, 1),
                                       ("fast_forward_targets", "targets", 100, 2)] {
            let scenario = try Scenarios.scenario(name)
            let device = try Device(scenario)
            XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
            XCTAssertEqual(try device.version(role), from)
            let report = try device.refresh(scenario.steps[1], at: scenario.now).1.get()
            XCTAssertEqual(try device.version(role), to, name)
            XCTAssertTrue(report.notes.contains { $0.contains("fast-forward attack recovery") }, "\(name): \(report.notes)")
        }
        // Without a key rotation the same drop is a rollback.
        let scenario = try Scenarios.scenario("fast_forward_without_rotation")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        XCTAssertEqual(device.refresh(scenario.steps[1], at: scenario.now).1.failure, .rollback(role: "timestamp", trusted: 100, offered: 1))
    }

    /// TUF 5.3.11 itself, not only its effect: once root rotates the timestamp key, the trusted
    /// timestamp and snapshot are deleted even if the refresh then fails.
    func testKeyRotationDeletesTheTrustedTimestampAndSnapshotEvenIfTheRefreshFails() throws {
        struct NoTimestamp: TUFTransport {
            func fetch(_ url: String, maxLength: Int) throws(TUFTransportError) -> [UInt8] {
                if url.hasSuffix("/timestamp.json") { throw .notFound(url: url) }
                return try FileTransport().fetch(url, maxLength: maxLength)
            }
        }
        let scenario = try Scenarios.scenario("fast_forward_timestamp")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        var updater = device.updater(for: scenario.steps[1], transport: NoTimestamp())
        XCTAssertThrowsError(try updater.refresh(startTime: scenario.now))
        XCTAssertEqual(try device.version("root"), 2)
        XCTAssertNil(try device.version("timestamp"))
        XCTAssertNil(try device.version("snapshot"))
        XCTAssertEqual(try device.version("targets"), 1)
    }

    func testMixAndMatchIsAVersionMismatchNamingItsSource() throws {
        let scenario = try Scenarios.scenario("mix_and_match_snapshot")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        XCTAssertEqual(device.refresh(scenario.steps[1], at: scenario.now).1.failure,
                       .versionMismatch(role: "snapshot", expected: 2, found: 1, source: "timestamp version 2"))
    }

    func testMalformedMetadataIsLocated() throws {
        let json = try Scenarios.scenario("malformed_json")
        guard case .malformedJSON(let role, let e) = try XCTUnwrap(try Device(json).refresh(json.steps[0], at: json.now).1.failure) else {
            return XCTFail()
        }
        XCTAssertEqual(role, "snapshot")
        XCTAssertGreaterThan(e.line, 1)
        let field = try Scenarios.scenario("malformed_missing_snapshot_meta")
        XCTAssertEqual(try Device(field).refresh(field.steps[0], at: field.now).1.failure,
                       .malformedMetadata(role: "timestamp", path: "$.signed.meta[\"snapshot.json\"]", reason: "required field is missing"))
        let wrong = try Scenarios.scenario("wrong_type_snapshot")
        XCTAssertEqual(try Device(wrong).refresh(wrong.steps[0], at: wrong.now).1.failure,
                       .wrongType(role: "snapshot", expected: "snapshot", found: "targets"))
    }
}
