import Console
import Foundation
import StampCodes
import StampCrypto
import TerminalUI
import XCTest

/// Keys, codes and a recording environment shared by the console tests (keys generated once per process).
enum Fixtures {
    static let now = RFC3339.parse("2026-11-29T12:00:00Z")!
    static let manufactured = RFC3339.parse("2026-06-01T08:00:00Z")!
    static let validFrom = RFC3339.parse("2025-01-01T00:00:00Z")!
    static let validTo = RFC3339.parse("2030-01-01T00:00:00Z")!

    static let signingKey = try! SigningKey.generate(.es256)
    static let dataKey = DataKey(kid: [0xD1, 0xD2, 0xD3, 0xD4], key: SecureRandom.bytes(32), notBefore: validFrom, notAfter: validTo)

    static let keyring: Keyring = try! Keyring(
        signingKeys: [SignerKey(kid: signingKeyID(signingKey.publicKey), algorithm: .es256, publicKey: signingKey.publicKey,
                                issuer: "Test issuer", notBefore: validFrom, notAfter: validTo, revokedAt: nil)],
        dataKeys: [dataKey])

    static func payload(uid: String = "MZ0000000000001") -> StampPayload {
        StampPayload(uid: uid, product: "06001234500017", facility: "FAC-MPT-01", machine: "M07", manufactured: manufactured,
                     shift: "B", market: "MZ-MPM", series: "MZ-2026-A", operator: "EO-MZ-0042")
    }

    static func mint(uid: String = "MZ0000000000001") -> String {
        try! StampIssuer(signingKey: signingKey, signerKid: signingKeyID(signingKey.publicKey), dataKey: dataKey).mint(payload(uid: uid))
    }

    static let genuine = mint()
    static let cache = CacheSummary(freshness: .fresh, version: 3, ageSeconds: 7200, pendingUploads: 0)
}

struct StoreFailure: Error, CustomStringConvertible { var description: String }

/// Stands in for the field store's outbox: keeps every draft, in order, and can be told to fail.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _drafts: [InspectionDraft] = []
    var failWith: String?

    var drafts: [InspectionDraft] { lock.withLock { _drafts } }

    func record(_ d: InspectionDraft) throws {
        try lock.withLock {
            if let failWith { throw StoreFailure(description: failWith) }
            _drafts.append(d)
        }
    }

    /// Cache figures whose pending count follows the recorded drafts, as the outbox's would.
    func summary(_ base: CacheSummary?) -> CacheSummary? {
        guard var s = base else { return nil }
        s.pendingUploads = drafts.count
        return s
    }
}

func makeEnvironment(_ recorder: Recorder, keyring: Keyring = Fixtures.keyring, cache: CacheSummary? = Fixtures.cache,
                     place: String = "Ressano Garcia", officer: String = "OFF-7") -> ConsoleEnvironment {
    let verifier = StampVerifier(keyring: keyring)
    return ConsoleEnvironment(
        verify: { verifier.verify($0, context: VerificationContext(now: Fixtures.now)) },
        cacheStatus: { recorder.summary(cache ?? CacheSummary.noCache) },
        record: { try recorder.record($0) },
        now: { Fixtures.now },
        place: place, officerID: officer)
}

func makeDriver(_ recorder: Recorder, size: Size = Size(width: 80, height: 24), keyring: Keyring = Fixtures.keyring,
                cache: CacheSummary? = Fixtures.cache, depth: ColorDepth = .monochrome) -> ProgramDriver<ConsoleProgram> {
    let program = ConsoleProgram(environment: makeEnvironment(recorder, keyring: keyring, cache: cache))
    let model = ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), size: size)
    return ProgramDriver(program: program, model: model, size: size, colorDepth: depth)
}

extension Array where Element == String {
    func containsLine(_ fragment: String) -> Bool { contains { $0.contains(fragment) } }
    var screen: String { enumerated().map { "\($0.offset + 1)|\($0.element)" }.joined(separator: "\n") }
}
