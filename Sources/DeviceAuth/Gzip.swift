import CZlib

/// gzip (RFC 1952) for `Content-Encoding: gzip` request bodies. Decompression is bounded, so a small
/// compressed body cannot expand without limit (a "zip bomb" fails with `tooLarge`).
public enum Gzip {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case corrupt(String)
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .corrupt(let why): return "the gzip body is corrupt: \(why)"
            case .tooLarge(let limit): return "the body decompresses to more than \(limit) bytes"
            }
        }
    }

    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuf: inout UnsafeMutableBufferPointer<UInt8>) throws(Failure) in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = UInt32(c.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return c.count - Int(stream.avail_out)
                }
                switch status {
                case Z_OK, Z_STREAM_END: break
                case Z_BUF_ERROR: throw .corrupt("the stream is truncated")
                default: throw .corrupt("zlib error \(status)" + (stream.msg.map { ": " + String(cString: $0) } ?? ""))
                }
                guard out.count + produced <= limit else { throw .tooLarge(limit: limit) }
                out.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END {
                    // Concatenated members (RFC 1952 §2.2): go on with what is left.
                    guard stream.avail_in > 0 else { return }
                    guard inflateReset(&stream) == Z_OK else { throw .corrupt("inflateReset failed") }
                }
            }
        }
        return out
    }

    /// gzip-compresses `input` (the device's side; tests use it).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else { fatalError("zlib: deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            var status: Int32 = Z_OK
            while status != Z_STREAM_END {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = UInt32(c.count)
                    status = deflate(&stream, Z_FINISH)
                    return c.count - Int(stream.avail_out)
                }
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "zlib: deflate failed (\(status))")
                out.append(contentsOf: chunk[0..<produced])
            }
        }
        return out
    }
}
