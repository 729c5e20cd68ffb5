import CCurl

/// One request as the transfer machinery sees it: already parsed and validated.
struct Exchange {
    var method: HTTPMethod
    var url: ParsedURL
    var headers: HTTPHeaders
    var body: [UInt8]
    var options: TransferOptions
    /// `download` resumes with `Range: bytes=N-`.
    var rangeStart: Int?
    var acceptCompression: Bool
}

/// The head of the final response of a transfer.
struct ResponseHead {
    var status: Int
    var headers: HTTPHeaders
    var url: ParsedURL
    /// The sink stopped the transfer to start over without a range (a download whose resume was refused).
    var restartRequested = false
}

/// Runs exchanges on pooled easy handles: the URL policy, the libcurl options, and redirects.
///
/// Redirects are followed here rather than by libcurl (`CURLOPT_FOLLOWLOCATION` stays off) so that every hop
/// passes `URLPolicy` before it connects: an https hub redirecting to plain http is refused, and credentials
/// are dropped when the origin changes.
struct Transfer {
    let pool: HandlePool
    let userAgent: String

    func run(_ first: Exchange, sink: BodySink) throws(HTTPError) -> ResponseHead {
        var exchange = first
        var hops = 0
        while true {
            let head = try perform(exchange, sink: sink)
            guard !head.restartRequested, exchange.options.followRedirects, [301, 302, 303, 307, 308].contains(head.status),
                  let location = head.headers["Location"] else { return head }
            guard hops < exchange.options.maxRedirects else {
                throw .tooManyRedirects(limit: exchange.options.maxRedirects)
            }
            hops += 1
            let next = try exchange.url.resolving(location)
            if !next.sameOrigin(as: exchange.url) {
                for name in ["Authorization", "Proxy-Authorization", "Cookie"] { exchange.headers.remove(name) }
            }
            // RFC 9110 §15.4: 303 always becomes GET; 301/302 after POST do so in practice; 307/308 keep both.
            if (head.status == 303 && exchange.method != .head) || ([301, 302].contains(head.status) && exchange.method == .post) {
                exchange.method = .get
                exchange.body = []
                exchange.headers.remove("Content-Type")
            }
            exchange.url = next
        }
    }

    /// One request/response on the wire; the policy check comes first, so a refused URL sends nothing.
    func perform(_ x: Exchange, sink: BodySink) throws(HTTPError) -> ResponseHead {
        try URLPolicy.check(x.url, allowInsecureLoopback: x.options.allowInsecureLoopback)
        let pin = try x.options.tls.validatedPin()
        let handle = try pool.take(securityKey: (x.options.tls.caFile ?? "") + "\u{0}" + (pin ?? ""))
        defer { pool.give(handle) }

        var lists = SList()
        defer { lists.free() }
        try configure(handle, x, pin: pin, lists: &lists)

        let state = TransferState(sink: sink)
        let context = Unmanaged.passUnretained(state).toOpaque()
        try handle.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        try handle.set(CURLOPT_HEADERDATA, pointer: context)
        try handle.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        try handle.set(CURLOPT_WRITEDATA, pointer: context)

        let (code, detail) = withExtendedLifetime(state) { handle.perform() }
        // The handle goes back to the pool: leave it no pointer to this transfer's URL object.
        _ = sw_curl_setopt_ptr(handle.raw, CURLOPT_CURLU, nil)
        if code == CURLE_OK { state.finish() }
        switch state.abort {
        case .fail(let error)?: throw error
        case .restartFromZero?:
            return ResponseHead(status: state.status, headers: state.headers, url: x.url, restartRequested: true)
        case nil: break
        }
        guard code == CURLE_OK else {
            throw CurlErrorMapping.error(code: code, detail: detail, context: .init(
                host: x.url.host, receivedBytes: sink.receivedBytes, options: x.options))
        }
        return ResponseHead(status: state.status, headers: state.headers, url: x.url)
    }

