import Foundation
import XCTest
@testable import TUFClient

/// "A kill at any point leaves a consistent trusted state": the refresh is cut off before each of
/// its writes in turn (the store refuses every write from that one on, as a dead process would),
/// then the device refreshes normally and must end exactly where an uninterrupted refresh ends.
final class CrashConsistencyTests: XCTestCase {
    /// Passes writes to a real store until `allowed` mutations have happened, then fails them all.
    final class DyingStore: TUFMetadataStore {
        let inner: DirectoryStore
        let allowed: Int
        private(set) var mutations = 0
        private(set) var died = false
        init(_ inner: DirectoryStore, allowed: Int) {
            self.inner = inner
            self.allowed = allowed
        }
        func load(_ name: String, maxLength: Int) throws(TUFError) -> [UInt8]? { try inner.load(name, maxLength: maxLength) }
        func store(_ name: String, _ bytes: [UInt8]) throws(TUFError) {
            try mutate()
            try inner.store(name, bytes)
        }
        func remove(_ name: String) throws(TUFError) {
            try mutate()
            try inner.remove(name)
        }
        private func mutate() throws(TUFError) {
            guard mutations < allowed else {
                died = true
                throw .storage(file: "-", message: "simulated power loss")
            }
            mutations += 1
        }
    }

    private func assertSurvivesAKillAtEveryWrite(_ name: String, from first: Int, to last: Int,
                                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let scenario = try Scenarios.scenario(name)
        // Where an uninterrupted run ends.
        let reference = try Device(scenario)
        for step in scenario.steps[...last] { _ = reference.refresh(step, at: scenario.now) }
        let expected = try reference.files().map { try reference.stored($0) }

        var killPoint = 0
        while true {
            let device = try Device(scenario)
            for step in scenario.steps[..<first] { XCTAssertNoThrow(try device.refresh(step, at: scenario.now).1.get(), file: file, line: line) }
            let dying = DyingStore(device.store, allowed: killPoint)
            _ = device.refresh(scenario.steps[first], at: scenario.now, store: dying)
            for step in scenario.steps[first...last] {
                XCTAssertNoThrow(try device.refresh(step, at: scenario.now).1.get(), "\(name), killed after \(killPoint) writes", file: file, line: line)
            }
            XCTAssertEqual(try device.files().map { try device.stored($0) }, expected, "\(name), killed after \(killPoint) writes", file: file, line: line)
            if !dying.died { break }
            killPoint += 1
        }
        XCTAssertGreaterThan(killPoint, 2, "the scenario should involve several writes", file: file, line: line)
    }

    func testAKilledFirstRefreshRecovers() throws {
        try assertSurvivesAKillAtEveryWrite("clean", from: 0, to: 1)
    }

    func testAKilledRootRotationRecovers() throws {
        try assertSurvivesAKillAtEveryWrite("root_rotation", from: 1, to: 1)
    }

    func testAKilledFastForwardRecoveryRecovers() throws {
        try assertSurvivesAKillAtEveryWrite("fast_forward_snapshot", from: 1, to: 1)
    }
}
