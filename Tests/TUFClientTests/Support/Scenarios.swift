import Foundation
import StrictJSON
import XCTest
@testable import TUFClient

/// The TUF repositories of Tests/tuf/make_scenarios.py (python-tuf's metadata format, signed with
/// securesystemslib), generated once per test process, and a client harness to run them.
enum Scenarios {
    static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generator = projectRoot.appendingPathComponent("Tests/tuf/make_scenarios.py").path

    /// The project venv's python; a missing venv fails under CI or STAMPWATCH_REQUIRE_INTEROP and
    /// skips otherwise.
    static func python() throws -> String {
        let venv = projectRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            let env = ProcessInfo.processInfo.environment
            if env["STAMPWATCH_REQUIRE_INTEROP"] != nil || env["CI"] != nil {
                XCTFail("the Python venv is missing: run `make deps` (Tests/tuf/requirements.txt)")
            }
            throw XCTSkip("no .venv: run `make deps` to enable the TUF repository tests")
        }
        return venv
    }

    /// Runs the generator into a fresh directory; returns its status and standard error.
    static func runGenerator(into dir: URL, extra: [String] = []) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try python())
        p.arguments = [generator, dir.path] + extra
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private static let shared: Result<Manifest, GenerationError> = {
        let dir = Temp.directory("scenarios")
        do {
            let (status, stderr) = try runGenerator(into: dir)
            guard status == 0 else { return .failure(GenerationError(message: "make_scenarios.py failed: \(stderr)")) }
            return .success(try Manifest(root: dir))
        } catch let skip as XCTSkip {
            return .failure(GenerationError(message: "skip", skip: true, skipMessage: "\(skip)"))
        } catch {
            return .failure(GenerationError(message: "\(error)"))
        }
    }()

    /// The generated manifest (skips or fails the calling test when it cannot be had).
    static func manifest() throws -> Manifest {
        _ = try python()
        switch shared {
        case .success(let m): return m
        case .failure(let e):
            if e.skip { throw XCTSkip(e.skipMessage) }
            throw e
        }
    }

    static func scenario(_ name: String) throws -> Scenario {
        let manifest = try manifest()
        guard let scenario = manifest.scenarios[name] else { throw GenerationError(message: "no scenario \(name)") }
        return scenario
    }
}

struct GenerationError: Error, Sendable, CustomStringConvertible {
    var message: String
    var skip = false
    var skipMessage = ""
    var description: String { message }
}

/// manifest.json, as written by make_scenarios.py.
struct Manifest: Sendable {
    let root: URL
    let now: TUFTime
    let scenarios: [String: Scenario]

    init(root: URL) throws {
        self.root = root
        let bytes = try Array(Data(contentsOf: root.appendingPathComponent("manifest.json")))
        let json = try JSONParser.parse(bytes)
        now = TUFTime(secondsSince1970: try XCTUnwrap(json["now"]?.integerValue))
        var scenarios: [String: Scenario] = [:]
        for (name, value) in try XCTUnwrap(json["scenarios"]?.objectValue) {
            scenarios[name] = try Scenario(name: name, value: value, root: root, now: now)
        }
        self.scenarios = scenarios
    }
}

struct Scenario: Sendable {
    struct Download: Sendable {
        let path: String
        let ok: Bool
        let role: String?
        let errors: [String]
    }

    struct Step: Sendable {
        let dir: URL
        let ok: Bool
        let errors: [String]
        /// Role → version the client must hold after the step (nil: must hold none).
        let trusted: [String: Int64?]
        let downloads: [Download]
        var metadataURL: String { FileTransport.url(forPath: dir.appendingPathComponent("metadata").path) }
        var targetsURL: String { FileTransport.url(forPath: dir.appendingPathComponent("targets").path) }
        func metadataFile(_ name: String) throws -> [UInt8] {
            try Array(Data(contentsOf: dir.appendingPathComponent("metadata").appendingPathComponent(name)))
        }
    }

    let name: String
    let description: String
    let initialRoot: [UInt8]
    let steps: [Step]
    let now: TUFTime

