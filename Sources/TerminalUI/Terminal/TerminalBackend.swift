/// A terminal the runtime draws on and reads from: ncurses for real, memory for tests.
///
/// Called from the runtime's loop thread only, except `waker`, which effects use from any thread.
public protocol TerminalBackend: AnyObject {
    /// The screen size in cells right now.
    var size: Size { get }
    /// The colours the backend will actually show (styles are mapped down to this).
    var colorDepth: ColorDepth { get }
    /// Interrupts a `pollEvents` wait from another thread (an effect delivered a message).
    var waker: any Waker { get }

    /// Takes over the terminal (raw mode, alternate screen, paste mode).
    func setup() throws
    /// Gives the terminal back as it was; safe to call more than once.
    func restore()
    /// Writes the given cells (a diff, in screen order) and places or hides the cursor, then flushes.
    func draw(_ updates: [CellUpdate], cursor: Position?)
    /// Forgets what the physical screen shows so the next draw repaints it all (Ctrl-L after line noise).
    func invalidate()
    /// Waits up to `timeout` for input and returns every event available, in order; returns early,
    /// possibly empty, when woken.
    func pollEvents(timeout: Duration) -> [InputEvent]
}

/// Wakes a backend blocked in `pollEvents`.
public protocol Waker: Sendable {
    func wake()
}
