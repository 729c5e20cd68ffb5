/// The single error type thrown by StampCrypto. `message` is human readable
/// and, when OpenSSL reported something, ends with OpenSSL's error-queue text
/// in brackets. Producing a `CryptoError` always empties the calling thread's
/// OpenSSL error queue.
public struct CryptoError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
