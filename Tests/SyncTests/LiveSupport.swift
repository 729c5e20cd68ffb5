import Foundation
import GRDB
import StrictJSON
import XCTest

/// The executables built next to the test bundle (the test target depends on them).
enum Bin {
    private final class Marker {}
    static let dir: String = {
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent().path) }
        let bundle = Bundle(for: Marker.self).bundleURL
        candidates += [bundle.path, bundle.deletingLastPathComponent().path, repoRoot + "/.build/debug"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/stampwatch") } ?? repoRoot + "/.build/debug"
    }()
    static var stampwatch: String { dir + "/stampwatch" }
    static var hub: String { dir + "/stampwatch-hub" }
    static var helper: String { dir + "/fieldstore-crash-helper" }
    static var proxy: String { repoRoot + "/Tests/sync/faultproxy.py" }
}

struct Ran {
    var status: Int32
    var out: String
    var err: String
}

/// Runs a command to completion.
@discardableResult
func runTool(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> Ran {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let errText = Box("")
    let done = DispatchSemaphore(value: 0)
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async {
        errText.set(String(decoding: errHandle.readDataToEndOfFile(), as: UTF8.self))
        done.signal()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    p.waitUntilExit()
    return Ran(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: errText.get)
}

/// A long-running child (hub, sync loop, proxy) whose output is collected, and that can be killed with SIGKILL.
final class Child: @unchecked Sendable {
    let process = Process()
    let out = Box("")
    let err = Box("")
    private let input = Pipe()

    init(_ exe: String, _ args: [String], env: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = input
        try process.run()
        for (pipe, box) in [(o, out), (e, err)] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let d = handle.availableData
                    if d.isEmpty { break }
                    box.update { $0 += String(decoding: d, as: UTF8.self) }
                }
            }
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

    /// Waits until `text` (stdout or stderr) contains `needle`; returns the text after it.
    func wait(for needle: String, in which: KeyPath<Child, Box<String>> = \.err, timeout: Double = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = self[keyPath: which].get
            if let r = text.range(of: needle) { return String(text[r.upperBound...]) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw NSError(domain: "Child", code: 1, userInfo: [NSLocalizedDescriptionKey: "no \"\(needle)\" from \(process.executableURL!.lastPathComponent): \(err.get.suffix(2000))"])
    }

    func kill9() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit() } }
}

/// A hub, a TUF repository with a cache and the hub's receipt key, and an enrolled console, all real, on loopback.
final class LiveWorld: @unchecked Sendable {
    let scratch: Scratch
    let deviceID: String
    var hubProcess: Child?
    private(set) var port = 0
    var tlsCert: String?
    var tlsKey: String?
    var prlimit: [String] = []

    var hubData: String { scratch.file("hubdata") }
    var repo: String { scratch.file("repo") }
    var store: String { scratch.file("device/field.sqlite") }
    var env: [String: String] {
        ["STAMPWATCH_STORE": store, "XDG_CONFIG_HOME": scratch.file("config"), "XDG_DATA_HOME": scratch.file("xdg")]
    }
    var scheme: String { tlsCert == nil ? "http" : "https" }
    var hubURL: String { "\(scheme)://127.0.0.1:\(port)" }

