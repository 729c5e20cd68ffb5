import Foundation
import StampCrypto
import StrictJSON
import TUFClient
import XCTest
@testable import TUFRepository

/// A fixed clock: the publisher and the clients get `now` as a value.
let t0: Int64 = 1_750_000_000
let day: Int64 = 86_400

/// Fresh temporary directories, removed when the test process exits normally.
enum Temp {
    static let base: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("stampwatch-tufrepo-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Temp.base) }
        return url
    }()

    static func directory(_ label: String) -> String {
        let url = base.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}

/// A hub: a repository and its keys directory, side by side in a temporary directory.
struct HubFixture {
    let base: String
    var publisher: TUFPublisher
    var repo: String { publisher.repositoryDirectory }
    var keys: String { publisher.keysDirectory }
    var metadata: String { repo + "/metadata" }

    init(configuration: RepositoryConfiguration = RepositoryConfiguration(), initialise: Bool = true, now: Int64 = t0) throws {
        base = Temp.directory("hub")
        publisher = TUFPublisher(repository: base + "/repo", keys: base + "/keys", configuration: configuration)
        if initialise { try publisher.initialise(now: now) }
    }

    func file(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: repo + "/" + relative)))
    }

    func metadataJSON(_ name: String) throws -> JSONValue {
        try JSONParser.parse(try file("metadata/" + name))
    }

    /// The `signed.version` of a metadata file.
    func version(_ name: String) throws -> Int64? {
        try metadataJSON(name)["signed"]?["version"]?.integerValue
    }

    /// Key files in KEYS (not retired), sorted.
    func keyFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: keys)) ?? []).filter { $0.hasSuffix(".pem") }.sorted()
    }

    func retiredKeyFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: keys + "/retired")) ?? []).sorted()
    }

    /// A copy of the repository, for an attacker's mirror or a tampered variant.
    func copyRepository() throws -> String {
        let copy = Temp.directory("mirror") + "/repo"
        try FileManager.default.copyItem(atPath: repo, toPath: copy)
        return copy
    }
}

/// A console: one trusted-metadata directory that lives across refreshes, driving the real
/// TUFClient (`TUFUpdater` over `FileTransport` and `DirectoryStore`).
final class Console {
    let directory: String
    let store: DirectoryStore
    private(set) var updater: TUFUpdater?

    init(trustedRoot: [UInt8]) throws {
        directory = Temp.directory("console")
        store = DirectoryStore(directory: directory)
        try store.store("root.json", trustedRoot)
    }

    /// A console that trusts version 1 of `hub`'s root, as shipped with the console.
    convenience init(_ hub: HubFixture) throws {
        try self.init(trustedRoot: try hub.file("metadata/1.root.json"))
    }

    @discardableResult
    func refresh(_ repo: String, at now: Int64 = t0 + 60) throws(TUFError) -> RefreshReport {
        var u = TUFUpdater(metadataBaseURL: FileTransport.url(forPath: repo + "/metadata"),
                           targetBaseURL: FileTransport.url(forPath: repo + "/targets"),
                           transport: FileTransport(), store: store)
        updater = nil
        let report = try u.refresh(startTime: TUFTime(secondsSince1970: now))
        updater = u
        return report
    }

    /// Looks `name` up in the last refreshed repository and downloads it (length and hashes verified).
    func download(_ name: String) throws -> [UInt8] {
        guard var u = updater else { throw TUFError.workflow("no refresh") }
        guard case .found(let file, _) = try u.lookup(name) else { throw TUFError.workflow("\(name) not found") }
        updater = u
        return try u.download(file)
    }

    func lookup(_ name: String) throws -> TargetLookup {
        guard var u = updater else { throw TUFError.workflow("no refresh") }
        let result = try u.lookup(name)
        updater = u
        return result
    }

    var trustedRoot: RootMetadata? { updater?.trustedRoot }

    func storedVersion(_ name: String) throws -> Int64? {
        guard let bytes = try store.load(name, maxLength: 10_000_000) else { return nil }
        return try JSONParser.parse(bytes)["signed"]?["version"]?.integerValue
    }
}

/// Every regular file below `directory` with its content, to show that a refused operation wrote nothing.
func tree(_ directory: String) -> [String: [UInt8]] {
    var out: [String: [UInt8]] = [:]
    guard let e = FileManager.default.enumerator(atPath: directory) else { return out }
    while let path = e.nextObject() as? String {
        var isDir: ObjCBool = false
        let full = directory + "/" + path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
            out[path] = Array((try? Data(contentsOf: URL(fileURLWithPath: full))) ?? Data())
        }
    }
    return out
}

/// Asserts that `body` throws a repository error of `kind` whose message contains `text`.
func assertRefused<T>(_ kind: TUFRepositoryError.Kind, _ text: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error containing \"\(text)\"", file: file, line: line)
    } catch let e as TUFRepositoryError {
        XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
        XCTAssertTrue(e.message.contains(text), "\"\(e.message)\" does not contain \"\(text)\"", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// Asserts that a client operation fails with a TUF error matching `matches`.
func assertClientRefuses(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Void, _ matches: (TUFError) -> Bool) {
    do {
        try body()
        XCTFail("the client accepted \(what)", file: file, line: line)
    } catch let e as TUFError {
        XCTAssertTrue(matches(e), "unexpected client error for \(what): \(e)", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
