/// Where running effects leave their messages for the loop, and the count of effects still running.
///
/// Thread-safe. "Idle" (no message waiting, no effect running) is what test drivers wait for instead
/// of sleeping.
final class Mailbox<Message: Sendable>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var messages: [Message] = []
    private var running = 0
    private var tasks: [String: (token: Int, task: Task<Void, Never>)] = [:]
    private var anonymous: [Int: Task<Void, Never>] = [:]
    private var nextToken = 0
    private let waker: any Waker

    init(waker: any Waker) { self.waker = waker }

    var isIdle: Bool { lock.withLock { messages.isEmpty && running == 0 } }
    var runningCount: Int { lock.withLock { running } }

    func post(_ message: Message) {
        lock.withLock { messages.append(message) }
        lock.broadcast()
        waker.wake()
    }

    func drain() -> [Message] {
        lock.withLock {
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }

    /// Starts `operation` on the global executor. A task with the same `id` is cancelled first.
    func launch(id: String?, operation: @escaping @Sendable (Sender<Message>) async -> Void) {
        lock.withLock {
            nextToken += 1
            let token = nextToken
            running += 1
            if let id, let old = tasks[id] { old.task.cancel() }
            let task = Task.detached { [self] in
                await operation(Sender { self.post($0) })
                self.finished(id: id, token: token)
            }
            if let id { tasks[id] = (token, task) } else { anonymous[token] = task }
        }
    }

    func cancel(id: String) {
        lock.withLock { tasks[id]?.task.cancel() }
    }

    func cancelAll() {
        lock.withLock {
            for (_, t) in tasks { t.task.cancel() }
            for (_, t) in anonymous { t.cancel() }
        }
    }

    private func finished(id: String?, token: Int) {
        lock.withLock {
            running -= 1
            if let id, tasks[id]?.token == token { tasks[id] = nil }
            anonymous[token] = nil
        }
        lock.broadcast()
        waker.wake()
    }

    /// Blocks until a message is waiting or no effect is running, or `timeout` passes. Returns false on
    /// timeout.
    func waitForActivity(timeout: Duration) -> Bool {
        lock.withLock { lock.wait(timeout: timeout) { !messages.isEmpty || running == 0 } }
    }
}
