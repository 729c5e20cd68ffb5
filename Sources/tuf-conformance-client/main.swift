// The TUF conformance suite's client under test (see TUFConformanceCommand for the protocol).
// This file only does what the core must not: read the clock (once) and choose transports.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTP
import TUFClient

/// The transport for a repository URL. file:// URLs and local paths are read from disk.
/// To add HTTP, return the HTTP module's transport here, e.g.
///     if url.hasPrefix("http://") || url.hasPrefix("https://") { return CurlTUFTransport() }
func makeTransport(for url: String) -> (any TUFTransport)? {
    let lower = url.lowercased()
    if lower.hasPrefix("file:") || url.hasPrefix("/") { return FileTransport() }
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
        // The conformance suite serves its repositories over plain HTTP on loopback.
        var options = TransferOptions()
        options.allowInsecureLoopback = true
        return HTTPTransport(options: options)
    }
    return nil
}

// The update start time (TUF 5.1), read once; `faketime` moves it for freeze tests.
let now = TUFTime(secondsSince1970: Int64(time(nil)))
let status = TUFConformanceCommand.run(
    arguments: Array(CommandLine.arguments.dropFirst()), now: now, makeTransport: makeTransport(for:),
    log: { line in
        var text = "tuf-conformance-client: " + line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    })
exit(status)