    init(name: String, value: JSONValue, root: URL, now: TUFTime) throws {
        self.name = name
        self.now = now
        description = value["description"]?.stringValue ?? ""
        initialRoot = try Array(Data(contentsOf: root.appendingPathComponent(try XCTUnwrap(value["initial_root"]?.stringValue))))
        steps = try XCTUnwrap(value["steps"]?.arrayValue).map { s in
            let trusted = try XCTUnwrap(s["trusted"]?.objectValue)
            var versions: [String: Int64?] = [:]
            for (role, v) in trusted { versions[role] = v.integerValue }
            return Step(
                dir: root.appendingPathComponent(try XCTUnwrap(s["dir"]?.stringValue)),
                ok: s["expect"]?.stringValue == "ok",
                errors: (s["error"]?.arrayValue ?? []).compactMap(\.stringValue),
                trusted: versions,
                downloads: try XCTUnwrap(s["downloads"]?.arrayValue).map { d in
                    Download(path: try XCTUnwrap(d["path"]?.stringValue), ok: d["expect"]?.stringValue == "ok",
                             role: d["role"]?.stringValue, errors: (d["error"]?.arrayValue ?? []).compactMap(\.stringValue))
                })
        }
    }
}

/// A client device: one metadata directory that lives across the steps of a scenario.
final class Device {
    let metadataDir: URL
    let store: DirectoryStore
    var configuration = TUFConfiguration()
    /// Every URL fetched, in order.
    private(set) var fetched: [String] = []

    init(root: [UInt8]) throws {
        metadataDir = Temp.directory("device")
        store = DirectoryStore(directory: metadataDir.path)
        try store.store("root.json", root)
    }

    convenience init(_ scenario: Scenario) throws {
        try self.init(root: scenario.initialRoot)
    }

    func updater(for step: Scenario.Step, transport: (any TUFTransport)? = nil, store: (any TUFMetadataStore)? = nil) -> TUFUpdater {
        let recorder = Recording(transport ?? FileTransport()) { [weak self] url in self?.fetched.append(url) }
        return TUFUpdater(metadataBaseURL: step.metadataURL, targetBaseURL: step.targetsURL, transport: recorder,
                          store: store ?? self.store, configuration: configuration)
    }

    /// Refreshes against `step` at `now`; returns the updater (for lookups) and the outcome.
    func refresh(_ step: Scenario.Step, at now: TUFTime, store: (any TUFMetadataStore)? = nil)
        -> (TUFUpdater, Result<RefreshReport, TUFError>) {
        var u = updater(for: step, store: store)
        do {
            let report = try u.refresh(startTime: now)
            return (u, .success(report))
        } catch {
            return (u, .failure(error))
        }
    }

    func clearFetched() { fetched = [] }

    /// The version of the stored metadata for `role`, nil when there is none.
    func version(_ role: String) throws -> Int64? {
        guard let bytes = try store.load(PercentEncoding.encodeAll(role) + ".json", maxLength: 10_000_000) else { return nil }
        return try JSONParser.parse(bytes)["signed"]?["version"]?.integerValue
    }

    func stored(_ name: String) throws -> [UInt8]? { try store.load(name, maxLength: 10_000_000) }

    /// File names in the metadata directory.
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: metadataDir.path).sorted() }
}

/// A transport that reports each URL before passing the fetch on.
struct Recording: TUFTransport {
    let inner: any TUFTransport
    let record: (String) -> Void
    init(_ inner: any TUFTransport, record: @escaping (String) -> Void) {
        self.inner = inner
        self.record = record
    }
    func fetch(_ url: String, maxLength: Int) throws(TUFTransportError) -> [UInt8] {
        record(url)
        return try inner.fetch(url, maxLength: maxLength)
    }
}

/// Short names for error cases, as the manifest spells them.
func keyword(_ error: TUFError) -> String {
    switch error {
    case .malformedJSON: return "malformedJSON"
    case .malformedMetadata: return "malformedMetadata"
    case .wrongType: return "wrongType"
    case .unsupportedSpecVersion: return "unsupportedSpecVersion"
    case .thresholdNotMet: return "thresholdNotMet"
    case .expired: return "expired"
    case .rollback: return "rollback"
    case .versionMismatch: return "versionMismatch"
    case .removedFromSnapshot: return "removedFromSnapshot"
    case .notInSnapshot: return "notInSnapshot"
    case .notDelegated: return "notDelegated"
    case .lengthMismatch: return "lengthMismatch"
    case .hashMismatch: return "hashMismatch"
    case .noSupportedHash: return "noSupportedHash"
    case .download(_, _, let e):
        switch e {
        case .notFound: return "download.notFound"
        case .lengthExceeded: return "download.lengthExceeded"
        case .unsupportedURL: return "download.unsupportedURL"
        case .httpStatus: return "download.httpStatus"
        case .failed: return "download.failed"
        }
    case .storage: return "storage"
    case .noTrustedRoot: return "noTrustedRoot"
    case .workflow: return "workflow"
    }
}

/// Fresh temporary directories, removed when the test process exits normally.
enum Temp {
    static let base: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("stampwatch-tuf-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Temp.base) }
        return url
    }()

    static func directory(_ label: String) -> URL {
        let url = base.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
