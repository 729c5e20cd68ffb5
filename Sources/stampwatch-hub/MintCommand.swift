import ArgumentParser
import CLISupport
import Encoding
import Foundation
import StampCodes
import StampCrypto
import StrictJSON

struct Mint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint TS1 stamp codes from payload JSON (for demos and tests).",
        discussion: """
        PAYLOAD is a JSON object, a JSON array of objects, or a file holding either (or JSON Lines); `-` reads stdin. \
        Fields: uid, product, facility, machine, manufactured (RFC 3339 or epoch seconds), shift, market, series, \
        operator. With --count N, one code is minted per n in 0..<N and "{n}" in the uid is replaced by n.
        """)

    @Option(name: .long, help: ArgumentHelp("Directory written by `keys generate`.", valueName: "dir"))
    var keys: String

    @Option(name: .long, help: ArgumentHelp("Payload JSON, or a file holding it.", valueName: "json|file"))
    var payload: String

    @Option(name: .long, help: "Mint this many codes per payload, replacing {n} in the uid.")
    var count: Int = 1

    @Option(name: .long, help: ArgumentHelp("Signing key id (hex); default: the first in the keyring.", valueName: "kid"))
    var signer: String?

    @Option(name: .long, help: ArgumentHelp("Data key id (hex); default: the first in the keyring.", valueName: "kid"))
    var dataKey: String?

    @Flag(name: .long, help: "Wrap the COSE_Sign1 in CBOR tag 18.")
    var tagged = false

    @Option(name: .long, help: "Header that carries the signer key id: protected or unprotected.")
    var kidIn: String = "protected"

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1.") }
        guard kidIn == "protected" || kidIn == "unprotected" else {
            throw ValidationError("--kid-in must be protected or unprotected.")
        }
    }

    func run() throws {
        try reporting {
            let issuer = try loadIssuer()
            let options = StampIssuer.Options(tagged: tagged, kidInProtectedHeader: kidIn == "protected")
            var out = ""
            for (i, p) in try payloads().enumerated() {
                let template = try parsePayload(p, index: i)
                if count > 1, !template.uid.contains("{n}") {
                    throw CommandFailure(.usage, "--count \(count) needs \"{n}\" in the uid, or every code would carry the same uid.")
                }
                for n in 0..<count {
                    var payload = template
                    payload.uid = template.uid.replacingOccurrences(of: "{n}", with: String(n))
                    guard payload.uid.unicodeScalars.count <= StampPayload.maxUIDLength else {
                        throw CommandFailure(.dataError, "payload \(i): uid \"\(payload.uid)\" is longer than \(StampPayload.maxUIDLength) characters.")
                    }
                    out += try crypto { try issuer.mint(payload, options: options) } + "\n"
                    if out.utf8.count > 1 << 20 {
                        writeAll(out)
                        out = ""
                    }
                }
            }
            writeAll(out)
        }
    }

    func loadIssuer() throws(CommandFailure) -> StampIssuer {
        let ring: Keyring
        do {
            ring = try Keyring.parse(try readFile(keys + "/keyring.json", what: "keyring"))
        } catch let e as CommandFailure {
            throw e
        } catch {
            throw CommandFailure(.dataError, "keyring in \(keys) is not usable: \(error)")
        }
        guard let signerKey = signer.map({ Hex.decode($0) ?? [] }).map({ ring.signer(kid: $0) }) ?? ring.signingKeys.first else {
            throw CommandFailure(.dataError, "signing key \(signer ?? "") is not in \(keys)/keyring.json.")
        }
        guard let data = dataKey.map({ Hex.decode($0) ?? [] }).map({ ring.dataKey(kid: $0) }) ?? ring.dataKeys.first else {
            throw CommandFailure(.dataError, "data key \(dataKey ?? "") is not in \(keys)/keyring.json.")
        }
        let pemPath = keys + "/signing-\(Hex.encode(signerKey.kid)).pem"
        let pem = String(decoding: try readFile(pemPath, what: "signing key"), as: UTF8.self)
        let key: SigningKey
        do {
            key = try SigningKey(pem: pem)
        } catch {
            throw CommandFailure(.dataError, "\(pemPath) is not a usable private key: \(error)")
        }
        guard key.publicKey.spkiDER == signerKey.publicKey.spkiDER else {
            throw CommandFailure(.dataError, "\(pemPath) does not match the public key listed for \(Hex.encode(signerKey.kid)).")
        }
        return StampIssuer(signingKey: key, signerKid: signerKey.kid, dataKey: data)
    }

    /// The payload objects, from inline JSON, a JSON file, or JSON Lines.
    func payloads() throws(CommandFailure) -> [JSONValue] {
        let trimmed = payload.trimmingCharacters(in: .whitespaces)
        let bytes: [UInt8]
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            bytes = Array(payload.utf8)
        } else if payload == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            bytes = try readFile(payload, what: "payload file")
        }
        do {
            switch try JSONParser.parse(bytes) {
            case .array(let items): return items
            case let v: return [v]
            }
        } catch let whole {
            // JSON Lines: one object per non-blank line.
            var items: [JSONValue] = []
            for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                if isBlank(Array(line)) { continue }
                do {
                    items.append(try JSONParser.parse(Array(line)))
                } catch {
                    throw CommandFailure(.dataError, "payload is not JSON (\(whole)), nor JSON Lines (line \(n + 1): \(error)).")
                }
            }
            return items
        }
    }

    func parsePayload(_ v: JSONValue, index: Int) throws(CommandFailure) -> StampPayload {
        func fail(_ field: String, _ problem: String) -> CommandFailure {
            CommandFailure(.dataError, "payload \(index): \(field) \(problem).")
        }
        guard case .object(let o) = v else { throw fail("(document)", "must be an object, found \(v.typeName)") }
        func text(_ name: String, required: Bool = true) throws(CommandFailure) -> String? {
            guard let f = o[name], !f.isNull else {
                if required { throw fail(name, "is missing") }
                return nil
            }
            guard case .string(let s) = f else { throw fail(name, "must be a string, found \(f.typeName)") }
            return s
        }
        let manufactured: Int64
        switch o["manufactured"] {
        case .integer(let t)? where t >= 0: manufactured = t
        case .string(let s)?:
            guard let t = RFC3339.parse(s) else { throw fail("manufactured", "\"\(s)\" is not an RFC 3339 time") }
            manufactured = t
        case nil: throw fail("manufactured", "is missing")
        case let other?: throw fail("manufactured", "must be RFC 3339 text or epoch seconds, found \(other.typeName)")
        }
        let market = try text("market")!
        guard Market(market) != nil else { throw fail("market", "\"\(market)\" is not an ISO 3166 market such as MZ or MZ-MPM") }
        return StampPayload(uid: try text("uid")!, product: try text("product")!, facility: try text("facility")!,
                            machine: try text("machine")!, manufactured: manufactured, shift: try text("shift", required: false),
                            market: market, series: try text("series")!, operator: try text("operator", required: false))
    }
}
