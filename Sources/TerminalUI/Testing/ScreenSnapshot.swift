/// Compares a screen with the lines a test expects and explains the difference readably.
///
/// Lines are compared with trailing spaces removed (so expectations need not pad to the screen width);
/// the report shows each differing line as expected and actual, with a caret under the first
/// differing column, then the whole actual screen with line numbers to copy from.
public enum ScreenSnapshot {
    /// nil when the screens match; otherwise the report.
    public static func difference(expected: [String], actual: [String]) -> String? {
        let count = max(expected.count, actual.count)
        var report: [String] = []
        var differing = 0
        for i in 0..<count {
            let e = i < expected.count ? trimmed(expected[i]) : nil
            let a = i < actual.count ? trimmed(actual[i]) : nil
            if e == a { continue }
            differing += 1
            report.append("  line \(i + 1):")
            report.append("    - expected: " + (e.map { "|\($0)|" } ?? "(no line)"))
            report.append("    + actual:   " + (a.map { "|\($0)|" } ?? "(no line)"))
            if let e, let a {
                report.append("                 " + String(repeating: " ", count: firstDifferenceColumn(e, a)) + "^")
            }
        }
        guard differing > 0 else { return nil }
        var out = ["screen differs in \(differing) of \(count) lines (trailing spaces ignored):"] + report
        out.append("  actual screen:")
        for (i, line) in actual.enumerated() {
            let n = String(i + 1)
            out.append("  " + String(repeating: " ", count: max(0, 3 - n.count)) + n + " |" + trimmed(line) + "|")
        }
        return out.joined(separator: "\n")
    }

    /// The display column where two lines first differ.
    static func firstDifferenceColumn(_ a: String, _ b: String) -> Int {
        var column = 0
        var ia = a.makeIterator(), ib = b.makeIterator()
        while true {
            let ca = ia.next(), cb = ib.next()
            if ca == nil || ca != cb { return column }
            column += DisplayWidth.of(ca!)
        }
    }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t.removeLast() }
        return String(t)
    }
}
