import Foundation

/// How the server's TLS identity is checked: which CAs to trust and, optionally, which keys to expect.
///
/// Peer and host verification are always on; there is deliberately no switch to turn them off. A pin is
/// checked in addition to the chain, so a pinned hub also needs a trusted (possibly private) CA.
public struct TLSOptions: Sendable, Equatable {
    /// A PEM bundle of trusted CAs replacing the system store (`CURLOPT_CAINFO`); nil: the system store.
    public var caFile: String?
    /// Expected server public keys as `sha256//BASE64` of the DER SubjectPublicKeyInfo, several separated by
    /// `;` so a backup key can be pinned before a rotation (`CURLOPT_PINNEDPUBLICKEY`). Nil: no pinning.
    public var pinnedPublicKey: String?

    public init(caFile: String? = nil, pinnedPublicKey: String? = nil) {
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
    }

    /// Checks the pin's form before use: libcurl would otherwise read a malformed pin as a file name and fail
    /// with a confusing message at handshake time, or, worse, an operator's typo would be found only in the field.
    func validatedPin() throws(HTTPError) -> String? {
        guard let pin = pinnedPublicKey else { return nil }
        let entries = pin.split(separator: ";", omittingEmptySubsequences: false)
        for entry in entries {
            guard entry.hasPrefix("sha256//"),
                  let digest = Data(base64Encoded: String(entry.dropFirst("sha256//".count))), digest.count == 32
            else {
                throw .invalidRequest(reason: "the pinned public key must be sha256//BASE64 of a 32-byte SHA-256 "
                    + "digest (several separated by ';'); got \"\(entry)\"")
            }
        }
        return pin
    }
}
