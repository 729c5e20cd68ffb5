import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal, through ncursesw: wide-character input (`get_wch`), resize, colour with a
/// monochrome fallback, bracketed paste, optional mouse, and a terminal that is always given back.
///
/// Input waits in `poll(2)` on the terminal and a wake-up pipe, so effects finishing on other threads
/// get their results on screen at once, and an idle console uses no CPU. Each poll drains everything
/// pending, so a barcode scanner's burst is read whole and in order.
public final class NcursesBackend: TerminalBackend {
    public struct Options: Sendable {
        /// Report mouse clicks and the wheel (off by default: it breaks the terminal's own text selection).
        public var mouse = false
        /// Ask the terminal to bracket pasted text, so a paste is one event and never runs key bindings.
        public var bracketedPaste = true
        /// How long curses waits after ESC for the rest of a key sequence.
        public var escapeDelayMilliseconds: Int32 = 25
        /// The environment colour detection reads (the process environment when nil).
        public var environment: [String: String]? = nil
        /// Hold back standard error while the screen is up and replay it after the restore, so
        /// diagnostics (and a crash message) neither garble the screen nor vanish with it.
        public var holdStandardError = true
        public init() {}
    }

    public enum SetupError: Error, CustomStringConvertible {
        case notATerminal
        case cannotInitialise(term: String)
        public var description: String {
            switch self {
            case .notATerminal: "standard input and output must be a terminal for the full-screen console (use `verify` for pipes)"
            case .cannotInitialise(let term): "cannot start the terminal (TERM=\(term)): check that TERM names a terminal in terminfo, or try TERM=xterm-256color"
            }
        }
    }

    public let options: Options
    public private(set) var colorDepth: ColorDepth = .monochrome
    /// Colours terminfo reports (0 when the terminal has none); kept for `doctor`-style reports.
    public private(set) var terminfoColors = 0

    private var screenPointer: OpaquePointer?
    private var parser = InputParser()
    private var lastInput = ContinuousClock.now
    private var pairs: [PairKey: Int32] = [:]
    private var cursorVisible = false
    private let wakePipe = WakePipe()
    private let scratch = UnsafeMutablePointer<wchar_t>.allocate(capacity: 8)
    private var outStream: UnsafeMutablePointer<FILE>?
    private var inStream: UnsafeMutablePointer<FILE>?

    public init(options: Options = Options()) { self.options = options }

    deinit {
        restore()
        scratch.deallocate()
    }

    public var size: Size {
        guard screenPointer != nil, let w = sw_stdscr() else { return Size(width: 80, height: 24) }
        return Size(width: Int(sw_getmaxx(w)), height: Int(sw_getmaxy(w)))
    }

    public var waker: any Waker { wakePipe }

    public func setup() throws {
        guard screenPointer == nil else { return }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw SetupError.notATerminal }
        setlocale(LC_ALL, "")
        let env = options.environment ?? ProcessEnvironment.current
        TerminalRestorer.install()
        // Own FILE streams over fds 0 and 1 (never closed: closing would close the terminal itself).
        if outStream == nil { outStream = fdopen(STDOUT_FILENO, "w") }
        if inStream == nil { inStream = fdopen(STDIN_FILENO, "r") }
        guard let sp = newterm(nil, outStream, inStream) else {
            TerminalRestorer.uninstall()
            throw SetupError.cannotInitialise(term: env["TERM"] ?? "")
        }
        screenPointer = sp
        TerminalRestorer.activate()
        if options.holdStandardError { TerminalRestorer.captureStandardError(directory: env["TMPDIR"] ?? "/tmp") }
        set_term(sp)
        let win = sw_stdscr()
        raw()
        noecho()
        nonl()
        keypad(win, true)
        meta(win, true)
        nodelay(win, true)
        intrflush(win, false)
        set_escdelay(options.escapeDelayMilliseconds)
        curs_set(0)
        cursorVisible = false

