/// Parses an RFC 9110 §5.6.7 HTTP-date into seconds since 1970, with no locale or formatter involved.
///
/// All three forms a recipient must accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
/// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). A pure
/// function so every form and every malformed input can be tested without a clock.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is not an HTTP-date.
    public static func parse(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if tokens.count == 6, tokens[0].hasSuffix(","), tokens[5] == "GMT" {
            // IMF-fixdate: day-name "," SP day SP month SP year SP time SP "GMT"
            guard let day = number(tokens[1], digits: 2...2), let month = month(tokens[2]),
                  let year = number(tokens[3], digits: 4...4) else { return nil }
            return assemble(year: year, month: month, day: day, time: tokens[4])
        }
        if tokens.count == 4, tokens[0].hasSuffix(","), tokens[3] == "GMT" {
            // RFC 850: day-name "," SP dd-Mon-yy SP time SP "GMT"; two-digit years are read per RFC 9110
            // (a year more than 50 years in the future is taken as the past century) — here fixed at 1970–2069.
            let parts = tokens[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let day = number(parts[0], digits: 2...2), let month = month(parts[1]),
                  let yy = number(parts[2], digits: 2...2) else { return nil }
            return assemble(year: yy < 70 ? 2000 + yy : 1900 + yy, month: month, day: day, time: tokens[2])
        }
        if tokens.count == 5, !tokens[0].hasSuffix(",") {
            // asctime: day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time SP year
            guard let month = month(tokens[1]), let day = number(tokens[2], digits: 1...2),
                  let year = number(tokens[4], digits: 4...4) else { return nil }
            return assemble(year: year, month: month, day: day, time: tokens[3])
        }
        return nil
    }

    private static func month(_ s: String) -> Int? {
        months.firstIndex(of: s.lowercased()).map { $0 + 1 }
    }

    private static func number(_ s: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(s.utf8.count), s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(s)
    }

    private static func assemble(year: Int, month: Int, day: Int, time: String) -> Int64? {
        let hms = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard hms.count == 3, let h = number(hms[0], digits: 2...2), let m = number(hms[1], digits: 2...2),
              let s = number(hms[2], digits: 2...2), h < 24, m < 60, s <= 60,  // 60: a leap second
              (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + Int64(h * 3600 + m * 60 + s)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