    init(_ name: String = #function, deviceID: String = "console-1", tls: Bool = false) throws {
        scratch = Scratch(name)
        self.deviceID = deviceID
        let issuer = scratch.file("issuer")
        try check(runTool(Bin.hub, ["keys", "generate", "--out", issuer, "--not-before", "2025-01-01T00:00:00Z"]))
        try check(runTool(Bin.hub, ["cache", "build", "--keys", issuer, "--version", "1", "--out", scratch.file("snap1.sqlite")]))
        try check(runTool(Bin.hub, ["publish", "--repo", repo, "--keys", scratch.file("tufkeys"), "--init", "--hub-data", hubData,
                                "--target", "cache/MZ/snapshot.sqlite=" + scratch.file("snap1.sqlite")]))
        if tls {
            tlsCert = scratch.file("cert.pem")
            tlsKey = scratch.file("key.pem")
            try check(runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", tlsKey!,
                                               "-out", tlsCert!, "-days", "2", "-subj", "/CN=localhost",
                                               "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]))
        }
    }

    @discardableResult
    func check(_ r: Ran, _ what: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> Ran {
        guard r.status == 0 else {
            throw NSError(domain: "LiveWorld", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "\(what) exit \(r.status): \(r.err)\(r.out)"])
        }
        return r
    }

    /// Starts (or restarts, on the same port) the hub.
    func startHub(extra: [String] = []) throws {
        var args = prlimit + [Bin.hub, "serve", "--data", hubData, "--tuf", repo, "--port", String(port), "--log-level", "warning"]
        if let tlsCert, let tlsKey { args += ["--tls-cert", tlsCert, "--tls-key", tlsKey] } else { args.append("--insecure-loopback") }
        args += extra
        for attempt in 0..<40 {
            let child = try Child(args[0], Array(args.dropFirst()))
            if let rest = try? child.wait(for: "listening on \(scheme)://127.0.0.1:", timeout: 30) {
                port = Int(rest.prefix { $0.isNumber })!
                hubProcess = child
                return
            }
            // The port may still be held by the killed hub's socket for a moment.
            child.kill9()
            if attempt == 39 { throw NSError(domain: "LiveWorld", code: 1, userInfo: [NSLocalizedDescriptionKey: "the hub did not start: \(child.err.get)"]) }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }

    func token(ttl: Int = 3600) throws -> String {
        try check(runTool(Bin.hub, ["devices", "token", "--data", hubData, "--id", deviceID, "--region", "MZ", "--ttl", String(ttl)])).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func console(_ args: [String], extraEnv: [String: String] = [:]) throws -> Ran {
        try runTool(Bin.stampwatch, args, env: env.merging(extraEnv) { $1 })
    }

    var tlsArgs: [String] { tlsCert.map { ["--ca", $0, "--pin", LiveWorld.pin(ofCert: $0)] } ?? ["--allow-insecure-loopback"] }

    /// Enrols the console and fetches the cache (with the hub's receipt key) from the hub.
    func enrolAndUpdate() throws {
        try check(console(["device", "enrol", "--hub", hubURL, "--token", token()] + tlsArgs), "enrol")
        var update = ["cache", "update", "--from", hubURL + "/tuf", "--root", repo + "/metadata/1.root.json"]
        if tlsCert == nil { update.append("--insecure-loopback") }
        try check(console(update), "cache update")
    }

    /// Records `count` inspections as the device through the FieldStore API (the crash helper).
    func record(_ count: Int) throws {
        try check(runTool(Bin.helper, ["record", store, deviceID, String(count)]), "record")
    }

    /// sha256//BASE64 of a certificate's public key.
    static func pin(ofCert cert: String) -> String {
        let p = try! runTool("/bin/sh", ["-c", "openssl x509 -in '\(cert)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"])
        return "sha256//" + p.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Reading both sides (read-only, never through FieldStore.open, which would reset in-flight rows)

    func deviceRows() throws -> [(uuid: String, seq: Int64, state: String, payload: [UInt8], error: String?)] {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: store, configuration: config)
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT record_uuid, seq, state, payload, last_error FROM outbox WHERE device_id = ? ORDER BY seq", arguments: [deviceID])
                .map { ($0[0], $0[1], $0[2], [UInt8]($0[3] as Data), $0[4]) }
        }
    }

    func hubRows() throws -> [(uuid: String, seq: Int64, payload: [UInt8])] {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: hubData + "/hub.sqlite", configuration: config)
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT record_uuid, seq, payload FROM record WHERE device_id = ? ORDER BY seq", arguments: [deviceID])
                .map { ($0[0], $0[1], [UInt8]($0[2] as Data)) }
        }
    }

    func hubCount(_ table: String) throws -> Int {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: hubData + "/hub.sqlite", configuration: config)
        return try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// The fault proxy (Tests/sync/faultproxy.py) as a child process.
final class FaultProxy {
    let child: Child
    let port: Int

    init(upstream: Int, faults: String, seed: Int = 1, stallSeconds: Double = 4, globalRate: Double? = nil, eachFirst: Bool = false) throws {
        var args = [Bin.proxy, "--upstream-port", String(upstream), "--faults", faults, "--seed", String(seed),
                    "--stall-seconds", String(stallSeconds), "--retry-after", "1"]
        if eachFirst { args.append("--each-first") }
        if let globalRate { args += ["--global-rate", String(globalRate)] }
        child = try Child("/usr/bin/python3", args)
        port = Int(try child.wait(for: "listening ", in: \.out, timeout: 20).prefix { $0.isNumber })!
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func upstream(_ port: Int) { child.send("upstream \(port)") }
    func faults(_ spec: String) { child.send("faults \(spec)") }

    /// Counts of each fault applied so far.
    func stats() throws -> [String: Int] {
        let before = child.out.get.count
        child.send("stats")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = child.out.get
            if text.count > before, text.hasSuffix("\n") {
                let line = String(text.dropFirst(before)).trimmingCharacters(in: .whitespacesAndNewlines)
                if case .object(let o)? = try? JSONParser.parse(Array(line.utf8)) {
                    var out: [String: Int] = [:]
                    for (k, v) in o { out[k] = Int(v.integerValue ?? 0) }
                    return out
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw NSError(domain: "FaultProxy", code: 1, userInfo: [NSLocalizedDescriptionKey: "no stats: \(child.err.get)"])
    }

    deinit { child.send("quit"); _ = child.terminate() }
}
