import Foundation
import StampCodes
import TerminalUI

/// Rendering costs of the console's own screens for `make bench` (scripts/bench-console.sh runs it
/// through `STAMPWATCH_BENCH_FRAMES=1 stampwatch`): a frame is the view drawn into a buffer plus the
/// diffed flush to an in-memory terminal that counts the bytes an ANSI writer would send.
public enum ConsoleBench {
    public struct Figures: Sendable {
        public var size: Size
        /// Microseconds per frame.
        public var fullRedraw: Double
        public var oneLine: Double
        public var typedCharacter: Double
        /// Bytes sent for each kind of frame.
        public var fullBytes: Int
        public var oneLineBytes: Int
        public var typedBytes: Int
    }

    /// A scan screen with a verdict, reasons, fields and a session of 50 inspections.
    static func model(_ size: Size) -> ConsoleModel {
        var model = ConsoleModel(appearance: Appearance(theme: .default, glyphs: .unicode), size: size,
                                 cache: CacheSummary(freshness: .fresh, version: 42, ageSeconds: 7_200, pendingUploads: 3))
        let payload = StampPayload(uid: "MZ000EKMRTJT", product: "09520012001037", facility: "F-MZS-01", machine: "F-MZS-01-M2",
                                   manufactured: 1_789_532_094, shift: "A", market: "MZ", series: "MZ-CIG-2026", operator: "EO-MZ-000254")
        let reasons = [Reason("watchlist-stolen", .suspect, "This UID is on the watchlist, reported stolen on 2026-09-17T12:52:00Z: pallet stolen in transit near Caia; police report PRM-SOF-2026-0457. Hold the pack and report it.")]
        for i in 0..<50 {
            let outcome = InspectionOutcome(input: "TS1:" + String(repeating: "A", count: 300), kind: .code, verdict: i % 7 == 0 ? .suspect : .genuine,
                                            reasons: reasons, payload: payload)
            model.session.append(SessionEntry(id: i + 1, outcome: outcome, at: 1_795_000_000 + Int64(i), cache: model.cache,
                                              recordID: "r\(i)", recordError: nil))
        }
        model.sessionList = ListState(count: model.session.count)
        model.status = "SUSPECT recorded"
        model.cacheLoaded = true
        return model
    }

    public static func measure(size: Size = Size(width: 200, height: 60), runs: Int = 200) -> Figures {
        let program = ConsoleProgram(environment: ConsoleEnvironment(
            verify: { _ in fatalError("not used") }, cacheStatus: { nil }, record: { _ in "" }, now: { 0 }))
        let base = model(size)
        func frame(_ m: ConsoleModel) -> Buffer {
            var b = Buffer(size: size)
            program.view(m, into: &b)
            return b
        }
        /// Mean microseconds and bytes of going from `from` to `to` (view + diff + draw). `Screen` is a
        /// value: the primed copy starts every run from the same previous frame.
        func cost(from: ConsoleModel?, to: ConsoleModel) -> (Double, Int) {
            let backend = MemoryBackend(width: size.width, height: size.height, colorDepth: .indexed256)
            var primed = Screen()
            if let from { primed.present(frame(from), on: backend) }
            backend.resetStatistics()
            var first = primed
            first.present(frame(to), on: backend)
            let bytes = backend.statistics.bytesWritten
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<runs {
                var screen = primed
                screen.present(frame(to), on: backend)
            }
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / Double(runs) / 1_000, bytes)
        }
        let full = cost(from: nil, to: base)
        var status = base
        status.status = "Checklist recorded: SUSPECT"
        let line = cost(from: base, to: status)
        var typed = base
        typed.input.insert("T")
        let key = cost(from: base, to: typed)
        return Figures(size: size, fullRedraw: full.0, oneLine: line.0, typedCharacter: key.0,
                       fullBytes: full.1, oneLineBytes: line.1, typedBytes: key.1)
    }

    /// The figures as the bench script prints them (`key value` pairs the script reads).
    public static func report(_ f: Figures) -> [String] {
        [
            "size \(f.size.width)x\(f.size.height)",
            String(format: "full_redraw_us %.1f", f.fullRedraw), "full_redraw_bytes \(f.fullBytes)",
            String(format: "one_line_us %.1f", f.oneLine), "one_line_bytes \(f.oneLineBytes)",
            String(format: "typed_char_us %.1f", f.typedCharacter), "typed_char_bytes \(f.typedBytes)",
        ]
    }
}
