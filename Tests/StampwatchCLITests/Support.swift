import Foundation
import XCTest

/// Runs the real executables built next to this test bundle.
enum CLI {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The build products folder that holds the test bundle also holds the executables.
    static let binDir: URL = {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        let bundle = Bundle(for: Marker.self).bundleURL
        candidates += [bundle, bundle.deletingLastPathComponent(), projectRoot.appendingPathComponent(".build/debug")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("stampwatch").path) }
            ?? projectRoot.appendingPathComponent(".build/debug")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    }

    static func run(_ tool: String, _ args: [String], stdin: Data? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        let exe = tool.hasPrefix("/") ? URL(fileURLWithPath: tool) : binDir.appendingPathComponent(tool)
        p.executableURL = exe
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["STAMPWATCH_KEYRING"] = nil
        environment["XDG_DATA_HOME"] = scratch().path   // never read the developer's own keyring
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        let writer = Thread {
            if let stdin { inp.fileHandleForWriting.write(stdin) }
            try? inp.fileHandleForWriting.close()
        }
        writer.start()
        let errBox = DataBox()
        let errReader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errBox.done { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errBox.data ?? Data(), as: UTF8.self))
    }

    static func scratch() -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("stampwatch-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func json(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
    }
}

final class Marker {}

final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data: Data?
    private var _done = false
    var data: Data? {
        get { lock.lock(); defer { lock.unlock() }; return _data }
        set { lock.lock(); _data = newValue; _done = true; lock.unlock() }
    }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
}

/// A keys directory made by the real `stampwatch-hub keys generate`, shared by the tests of one process.
enum HubKeys {
    static let dir: URL = {
        let d = CLI.scratch().appendingPathComponent("keys")
        let r = try! CLI.run("stampwatch-hub", ["keys", "generate", "--out", d.path, "--not-before", "2025-01-01T00:00:00Z"])
        precondition(r.status == 0, r.stderr)
        return d
    }()
    static var keyring: String { dir.appendingPathComponent("keyring.json").path }

    static func payload(uid: String = "MZ-CLI-0001", market: String = "MZ-MPM", manufactured: String = "2026-06-01T08:00:00Z") -> String {
        "{\"uid\":\"\(uid)\",\"product\":\"06001234500017\",\"facility\":\"FAC-01\",\"machine\":\"M1\",\"manufactured\":\"\(manufactured)\",\"shift\":\"A\",\"market\":\"\(market)\",\"series\":\"S-2026\",\"operator\":\"EO-1\"}"
    }

    static func mint(_ payload: String = payload(), extra: [String] = []) throws -> [String] {
        let r = try CLI.run("stampwatch-hub", ["mint", "--keys", dir.path, "--payload", payload] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.lines
    }
}
