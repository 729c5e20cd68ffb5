import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives the terminal back however the process ends: normal exit (`atexit`), SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, and crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP).
///
/// The handlers go in before curses starts, so curses does not install its own (whose SIGINT/SIGTERM
/// handler would `exit(1)` and hide the signal). While the screen is up, standard error can go to an
/// unlinked temporary file, replayed after the restore: a crash message written just before the
/// crash would otherwise vanish with the alternate screen, and stray diagnostics would garble it.
///
/// A handler turns off paste and mouse reporting, calls `endwin`, puts back the handler that was
/// there before (the default, or Swift's backtracer) and re-raises, so the process still dies the way
/// it would have, with its crash report readable on a sane terminal. `endwin` is not formally
/// async-signal-safe; htop makes the same trade, because a wedged terminal is the worse outcome.
enum TerminalRestorer {
    static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    static let maxSignal = 65

    // Read from signal handlers, so plain globals set up before any handler is installed.
    nonisolated(unsafe) static var active = false
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var atexitRegistered = false
    nonisolated(unsafe) static let saved = UnsafeMutablePointer<sigaction>.allocate(capacity: maxSignal)
    nonisolated(unsafe) static let hasSaved = UnsafeMutablePointer<Bool>.allocate(capacity: maxSignal)
    nonisolated(unsafe) static var savedStderr: Int32 = -1
    nonisolated(unsafe) static var capturedStderr: Int32 = -1
    nonisolated(unsafe) static let copyBuffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 8)

    /// Turns off the modes we turned on and ends curses mode. Safe to call twice.
    static func restoreNow() {
        guard active else { return }
        active = false
        let reset = "\u{1B}[?2004l\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l"
        _ = reset.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        curs_set(1)  // endwin leaves the cursor as the program last set it
        endwin()
        releaseStandardError()
    }

    /// Marks curses as started: from now on the handlers restore the terminal.
    static func activate() { active = true }

    /// Sends standard error to an unlinked temporary file until `releaseStandardError`.
    static func captureStandardError(directory: String) {
        guard capturedStderr < 0 else { return }
        var template = Array((directory + "/terminalui-stderr-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(fd, STDERR_FILENO) >= 0 else {
            close(fd)
            if saved >= 0 { close(saved) }
            return
        }
        savedStderr = saved
        capturedStderr = fd
    }

    /// Points standard error back at the terminal and copies there what was written meanwhile.
    /// Only async-signal-safe calls: it runs in the signal handlers too.
    static func releaseStandardError() {
        guard capturedStderr >= 0, savedStderr >= 0 else { return }
        let captured = capturedStderr
        capturedStderr = -1
        dup2(savedStderr, STDERR_FILENO)
        close(savedStderr)
        savedStderr = -1
        lseek(captured, 0, SEEK_SET)
        while true {
            let n = read(captured, copyBuffer, 4096)
            if n <= 0 { break }
            var done = 0
            while done < n {
                let w = write(STDERR_FILENO, copyBuffer + done, n - done)
                if w <= 0 { break }
                done += w
            }
        }
        close(captured)
    }

    /// Installs the handlers (once). Call before curses starts.
    static func install() {
        if !atexitRegistered {
            atexitRegistered = true
            atexit { TerminalRestorer.restoreNow() }
        }
        guard !installed else { return }
        installed = true
        hasSaved.initialize(repeating: false, count: maxSignal)
        for sig in terminationSignals + crashSignals {
            var old = sigaction()
            guard sigaction(sig, nil, &old) == 0 else { continue }
            // nohup and friends ignore these on purpose: keep it that way.
            if terminationSignals.contains(sig) && isIgnored(old) { continue }
            saved[Int(sig)] = old
            hasSaved[Int(sig)] = true
            var action = sigaction()
            setHandler(&action, handle)
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// Puts every handler back as it was (after a normal `restore`).
    static func uninstall() {
        guard installed else { return }
        installed = false
        for sig in 0..<Int32(maxSignal) where hasSaved[Int(sig)] {
            sigaction(sig, saved + Int(sig), nil)
            hasSaved[Int(sig)] = false
        }
    }

    private static let handle: @convention(c) (Int32) -> Void = { sig in
        TerminalRestorer.restoreNow()
        if sig >= 0 && sig < Int32(TerminalRestorer.maxSignal) && TerminalRestorer.hasSaved[Int(sig)] {
            sigaction(sig, TerminalRestorer.saved + Int(sig), nil)
        } else {
            signal(sig, SIG_DFL)
        }
        raise(sig)
    }

    private static func isIgnored(_ action: sigaction) -> Bool {
        #if os(Linux)
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == 1  // SIG_IGN
        #else
        return unsafeBitCast(action.__sigaction_u.__sa_handler, to: Int.self) == 1
        #endif
    }

    private static func setHandler(_ action: inout sigaction, _ handler: @escaping @convention(c) (Int32) -> Void) {
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
    }
}
