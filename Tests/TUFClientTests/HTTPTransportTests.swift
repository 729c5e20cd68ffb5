import Foundation
import HTTP
import XCTest
@testable import TUFClient

/// The same TUF workflow over real HTTP (libcurl to a Python static server on 127.0.0.1), plus the transport
/// contract: endless bodies are cut, 404 means not found, plain HTTP needs the explicit loopback allowance.
final class HTTPTransportTests: XCTestCase {
    private var servers: [Process] = []

    override func tearDown() {
        for p in servers where p.isRunning { p.terminate() }
        servers = []
    }

    /// Starts a Python process that prints its port on the first stdout line.
    private func start(_ args: [String]) throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-u"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = Pipe()
        p.standardError = FileHandle.nullDevice
        try p.run()
        servers.append(p)
        var line = ""
        while !line.contains("\n") {
            let d = out.fileHandleForReading.availableData
            guard !d.isEmpty else { break }
            line += String(decoding: d, as: UTF8.self)
        }
        // http.server prints "Serving HTTP on 127.0.0.1 port N (...)"; httpserver.py prints N alone.
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
        if let i = words.firstIndex(of: "port"), i + 1 < words.count, let port = Int(words[i + 1]) { return port }
        return try XCTUnwrap(Int(words.first ?? ""), "no port in \(line)")
    }

    private var loopbackOptions: TransferOptions {
        var o = TransferOptions()
        o.allowInsecureLoopback = true
        o.connectTimeout = .seconds(5)
        return o
    }

    func testRefreshAndDownloadOverHTTP() throws {
        let scenario = try Scenarios.scenario("clean")
        let step = scenario.steps[0]
        let port = try start(["-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", step.dir.path])
        let device = try Device(scenario)
        var updater = TUFUpdater(metadataBaseURL: "http://127.0.0.1:\(port)/metadata", targetBaseURL: "http://127.0.0.1:\(port)/targets",
                                 transport: HTTPTransport(options: loopbackOptions), store: device.store)
        let report = try updater.refresh(startTime: scenario.now)
        XCTAssertEqual([report.timestampVersion, report.snapshotVersion, report.targetsVersion], [1, 1, 1])
        guard case .found(let target, let role) = try updater.lookup("files/a.txt") else { return XCTFail("target not found") }
        XCTAssertEqual(role, "targets")
        XCTAssertEqual(try updater.download(target), Array("alpha\n".utf8))
    }

    func testTransportContract() throws {
        let server = CLIRoot.projectRoot.appendingPathComponent("Tests/support/httpserver.py").path
        let port = try start([server])
        let http = HTTPTransport(options: loopbackOptions)
        XCTAssertThrowsError(try http.fetch("http://127.0.0.1:\(port)/endless", maxLength: 100_000)) { error in
            XCTAssertEqual(error as? TUFTransportError, .lengthExceeded(url: "http://127.0.0.1:\(port)/endless", limit: 100_000))
        }
        XCTAssertThrowsError(try http.fetch("http://127.0.0.1:\(port)/status?code=404", maxLength: 1000)) { error in
            XCTAssertEqual(error as? TUFTransportError, .notFound(url: "http://127.0.0.1:\(port)/status?code=404"))
        }
        XCTAssertThrowsError(try http.fetch("http://127.0.0.1:\(port)/status?code=503", maxLength: 1000)) { error in
            guard case .httpStatus(_, 503)? = error as? TUFTransportError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try http.fetch("http://127.0.0.1:\(port)/file?size=1000", maxLength: 1000).count, 1000)
        // Without the explicit allowance plain HTTP is refused before connecting.
        XCTAssertThrowsError(try HTTPTransport().fetch("http://127.0.0.1:\(port)/file?size=10", maxLength: 100)) { error in
            guard case .unsupportedURL? = error as? TUFTransportError else { return XCTFail("\(error)") }
        }
    }
}

enum CLIRoot {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Every generated scenario again, served from loopback over HTTP instead of read from disk: the outcome
/// and the trusted versions must not depend on the transport.
final class ScenariosOverHTTPTests: XCTestCase {
    func testEveryScenarioBehavesTheSameOverHTTP() throws {
        let manifest = try Scenarios.manifest()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", manifest.root.path]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let banner = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let words = banner.split(separator: " ")
        let port = try XCTUnwrap(words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) }, banner)
        var options = TransferOptions()
        options.allowInsecureLoopback = true
        let http = HTTPTransport(options: options)
        let rootPath = manifest.root.standardizedFileURL.path

        var steps = 0, downloads = 0
        for (name, scenario) in manifest.scenarios.sorted(by: { $0.key < $1.key }) {
            let device = try Device(scenario)
            for (i, step) in scenario.steps.enumerated() {
                let relative = String(step.dir.standardizedFileURL.path.dropFirst(rootPath.count))
                let base = "http://127.0.0.1:\(port)" + relative
                var updater = TUFUpdater(metadataBaseURL: base + "/metadata/", targetBaseURL: base + "/targets/",
                                         transport: http, store: device.store, configuration: device.configuration)
                let label = "\(name) step \(i) over HTTP"
                do {
                    _ = try updater.refresh(startTime: manifest.now)
                    XCTAssertTrue(step.ok, "\(label): succeeded but should have failed with \(step.errors)")
                    for d in step.downloads {
                        var ok = false
                        if case .found(let file, _)? = try? updater.lookup(d.path), (try? updater.download(file)) != nil { ok = true }
                        XCTAssertEqual(ok, d.ok, "\(label): download of \(d.path)")
                        downloads += 1
                    }
                } catch {
                    XCTAssertFalse(step.ok, "\(label): failed: \(error)")
                    if !step.ok { XCTAssertTrue(step.errors.contains(keyword(error)), "\(label): expected \(step.errors), got \(keyword(error))") }
                }
                for (role, version) in step.trusted {
                    XCTAssertEqual(try device.version(role), version, "\(label): trusted \(role)")
                }
                steps += 1
            }
        }
        XCTAssertGreaterThan(steps, 70)
        XCTAssertGreaterThan(downloads, 30)
    }
}
