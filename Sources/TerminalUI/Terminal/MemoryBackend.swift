/// A complete terminal in memory, with no I/O: the test double for everything above the backend
/// (in the spirit of swift-nio's `EmbeddedChannel`).
///
/// Tests inject input (events, typed text, raw escape sequences that go through the real parser,
/// resizes), then read back the screen as lines or cells, and count what drawing cost: cells written,
/// bytes an ANSI writer would have sent, and flushes. Thread-safe, because effects wake it from other
/// threads.
public final class MemoryBackend: TerminalBackend, @unchecked Sendable {
    private let lock = ConditionLock()
    private var _size: Size
    private var _screen: Buffer
    private var _cursor: Position?
    private var queue: [InputEvent] = []
    private var parser = InputParser()
    private var woken = false
    private var stats = Statistics()

    /// What drawing has cost since the last `resetStatistics`.
    public struct Statistics: Hashable, Sendable {
        public var cellsWritten = 0
        public var bytesWritten = 0
        public var flushes = 0
        public var fullRepaints = 0
    }

    public let colorDepth: ColorDepth
    public private(set) var isSetUp = false
    public private(set) var restoreCount = 0

    public init(width: Int = 80, height: Int = 24, colorDepth: ColorDepth = .indexed256) {
        _size = Size(width: width, height: height)
        _screen = Buffer(width: width, height: height)
        self.colorDepth = colorDepth
    }

    // MARK: TerminalBackend

    public var size: Size { lock.withLock { _size } }
    public var waker: any Waker { MemoryWaker(backend: self) }

    public func setup() throws { lock.withLock { isSetUp = true } }

    public func restore() {
        lock.withLock {
            if isSetUp { restoreCount += 1 }
            isSetUp = false
        }
    }

    public func draw(_ updates: [CellUpdate], cursor: Position?) {
        lock.withLock {
            for u in updates {
                var cell = u.cell
                cell.style = cell.style.adapted(to: colorDepth)
                _screen.set(u.x, u.y, cell)
            }
            _cursor = cursor
            _screen.cursor = cursor
            stats.cellsWritten += updates.count
            stats.bytesWritten += AnsiEncoder(depth: colorDepth).encode(updates, cursor: cursor).count
            stats.flushes += 1
        }
    }

    public func invalidate() {
        lock.withLock {
            _screen = Buffer(size: _size)
            stats.fullRepaints += 1
        }
    }

    public func pollEvents(timeout: Duration) -> [InputEvent] {
        lock.withLock {
            _ = lock.wait(timeout: timeout) { !queue.isEmpty || woken }
            woken = false
            defer { queue.removeAll() }
            return queue
        }
    }

    fileprivate func wake() {
        lock.withLock { woken = true }
        lock.broadcast()
    }

    // MARK: Input

    /// Queues events as if the terminal had sent them.
    public func inject(_ events: [InputEvent]) {
        lock.withLock { queue += events }
        lock.broadcast()
    }

    public func inject(_ events: InputEvent...) { inject(events) }

    /// Types text one key per grapheme, as a keyboard or a barcode scanner does (`\n` is Enter).
    public func type(_ text: String) {
        inject(text.map { c -> InputEvent in
            c == "\n" || c == "\r" || c == "\r\n" ? .key(.enter) : (c == "\t" ? .key(.tab) : .key(KeyEvent(.character(c))))
        })
    }

    public func press(_ key: Key, _ modifiers: KeyEvent.Modifiers = []) { inject(.key(KeyEvent(key, modifiers))) }

    /// Sends raw terminal input (escape sequences, control codes) through the real `InputParser`, then
    /// ends the burst, so a trailing lone ESC is the Esc key.
    public func send(raw: String) {
        lock.withLock {
            parser.feed(text: raw)
            parser.flush()
            queue += parser.takeEvents()
        }
        lock.broadcast()
    }

    /// Resizes the screen and queues the resize event, as SIGWINCH would.
    public func resize(to size: Size) {
        lock.withLock {
            _size = size
            _screen = Buffer(size: size)
            queue.append(.resize(size))
        }
        lock.broadcast()
    }

    public var hasPendingInput: Bool { lock.withLock { !queue.isEmpty } }

    // MARK: Reading the screen

    /// What the terminal shows, one string per row (continuation cells add nothing).
    public var lines: [String] { lock.withLock { _screen.lines } }
    /// The screen as cells, with styles as this terminal's colour depth shows them.
    public var screen: Buffer { lock.withLock { _screen } }
    public var cursor: Position? { lock.withLock { _cursor } }
    public var statistics: Statistics { lock.withLock { stats } }
    public func resetStatistics() { lock.withLock { stats = Statistics() } }
}

private struct MemoryWaker: Waker {
    let backend: MemoryBackend
    func wake() { backend.wake() }
}
