import ArgumentParser
import CCurl
import CLISupport
import CNcursesw
import StampCrypto

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the system libraries and directories this console uses.")

    func run() throws {
        let xdg = XDGDirectories.current
        print("OpenSSL     \(OpenSSLInfo.version)")
        print("libcurl     \(String(cString: sw_curl_version()))")
        print("ncursesw    \(String(cString: curses_version()))")
        print("config      \(xdg.appConfig())")
        print("data        \(xdg.appData())")
        print("cache       \(xdg.appCache())")
        print("state/logs  \(xdg.appState())")
    }
}
