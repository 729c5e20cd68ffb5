/// Drives a program on an in-memory terminal for tests: type keys, wait until idle, read the screen.
///
/// Like lazygit's integration tests, it waits for the app to go quiet (no input left, no effect
/// running, no message undelivered) instead of sleeping, so tests are fast and never flaky on a busy
/// machine. Effects really run (on the global executor); waiting is a condition wait with a deadline.
public final class ProgramDriver<P: Program> {
    public let backend: MemoryBackend
    public let runtime: Runtime<P>

    /// Thrown when the program did not settle in time; says what was still going on.
    public struct Timeout: Error, CustomStringConvertible {
        public let runningEffects: Int
        public var description: String { "program not idle after the timeout: \(runningEffects) effect(s) still running" }
    }

    public init(program: P, model: P.Model, size: Size = Size(width: 80, height: 24), colorDepth: ColorDepth = .indexed256) {
        backend = MemoryBackend(width: size.width, height: size.height, colorDepth: colorDepth)
        runtime = Runtime(program: program, model: model, backend: backend)
        try? backend.setup()
        runtime.start()
    }

    public var model: P.Model { runtime.model }
    public var lines: [String] { backend.lines }
    public var isFinished: Bool { runtime.isFinished }

    public func type(_ text: String) { backend.type(text) }
    public func press(_ key: Key, _ modifiers: KeyEvent.Modifiers = []) { backend.press(key, modifiers) }
    public func paste(_ text: String) { backend.inject(.paste(text)) }
    public func send(raw: String) { backend.send(raw: raw) }
    public func resize(to size: Size) { backend.resize(to: size) }

    /// Processes everything queued and everything effects deliver, until nothing is left to do or the
    /// program quit.
    public func waitUntilIdle(timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            runtime.step(backend.pollEvents(timeout: .zero))
            if runtime.isFinished { return }
            if !backend.hasPendingInput && runtime.isIdle { return }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero || !runtime.mailbox.waitForActivity(timeout: remaining) {
                if !backend.hasPendingInput && runtime.isIdle { return }
                throw Timeout(runningEffects: runtime.runningEffects)
            }
        }
    }
}
