import Foundation
import HTTP
import XCTest

/// Streaming downloads into `path.partial`, resumed with Range requests and renamed only when complete.
final class DownloadTests: XCTestCase {
    private let client = HTTPClient()
    private var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "stampwatch-download-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    private var target: String { dir + "/snapshot.bin" }
    private var partial: String { target + ".partial" }
    private func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map(Array.init) }
    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func testFreshDownloadReportsProgressAndRenamesWhenComplete() throws {
        let server = try TestServer.plain()
        var seen: [(Int, Int?)] = []
        let result = try client.download(server.url("/file?size=200000"), to: target, maxBytes: 1_000_000,
                                         options: loopbackOptions(), progress: { seen.append(($0, $1)) })
        XCTAssertEqual(result, DownloadResult(path: target, bytes: 200000, resumedFrom: 0, status: 200))
        XCTAssertEqual(bytes(target), patternBytes(0..<200000))
        XCTAssertFalse(exists(partial))
        XCTAssertEqual(seen.first?.0, 0)
        XCTAssertEqual(seen.last?.0, 200000)
        XCTAssertTrue(seen.allSatisfy { $0.1 == 200000 })
    }

    func testInterruptedDownloadKeepsThePartialFileAndTheNextCallResumesIt() throws {
        let server = try TestServer.plain()
        let url = server.url("/file?size=300000&drop=100000")  // drops at byte 100000 unless resumed past it
        let error = expectHTTPError { () throws(HTTPError) in
            try client.download(url, to: target, maxBytes: 1_000_000, options: loopbackOptions())
        }
        XCTAssertEqual(error.map { if case .interrupted(100000, _) = $0 { true } else { false } }, true, "\(String(describing: error))")
        XCTAssertEqual(bytes(partial), patternBytes(0..<100000))
        XCTAssertFalse(exists(target), "nothing published before completion")

        var first: (Int, Int?)?
        let result = try client.download(url, to: target, expectedLength: 300000, maxBytes: 1_000_000,
                                         options: loopbackOptions(), progress: { if first == nil { first = ($0, $1) } })
        XCTAssertEqual(result, DownloadResult(path: target, bytes: 300000, resumedFrom: 100000, status: 206))
        XCTAssertEqual(bytes(target), patternBytes(0..<300000))
        XCTAssertFalse(exists(partial))
        XCTAssertEqual(first?.0, 100000)
        XCTAssertEqual(first?.1, 300000)
    }

    func testServerWithoutRangeSupportRestartsCleanlyFromZero() throws {
        let server = try TestServer.plain()
        try Data(repeating: 0xEE, count: 5000).write(to: URL(fileURLWithPath: partial))
        let result = try client.download(server.url("/file?size=50000&norange=1"), to: target, maxBytes: 1_000_000,
                                         options: loopbackOptions())
        XCTAssertEqual(result, DownloadResult(path: target, bytes: 50000, resumedFrom: 0, status: 200))
        XCTAssertEqual(bytes(target), patternBytes(0..<50000), "the stale partial bytes are gone")
    }

    func testPartialFileLongerThanTheResourceStartsOver() throws {
        let server = try TestServer.plain()
        try Data(repeating: 0xEE, count: 60000).write(to: URL(fileURLWithPath: partial))
        // The server answers 416 to "bytes=60000-" of a 50000-byte file; the download retries without a range.
        let result = try client.download(server.url("/file?size=50000"), to: target, maxBytes: 1_000_000, options: loopbackOptions())
        XCTAssertEqual(result.status, 200)
        XCTAssertEqual(bytes(target), patternBytes(0..<50000))
    }

    func testEndlessDownloadNeverWritesBeyondMaxBytes() throws {
        let server = try TestServer.plain()
        var largest = 0
        let error = expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/endless"), to: target, maxBytes: 500_000, options: loopbackOptions(),
                                progress: { received, _ in largest = max(largest, received) })
        }
        XCTAssertEqual(error, .responseTooLarge(limit: 500_000))
        XCTAssertLessThanOrEqual(largest, 500_000)
        XCTAssertFalse(exists(target))
        XCTAssertFalse(exists(partial), "an oversized resource's prefix is useless")
    }

    func testAnnouncedSizeAboveMaxBytesOrDifferentFromExpectedFailsBeforeWriting() throws {
        let server = try TestServer.plain()
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/file?size=2000"), to: target, maxBytes: 1000, options: loopbackOptions())
        }, .responseTooLarge(limit: 1000))
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/file?size=2000"), to: target, expectedLength: 1999, maxBytes: 5000, options: loopbackOptions())
        }, .lengthMismatch(expected: 1999, actual: 2000))
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/file?size=2000"), to: target, expectedLength: 2000, maxBytes: 1000, options: loopbackOptions())
        }, .responseTooLarge(limit: 1000))
        XCTAssertFalse(exists(target))
        XCTAssertFalse(exists(partial))
    }

    func testCompletePartialFileIsFinishedWithoutAnyRequest() throws {
        try Data(patternBytes(0..<4000)).write(to: URL(fileURLWithPath: partial))
        let nowhere = "http://127.0.0.1:\(try closedLoopbackPort())/file"
        let result = try client.download(nowhere, to: target, expectedLength: 4000, maxBytes: 10000, options: loopbackOptions())
        XCTAssertEqual(result, DownloadResult(path: target, bytes: 4000, resumedFrom: 4000, status: nil))
        XCTAssertEqual(bytes(target), patternBytes(0..<4000))
    }

    func testErrorStatusesAreReportedAndNotWrittenAsTheFile() throws {
        let server = try TestServer.plain()
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/status?code=503&retry_after=30"), to: target, maxBytes: 1000, options: loopbackOptions())
        }, .httpStatus(code: 503, retryAfter: .delay(seconds: 30)))
        XCTAssertEqual(expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/missing"), to: target, maxBytes: 1000, options: loopbackOptions())
        }, .httpStatus(code: 404, retryAfter: nil))
        XCTAssertFalse(exists(target))
    }

    func testUnwritableDestinationIsAFileError() throws {
        let server = try TestServer.plain()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.download(server.url("/file?size=10"), to: dir + "/no/such/dir/file", maxBytes: 100, options: loopbackOptions())
        }
        guard case .fileError? = error else { return XCTFail("\(String(describing: error))") }
    }
}
