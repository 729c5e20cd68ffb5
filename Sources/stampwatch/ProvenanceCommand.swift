import ArgumentParser
import CLISupport
import FieldStore
import Foundation
import Provenance
import StampCodes
import StrictJSON

struct ProvenanceLookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Show a pack's provenance from the offline cache: its chain, events and FCTC items (a) to (j).",
        discussion: """
        UID is a pack UID as printed by `stampwatch verify`, or a whole TS1: stamp code, which is verified first \
        (then the values the code carries are marked [code] and the cache's verdict rules are applied). Each value is \
        marked with its source: code, cache, or unknown. A UID the cache does not hold is not an error: the output says \
        what the cache covers. Exit codes: 0 shown, 64 usage, 65 unreadable cache, 69 no cache yet.
        """)

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Argument(help: ArgumentHelp("Pack UID, or a TS1: stamp code.", valueName: "uid"))
    var uid: String

    func run() throws {
        do {
            try show()
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }

    func show() throws {
        guard let store = try Cache.openStore(create: false), (try? store.cacheInfo()) != nil else {
            throw CommandFailure(.unavailable, "no offline cache yet (\(DevicePaths.store)): provenance comes from the cache. Run `stampwatch cache update --from URL|DIR --root ROOT.json` (or `make run` for the demo).")
        }
        var payload: StampPayload?
        var result: VerificationResult?
        var uid = self.uid
        if uid.hasPrefix("TS1:") {
            let ring: Keyring
            do { ring = try store.keyring() } catch {
                throw CommandFailure(.dataError, "the cache's keyring is not usable (\(error)). Run `stampwatch cache verify`.")
            }
            let status = try? store.status(deviceClock: Int64(Date().timeIntervalSince1970))
            let cache = status?.cache.map {
                CacheProvenance(version: $0.version, ageSeconds: status?.ageSeconds ?? 0, freshness: status!.freshness.freshness.rawValue)
            }
            let r = StampVerifier(keyring: ring).verify(uid, context: VerificationContext(now: Int64(Date().timeIntervalSince1970), cache: cache))
            guard let p = r.payload else {
                throw CommandFailure(.dataError, "the code gives no readable UID (\(r.verdict.rawValue): \(r.reasons.map(\.code).joined(separator: ", "))). Check it with `stampwatch verify`.")
            }
            payload = p
            result = r
            uid = p.uid
        } else {
            uid = uid.trimmingCharacters(in: .whitespaces)
            guard !uid.isEmpty, uid.count <= StampPayload.maxUIDLength else {
                throw ValidationError("UID must be 1 to \(StampPayload.maxUIDLength) characters (or a whole TS1: code).")
            }
        }
        let report: ProvenanceReport
        do {
            report = try ProvenanceBuilder.report(uid: uid, payload: payload, source: store)
        } catch {
            throw CommandFailure(.dataError, "the offline cache could not be read (\(error)). Run `stampwatch cache verify`.")
        }
        let verdict = result.map { CacheRules.apply(report, to: $0) }
        if json {
            var value = report.jsonValue()
            if let verdict, case .object(var obj) = value {
                _ = obj.updateValue(.string(verdict.verdict.rawValue), forKey: "verdict")
                _ = obj.updateValue(.array(verdict.reasons.map { .object(JSONObject([("code", .string($0.code)), ("message", .string($0.message))])) }),
                                    forKey: "reasons")
                value = .object(obj)
            }
            writeAll(value.serialized() + "\n")
        } else {
            var lines: [String] = []
            if let verdict {
                lines.append("Verified: \(verdict.verdict.symbol) \(verdict.verdict.rawValue.uppercased())")
                for r in verdict.reasons { lines.append("  \(r.code): \(r.message)") }
            } else {
                lines.append("Not verified: a UID typed by hand says nothing about the stamp itself; scan the code to verify it.")
            }
            lines += report.textLines()
            writeAll(lines.joined(separator: "\n") + "\n")
        }
    }
}