        if has_colors() {
            start_color()
            use_default_colors()
            terminfoColors = Int(sw_colors())
        }
        // Curses can only emit 24-bit colour with a direct-colour terminfo entry (xterm-direct).
        let cursesDepth: ColorDepth = terminfoColors >= 1 << 24 ? .truecolor
            : TerminalEnvironment.colorDepth(environment: [:], terminfoColors: terminfoColors)
        colorDepth = min(TerminalEnvironment.colorDepth(environment: env, terminfoColors: terminfoColors), cursesDepth)

        wakePipe.create()

        if options.mouse {
            mousemask(sw_all_mouse_events() | sw_report_mouse_position(), nil)
            mouseinterval(0)
        }
        wrefresh(win)
        if options.bracketedPaste { writeRaw("\u{1B}[?2004h") }
    }

    public func restore() {
        guard screenPointer != nil else { return }
        if options.mouse { mousemask(0, nil) }
        TerminalRestorer.restoreNow()
        TerminalRestorer.uninstall()
        if let sp = screenPointer { delscreen(sp) }
        screenPointer = nil
        wakePipe.shutdown()
        pairs.removeAll()
    }

    public func draw(_ updates: [CellUpdate], cursor: Position?) {
        guard screenPointer != nil, let win = sw_stdscr() else { return }
        var cc = cchar_t()
        for u in updates {
            let style = u.cell.style.adapted(to: colorDepth)
            var pair = pairNumber(for: style)
            var n = 0
            for s in u.cell.symbol.unicodeScalars where n < 5 {  // a cchar_t holds at most 5 code points
                scratch[n] = wchar_t(bitPattern: s.value)
                n += 1
            }
            scratch[n] = 0
            setcchar(&cc, scratch, attributes(for: style), 0, &pair)
            // Writing the bottom-right cell reports ERR (the cursor cannot advance); the cell is still drawn.
            _ = mvwadd_wch(win, Int32(u.y), Int32(u.x), &cc)
        }
        if let c = cursor {
            if !cursorVisible { curs_set(1); cursorVisible = true }
            wmove(win, Int32(c.y), Int32(c.x))
        } else if cursorVisible {
            curs_set(0)
            cursorVisible = false
        }
        wrefresh(win)
    }

    public func invalidate() {
        guard screenPointer != nil else { return }
        clearok(sw_curscr(), true)
    }

    public func pollEvents(timeout: Duration) -> [InputEvent] {
        guard screenPointer != nil else { return [] }
        var waited = false
        while true {
            let read = drainInput()
            let now = ContinuousClock.now
            if read > 0 { lastInput = now }
            if let pending = parser.pendingTimeout, lastInput.duration(to: now) >= pending {
                parser.flush()
            } else if read == 0 && waited && parser.pendingTimeout == nil {
                parser.flush()  // a quiet moment ends a CR-LF pair
            }
            let events = parser.takeEvents()
            if !events.isEmpty || waited { return events }
            var wait = timeout
            if let pending = parser.pendingTimeout {
                wait = min(wait, max(.zero, pending - lastInput.duration(to: now)))
            }
            waitForInput(wait)
            waited = true
        }
    }

    // MARK: Input

    /// Reads everything curses has, without blocking. Returns how many inputs were read.
    private func drainInput() -> Int {
        guard let win = sw_stdscr() else { return 0 }
        var count = 0
        var wch: wint_t = 0
        while true {
            let r = wget_wch(win, &wch)
            if r == ERR { break }
            count += 1
            if r == KEY_CODE_YES {
                let code = Int32(bitPattern: UInt32(wch))
                if code == KEY_RESIZE {
                    parser.feed(.resize(size))
                } else if code == KEY_MOUSE {
                    var event = MEVENT()
                    if getmouse(&event) == OK, let m = Self.mouseEvent(event) { parser.feed(.mouse(m)) }
                } else if code > KEY_MAX, let name = keyname(code) {
                    parser.feed(.keyName(String(cString: name)))
                } else {
                    parser.feed(.keyCode(code))
                }
            } else if let scalar = Unicode.Scalar(UInt32(wch)) {
                parser.feed(.scalar(scalar))
            }
        }
        return count
    }

    /// Blocks until the terminal has input, the waker fires, a signal arrives (SIGWINCH), or `timeout`.
    private func waitForInput(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let ms = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        let wakeFD = wakePipe.readEnd
        if wakeFD >= 0 { fds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)) }
        let r = poll(&fds, nfds_t(fds.count), ms)
        if r > 0, fds.count > 1, fds[1].revents & Int16(POLLIN) != 0 { wakePipe.drain() }
    }

    static func mouseEvent(_ e: MEVENT) -> MouseEvent? {
        let b = e.bstate
        let at = Position(x: Int(e.x), y: Int(e.y))
        if b & sw_button_mask(4, 2) != 0 { return MouseEvent(.scrollUp, at: at) }
        if b & sw_button_mask(5, 2) != 0 { return MouseEvent(.scrollDown, at: at) }
        for button in 1...3 {
            if b & sw_button_mask(Int32(button), 2) != 0 { return MouseEvent(.press(button), at: at) }
            if b & sw_button_mask(Int32(button), 1) != 0 { return MouseEvent(.release(button), at: at) }
            if b & sw_button_mask(Int32(button), 4) != 0 { return MouseEvent(.click(button), at: at) }
        }
        if b & sw_report_mouse_position() != 0 { return MouseEvent(.move, at: at) }
        return nil
    }

    // MARK: Output

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }

    /// The curses colour pair for a style's colours (0, the terminal default, when it has none).
    /// `alloc_pair` reuses the least recently used pair once the terminal's pairs run out; the cache
    /// is emptied before that can happen, so it never names a pair that now means other colours.
    /// (A theme uses a few dozen combinations; terminals have 64 pairs at the very least.)
    private func pairNumber(for style: Style) -> Int32 {
        guard colorDepth != .monochrome, style.fg != nil || style.bg != nil else { return 0 }
        let key = PairKey(fg: cursesColor(style.fg), bg: cursesColor(style.bg))
        if let p = pairs[key] { return p }
        if pairs.count >= Int(sw_color_pairs()) - 2 { pairs.removeAll() }
        let p = alloc_pair(key.fg, key.bg)
        guard p > 0 else { return 0 }
        pairs[key] = p
        return p
    }

    private func cursesColor(_ c: Color?) -> Int32 {
        switch c {
        case nil: return -1
        case .indexed(let n)?: return Int32(n)
        case .rgb(let r, let g, let b)?: return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }

    private func attributes(for style: Style) -> attr_t {
        var a: attr_t = 0
        if style.attributes.contains(.bold) { a |= sw_a_bold() }
        if style.attributes.contains(.dim) { a |= sw_a_dim() }
        if style.attributes.contains(.reverse) { a |= sw_a_reverse() }
        if style.attributes.contains(.underline) { a |= sw_a_underline() }
        return a
    }

    private func writeRaw(_ s: String) {
        if let outStream { fflush(outStream) }
        _ = s.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }
}

