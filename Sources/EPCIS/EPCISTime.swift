/// An RFC 3339 date-time as EPCIS writes it (`2005-04-03T20:33:31.116-06:00`), kept as written and
/// as an instant.
///
/// Why not Foundation's ISO8601DateFormatter: it rounds fractions to milliseconds through a Double,
/// accepts forms the schema rejects, and is not available on every platform the same way. Court use
/// needs the exact text preserved and a deterministic instant.
public struct EPCISTime: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The text as it appeared in the document.
    public let text: String
    /// Whole seconds since 1970-01-01T00:00:00Z (UTC), leap seconds folded onto :59.
    public let epochSeconds: Int64
    /// The fractional second as written, digits only ("116", "116000", "" when absent).
    public let fractionDigits: String
    /// The offset written, in minutes east of UTC (`Z` is 0).
    public let offsetMinutes: Int

    public var description: String { text }

    /// Milliseconds since the epoch, the fraction truncated (for ordering and display).
    public var epochMilliseconds: Int64 {
        epochSeconds &* 1000 &+ Int64(EPCISTime.millis(fractionDigits, roundHalfUp: false).ms)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the CBV 2.0 event hash form: UTC, millisecond precision, the
    /// fourth fractional digit rounding half up (5–9 round up), as the GS1 reference generators do.
    public var canonicalUTCMilliseconds: String {
        let (ms, carry) = EPCISTime.millis(fractionDigits, roundHalfUp: true)
        let s = epochSeconds + (carry ? 1 : 0)
        return EPCISTime.format(utcSeconds: s, millis: ms)
    }

    /// Parses an RFC 3339 `date-time` (the JSON Schema `format: "date-time"`); nil when malformed
    /// or out of range (month 13, February 30, hour 24, offset beyond ±23:59).
    public init?(_ text: String) {
        let u = Array(text.utf8)
        // YYYY-MM-DDTHH:MM:SS
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                guard i < u.count, u[i] >= 0x30, u[i] <= 0x39 else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard let year = num(0, 4), u[4] == 0x2D, let month = num(5, 2), u[7] == 0x2D, let day = num(8, 2),
              u[10] == 0x54 || u[10] == 0x74,
              let hour = num(11, 2), u[13] == 0x3A, let minute = num(14, 2), u[16] == 0x3A, let second = num(17, 2)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= EPCISTime.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var frac = ""
        if i < u.count, u[i] == 0x2E {
            i += 1
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
            guard i > start, i - start <= 18 else { return nil }
            frac = String(decoding: u[start..<i], as: UTF8.self)
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == 0x5A || u[i] == 0x7A {  // Z z
            i += 1
        } else if u[i] == 0x2B || u[i] == 0x2D {
            let sign = u[i] == 0x2D ? -1 : 1
            guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == 0x3A, let om = num(i + 4, 2),
                  oh <= 23, om <= 59
            else { return nil }
            offset = sign * (oh * 60 + om)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        let days = EPCISTime.daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        self.text = text
        self.epochSeconds = local - Int64(offset * 60)
        self.fractionDigits = frac
        self.offsetMinutes = offset
    }

    /// True for an RFC 3339 `full-date` (`2023-12-20`), the JSON Schema `format: "date"`.
    public static func isFullDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return false }
        var parts: [Int] = []
        for (from, len) in [(0, 4), (5, 2), (8, 2)] {
            var v = 0
            for c in u[from..<(from + len)] {
                guard c >= 0x30, c <= 0x39 else { return false }
                v = v * 10 + Int(c - 0x30)
            }
            parts.append(v)
        }
        return parts[1] >= 1 && parts[1] <= 12 && parts[2] >= 1 && parts[2] <= daysIn(month: parts[1], year: parts[0])
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian)

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Milliseconds from fraction digits; with rounding, a carry into the next second is reported.
    static func millis(_ digits: String, roundHalfUp: Bool) -> (ms: Int, carry: Bool) {
        let d = Array(digits.utf8).map { Int($0 - 0x30) }
        var ms = 0
        for k in 0..<3 { ms = ms * 10 + (k < d.count ? d[k] : 0) }
        if roundHalfUp, d.count > 3, d[3] >= 5 {
            ms += 1
            if ms == 1000 { return (0, true) }
        }
        return (ms, false)
    }

    static func format(utcSeconds s: Int64, millis ms: Int) -> String {
        var days = s / 86_400
        var rem = s % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(Int(days))
        func pad(_ v: Int, _ w: Int) -> String {
            let t = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, w - t.count)) + t
        }
        let r = Int(rem)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(r / 3600, 2)):\(pad(r % 3600 / 60, 2)):\(pad(r % 60, 2)).\(pad(ms, 3))Z"
    }
}
