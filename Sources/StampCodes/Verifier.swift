import Encoding
import StampCrypto

/// What the verdict rules need besides the code and the keys: "now", the inspection market, and clock skew.
public struct VerificationContext: Sendable {
    /// UTC epoch seconds used for the time rules.
    public var now: Int64
    /// The market where the pack was found; nil skips the market rule.
    public var market: Market?
    /// Manufacture times up to this far ahead of `now` are tolerated.
    public var clockSkew: Int64

    /// The signed cache the keyring came from; nil when the keyring was given as a file.
    public var cache: CacheProvenance?

    public init(now: Int64, market: Market? = nil, clockSkew: Int64 = 86_400, cache: CacheProvenance? = nil) {
        self.now = now
        self.market = market
        self.clockSkew = clockSkew
        self.cache = cache
    }
}

/// Which cache a verdict was made with, so every verdict can say how old its knowledge was.
public struct CacheProvenance: Sendable, Equatable {
    public var version: Int64
    public var ageSeconds: Int64
    /// `fresh`, `stale` or `expired`.
    public var freshness: String

    public init(version: Int64, ageSeconds: Int64, freshness: String) {
        self.version = version
        self.ageSeconds = ageSeconds
        self.freshness = freshness
    }
}

/// One code's verdict, reasons, and whatever could be read from it.
public struct VerificationResult: Sendable {
    public var input: String
    public var verdict: Verdict
    public var reasons: [Reason]
    public var payload: StampPayload?
    public var signerKid: [UInt8]?
    public var dataKid: [UInt8]?
    public var algorithm: SignatureAlgorithm?
    public var signatureVerified: Bool
    /// The issuer of the signing key, when the keyring knows it.
    public var issuer: String?
    /// The cache the verdict was made with, if any.
    public var cache: CacheProvenance?
}

/// The verdict engine: pure given a keyring and a context (docs/stamp-code.md, "Verdicts").
public struct StampVerifier: Sendable {
    public let keyring: Keyring

    public init(keyring: Keyring) { self.keyring = keyring }

    public func verify(_ code: String, context: VerificationContext) -> VerificationResult {
        verify(utf8: Array(code.utf8), context: context)
    }

    /// Verifies one code given as raw bytes (one input line without its terminator).
    public func verify(utf8 code: [UInt8], context: VerificationContext) -> VerificationResult {
        var result = VerificationResult(input: String(decoding: code, as: UTF8.self), verdict: .genuine, reasons: [],
                                        payload: nil, signerKid: nil, dataKid: nil, algorithm: nil,
                                        signatureVerified: false, issuer: nil, cache: context.cache)
        let envelope: StampEnvelope
        do {
            envelope = try StampEnvelope.parse(code: code)
        } catch {
            return finish(&result, [Reason(ReasonCode.malformed(error.layer), .malformed, malformedMessage(error))])
        }
        result.signerKid = envelope.signerKid
        result.dataKid = envelope.encrypted.dataKid
        result.algorithm = envelope.algorithm
        var reasons: [Reason] = []

        // Signature.
        let signer = keyring.signer(kid: envelope.signerKid)
        var mayDecrypt = true
        if let signer {
            result.issuer = signer.issuer
            if signer.algorithm != envelope.algorithm {
                reasons.append(Reason(ReasonCode.algorithmMismatch, .counterfeit,
                    "The code claims \(envelope.algorithm.rawValue) but signing key \(Hex.encode(signer.kid)) is \(signer.algorithm.rawValue): this code was not signed by the authority. Treat as counterfeit."))
                mayDecrypt = false
            } else if signer.publicKey.verify(signature: envelope.signature, message: envelope.signedBytes) {
                result.signatureVerified = true
            } else {
                reasons.append(Reason(ReasonCode.signatureInvalid, .counterfeit,
                    "The signature does not verify under signing key \(Hex.encode(signer.kid)) (\(signer.issuer)): the code was forged or altered. Treat as counterfeit."))
                mayDecrypt = false
            }
        } else {
            reasons.append(Reason(ReasonCode.unknownSignerKey, .unverifiable,
                "Signing key \(Hex.encode(envelope.signerKid)) is not in this device's keyring, so the signature cannot be checked. Refresh the cache (stampwatch cache update) and verify again."))
        }

        // Decryption: only for codes whose signature verified, or could not be checked.
        if mayDecrypt {
            if let dataKey = keyring.dataKey(kid: envelope.encrypted.dataKid) {
                let e = envelope.encrypted
                do {
                    let plain = try AES256GCM.open(key: dataKey.key, iv: e.iv, ciphertextAndTag: e.ciphertext,
                                                   aad: StampEnvelope.encStructure(protected: e.protectedHeader))
                    let item: CBOR
                    do {
                        item = try CBOR.decode(plain)
                    } catch {
                        return finish(&result, [Reason(ReasonCode.malformed(.payload), .malformed,
                            "The decrypted payload is not readable CBOR (\(error)). The code is not a valid stamp code.")])
                    }
                    do {
                        result.payload = try StampPayload.decode(cbor: item)
                    } catch {
                        return finish(&result, [Reason(ReasonCode.malformed(.payload), .malformed,
                            "The decrypted \(error). The code is not a valid stamp code.")])
                    }
                } catch {
                    reasons.append(Reason(ReasonCode.decryptionFailed, .counterfeit,
                        "The payload does not decrypt under data key \(Hex.encode(dataKey.kid)): it was not encrypted by the authority. Treat as counterfeit."))
                }
            } else {
                reasons.append(Reason(ReasonCode.unknownDataKey, .unverifiable,
                    "Data key \(Hex.encode(envelope.encrypted.dataKid)) is not in this device's keyring, so the pack data cannot be read. Refresh the cache (stampwatch cache update) and verify again."))
            }
        }

        if let payload = result.payload {
            reasons += rules(payload, signer: result.signatureVerified ? signer : nil, context: context)
        }
        if reasons.isEmpty, let signer {
            reasons.append(Reason(ReasonCode.verified, .genuine,
                "Signature verified under key \(Hex.encode(signer.kid))\(signer.issuer.isEmpty ? "" : " (\(signer.issuer))"), payload decrypted, and no rule raised a concern."))
        }
        if let cache = context.cache, cache.freshness == "expired" {
            // Informational: the verdict still stands, but the officer must know the keys and lists may be out of date.
            reasons.append(Reason(ReasonCode.expiredCache, .genuine,
                "The offline cache (version \(cache.version)) is expired, \(cache.ageSeconds / 86_400) days old: revocations and watchlists newer than it are unknown. Update the cache as soon as a link is available."))
        }
        return finish(&result, reasons)
    }

