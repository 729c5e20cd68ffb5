import Foundation
import StrictJSON
import XCTest
@testable import TUFClient

/// The client workflow on healthy repositories: what is fetched, in which order, under which
/// names, what is stored, and how the injected clock decides expiry.
final class WorkflowTests: XCTestCase {
    func testACleanRefreshFetchesTheTopLevelRolesInOrderAndStoresThemByteForByte() throws {
        let scenario = try Scenarios.scenario("clean")
        let step = scenario.steps[0]
        let device = try Device(scenario)
        let (_, outcome) = device.refresh(step, at: scenario.now)
        let report = try outcome.get()
        XCTAssertEqual(report.rootVersion, 1)
        XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [1, 1, 1])
        XCTAssertEqual(report.notes, [])
        XCTAssertEqual(device.fetched.map { ($0 as NSString).lastPathComponent },
                       ["2.root.json", "timestamp.json", "snapshot.json", "targets.json"])
        for name in ["timestamp.json", "snapshot.json", "targets.json"] {
            XCTAssertEqual(try device.stored(name), try step.metadataFile(name), name)
        }
        XCTAssertEqual(try device.files(), ["root.json", "snapshot.json", "targets.json", "timestamp.json"])
    }

    func testANewRefreshWithNothingNewFetchesOnlyTheNextRootAndTimestamp() throws {
        let scenario = try Scenarios.scenario("clean")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        device.clearFetched()
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        XCTAssertEqual(device.fetched.map { ($0 as NSString).lastPathComponent }, ["2.root.json", "timestamp.json"])
        // The next repository version: new timestamp, snapshot and targets are fetched.
        device.clearFetched()
        let report = try device.refresh(scenario.steps[1], at: scenario.now).1.get()
        XCTAssertEqual(report.targetsVersion, 2)
        XCTAssertEqual(device.fetched.map { ($0 as NSString).lastPathComponent },
                       ["2.root.json", "timestamp.json", "snapshot.json", "targets.json"])
    }

    func testConsistentSnapshotsFetchVersionedMetadataAndHashPrefixedTargets() throws {
        let scenario = try Scenarios.scenario("clean_consistent")
        let step = scenario.steps[0]
        let device = try Device(scenario)
        var (updater, outcome) = device.refresh(step, at: scenario.now)
        XCTAssertNoThrow(try outcome.get())
        XCTAssertEqual(device.fetched.map { ($0 as NSString).lastPathComponent },
                       ["2.root.json", "timestamp.json", "1.snapshot.json", "1.targets.json"])
        guard case .found(let file, _) = try updater.lookup("dir/sub/b.bin") else { return XCTFail("not found") }
        device.clearFetched()
        let bytes = try updater.download(file)
        XCTAssertEqual(bytes, Array(0...255) + Array(0...255) + Array(0...255) + Array(0...255))
        XCTAssertEqual(device.fetched, [step.targetsURL + "/dir/sub/" + file.hashes[0].digest + ".b.bin"])
        // Stored under non-versioned names all the same.
        XCTAssertEqual(try device.files(), ["root.json", "snapshot.json", "targets.json", "timestamp.json"])
    }

    func testATimestampWithTheTrustedVersionIsIgnoredAndTheTrustedBytesKept() throws {
        let scenario = try Scenarios.scenario("timestamp_same_version")
        let device = try Device(scenario)
        XCTAssertNoThrow(try device.refresh(scenario.steps[0], at: scenario.now).1.get())
        let trusted = try device.stored("timestamp.json")
        XCTAssertNotEqual(try scenario.steps[1].metadataFile("timestamp.json"), trusted, "the repository's timestamp changed")
        XCTAssertNoThrow(try device.refresh(scenario.steps[1], at: scenario.now).1.get())
        XCTAssertEqual(try device.stored("timestamp.json"), trusted)
    }

    func testEachRoleExpiresAgainstTheInjectedStartTime() throws {
        // The clean repository: timestamp expires after 1 day, snapshot 7, targets 30, root 365.
        let scenario = try Scenarios.scenario("clean")
        let cases: [(days: Int64, role: String?)] = [(0, nil), (2, "timestamp"), (400, "root")]
        for (days, role) in cases {
            let device = try Device(scenario)
            let start = scenario.now.adding(seconds: days * 86_400)
            let (_, outcome) = device.refresh(scenario.steps[0], at: start)
            switch (outcome, role) {
            case (.success, nil): break
            case (.failure(.expired(let r, _, let expires, let s)), let role?):
                XCTAssertEqual(r, role)
                XCTAssertEqual(s, start)
                XCTAssertLessThanOrEqual(expires, start)
            default: XCTFail("\(days) days later: \(outcome)")
            }
        }
        // Expiry is "at or before the start time": metadata expiring exactly then is refused.
        let device = try Device(scenario)
        let exactly = try XCTUnwrap(TUFTime(iso8601: try scenario.steps[0].timestampExpiry()))
        XCTAssertEqual(keyword(try XCTUnwrap(device.refresh(scenario.steps[0], at: exactly).1.failure)), "expired")
        XCTAssertNoThrow(try Device(scenario).refresh(scenario.steps[0], at: exactly.adding(seconds: -1)).1.get())
    }

    func testFreezeErrorsNameTheRoleAndTheTimes() throws {
        for role in ["timestamp", "snapshot", "targets"] {
            let scenario = try Scenarios.scenario("freeze_\(role)")
            let error = try XCTUnwrap(try Device(scenario).refresh(scenario.steps[0], at: scenario.now).1.failure)
            guard case .expired(let r, let version, _, let start) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(r, role)
            XCTAssertEqual(version, 1)
            XCTAssertEqual(start, scenario.now)
            XCTAssertTrue(error.description.hasPrefix("\(role) version 1 expired at "), error.description)
            XCTAssertTrue(error.description.contains("freeze attack"), error.description)
        }
    }

    func testLookupsAndDownloadsNeedASuccessfulRefreshFirst() throws {
        let scenario = try Scenarios.scenario("freeze_timestamp")
        let device = try Device(scenario)
        var (updater, outcome) = device.refresh(scenario.steps[0], at: scenario.now)
        XCTAssertNotNil(outcome.failure)
        XCTAssertThrowsError(try updater.lookup("anything")) { XCTAssertEqual(keyword($0 as! TUFError), "workflow") }
        XCTAssertNil(updater.trustedRoot)
    }

    func testAMissingOrDamagedTrustedRootStopsBeforeAnyRequest() throws {
        let scenario = try Scenarios.scenario("clean")
        var damaged = scenario.initialRoot
        damaged[damaged.count / 2] ^= 0x01
        for root in [[UInt8](), damaged, Array("{\"signed\": {}}".utf8)] {
            let device = try Device(root: root)
            if root.isEmpty { try device.store.remove("root.json") }
            let (_, outcome) = device.refresh(scenario.steps[0], at: scenario.now)
            XCTAssertEqual(keyword(try XCTUnwrap(outcome.failure)), "noTrustedRoot")
            XCTAssertEqual(device.fetched, [])
        }
    }

    /// The workflow only needs the two protocols: here the trusted metadata lives in memory.
    func testTheWorkflowRunsOverAnyMetadataStore() throws {
        let scenario = try Scenarios.scenario("delegations")
        let step = scenario.steps[0]
        let store = InMemoryMetadataStore(["root.json": scenario.initialRoot])
        var updater = TUFUpdater(metadataBaseURL: step.metadataURL, targetBaseURL: step.targetsURL,
                                 transport: FileTransport(), store: store)
        try updater.refresh(startTime: scenario.now)
        guard case .found(_, "role-d") = try updater.lookup("a/dd.txt") else { return XCTFail() }
        XCTAssertEqual(store.contents.keys.sorted(), ["role-a.json", "role-d.json", "root.json", "snapshot.json",
                                                      "targets.json", "timestamp.json"])
    }

    func testAPlainDirectoryPathWorksLikeAFileURL() throws {
        let scenario = try Scenarios.scenario("clean")
        let step = scenario.steps[0]
        let device = try Device(scenario)
        var updater = TUFUpdater(metadataBaseURL: step.dir.appendingPathComponent("metadata").path,
                                 targetBaseURL: step.dir.appendingPathComponent("targets").path,
                                 transport: FileTransport(), store: device.store)
        XCTAssertEqual(try updater.refresh(startTime: scenario.now).targetsVersion, 1)
        guard case .found(let file, let role) = try updater.lookup("files/a.txt") else { return XCTFail() }
        XCTAssertEqual(role, "targets")
        XCTAssertEqual(try updater.download(file), Array("alpha\n".utf8))
    }
}

extension Scenario.Step {
    func timestampExpiry() throws -> String {
        let json = try JSONParser.parse(try metadataFile("timestamp.json"))
        return try XCTUnwrap(json["signed"]?["expires"]?.stringValue)
    }
}
