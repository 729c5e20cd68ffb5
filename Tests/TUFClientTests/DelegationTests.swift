import Foundation
import XCTest
@testable import TUFClient

/// The target search through delegated roles (TUF 5.6.6) and the safety of role names.
final class DelegationTests: XCTestCase {
    private func refreshed(_ name: String, configure: (Device) -> Void = { _ in }) throws -> (Device, TUFUpdater, Scenario) {
        let scenario = try Scenarios.scenario(name)
        let device = try Device(scenario)
        configure(device)
        let (updater, outcome) = device.refresh(scenario.steps[0], at: scenario.now)
        XCTAssertNoThrow(try outcome.get())
        return (device, updater, scenario)
    }

    func testTheSearchVisitsRolesPreOrderAndStopsAtATerminatingDelegation() throws {
        var (device, updater, _) = try refreshed("delegations")
        device.clearFetched()
        guard case .notFound(let searched, let limited) = try updater.lookup("a/only-b.txt") else { return XCTFail("found") }
        // role-a is terminating for a/*: role-b (which lists the file) is never consulted.
        XCTAssertEqual(searched, ["targets", "role-a"])
        XCTAssertFalse(limited)
        XCTAssertFalse(device.fetched.contains { $0.contains("role-b") })

        guard case .notFound(let searched2, _) = try updater.lookup("b/nothing.txt") else { return XCTFail("found") }
        XCTAssertEqual(searched2, ["targets", "role-b", "role-f", "role-e"])
    }

    func testTheEarlierDelegationWins() throws {
        var (_, updater, _) = try refreshed("delegations")
        guard case .found(let file, let role) = try updater.lookup("b/both.txt") else { return XCTFail() }
        XCTAssertEqual(role, "role-b")
        XCTAssertEqual(try updater.download(file), Array("b comes first".utf8))
    }

    func testTheSearchIsBoundedByMaxDelegations() throws {
        var (_, updater, _) = try refreshed("delegations") { $0.configuration.maxDelegations = 1 }
        // Reaching role-d needs targets → role-a → role-d: one role too many.
        guard case .notFound(let searched, let limited) = try updater.lookup("a/dd.txt") else { return XCTFail("found") }
        XCTAssertEqual(searched, ["targets", "role-a"])
        XCTAssertTrue(limited)
        guard case .found(_, "role-a") = try updater.lookup("a/x.txt") else { return XCTFail() }
    }

    func testDelegatedMetadataIsStoredOnceVerifiedAndReusedByTheNextRefresh() throws {
        var (device, updater, scenario) = try refreshed("delegations")
        _ = try updater.lookup("a/dd.txt")
        XCTAssertEqual(try device.version("role-a"), 1)
        XCTAssertEqual(try device.version("role-d"), 1)
        XCTAssertNil(try device.version("role-b"))
        device.clearFetched()
        var (again, outcome) = device.refresh(scenario.steps[0], at: scenario.now)
        XCTAssertNoThrow(try outcome.get())
        _ = try again.lookup("a/dd.txt")
        XCTAssertEqual(device.fetched.map { ($0 as NSString).lastPathComponent }, ["2.root.json", "timestamp.json"])
    }

    func testRoleNamesAreEncodedAndNeverEscapeTheMetadataDirectory() throws {
        var (device, updater, scenario) = try refreshed("unusual_role_names")
        guard case .found(let file, "../evil") = try updater.lookup("u/x.txt") else { return XCTFail() }
        XCTAssertEqual(try updater.download(file), Array("u".utf8))
        _ = try updater.lookup("v/y.txt")
        XCTAssertTrue(device.fetched.contains(scenario.steps[0].metadataURL + "/1...%2Fevil.json"), "\(device.fetched)")
        XCTAssertEqual(try device.files(), ["..%2Fevil.json", "root.json", "snapshot.json", "sp%20ace%3F%23%25.json",
                                             "targets.json", "timestamp.json"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: device.metadataDir.deletingLastPathComponent().appendingPathComponent("evil.json").path))
    }

    func testADelegatedRoleMustBeSignedByTheKeysItsDelegatorNames() throws {
        var (_, updater, _) = try refreshed("delegated_wrong_key")
        XCTAssertThrowsError(try updater.lookup("a/x.txt")) { error in
            guard case .thresholdNotMet(let role, let delegator, 0, 1, _) = error as! TUFError else { return XCTFail("\(error)") }
            XCTAssertEqual(role, "role-a version 1")
            XCTAssertEqual(delegator, "targets version 1")
        }
    }

    func testSuccinctHashBinsSendEachPathToOneBin() throws {
        var (_, updater, _) = try refreshed("succinct_delegations")
        guard case .found(_, let bin) = try updater.lookup("s/one.txt") else { return XCTFail() }
        XCTAssertTrue(bin.hasPrefix("bin-") && bin.count == 5, bin)
        guard case .notFound(let searched, false) = try updater.lookup("s/misplaced.txt") else { return XCTFail() }
        XCTAssertEqual(searched.count, 2)
    }
}
