import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore

/// Where and how the hub listens: TLS with a certificate and key, or plain HTTP on loopback only, and only
/// when asked for (`--insecure-loopback`): device keys sign every request, but the cache and records still
/// must not cross a network in clear.
public struct HubListenOptions: Sendable {
    public var host: String
    public var port: Int
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var insecureLoopback: Bool

    public init(host: String = "127.0.0.1", port: Int = 8443, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil,
                insecureLoopback: Bool = false) {
        self.host = host; self.port = port; self.tlsCertificatePath = tlsCertificatePath; self.tlsKeyPath = tlsKeyPath
        self.insecureLoopback = insecureLoopback
    }

    /// Why the options cannot be used, or nil.
    public var problem: String? {
        switch (tlsCertificatePath, tlsKeyPath) {
        case (nil, nil):
            guard insecureLoopback else {
                return "give --tls-cert and --tls-key, or --insecure-loopback for plain HTTP on a loopback address"
            }
            guard Self.isLoopback(host) else {
                return "plain HTTP is only allowed on a loopback address (127.0.0.0/8, ::1), not \(host); give --tls-cert and --tls-key"
            }
            return nil
        case (.some, .some):
            return insecureLoopback ? "--insecure-loopback and TLS exclude each other" : nil
        default:
            return "--tls-cert and --tls-key go together"
        }
    }

    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return (UInt32(bigEndian: v4.s_addr) >> 24) == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), &v6) == 1 {
            return withUnsafeBytes(of: &v6) { b in b.prefix(15).allSatisfy { $0 == 0 } && b[15] == 1 }
        }
        return false
    }
}

public enum HubApplication {
    /// The Hummingbird application for `server`, listening per `listen`. `onRunning` gets the bound port
    /// (useful with port 0).
    public static func make(server: HubServer, listen: HubListenOptions, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        if let problem = listen.problem { throw HubStoreError.invalidArgument(problem) }
        let builder: HTTPServerBuilder
        // A connection that sends nothing for a minute is closed (slow or stuck clients do not pile up).
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(60)))
        if let cert = listen.tlsCertificatePath, let key = listen.tlsKeyPath {
            let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
            tls.minimumTLSVersion = .tlsv12
            builder = try .tls(http1, tlsConfiguration: tls)
        } else {
            builder = http1
        }
        return Application(
            router: server.router(), server: builder,
            configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "stampwatch-hub"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger)
    }

    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// A logger that writes to standard error (standard output stays free for results).
    public static func stderrLogger(level: String) -> Logger {
        var logger = Logger(label: "stampwatch-hub", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    /// A configured hub ready to run from synchronous code (the CLI's `serve`).
    public struct Runnable: Sendable {
        let run: @Sendable () async throws -> Void

        /// Runs until SIGINT or SIGTERM, blocking the calling thread (not one of the concurrency pool's).
        public func runBlocking() throws {
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            let run = self.run
            Task.detached {
                do { try await run() } catch { outcome.set(error) }
                done.signal()
            }
            done.wait()
            if let error = outcome.error { throw error }
        }
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (any Error)?
        func set(_ e: any Error) { lock.lock(); stored = e; lock.unlock() }
        var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
    }

    public static func runnable(server: HubServer, listen: HubListenOptions, logLevel: String,
                                onRunning: @escaping @Sendable (Int) async -> Void) throws -> Runnable {
        let app = try make(server: server, listen: listen, logger: stderrLogger(level: logLevel), onRunning: onRunning)
        return Runnable { try await app.runService() }
    }
}
