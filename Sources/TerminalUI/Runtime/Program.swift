/// An Elm-architecture program: one model, an enum of messages, `update` that returns effects instead
/// of doing I/O, and `view` that draws the model into a buffer.
///
/// Every key press is therefore a plain function call you can test without a terminal; the `Runtime`
/// does the I/O. Example:
///
/// ```swift
/// struct Counter: Program {
///     enum Message: Sendable { case key(KeyEvent), loaded(Int) }
///     func message(for event: InputEvent) -> Message? {
///         if case .key(let k) = event { return .key(k) } else { return nil }
///     }
///     func update(_ model: inout Int, _ msg: Message) -> [Effect<Message>] {
///         switch msg {
///         case .key(let k) where k == .char("q"): return [.quit]
///         case .key: model += 1; return [.task { .loaded(await fetch()) }]
///         case .loaded(let n): model = n; return []
///         }
///     }
///     func view(_ model: Int, into buffer: inout Buffer) { buffer.write("\(model)", x: 0, y: 0) }
/// }
/// ```
public protocol Program {
    associatedtype Model
    associatedtype Message: Sendable

    /// Effects to run once at start (load data, start a sync); the default runs none.
    func start(_ model: inout Model) -> [Effect<Message>]
    /// The message for a terminal event, or nil to ignore it. Key bindings are usually resolved in
    /// `update`, where the model says which mode is active.
    func message(for event: InputEvent) -> Message?
    /// Applies a message to the model and says what to do next.
    func update(_ model: inout Model, _ msg: Message) -> [Effect<Message>]
    /// Draws the whole model; the runtime sends only what changed to the terminal.
    func view(_ model: Model, into buffer: inout Buffer)
}

extension Program {
    public func start(_ model: inout Model) -> [Effect<Message>] { [] }
}