    private func configure(_ h: EasyHandle, _ x: Exchange, pin: String?, lists: inout SList) throws(HTTPError) {
        let o = x.options
        try h.set(CURLOPT_CURLU, pointer: UnsafeMutableRawPointer(x.url.handle))
        try h.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try h.set(CURLOPT_NOSIGNAL, 1)  // timeouts must not use SIGALRM in a threaded process
        try h.set(CURLOPT_FOLLOWLOCATION, 0)
        try h.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try h.set(CURLOPT_TCP_KEEPALIVE, 1)
        try h.set(CURLOPT_USERAGENT, userAgent)

        if let t = o.connectTimeout { try h.set(CURLOPT_CONNECTTIMEOUT_MS, t.curlMilliseconds) }
        if let t = o.totalTimeout { try h.set(CURLOPT_TIMEOUT_MS, t.curlMilliseconds) }
        if let slow = o.lowSpeed {
            try h.set(CURLOPT_LOW_SPEED_LIMIT, max(1, slow.bytesPerSecond))
            try h.set(CURLOPT_LOW_SPEED_TIME, slow.seconds)
        }
        if x.acceptCompression { try h.set(CURLOPT_ACCEPT_ENCODING, "") }

        // TLS: verification is libcurl's default; set explicitly so no environment or reset can weaken it.
        try h.set(CURLOPT_SSL_VERIFYPEER, 1)
        try h.set(CURLOPT_SSL_VERIFYHOST, 2)
        try h.set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        if let ca = o.tls.caFile { try h.set(CURLOPT_CAINFO, ca) }
        if let pin { try h.set(CURLOPT_PINNEDPUBLICKEY, pin) }

        if x.url.isLoopback {
            // Loopback traffic never goes through a proxy from the environment: that would put the
            // "this device only" plain-http exception on the network.
            try h.set(CURLOPT_PROXY, "")
        }
        if x.url.isLocalhostName {
            // Pin the name to the loopback address so no resolver (hosts file, DNS) can point it elsewhere.
            _ = lists.append(.resolve, "localhost:\(x.url.port):127.0.0.1")
            try h.set(CURLOPT_RESOLVE, pointer: lists.append(.resolve, "localhost.:\(x.url.port):127.0.0.1"))
        }

        try configureMethod(h, x)

        for field in x.headers {
            // "Name;" is libcurl's spelling for a field with an empty value ("Name:" would delete it).
            _ = lists.append(.headers, field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // No "Expect: 100-continue": on a high-latency link the extra round trip costs more than it saves.
        _ = lists.append(.headers, "Expect:")
        if !x.body.isEmpty, !x.headers.contains("Content-Type") {
            // libcurl would otherwise label every body application/x-www-form-urlencoded.
            _ = lists.append(.headers, "Content-Type:")
        }
        try h.set(CURLOPT_HTTPHEADER, pointer: lists.pointer(.headers))
        if let start = x.rangeStart, start > 0 { try h.set(CURLOPT_RANGE, "\(start)-") }
    }

    private func configureMethod(_ h: EasyHandle, _ x: Exchange) throws(HTTPError) {
        switch x.method {
        case .head:
            try h.set(CURLOPT_NOBODY, 1)
        case .get where x.body.isEmpty:
            try h.set(CURLOPT_HTTPGET, 1)
        default:
            if x.method == .post || !x.body.isEmpty {
                // COPYPOSTFIELDS copies the bytes now, so the array need not outlive this call.
                try h.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: x.body.count)
                let copy = x.body.isEmpty ? [0] : x.body
                let code = copy.withUnsafeBytes { sw_curl_setopt_ptr(h.raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
                guard code == CURLE_OK else { throw .invalidRequest(reason: "libcurl refused the body: \(CurlText.strerror(code))") }
            }
            if x.method != .post { try h.set(CURLOPT_CUSTOMREQUEST, x.method.rawValue) }
        }
    }
}

/// The `curl_slist`s of one transfer (request headers, resolve overrides), freed together after it.
struct SList {
    enum Kind { case headers, resolve }
    private var lists: [Kind: UnsafeMutablePointer<curl_slist>] = [:]

    /// Appends a line and returns the list's head (which changes only from nil to the first node).
    mutating func append(_ kind: Kind, _ line: String) -> UnsafeMutableRawPointer? {
        if let head = curl_slist_append(lists[kind], line) { lists[kind] = head }
        return pointer(kind)
    }

    func pointer(_ kind: Kind) -> UnsafeMutableRawPointer? { lists[kind].map { UnsafeMutableRawPointer($0) } }

    mutating func free() {
        for list in lists.values { curl_slist_free_all(list) }
        lists = [:]
    }
}
