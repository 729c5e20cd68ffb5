import Foundation
import Hub
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import StampCrypto
import StrictJSON
import XCTest

/// The `stampwatch-hub` executable (built next to the test bundle: the test target depends on it).
enum HubExecutable {
    private final class Marker {}

    static let path: String? = {
        var dirs: [URL] = []
        let bundle = Bundle(for: Marker.self).bundleURL
        dirs += [bundle.deletingLastPathComponent(), bundle]
        if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
        dirs.append(URL(fileURLWithPath: repoRoot + "/.build/debug"))
        // In the repository the executable is stampwatch-hub; in a scratch package it may carry another name.
        for d in dirs {
            for name in ["stampwatch-hub", "stampwatch-hub-scratch"] {
                let p = d.appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
        }
        return nil
    }()

    static func require() throws -> String {
        guard let path else { throw XCTSkip("the stampwatch-hub executable is not built next to the tests") }
        return path
    }

    /// Runs a command to completion: status, stdout, stderr.
    static func run(_ args: [String], prefix: [String] = []) throws -> (status: Int32, out: String, err: String) {
        let exe = try require()
        let p = Process()
        let argv = prefix + [exe] + args
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let errText = ChildHub.Text()
        let group = DispatchGroup()
        group.enter()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errText.append(String(decoding: errHandle.readDataToEndOfFile(), as: UTF8.self))
            group.leave()
        }
        let outBytes = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outBytes, as: UTF8.self), errText.text)
    }
}

/// A hub running as a child process (`stampwatch-hub serve`), optionally under `prlimit`.
final class ChildHub: @unchecked Sendable {
    final class Text: @unchecked Sendable {
        private let lock = NSLock()
        private var value = ""
        func append(_ s: String) { lock.lock(); value += s; lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return value }
    }

    let process = Process()
    private let errText = Text()
    let port: Int

    init(data: String, prefix: [String] = [], extra: [String] = []) throws {
        let exe = try HubExecutable.require()
        let argv = prefix + [exe, "serve", "--data", data, "--port", "0", "--insecure-loopback"] + extra
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let handle = err.fileHandleForReading
        let sink = errText
        Thread.detachNewThread {
            while true {
                let d = handle.availableData
                if d.isEmpty { break }
                sink.append(String(decoding: d, as: UTF8.self))
            }
        }
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while Date() < deadline, process.isRunning {
            let text = errText.text
            if let r = text.range(of: "listening on http://127.0.0.1:") {
                found = Int(text[r.upperBound...].prefix { $0.isNumber })
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw NSError(domain: "ChildHub", code: 1, userInfo: [NSLocalizedDescriptionKey: "the hub did not start: \(errText.text)"])
        }
        port = found
    }

    var stderr: String { errText.text }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
}

/// A device talking to a child hub over a real socket, with the real clock.
struct LiveDevice {
    let device: TestDevice
    let client: TestClient

    func send(_ method: HTTPRequest.Method, _ target: String, body: [UInt8] = []) async throws -> TestClient.Response {
        let headers = device.headers(method.rawValue, target, body: body, created: Int64(Date().timeIntervalSince1970))
        return try await client.execute(TestClient.Request(target, method: method, authority: "127.0.0.1", headers: headers,
                                                           body: ByteBuffer(bytes: body)))
    }
}

final class FullDiskTests: XCTestCase, @unchecked Sendable {
    func bigRecords(_ device: String, seqs: ClosedRange<Int64>) -> [TestRecord] {
        // Random notes do not compress; each payload is about 48 kB.
        seqs.map { TestRecord(device: device, seq: $0, notes: Hex.encode(SecureRandom.bytes(24_000))) }
    }

