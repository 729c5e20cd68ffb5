/// Collects a response body in memory for `send`, refusing to hold more than its limit.
///
/// The limit is checked against each chunk before it is appended, and against `Content-Length` before the
/// first byte, so an endless or oversized response costs at most `limit` bytes of memory.
final class MemorySink: BodySink {
    let limit: Int
    /// False for HEAD, whose Content-Length describes a body that is not sent.
    let bodyExpected: Bool
    let progress: ((Int, Int?) -> Void)?
    private(set) var bytes: [UInt8] = []
    private var announced: Int?

    init(limit: Int, bodyExpected: Bool, progress: ((Int, Int?) -> Void)?) {
        self.limit = limit
        self.bodyExpected = bodyExpected
        self.progress = progress
    }

    var receivedBytes: Int { bytes.count }

    func begin(status: Int, headers: HTTPHeaders) -> TransferAbort? {
        bytes = []  // a previous redirect hop's body
        // Content-Length counts encoded bytes; the limit counts decoded ones, so only an identity length is final.
        announced = headers.contains("Content-Encoding") || !bodyExpected ? nil : headers["Content-Length"].flatMap { Int($0) }
        if let announced {
            if announced > limit { return .fail(.responseTooLarge(limit: limit)) }
            bytes.reserveCapacity(announced)
        }
        return nil
    }

    func write(_ chunk: UnsafeRawBufferPointer) -> TransferAbort? {
        guard chunk.count <= limit - bytes.count else { return .fail(.responseTooLarge(limit: limit)) }
        bytes.append(contentsOf: chunk)
        progress?(bytes.count, announced)
        return nil
    }
}
