import ArgumentParser
import CLISupport
import Console
import FieldStore
import Foundation
import StampCodes

/// `stampwatch` with no subcommand: the full-screen console, wired to the keyring and the field store.
///
/// Keyring: `$STAMPWATCH_KEYRING` if set (as `verify`), else the signed cache's. Inspections go to the
/// field store's outbox (`FieldStore.record`, one transaction, synchronous = FULL) before the verdict
/// is shown, so nothing is lost if the console is killed right after Enter. Place and officer come from
/// `$STAMPWATCH_PLACE` and `$STAMPWATCH_OFFICER` (empty when unset); the device id from
/// `$STAMPWATCH_DEVICE_ID`, else a `device-id` file created once beside the store.
func runConsole() throws {
    let env = ProcessInfo.processInfo.environment
    guard isatty(0) != 0, isatty(1) != 0 else {
        printError("stampwatch: the console needs a terminal; for scripts use `stampwatch verify` (see stampwatch --help).")
        throw ExitCode(SysExit.usage.rawValue)
    }
    let store: FieldStore
    do {
        guard let s = try Cache.openStore(create: true) else { throw CommandFailure(.cantCreate, "cannot create the field store at \(DevicePaths.store)") }
        store = s
    } catch let failure as CommandFailure {
        throw failure.exit()
    }
    let deviceID = try consoleDeviceID(env: env)
    let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    // The keyring: the environment's file, else the cache's (empty: every code unverifiable, and the
    // console's empty state says how to get a cache).
    var keyring = Keyring.empty
    var fromCache = false
    if let path = env["STAMPWATCH_KEYRING"], !path.isEmpty {
        do {
            keyring = try Keyring.parse(try readFile(path, what: "keyring file"))
        } catch let failure as CommandFailure {
            throw failure.exit()
        } catch {
            throw CommandFailure(.dataError, "keyring \(path) is not usable: \(error). Fix the entry or get a fresh keyring from the hub.").exit()
        }
    } else if (try? store.cacheInfo()) != nil, let ring = try? store.keyring() {
        keyring = ring
        fromCache = true
    }
    let verifier = StampVerifier(keyring: keyring)
    let keyringFromCache = fromCache

    let summary: @Sendable () -> CacheSummary? = {
        guard let status = try? store.status(deviceClock: now()) else { return nil }
        let counts = (try? store.outboxCounts()) ?? [:]
        let pending = (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0)
        let freshness: CacheFreshness = switch status.freshness.freshness {
        case .fresh: .fresh
        case .stale: .stale
        case .expired: .expired
        case .noCache: .noCache
        }
        return CacheSummary(freshness: status.cache == nil ? .noCache : freshness, version: status.cache?.version,
                            ageSeconds: status.ageSeconds, pendingUploads: pending)
    }
    let environment = ConsoleEnvironment(
        verify: { code in
            var provenance: CacheProvenance?
            if keyringFromCache, let s = summary(), let version = s.version {
                provenance = CacheProvenance(version: version, ageSeconds: s.ageSeconds ?? 0, freshness: s.freshness.rawValue)
            }
            return verifier.verify(code, context: VerificationContext(now: now(), cache: provenance))
        },
        cacheStatus: summary,
        record: { draft in
            let input = InspectionInput(code: draft.code, verdict: draft.verdict.rawValue, reasonsJSON: draft.reasonsJSON,
                                        place: draft.place, officerID: draft.officerID, cacheVersion: draft.cacheVersion,
                                        cacheAgeSeconds: draft.cacheAgeSeconds, createdAt: draft.createdAt)
            _ = try store.record(input, deviceID: deviceID)
        },
        now: now,
        place: env["STAMPWATCH_PLACE"] ?? "",
        officerID: env["STAMPWATCH_OFFICER"] ?? "")
    do {
        let count = try ConsoleApp.run(environment: environment, initialCache: summary())
        print("stampwatch: \(count) inspection(s) this session, recorded in \(DevicePaths.store).")
    } catch {
        printError("stampwatch: the console could not run: \(error)")
        throw ExitCode(SysExit.unavailable.rawValue)
    }
}

/// This device's id for the outbox: `$STAMPWATCH_DEVICE_ID`, else a random id kept in `device-id` beside the store.
private func consoleDeviceID(env: [String: String]) throws -> String {
    if let id = env["STAMPWATCH_DEVICE_ID"], !id.isEmpty { return id }
    let path = (DevicePaths.store as NSString).deletingLastPathComponent + "/device-id"
    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !id.isEmpty { return id }
    }
    let id = "console-" + UUID().uuidString.lowercased()
    do {
        try (id + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CommandFailure(.cantCreate, "cannot write the device id to \(path): \(error.localizedDescription)").exit()
    }
    return id
}