/// Wakes `poll` by writing a byte to a pipe; safe from any thread, and harmless after the backend
/// closed the pipe (a task finishing late must not write into whatever file reuses the number).
private final class WakePipe: Waker, @unchecked Sendable {
    private let lock = ConditionLock()
    private var fds: (read: Int32, write: Int32) = (-1, -1)

    var readEnd: Int32 { lock.withLock { fds.read } }

    func create() {
        lock.withLock {
            guard fds.read < 0 else { return }
            var pair: [Int32] = [0, 0]
            guard pipe(&pair) == 0 else { return }
            for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            fds = (pair[0], pair[1])
        }
    }

    func shutdown() {
        lock.withLock {
            if fds.read >= 0 { _ = close(fds.read) }
            if fds.write >= 0 { _ = close(fds.write) }
            fds = (-1, -1)
        }
    }

    func wake() {
        lock.withLock {
            guard fds.write >= 0 else { return }
            var byte: UInt8 = 1
            _ = write(fds.write, &byte, 1)
        }
    }

    func drain() {
        lock.withLock {
            guard fds.read >= 0 else { return }
            var sink = [UInt8](repeating: 0, count: 64)
            while read(fds.read, &sink, sink.count) > 0 {}
        }
    }
}

/// The process environment as a dictionary, without Foundation.
enum ProcessEnvironment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { result[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return result
    }
}
