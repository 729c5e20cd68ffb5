import Foundation
import StampCrypto
import TUFClient
import XCTest
@testable import TUFRepository

/// A publish that fails (or is killed) at any write leaves a repository that clients verify at the
/// previous version, and the next publish continues from it.
final class CrashSafetyTests: XCTestCase {
    /// The repository before the failing publish: a.txt = "one", synced by a console.
    func setUpHub() throws -> (HubFixture, Console) {
        let hub = try HubFixture()
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one"))], now: t0)
        let console = try Console(hub)
        try console.refresh(hub.repo)
        return (hub, console)
    }

    let change: [String: TargetSource] = ["a.txt": .bytes(bytes("two")), "dir/b.txt": .bytes(bytes("bee"))]

    func testTargetsAndVersionedMetadataAreWrittenBeforeTheTimestamp() throws {
        let (hub, _) = try setUpHub()
        let recorder = PathRecorder()
        var recording = hub.publisher
        recording.beforeWrite = { path throws(TUFRepositoryError) in recorder.add(path) }
        try recording.publish(targets: change, now: t0 + 10)
        XCTAssertEqual(recorder.paths, [
            "targets/\(Hex.encode(SHA256.hash(bytes("two")))).a.txt",
            "targets/dir/\(Hex.encode(SHA256.hash(bytes("bee")))).b.txt",
            "metadata/3.targets.json",
            "metadata/3.snapshot.json",
            "metadata/timestamp.json",
        ])
    }

    func testAFailureAtAnyWriteLeavesTheRepositoryVerifyingAtThePreviousVersion() throws {
        for failAt in 0..<5 {
            let (hub, console) = try setUpHub()
            var failing = hub.publisher
            let calls = PathRecorder()
            failing.beforeWrite = { path throws(TUFRepositoryError) in
                calls.add(path)
                if calls.paths.count == failAt + 1 { throw TUFRepositoryError(.ioError, "simulated crash before \(path)") }
            }
            assertRefused(.ioError, "simulated crash") { try failing.publish(targets: change, now: t0 + 10) }
            let point = calls.paths.last!
            // A leftover temp file, as a kill between write and rename leaves one.
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: hub.metadata + "/.timestamp.json.tmp-0123456789ab"))

            // The console that synced before, and one that never did, both see version 2 and the old bytes.
            for c in [console, try Console(hub)] {
                let report = try c.refresh(hub.repo, at: t0 + 60)
                XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [2, 2, 2], point)
                XCTAssertEqual(try c.download("a.txt"), bytes("one"), point)
                guard case .notFound = try c.lookup("dir/b.txt") else { return XCTFail("b.txt listed after a crash before \(point)") }
            }
            XCTAssertEqual(try hub.publisher.status().versions, [.root: 1, .targets: 2, .snapshot: 2, .timestamp: 2], point)

            // The next publish skips the version numbers of the leftovers and completes.
            let retried = try hub.publisher.publish(targets: change, now: t0 + 20)
            XCTAssertEqual(retried.versions[.targets], 3 + (failAt >= 3 ? 1 : 0), point)
            XCTAssertEqual(retried.versions[.snapshot], 3 + (failAt >= 4 ? 1 : 0), point)
            XCTAssertEqual(retried.versions[.timestamp], 3, point)
            let report = try console.refresh(hub.repo, at: t0 + 80)
            XCTAssertEqual(report.targetsVersion, retried.versions[.targets], point)
            XCTAssertEqual(try console.download("a.txt"), bytes("two"), point)
            XCTAssertEqual(try console.download("dir/b.txt"), bytes("bee"), point)
            XCTAssertEqual(try hub.publisher.prune(keepVersions: 5).removedTemporaryFiles, ["metadata/.timestamp.json.tmp-0123456789ab"])
        }
    }

    func testAWrongTargetFileLeftUnderItsContentAddressedNameIsReplaced() throws {
        let (hub, _) = try setUpHub()
        // A torn copy (say, rsync interrupted) under the name the new content will get.
        let name = "targets/\(Hex.encode(SHA256.hash(bytes("two")))).a.txt"
        try Data(bytes("tw")).write(to: URL(fileURLWithPath: hub.repo + "/" + name))
        try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("two"))], now: t0 + 10)
        XCTAssertEqual(try hub.file(name), bytes("two"))
        let console = try Console(hub)
        try console.refresh(hub.repo)
        XCTAssertEqual(try console.download("a.txt"), bytes("two"))
    }

    func testAMissingTargetFileIsReportedAndRepublishingRestoresIt() throws {
        let (hub, _) = try setUpHub()
        let name = "targets/\(Hex.encode(SHA256.hash(bytes("one")))).a.txt"
        try FileManager.default.removeItem(atPath: hub.repo + "/" + name)
        let heartbeat = try hub.publisher.publish(now: t0 + 10)
        XCTAssertTrue(heartbeat.warnings.contains { $0.contains("target a.txt") && $0.contains("missing") }, "\(heartbeat.warnings)")
        let again = try hub.publisher.publish(targets: ["a.txt": .bytes(bytes("one"))], now: t0 + 20)
        XCTAssertEqual(again.warnings, [])
        XCTAssertEqual(try hub.file(name), bytes("one"))
    }
}
