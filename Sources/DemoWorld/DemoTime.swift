import StampCodes

/// Times in the demo world: epoch seconds (UTC) inside, local Mozambique time (CAT, UTC+02:00, no
/// daylight saving) where people read them (EPCIS eventTime, ILMD dates).
enum DemoTime {
    /// Central Africa Time, used by Mozambique and every neighbour in the world except Tanzania.
    static let offsetSeconds: Int64 = 7_200
    static let offsetText = "+02:00"
    static let day: Int64 = 86_400
    static let hour: Int64 = 3_600

    /// Epoch seconds of a local (UTC+02:00) date and time.
    static func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Int64 {
        daysFromCivil(year, month, day) * Self.day + Int64(hour) * 3_600 + Int64(minute) * 60 - offsetSeconds
    }

    /// Epoch seconds of a UTC date and time.
    static func utcTime(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        daysFromCivil(year, month, day) * Self.day + Int64(hour) * 3_600 + Int64(minute) * 60 + Int64(second)
    }

    /// `2026-07-14T08:15:06.000+02:00`: the EPCIS eventTime form (milliseconds, local offset).
    static func eventTime(_ t: Int64) -> String {
        let (y, m, d, hh, mm, ss) = civil(t + offsetSeconds)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)).000\(offsetText)"
    }

    /// `2026-07-14`, the local date.
    static func localDate(_ t: Int64) -> String {
        let (y, m, d, _, _, _) = civil(t + offsetSeconds)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `2026-07`, the local month (dashboard figures are per month).
    static func localMonth(_ t: Int64) -> String { String(localDate(t).prefix(7)) }

    /// The local hour of day (0–23), which decides the production shift.
    static func localHour(_ t: Int64) -> Int { civil(t + offsetSeconds).3 }

    /// RFC 3339 UTC (`2026-07-14T06:15:06Z`), the form keyrings and summaries use.
    static func utc(_ t: Int64) -> String { RFC3339.format(t) }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        let next = month == 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1)
        return Int(next - daysFromCivil(year, month, 1))
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day, hour, minute, second) of epoch seconds, read as UTC.
    static func civil(_ t: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = t >= 0 ? t / day : (t - day + 1) / day
        let secs = Int(t - days * day)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = Int(yoe + era * 400) + (m <= 2 ? 1 : 0)
        return (y, m, d, secs / 3_600, (secs / 60) % 60, secs % 60)
    }
}
