import Foundation
import HTTP
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The loopback server of Tests/support/httpserver.py, run as a subprocess for the whole test run.
///
/// Started once per mode on first use; it exits by itself when this process ends (its stdin pipe closes),
/// so no teardown is needed and a crashed run leaves nothing behind.
final class TestServer: @unchecked Sendable {
    let port: Int
    let scheme: String
    private let process: Process
    private let input: Pipe

    static let script: String = {
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        return here.deletingLastPathComponent().appendingPathComponent("support/httpserver.py").path
    }()

    init(arguments: [String] = [], scheme: String = "http") throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line on stdout is the port; read byte by byte so nothing after it is consumed.
        var line = [UInt8]()
        let reader = output.fileHandleForReading
        while true {
            guard let byte = try reader.read(upToCount: 1), let b = byte.first else {
                throw TestServerError("httpserver.py exited before printing its port")
            }
            if b == UInt8(ascii: "\n") { break }
            line.append(b)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw TestServerError("httpserver.py printed \(String(decoding: line, as: UTF8.self)) instead of a port")
        }
        self.port = port
        self.scheme = scheme
    }

    /// `http://127.0.0.1:PORT` + path (or https for the TLS server).
    func url(_ path: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(port)\(path)" }

    // MARK: shared instances

    private static let plainResult = Result { try TestServer() }
    private static let tlsResult = Result { () throws -> (TestServer, TLSMaterial) in
        let material = try TLSMaterial.make()
        return (try TestServer(arguments: ["--tls", material.certPath, material.keyPath], scheme: "https"), material)
    }

    static func plain() throws -> TestServer { try plainResult.get() }
    static func tls() throws -> (TestServer, TLSMaterial) {
        try OpenSSL.requireAvailable()
        return try tlsResult.get()
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A self-signed certificate for 127.0.0.1/localhost made with the openssl CLI, its SPKI pin, and an
/// unrelated second certificate and pin for the negative cases.
struct TLSMaterial: Sendable {
    let dir: String
    var certPath: String { dir + "/cert.pem" }
    var keyPath: String { dir + "/key.pem" }
    var otherCertPath: String { dir + "/other-cert.pem" }
    /// `sha256//BASE64` of the server key's SubjectPublicKeyInfo.
    let pin: String
    /// The same for a key the server does not have.
    let otherPin: String

    static let directory = NSTemporaryDirectory() + "stampwatch-http-tls-\(getpid())"

    static func make() throws -> TLSMaterial {
        let dir = directory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TLSMaterial.directory) }
        for name in ["", "other-"] {
            try OpenSSL.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", "\(dir)/\(name)key.pem", "-out", "\(dir)/\(name)cert.pem", "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            try OpenSSL.run(["pkey", "-in", "\(dir)/\(name)key.pem", "-pubout", "-outform", "DER", "-out", "\(dir)/\(name)spki.der"])
            try OpenSSL.run(["dgst", "-sha256", "-binary", "-out", "\(dir)/\(name)pin.bin", "\(dir)/\(name)spki.der"])
        }
        func pin(_ name: String) throws -> String {
            "sha256//" + (try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)pin.bin"))).base64EncodedString()
        }
        return TLSMaterial(dir: dir, pin: try pin(""), otherPin: try pin("other-"))
    }
}

enum OpenSSL {
    static func requireAvailable() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw XCTSkip("the openssl CLI is not installed (apt-get install openssl)")
        }
    }

    static func run(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestServerError("openssl \(arguments.joined(separator: " ")) failed") }
    }
}

/// A loopback port with nothing listening: bound to get a free number, then closed.
func closedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestServerError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
        }
    }
    guard ok else { throw TestServerError("bind() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// The deterministic content the server's /file path serves: byte i is i % 251.
func patternBytes(_ range: Range<Int>) -> [UInt8] { range.map { UInt8($0 % 251) } }

/// Loopback transfers are allowed over plain http only when a test says so; these options do.
func loopbackOptions(_ change: (inout TransferOptions) -> Void = { _ in }) -> TransferOptions {
    var options = TransferOptions(connectTimeout: .seconds(5), totalTimeout: .seconds(20), allowInsecureLoopback: true)
    change(&options)
    return options
}

/// Runs a throwing call and returns its HTTPError, failing the test when it succeeds.
func expectHTTPError<T>(_ body: () throws(HTTPError) -> T, file: StaticString = #filePath, line: UInt = #line) -> HTTPError? {
    do {
        let value = try body()
        XCTFail("expected an HTTPError, got \(value)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}
