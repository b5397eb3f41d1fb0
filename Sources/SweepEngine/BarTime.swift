/// Seconds since 1970-01-01 UTC of a bar's date: `YYYY-MM-DD`, optionally followed by ` ` or `T`
/// and `HH:MM`, `:SS`, fractional seconds, and `Z` or a `±HH:MM` offset. nil for anything else.
public enum BarTime {
    public static func seconds(_ text: some Collection<UInt8>) -> Int64? {
        var reader = Digits(bytes: Array(text.prefix(40)))
        guard text.count <= 40, let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        guard !reader.atEnd else { return seconds }
        guard reader.skip(" ") || reader.skip("T"), let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2),
            hour < 24, minute < 60
        else { return nil }
        seconds += Int64(hour * 3600 + minute * 60)
        if reader.skip(":") {
            guard let second = reader.number(2), second < 61 else { return nil }
            seconds += Int64(second)
            if reader.skip(".") { guard reader.skipDigits() else { return nil } }
        }
        if reader.skip("Z") {
            // UTC
        } else if reader.peek("+") || reader.peek("-") {
            let sign: Int64 = reader.skip("+") ? -1 : (reader.skip("-") ? 1 : 0)
            guard let offsetHours = reader.number(2), offsetHours < 24 else { return nil }
            _ = reader.skip(":")
            guard let offsetMinutes = reader.number(2), offsetMinutes < 60 else { return nil }
            seconds += sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
        }
        return reader.atEnd ? seconds : nil
    }

    /// Day of the week, 0 = Sunday … 6 = Saturday.
    public static func weekday(_ seconds: Int64) -> Int {
        let days = floorDivide(seconds, 86_400)
        return Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private struct Digits {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }

        func peek(_ character: Unicode.Scalar) -> Bool { index < bytes.count && bytes[index] == UInt8(ascii: character) }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard peek(character) else { return false }
            index += 1
            return true
        }

        mutating func skipDigits() -> Bool {
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            return index > start
        }
    }
}
