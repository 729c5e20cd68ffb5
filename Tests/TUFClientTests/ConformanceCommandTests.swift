import Foundation
import XCTest
@testable import TUFClient

/// The tuf-conformance client-under-test protocol, run in-process with a recording transport.
final class ConformanceCommandTests: XCTestCase {
    final class Log: @unchecked Sendable {
        var lines: [String] = []
        var fetched: [String] = []
    }

    private func run(_ args: [String], now: TUFTime, log: Log) -> Int32 {
        TUFConformanceCommand.run(arguments: args, now: now, makeTransport: { url in
            url.hasPrefix("file:") ? Recording(FileTransport()) { log.fetched.append($0) } : nil
        }, log: { log.lines.append($0) })
    }

    func testInitRefreshAndDownloadFollowTheProtocol() throws {
        let scenario = try Scenarios.scenario("clean")
        let step = scenario.steps[0]
        let work = Temp.directory("cli")
        let metadataDir = work.appendingPathComponent("metadata").path
        let targetDir = work.appendingPathComponent("targets").path
        let rootFile = work.appendingPathComponent("initial_root.json")
        try Data(scenario.initialRoot).write(to: rootFile)
        let log = Log()

        XCTAssertEqual(run(["--metadata-dir", metadataDir, "init", rootFile.path], now: scenario.now, log: log), 0, "\(log.lines)")
        XCTAssertEqual(log.fetched, [], "init makes no request")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: metadataDir + "/root.json")), Data(scenario.initialRoot))

        let metadataPath = step.dir.appendingPathComponent("metadata").path
        let targetsPath = step.dir.appendingPathComponent("targets").path
        XCTAssertEqual(run(["--metadata-url", metadataPath, "--metadata-dir", metadataDir, "refresh"], now: scenario.now, log: log), 0, "\(log.lines)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: metadataDir).sorted(),
                       ["root.json", "snapshot.json", "targets.json", "timestamp.json"])

        let download = ["--metadata-url", metadataPath, "--metadata-dir", metadataDir, "--target-name", "files/a.txt",
                        "--target-name", "dir/sub/b.bin", "--target-dir", targetDir, "--target-base-url", targetsPath, "download"]
        XCTAssertEqual(run(download, now: scenario.now, log: log), 0, "\(log.lines)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: targetDir).sorted(), ["dir%2Fsub%2Fb.bin", "files%2Fa.txt"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: targetDir + "/files%2Fa.txt")), Data("alpha\n".utf8))

        // Already downloaded and still matching: not fetched again.
        log.fetched = []
        XCTAssertEqual(run(download, now: scenario.now, log: log), 0)
        XCTAssertFalse(log.fetched.contains { $0.hasPrefix(FileTransport.url(forPath: targetsPath)) }, "\(log.fetched)")

        // A changed artefact is fetched and stored under the same name.
        let step1 = scenario.steps[1]
        let next = ["--metadata-url", step1.dir.appendingPathComponent("metadata").path, "--metadata-dir", metadataDir,
                    "--target-name", "files/a.txt", "--target-dir", targetDir,
                    "--target-base-url", step1.dir.appendingPathComponent("targets").path, "download"]
        XCTAssertEqual(run(next, now: scenario.now, log: log), 0, "\(log.lines)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: targetDir + "/files%2Fa.txt")), Data("alpha, second edition\n".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: targetDir).count, 2)
    }

    func testDownloadStopsAtTheFirstFailureInArgumentOrder() throws {
        let scenario = try Scenarios.scenario("target_files")
        let step = scenario.steps[0]
        let work = Temp.directory("cli")
        let metadataDir = work.appendingPathComponent("metadata").path
        let targetDir = work.appendingPathComponent("targets").path
        try DirectoryStore.create(directory: metadataDir).store("root.json", scenario.initialRoot)
        let log = Log()
        let args = ["--metadata-dir", metadataDir, "--metadata-url", step.metadataURL, "--target-base-url", step.targetsURL,
                    "--target-dir", targetDir, "--target-name", "good.bin", "--target-name", "same-length.bin",
                    "--target-name", "both.bin", "download"]
        XCTAssertEqual(run(args, now: scenario.now, log: log), 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: targetDir), ["good.bin"])
        XCTAssertTrue(log.lines.last?.contains("same-length.bin: sha256 hash mismatch") ?? false, "\(log.lines)")
    }

    func testFailuresExitWithOne() throws {
        let scenario = try Scenarios.scenario("freeze_timestamp")
        let work = Temp.directory("cli")
        let metadataDir = work.appendingPathComponent("metadata").path
        let log = Log()
        // init refuses a root that is not signed by its own keys, and writes nothing.
        var bad = scenario.initialRoot
        bad[bad.count / 2] ^= 1
        let badFile = work.appendingPathComponent("bad_root.json")
        try Data(bad).write(to: badFile)
        XCTAssertEqual(run(["--metadata-dir", metadataDir, "init", badFile.path], now: scenario.now, log: log), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: metadataDir + "/root.json"))
        // refresh without a trusted root, refresh of a frozen repository, and usage errors.
        let refresh = ["--metadata-dir", metadataDir, "--metadata-url", scenario.steps[0].metadataURL, "refresh"]
        XCTAssertEqual(run(refresh, now: scenario.now, log: log), 1)
        try DirectoryStore.create(directory: metadataDir).store("root.json", scenario.initialRoot)
        XCTAssertEqual(run(refresh, now: scenario.now, log: log), 1)
        XCTAssertTrue(log.lines.last?.contains("timestamp version 1 expired") ?? false, "\(log.lines)")
        XCTAssertEqual(run(["refresh"], now: scenario.now, log: log), 1)
        XCTAssertEqual(run(["--metadata-dir", metadataDir, "--bogus", "x", "refresh"], now: scenario.now, log: log), 1)
        XCTAssertEqual(run(["--metadata-dir", metadataDir, "--metadata-url", "http://127.0.0.1:1/m", "refresh"], now: scenario.now, log: log), 1)
        XCTAssertTrue(log.lines.last?.contains("no transport for this URL scheme") ?? false, "\(log.lines)")
    }
}