    /// A tiny tmpfs under the hub's database, hub in-process on a live socket.
    func testAFullTmpfsFailsTheUploadWith503AndStoresNothingOfIt() async throws {
        let scratch = Scratch()
        let mnt = scratch.file("mnt")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]) == 0 else {
            throw XCTSkip("cannot mount a tmpfs here; testAChildHubAtItsFileSizeLimit covers the full disk")
        }
        defer { _ = run("/bin/umount", [mnt]) }
        let hub = try HubFixture(storeDirectory: mnt)
        let device = TestDevice("console-1")
        let small = (1...3).map { TestRecord(device: device.id, seq: $0) }
        let big = bigRecords(device.id, seqs: 4...40)  // ~1.8 MB: more than the whole disk
        try await hub.test(.live) { client in
            try await client.enrol(device)
            try await assertStatus(await client.upload(device, small), .ok)
            let full = try await client.upload(device, big)
            XCTAssertEqual(full.status, .serviceUnavailable, String(buffer: full.body))
            XCTAssertEqual(full.problemType, "urn:stampwatch:problem:storage-full")
            XCTAssertEqual(full.headers[.retryAfter], "60")
            // Once there is room for it, the hub goes on: a small batch is stored.
            let next = try await client.upload(device, big.prefix(2).map { $0 })
            XCTAssertEqual(next.status, .ok, String(buffer: next.body))
            XCTAssertEqual(try ReceiptVerifier.verify(next.bytes, hubKey: hub.signer.key.publicKey).highestContiguousSeq, 5)
        }
        XCTAssertEqual(try hub.store.records(deviceID: device.id).map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertEqual(try hub.store.records(deviceID: device.id).map(\.payload), small.map(\.payload) + big.prefix(2).map(\.payload))
        XCTAssertEqual(try hub.store.counts()["receipt"], 2, "no receipt for the failed upload")
        XCTAssertEqual(try hub.store.integrityCheck(), "ok")
        try hub.store.close()
    }

    /// `stampwatch-hub serve` in a child process under RLIMIT_FSIZE (prlimit): the write fails with EFBIG,
    /// the hub answers 503, stays up, and the database holds exactly what was acknowledged.
    func testAChildHubAtItsFileSizeLimit() async throws {
        _ = try HubExecutable.require()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { throw XCTSkip("prlimit (util-linux) is not installed") }
        let scratch = Scratch()
        let data = scratch.file("data")
        let tokenRun = try HubExecutable.run(["devices", "token", "--data", data, "--id", "console-1", "--region", "MZ"])
        XCTAssertEqual(tokenRun.status, 0, tokenRun.err)
        let token = tokenRun.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(DeviceRecord.deviceID(inToken: token), "console-1")

        let hub = try ChildHub(data: data, prefix: ["/usr/bin/prlimit", "--fsize=600000", "--"])
        let device = TestDevice("console-1")
        let small = (1...3).map { TestRecord(device: device.id, seq: $0) }
        let big = bigRecords(device.id, seqs: 4...40)
        try await TestClient.withClient(host: "127.0.0.1", port: hub.port) { client in
            let live = LiveDevice(device: device, client: client)
            let enrolled = try await live.send(.post, "/v1/devices/console-1/enrolment", body: enrolmentBody(device, token: token))
            XCTAssertEqual(enrolled.status, .created)
            try await assertStatus(await live.send(.post, "/v1/devices/console-1/records", body: batch(small)), .ok)
            let full = try await live.send(.post, "/v1/devices/console-1/records", body: batch(big))
            XCTAssertEqual(full.status, .serviceUnavailable, String(buffer: full.body ?? ByteBuffer()))
            let next = try await live.send(.post, "/v1/devices/console-1/records", body: batch(Array(big.prefix(1))))
            XCTAssertEqual(next.status, .ok, String(buffer: next.body ?? ByteBuffer()))
            let health = try await client.get("/health")
            XCTAssertEqual(health.status, .ok)
        }
        XCTAssertEqual(hub.stop(), 0, "SIGTERM shuts the hub down cleanly: \(hub.stderr)")
        let store = try SQLiteHubStore(path: data + "/hub.sqlite")
        XCTAssertEqual(try store.records(deviceID: "console-1").map(\.seq), [1, 2, 3, 4])
        XCTAssertEqual(try store.integrityCheck(), "ok")
        try store.close()
    }

