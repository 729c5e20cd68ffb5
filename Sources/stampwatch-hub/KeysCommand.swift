import ArgumentParser
import CLISupport
import Foundation
import StampCodes
import StampCrypto

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the issuer's keys.",
        subcommands: [Generate.self, RotateKeys.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write new signing keys (PKCS#8 PEM) and data keys, with the matching keyring.",
            discussion: """
            Writes DIR/signing-<kid>.pem for each signing key (mode 0600) and DIR/keyring.json, the verifier's \
            keyring with public signing keys and the data keys (mode 0600: data keys read codes). An existing \
            keyring is never overwritten unless --force is given.
            """)

        @Option(name: .long, help: ArgumentHelp("Directory to write the keys to.", valueName: "dir"))
        var out: String

        @Option(name: .long, help: "Signature algorithm: ES256 or EdDSA.")
        var alg: String = "ES256"

        @Option(name: .long, help: "Number of signing keys.")
        var signingKeys: Int = 1

        @Option(name: .long, help: "Number of data keys.")
        var dataKeys: Int = 1

        @Option(name: .long, help: "Issuer name recorded in the keyring.")
        var issuer: String = "Stampwatch demo issuer (DEMO KEYS, NOT FOR ENFORCEMENT)"

        @Option(name: .long, help: ArgumentHelp("Start of the keys' validity (RFC 3339; default: now).", valueName: "rfc3339"))
        var notBefore: String?

        @Option(name: .long, help: "Validity in days.")
        var days: Int = 3650

        @Flag(name: .long, help: "Overwrite an existing keyring in DIR.")
        var force = false

        func validate() throws {
            guard SignatureAlgorithm(rawValue: alg) != nil else { throw ValidationError("--alg must be ES256 or EdDSA.") }
            guard signingKeys >= 1, dataKeys >= 1 else { throw ValidationError("--signing-keys and --data-keys must be at least 1.") }
            guard days >= 1 else { throw ValidationError("--days must be at least 1.") }
            if let notBefore, RFC3339.parse(notBefore) == nil {
                throw ValidationError("--not-before \"\(notBefore)\" is not an RFC 3339 time.")
            }
        }

        func run() throws {
            try reporting {
                let algorithm = SignatureAlgorithm(rawValue: alg)!
                let start = notBefore.flatMap(RFC3339.parse) ?? Int64(Date().timeIntervalSince1970)
                let end = start + Int64(days) * 86_400
                let keyringPath = out + "/keyring.json"
                if FileManager.default.fileExists(atPath: keyringPath), !force {
                    throw CommandFailure(.cantCreate, "\(keyringPath) exists; refusing to overwrite keys (use --force, or another --out).")
                }
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                } catch {
                    throw CommandFailure(.cantCreate, "cannot create \(out): \(error.localizedDescription)")
                }
                var signers: [SignerKey] = []
                for _ in 0..<signingKeys {
                    let key = try crypto { try SigningKey.generate(algorithm) }
                    let kid = signingKeyID(key.publicKey)
                    try writeFileAtomically(out + "/signing-\(Hex.encode(kid)).pem", Array(key.pkcs8PEM.utf8), mode: 0o600)
                    signers.append(SignerKey(kid: kid, algorithm: algorithm, publicKey: key.publicKey, issuer: issuer,
                                             notBefore: start, notAfter: end))
                }
                let datas = (0..<dataKeys).map { _ in
                    DataKey(kid: SecureRandom.bytes(8), key: SecureRandom.bytes(32), notBefore: start, notAfter: end)
                }
                let ring = try Keyring(signingKeys: signers, dataKeys: datas)
                try writeFileAtomically(keyringPath, Array((ring.jsonValue().serialized(pretty: true) + "\n").utf8), mode: 0o600)
                print("wrote \(signers.count) \(alg) signing key(s) and \(datas.count) data key(s) to \(out)")
                for s in signers { print("  signing key \(Hex.encode(s.kid))") }
                for d in datas { print("  data key    \(Hex.encode(d.kid))") }
            }
        }
    }
}

func crypto<T>(_ body: () throws -> T) throws(CommandFailure) -> T {
    do {
        return try body()
    } catch {
        throw CommandFailure(.software, "cryptography failed: \(error)")
    }
}
