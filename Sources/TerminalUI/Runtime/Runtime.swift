/// Runs a `Program` on a terminal: reads input, turns it into messages, applies them, runs effects off
/// the loop and feeds their results back as messages, and renders once after each batch.
///
/// A batch is everything available at once (all pending keys, all delivered results), so a scanner
/// typing a hundred characters and Enter in a few milliseconds costs one render, and nothing is
/// dropped or reordered. The loop runs on the thread that calls `run()`; effects run on Swift's
/// global executor.
public final class Runtime<P: Program> {
    public let program: P
    public private(set) var model: P.Model
    public let backend: any TerminalBackend
    /// True once a `.quit` effect ran.
    public private(set) var isFinished = false
    /// Frames rendered and cells written so far, for tests and measurements.
    public private(set) var framesRendered = 0
    public private(set) var cellsWritten = 0

    let mailbox: Mailbox<P.Message>
    private var screen = Screen()
    private var started = false
    private var needsRender = true

    public init(program: P, model: P.Model, backend: any TerminalBackend) {
        self.program = program
        self.model = model
        self.backend = backend
        self.mailbox = Mailbox(waker: backend.waker)
    }

    /// Takes over the terminal, runs until the program quits, and always gives the terminal back
    /// (on return and on a thrown error; signals are covered by the backend). Returns the final model.
    @discardableResult
    public func run(pollInterval: Duration = .seconds(1)) throws -> P.Model {
        try backend.setup()
        defer {
            mailbox.cancelAll()
            backend.restore()
        }
        start()
        while !isFinished {
            step(backend.pollEvents(timeout: pollInterval))
        }
        return model
    }

    /// Runs the program's start effects and renders the first frame (once).
    public func start() {
        guard !started else { return }
        started = true
        var queue: [P.Message] = []
        perform(program.start(&model), queue: &queue)
        process(queue)
        render()
    }

    /// No message waiting and no effect running.
    public var isIdle: Bool { mailbox.isIdle }
    /// Effects still running.
    public var runningEffects: Int { mailbox.runningCount }

    /// One batch: these input events, then every message effects have delivered, then one render if
    /// anything happened.
    public func step(_ events: [InputEvent]) {
        if !started { start() }
        var queue: [P.Message] = []
        for event in events {
            if case .resize = event {
                screen.invalidate()
                needsRender = true
            }
            if let m = program.message(for: event) { queue.append(m) }
        }
        queue += mailbox.drain()
        process(queue)
        if needsRender && !isFinished { render() }
    }

    private func process(_ initial: [P.Message]) {
        var queue = initial
        var i = 0
        while i < queue.count && !isFinished {
            let effects = program.update(&model, queue[i])
            needsRender = true
            perform(effects, queue: &queue)
            i += 1
        }
    }

    private func perform(_ effects: [Effect<P.Message>], queue: inout [P.Message]) {
        for effect in effects {
            switch effect.kind {
            case .message(let m): queue.append(m)
            case .task(let id, let operation): mailbox.launch(id: id, operation: operation)
            case .cancel(let id): mailbox.cancel(id: id)
            case .repaint:
                screen.invalidate()
                backend.invalidate()
                needsRender = true
            case .quit:
                isFinished = true
                mailbox.cancelAll()
            }
        }
    }

    private func render() {
        var buffer = Buffer(size: backend.size)
        program.view(model, into: &buffer)
        cellsWritten += screen.present(buffer, on: backend)
        framesRendered += 1
        needsRender = false
    }
}