    /// The suspect rules on a readable payload. `signer` is nil when the signature was not verified.
    func rules(_ p: StampPayload, signer: SignerKey?, context: VerificationContext) -> [Reason] {
        var out: [Reason] = []
        if let here = context.market, let intended = Market(p.market), !intended.matches(here) {
            out.append(Reason(ReasonCode.marketMismatch, .suspect,
                "Intended for market \(intended) but inspected in \(here): possible diversion."))
        }
        if p.manufactured > context.now + context.clockSkew {
            out.append(Reason(ReasonCode.manufacturedInFuture, .suspect,
                "Manufacture time \(RFC3339.format(p.manufactured)) is in the future (now \(RFC3339.format(context.now)), more than \(context.clockSkew / 3600) h of clock skew)."))
        }
        if let signer {
            if let revoked = signer.revokedAt, revoked <= p.manufactured {
                out.append(Reason(ReasonCode.signerKeyRevoked, .suspect,
                    "Signing key \(Hex.encode(signer.kid)) was revoked at \(RFC3339.format(revoked)), at or before the manufacture time \(RFC3339.format(p.manufactured))."))
            }
            if p.manufactured < signer.notBefore || p.manufactured > signer.notAfter {
                out.append(Reason(ReasonCode.outsideKeyValidity, .suspect,
                    "Manufacture time \(RFC3339.format(p.manufactured)) is outside the signing key's validity (\(RFC3339.format(signer.notBefore)) to \(RFC3339.format(signer.notAfter)))."))
            }
        }
        return out
    }

    private func malformedMessage(_ e: MalformedCode) -> String {
        let what: String
        switch e.layer {
        case .prefix: what = "Not a stamp code"
        case .base45: what = "The code's characters are not valid Base45"
        case .cbor: what = "The code's data is not valid CBOR"
        case .cose: what = "The code's signed structure is wrong"
        case .payload: what = "The code's payload is wrong"
        }
        return "\(what): \(e.detail). Rescan or retype the code; a misread is not evidence of counterfeiting."
    }

    private func finish(_ r: inout VerificationResult, _ reasons: [Reason]) -> VerificationResult {
        r.reasons = reasons
        r.verdict = reasons.map(\.verdict).max() ?? .genuine
        return r
    }
}
