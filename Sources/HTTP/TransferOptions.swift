/// The limits and policies of one transfer, with defaults chosen for a field console on a 2G link.
///
/// The defaults favour finishing slow transfers over failing fast: a 2G link may deliver a few hundred
/// bytes per second and still be making progress, while a link that delivers almost nothing for a minute is
/// better dropped so a download can resume later from its partial file.
public struct TransferOptions: Sendable, Equatable {
    /// Longest wait for the TCP and TLS connection (`CURLOPT_CONNECTTIMEOUT_MS`); nil: libcurl's 300 s.
    public var connectTimeout: Duration?
    /// Longest time for the whole transfer (`CURLOPT_TIMEOUT_MS`); nil: no limit, rely on `lowSpeed`.
    public var totalTimeout: Duration?
    /// Abort when the transfer stays below a rate for a while (`CURLOPT_LOW_SPEED_LIMIT`/`_TIME`); nil: never.
    public var lowSpeed: LowSpeedLimit?
    /// Most body bytes accepted (after decompression) before the transfer is cut with `.responseTooLarge`.
    public var maxResponseBytes: Int
    /// Ask for gzip/deflate/br/zstd and decode transparently (`CURLOPT_ACCEPT_ENCODING ""`). Not used by
    /// `download`, whose byte ranges must count the stored bytes.
    public var acceptCompression: Bool
    /// Follow 3xx responses. Off by default: a redirect is then returned as the response. When on, every hop
    /// passes the same URL policy as the first request.
    public var followRedirects: Bool
    /// Most redirects followed when `followRedirects` is on.
    public var maxRedirects: Int
    /// How the server's certificate and key are checked.
    public var tls: TLSOptions
    /// Allow plain `http://` to a loopback host (127.0.0.0/8, ::1, localhost) — for a local hub or test
    /// server. Non-loopback `http://` is refused whatever this says.
    public var allowInsecureLoopback: Bool

    public init(connectTimeout: Duration? = .seconds(30),
                totalTimeout: Duration? = nil,
                lowSpeed: LowSpeedLimit? = LowSpeedLimit(bytesPerSecond: 100, duration: .seconds(60)),
                maxResponseBytes: Int = 8 * 1024 * 1024,
                acceptCompression: Bool = true,
                followRedirects: Bool = false,
                maxRedirects: Int = 5,
                tls: TLSOptions = TLSOptions(),
                allowInsecureLoopback: Bool = false) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeed = lowSpeed
        self.maxResponseBytes = maxResponseBytes
        self.acceptCompression = acceptCompression
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.tls = tls
        self.allowInsecureLoopback = allowInsecureLoopback
    }
}

/// "Below `bytesPerSecond` for `duration`" is a stalled link: the transfer is aborted as `.stalled`.
public struct LowSpeedLimit: Sendable, Equatable {
    public var bytesPerSecond: Int
    /// Whole seconds (libcurl's granularity); anything below one second counts as one.
    public var duration: Duration

    public init(bytesPerSecond: Int, duration: Duration) {
        self.bytesPerSecond = bytesPerSecond
        self.duration = duration
    }

    var seconds: Int { max(1, Int(duration.components.seconds)) }
}

extension Duration {
    /// Whole milliseconds, at least 1 so that a tiny positive timeout never becomes libcurl's "no timeout" (0).
    var curlMilliseconds: Int {
        let (s, atto) = components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        return Int(max(1, ms))
    }

    var secondsValue: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
