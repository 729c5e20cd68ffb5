import Foundation
import XCTest
import StampCrypto

func hex(_ s: String) -> [UInt8] {
    guard let b = Hex.decode(s.filter { !$0.isWhitespace }) else { fatalError("bad hex in test: \(s)") }
    return b
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Asserts that `body` throws a CryptoError and returns it.
@discardableResult
func assertCryptoError<T>(_ body: () throws(CryptoError) -> T, file: StaticString = #filePath, line: UInt = #line) -> CryptoError? {
    do {
        _ = try body()
        XCTFail("expected a CryptoError", file: file, line: line)
        return nil
    } catch {
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        XCTAssertEqual(error.description, error.message, file: file, line: line)
        return error
    }
}

/// Runs the openssl CLI; skips the test when it is not installed.
enum OpenSSLCLI {
    static let path = "/usr/bin/openssl"

    static func requireAvailable() throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("\(path) not installed")
        }
    }

    @discardableResult
    static func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(p.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "openssl \(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))",
            ])
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stampcrypto-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Thread-safe counter for the concurrency tests.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add(_ n: Int) { lock.lock(); value += n; lock.unlock() }
    var total: Int { lock.lock(); defer { lock.unlock() }; return value }
}