    func run(_ exe: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// The CLI around the hub: devices, serve's refusals, and TLS.
final class HubCommandTests: XCTestCase, @unchecked Sendable {
    func testDevicesTokenListRevokeAndHubKey() throws {
        let scratch = Scratch()
        let data = scratch.file("data")
        let t = try HubExecutable.run(["devices", "token", "--data", data, "--id", "scanner-7", "--region", "MZ-MPM"])
        XCTAssertEqual(t.status, 0, t.err)
        let token = t.out.trimmingCharacters(in: .newlines)
        XCTAssertTrue(token.hasPrefix("scanner-7:"), token)
        XCTAssertEqual(token.count, "scanner-7:".count + 64)
        XCTAssertEqual(DeviceRecord.deviceID(inToken: token), "scanner-7")
        let again = try HubExecutable.run(["devices", "token", "--data", data, "--id", "scanner-7", "--region", "MZ-MPM"])
        XCTAssertEqual(again.status, 0, "a pending device may get another token")
        let otherRegion = try HubExecutable.run(["devices", "token", "--data", data, "--id", "scanner-7", "--region", "MZ-P"])
        XCTAssertEqual(otherRegion.status, 65)
        XCTAssertEqual(try HubExecutable.run(["devices", "token", "--data", data, "--id", "bad/id"]).status, 64)

        let list = try HubExecutable.run(["devices", "list", "--data", data, "--json"])
        XCTAssertEqual(list.status, 0)
        let row = try JSONParser.parse(list.out.trimmingCharacters(in: .newlines))
        XCTAssertEqual(row["state"]?.stringValue, "pending")
        XCTAssertEqual(row["region"]?.stringValue, "MZ-MPM")

        XCTAssertEqual(try HubExecutable.run(["devices", "revoke", "--data", data, "--id", "scanner-7", "--reason", "lost"]).status, 0)
        XCTAssertEqual(try HubExecutable.run(["devices", "revoke", "--data", data, "--id", "nobody"]).status, 66)
        let afterRevoke = try HubExecutable.run(["devices", "token", "--data", data, "--id", "scanner-7", "--region", "MZ-MPM"])
        XCTAssertEqual(afterRevoke.status, 65)
        XCTAssertTrue(afterRevoke.err.contains("revoked"), afterRevoke.err)

        let key = try HubExecutable.run(["devices", "hub-key", "--data", data])
        XCTAssertEqual(key.status, 0)
        let json = try JSONParser.parse(key.out)
        let signer = try ReceiptSigner.loadOrCreate(at: data + "/receipt-key.pem")
        XCTAssertEqual(json["keyid"]?.stringValue, signer.keyID)
        let pem = try HubExecutable.run(["devices", "hub-key", "--data", data, "--pem"])
        XCTAssertEqual(pem.out, signer.publicKeyPEM)
    }

    func testServeRefusesPlainHTTPBeyondLoopbackAndMissingRepositories() throws {
        let scratch = Scratch()
        let plain = try HubExecutable.run(["serve", "--data", scratch.path, "--host", "0.0.0.0", "--insecure-loopback"])
        XCTAssertEqual(plain.status, 64)
        XCTAssertTrue(plain.err.contains("loopback"), plain.err)
        let noTLS = try HubExecutable.run(["serve", "--data", scratch.path])
        XCTAssertEqual(noTLS.status, 64)
        let halfTLS = try HubExecutable.run(["serve", "--data", scratch.path, "--tls-cert", "x.pem"])
        XCTAssertEqual(halfTLS.status, 64)
        let noRepo = try HubExecutable.run(["serve", "--data", scratch.path, "--insecure-loopback", "--port", "0", "--tuf", scratch.file("none")])
        XCTAssertEqual(noRepo.status, 66)
        XCTAssertTrue(HubListenOptions.isLoopback("127.0.0.1"))
        XCTAssertTrue(HubListenOptions.isLoopback("127.8.9.10"))
        XCTAssertTrue(HubListenOptions.isLoopback("::1"))
        XCTAssertTrue(HubListenOptions.isLoopback("localhost"))
        XCTAssertFalse(HubListenOptions.isLoopback("10.0.0.1"))
        XCTAssertFalse(HubListenOptions.isLoopback("::"))
        XCTAssertFalse(HubListenOptions.isLoopback("hub.example"))
    }

    /// TLS with a certificate: the same API over https (certificate made with the openssl CLI).
    func testTLSWithACertificate() async throws {
        let scratch = Scratch()
        let cert = scratch.file("cert.pem"), key = scratch.file("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        guard (try? openssl.run()) != nil else { throw XCTSkip("no openssl CLI") }
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0)

        let fixture = try HubFixture()
        let app = try HubApplication.make(server: fixture.server, listen: HubListenOptions(host: "127.0.0.1", port: 0, tlsCertificatePath: cert, tlsKeyPath: key),
                                          logger: HubApplication.stderrLogger(level: "error"))
        let device = TestDevice("console-tls")
        try await app.test(.ahc(.https)) { client in
            let hub = HubClient(client: client, fixture: fixture)
            try await assertStatus(await hub.send(.get, "/health"), .ok)
            try await hub.enrol(device)
            try await assertStatus(await hub.upload(device, [TestRecord(device: device.id, seq: 1)]), .ok)
        }
        XCTAssertThrowsError(try HubApplication.make(server: fixture.server, listen: HubListenOptions(host: "0.0.0.0", insecureLoopback: true),
                                                     logger: HubApplication.stderrLogger(level: "error")))
    }
}
