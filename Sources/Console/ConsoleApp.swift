import Foundation
import TerminalUI

/// Runs the console on the real terminal (ncurses) until the officer quits; the terminal is restored on
/// return, on a thrown error and on fatal signals (the backend's restorer).
public enum ConsoleApp {
    /// Returns the number of inspections made in the session.
    @discardableResult
    public static func run(environment: ConsoleEnvironment, initialCache: CacheSummary?, theme: Theme = .default,
                           keyMap: KeyMap = ConsoleKeys.standard) throws -> Int {
        let env = ProcessInfo.processInfo.environment
        let backend = NcursesBackend()
        // The appearance depends on what the terminal supports, known only after setup.
        try backend.setup()
        let appearance = Appearance.forTerminal(theme: theme, depth: backend.colorDepth, environment: env)
        let model = ConsoleModel(keyMap: keyMap, appearance: appearance, size: backend.size, cache: initialCache)
        let final = try Runtime(program: ConsoleProgram(environment: environment), model: model, backend: backend).run()
        return final.session.count
    }
}
