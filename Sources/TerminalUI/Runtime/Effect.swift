/// Something `update` asks the runtime to do, as a value: run async work whose results come back as
/// messages, deliver a message, cancel work, repaint, or quit.
///
/// Work runs off the loop (so a slow disk or network never freezes the screen), and tests can inspect
/// the effects an update returned without running them.
public struct Effect<Message: Sendable>: Sendable {
    enum Kind: Sendable {
        case message(Message)
        case task(id: String?, operation: @Sendable (Sender<Message>) async -> Void)
        case cancel(String)
        case repaint
        case quit
    }

    let kind: Kind

    /// Delivers a message right after the current one, in the same batch (before the next render).
    public static func send(_ message: Message) -> Effect { Effect(kind: .message(message)) }

    /// Runs `operation` off the loop and delivers its result, if any. Starting a task with the `id` of
    /// one still running cancels the old one first (search-as-you-type keeps only the latest query).
    public static func task(id: String? = nil, _ operation: @escaping @Sendable () async -> Message?) -> Effect {
        Effect(kind: .task(id: id) { send in
            if let m = await operation() { send(m) }
        })
    }

    /// Runs `operation` off the loop; it may deliver any number of messages (progress, then a result).
    public static func stream(id: String? = nil, _ operation: @escaping @Sendable (Sender<Message>) async -> Void) -> Effect {
        Effect(kind: .task(id: id, operation: operation))
    }

    /// Cancels the task started with `id`; messages it sends afterwards are dropped.
    public static func cancel(_ id: String) -> Effect { Effect(kind: .cancel(id)) }

    /// Repaints the whole terminal on the next render (after line noise on a serial or SSH link).
    public static var repaint: Effect { Effect(kind: .repaint) }

    /// Ends the program after this batch; running tasks are cancelled and the terminal restored.
    public static var quit: Effect { Effect(kind: .quit) }

    /// The same effect for a parent program whose messages wrap this one's (one screen inside an app).
    public func map<T: Sendable>(_ transform: @escaping @Sendable (Message) -> T) -> Effect<T> {
        switch kind {
        case .message(let m): return .send(transform(m))
        case .task(let id, let operation): return .stream(id: id) { send in await operation(send.map(transform)) }
        case .cancel(let id): return .cancel(id)
        case .repaint: return .repaint
        case .quit: return .quit
        }
    }
}

/// Delivers messages from a running task to the program. Messages sent after the task was cancelled
/// are dropped, so a stale result never overwrites a newer one.
public struct Sender<Message: Sendable>: Sendable {
    let deliver: @Sendable (Message) -> Void

    public init(_ deliver: @escaping @Sendable (Message) -> Void) { self.deliver = deliver }

    public func callAsFunction(_ message: Message) {
        if Task.isCancelled { return }
        deliver(message)
    }

    public func map<T: Sendable>(_ transform: @escaping @Sendable (T) -> Message) -> Sender<T> {
        Sender<T> { deliver(transform($0)) }
    }
}
