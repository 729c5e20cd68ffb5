import Foundation
import TerminalUI

/// Runs the console on the real terminal (ncurses) until the officer quits; the terminal is restored on
/// return, on a thrown error and on fatal signals (the backend's restorer).
public enum ConsoleApp {
    public struct Options: Sendable {
        public var theme: Theme = .default
        public var keyMap: KeyMap = ConsoleKeys.standard
        /// Report mouse clicks and the wheel (off by default: it takes the terminal's own text selection away).
        public var mouse = false
        /// ASCII glyphs even in a UTF-8 locale.
        public var ascii = false
        /// The status line's first message (a config or theme problem, said once).
        public var notice = ""
        /// Measure start-up: draw the first frame, give the terminal back and return (`make bench`).
        public var exitAfterFirstFrame = false
        public init() {}
    }

    /// What a session ended with.
    public struct Outcome: Sendable {
        public var inspections: Int
        /// Checklist follow-up records written.
        public var checklistRecords: Int
        /// Set when `exitAfterFirstFrame` was asked: when the first frame was on the terminal.
        public var firstFrameAt: ContinuousClock.Instant?
    }

    public static func run(environment: ConsoleEnvironment, initialCache: CacheSummary?, options: Options = Options()) throws -> Outcome {
        let env = ProcessInfo.processInfo.environment
        var backendOptions = NcursesBackend.Options()
        backendOptions.mouse = options.mouse
        let backend = NcursesBackend(options: backendOptions)
        // The appearance depends on what the terminal supports, known only after setup.
        try backend.setup()
        var appearance = Appearance.forTerminal(theme: options.theme, depth: backend.colorDepth, environment: env)
        if options.ascii { appearance.glyphs = .ascii }
        let model = ConsoleModel(keyMap: options.keyMap, appearance: appearance, size: backend.size, cache: initialCache,
                                 status: options.notice)
        let runtime = Runtime(program: ConsoleProgram(environment: environment), model: model, backend: backend)
        if options.exitAfterFirstFrame {
            runtime.start()
            let at = ContinuousClock.now
            backend.restore()
            return Outcome(inspections: 0, checklistRecords: 0, firstFrameAt: at)
        }
        let final = try runtime.run()
        return Outcome(inspections: final.session.count, checklistRecords: final.session.reduce(0) { $0 + $1.followUps.count },
                       firstFrameAt: nil)
    }
}
