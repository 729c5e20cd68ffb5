import Foundation
import XCTest
@testable import TUFClient

/// FileTransport (the USB-stick path) and DirectoryStore (the trusted metadata on disk).
final class FileTransportTests: XCTestCase {
    private func file(_ bytes: [UInt8], named name: String = "f") throws -> URL {
        let url = Temp.directory("transport").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func testReadsFileURLsAndAbsolutePaths() throws {
        let url = try file(Array("hello".utf8), named: "a b%.txt")
        let t = FileTransport()
        XCTAssertEqual(try t.fetch(FileTransport.url(forPath: url.path), maxLength: 5), Array("hello".utf8))
        XCTAssertTrue(FileTransport.url(forPath: url.path).hasSuffix("/a%20b%25.txt"))
        XCTAssertEqual(try t.fetch("file://localhost" + PercentEncoding.encodePath(url.path), maxLength: 100), Array("hello".utf8))
        XCTAssertEqual(try t.fetch(PercentEncoding.encodePath(url.path), maxLength: 100), Array("hello".utf8))
    }

    func testALongerFileIsCutAtTheLimit() throws {
        let url = try file([UInt8](repeating: 0x20, count: 3_000_000))
        XCTAssertEqual(try FileTransport().fetch(url.path, maxLength: 3_000_000).count, 3_000_000)
        XCTAssertThrowsError(try FileTransport().fetch(url.path, maxLength: 2_999_999)) {
            XCTAssertEqual($0 as? TUFTransportError, .lengthExceeded(url: url.path, limit: 2_999_999))
        }
        XCTAssertThrowsError(try FileTransport().fetch(url.path, maxLength: 0))
    }

    func testEndlessSourcesAreRefusedWithoutHanging() throws {
        let fifo = Temp.directory("fifo").appendingPathComponent("endless")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        for path in [fifo.path, "/dev/zero", "/dev/urandom"] {
            XCTAssertThrowsError(try FileTransport().fetch(path, maxLength: 10)) {
                XCTAssertEqual($0 as? TUFTransportError, .failed(url: path, reason: "not a regular file"))
            }
        }
    }

    func testMissingFilesAreNotFoundAndOtherFailuresAreNot() throws {
        let dir = Temp.directory("missing")
        XCTAssertThrowsError(try FileTransport().fetch(dir.path + "/nope.json", maxLength: 10)) {
            XCTAssertEqual($0 as? TUFTransportError, .notFound(url: dir.path + "/nope.json"))
        }
        XCTAssertThrowsError(try FileTransport().fetch(dir.path, maxLength: 10)) {
            guard case .failed = $0 as! TUFTransportError else { return XCTFail("\($0)") }
        }
    }

    func testPathsThatClimbOrAreNotLocalAreRefused() {
        for url in ["/repo/..%2Fsecret.json", "/repo/../secret", "file:///repo/./x", "file://server/share/x",
                    "http://example.org/x", "relative/path", "/repo/x%00y", "/repo/x?y", "/repo/%zz"] {
            XCTAssertThrowsError(try FileTransport.path(forURL: url), url) {
                guard case .unsupportedURL = $0 as! TUFTransportError else { return XCTFail("\(url): \($0)") }
            }
        }
        XCTAssertEqual(try FileTransport.path(forURL: "file:///repo/1...%2Fevil.json"), "/repo/1.../evil.json")
        XCTAssertEqual(try FileTransport.path(forURL: "file:/repo/a%20b"), "/repo/a b")
    }

    func testURLForARelativePathIsAbsoluteAndNormalised() {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertEqual(FileTransport.url(forPath: "./x/../repo/"), "file://" + PercentEncoding.encodePath(cwd + "/repo/"))
        XCTAssertEqual(FileTransport.url(forPath: "/media/usb stick/metadata"), "file:///media/usb%20stick/metadata")
    }
}

final class DirectoryStoreTests: XCTestCase {
    func testReplacesFilesWholeAndLeavesNoTemporaryFiles() throws {
        let dir = Temp.directory("store").appendingPathComponent("nested/metadata")
        let store = try DirectoryStore.create(directory: dir.path)
        try store.store("timestamp.json", Array("one".utf8))
        try store.store("timestamp.json", Array("two".utf8))
        XCTAssertEqual(try store.load("timestamp.json", maxLength: 3), Array("two".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["timestamp.json"])
        try store.remove("timestamp.json")
        try store.remove("timestamp.json")
        XCTAssertNil(try store.load("timestamp.json", maxLength: 3))
    }

    func testRefusesNamesOutsideItsDirectoryAndOverlongFiles() throws {
        let store = try DirectoryStore.create(directory: Temp.directory("store").path)
        for name in ["../x.json", "a/b.json", "..", ".", ""] {
            XCTAssertThrowsError(try store.store(name, [1]), name)
            XCTAssertThrowsError(try store.load(name, maxLength: 1), name)
        }
        try store.store("big.json", [UInt8](repeating: 1, count: 100))
        XCTAssertThrowsError(try store.load("big.json", maxLength: 99)) { XCTAssertEqual(keyword($0 as! TUFError), "storage") }
    }

    func testAFailedWriteKeepsTheOldContent() throws {
        let dir = Temp.directory("store")
        let store = try DirectoryStore.create(directory: dir.path)
        try store.store("root.json", Array("trusted".utf8))
        // A directory where the file should go makes the rename fail after the temp file was written.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("snapshot.json"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try store.store("snapshot.json", [1, 2, 3]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["root.json", "snapshot.json"])
        XCTAssertEqual(try store.load("root.json", maxLength: 100), Array("trusted".utf8))
    }
}
